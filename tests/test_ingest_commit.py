"""Committing chunk by chunk (lake/commit.py): a repeat of an id from an earlier chunk of the
same ingest is caught (the first wins), and re-ingesting with other chunk sizes adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from journeylab import open_lake


def _lines() -> str:
    rows = []
    for i in range(60):  # every id comes back in the next chunk (chunks of 10 lines)
        rows.append({"eventId": f"e{i}", "userId": f"u{i % 7}", "name": "a"})
        if i % 5 == 4:
            rows.append({"eventId": f"e{i - 2}", "userId": "other", "name": "b"})
    rows.append({"userId": "u1", "name": "a", "eventAt": "2025-01-01T00:00:00Z"})
    rows.append({"userId": "u1", "name": "a", "eventAt": "2025-01-01T01:00:00+01:00"})
    return "".join(json.dumps(r) + "\n" for r in rows)


def test_repeats_of_earlier_chunks_are_caught(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_lines())
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(src, chunk_rows=10)
    assert (report.accepted, report.duplicates, report.rejected) == (61, 13, 0)
    ids = lake.execute(lake.events().select("event_id", "name")).to_dicts()
    assert len({r["event_id"] for r in ids}) == 61
    assert all(r["name"] == "a" for r in ids)  # first wins
    again = open_lake(tmp_path / "lake", create=True).ingest(src, chunk_rows=7)
    assert (again.accepted, again.duplicates) == (0, 74)
