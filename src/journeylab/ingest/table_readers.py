"""Parquet, read by pyarrow, as ``typed`` wire batches (see :mod:`.wire`); CSV is
:mod:`.csv_readers`.

Camelcase or snake_case columns; ``userId``, ``name`` and ``eventId`` as strings,
dictionary-encoded strings (pandas' categories) or UUIDs (their canonical text);
``eventAt`` as text or a timestamp (naive ones are read as UTC and counted; INT96 ones,
as Spark writes them, are UTC instants); ``data`` as
JSON text (a string or a JSON column, as DuckDB writes one), a struct or a map with string
keys (as Spark writes free-form properties; a key given twice: the last wins, as in JSON).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeylab.ingest.model import Rejection
from journeylab.ingest.wire import (
    FIELDS,
    WireBatch,
    as_text,
    kind_of,
    kinds,
    plain_string,
    string_values,
    typed_table,
)

__all__ = ["json_native", "parquet_batches", "parquet_table_batch"]

_SNAKE = {"user_id": "userId", "event_at": "eventAt", "event_id": "eventId"}
_AT_NAMES = ("eventAt", "event_at")
_decode = msgspec.json.Decoder().decode


def parquet_batches(
    path: Path, source: str, recv: int, chunk_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[WireBatch]:
    """Batches of at most ``chunk_rows`` rows of a Parquet file; record = row number."""
    # pre_buffer (pyarrow's default) kept every byte read until the file was closed:
    # 1.6 GB held after 60M rows of a 104M-row file, read 3.6x slower (docs/performance.md)
    pf = pq.ParquetFile(path, pre_buffer=False)
    # INT96 timestamps (Spark's default, Impala's) are UTC instants by their writers'
    # convention; pyarrow reads them without a zone, which would count them naive
    leaves = (pf.schema.column(i) for i in range(len(pf.schema)))
    utc = [c.path for c in leaves if c.physical_type == "INT96" and c.path in _AT_NAMES]
    first = 1
    for batch in pf.iter_batches(batch_size=chunk_rows):
        on_bytes(batch.nbytes)
        table = pa.Table.from_batches([batch])
        for name in utc:
            at = table[name]
            if pa.types.is_timestamp(at.type) and at.type.tz is None:
                at = at.cast(pa.timestamp(at.type.unit, tz="UTC"))
                table = table.set_column(table.schema.get_field_index(name), name, at)
        yield _parquet_batch(source, table, first, recv)
        first += batch.num_rows


def _parquet_batch(source: str, table: pa.Table, first: int, recv: int) -> WireBatch:
    n = table.num_rows
    columns: dict[str, list[str]] = {}
    for name in table.column_names:
        columns.setdefault(_SNAKE.get(name, name), []).append(name)
    fields: dict[str, Any] = {}
    a_us = a_naive = struct = repeated = None
    for wire, key in FIELDS.items():
        if wire not in columns:
            continue
        arr = table[columns[wire][-1]].combine_chunks()
        kind = kind_of(arr.type)
        if key == "a" and kind == "timestamp":
            a_us = arr.cast(pa.timestamp("us", arr.type.tz), safe=False).cast(pa.int64())
            naive = arr.type.tz is None
            a_naive = pc.if_else(pc.is_valid(arr), naive, pa.scalar(None, pa.bool_()))
            fields[key] = (pa.nulls(n, pa.large_string()), kinds(arr, "instant"))
        elif key == "d" and kind in ("struct", "map") and json_native(arr.type):
            struct = arr  # turned into JSON text by the validation (DuckDB's to_json)
            if kind == "map":  # a key twice: DuckDB refuses it, the Validator reads it
                repeated = _repeated_keys(arr)
                if repeated is not None:
                    struct = pc.if_else(repeated, pa.scalar(None, arr.type), arr)
            fields[key] = (pa.nulls(n, pa.large_string()), kinds(arr, "text"))
        elif key == "d" and kind in ("string", "json"):
            text = as_text(arr)
            fields[key] = (text, kinds(text, "text"))
        else:
            fields[key] = string_values(arr, n, empty_is_absent=False)
    unknown = np.zeros(n, np.int32)
    masks = {}
    for wire, names in columns.items():
        if wire not in FIELDS:
            masks[wire] = table[names[-1]].is_valid().to_numpy(zero_copy_only=False)
            unknown += masks[wire]
    # a field under both spellings, or data of a type JSON lacks: the Validator decides
    check = any(len(v) > 1 for v in columns.values()) or (
        "data" in columns
        and struct is None
        and kind_of(table[columns["data"][-1]].type) not in ("string", "json")
        and not pa.types.is_null(table[columns["data"][-1]].type)
    )
    pre = pa.repeat(pa.scalar("check" if check else None, pa.string()), n)
    if repeated is not None and not check:
        pre = pc.if_else(repeated, pa.scalar("check"), pre)
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

    maps = any(_holds_map(f.type) for f in table.schema)

    def decode(rows: list[int]) -> list[tuple[str, Any]]:
        with warnings.catch_warnings():  # once a call, not a row (4.7 of 12.6 us a row)
            if maps:  # pyarrow warns of a map's key twice: the last wins, as in JSON
                warnings.simplefilter("ignore", UserWarning)
            return [_parquet_row(table, i, maps) for i in rows]

    record = np.arange(first, first + n, dtype=np.int64)
    return WireBatch(
        source, "typed", wire_table, record, decode, data_struct=struct, unknown_masks=masks
    )


#: one batch of a Parquet table (importers rename a vendor's columns, then read it so)
parquet_table_batch = _parquet_batch


def json_native(dtype: pa.DataType) -> bool:
    """Whether values of ``dtype`` are JSON as they are (DuckDB's to_json then writes
    what msgspec would): strings, integers, floats, booleans, and structs, maps with
    string keys (Spark's free-form columns) and lists of them."""
    if pa.types.is_struct(dtype):
        return all(json_native(dtype.field(i).type) for i in range(dtype.num_fields))
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return json_native(dtype.value_type)
    if pa.types.is_map(dtype):
        return plain_string(dtype.key_type) and json_native(dtype.item_type)
    return (
        plain_string(dtype)
        or pa.types.is_integer(dtype)
        or pa.types.is_floating(dtype)
        or pa.types.is_boolean(dtype)
        or pa.types.is_null(dtype)
    )


def _repeated_keys(arr: pa.MapArray) -> pa.Array | None:
    """Which maps of ``arr`` give a key twice (None: none does)."""
    offsets = arr.offsets.to_numpy()  # into the keys of the whole array, slice or not
    keys = arr.keys.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
    rows = np.repeat(np.arange(len(arr)), np.diff(offsets))
    counts = pa.table({"row": rows, "key": keys}).group_by(["row", "key"]).aggregate([])
    if counts.num_rows == len(keys):
        return None
    row_count = np.bincount(counts["row"].to_numpy(), minlength=len(arr))
    return pa.array(row_count < np.diff(offsets))


def _holds_map(dtype: pa.DataType) -> bool:
    """Whether values of ``dtype`` may hold a map, at any depth."""
    if pa.types.is_map(dtype):
        return True
    return any(_holds_map(dtype.field(i).type) for i in range(dtype.num_fields))


def _parquet_row(table: pa.Table, i: int, maps: bool) -> tuple[str, Any]:
    """Row ``i`` as raw text and decoded record; ``maps``: whether ``table`` holds a map
    (read as a dict, not a list of pairs)."""
    try:
        row = table.slice(i, 1).to_pylist(maps_as_pydicts="lossy" if maps else None)[0]
    except (ValueError, OverflowError) as exc:  # e.g. a timestamp beyond year 9999
        return str(exc), Rejection("invalid_event_at", f"eventAt: {exc}")
    return _dump(row), _parquet_record(row, maps)


def _parquet_record(row: dict[str, Any], maps: bool) -> Any:
    rec = {
        _SNAKE.get(k, k): str(v) if isinstance(v, UUID) else v
        for k, v in row.items()
        if v is not None
    }
    if isinstance(rec.get("data"), str):
        try:
            rec["data"] = _decode(rec["data"])
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            return Rejection("invalid_data", f"data is not JSON: {exc}")
    key = _odd_key(rec.get("data")) if maps else None  # only a map has keys not strings
    if key is not None:
        return Rejection(
            "invalid_data",
            f"data has the key {key!r} ({type(key).__name__}): a JSON object's keys are strings",
        )
    return rec


def _odd_key(value: Any) -> Any:
    """The first key of a dict in ``value`` (a map's, at any depth) that is not a string."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                return k
            odd = _odd_key(v)
            if odd is not None:
                return odd
    elif isinstance(value, list):
        for v in value:
            odd = _odd_key(v)
            if odd is not None:
                return odd
    return None


def _dump(row: dict[str, Any]) -> str:
    return json.dumps(row, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
