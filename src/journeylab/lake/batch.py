"""Vectorised validation of a block of JSON lines: the ingest fast path.

A block is validated in three passes that give exactly what :class:`~.model.Validator`
gives record by record (tests/test_lake_differential.py holds both to the reference):

1. each line is decoded by msgspec straight into a typed struct whose constraints are the
   wire rules (non-empty strings of at most 255 characters, data an object, no unknown
   field); ``data`` is re-encoded canonically. Any line the struct refuses (bad JSON, a
   broken rule, an unknown field, oversized data) goes to the record-by-record Validator,
   which names the reason;
2. ``eventAt`` strings in the common RFC 3339 shape (``T``, ``Z`` or ``±HH:MM``, at most 6
   fraction digits) are parsed by one Arrow cast; the rest (naive, lower-case, long
   fractions, invalid) by :func:`~.model.parse_rfc3339`;
3. absent ``eventId`` values are derived (:func:`~.model.derive_event_id`);
4. repeated event ids inside the block are dropped (first wins) and the events are put in
   the lake's order, so the main process only merges sorted runs.

``validate_block`` is a top-level function so that worker processes can run it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.hashing import user_keys
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.lake.model import (
    MAX_DATA_BYTES,
    MAX_EVENT_US,
    MAX_ID_CHARS,
    MIN_EVENT_US,
    Rejection,
    Validator,
    parse_rfc3339,
)

__all__ = ["Block", "Reject", "validate_block", "validate_lines", "events_table", "sort_order"]

_Id = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_CHARS)]


class _Event(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    userId: _Id  # noqa: N815 - wire names
    name: _Id
    eventAt: str | None = None  # noqa: N815
    data: dict[str, Any] | None = None
    eventId: _Id | None = None  # noqa: N815


_decode = msgspec.json.Decoder(_Event).decode
_decode_any = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder(order="sorted").encode
_COMMON_RFC3339 = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_TS = pa.timestamp("us", tz="UTC")
_SUB = 256  # lines decoded in one comprehension; a bad line sends its sub-block line by line
Reject = tuple[int, str, str, str]  # record number, raw text, reason, detail


@dataclass
class Block:
    """One validated block: events in input order plus rejections and counters."""

    events: pa.Table
    rejects: list[Reject] = field(default_factory=list)
    records: int = 0
    naive: int = 0
    unknown: int = 0
    #: events dropped as repeats of an earlier event id in the same block (first wins)
    duplicates: int = 0
    #: the block is a whole chunk (the fast path): committed on its own
    chunk: bool = False
    #: lines the block held (the fast path numbers the next block's lines from it)
    lines: int = 0
    #: rows of ``events`` holding the first occurrence of their id (None: all; fast path)
    first: pa.BooleanArray | None = None
    #: the scanner's 64-bit hash of each row's event_id (fast path), for the commit
    hashes: Any = None


def events_table(
    ids: list[str], users: list[str], names: list[str], ats: Any, recv_us: int, data: list[Any]
) -> pa.Table:
    n = len(ids)
    user_ids = pa.array(users, pa.string())
    return pa.table(
        {
            "event_id": pa.array(ids, pa.string()),
            "user_id": user_ids,
            "name": pa.array(names, pa.string()),
            "event_at": pa.array(ats, pa.int64()).cast(_TS),
            "received_at": pa.array([recv_us] * n, pa.int64()).cast(_TS),
            "data": pa.array(data, pa.string()),
            "user_key": pa.array(user_keys(user_ids), pa.int64()),
        },
        schema=EVENT_SCHEMA,
    )


_RANKED = [(c, "ascending") for c in ("n", "u", "a", "e")]


def sort_order(events: pa.Table) -> pa.Array:
    """Indices that put ``events`` in the lake's order: name, user_id, event_at, event_id.

    ``name`` and ``user_id`` are replaced by their ranks among the distinct values (sorted
    with the same byte-wise comparison), so most comparisons are between integers; the
    order is exactly that of sorting the strings themselves.
    """

    def rank(col: Any) -> pa.Array:
        distinct = pc.unique(col)
        return pc.index_in(col, value_set=distinct.take(pc.sort_indices(distinct)))

    keys = pa.table(
        {
            "n": rank(events["name"]),
            "u": rank(events["user_id"]),
            "a": events["event_at"],
            "e": events["event_id"],
        }
    )
    return pc.sort_indices(keys, sort_keys=_RANKED)


def _presort(out: Block, ids: list[str] | None) -> None:
    """First-wins de-duplication inside the block, then the lake's order. The main process
    then sorts a chunk of sorted runs, which costs it a third of sorting raw input: the
    workers, which have spare time, carry the rest."""
    table = out.events
    if ids is None:
        ids = table["event_id"].to_pylist()
    if len(set(ids)) < len(ids):
        seen: set[str] = set()
        keep = []
        for i in ids:
            keep.append(i not in seen)
            seen.add(i)
        out.duplicates += keep.count(False)
        table = table.filter(pa.array(keep, pa.bool_()))
    out.events = table.take(sort_order(table)) if table.num_rows > 1 else table


def _raw(line: bytes) -> str:
    return line.decode("utf-8", errors="backslashreplace").rstrip("\r\n")


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: decoding allocates millions of acyclic objects,
    and collections triggered by them cost about 40% of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_block(block: bytes, first_no: int, recv_us: int) -> Block:
    """Validate the JSON lines in ``block``; the first line is record number ``first_no``."""
    with _gc_paused():
        return _validate_block(block, first_no, recv_us, presort=True)[0]


def validate_lines(block: bytes, recv_us: int) -> tuple[Block, list[int]]:
    """Like :func:`validate_block` (lines numbered from 1) but neither de-duplicated nor
    sorted: the events in input order, with the 0-based index of each event's line."""
    with _gc_paused():
        return _validate_block(block, 1, recv_us, presort=False)


