"""Tabular readers: CSV (pyarrow's streaming reader) and Parquet (pyarrow), as ``typed``
wire batches (see :mod:`.wire`).

CSV: a header ``userId,name,eventAt[,eventId]`` plus a ``data`` column holding JSON and/or
flat ``data.<key>`` columns; empty cells are absent; flat cells that are JSON numbers
become numbers, ``true``/``false`` (any case) booleans, anything else strings. The record
number of a row is its ordinal in the file counting the header as 1 (its line number when
no cell holds a line break). Rows of only empty cells are not records. A row with more
fields than the header is quarantined (``invalid_row``); one with fewer is a record whose
last fields are absent.

Parquet: camelCase or snake_case columns; ``eventAt`` as text or a timestamp (naive ones
are read as UTC and counted); ``data`` as JSON text or a struct.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from journeylab.ingest.json_readers import as_text
from journeylab.ingest.model import Rejection
from journeylab.ingest.wire import WireBatch, kind_of, string_values, typed_table

__all__ = ["csv_batches", "parquet_batches", "parquet_table_batch"]

KNOWN = ("userId", "name", "eventAt", "data", "eventId")
_FIELD = {"userId": "u", "name": "n", "eventAt": "a", "data": "d", "eventId": "e"}
_SNAKE = {"user_id": "userId", "event_at": "eventAt", "event_id": "eventId"}
_INT = r"-?(?:0|[1-9][0-9]*)"
_FLOAT = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
#: numbers whose float may overflow: the Validator path says whether it stays a number
_HUGE = r"[eE][+-]?[0-9]{3}|[0-9]{300}"
_decode = msgspec.json.Decoder().decode


# -- CSV ---------------------------------------------------------------------------------
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
    odd: list[tuple[int, str]] = []  # rows with another number of fields than the header

    def handler(row: Any) -> str:
        odd.append((row.number, row.text))
        return "skip"

    names = [f"f{i}" for i in range(len(header))]
    reader = pacsv.open_csv(  # the header is read as row 1, so rows keep their ordinals
        path,
        read_options=pacsv.ReadOptions(
            use_threads=False, block_size=16 << 20, autogenerate_column_names=True
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
    pending: list[pa.Table] = []
    size = 0
    for batch in reader:
        on_bytes(batch.nbytes)
        got, odd[:] = list(odd), []
        table, numbers = _place_odd_rows(pa.Table.from_batches([batch]), got, seen, header)
        seen += len(numbers)
        keep = _not_blank(table) & (numbers > 1)
        pending.append(table.filter(pa.array(keep)).append_column("_no", pa.array(numbers[keep])))
        size += pending[-1].num_rows
        while size >= chunk_rows:
            whole = pa.concat_tables(pending)
            yield _csv_batch(source, header, whole.slice(0, chunk_rows), recv)
            pending, size = [whole.slice(chunk_rows)], whole.num_rows - chunk_rows
    if size:
        yield _csv_batch(source, header, pa.concat_tables(pending), recv)


def _header(path: Path) -> list[str] | None:
    """The header row, read by Python's csv module (invalid UTF-8 shown as ``\\xNN``)."""
    import gzip

    opener: Any = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="backslashreplace", newline="") as fh:
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
        _FIELD[name]: (cell, _kind(cell, "string"))
        for name, cell in plain.items()
        if name in _FIELD and name != "data"
    }
    unknown = np.zeros(n, np.int32)
    for name, cell in plain.items():
        if name not in _FIELD:
            unknown += cell.is_valid().to_numpy(zero_copy_only=False)
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
        fields["d"] = (data, _kind(data, "text"))
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

    return WireBatch(source, "typed", wire, numbers, decode)


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


