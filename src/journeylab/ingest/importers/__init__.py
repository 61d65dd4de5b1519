"""Importers: other tools' exports (``--format segment | amplitude | posthog | mixpanel``)
read into the one ingest pipeline (docs/importers.md).

An importer is a reader plus a mapping. The reader yields the wire batches of the export's
records (JSON lines, gzipped or not; Amplitude's zip of gzipped files member by member;
PostHog's Parquet); the mapping (:mod:`.mappings`) turns each record into the Events API
shape inside the vectorised pass, so the same rules, reasons, derived ids and commit apply
as to any file. The vendor's own id becomes the event id, so importing an export twice
changes nothing; rows that are not events are quarantined as ``not_an_event``.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeylab.errors import invalid
from journeylab.ingest.importers.mappings import MIXPANEL_MACRO, REFERENCE, SQL
from journeylab.ingest.json_readers import jsonl_batches
from journeylab.ingest.wire import TYPED, WireBatch

__all__ = ["LABELS", "VENDORS", "check_timezone", "sniff", "vendor_batches"]

VENDORS = ("segment", "amplitude", "posthog", "mixpanel")
LABELS = {
    "segment": "Segment",
    "amplitude": "Amplitude",
    "posthog": "PostHog",
    "mixpanel": "Mixpanel",
}
_POSTHOG_COLUMNS = {
    "uuid": "eventId",
    "event": "name",
    "distinct_id": "userId",
    "timestamp": "eventAt",
    "properties": "data",
}


def check_timezone(formats: Sequence[str], timezone: str | None) -> None:
    """``timezone`` is for Mixpanel exports only, and must name an IANA zone."""
    if timezone is None:
        return
    if any(f != "mixpanel" for f in formats):
        raise invalid(
            "--timezone",
            timezone,
            fix="It applies to Mixpanel exports only (--format mixpanel): other formats "
            "carry their offsets or UTC.",
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(
            "--timezone", timezone, "an IANA time zone such as 'America/Los_Angeles'"
        ) from None


def vendor_batches(
    path: Path,
    vendor: str,
    recv: int,
    chunk_rows: int,
    on_bytes: Callable[[int], None],
    timezone: str | None = None,
) -> Iterator[WireBatch]:
    """The wire batches of one export file of ``vendor``, mapped in the validation."""
    if vendor == "posthog" and _is_parquet(path):
        yield from _posthog_parquet(path, recv, chunk_rows, on_bytes)
        return
    for source, fh in _members(path):
        with fh:
            for batch in jsonl_batches(fh, source, recv, chunk_rows, on_bytes):
                yield _mapped(batch, vendor, timezone)


def _members(path: Path) -> Iterator[tuple[str, BinaryIO]]:
    """The JSON-lines streams of an export: the file (through ``.gz``), or each member of
    a zip (Amplitude: one gzipped file an hour), in name order."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(n for n in archive.namelist() if not n.endswith("/")):
                raw = archive.open(name)
                stream: Any = gzip.GzipFile(fileobj=raw) if name.endswith(".gz") else raw
                yield f"{path.name}/{name}", stream
        return
    opened: Any = gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")
    yield path.name, opened


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _is_parquet(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PAR1"


def _mapped(batch: WireBatch, vendor: str, timezone: str | None) -> WireBatch:
    reference = REFERENCE[vendor]
    decode = batch.decode

    def mapped_decode(rows: list[int]) -> list[tuple[str, Any]]:
        out = []
        for raw, rec in decode(rows):
            if isinstance(rec, dict):  # anything else: the Validator names it
                rec = reference(rec, timezone)
            out.append((raw, rec))
        return out

    batch.decode = mapped_decode
    batch.mapper = partial(_map, vendor, timezone)
    return batch


def _map(vendor: str, timezone: str | None, con: Any, table: pa.Table) -> pa.Table:
    """A text batch of ``vendor`` records → the typed wire shape (in the pass)."""
    if vendor == "mixpanel":
        con.execute("SET VARIABLE jl_tz = $value", {"value": timezone or ""}).fetchall()
        con.execute(MIXPANEL_MACRO).fetchall()
    con.register("jl_vendor", table)
    try:
        out = con.sql(SQL[vendor]).to_arrow_table()
    finally:
        con.unregister("jl_vendor")
    return pa.Table.from_arrays(
        [out[f.name].cast(f.type) for f in TYPED], schema=TYPED
    ).combine_chunks()


def _posthog_parquet(
    path: Path, recv: int, chunk_rows: int, on_bytes: Callable[[int], None]
) -> Iterator[WireBatch]:
    """PostHog's Parquet export: its columns renamed onto the Events API fields (the others
    left out), times without a zone read as UTC; then Parquet's own reader path."""
    from journeylab.ingest.table_readers import parquet_table_batch

    # no pre_buffer: it keeps every byte read until the file is closed (table_readers)
    pf = pq.ParquetFile(path, pre_buffer=False)
    keep = [c for c in pf.schema_arrow.names if c in _POSTHOG_COLUMNS]
    first = 1
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=keep):
        on_bytes(batch.nbytes)
        table = pa.Table.from_batches([batch])
        table = table.rename_columns([_POSTHOG_COLUMNS[c] for c in table.column_names])
        if "eventAt" in table.column_names:
            table = table.set_column(
                table.column_names.index("eventAt"), "eventAt", _utc_times(table["eventAt"])
            )
        yield parquet_table_batch(path.name, table, first, recv)
        first += batch.num_rows


def _utc_times(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is None:
        return column.cast(pa.timestamp(kind.unit, "UTC"))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        has = pc.match_substring_regex(column, r"([Zz]|[+-][0-9]{2}:[0-9]{2})$")
        return pc.if_else(has, column, pc.binary_join_element_wise(column, "Z", ""))
    return column


def sniff(record: Any) -> str | None:
    """The vendor whose export ``record`` (a first record, or a Parquet file's column
    names as a dict of None) looks like, when it is not an Events API record."""
    if not isinstance(record, dict) or {"userId", "name"} <= set(record):
        return None  # an Events API record (perhaps with extra fields)
    keys = set(record)
    props = record.get("properties")
    if "messageId" in keys or ("type" in keys and keys & {"anonymousId", "event"}):
        return "segment"
    if "event_type" in keys and keys & {"device_id", "user_id", "event_time", "$insert_id"}:
        return "amplitude"
    if {"distinct_id", "event"} <= keys and keys & {"uuid", "timestamp"}:
        return "posthog"
    if "event" in keys and isinstance(props, dict) and {"distinct_id", "time"} & set(props):
        return "mixpanel"
    return None
