"""``Lake.last_event_at`` from raw footer statistics: every time unit, files without
statistics (the query fallback), empty files; always equal to ``max(event_at)``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeylab import open_lake
from journeylab.lake.core import Lake
from journeylab.lake.hashing import user_key
from journeylab.lake.layout import EVENT_SCHEMA

STAMPS = [
    datetime(2024, 3, 1, 10, 0, 0, 1, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # negative raw value
    datetime(2024, 1, 1, tzinfo=UTC),
]


def _write(path: Path, stamps: list[datetime], unit: str, statistics: bool = True) -> None:
    fields = [
        pa.field(f.name, pa.timestamp(unit, tz="UTC")) if f.name == "event_at" else f
        for f in EVENT_SCHEMA
    ]
    n = len(stamps)
    cols = {
        "event_id": [f"e{i}" for i in range(n)],
        "user_id": ["u"] * n,
        "name": ["a"] * n,
        "event_at": stamps,
        "received_at": stamps,
        "data": [None] * n,
        "user_key": [user_key("u")] * n,
    }
    table = pa.table({f.name: cols[f.name] for f in fields}, schema=pa.schema(fields))
    pq.write_table(table, path, row_group_size=1, write_statistics=statistics)


def _lake_with(tmp_path: Path, unit: str, statistics: bool = True) -> Lake:
    lake = open_lake(tmp_path / "lake", create=True)
    assert lake.last_event_at() is None
    folder = lake.layout.root / "events"
    _write(folder / "part-x1.parquet", STAMPS[:2], unit, statistics)
    _write(folder / "part-x2.parquet", STAMPS[2:], unit, statistics)
    _write(folder / "part-x3.parquet", [], unit, statistics)
    return lake


@pytest.mark.parametrize("unit", ["ms", "us"])
@pytest.mark.parametrize("statistics", [True, False])
def test_footer_maximum_equals_the_query(tmp_path: Path, unit: str, statistics: bool) -> None:
    lake = _lake_with(tmp_path, unit, statistics)
    want = lake.sql("select max(event_at) as m from events")["m"][0]
    expect = STAMPS[0].replace(microsecond=0) if unit == "ms" else STAMPS[0]
    assert want == expect
    assert lake.last_event_at() == expect


def test_nanosecond_footers_floor_to_microseconds(tmp_path: Path) -> None:
    # journeylab writes µs; a foreign ns file's maximum is read without a query
    assert _lake_with(tmp_path, "ns").last_event_at() == STAMPS[0]
