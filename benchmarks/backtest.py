"""Backtest benchmark: the repository's example offer and referral backtested on the lake a
user gets (benchmarks/common.py: built by ``journeylab ingest`` + ``compact``; the sample
app's event names are the examples' own).

Each ``--spec`` (default: examples/offer_three_purchases.yaml and
examples/referral_invite_a_friend.yaml; ``builtin``: the issue's offer) runs in fresh
processes: the first backtest after import and the median of the next ones (warm), CPU
seconds of each, peak RSS of the process, the load average. Compared with the funnel
benchmark's last journeylab warm time (target: at most 2x the funnel's warm time).

    nice -n 10 python benchmarks/backtest.py [--users N] [--repeat 2] [--spec YAML ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CACHE,
    DAYS,
    bench_data,
    description,
    load,
    measure,
    self_rss_kb,
)

_EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = (
    _EXAMPLES_DIR / "offer_three_purchases.yaml",
    _EXAMPLES_DIR / "referral_invite_a_friend.yaml",
)
WARM_RUNS = 2
DEFAULT_OFFER: dict[str, Any] = {
    "kind": "offer",
    "name": "three-purchases",
    "audience": {"event": "signup", "where": {"channel": {"in": ["ads", "organic"]}}},
    "entry": {"event": "signup"},
    "satisfy": {"event": "purchase", "count": 3, "within": "30d"},
    "expires_after": "30d",
    "reentry": {"mode": "never"},
    "caps": {"budget": 5000},
    "reward": 10,
}


def worker(users: int, spec: str, days: int = DAYS) -> None:
    """One process: the first backtest after import, then WARM_RUNS more (median = warm)."""
    import journeylab as jl
    from journeylab.conditions import load_program

    data = bench_data(users, days=days)
    program = load_program(DEFAULT_OFFER if spec == "builtin" else spec)
    lake = jl.open_lake(data.lake, create=False)
    times, cpus, loads = [], [], []
    for _ in range(1 + WARM_RUNS):
        t, c = time.perf_counter(), time.process_time()
        result = program.backtest(lake)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        loads.append(load())
    stages = {str(r[0]): int(r[1]) for r in result.stages.select(result.stages.columns[:2]).rows()}
    print(json.dumps({"first_seconds": times[0], "warm_seconds": statistics.median(times[1:]),
                      "first_cpu": cpus[0], "warm_cpu": statistics.median(cpus[1:]),
                      "stages": stages, "reward_total": result.reward_total, "loads": loads,
                      "self_rss_kb": self_rss_kb()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--users", type=int, default=1_500_000)
    parser.add_argument("--days", type=int, default=DAYS, help="days of history (events/user)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--spec",
        action="append",
        help="offer/referral YAML, or 'builtin' (default: the two examples)",
    )
    parser.add_argument("--worker", action="store_true")
    a = parser.parse_args()
    specs = a.spec or [str(p) for p in EXAMPLES if p.exists()] or ["builtin"]
    if a.worker:
        worker(a.users, specs[0], a.days)
        return
    data = bench_data(a.users, days=a.days)
    summary: dict[str, Any] = {"events": data.events, "users": data.users, "specs": {}}
    funnel_path = CACHE / f"funnel-results-u{a.users}-d{a.days}-plain.json"
    funnel = None
    if funnel_path.exists():
        funnel = json.loads(funnel_path.read_text())["engines"].get("journeylab")
    for spec in specs:
        args = ["--worker", "--users", str(a.users), "--spec", spec, "--days", str(a.days)]
        runs = [measure(Path(__file__), args) for _ in range(a.repeat)]
        row: dict[str, Any] = {
            k: round(statistics.median(r[k] for r in runs), 3)
            for k in ("first_seconds", "warm_seconds", "first_cpu", "warm_cpu")
        }
        row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        row["load"] = [r["load"] for r in runs]
        row["stages"] = runs[0]["stages"]
        row["reward_total"] = runs[0]["reward_total"]
        if funnel:
            row["vs_funnel_warm"] = round(row["warm_seconds"] / funnel["warm_seconds"], 2)
            row["vs_funnel_warm_cpu"] = round(row["warm_cpu"] / funnel["warm_cpu"], 2)
        summary["specs"][Path(spec).name] = row
        print(spec, json.dumps(row), file=sys.stderr, flush=True)
    if funnel:
        summary["funnel_warm_seconds"] = funnel["warm_seconds"]
        summary["funnel_warm_cpu"] = funnel["warm_cpu"]
    (CACHE / f"backtest-results-u{a.users}-d{a.days}.json").write_text(
        json.dumps(summary, indent=1)
    )
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
