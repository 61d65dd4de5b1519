"""Typed properties: chosen top-level ``data`` keys stored as typed columns beside ``data``
(docs/adr/0009), like PostHog's materialised columns.

For each key, four columns hold exactly what the JSON readers of :mod:`journeylab.dialects`
give for it: ``data__number__KEY`` (float64: the value when it is a JSON number),
``data__string__KEY`` (a JSON string), ``data__bool__KEY`` (a JSON boolean) and
``data__present__KEY`` (the key is there, even with a null value). They are computed by
those same readers, so a filter or a breakdown reads the column instead of parsing ``data``
with identical results; :func:`journeylab.dialects.lower` makes that swap wherever the
column is in the table it reads.

The keys are a property of a generation of the events folder: ``properties.json`` in it
lists them, and every file of the generation carries their columns (compaction writes them
for a new generation; ingest adds them to each file it lands). The lake's declared keys
live in ``LAKE/properties.json``; without a declaration, compaction picks the most used keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from journeylab import dialects
from journeylab.errors import SpecError, invalid

__all__ = [
    "AUTO_MAX",
    "AUTO_SHARE",
    "DECLARED",
    "KINDS",
    "PROPERTIES",
    "add_columns",
    "auto_keys",
    "column",
    "columns_select",
    "check_keys",
    "generation_keys",
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


#: the column holding one kind of ``data[key]`` (named in :mod:`journeylab.dialects`, whose
#: readers swap to it)
column = dialects.typed_column


def typed_schema(base: pa.Schema, keys: Sequence[str]) -> pa.Schema:
    """``base`` (the lake's event schema) plus the typed columns of ``keys``."""
    fields = [pa.field(column(k, kind), _TYPES[kind]) for k in keys for kind in KINDS]
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


def generation_keys(gen: Path) -> tuple[str, ...]:
    """The keys a generation folder's files carry (none for a generation without the file)."""
    path = gen / PROPERTIES
    if not path.exists():
        return ()
    return tuple(json.loads(path.read_text("utf-8")).get("keys", []))


def _exprs(t: ir.Table, keys: Sequence[str]) -> dict[str, ir.Value]:
    """The typed columns of ``keys``, read from ``t.data`` by the portable JSON readers."""
    readers = {
        "number": dialects.json_number,
        "string": dialects.json_string,
        "bool": dialects.json_bool,
        "present": lambda d, k: dialects.json_exists(d, k).fill_null(False),
    }
    return {column(k, kind): readers[kind](t.data, k) for k in keys for kind in KINDS}


def columns_select(base: pa.Schema, keys: Sequence[str], source: str) -> str:
    """DuckDB SQL selecting ``base``'s columns of the view ``source`` and the typed columns
    of ``keys``, always computed from ``data`` (compiled by Ibis)."""
    t = ibis.table(ibis.schema(base), name=source)
    expr = t.select(*base.names, **_exprs(t, keys))
    return dialects.to_sql(expr, "duckdb")


def add_columns(con: Any, table: pa.Table, keys: Sequence[str]) -> pa.Table:
    """``table`` (rows of the base event schema) with the typed columns of ``keys`` appended,
    computed on ``con`` (a private DuckDB connection; the view it makes is removed)."""
    if not keys:
        return table
    t = ibis.table(ibis.schema(table.schema), name=_SOURCE)
    sql = dialects.to_sql(t.select(**_exprs(t, keys)), "duckdb")
    con.register(_SOURCE, table)
    try:
        typed = con.sql(sql).to_arrow_table()
    finally:
        con.unregister(_SOURCE)
    if typed.num_rows != table.num_rows:  # pragma: no cover - DuckDB's contract
        raise RuntimeError("typed columns: row count changed")
    for name in typed.column_names:
        table = table.append_column(name, typed[name].cast(_TYPES[name.split("__")[1]]))
    return table


def auto_keys(con: Any, source: str, base: pa.Schema, rows: int) -> tuple[str, ...]:
    """The most used top-level keys of ``data`` in the view ``source`` (``rows`` events):
    present in at least :data:`AUTO_SHARE` of the profiled events, at most :data:`AUTO_MAX`,
    the most frequent first (ties by key). Profiles every event of small lakes and the
    events of one user key in ``rows / 1M`` of large ones (deterministic: the same lake
    gives the same keys)."""
    t = ibis.table(ibis.schema(base), name=source)
    step = max(1, rows // _PROFILE_ROWS)
    sample = t.filter(t.user_key % step == 0) if step > 1 and "user_key" in base.names else t
    keys = sample.select(key=dialects.json_keys(sample.data).unnest())
    counts = keys.group_by("key").agg(n=keys.count())
    total_sql = dialects.to_sql(sample.count(), "duckdb")
    row = con.execute(total_sql).fetchone()
    total = int(row[0]) if row else 0
    if not total:
        return ()
    found = con.execute(dialects.to_sql(counts, "duckdb")).fetchall()
    ranked = sorted(((-int(n), str(k)) for k, n in found if k is not None))
    return tuple(k for n, k in ranked if -n >= AUTO_SHARE * total)[:AUTO_MAX]
