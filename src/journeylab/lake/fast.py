"""JSON lines through DuckDB: the ingest fast path (docs/adr/0002-ingest-fast-path.md).

A chunk of lines is split by numpy (no per-line Python) and handed to DuckDB as an Arrow
table. One SQL statement decodes every line, checks the wire rules, computes canonical
``data``, the UTC instant and the derived id — but only for the lines whose result it can
prove equal to :class:`~.model.Validator`'s:

- the line is ASCII without a backslash, so strings are their own text (control characters
  are refused by DuckDB's JSON parser as by msgspec);
- it is a JSON object without a trailing comma (DuckDB's reader allows them) whose keys are
  the present non-null wire fields, once each (no unknown, repeated or null-valued key);
- ``userId``, ``name`` and ``eventId`` (when present) are strings of 1..255 characters;
- ``eventAt`` is absent, null or ``YYYY-MM-DDTHH:MM:SS[.f{1,6}][Z|±HH:MM]`` with a year in
  1000..2999 (so no offset can leave years 1..9999) and a real date;
- ``data`` is absent, null or a flat object whose values are strings, ``true``, ``false``,
  ``null``, integers of at most 18 digits or decimals in a plain canonical form (at most 7
  integer and 8 fraction digits) and whose keys avoid space and ``!`` (so sorting
  ``"key":value`` texts sorts the keys); keys already sorted keep DuckDB's minified text,
  others are rebuilt from their sorted members.

Every other line goes to the record-by-record Validator, which names the reason. The two
paths are held equal by tests/test_ingest_fast.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.lake.batch import Block, validate_lines
from journeylab.lake.layout import EVENT_SCHEMA

__all__ = [
    "AT_PATTERN",
    "DATA_PATTERN",
    "PARSE_SQL",
    "fast_block",
    "line_chunks",
    "parse_lines",
    "split_lines",
]

_STR = r'"[ !#-\[\]-~]*"'
_KEY = r'"[#-\[\]-~]*"'
_NUM = (
    r"-?[1-9][0-9]{0,17}|0"  # integers that fit in int64, no -0
    r"|-?[1-9][0-9]{0,6}\.(?:0|[0-9]{0,7}[1-9])"  # 1.5, 150.0, 82.46
    r"|-?0\.0{0,3}[1-9](?:[0-9]{0,3}[1-9])?"  # 0.5, 0.0001, 0.12345
)
_VALUE = "(?:" + _STR + "|" + _NUM + "|true|false|null)"
_MEMBER = _KEY + ":" + _VALUE
#: ``data`` (DuckDB's minified text) the fast path accepts: a flat object of safe values.
DATA_PATTERN = r"\{(?:" + _MEMBER + "(?:," + _MEMBER + r")*)?\}"
#: ``eventAt`` texts the fast path accepts (DuckDB casts them; invalid dates fall back).
AT_PATTERN = (
    r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
_SPLIT_MEMBER = r'"[^"]*":(?:"[^"]*"|[^,}]+)'

# One statement; the patterns are module constants spliced in once (no user input).
_PARSE_SQL = r"""
WITH k AS (
    SELECT no, line,
        -- DuckDB's reader allows trailing commas (and NaN, which no check below accepts)
        CASE WHEN prefix(line, '{') AND NOT contains(line, ',}') AND NOT contains(line, ',]')
                  AND NOT ((contains(line, ', ') OR contains(line, chr(9))
                            OR contains(line, chr(13)))
                           AND regexp_matches(line, ',[ \t\r]*[\]}]'))
                  AND json_valid(line) THEN json_keys(line) END AS keys
    FROM jl_lines
), j AS (
    SELECT no, len(keys) AS nkeys,
        CASE WHEN len(keys) BETWEEN 2 AND 5
             THEN json_transform(line, '{"userId": "JSON", "name": "JSON", "eventAt": "JSON",
                                          "eventId": "JSON", "data": "JSON"}')
        END AS j
    FROM k
), f AS (
    SELECT no, j.userId AS u, j.name AS n, j.eventAt AS a, j.eventId AS e, j.data AS d,
        -- every key is a wire field, once: null-valued or unknown or repeated keys fall back
        nkeys = (u IS NOT NULL)::INT + (n IS NOT NULL)::INT + (a IS NOT NULL)::INT
            + (e IS NOT NULL)::INT + (d IS NOT NULL)::INT AS keys_ok
    FROM j
), g AS (
    SELECT no,
        u[2:-2] AS user_id, n[2:-2] AS name, a[2:-2] AS at_text, e[2:-2] AS eid, d,
        coalesce(keys_ok AND prefix(u, '"') AND prefix(n, '"')
            AND strlen(u) BETWEEN 3 AND 257 AND strlen(n) BETWEEN 3 AND 257
            AND (a IS NULL OR (prefix(a, '"') AND regexp_full_match(a[2:-2], '@AT@')))
            AND (e IS NULL OR (prefix(e, '"') AND strlen(e) BETWEEN 3 AND 257))
            AND (d IS NULL OR (strlen(d) <= 32768 AND regexp_full_match(d, '@DATA@'))), false)
            AS ok,
        CASE WHEN d IS NOT NULL THEN json_keys(d) END AS dk
    FROM f
), h AS (
    SELECT no, user_id, name, eid, at_text, ok,
        CASE WHEN ok AND at_text IS NOT NULL THEN TRY_CAST(at_text AS TIMESTAMPTZ) END AS ts,
        CASE WHEN ok THEN CASE
            WHEN d IS NULL OR len(dk) < 2 THEN d
            WHEN len(dk) = 2 AND dk[1] < dk[2] THEN d
            WHEN len(dk) = 3 AND dk[1] < dk[2] AND dk[2] < dk[3] THEN d
            WHEN len(list_distinct(dk)) < len(dk) THEN NULL
            ELSE '{' || array_to_string(list_sort(regexp_extract_all(d, '@MEMBER@')), ',') || '}'
        END END AS data,
        d IS NOT NULL AS has_data
    FROM g
), r AS (
    SELECT no,
    coalesce(eid, md5('["' || user_id || '","' || name || '",'
        || coalesce(CAST(epoch_us(ts) AS VARCHAR), 'null') || ','
        || coalesce('"' || replace(data, '"', '\"') || '"', 'null') || ']')) AS event_id,
    user_id, name, epoch_us(ts) AS event_at, data,
    at_text IS NOT NULL AND NOT (suffix(at_text, 'Z') OR substr(at_text, -6, 1) IN ('+', '-'))
        AS naive,
    ok AND (ts IS NOT NULL OR at_text IS NULL) AND (data IS NOT NULL OR NOT has_data) AS ok
FROM h
)
SELECT *, hash(event_id) AS idh FROM r
"""
PARSE_SQL = (
    _PARSE_SQL.replace("@AT@", AT_PATTERN)
    .replace("@DATA@", DATA_PATTERN)
    .replace("@MEMBER@", _SPLIT_MEMBER)
)


def split_lines(block: bytes) -> tuple[pa.Array, np.ndarray]:
    """The lines of ``block`` (each with its newline) as an Arrow string array without
    copying, and the line offsets (line i is ``block[offsets[i]:offsets[i + 1]]``). Lines
    holding a byte the fast path does not take (non-ASCII, which could be invalid UTF-8 or
    count differently, or a backslash, which starts an escape) are null."""
    raw = np.frombuffer(block, np.uint8)
    ends = _newlines(raw) + 1
    if len(raw) and raw[-1] != 10:
        ends = np.append(ends, len(raw))
    offsets = np.empty(len(ends) + 1, np.int64)
    offsets[0] = 0
    offsets[1:] = ends
    validity = None
    if not block.isascii() or b"\\" in block:
        bad = np.flatnonzero((raw > 127) | (raw == 92))
        valid = np.ones(len(ends), bool)
        valid[np.searchsorted(ends, bad, side="right")] = False
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    lines = pa.Array.from_buffers(
        pa.large_string(), len(ends), [validity, pa.py_buffer(offsets), pa.py_buffer(block)]
    )
    return lines, offsets


def _newlines(raw: np.ndarray, step: int = 1 << 22) -> np.ndarray:
    """Positions of the newline bytes, a slice at a time (one small reused mask instead of
    a block-sized one: page faults cost more than the comparison)."""
    mask = np.empty(min(step, len(raw)), bool)
    found = []
    for start in range(0, len(raw), step):
        part = raw[start : start + step]
        hit = mask[: len(part)]
        np.equal(part, 10, out=hit)
        found.append(np.flatnonzero(hit) + start)
    return np.concatenate(found) if found else np.empty(0, np.int64)


def parse_lines(con: Any, lines: pa.Array, batch_rows: int = 32_768) -> tuple[pa.Table, Any]:
    """Run the fast path over ``lines`` on the DuckDB connection ``con``: the accepted
    events in input order (columns no, event_id, user_id, name, event_at µs or null, data,
    naive) and the indices of the lines left to the Validator."""
    n = len(lines)
    table = pa.Table.from_arrays([pa.array(np.arange(n, dtype=np.int64)), lines], ["no", "line"])
    # several record batches: DuckDB scans them on all its threads
    con.register("jl_lines", pa.Table.from_batches(table.to_batches(max_chunksize=batch_rows)))
    try:
        out = con.sql(PARSE_SQL).to_arrow_table()
    finally:
        con.unregister("jl_lines")
    ok = pc.fill_null(out["ok"], False)  # null never counts as accepted
    if not pc.all(ok).as_py():
        out = out.filter(ok)
    events = out.drop_columns(["ok"]).cast(_PARSED_SCHEMA)
    nos = events["no"].to_numpy()
    if len(nos) > 1 and not (nos[1:] > nos[:-1]).all():  # input order, whatever the plan did
        events = events.take(pc.sort_indices(events["no"]))
        nos = events["no"].to_numpy()
    taken = np.zeros(n, bool)
    taken[nos] = True
    return events, np.flatnonzero(~taken)


#: chunks of at least this many rows are cut by bytes
BYTES_FROM_ROWS = 50_000
_TS = pa.timestamp("us", tz="UTC")
_PARSED_SCHEMA = pa.schema(
    [
        ("no", pa.int64()),
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("name", pa.string()),
        ("event_at", pa.int64()),
        ("data", pa.string()),
        ("naive", pa.bool_()),
        ("idh", pa.uint64()),
    ]
)


def line_chunks(fh: BinaryIO, lines: int, on_bytes: Callable[[int], None]) -> Iterator[bytes]:
    """Blocks of whole lines (the last may lack its newline): exactly ``lines`` lines each
    when that is small (tests), else about ``lines`` typical (128-byte) lines, cut at the
    last newline of a read — no per-line work."""
    if lines >= BYTES_FROM_ROWS:
        size = lines * 128
        rest = b""
        while data := fh.read(size):
            data = rest + data if rest else data
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a read: keep reading
                rest = data
                continue
            rest = data[cut:]
            on_bytes(cut)
            yield data[:cut] if rest else data
        if rest:
            on_bytes(len(rest))
            yield rest
        return
    pieces: list[bytes] = []
    count = 0
    while data := fh.read(max(1 << 16, lines * 256)):
        pieces.append(data)
        count += data.count(b"\n")
        if count < lines:
            continue
        buf = b"".join(pieces)
        ends = np.flatnonzero(np.frombuffer(buf, np.uint8) == 10)
        start, idx = 0, lines - 1
        while idx < len(ends):
            cut = int(ends[idx]) + 1
            on_bytes(cut - start)
            yield buf[start:cut]
            start, idx = cut, idx + lines
        pieces, count = [buf[start:]], len(ends) - (idx - lines + 1)
    tail = b"".join(pieces)
    if tail:
        on_bytes(len(tail))
        yield tail


def fast_block(con: Any, block: bytes, first_no: int, recv_us: int) -> Block:
    """Validate the JSON lines of ``block`` (first line: record ``first_no``): DuckDB for
    the lines it provably handles, the Python path for the rest (msgspec's typed decode,
    then the record-by-record Validator, which names the reason). Events come out in input
    order; ``first`` marks the first occurrence of each id."""
    lines, offsets = split_lines(block)
    fast, rest = parse_lines(con, lines)
    out = Block(EVENT_SCHEMA.empty_table(), records=fast.num_rows, chunk=True, lines=len(lines))
    out.naive = int(pc.sum(fast["naive"]).as_py() or 0)
    slow_nos: list[int] = []
    if len(rest):  # the Python path (typed decode, then the Validator) on the other lines
        sub = b"".join(block[offsets[i] : offsets[i + 1]].removesuffix(b"\n") + b"\n" for i in rest)
        slow, at = validate_lines(sub, recv_us)
        out.records += slow.records
        out.naive += slow.naive
        out.unknown += slow.unknown
        out.rejects = [
            (first_no + int(rest[no - 1]), raw, reason, detail)
            for no, raw, reason, detail in slow.rejects
        ]
        slow_nos = rest[at].tolist()
    recv = pa.scalar(recv_us, pa.int64())
    nos = fast["no"]
    table = pa.Table.from_arrays(
        [
            fast["event_id"],
            fast["user_id"],
            fast["name"],
            fast["event_at"].fill_null(recv).cast(_TS),
            pa.nulls(fast.num_rows, pa.int64()).fill_null(recv).cast(_TS),
            fast["data"],
        ],
        schema=EVENT_SCHEMA,
    )
    if slow_nos:  # rare: merge the Python path's events back in input order
        table = pa.concat_tables([table, slow.events])
        nos = pa.concat_arrays([nos.combine_chunks(), pa.array(slow_nos, pa.int64())])
        table = table.take(pc.sort_indices(nos))
        first = pl.from_arrow(table["event_id"]).is_first_distinct()  # type: ignore[union-attr]
        out.first = None if first.all() else first.to_arrow()
    else:
        out.first = _first_mask(table["event_id"], fast["idh"].to_numpy())
    out.events = table  # repeats stay until the commit drops them in its one take
    return out


def _first_mask(ids: pa.ChunkedArray, hashes: np.ndarray) -> pa.BooleanArray | None:
    """Which rows hold the first occurrence of their id (rows in input order); None when
    all do. Rows are told apart by a 64-bit hash; rows sharing a hash compare exactly."""
    ordered = np.sort(hashes)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return None
    rows = np.flatnonzero(np.isin(hashes, repeated))  # ascending: input order
    keep = np.ones(len(hashes), bool)
    seen: set[str] = set()
    for row, event_id in zip(rows.tolist(), ids.take(pa.array(rows)).to_pylist(), strict=True):
        if event_id in seen:
            keep[row] = False
        seen.add(event_id)
    return pa.array(keep)
