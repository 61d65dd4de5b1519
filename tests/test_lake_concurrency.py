"""The lake under concurrent use (docs/lake.md, "Readers and writers"): ingests started at
once into a new lake all land exactly once; readers (catalog, count, a funnel, SQL) running
while compactions and ingests commit never fail and always see whole commits. A short run
here; ``-m slow`` runs 50 rounds."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from journeylab import open_lake

CLI = [sys.executable, "-c", "from journeylab.cli import main; main()"]
CHUNK = 40  # every commit adds exactly this many events (inputs have no repeats)
NAMES = ["signup", "view", "buy", "Sign Up"]


def _inputs(root: Path, files: int, per_file: int, tag: str) -> list[Path]:
    paths = []
    for f in range(files):
        lines = []
        for i in range(per_file):
            rec: dict[str, Any] = {
                "eventId": f"{tag}-{f}-{i}",
                "userId": f"u{(f * 7 + i) % 50}",
                "name": NAMES[i % len(NAMES)],
                "eventAt": f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
            }
            lines.append(json.dumps(rec))
        path = root / f"{tag}{f}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def _ingest(path: Path, lake: Path) -> subprocess.Popen[str]:
    cmd = [*CLI, "ingest", str(path), "--lake", str(lake), "--json", "--chunk-rows", str(CHUNK)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen[str]]) -> list[dict[str, Any]]:
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    return reports


def ingests_at_once(root: Path, n: int) -> None:
    """``n`` ingests into a new lake at once, two of them of the same file."""
    root.mkdir(parents=True, exist_ok=True)
    paths = _inputs(root, n - 1, 4 * CHUNK, "a")
    lake = root / "lake"
    reports = _finish([_ingest(p, lake) for p in [*paths, paths[0]]])
    assert sum(r["accepted"] for r in reports) == (n - 1) * 4 * CHUNK
    assert sum(r["duplicates"] for r in reports) == 4 * CHUNK  # the file sent twice
    got = open_lake(lake, create=False)
    ids = got.execute(got.events().select("event_id"))["event_id"]
    assert len(ids) == ids.n_unique() == (n - 1) * 4 * CHUNK


class Readers:
    """Threads reading the lake in a loop; every error and every count is kept."""

    def __init__(self, lake: Path) -> None:
        self.lake, self.errors = lake, []  # type: ignore[var-annotated]
        self.counts: list[list[int]] = [[], [], []]  # per reader, in the order seen
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(k,)) for k in range(3)]

    def _loop(self, kind: int) -> None:
        lake = open_lake(self.lake, create=False)
        while not self.stop.is_set():
            try:
                if kind == 0:
                    cat = lake.catalog()
                    self.counts[kind].append(int(cat.frame["events"].sum()))
                    self.counts[kind].append(lake.count())
                elif kind == 1:
                    n = lake.sql("select count(*) as n from events")["n"][0]
                    self.counts[kind].append(int(n))
                else:
                    table = lake.funnel(["signup", "view"], within="30d").table()
                    assert table["users"][0] >= table["users"][1]
                    self.counts[kind].append(int(table["users"][0]))
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                self.errors.append(repr(exc))
            # a breath between reads: each reader still reads many times a commit, and
            # leaves the writers (and the other tests of the run) a core
            self.stop.wait(0.05)

    def __enter__(self) -> Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def readers_while_writing(root: Path, rounds: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    lake = root / "lake"
    seed = _inputs(root, 1, 2 * CHUNK, "s")[0]
    _finish([_ingest(seed, lake)])
    total = 2 * CHUNK
    with Readers(lake) as readers:
        for r in range(rounds):
            paths = _inputs(root, 2, 3 * CHUNK, f"r{r}-")
            procs = [_ingest(p, lake) for p in paths]
            compact = subprocess.run(
                # several files a compaction (up to 13, each with its id sidecar: 50 rows
                # a file made this test 7 min on a fast hour, 200 rows 5 min)
                [*CLI, "compact", "--lake", str(lake), "--file-rows", "1000"],
                capture_output=True,
                text=True,
            )
            assert compact.returncode == 0, compact.stderr
            _finish(procs)
            total += 6 * CHUNK
            time.sleep(0.05)
    assert readers.errors == []
    # whole commits only, never more than landed, never fewer than seen before (a later
    # query lists a newer generation or the same)
    for seen in readers.counts[:2]:
        assert seen and all(c % CHUNK == 0 and 2 * CHUNK <= c <= total for c in seen)
        assert seen == sorted(seen)
    assert readers.counts[2] and readers.counts[2] == sorted(readers.counts[2])  # signups
    final = open_lake(lake, create=False)
    assert final.count() == total
    assert final.sql("select count(distinct event_id) as n from events")["n"][0] == total


def test_four_ingests_into_a_new_lake_at_once(tmp_path: Path) -> None:
    ingests_at_once(tmp_path, 5)


def test_readers_never_fail_while_compact_and_ingests_run(tmp_path: Path) -> None:
    readers_while_writing(tmp_path, 3)


@pytest.mark.slow
def test_concurrency_many_rounds(tmp_path: Path) -> None:
    for k in range(3):
        ingests_at_once(tmp_path / f"new{k}", 5)
    readers_while_writing(tmp_path / "rw", 50)
