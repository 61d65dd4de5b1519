"""The two-stage commit (lake/commit.py): while chunk N is being written, chunk N+1 is
prepared; a repeat of an id from the chunk still being written must be caught even though
no file holds it yet. Slow writes make that overlap certain."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from journeylab import open_lake
from journeylab.lake import fast
from journeylab.lake import sources as feed
from journeylab.lake.layout import Layout


def _lines() -> str:
    rows = []
    for i in range(60):  # every id comes back in the next chunk (chunks of 10 lines)
        rows.append({"eventId": f"e{i}", "userId": f"u{i % 7}", "name": "a"})
        if i % 5 == 4:
            rows.append({"eventId": f"e{i - 2}", "userId": "other", "name": "b"})
    rows.append({"userId": "u1", "name": "a", "eventAt": "2025-01-01T00:00:00Z"})
    rows.append({"userId": "u1", "name": "a", "eventAt": "2025-01-01T01:00:00+01:00"})
    return "".join(json.dumps(r) + "\n" for r in rows)


@pytest.mark.parametrize("fast_path", [True, False])
def test_repeats_of_the_chunk_being_written_are_caught(tmp_path: Path, fast_path: bool) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_lines())
    real = Layout.write_parquet

    def slow_write(self: Layout, *args: Any) -> Any:
        time.sleep(0.05)  # the next chunk is prepared meanwhile
        return real(self, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Layout, "write_parquet", slow_write)
        mp.setattr(feed, "FAST", fast_path)
        lake = open_lake(tmp_path / "lake")
        report = lake.ingest(src, chunk_rows=10)
    assert (report.accepted, report.duplicates, report.rejected) == (61, 13, 0)
    ids = lake.execute(lake.events().select("event_id", "name")).to_dicts()
    assert len({r["event_id"] for r in ids}) == 61
    assert all(r["name"] == "a" for r in ids)  # first wins
    again = open_lake(tmp_path / "lake").ingest(src, chunk_rows=7)
    assert (again.accepted, again.duplicates) == (0, 74)


def test_small_inputs_take_the_python_path_by_default(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_lines())

    def refuse(*args: Any) -> Any:
        raise AssertionError("the compiled scanner ran for a small input")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(feed, "FAST_MIN_BYTES", 32 * 1024 * 1024)
        mp.setattr(fast, "fast_block", refuse)
        mp.setattr(feed, "fast_block", refuse)
        report = open_lake(tmp_path / "lake").ingest(src, chunk_rows=10)
    assert (report.accepted, report.duplicates, report.rejected) == (61, 13, 0)
