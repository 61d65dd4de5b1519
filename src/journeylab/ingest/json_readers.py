"""JSON readers: JSON lines files, JSON batch bodies (``{"events": [...]}`` or a list) and
in-memory records, as ``text`` wire batches (one JSON text a record, see :mod:`.wire`).

JSON lines are cut into lines by numpy (the positions of the newlines) over blocks of the
file read as they are: each line is an Arrow string over the block's bytes, no Python
object per line. Parsing them is the validation's job (DuckDB's JSON functions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.ingest.model import Rejection
from journeylab.ingest.wire import WireBatch, text_table

__all__ = ["body_batches", "jsonl_batches", "raw_text", "record_batches"]

_decode = msgspec.json.Decoder().decode
#: a UTF-8 byte order mark: Windows tools write one before the first line or document
#: (RFC 8259 lets a parser ignore it), so a stream's leading one is not part of a record
BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.strip() removes: a line of these is blank
_BLANK_FIRST = np.zeros(256, bool)
_BLANK_FIRST[list(_WHITESPACE)] = True


def raw_text(raw: bytes | str) -> str:
    """A record's text as the quarantine keeps it (invalid UTF-8 shown as ``\\xNN``)."""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="backslashreplace").rstrip("\r\n")
    return raw


def values_at(arr: pa.Array | pa.ChunkedArray, rows: list[int]) -> list[Any]:
    """The Python values at ``rows`` (ascending) of an array, chunked or not, without
    concatenating its chunks."""
    if isinstance(arr, pa.Array):
        return arr.take(pa.array(rows, pa.int64())).to_pylist()
    bounds = np.cumsum([0, *(len(c) for c in arr.chunks)])
    at = np.asarray(rows, np.int64)
    which = np.searchsorted(bounds, at, side="right") - 1
    out: list[Any] = []
    for k in np.unique(which).tolist():
        local = at[which == k] - bounds[k]
        out += arr.chunk(k).take(pa.array(local)).to_pylist()
    return out


def decoded(raw: bytes) -> Any:
    """The record the Validator sees for a JSON text, or the Rejection of the text."""
    try:
        return _decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        return Rejection("invalid_json", str(exc))


def as_text(arr: pa.Array) -> pa.Array:
    """Binary → string; values that are not UTF-8 become null (the validation rejects them
    as invalid_json; the Validator names the byte)."""
    try:
        return arr.cast(pa.large_string())
    except pa.ArrowInvalid:
        pass
    ok = np.ones(len(arr), bool)
    step = 4096
    for lo in range(0, len(arr), step):
        part = arr.slice(lo, step)
        try:
            part.cast(pa.large_string())
        except pa.ArrowInvalid:  # rare: find the values one by one
            for j, value in enumerate(part.to_pylist()):
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    ok[lo + j] = False
    mask = pa.array(ok)
    clean = pc.if_else(mask, arr, pa.scalar(b"", arr.type)).cast(pa.large_string())
    return pc.if_else(mask, clean, pa.scalar(None, pa.large_string()))


def _text_batch(
    source: str, values: pa.Array, record: np.ndarray, recv: int | np.ndarray, raw_of: Any
) -> WireBatch:
    """A ``text`` batch over binary ``values`` (one JSON text each)."""

    def decode(rows: list[int]) -> list[tuple[str, Any]]:
        return [(raw_of(raw), decoded(raw)) for raw in values_at(values, rows)]

    return WireBatch(source, "text", text_table(as_text(values), recv), record, decode)