# -- Parquet ---------------------------------------------------------------------------
def parquet_batches(
    path: Path, source: str, recv: int, chunk_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[WireBatch]:
    """Batches of at most ``chunk_rows`` rows of a Parquet file; record = row number."""
    # pre_buffer (pyarrow's default) kept every byte read until the file was closed:
    # 1.6 GB held after 60M rows of a 104M-row file, read 3.6x slower (docs/performance.md)
    pf = pq.ParquetFile(path, pre_buffer=False)
    first = 1
    for batch in pf.iter_batches(batch_size=chunk_rows):
        on_bytes(batch.nbytes)
        yield _parquet_batch(source, pa.Table.from_batches([batch]), first, recv)
        first += batch.num_rows


def _parquet_batch(source: str, table: pa.Table, first: int, recv: int) -> WireBatch:
    n = table.num_rows
    columns: dict[str, list[str]] = {}
    for name in table.column_names:
        columns.setdefault(_SNAKE.get(name, name), []).append(name)
    fields: dict[str, Any] = {}
    a_us = a_naive = struct = None
    for wire, key in _FIELD.items():
        if wire not in columns:
            continue
        arr = table[columns[wire][-1]].combine_chunks()
        kind = kind_of(arr.type)
        if key == "a" and kind == "timestamp":
            a_us = arr.cast(pa.timestamp("us", arr.type.tz), safe=False).cast(pa.int64())
            naive = arr.type.tz is None
            a_naive = pc.if_else(pc.is_valid(arr), naive, pa.scalar(None, pa.bool_()))
            fields[key] = (pa.nulls(n, pa.large_string()), _kind(arr, "instant"))
        elif key == "d" and kind == "struct" and json_native(arr.type):
            struct = arr  # turned into JSON text by the validation (DuckDB's to_json)
            fields[key] = (pa.nulls(n, pa.large_string()), _kind(arr, "text"))
        elif key == "d" and kind == "string":
            fields[key] = (arr.cast(pa.large_string()), _kind(arr, "text"))
        else:
            fields[key] = string_values(arr, n, empty_is_absent=False)
    unknown = np.zeros(n, np.int32)
    for wire, names in columns.items():
        if wire not in _FIELD:
            unknown += table[names[-1]].is_valid().to_numpy(zero_copy_only=False)
    # a field under both spellings, or data of a type JSON lacks: the Validator decides
    check = any(len(v) > 1 for v in columns.values()) or (
        "data" in columns
        and struct is None
        and kind_of(table[columns["data"][-1]].type) != "string"
        and not pa.types.is_null(table[columns["data"][-1]].type)
    )
    pre = pa.repeat(pa.scalar("check" if check else None, pa.string()), n)
    wire_table = typed_table(
        n,
        fields,
        recv,
        pre=pre,
        a_us=a_us,
        a_naive=a_naive,
        d_bad="invalid_data",
        unknown=pa.array(unknown),
    )

    def decode(rows: list[int]) -> list[tuple[str, Any]]:
        return [_parquet_row(table, i) for i in rows]

    record = np.arange(first, first + n, dtype=np.int64)
    return WireBatch(source, "typed", wire_table, record, decode, data_struct=struct)


#: one batch of a Parquet table (importers rename a vendor's columns, then read it so)
parquet_table_batch = _parquet_batch


def json_native(dtype: pa.DataType) -> bool:
    """Whether values of ``dtype`` are JSON as they are (DuckDB's to_json then writes
    what msgspec would): strings, integers, floats, booleans, and structs and lists of
    them."""
    if pa.types.is_struct(dtype):
        return all(json_native(dtype.field(i).type) for i in range(dtype.num_fields))
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return json_native(dtype.value_type)
    return (
        kind_of(dtype) == "string"
        or pa.types.is_integer(dtype)
        or pa.types.is_floating(dtype)
        or pa.types.is_boolean(dtype)
        or pa.types.is_null(dtype)
    )


def _kind(arr: pa.Array, kind: str) -> pa.Array:
    return pc.if_else(pc.is_valid(arr), kind, pa.scalar(None, pa.string()))


def _parquet_row(table: pa.Table, i: int) -> tuple[str, Any]:
    try:
        row = table.slice(i, 1).to_pylist()[0]
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp beyond year 9999
        return str(exc), Rejection("invalid_event_at", f"eventAt: {exc}")
    return _dump(row), _parquet_record(row)


def _parquet_record(row: dict[str, Any]) -> Any:
    rec = {_SNAKE.get(k, k): v for k, v in row.items() if v is not None}
    if isinstance(rec.get("data"), str):
        try:
            rec["data"] = _decode(rec["data"])
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            return Rejection("invalid_data", f"data is not JSON: {exc}")
    return rec


def _dump(row: dict[str, Any]) -> str:
    return json.dumps(row, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
