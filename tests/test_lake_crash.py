"""Crash safety: an ingest killed with SIGKILL at random points, and at each stage of an
ingest and of a compaction (lake/failpoints.py), leaves a readable lake, and running it
again gives exactly the lake of a clean run (and a second run adds nothing)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from journeylab import open_lake
from journeylab.lake.failpoints import STAGES

CLI = [sys.executable, "-c", "from journeylab.cli import main; main()"]
CHUNK = "60"


def _make_inputs(root: Path) -> list[Path]:
    rng = random.Random(7)
    paths = []
    for f in range(2):
        lines = []
        for i in range(450):
            roll = rng.random()
            if roll < 0.03:
                lines.append("{not json")
                continue
            rec: dict[str, Any] = {
                "userId": f"u{rng.randrange(200)}",
                "name": rng.choice(["view", "signup", "buy", "Sign Up"]),
                "data": {"i": i, "f": f, "amount": rng.randrange(100)},
            }
            if roll > 0.05:  # 5% without eventAt: event_at is then the receive time
                rec["eventAt"] = f"2024-0{1 + i % 9}-1{i % 10}T0{i % 10}:00:00Z"
            if roll < 0.3:
                rec["eventId"] = f"id-{rng.randrange(1500)}"  # collisions: duplicates
            if roll > 0.97:
                rec["userId"] = ""
            lines.append(json.dumps(rec))
        lines += lines[:100]  # verbatim re-sends
        path = root / f"input{f}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def _ingest_cmd(paths: list[Path], lake: Path) -> list[str]:
    return [*CLI, "ingest", *map(str, paths), "--lake", str(lake), "--json", "--chunk-rows", CHUNK]


def _snapshot(lake_dir: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    lake = open_lake(lake_dir, create=True)
    events = lake.execute(lake.events()).to_dicts()
    rows = sorted(
        (
            e["event_id"],
            e["user_id"],
            e["name"],
            e["data"],
            # events without eventAt get the receive time, which differs between runs
            e["event_at"] if e["event_at"] != e["received_at"] else None,
        )
        for e in events
    )
    rejected = sorted(
        tuple(r[k] for k in ("source", "record", "raw", "reason", "detail"))
        for r in lake.rejected().to_dicts()
    )
    return rows, rejected


def _readable(lake_dir: Path) -> None:
    lake = open_lake(lake_dir, create=True)
    n = lake.count()
    assert lake.sql("select count(*) as n from events")["n"][0] == n
    ids = lake.execute(lake.events().select("event_id"))["event_id"]
    assert ids.n_unique() == n  # never a duplicate, even mid-way
    lake.rejected()
    lake.catalog()


def test_sigkill_at_random_points_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    paths = _make_inputs(tmp_path)
    clean = tmp_path / "clean"
    started = time.monotonic()
    out = subprocess.run(_ingest_cmd(paths, clean), capture_output=True, text=True, check=True)
    full = time.monotonic() - started
    report = json.loads(out.stdout)
    assert report["accepted"] > 700 and report["duplicates"] > 100 and report["rejected"] > 20
    want = _snapshot(clean)
    assert len(want[0]) == report["accepted"]

    rng = random.Random(int(os.environ.get("JOURNEYLAB_CRASH_SEED", "3")))
    killed_mid_way = 0
    for trial in range(2):
        lake = tmp_path / f"lake{trial}"
        for kill in range(trial + 1):  # one, then two kills in a row before a full run
            proc = subprocess.Popen(
                _ingest_cmd(paths, lake), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if kill > 0:
                time.sleep(rng.uniform(0.1, full))  # anywhere, start-up included
            else:  # mid-way: once some chunks have landed
                target = rng.randrange(1, 12)
                while proc.poll() is None and len(list(lake.glob("events/*.parquet"))) < target:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if lake.exists():
                _readable(lake)
                n = open_lake(lake, create=True).count()
                killed_mid_way += 0 < n < len(want[0])
        out = subprocess.run(_ingest_cmd(paths, lake), capture_output=True, text=True, check=True)
        rerun = json.loads(out.stdout)
        assert rerun["records"] == report["records"]
        assert rerun["accepted"] + rerun["duplicates"] == report["accepted"] + report["duplicates"]
        assert _snapshot(lake) == want
    assert killed_mid_way > 0


def test_the_same_ingest_twice_adds_nothing(tmp_path: Path) -> None:
    paths = _make_inputs(tmp_path)
    lake = tmp_path / "lake"
    first = json.loads(
        subprocess.run(_ingest_cmd(paths, lake), capture_output=True, text=True, check=True).stdout
    )
    before = _snapshot(lake)
    second = json.loads(
        subprocess.run(_ingest_cmd(paths, lake), capture_output=True, text=True, check=True).stdout
    )
    assert second["accepted"] == 0
    assert second["duplicates"] == first["accepted"] + first["duplicates"]
    assert second["rejected"] == first["rejected"]
    after = _snapshot(lake)
    assert after == before


def test_sigkill_during_compaction_never_changes_content(tmp_path: Path) -> None:
    paths = _make_inputs(tmp_path)
    lake_dir = tmp_path / "lake"
    lake = open_lake(lake_dir, create=True)
    for path in paths:
        lake.ingest(path, chunk_rows=40)
    want = _snapshot(lake_dir)
    n_files = len(lake.layout.event_files())
    assert n_files > 20
    cmd = [*CLI, "compact", "--lake", str(lake_dir), "--file-rows", "25"]
    rng = random.Random(11)
    interrupted = 0
    for _ in range(3):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # kill once the new generation is being filled (or has just been switched to)
        before = {p.name for p in lake_dir.glob("events.g*")}
        while proc.poll() is None and not (
            {p.name for p in lake_dir.glob("events.g*")} - before
            or list(lake_dir.glob("_tmp/*.parquet"))
        ):
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # a half-built generation (or its _tmp files) shows the kill landed mid-way
        interrupted += len(list(lake_dir.glob("events.g*"))) > 1 or any(
            lake_dir.glob("_tmp/*.parquet")
        )
        _readable(lake_dir)
        assert _snapshot(lake_dir) == want
    assert interrupted > 0
    subprocess.run(cmd, check=True, capture_output=True)
    assert _snapshot(lake_dir) == want
    files = open_lake(lake_dir, create=True).layout.event_files()
    assert len(files) == -(-len(want[0]) // 25)
    assert len(list(lake_dir.glob("events.g*"))) == 1


#: each stage once; where a stage recurs (per chunk, per file), killed the 3rd / 2nd time, so
#: earlier chunks or files are already in place
INGEST_STAGES = [s if s == "ingest.locked" else f"{s}@3" for s in STAGES if s.startswith("ingest.")]
COMPACT_STAGES = [
    f"{s}@2" if s == "compact.file-written" else s for s in STAGES if s.startswith("compact.")
]


def _killed_at(cmd: list[str], stage: str) -> None:
    env = dict(os.environ, JOURNEYLAB_FAILPOINT=stage)
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert proc.returncode == -signal.SIGKILL, (stage, proc.returncode, proc.stderr)


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Any]:
    """The inputs, and the lake a clean ingest of them gives."""
    root = tmp_path_factory.mktemp("crash")
    paths = _make_inputs(root)
    subprocess.run(_ingest_cmd(paths, root / "clean"), capture_output=True, check=True)
    return paths, _snapshot(root / "clean")


@pytest.mark.parametrize("stage", INGEST_STAGES)
def test_ingest_killed_at_each_stage_then_rerun_equals_a_clean_run(
    tmp_path: Path, stage: str, clean_run: tuple[list[Path], Any]
) -> None:
    """One failpoint per stage of an ingest (docs/lake.md, "Crash safety"), on the real
    default path: the killed ingest leaves a readable lake, a re-run gives the clean lake."""
    paths, want = clean_run
    lake = tmp_path / "lake"
    _killed_at(_ingest_cmd(paths, lake), stage)
    if lake.exists():
        _readable(lake)
        if "@" in stage:  # killed mid-way: whole earlier chunks landed, not all
            assert 0 < open_lake(lake).count() < len(want[0])
    subprocess.run(_ingest_cmd(paths, lake), capture_output=True, check=True)
    assert _snapshot(lake) == want


@pytest.mark.parametrize("stage", COMPACT_STAGES)
def test_compact_killed_at_each_stage_then_rerun(
    tmp_path: Path, stage: str, clean_run: tuple[list[Path], Any]
) -> None:
    paths, _ = clean_run
    lake_dir = tmp_path / "lake"
    open_lake(lake_dir, create=True).ingest(paths, chunk_rows=90)
    want = _snapshot(lake_dir)
    cmd = [*CLI, "compact", "--lake", str(lake_dir), "--file-rows", "100"]
    _killed_at(cmd, stage)
    _readable(lake_dir)
    assert _snapshot(lake_dir) == want
    subprocess.run(cmd, check=True, capture_output=True)
    assert _snapshot(lake_dir) == want
    assert len(list(lake_dir.glob("events.g*"))) == 1
    assert not list(lake_dir.glob("_tmp/*"))
