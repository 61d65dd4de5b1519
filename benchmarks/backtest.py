"""Backtest benchmark: an offer backtested on the cached ~100M-event benchmark lake.

The offer is ``--spec YAML``; by default the repository's example
examples/offer_three_purchases.yaml, or when it is missing (``--spec builtin``) the issue's
example: audience signups from ads/organic, entry at signup, satisfied by 3 purchases
within 30 days, expiring after 30 days, budget 5000, reward 10. Runs in a fresh
subprocess (time of the backtest only, CPU seconds and peak RSS of the process) and
compares with the funnel benchmark's last journeylab time (target: at most 2x, RSS <= 3 GB).

    nice -n 10 .venv/bin/python benchmarks/backtest.py [--users N] [--repeat 3]
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

from common import CACHE, bench_data, measure, self_rss_kb  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "offer_three_purchases.yaml"
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


def worker(users: int, spec: str) -> None:
    import journeylab as jl
    from journeylab.conditions import load_program

    data = bench_data(users)
    program = load_program(DEFAULT_OFFER if spec == "builtin" else spec)
    lake = jl.open_lake(data.lake, create=False)
    t0 = time.perf_counter()
    result = program.backtest(lake)
    seconds = time.perf_counter() - t0
    stages = {str(r[0]): int(r[1]) for r in result.stages.select(result.stages.columns[:2]).rows()}
    print(json.dumps({"seconds": seconds, "stages": stages, "reward_total": result.reward_total,
                      "self_rss_kb": self_rss_kb()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2_400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--spec",
        default=str(EXAMPLE) if EXAMPLE.exists() else "builtin",
        help="offer YAML, or 'builtin' (default: examples/offer_three_purchases.yaml)",
    )
    parser.add_argument("--worker", action="store_true")
    a = parser.parse_args()
    if a.worker:
        worker(a.users, a.spec)
        return
    data = bench_data(a.users)
    args = ["--worker", "--users", str(a.users), "--spec", a.spec]
    runs = [measure(Path(__file__), args) for _ in range(a.repeat)]
    summary: dict[str, Any] = {
        "events": data.events,
        "users": data.users,
        "spec": a.spec,
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "min_seconds": round(min(r["seconds"] for r in runs), 2),
        "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "stages": runs[0]["stages"],
        "reward_total": runs[0]["reward_total"],
    }
    funnel_path = CACHE / f"funnel-results-u{a.users}.json"
    if funnel_path.exists():
        funnel = json.loads(funnel_path.read_text())["engines"].get("journeylab")
        if funnel:
            summary["funnel_median_seconds"] = funnel["median_seconds"]
            summary["vs_funnel"] = round(summary["median_seconds"] / funnel["median_seconds"], 2)
    (CACHE / f"backtest-results-u{a.users}.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
