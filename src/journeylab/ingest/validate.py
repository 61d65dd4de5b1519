"""One vectorised validation pass per batch, the record-level Validator for what it flags.

:class:`Checker` runs the rules of :mod:`.rules` over a :class:`~.wire.WireBatch` on the
ingest's private DuckDB connection. Records with a reason (a REASONS code or ``check``) are
decoded one by one and given to :class:`~.model.Validator`, which names the reason and the
detail — or accepts a ``check`` record and computes its row; every other record's row comes
from the pass. Events come out in input order.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.ingest.model import Rejection, Validator, canonical_bytes
from journeylab.ingest.rules import (
    MACROS,
    PARAMS,
    RULES_TEXT,
    RULES_TYPED,
    SET_PARAM,
    WIRE_TEXT,
    WIRE_TYPED,
)
from journeylab.ingest.wire import TYPED, Reject, WireBatch, text_table

__all__ = ["EVENTS", "Checker", "Validated", "canonical_texts", "events_table"]

_TS = pa.timestamp("us", tz="UTC")
#: rows of the record batches DuckDB's threads share in the pass (docs/performance.md)
SCAN_ROWS = 64 * 1024
#: flagged records decoded for the Validator at a time (their Python objects held at once)
DECODE_ROWS = 16 * 1024
#: the validated events (the lake adds ``user_key`` when it commits them)
EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("name", pa.string()),
        ("event_at", _TS),
        ("received_at", _TS),
        ("data", pa.string()),
    ]
)


@dataclass
class Validated:
    """A validated batch: events (repeats included) of which ``land`` marks those to land
    (the others were rejected), and the rejects. The events are in input order, unless
    ``order`` gives each event's place in the input: the Validator's rows then follow the
    pass's, which the commit takes into the lake's order anyway (merged back into input
    order, a chunk was taken whole twice: 100–200 ms for one such row in 500k)."""

    source: str
    events: pa.Table
    land: np.ndarray
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0
    naive: int = 0
    unknown: int = 0
    #: of the accepted records, how many carry each field that is not an Events API field
    unknown_names: Counter[str] = field(default_factory=Counter)
    #: each event's place in the input (None: the events are in input order)
    order: np.ndarray | None = None


def events_table(columns: dict[str, Any]) -> pa.Table:
    """The EVENTS schema from columns (event_at, received_at in µs)."""
    return pa.Table.from_arrays(
        [
            pa.array(columns[f.name], pa.int64()).cast(_TS)
            if f.type == _TS
            else pa.array(columns[f.name], pa.string())
            for f in EVENTS
        ],
        schema=EVENTS,
    )


_decode = msgspec.json.Decoder().decode


def canonical_texts(texts: pa.Array) -> pa.Array:
    """The pass's ``jl_canon``: each minified JSON object of ``texts`` decoded by msgspec
    and written canonical by the Validator's encoder (:func:`~.model.canonical_bytes`);
    null where msgspec does not read an object (the record then goes to the Validator).

    The rules give it data that holds an object or array of objects, or a key twice, and
    nothing DuckDB writes otherwise than msgspec (``jl_canon_ready``): decoded, such text
    holds the values the record's own text does, so its canonical text is the Validator's.
    A Python loop, yet 3–4 µs a record against the Validator's 13–15 (docs/performance.md).
    """
    out: list[bytes | None] = []
    for text in texts.to_pylist():
        try:
            value = None if text is None else _decode(text)
        except msgspec.DecodeError:
            value = None
        out.append(canonical_bytes(value) if isinstance(value, dict) else None)
    # msgspec writes UTF-8: the bytes are viewed as text, not validated again
    return pa.array(out, pa.large_binary()).view(pa.large_string())


class Checker:
    """The vectorised pass on a DuckDB connection of its own (one thread uses it)."""

    def __init__(self, con: Any) -> None:
        from duckdb import sqltypes

        self.con = con
        con.create_function(
            "jl_canon",
            canonical_texts,
            [sqltypes.VARCHAR],
            sqltypes.VARCHAR,
            type="arrow",
            side_effects=False,
        )
        for name, value in PARAMS.items():
            con.execute(SET_PARAM[name], {"value": value}).fetchall()
        for macro in MACROS:
            con.execute(macro).fetchall()
        # the views are bound when created: over empty tables of the batches' shapes
        for name, empty, view in (
            ("jl_text", text_table(pa.array([], pa.large_binary()), 0), WIRE_TEXT),
            ("jl_typed", TYPED.empty_table(), WIRE_TYPED),
        ):
            con.register(name, empty)
            con.execute(view).fetchall()
            con.unregister(name)

    def reasons(self, batch: WireBatch) -> pa.Table:
        """The pass alone: per row ``rn``, ``reason`` and the computed row."""
        con, table = self.con, batch.table
        kind = batch.kind
        if batch.mapper is not None:  # an export of another tool: mapped onto the fields
            table, kind = batch.mapper(con, table), "typed"
        name, sql = ("jl_text", RULES_TEXT) if kind == "text" else ("jl_typed", RULES_TYPED)
        if batch.data_struct is not None:
            table = self._with_struct_json(table, batch.data_struct)
        # in record batches of SCAN_ROWS: DuckDB's threads take a batch at a time (one
        # batch a block of the input left one thread with most of the pass)
        scan = pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_ROWS), table.schema)
        con.register(name, scan)
        try:
            with _no_cyclic_gc():  # jl_canon's decoded data (no cycles) set it off
                out = con.sql(sql).to_arrow_table()
        finally:
            con.unregister(name)
        out = _by_rn(out)  # input order
        if kind == "typed":  # userId and name as given: no round trip through DuckDB
            given = _by_rn(table.select(["rn", "u", "n"]))
            out = out.append_column("user_id", given["u"]).append_column("name", given["n"])
        return out

    def _with_struct_json(self, table: pa.Table, struct: pa.Array) -> pa.Table:
        """``table`` with its data given as an Arrow struct or map written as JSON text
        (DuckDB's to_json). DuckDB refuses a map that gives a key twice (the reader sends
        such top-level maps to the Validator); one nested deeper sends every record of
        the batch that has data to the Validator, which reads each one."""
        import duckdb

        self.con.register("jl_struct", pa.table({"d": struct}))
        try:
            text = self.con.sql("SELECT to_json(d)::VARCHAR AS d FROM jl_struct")
            d = text.to_arrow_table()["d"].combine_chunks().cast(pa.large_string())
        except duckdb.InvalidInputException:
            d = pa.nulls(len(struct), pa.large_string())
            pre = pc.if_else(pc.is_valid(struct), pa.scalar("check"), table["pre"])
            table = table.set_column(table.schema.get_field_index("pre"), "pre", pre)
        finally:
            self.con.unregister("jl_struct")
        return table.set_column(table.schema.get_field_index("d"), "d", d)

    @staticmethod
    def _add(val: Validator, rec: Any, recv: int) -> Rejection | None:
        """Give ``rec`` to the Validator: None when it is accepted, else its Rejection
        (its traceback dropped)."""
        try:
            val.add(rec, recv)
        except Rejection as exc:
            return exc.with_traceback(None)
        return None

    def validate(self, batch: WireBatch) -> Validated:
        out = self.reasons(batch)
        land = pc.is_null(out["reason"]).to_numpy(zero_copy_only=False)
        flagged = np.flatnonzero(~land).tolist()
        recv = batch.table["recv"].to_numpy()
        events = out.select([f.name for f in EVENTS]).cast(EVENTS)
        result = Validated(batch.source, events, land, list(batch.rejects), batch.records)
        good = pa.array(land)
        result.naive = int(pc.sum(pc.filter(out["naive"], good)).as_py() or 0)
        result.unknown = int(pc.sum(pc.filter(out["unknown"], good)).as_py() or 0)
        result.unknown_names = _unknown_names(batch, out, land)
        val = Validator(0)
        rows: list[int] = []
        with _no_cyclic_gc():
            # decoded DECODE_ROWS records at a time: a chunk whose every record is flagged
            # (nested data) held all its records as Python objects (2.07 GB peak RSS)
            for lo in range(0, len(flagged), DECODE_ROWS):
                part = flagged[lo : lo + DECODE_ROWS]
                for i, (raw, rec) in zip(part, batch.decode(part), strict=True):
                    # a decoding Rejection is kept, never raised: raised, its traceback
                    # would hold this frame and the batch in a reference cycle
                    rej = rec if isinstance(rec, Rejection) else self._add(val, rec, int(recv[i]))
                    if rej is None:
                        rows.append(i)
                    else:
                        no = int(batch.record[i])
                        result.rejects.append((no, raw, rej.reason, rej.detail, int(recv[i])))
        result.naive += val.naive_timestamps
        result.unknown += val.unknown_fields
        result.unknown_names.update(val.unknown_names)
        if rows:  # the Validator's rows, after the pass's; their records' places in order
            extra = events_table(
                {
                    "event_id": val.event_id,
                    "user_id": val.user_id,
                    "name": val.name,
                    "event_at": val.event_at,
                    "received_at": val.received_at,
                    "data": val.data,
                }
            )
            result.events = pa.concat_tables([events, extra])
            result.land = np.concatenate([land, np.ones(len(rows), bool)])
            result.order = np.concatenate([np.arange(len(land)), np.array(rows, np.int64)])
        result.rejects.sort(key=lambda r: r[0])
        return result


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Python's cyclic collector off while the Validator reads records: the decoded records
    are freed by reference counting (no cycles), and the collections their allocations
    set off scanned every object alive, chunk after chunk, for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _unknown_names(batch: WireBatch, out: pa.Table, land: np.ndarray) -> Counter[str]:
    """How many of the records the pass accepted (``land``) carry each field that is not
    an Events API field: a typed batch's columns (its reader's masks), a text batch's keys
    (the pass's ``unknown_keys``)."""
    names: Counter[str] = Counter()
    for name, given in batch.unknown_masks.items():
        names[name] = int(np.count_nonzero(given & land))
    if "unknown_keys" in out.column_names and out["unknown_keys"].null_count < out.num_rows:
        keys = pc.list_flatten(pc.filter(out["unknown_keys"], pa.array(land)))
        for pair in pc.value_counts(keys).to_pylist():
            names[pair["values"]] += pair["counts"]
    return +names  # names no accepted record carries left out


def _by_rn(table: pa.Table) -> pa.Table:
    """``table`` in the order of its ``rn`` (as it is when already in that order)."""
    rn = table["rn"].to_numpy()
    if len(rn) > 1 and not np.all(rn[1:] > rn[:-1]):
        return table.take(pa.array(np.argsort(rn, kind="stable")))
    return table
