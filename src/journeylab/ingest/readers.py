"""Input formats → wire batches (:mod:`.wire`): which reader a file takes, and reading it.

Formats: jsonl/ndjson (one Events API object a line), json (a batch body
``{"events": [...]}`` or a list), csv (:mod:`.csv_readers`) and parquet
(:mod:`.table_readers`). JSON lines, JSON and CSV may be gzip-compressed
(``events.jsonl.gz``). An importer for another tool's export
is a reader plus a column mapping onto the wire fields.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from journeylab.errors import InputError, invalid
from journeylab.ingest.csv_readers import csv_batches
from journeylab.ingest.importers import VENDORS, vendor_batches
from journeylab.ingest.json_readers import body_batches, jsonl_batches
from journeylab.ingest.table_readers import parquet_batches
from journeylab.ingest.wire import WireBatch

__all__ = ["FORMATS", "detect_format", "open_input", "read_batches"]

FORMATS = ("jsonl", "json", "csv", "parquet")
_EXT = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        fmt = {"ndjson": "jsonl"}.get(fmt.lower(), fmt.lower())
        if fmt not in FORMATS + VENDORS:
            raise invalid("--format", fmt, FORMATS + ("ndjson",) + VENDORS)
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


def open_input(path: Path) -> BinaryIO:
    """Open an input file for reading bytes; ``.gz`` files are decompressed on the fly."""
    if _gzipped(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb", buffering=0)


def read_batches(
    path: Path,
    fmt: str,
    recv_us: int,
    chunk_rows: int,
    on_bytes: Callable[[int], None],
    timezone: str | None = None,
) -> Iterator[WireBatch]:
    """The wire batches of one input file (at most ``chunk_rows`` records each); another
    tool's export (``fmt`` one of VENDORS) through its importer (``timezone``: Mixpanel)."""
    if not path.is_file():
        raise InputError(f"Invalid value for PATH: {str(path)!r} does not exist or is not a file.")
    source = path.name
    if fmt in VENDORS:
        yield from vendor_batches(path, fmt, recv_us, chunk_rows, on_bytes, timezone)
    elif fmt == "jsonl":
        with open_input(path) as fh:
            yield from jsonl_batches(fh, source, recv_us, chunk_rows, on_bytes)
    elif fmt == "json":
        with open_input(path) as fh:
            body = fh.read()
        on_bytes(len(body))
        yield from body_batches(body, source, recv_us, chunk_rows)
    elif fmt == "csv":
        yield from csv_batches(path, source, recv_us, chunk_rows, on_bytes)
    else:
        yield from parquet_batches(path, source, recv_us, chunk_rows, on_bytes)