def jsonl_batches(
    fh: BinaryIO, source: str, recv: int, chunk_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[WireBatch]:
    """Batches of ``chunk_rows`` lines of a JSON lines stream (the last may hold fewer;
    blank lines are not records); record numbers are line numbers."""
    pieces: list[pa.Array] = []
    numbers: list[np.ndarray] = []
    held = 0
    for values, record in _lines(fh, on_bytes):
        while len(record):
            take = min(chunk_rows - held, len(record))
            pieces.append(values.slice(0, take))
            numbers.append(record[:take])
            values, record, held = values.slice(take), record[take:], held + take
            if held == chunk_rows:
                yield _lines_batch(source, pieces, numbers, recv)
                pieces, numbers, held = [], [], 0
    if held:
        yield _lines_batch(source, pieces, numbers, recv)


def _lines_batch(
    source: str, pieces: list[pa.Array], numbers: list[np.ndarray], recv: int
) -> WireBatch:
    values = pieces[0] if len(pieces) == 1 else pa.chunked_array(pieces, pa.large_binary())
    return _text_batch(source, values, np.concatenate(numbers), recv, raw_text)


def _lines(fh: BinaryIO, on_bytes: Callable[[int], None]) -> Iterator[tuple[pa.Array, np.ndarray]]:
    """The non-blank lines of ``fh`` block by block (Arrow strings over the bytes as read,
    newline included: no copy) with their line numbers."""
    tail, first = _after_bom(fh, on_bytes), 1
    while True:
        buf = np.empty(max(_BLOCK, 2 * len(tail)), np.uint8)
        buf[: len(tail)] = np.frombuffer(tail, np.uint8)
        filled = len(tail) + _read_into(fh, memoryview(buf.data)[len(tail) :])
        on_bytes(filled - len(tail))
        if filled == len(tail):  # end of input: the last line has no newline
            if tail:
                yield from _block_lines(buf[:filled], first)
            return
        ends = np.flatnonzero(buf[:filled] == 10)
        if not len(ends):  # a line longer than the buffer: read on
            tail = bytes(buf[:filled])
            continue
        cut = int(ends[-1]) + 1
        tail = bytes(buf[cut:filled])
        yield from _block_lines(buf[:cut], first, ends + 1)
        first += len(ends)


_BLOCK = 32 << 20


def _after_bom(fh: BinaryIO, on_bytes: Callable[[int], None]) -> bytes:
    """The first bytes of ``fh`` (up to three), less a leading :data:`BOM`."""
    head = bytearray(len(BOM))
    got = _read_into(fh, memoryview(head))
    on_bytes(got)
    return b"" if bytes(head) == BOM else bytes(head[:got])


def _read_into(fh: BinaryIO, view: memoryview) -> int:
    """Fill ``view`` from ``fh`` as far as the input goes (streams may return less)."""
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            break
        got += n
    return got


def _block_lines(
    block: np.ndarray, first: int, ends: np.ndarray | None = None
) -> Iterator[tuple[pa.Array, np.ndarray]]:
    if ends is None:
        ends = np.flatnonzero(block == 10) + 1
    if not len(ends) or ends[-1] != len(block):
        ends = np.append(ends, len(block))
    starts = np.concatenate([[0], ends[:-1]])
    offsets = np.concatenate([[0], ends]).astype(np.int64)
    values = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(block)]
    )
    record = np.arange(first, first + len(ends), dtype=np.int64)
    candidates = np.flatnonzero(_BLANK_FIRST[block[starts]])
    raw = block.data
    blank = [int(i) for i in candidates if not bytes(raw[starts[i] : ends[i]]).strip(_WHITESPACE)]
    if blank:
        keep = np.ones(len(ends), bool)
        keep[blank] = False
        values, record = values.filter(pa.array(keep)), record[keep]
    yield values, record


def _member_raw(raw: bytes) -> str:
    """A batch member's text as the quarantine keeps it: re-encoded, minified."""
    obj = decoded(raw)
    return raw_text(raw) if isinstance(obj, Rejection) else msgspec.json.encode(obj).decode()


def body_batches(
    body: bytes, source: str, recv: int | np.ndarray, chunk_rows: int
) -> Iterator[WireBatch]:
    """A JSON batch body, ``{"events": [...]}`` or a list: its members, numbered from 1.
    A body that is not JSON is one invalid_json record, one of another shape one
    invalid_batch record. ``recv`` may give each member its own receive time."""
    members = _members(body.removeprefix(BOM))
    if isinstance(members, Rejection):
        empty = pa.array([], pa.large_binary())
        batch = _text_batch(source, empty, np.empty(0, np.int64), 0, raw_text)
        first_recv = int(np.asarray(recv, np.int64).ravel()[0]) if np.size(recv) else 0
        batch.rejects = [(1, raw_text(body), members.reason, members.detail, first_recv)]
        yield batch
        return
    values = pa.array([bytes(m) for m in members], pa.large_binary())
    recvs = np.broadcast_to(np.asarray(recv, np.int64), (len(values),))
    for lo in range(0, len(values), chunk_rows):
        part = values.slice(lo, chunk_rows)
        record = np.arange(lo + 1, lo + 1 + len(part), dtype=np.int64)
        yield _text_batch(source, part, record, recvs[lo : lo + len(part)], _member_raw)


def _members(body: bytes) -> list[msgspec.Raw] | Rejection:
    try:
        doc = msgspec.json.decode(body, type=list[msgspec.Raw] | dict[str, msgspec.Raw])
        if isinstance(doc, dict):
            events = doc.get("events")
            if events is None:
                raise msgspec.ValidationError("no events")
            doc = msgspec.json.decode(events, type=list[msgspec.Raw])
        return doc
    except msgspec.ValidationError:
        return Rejection("invalid_batch", "expected {'events': [...]} or a JSON list")
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        return Rejection("invalid_json", str(exc))


def record_batches(
    records: Sequence[Any], source: str, recv: int | np.ndarray, chunk_rows: int
) -> Iterator[WireBatch]:
    """In-memory records (e.g. the decoded members of HTTP requests): each is encoded as
    JSON and validated like a JSON body's member; ``recv`` may be one per record."""
    body = msgspec.json.encode(list(records))
    yield from body_batches(body, source, recv, chunk_rows)
