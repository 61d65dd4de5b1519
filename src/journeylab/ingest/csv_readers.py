"""CSV, read by pyarrow's streaming reader, as ``typed`` wire batches (see :mod:`.wire`).

A header ``userId,name,eventAt[,eventId]`` plus a ``data`` column holding JSON and/or flat
``data.<key>`` columns; empty cells are absent; flat cells that are JSON numbers become
numbers, ``true``/``false`` (any case) booleans, anything else strings. The record number
of a row is its ordinal in the file counting the header as 1 (its line number when no cell
holds a line break). Rows of only empty cells are not records. A row with more fields than
the header is quarantined (``invalid_row``); one with fewer is a record whose last fields
are absent.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from journeylab.errors import InputError
from journeylab.ingest.json_readers import as_text
from journeylab.ingest.model import Rejection
from journeylab.ingest.wire import FIELDS, WireBatch, kinds, string_values, typed_table

__all__ = ["CSV_BLOCK", "coerce", "csv_batches", "csv_raw", "csv_record"]

_INT = r"-?(?:0|[1-9][0-9]*)"
_FLOAT = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
#: numbers whose float may overflow: the Validator path says whether it stays a number
_HUGE = r"[eE][+-]?[0-9]{3}|[0-9]{300}"
_decode = msgspec.json.Decoder().decode


def coerce(value: str) -> Any:
    """A flat ``data.*`` CSV cell: JSON numbers and booleans typed, anything else a string."""
    low = value.lower()
    if low in ("true", "false"):  # spreadsheets write TRUE/FALSE
        return low == "true"
    if re.fullmatch(_INT, value):
        return int(value)
    if re.fullmatch(_FLOAT, value):
        number = float(value)
        if math.isfinite(number):
            return number
    return value


def csv_record(header: list[str], row: list[str]) -> Any:
    """A CSV row as the Validator sees it (the reference for the vectorised path)."""
    if len(row) > len(header):
        return Rejection("invalid_row", f"{len(row)} fields, header has {len(header)}")
    rec: dict[str, Any] = {
        h: row[i]
        for i, h in enumerate(header)
        if not h.startswith("data.") and i < len(row) and row[i] != ""
    }
    if "data" in rec:
        try:
            rec["data"] = _decode(rec["data"])
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            return Rejection("invalid_row", f"data column is not JSON: {exc}")
    extra = {
        h[5:]: coerce(row[i])
        for i, h in enumerate(header)
        if h.startswith("data.") and i < len(row) and row[i] != ""
    }
    if extra:
        if isinstance(rec.get("data"), dict):
            rec["data"] = {**rec["data"], **extra}
        elif "data" not in rec:
            rec["data"] = extra
    return rec


def csv_raw(cells: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue()


def csv_batches(
    path: Path, source: str, recv: int, chunk_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[WireBatch]:
    """Batches of at most ``chunk_rows`` records of a CSV file (see the module docstring)."""
    header = _header(path)
    if header is None:
        return
    pending: list[pa.Table] = []
    size = 0
    for table, numbers, nbytes in _csv_rows(path, header):
        on_bytes(nbytes)
        keep = _not_blank(table) & (numbers > 1)
        if not keep.all():  # blank rows, the header: a filter copies every cell
            table, numbers = table.filter(pa.array(keep)), numbers[keep]
        pending.append(table.append_column("_no", pa.array(numbers)))
        size += pending[-1].num_rows
        while size >= chunk_rows:
            whole = pa.concat_tables(pending)
            yield _csv_batch(source, header, whole.slice(0, chunk_rows), recv)
            pending, size = [whole.slice(chunk_rows)], whole.num_rows - chunk_rows
    if size:
        yield _csv_batch(source, header, pa.concat_tables(pending), recv)


#: pyarrow's CSV block. A row may span two blocks, no more: a longer one makes the reader
#: start again with blocks 4x larger, up to CSV_BLOCK_MAX (the rows already given are
#: skipped). 4 MiB: with 16 MiB blocks, reading the 10M-row benchmark file held 457 MB of
#: Arrow memory at most and took 2.4 s of CPU; with 4 MiB, 146 MB and 1.6 s.
CSV_BLOCK = 4 << 20
CSV_BLOCK_MAX = 1 << 30


def _csv_rows(path: Path, header: list[str]) -> Iterator[tuple[pa.Table, np.ndarray, int]]:
    """The rows of a CSV file in file order, a block at a time, with their record numbers
    (the header is 1) and the block's bytes; read again with larger blocks while a row
    spans more than two."""
    block, given = CSV_BLOCK, 0  # rows handed on so far, the header included
    while True:
        try:
            for table, numbers, nbytes in _csv_blocks(path, header, block):
                if not len(numbers) or numbers[-1] <= given:
                    continue  # read again after a longer row: handed on already
                if numbers[0] <= given:
                    table, numbers = (
                        table.slice(given + 1 - numbers[0]),
                        numbers[given + 1 - numbers[0] :],
                    )
                given = int(numbers[-1])
                yield table, numbers, nbytes
            return
        except pa.ArrowInvalid as exc:
            # a row longer than two blocks; or a header longer than one
            if "straddl" not in str(exc) and "cannot infer number of columns" not in str(exc):
                raise
            if block >= CSV_BLOCK_MAX:
                raise InputError(
                    f"Invalid value for PATH: {str(path)!r} has a CSV row longer than "
                    f"{CSV_BLOCK_MAX:,} bytes near record {given + 1}. Split that row's "
                    "data, or give the events as JSON lines."
                ) from None
            block *= 4


def _csv_blocks(
    path: Path, header: list[str], block: int
) -> Iterator[tuple[pa.Table, np.ndarray, int]]:
    """pyarrow's blocks of a CSV file, with the rows it refused put back in place."""
    odd: list[tuple[int, str]] = []  # rows with another number of fields than the header

    def handler(row: Any) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [f"f{i}" for i in range(len(header))]
    reader = pacsv.open_csv(  # the header is read as row 1, so rows keep their ordinals
        path,
        read_options=pacsv.ReadOptions(
            use_threads=False, block_size=block, autogenerate_column_names=True
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=handler
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_binary()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    seen = 0  # rows so far, the header included
    waiting: list[tuple[int, str]] = []  # refused rows not placed yet
    for batch in reader:
        waiting += odd
        odd.clear()
        got, waiting = _within(sorted(waiting), seen + batch.num_rows)
        table, numbers = _place_odd_rows(pa.Table.from_batches([batch]), got, seen, header)
        seen += len(numbers)
        yield table, numbers, batch.nbytes
    waiting += odd
    if waiting:  # refused rows after the last batch (or in a file of only those)
        empty = pa.table({name: pa.array([], pa.large_binary()) for name in names})
        table, numbers = _place_odd_rows(empty, sorted(waiting), seen, header)
        yield table, numbers, 0


def _within(
    odd: list[tuple[int, str]], end: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The refused rows (sorted) that a batch ending at row ``end`` without them holds, and
    the others: pyarrow may report a row while it hands over the rows before it. Rows are
    numbered without gaps, so the batch holds the k-th refused row when it is at most
    ``end + k`` (1-based k); a row right after the batch may be placed in either."""
    k = 0
    while k < len(odd) and odd[k][0] <= end + k + 1:
        k += 1
    return odd[:k], odd[k:]


def _header(path: Path) -> list[str] | None:
    """The header row, read by Python's csv module (invalid UTF-8 shown as ``\\xNN``; a
    leading byte order mark, which Excel writes, dropped: pyarrow's reader drops it too)."""
    import gzip

    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", errors="backslashreplace", newline="") as fh:
        return next(csv.reader(fh), None)


def _place_odd_rows(
    table: pa.Table, odd: list[tuple[int, str]], seen: int, header: list[str]
) -> tuple[pa.Table, np.ndarray]:
    """Put the rows pyarrow refused (another number of fields) back in place, parsed by
    Python's csv module; returns the rows in file order with their record numbers. A row
    with too many fields keeps its text in ``_over`` (the Validator path rejects it)."""
    total = table.num_rows + len(odd)
    numbers = np.arange(seen + 1, seen + 1 + total, dtype=np.int64)
    table = table.append_column("_over", pa.nulls(table.num_rows, pa.string()))
    if not odd:
        return table, numbers
    odd_numbers = np.array([n for n, _ in odd], np.int64)
    good = np.setdiff1d(numbers, odd_numbers, assume_unique=True)
    rows = [next(csv.reader(io.StringIO(text, newline="")), []) for _, text in odd]
    width = len(header)
    cols = {
        f"f{i}": pa.array(
            [(r[i] if i < len(r) else "").encode("utf-8", "surrogateescape") for r in rows],
            pa.large_binary(),
        )
        for i in range(width)
    }
    cols["_over"] = pa.array([csv_raw(r) if len(r) > width else None for r in rows], pa.string())
    merged = pa.concat_tables([table, pa.table(cols)])
    order = np.argsort(np.concatenate([good, odd_numbers]), kind="stable")
    return merged.take(pa.array(order)), numbers


def _not_blank(table: pa.Table) -> np.ndarray:
    """Rows with at least one non-empty cell (a row of empty cells is not a record)."""
    any_cell = np.zeros(table.num_rows, bool)
    for name in table.column_names:
        if name.startswith("f"):
            any_cell |= pc.binary_length(table[name]).to_numpy(zero_copy_only=False) > 0
    return any_cell | table["_over"].is_valid().to_numpy(zero_copy_only=False)


def _csv_batch(source: str, header: list[str], table: pa.Table, recv: int) -> WireBatch:
    n = table.num_rows
    texts = [as_text(table[f"f{i}"].combine_chunks()) for i in range(len(header))]
    # each name's cell, empty ones absent; a repeated name: its last non-empty cell
    plain, flat_cells = _columns(texts, header, False), _columns(texts, header, True)
    fields = {
        FIELDS[name]: (cell, kinds(cell, "string"))
        for name, cell in plain.items()
        if name in FIELDS and name != "data"
    }
    unknown = np.zeros(n, np.int32)
    masks = {}
    for name, cell in plain.items():
        if name not in FIELDS:
            masks[name] = cell.is_valid().to_numpy(zero_copy_only=False)
            unknown += masks[name]
    over = table["_over"].is_valid().to_numpy(zero_copy_only=False)
    data_cell = plain.get("data")
    flat, flat_odd = _flat_data(flat_cells, n)
    check = flat_odd | over
    if data_cell is not None and flat is not None:  # both in one row: merged by Python
        both = pc.and_(pc.is_valid(data_cell), pc.is_valid(flat))
        check |= both.to_numpy(zero_copy_only=False)
    data = data_cell if data_cell is not None else flat
    if data_cell is not None and flat is not None:
        data = pc.coalesce(data_cell, flat)
    if data is not None:
        fields["d"] = (data, kinds(data, "text"))
    pre = pc.if_else(pa.array(check), "check", pa.scalar(None, pa.string()))
    wire = typed_table(n, fields, recv, pre=pre, d_bad="invalid_row", unknown=pa.array(unknown))
    numbers = table["_no"].to_numpy()

    def decode(rows: list[int]) -> list[tuple[str, Any]]:
        index = pa.array(rows, pa.int64())
        overs = table["_over"].take(index).to_pylist()
        columns = [text.take(index).to_pylist() for text in texts]
        out = []
        for k, raw in enumerate(overs):
            if raw is not None:
                row = next(csv.reader(io.StringIO(raw, newline="")))
                out.append((raw, csv_record(header, row)))
            else:
                row = [column[k] or "" for column in columns]
                out.append((csv_raw(row), csv_record(header, row)))
        return out

    return WireBatch(source, "typed", wire, numbers, decode, unknown_masks=masks)


def _columns(texts: list[pa.Array], header: list[str], flat: bool) -> dict[str, pa.Array]:
    """The plain (or the flat ``data.*``) cells by name, empty cells null; of a name on
    several columns, the last non-empty cell (as a dict of a row's non-empty cells)."""
    out: dict[str, pa.Array] = {}
    for text, h in zip(texts, header, strict=True):
        if h.startswith("data.") != flat:
            continue
        name = h[5:] if flat else h
        cell = string_values(text, len(text), empty_is_absent=True)[0]
        out[name] = pc.coalesce(cell, out[name]) if name in out else cell
    return out


def _flat_data(cells: dict[str, pa.Array], n: int) -> tuple[pa.Array | None, np.ndarray]:
    """The flat ``data.*`` cells as one JSON object text a row (keys sorted), and the
    rows the Validator must build (control characters, numbers that may overflow)."""
    odd = np.zeros(n, bool)
    if not cells:
        return None, odd
    pieces = []
    for key in sorted(cells, key=lambda k: k.encode("utf-8", "surrogatepass")):
        cell = pc.fill_null(cells[key], "")
        low = pc.utf8_lower(cell)
        is_bool = pc.is_in(low, pa.array(["true", "false"]))
        is_num = pc.match_substring_regex(cell, "^" + _FLOAT + "$")
        odd |= (
            pc.and_(is_num, pc.match_substring_regex(cell, _HUGE)).to_numpy(zero_copy_only=False)
        ) | pc.match_substring_regex(cell, r"[\x00-\x1f]").to_numpy(zero_copy_only=False)
        escaped = pc.replace_substring(pc.replace_substring(cell, "\\", "\\\\"), '"', '\\"')
        quoted = pc.binary_join_element_wise(_lit('"'), escaped, _lit('"'), _lit(""))
        value = pc.if_else(is_bool, low, pc.if_else(is_num, cell, quoted))
        name = _lit(json.dumps(key, ensure_ascii=False) + ":")
        piece = pc.binary_join_element_wise(name, value, _lit(","), _lit(""))
        pieces.append(pc.if_else(pc.equal(cell, ""), _lit(""), piece))
    # every piece ends with a comma (no value does): join, drop the last one
    body = pc.utf8_rtrim(pc.binary_join_element_wise(*pieces, _lit("")), ",")
    text = pc.binary_join_element_wise(_lit("{"), body, _lit("}"), _lit(""))
    return pc.if_else(pc.equal(body, ""), pa.scalar(None, pa.large_string()), text), odd


def _lit(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())
