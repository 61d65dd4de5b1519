"""Typed properties: chosen top-level ``data`` keys stored as typed columns beside ``data``
(docs/adr/0009), like PostHog's materialised columns.

For each key, up to four columns hold exactly what the JSON readers of
:mod:`journeylab.dialects` give for it: ``data__number__KEY`` (float64: the value when it is
a JSON number), ``data__string__KEY`` (a JSON string), ``data__bool__KEY`` (a JSON boolean)
and ``data__present__KEY`` (the key is there, even with a null value); a key has
``present`` and the kinds its values took when compaction profiled it. They are computed by
those same readers, so a filter or a breakdown reads the column instead of parsing ``data``
with identical results; :func:`journeylab.dialects.lower` makes that swap wherever the
column is in the table it reads, and a kind without a column is read from ``data``.

The keys are a property of a generation of the events folder: ``properties.json`` in it
lists them with their kinds, and every file of the generation carries their columns
(compaction writes them for a new generation; ingest adds them to each file it lands). The lake's declared keys
live in ``LAKE/properties.json``; without a declaration, compaction picks the most used keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from journeylab import typed_columns
from journeylab.errors import SpecError, invalid

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "AUTO_MAX",
    "AUTO_SHARE",
    "DECLARED",
    "KINDS",
    "PROPERTIES",
    "Typed",
    "add_columns",
    "check_keys",
    "column",
    "generation_keys",
    "parse_typed",
    "profile",
    "typed_schema",
]

#: in a generation folder: the keys its files carry as typed columns
PROPERTIES = "properties.json"
#: in the lake folder: the keys declared by ``compact(properties=[...])``
DECLARED = "properties.json"
KINDS = ("number", "string", "bool", "present")
_TYPES = {"number": pa.float64(), "string": pa.string(), "bool": pa.bool_(), "present": pa.bool_()}
#: without a declaration, compaction types the keys present in at least this share of the
#: events it samples, the most used first, at most AUTO_MAX of them
AUTO_SHARE = 0.01
AUTO_MAX = 8
#: events profiled for the automatic choice: all of them up to this, else a sample of users
_PROFILE_ROWS = 1_000_000
_SOURCE = "jl_typed_source"


#: the column holding one kind of ``data[key]`` (named in :mod:`journeylab.typed_columns`;
#: :mod:`journeylab.dialects`' readers swap to it)
column = typed_columns.typed_column


#: per typed key, the kinds it has columns for (in :data:`KINDS` order)
Typed = dict[str, tuple[str, ...]]


def typed_schema(base: pa.Schema, typed: Mapping[str, Sequence[str]]) -> pa.Schema:
    """``base`` (the lake's event schema) plus the typed columns of ``typed``."""
    fields = [
        pa.field(column(k, kind), _TYPES[kind]) for k, kinds in typed.items() for kind in kinds
    ]
    return pa.schema([*base, *fields])


def check_keys(keys: object, param: str = "properties") -> tuple[str, ...]:
    """A user's list of keys, validated: non-empty strings, no repeats, in the given order."""
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        raise invalid(param, keys, "a list of top-level data keys, like ['amount']", cls=SpecError)
    out: list[str] = []
    for key in keys:
        if not isinstance(key, str) or not key:
            raise invalid(f"{param} key", key, "a non-empty string", cls=SpecError)
        if key not in out:
            out.append(key)
    return tuple(out)


def generation_keys(gen: Path) -> Typed:
    """The keys a generation folder's files carry, with their kinds (none without the file)."""
    path = gen / PROPERTIES
    return parse_typed(json.loads(path.read_text("utf-8")) if path.exists() else {})


def parse_typed(doc: Mapping[str, Any]) -> Typed:
    """A generation's ``properties.json``: ``{"keys": {KEY: [KIND, ...]}}`` (a list of keys:
    every kind)."""
    keys = doc.get("keys", {})
    if isinstance(keys, list):
        return {k: KINDS for k in keys}
    return {k: tuple(kind for kind in KINDS if kind in kinds) for k, kinds in keys.items()}


def _exprs(t: ir.Table, typed: Mapping[str, Sequence[str]]) -> dict[str, ir.Value]:
    """The typed columns of ``typed``, read from ``t.data`` by the portable JSON readers."""
    from journeylab import dialects

    readers = {
        "number": dialects.json_number,
        "string": dialects.json_string,
        "bool": dialects.json_bool,
        "present": lambda d, k: dialects.json_exists(d, k).fill_null(False),
    }
    return {
        column(k, kind): readers[kind](t.data, k) for k, kinds in typed.items() for kind in kinds
    }


def add_columns(con: Any, table: pa.Table, typed: Mapping[str, Sequence[str]]) -> pa.Table:
    """``table`` (rows of the base event schema) with the typed columns of ``typed``
    appended, computed on ``con`` (a private DuckDB connection; the view it makes is
    removed)."""
    if not typed:
        return table
    import ibis

    from journeylab import dialects

    t = ibis.table(ibis.schema(table.schema), name=_SOURCE)
    sql = dialects.to_sql(t.select(**_exprs(t, typed)), "duckdb")
    con.register(_SOURCE, table)
    try:
        out = con.sql(sql).to_arrow_table()
    finally:
        con.unregister(_SOURCE)
    if out.num_rows != table.num_rows:  # pragma: no cover - DuckDB's contract
        raise RuntimeError("typed columns: row count changed")
    out = out.cast(typed_schema(pa.schema([]), typed))
    for name in out.column_names:
        table = table.append_column(name, out[name])
    return table


def profile(con: Any, source: str, base: pa.Schema, rows: int, keys: Sequence[str] | None) -> Typed:
    """The keys to type in the view ``source`` (``rows`` events) and the kinds each has
    columns for: the JSON types its values take in the profiled events, ``present`` always
    (a kind never seen has no column: its readers parse ``data``, exactly as before).

    ``keys`` None: the most used top-level keys, present in at least :data:`AUTO_SHARE` of
    the profiled events, at most :data:`AUTO_MAX`, the most frequent first (ties by key).
    Profiles every event of small lakes and, of large ones, the events of the users whose
    ``user_key`` is a multiple of ``rows / 1M`` (the same lake always gives the same
    answer)."""
    import ibis

    t = ibis.table(ibis.schema(base), name=source)
    step = max(1, rows // _PROFILE_ROWS)
    sample = t.filter(t.user_key % step == 0) if step > 1 and "user_key" in base.names else t
    if keys is None:
        keys = _most_used(con, sample)
    if not keys:
        return {}
    found = _seen(con, sample, keys)
    return {
        k: tuple(kind for kind in KINDS if kind == "present" or found.get((k, kind), True))
        for k in keys
    }


def _most_used(con: Any, sample: ir.Table) -> tuple[str, ...]:
    from journeylab import dialects

    (row,) = con.execute(dialects.to_sql(sample.count(), "duckdb")).fetchall()
    total = int(row[0])
    if not total:
        return ()
    keys = sample.select(key=dialects.json_keys(sample.data).unnest())
    counts = keys.group_by("key").agg(n=keys.count())
    found = con.execute(dialects.to_sql(counts, "duckdb")).fetchall()
    ranked = sorted(((-int(n), str(k)) for k, n in found if k is not None))
    return tuple(k for n, k in ranked if -n >= AUTO_SHARE * total)[:AUTO_MAX]


def _seen(con: Any, sample: ir.Table, keys: Sequence[str]) -> dict[tuple[str, str], bool]:
    """Whether each (key, kind) has a value in ``sample``; none when the sample is empty
    (then every kind gets its column)."""
    from journeylab import dialects

    exprs = _exprs(sample, {k: KINDS[:3] for k in keys})
    aggs = {c: e.notnull().any() for c, e in exprs.items()}
    sql = dialects.to_sql(sample.aggregate(rows=sample.count(), **aggs), "duckdb")
    ((rows, *seen),) = con.execute(sql).fetchall()
    if not rows:
        return {}
    found = dict(zip(exprs, seen, strict=True))
    return {(k, kind): bool(found[column(k, kind)]) for k in keys for kind in KINDS[:3]}
