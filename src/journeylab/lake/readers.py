"""Input formats → records. Each reader yields ``(record_no, raw, obj)``.

``raw`` is the record's original text (bytes for JSON lines, decoded only when the record is
quarantined); ``obj`` is the decoded record, or a :class:`Rejection` when it could not be
decoded. Formats: jsonl/ndjson (Events API objects, one a line), json (a batch body
``{"events": [...]}`` or a list), csv (``userId,name,eventAt`` plus ``data`` as JSON or flat
``data.*`` columns) and parquet (camelCase or snake_case columns).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import pyarrow.parquet as pq

from journeylab.errors import InputError, invalid
from journeylab.lake.model import Rejection

__all__ = ["FORMATS", "detect_format", "open_input", "read_records", "raw_text"]

Record = tuple[int, bytes | str, object]
FORMATS = ("jsonl", "json", "csv", "parquet")
_EXT = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_decoder = msgspec.json.Decoder()


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        fmt = {"ndjson": "jsonl"}.get(fmt.lower(), fmt.lower())
        if fmt not in FORMATS:
            raise invalid("--format", fmt, FORMATS + ("ndjson",))
        return fmt
    suffix = _suffix(path)
    found = _EXT.get(suffix)
    if found is None or (found == "parquet" and _gzipped(path)):
        raise invalid(
            "format",
            suffix or path.name,
            tuple(_EXT),
            f"Cannot tell the format of {str(path)!r} from its extension; pass --format.",
        )
    return found


def _gzipped(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _suffix(path: Path) -> str:
    """The format suffix, looking through a trailing ``.gz`` (``events.jsonl.gz``)."""
    return Path(path.stem).suffix.lower() if _gzipped(path) else path.suffix.lower()


def open_input(path: Path, buffering: int = -1) -> BinaryIO:
    """Open an input file for reading bytes; ``.gz`` files are decompressed on the fly."""
    if _gzipped(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb", buffering=buffering)


def raw_text(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="backslashreplace").rstrip("\r\n")
    return raw


def read_records(path: Path, fmt: str, on_bytes: Callable[[int], None]) -> Iterator[Record]:
    if not path.is_file():
        raise InputError(f"Invalid value for PATH: {str(path)!r} does not exist or is not a file.")
    reader = {"jsonl": _jsonl, "json": _json_batch, "csv": _csv, "parquet": _parquet}[fmt]
    return reader(path, on_bytes)


def _jsonl(path: Path, on_bytes: Callable[[int], None]) -> Iterator[Record]:
    decode = _decoder.decode
    with open_input(path, 1 << 20) as fh:
        for no, line in enumerate(fh, 1):
            on_bytes(len(line))
            if not line.strip():
                continue
            try:
                yield no, line, decode(line)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                yield no, line, Rejection("invalid_json", str(exc))


def _json_batch(path: Path, on_bytes: Callable[[int], None]) -> Iterator[Record]:
    with open_input(path) as fh:
        body = fh.read()
    on_bytes(len(body))
    try:
        doc = _decoder.decode(body)
    except msgspec.DecodeError as exc:
        yield 1, body, Rejection("invalid_json", str(exc))
        return
    events = doc.get("events") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        yield 1, body, Rejection("invalid_batch", "expected {'events': [...]} or a JSON list")
        return
    for no, rec in enumerate(events, 1):
        yield no, msgspec.json.encode(rec), rec


_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _coerce(value: str) -> Any:
    """A flat ``data.*`` CSV cell: JSON numbers and booleans typed, anything else a string."""
    low = value.lower()
    if low in ("true", "false"):  # spreadsheets write TRUE/FALSE
        return low == "true"
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        number = float(value)
        if math.isfinite(number):
            return number
    return value


def _csv(path: Path, on_bytes: Callable[[int], None]) -> Iterator[Record]:
    with io.TextIOWrapper(
        open_input(path), encoding="utf-8", errors="backslashreplace", newline=""
    ) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        on_bytes(sum(len(h) for h in header))
        flat = [(i, h[5:]) for i, h in enumerate(header) if h.startswith("data.")]
        plain = [(i, h) for i, h in enumerate(header) if not h.startswith("data.")]
        for no, row in enumerate(reader, 2):
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(row)
            raw = buf.getvalue()
            on_bytes(len(raw) + 1)
            if not any(row):
                continue
            if len(row) > len(header):
                yield (
                    no,
                    raw,
                    Rejection("invalid_row", f"{len(row)} fields, header has {len(header)}"),
                )
                continue
            rec: dict[str, Any] = {h: row[i] for i, h in plain if i < len(row) and row[i] != ""}
            if "data" in rec:
                try:
                    rec["data"] = json.loads(rec["data"])
                except json.JSONDecodeError as exc:
                    yield no, raw, Rejection("invalid_row", f"data column is not JSON: {exc}")
                    continue
            extra = {k: _coerce(row[i]) for i, k in flat if i < len(row) and row[i] != ""}
            if extra:
                if isinstance(rec.get("data"), dict):
                    rec["data"] = {**rec["data"], **extra}
                elif "data" not in rec:
                    rec["data"] = extra
            yield no, raw, rec


_SNAKE = {
    "user_id": "userId",
    "event_at": "eventAt",
    "event_id": "eventId",
}


def _parquet(path: Path, on_bytes: Callable[[int], None]) -> Iterator[Record]:
    pf = pq.ParquetFile(path)
    no = 0
    for batch in pf.iter_batches(batch_size=64 * 1024):
        on_bytes(batch.nbytes)
        for row in batch.to_pylist():
            no += 1
            rec = {_SNAKE.get(k, k): v for k, v in row.items() if v is not None}
            if isinstance(rec.get("data"), str):
                try:
                    rec["data"] = json.loads(rec["data"])
                except json.JSONDecodeError as exc:
                    yield no, _dump(row), Rejection("invalid_data", f"data is not JSON: {exc}")
                    continue
            yield no, _dump(row), rec


def _dump(row: dict[str, Any]) -> str:
    return json.dumps(row, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
