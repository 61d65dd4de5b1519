"""Funnel benchmark: journeylab vs ClickHouse windowFunnel (chdb) vs hand-written DuckDB SQL.

A 4-step ordered funnel (signup → view_item → add_to_cart → purchase) with a 7-day window
on the cached ~100M-event benchmark data (benchmarks/common.py). journeylab reads its lake
(files sorted by name, so it can skip the 89% of rows that are not funnel steps); the
baselines read ONE Parquet file of the same events. Each engine runs in a fresh subprocess
(time of the query only, modules imported before the clock starts; peak RSS of
the whole process); counts must be identical.

    nice -n 10 .venv/bin/python benchmarks/funnel.py [--users N] [--repeat 3]

Needs ``pip install -e '.[bench]'`` for chdb. Run by hand, never in tests.
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

from common import CACHE, FUNNEL_STEPS, bench_data, measure, self_rss_kb  # noqa: E402

WINDOW_DAYS = 7
ENGINES = ("journeylab", "chdb", "duckdb_sql")

# ClickHouse: windowFunnel over µs integers (window in the same unit), level per user.
CHDB_QUERY = """
SELECT level, count() AS users
FROM (
    SELECT user_id,
           windowFunnel(__WINDOW_US__)(
               toUInt64(toUnixTimestamp64Micro(event_at)),
               name = 'signup', name = 'view_item', name = 'add_to_cart', name = 'purchase'
           ) AS level
    FROM file('__PATH__', Parquet)
    WHERE name IN ('signup', 'view_item', 'add_to_cart', 'purchase')
    GROUP BY user_id
)
GROUP BY level
ORDER BY level
"""

# DuckDB, written by hand the usual way: every signup starts a chain; each next step is
# the earliest qualifying event at or after the previous one and within 7 days of the
# start (earliest is optimal for an ordered funnel); a user counts at the furthest step.
DUCKDB_QUERY = """
WITH e AS (
    SELECT user_id, name, event_at
    FROM read_parquet($path)
    WHERE name IN ('signup', 'view_item', 'add_to_cart', 'purchase')
),
s1 AS (SELECT user_id, event_at AS t1 FROM e WHERE name = 'signup'),
s2 AS (
    SELECT s1.user_id, s1.t1, min(e.event_at) AS t2
    FROM s1 JOIN e ON e.user_id = s1.user_id AND e.name = 'view_item'
        AND e.event_at >= s1.t1 AND e.event_at <= s1.t1 + INTERVAL 7 DAY
    GROUP BY ALL
),
s3 AS (
    SELECT s2.user_id, s2.t1, min(e.event_at) AS t3
    FROM s2 JOIN e ON e.user_id = s2.user_id AND e.name = 'add_to_cart'
        AND e.event_at >= s2.t2 AND e.event_at <= s2.t1 + INTERVAL 7 DAY
    GROUP BY ALL
),
s4 AS (
    SELECT s3.user_id, s3.t1, min(e.event_at) AS t4
    FROM s3 JOIN e ON e.user_id = s3.user_id AND e.name = 'purchase'
        AND e.event_at >= s3.t3 AND e.event_at <= s3.t1 + INTERVAL 7 DAY
    GROUP BY ALL
)
SELECT 1 AS step, count(DISTINCT user_id) AS users FROM s1
UNION ALL SELECT 2, count(DISTINCT user_id) FROM s2
UNION ALL SELECT 3, count(DISTINCT user_id) FROM s3
UNION ALL SELECT 4, count(DISTINCT user_id) FROM s4
ORDER BY step
"""


def run_journeylab(lake_path: Path) -> list[int]:
    import journeylab as jl

    lake = jl.open_lake(lake_path, create=False)
    result = lake.funnel(list(FUNNEL_STEPS), within=f"{WINDOW_DAYS}d", order="ordered")
    return [int(x) for x in result.table()["users"].to_list()]


def run_chdb(single: Path) -> list[int]:
    import chdb

    window_us = WINDOW_DAYS * 86_400 * 1_000_000
    query = CHDB_QUERY.replace("__WINDOW_US__", str(window_us)).replace(
        "__PATH__", str(single).replace("\\", "\\\\").replace("'", "\\'")
    )
    rows = json.loads(str(chdb.query(query, "JSON")))["data"]
    at_level = {int(r["level"]): int(r["users"]) for r in rows}
    return [sum(n for lvl, n in at_level.items() if lvl >= k) for k in range(1, 5)]


def run_duckdb_sql(single: Path) -> list[int]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute(DUCKDB_QUERY, {"path": str(single)}).fetchall()
    return [int(n) for _, n in rows]


def _import(engine: str) -> None:
    """Load the engine's modules before the clock starts, so every engine is timed on its
    query alone (chdb's import takes ~0.4 s, Ibis' DuckDB backend with its SQL compilers
    ~0.3 s; both used to count)."""
    if engine == "journeylab":
        import ibis

        _ = ibis.duckdb  # loads the backend module
    elif engine == "chdb":
        import chdb  # noqa: F401
    else:
        import duckdb  # noqa: F401


def worker(engine: str, users: int) -> None:
    data = bench_data(users)
    _import(engine)
    t0 = time.perf_counter()
    if engine == "journeylab":
        counts = run_journeylab(data.lake)
    elif engine == "chdb":
        counts = run_chdb(data.single)
    else:
        counts = run_duckdb_sql(data.single)
    seconds = time.perf_counter() - t0
    print(json.dumps({"engine": engine, "seconds": seconds, "counts": counts,
                      "self_rss_kb": self_rss_kb()}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2_400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--worker", choices=ENGINES)
    a = parser.parse_args()
    if a.worker:
        worker(a.worker, a.users)
        return
    data = bench_data(a.users)
    print(f"data: {data.events:,} events, {data.users:,} users, "
          f"steps {data.step_rows / data.events:.1%} of rows", file=sys.stderr)  # fmt: skip
    summary: dict[str, Any] = {"events": data.events, "users": data.users, "engines": {}}
    for engine in a.engines.split(","):
        runs = [
            measure(Path(__file__), ["--worker", engine, "--users", str(a.users)])
            for _ in range(a.repeat)
        ]
        counts = {tuple(r["counts"]) for r in runs}
        assert len(counts) == 1, (engine, counts)
        summary["engines"][engine] = {
            "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "min_seconds": round(min(r["seconds"] for r in runs), 2),
            "median_cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 2),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "counts": runs[0]["counts"],
        }
        print(engine, summary["engines"][engine], file=sys.stderr, flush=True)
    engines = summary["engines"]
    all_counts = {tuple(e["counts"]) for e in engines.values()}
    summary["counts_identical"] = len(all_counts) == 1
    if "journeylab" in engines:
        jl_s = engines["journeylab"]["median_seconds"]
        for other in ("chdb", "duckdb_sql"):
            if other in engines:
                summary[f"journeylab_vs_{other}"] = round(
                    jl_s / engines[other]["median_seconds"], 3
                )
                summary[f"journeylab_vs_{other}_cpu"] = round(
                    engines["journeylab"]["median_cpu_seconds"]
                    / engines[other]["median_cpu_seconds"],
                    3,
                )
    (CACHE / f"funnel-results-u{a.users}.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
