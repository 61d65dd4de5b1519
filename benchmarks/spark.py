"""DuckDB vs Spark on the same lake: a funnel, an activation comparison and a backtest.

The lake is built the way users build theirs: `journeylab ingest` of a generated JSON-lines
file (benchmarks/ingest.py's generator, cached), then `journeylab compact`. Each command
then runs as a user runs it, the CLI in a fresh process with ``--json``, on each engine:

- ``duckdb``: the default, in-process;
- ``pyspark``: ``--engine pyspark``, a local[2] Spark session started by the command;
- ``connect``: ``--spark-remote URL``, an already running Spark Connect server (only with
  ``--remote``; start one as docs/scale.md shows).

Reported per engine and command: the wall time of the whole command (start-up included),
and the analysis alone, timed in one process after a warm-up run (the engine's
throughput): events/s and events/s per core (cores = the engine's parallelism: DuckDB's
threads, Spark's local[N]). The three engines' JSON outputs must be identical.

    nice -n 10 .venv/bin/python benchmarks/spark.py [--events 2000000] [--remote sc://...]

Run by hand, never in tests (the slow tier runs it on a tiny input). Numbers go to
docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import description  # noqa: E402
from ingest import CACHE, input_file  # noqa: E402

CLI = [sys.executable, "-c", "import sys; from journeylab.cli import main; main()"]
OFFER = """\
kind: offer
name: two-purchases
audience: {event: signup, where: {channel: {in: [ads, organic]}}}
entry: {event: signup}
satisfy: {event: purchase, where: {amount: {gte: 20}}, count: 2, within: 30d}
expires_after: 30d
reward: 10
"""
COMMANDS: dict[str, list[str]] = {
    "funnel": ["funnel", "--steps", "signup,add_to_cart,purchase", "--within", "7d"],
    "activation": [
        "activation",
        "--activation",
        "carted=add_to_cart",
        "--activation",
        "bought=purchase",
    ],
    "backtest": ["backtest", "{offer}"],
}


def cli(*args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([*CLI, *args], capture_output=True, text=True, env=os.environ)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"journeylab {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return wall, out.stdout


def build_lake(events: int) -> Path:
    """The benchmark lake, ingested and compacted by the CLI (cached by size)."""
    lake = CACHE / f"spark-lake-{events}"
    if (lake / "journeylab-lake.json").exists():
        return lake
    shutil.rmtree(lake, ignore_errors=True)
    src = input_file(events)
    wall, _ = cli("ingest", str(src), "--lake", str(lake), "--json")
    cli("compact", "--lake", str(lake))
    print(f"ingested {events:,} events in {wall:.1f}s", file=sys.stderr)
    return lake


ENGINE_FLAGS = {"duckdb": [], "pyspark": ["--engine", "pyspark"]}


def in_process(lake: Path, engine: str, remote: str | None, offer: Path) -> dict[str, float]:
    """Seconds of each analysis alone (second run; the first warms the engine up)."""
    import journeylab as jl
    from journeylab.conditions.io import load_program

    spark = remote if engine == "connect" else None
    lk = jl.open_lake(lake, engine=None if engine == "duckdb" else "pyspark", spark=spark)
    program = load_program(offer)
    runs = {
        "funnel": lambda: lk.funnel(["signup", "add_to_cart", "purchase"], within="7d"),
        "activation": lambda: lk.compare_activations(
            "signup", {"carted": "add_to_cart", "bought": "purchase"}
        ),
        "backtest": lambda: program.backtest(lk),
    }
    out: dict[str, float] = {}
    for name, run in runs.items():
        run()
        t0 = time.perf_counter()
        run()
        out[name] = round(time.perf_counter() - t0, 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=description(__doc__))
    ap.add_argument("--events", type=int, default=2_000_000)
    ap.add_argument("--remote", help="a running Spark Connect server, sc://HOST:PORT")
    ap.add_argument("--cores", type=int, default=2, help="the engines' parallelism")
    ap.add_argument("--engine", help="internal: time one engine in this process")
    args = ap.parse_args()
    lake = build_lake(args.events)
    offer = CACHE / "spark-offer.yaml"
    offer.write_text(OFFER)
    if args.engine:  # a child run: the in-process timings of one engine, as JSON
        print(json.dumps(in_process(lake, args.engine, args.remote, offer)))
        return
    flags = dict(ENGINE_FLAGS)
    if args.remote:
        flags["connect"] = ["--spark-remote", args.remote]
    events = sum(r["events"] for r in json.loads(cli("catalog", "--lake", str(lake), "--json")[1]))
    results: dict[str, Any] = {"events": events, "cores": args.cores, "engines": {}}
    results["load_before"] = [round(x, 1) for x in os.getloadavg()]
    outputs: dict[str, dict[str, str]] = {}
    for engine, extra in flags.items():
        row: dict[str, Any] = {}
        for name, cmd in COMMANDS.items():
            argv = [a.format(offer=offer) for a in cmd]
            wall, stdout = cli(*argv, "--lake", str(lake), "--json", *extra)
            outputs.setdefault(name, {})[engine] = stdout
            row[name] = {"cli_seconds": round(wall, 2)}
        child = [sys.executable, __file__, "--events", str(args.events), "--engine", engine]
        if args.remote:
            child += ["--remote", args.remote]
        timed = json.loads(subprocess.run(child, capture_output=True, text=True, check=True).stdout)
        for name, seconds in timed.items():
            row[name]["analysis_seconds"] = seconds
            row[name]["events_per_second"] = round(events / seconds)
            row[name]["events_per_second_per_core"] = round(events / seconds / args.cores)
        results["engines"][engine] = row
        print(f"{engine}: {json.dumps(row)}", file=sys.stderr)
    results["load_after"] = [round(x, 1) for x in os.getloadavg()]
    results["outputs_identical"] = all(len(set(o.values())) == 1 for o in outputs.values())
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
