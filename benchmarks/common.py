"""Shared by the benchmarks: the lake a user gets, one Parquet export, per-engine measurement.

The data is the sample app (``journeylab sample``: the same generator users try first),
built once and cached under ``benchmarks/.cache/`` (or ``$JOURNEYLAB_BENCH_CACHE``):

1. ``journeylab sample --users N --days D`` writes a JSON lines export (with its planted
   duplicates and malformed lines);
2. it is ingested into a staging lake, whose accepted events are written as **one** Parquet
   file in time order — the clean warehouse export (``event_id, user_id, name, event_at,
   data``) that the baselines (chdb, hand-written DuckDB SQL) read;
3. the benchmark lake is built from that export exactly as a user would build it:
   ``journeylab ingest events.parquet`` then ``journeylab compact`` (both timed, with peak
   RSS, in ``meta.json``).

Run by hand (never in tests), e.g. ``nice -n 10 python benchmarks/common.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BenchData",
    "CACHE",
    "FUNNEL_STEPS",
    "bench_data",
    "cli",
    "description",
    "load",
    "measure",
    "run_cmd",
    "self_rss_kb",
]

# JOURNEYLAB_BENCH_CACHE: somewhere else (the slow tier's smoke runs use a temporary folder)
CACHE = Path(os.environ.get("JOURNEYLAB_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
#: 3: the sample app, exported to one Parquet file, ingested and compacted by the CLI
GENERATOR_VERSION = 3
DAYS = 15
#: a 4-step ordered funnel of the sample app (each step a journey event)
FUNNEL_STEPS = ("signup", "onboarding_started", "tutorial_completed", "purchase")


@dataclass(frozen=True)
class BenchData:
    lake: Path  # a journeylab lake folder, built by `journeylab ingest` + `compact`
    single: Path  # the Parquet export the lake was built from (the baselines read it)
    events: int
    users: int
    step_rows: int
    meta: dict[str, Any]


def description(doc: str | None) -> str:
    """A script's ``--help`` text: the first paragraph of its docstring, on one line."""
    return " ".join((doc or "").split("\n\n")[0].split())


def cli() -> list[str]:
    """The ``journeylab`` command as a user runs it (the console script next to this
    Python), or the same entry point through ``-c`` when it is not installed there."""
    script = Path(sys.executable).parent / "journeylab"
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-c", "import sys; from journeylab.cli import main; sys.exit(main())"]


def run_cmd(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` in a fresh process: stdout, wall seconds, CPU seconds and peak RSS (MB)
    of that process alone (wait4), and the load average when it ended."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{cmd} failed with exit code {code}")
    return {
        "stdout": out,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "load": load(),
    }


def load() -> float:
    """The 1-minute load average (the machine is shared: read numbers beside it)."""
    return round(os.getloadavg()[0], 2)


def _export(staging: Path, out: Path) -> None:
    """The staging lake's events as one Parquet file in time order (a warehouse export)."""
    import duckdb

    tmp = out.with_suffix(".tmp")
    con = duckdb.connect(
        config={"memory_limit": "4GB", "temp_directory": str(out.parent / "spill")}
    )
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "COPY (SELECT event_id, user_id, name, event_at, data "
        "FROM read_parquet($glob) ORDER BY event_at, event_id) "
        "TO $out (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 131072)",
        {"glob": str(staging / "events" / "*.parquet"), "out": str(tmp)},
    )
    con.close()
    shutil.rmtree(out.parent / "spill", ignore_errors=True)
    os.replace(tmp, out)


def generate(root: Path, users: int, seed: int, days: int = DAYS) -> BenchData:
    """Build the export and the lake under ``root`` (replacing what is there)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sample = root / "sample"
    export = root / "events.parquet"
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:.0f}s] {msg}", file=sys.stderr, flush=True)

    if export.exists():  # an interrupted build: the export is done, rebuild the lake
        shutil.rmtree(root / "lake", ignore_errors=True)
    else:
        kept = root.parent / f"{root.name}.sample"  # a finished sample is kept
        if (sample / "planted.json").exists():
            os.replace(sample, kept)
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        if kept.exists():
            os.replace(kept, sample)
        else:
            run_cmd([*cli(), "sample", "--out", str(sample), "--users", str(users),
                     "--days", str(days), "--seed", str(seed), "--json"])  # fmt: skip
        say("sample written")
        staging = root / "staging"
        run_cmd([*cli(), "ingest", str(sample / "events.jsonl"), "--lake", str(staging), "--json"])
        say("staging lake ingested")
        _export(staging, export)
        shutil.rmtree(staging)
        shutil.rmtree(sample)
        say("export written")
    lake = root / "lake"
    ingest = run_cmd([*cli(), "ingest", str(export), "--lake", str(lake), "--json"])
    report = json.loads(ingest["stdout"])
    say(f"ingest: {ingest['wall_seconds']} s, {ingest['peak_rss_mb']} MB")
    compact = run_cmd([*cli(), "compact", "--lake", str(lake)])
    say(f"compact: {compact['wall_seconds']} s, {compact['peak_rss_mb']} MB")
    events = pq.ParquetFile(export).metadata.num_rows
    names = pq.read_table(export, columns=["name"])["name"]
    step_rows = int(pc.sum(pc.is_in(names, pa.array(FUNNEL_STEPS))).as_py())
    meta = {
        "version": GENERATOR_VERSION,
        "users": users,
        "days": days,
        "seed": seed,
        "events": events,
        "step_rows": step_rows,
        "accepted": report.get("accepted"),
        "ingest": {k: v for k, v in ingest.items() if k != "stdout"},
        "compact": {k: v for k, v in compact.items() if k != "stdout"},
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (root / "meta.json").write_text(json.dumps(meta, indent=1))
    return BenchData(lake, export, events, users, step_rows, meta)


def bench_data(
    users: int = 1_500_000, seed: int = 0, days: int = DAYS, regenerate: bool = False
) -> BenchData:
    """The cached benchmark data (about 22 events per user over 15 days: 1.5M users give
    ~33M events)."""
    root = CACHE / f"sample-u{users}-d{days}-s{seed}"
    meta_path = root / "meta.json"
    if not regenerate and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("version") == GENERATOR_VERSION:
            return BenchData(
                root / "lake",
                root / "events.parquet",
                meta["events"],
                users,
                meta["step_rows"],
                meta,
            )
    return generate(root, users, seed, days)


# -- measurement ----------------------------------------------------------------------
def measure(script: Path, args: list[str], nice: int = 0) -> dict[str, Any]:
    """Run ``script args`` in a fresh subprocess; its JSON line on stdout plus peak RSS (MB),
    CPU seconds of the whole child (all threads: fairer than wall time on a busy machine)
    and the load average."""
    cmd = [sys.executable, str(script), *args]
    if nice:
        cmd = ["nice", "-n", str(nice), *cmd]
    run = run_cmd(cmd)
    result: dict[str, Any] = json.loads(run["stdout"].strip().splitlines()[-1])
    result["peak_rss_mb"] = max(run["peak_rss_mb"], round(int(result.get("self_rss_kb", 0)) / 1024))
    result["cpu_seconds"] = run["cpu_seconds"]
    result["load"] = run["load"]
    return result


def self_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description="Build (once) the cached benchmark lake.")
    parser.add_argument("--users", type=int, default=1_500_000)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--regenerate", action="store_true")
    a = parser.parse_args()
    data = bench_data(a.users, a.seed, a.days, a.regenerate)
    print(json.dumps({k: str(v) for k, v in data.__dict__.items()}))


if __name__ == "__main__":
    main()