def _validate_block(
    block: bytes, first_no: int, recv_us: int, presort: bool
) -> tuple[Block, list[int]]:
    lines = block.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    decode = _decode
    evs: list[_Event] = []
    nos: list[int] = []
    slow: list[int] = []
    for lo in range(0, len(lines), _SUB):
        sub = lines[lo : lo + _SUB]
        try:  # the common case: every line of the sub-block is a well-formed event
            evs += [decode(line) for line in sub]
            nos += range(lo, lo + len(sub))
            continue
        except (msgspec.DecodeError, UnicodeDecodeError):
            pass
        for i in range(lo, lo + len(sub)):
            try:
                evs.append(decode(lines[i]))
                nos.append(i)
            except (msgspec.DecodeError, UnicodeDecodeError):
                if lines[i].strip():  # blank lines are not records
                    slow.append(i)
    records = len(evs) + len(slow)
    enc = _encode
    datas = [None if (d := e.data) is None else enc(d).decode() for e in evs]
    big = [j for j, t in enumerate(datas) if t is not None and len(t) > MAX_DATA_BYTES // 4]
    big = [j for j in big if len(datas[j].encode()) > MAX_DATA_BYTES]  # type: ignore[union-attr]
    if big:  # oversized data: the Validator names the reason
        slow = sorted(slow + [nos[j] for j in big])
        drop = set(big)
        evs = [e for j, e in enumerate(evs) if j not in drop]
        nos = [x for j, x in enumerate(nos) if j not in drop]
        datas = [x for j, x in enumerate(datas) if j not in drop]
    users = [e.userId for e in evs]
    names = [e.name for e in evs]
    stamps = [e.eventAt for e in evs]
    ids = [e.eventId for e in evs]

    out = Block(events_table([], [], [], [], recv_us, []), records=records)
    ats, keep = _event_at(stamps, out, lines, nos, first_no)
    if keep is not None:
        nos = [x for x, k in zip(nos, keep, strict=True) if k]
        users = [x for x, k in zip(users, keep, strict=True) if k]
        names = [x for x, k in zip(names, keep, strict=True) if k]
        datas = [x for x, k in zip(datas, keep, strict=True) if k]
        ids = [x for x, k in zip(ids, keep, strict=True) if k]
    md5 = hashlib.md5
    full_ids = [
        e if e is not None else md5(enc((u, n, a, d)), usedforsecurity=False).hexdigest()
        for e, u, n, a, d in zip(ids, users, names, ats, datas, strict=True)
    ]
    # event_at: the instant, or the receive time when eventAt was absent
    at_values = [recv_us if a is None else a for a in ats]
    table = events_table(full_ids, users, names, at_values, recv_us, datas)
    if slow:
        table, nos = _merge_slow(table, nos, [(i, lines[i]) for i in slow], first_no, recv_us, out)
    out.events = table
    if presort:
        _presort(out, None if slow else full_ids)
    out.rejects.sort()
    return out, nos


def _event_at(
    stamps: list[str | None], out: Block, lines: list[bytes], nos: list[int], first_no: int
) -> tuple[list[int | None], list[bool] | None]:
    """Instants (µs) of the eventAt strings (None when absent), and a keep-mask if some
    were invalid (those rows are added to ``out.rejects``)."""
    arr = pa.array(stamps, pa.string())
    common = pc.match_substring_regex(arr, _COMMON_RFC3339)
    fast: list[int | None]
    try:
        instants = pc.cast(pc.if_else(common, arr, None), _TS).cast(pa.int64())
        # outside years 1..9999 in UTC (e.g. 0000-01-01): the Python parser says why
        out_of_range = pc.or_(
            pc.less(instants, MIN_EVENT_US), pc.greater(instants, MAX_EVENT_US)
        ).fill_null(False)
        odd = pc.or_(pc.and_(pc.is_valid(arr), pc.invert(common.fill_null(False))), out_of_range)
        fast = instants.to_pylist()
    except pa.ArrowInvalid:  # e.g. 2024-02-30 in the common shape: parse them one by one
        fast = [None] * len(stamps)
        odd = pc.is_valid(arr)
    if not pc.any(odd).as_py():
        return fast, None
    keep: list[bool] | None = None
    for i in pc.indices_nonzero(odd).to_pylist():
        try:
            fast[i], naive = parse_rfc3339(stamps[i], "invalid_event_at", "eventAt")
            out.naive += naive
        except Rejection as rej:
            if keep is None:
                keep = [True] * len(stamps)
            keep[i] = False
            line = lines[nos[i]]
            out.rejects.append((first_no + nos[i], _raw(line), rej.reason, rej.detail))
    if keep is not None:
        fast = [x for x, k in zip(fast, keep, strict=True) if k]
    return fast, keep


def _merge_slow(
    table: pa.Table,
    nos: list[int],
    slow: list[tuple[int, bytes]],
    first_no: int,
    recv_us: int,
    out: Block,
) -> tuple[pa.Table, list[int]]:
    """Validate the refused lines record by record and merge them back in input order;
    also the line index of every merged row."""
    val = Validator(recv_us)
    slow_nos: list[int] = []
    for i, line in slow:
        try:
            try:
                obj = _decode_any(line)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                raise Rejection("invalid_json", str(exc)) from None
            val.add(obj)
            slow_nos.append(i)
        except Rejection as rej:
            out.rejects.append((first_no + i, _raw(line), rej.reason, rej.detail))
    out.naive += val.naive_timestamps
    out.unknown += val.unknown_fields
    if not len(val):
        return table, nos
    extra = events_table(val.event_id, val.user_id, val.name, val.event_at, recv_us, val.data)
    merged = pa.concat_tables([table, extra])
    order = pc.sort_indices(pa.array(nos + slow_nos, pa.int64()))
    return merged.take(order), sorted(nos + slow_nos)
