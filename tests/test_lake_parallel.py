"""The Python JSONL block path (typed decode, vectorised timestamps, worker processes; used
when the DuckDB fast path is off) gives exactly what the record-by-record Validator gives.
The DuckDB fast path has its own parity test (tests/test_ingest_fast.py)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from journeylab import open_lake
from journeylab.lake import sources as ingest_mod
from validator_block import validator_block

RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)


def _lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    stamps = [
        "2024-01-01T00:00:00Z",
        "2024-02-29T23:59:59.999999+05:30",
        "2024-01-01T00:00:00",
        "2024-01-01 10:00:00Z",
        "2024-01-01t00:00:00z",
        "2024-01-01T00:00:00.123456789Z",
        "2024-02-30T00:00:00Z",
        "1969-12-31T23:59:59.5-00:30",
        "nope",
        5,
        None,
    ]
    out = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.03:
            out.append(rng.choice(["{bad", "[1]", "", "   ", '"s"', '{"userId": "\\ud800"}']))
            continue
        rec: dict[str, Any] = {
            "userId": rng.choice(["u1", "u2", "", 7, "ü" * 255, "x" * 256]),
            "name": rng.choice(["a", "b", "Sign Up", None]),
            "eventAt": rng.choice(stamps),
            "data": rng.choice(
                [
                    None,
                    {"b": 1, "a": [1.5, {"z": None, "y": True}]},
                    {"k": "v"},
                    [1],
                    "s",
                    {"big": "x" * 33_000},
                ]
            ),
            "eventId": rng.choice([None, None, f"e{i % 50}", "", 3]),
        }
        if roll > 0.97:
            rec["extra"] = 1
        for key in [k for k, v in rec.items() if v is None and rng.random() < 0.5]:
            del rec[key]
        out.append(json.dumps(rec, ensure_ascii=False))
    return out


def _state(lake_dir: Path) -> tuple[Any, ...]:
    lake = open_lake(lake_dir)
    events = lake.execute(lake.events().order_by("event_id")).to_dicts()
    rejected = lake.rejected().drop("received_at").to_dicts()
    return events, rejected


@pytest.mark.parametrize(("workers", "by_bytes"), [(1, False), (2, False), (2, True)])
def test_fast_path_equals_the_validator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, by_bytes: bool
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(_lines(3000, seed=workers + by_bytes)))  # no final newline
    monkeypatch.setattr(ingest_mod, "FAST", False)  # the Python block path (DuckDB's: elsewhere)
    # reference: the same lines through the generic record path (format forced to json
    # lines is the fast path, so feed the Validator by running each line as a batch body)
    slow = open_lake(tmp_path / "slow")
    monkeypatch.setattr(ingest_mod, "validate_block", validator_block)
    want_report = slow.ingest(path, received_at=RECEIVED, chunk_rows=500).to_dict()
    monkeypatch.undo()

    monkeypatch.setattr(ingest_mod, "FAST", False)
    monkeypatch.setattr(ingest_mod, "WORKERS", workers)
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN_BYTES", 0)
    # small chunks cut blocks by lines; big ones by bytes (here 4 KiB, mid-line cuts)
    monkeypatch.setattr(ingest_mod, "BLOCK_ROWS", 500 if by_bytes else 97)
    monkeypatch.setattr(ingest_mod, "BLOCK_BYTES", 4096)
    fast = open_lake(tmp_path / "fast")
    got_report = fast.ingest(path, received_at=RECEIVED, chunk_rows=500).to_dict()
    for d in (want_report, got_report):
        d.pop("seconds"), d.pop("files_written")
    assert got_report == want_report
    assert got_report["rejected"] > 100 and got_report["naive_timestamps"] > 10
    assert _state(tmp_path / "fast") == _state(tmp_path / "slow")
