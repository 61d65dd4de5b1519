"""Funnel benchmark: journeylab (CLI cold, in-process first and warm) vs ClickHouse
windowFunnel (chdb) vs hand-written DuckDB SQL, on the lake a user gets.

The lake is built by ``journeylab ingest`` + ``compact`` from one Parquet export, which the
baselines read (benchmarks/common.py). Variants:

- ``plain``: a 4-step ordered funnel (signup → onboarding_started → tutorial_completed →
  purchase), 7-day window;
- ``filtered``: the same with ``purchase where amount >= 20`` and a breakdown by the
  signup's ``channel`` (first touch).

Each engine runs in fresh subprocesses: ``journeylab_cli`` is ``journeylab funnel ... --json``
timed from outside (wall including process start-up; plain variant only: the CLI has no
step filters); the others time their first query after their modules are imported
(``first``) and the median of the next ones in the same process (``warm``). CPU seconds and
peak RSS are the whole process's; the load average is recorded beside every run (the
machine is shared). Counts must be identical across engines (per segment and step).

    nice -n 10 python benchmarks/funnel.py [--users N] [--repeat 3] [--variant plain]

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

from common import (  # noqa: E402
    CACHE,
    DAYS,
    FUNNEL_STEPS,
    bench_data,
    cli,
    description,
    load,
    measure,
    run_cmd,
    self_rss_kb,
)

WINDOW_DAYS = 7
MIN_AMOUNT = 20
ENGINES = ("journeylab_cli", "journeylab", "chdb", "duckdb_sql")
VARIANTS = ("plain", "filtered")
WARM_RUNS = 3

# ClickHouse: windowFunnel over µs integers (window in the same unit), level per user. The
# fastest formulation tried; the others: the same over DateTime64 (slower), windowFunnel
# over the whole file without the WHERE (reads every row).
CHDB_QUERY = """
SELECT __SEGMENT__ AS segment, level, count() AS users
FROM (
    SELECT user_id,
           windowFunnel(__WINDOW_US__)(
               toUInt64(toUnixTimestamp64Micro(event_at)),
               name = 'signup', name = 'onboarding_started', name = 'tutorial_completed',
               name = 'purchase'__AMOUNT__
           ) AS level__CHANNEL__
    FROM file('__PATH__', Parquet)
    WHERE name IN ('signup', 'onboarding_started', 'tutorial_completed', 'purchase')
    GROUP BY user_id
)
WHERE level > 0
GROUP BY segment, level
ORDER BY segment, level
"""

# DuckDB, written by hand the usual way: every signup starts a chain; each next step is
# the earliest qualifying event at or after the previous one and within 7 days of the
# start (earliest is optimal for an ordered funnel); a user counts at the furthest step.
# The fastest formulation tried; slower ones: window functions (LEAD/LAG over each user's
# events), one sort of all step rows with a per-user fold (list_reduce), ASOF joins.
DUCKDB_QUERY = """
WITH e AS (
    SELECT user_id, name, event_at__DATA__
    FROM read_parquet($path)
    WHERE name IN ('signup', 'onboarding_started', 'tutorial_completed', 'purchase')
),
s1 AS (SELECT user_id, event_at AS t1__CHANNEL__ FROM e WHERE name = 'signup'),
s2 AS (
    SELECT s1.user_id, s1.t1, min(e.event_at) AS t2
    FROM s1 JOIN e ON e.user_id = s1.user_id AND e.name = 'onboarding_started'
        AND e.event_at >= s1.t1 AND e.event_at <= s1.t1 + INTERVAL 7 DAY
    GROUP BY ALL
),
s3 AS (
    SELECT s2.user_id, s2.t1, min(e.event_at) AS t3
    FROM s2 JOIN e ON e.user_id = s2.user_id AND e.name = 'tutorial_completed'
        AND e.event_at >= s2.t2 AND e.event_at <= s2.t1 + INTERVAL 7 DAY
    GROUP BY ALL
),
s4 AS (
    SELECT s3.user_id, s3.t1, min(e.event_at) AS t4
    FROM s3 JOIN e ON e.user_id = s3.user_id AND e.name = 'purchase'__AMOUNT__
        AND e.event_at >= s3.t3 AND e.event_at <= s3.t1 + INTERVAL 7 DAY
    GROUP BY ALL
),
seg AS (SELECT user_id, __SEGMENT__ AS segment FROM s1 GROUP BY ALL)
SELECT segment, 1 AS step, count(DISTINCT user_id) AS users FROM s1 JOIN seg USING (user_id)
GROUP BY ALL
UNION ALL SELECT segment, 2, count(DISTINCT user_id) FROM s2 JOIN seg USING (user_id) GROUP BY ALL
UNION ALL SELECT segment, 3, count(DISTINCT user_id) FROM s3 JOIN seg USING (user_id) GROUP BY ALL
UNION ALL SELECT segment, 4, count(DISTINCT user_id) FROM s4 JOIN seg USING (user_id) GROUP BY ALL
ORDER BY segment, step
"""


def _chdb_query(single: Path, variant: str) -> str:
    filtered = variant == "filtered"
    path = str(single).replace("\\", "\\\\").replace("'", "\\'")
    subs = {
        "__WINDOW_US__": str(WINDOW_DAYS * 86_400 * 1_000_000),
        "__PATH__": path,
        "__AMOUNT__": f" AND JSONExtractFloat(data, 'amount') >= {MIN_AMOUNT}" if filtered else "",
        "__CHANNEL__": (
            ",\n           argMinIf(JSONExtractString(data, 'channel'), event_at, "
            "name = 'signup') AS channel"
            if filtered
            else ""
        ),
        "__SEGMENT__": "channel" if filtered else "'all'",
    }
    query = CHDB_QUERY
    for k, v in subs.items():
        query = query.replace(k, v)
    return query


def _duckdb_query(variant: str) -> str:
    filtered = variant == "filtered"
    subs = {
        "__DATA__": ", data" if filtered else "",
        "__CHANNEL__": ", data ->> '$.channel' AS channel" if filtered else "",
        "__AMOUNT__": (
            f" AND TRY_CAST(e.data ->> '$.amount' AS DOUBLE) >= {MIN_AMOUNT}" if filtered else ""
        ),
        "__SEGMENT__": "min(channel)" if filtered else "'all'",
    }
    query = DUCKDB_QUERY
    for k, v in subs.items():
        query = query.replace(k, v)
    return query


def _journeylab_steps(variant: str) -> list[Any]:
    import journeylab as jl

    steps: list[Any] = list(FUNNEL_STEPS)
    if variant == "filtered":
        steps[-1] = jl.step("purchase", where={"amount": {"gte": MIN_AMOUNT}})
    return steps


def _counts_of_result(result: Any) -> dict[str, list[int]]:
    if result.by_segment is None:
        return {"all": [int(x) for x in result.table()["users"].to_list()]}
    out: dict[str, list[int]] = {}
    for seg, _, users in (
        result.by_segment.select("segment", "step", "users").sort("segment", "step").rows()
    ):
        out.setdefault(str(seg), []).append(int(users))
    return out


def _cumulative(rows: list[tuple[str, int, int]], n: int) -> dict[str, list[int]]:
    """(segment, level, users at exactly that level) → users reaching each step."""
    out: dict[str, list[int]] = {}
    for seg in sorted({r[0] for r in rows}):
        at = {int(lvl): int(u) for s, lvl, u in rows if s == seg}
        out[seg] = [sum(u for lvl, u in at.items() if lvl >= k) for k in range(1, n + 1)]
    return out


def worker(engine: str, users: int, variant: str, days: int = DAYS) -> None:
    """One process: import, the first query, then WARM_RUNS more (median = warm)."""
    data = bench_data(users, days=days)
    t0 = time.perf_counter()
    if engine == "journeylab":
        import journeylab as jl

        imported = time.perf_counter() - t0
        steps = _journeylab_steps(variant)
        by = "channel" if variant == "filtered" else None
        lake: Any = None

        def run() -> dict[str, list[int]]:
            nonlocal lake
            lake = lake or jl.open_lake(data.lake, create=False)
            return _counts_of_result(lake.funnel(steps, within=f"{WINDOW_DAYS}d", by=by))

    elif engine == "chdb":
        import chdb

        imported = time.perf_counter() - t0
        query = _chdb_query(data.single, variant)

        def run() -> dict[str, list[int]]:
            rows = json.loads(str(chdb.query(query, "JSON")))["data"]
            return _cumulative([(r["segment"], r["level"], r["users"]) for r in rows], 4)

    else:
        import duckdb

        imported = time.perf_counter() - t0
        query = _duckdb_query(variant)
        con: Any = None

        def run() -> dict[str, list[int]]:
            nonlocal con
            if con is None:
                con = duckdb.connect()
                con.execute("SET TimeZone = 'UTC'")
            rows = con.execute(query, {"path": str(data.single)}).fetchall()
            out: dict[str, list[int]] = {}
            for seg, _, n in rows:
                out.setdefault(str(seg), []).append(int(n))
            return out

    times = []
    cpus = []
    loads = []
    counts = None
    for _ in range(1 + WARM_RUNS):
        t, c = time.perf_counter(), time.process_time()
        got = run()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        loads.append(load())
        assert counts is None or got == counts, (counts, got)
        counts = got
    print(json.dumps({"engine": engine, "import_seconds": imported, "first_seconds": times[0],
                      "warm_seconds": statistics.median(times[1:]), "first_cpu": cpus[0],
                      "warm_cpu": statistics.median(cpus[1:]), "counts": counts,
                      "loads": loads, "self_rss_kb": self_rss_kb()}))  # fmt: skip


def run_cli_cold(data: Any) -> dict[str, Any]:
    cmd = [*cli(), "funnel", "--lake", str(data.lake), "--steps", ",".join(FUNNEL_STEPS),
           "--within", f"{WINDOW_DAYS}d", "--json"]  # fmt: skip
    run = run_cmd(cmd)
    doc = json.loads(run["stdout"])
    run["counts"] = {"all": [int(s["users"]) for s in doc["steps"]]}
    del run["stdout"]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--users", type=int, default=1_500_000)
    parser.add_argument("--days", type=int, default=DAYS, help="days of history (events/user)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--variant", choices=VARIANTS, default="plain")
    parser.add_argument("--worker", choices=ENGINES)
    a = parser.parse_args()
    if a.worker:
        worker(a.worker, a.users, a.variant, a.days)
        return
    data = bench_data(a.users, days=a.days)
    print(f"data: {data.events:,} events, {data.users:,} users, "
          f"steps {data.step_rows / data.events:.1%} of rows", file=sys.stderr)  # fmt: skip
    summary: dict[str, Any] = {
        "events": data.events,
        "users": data.users,
        "variant": a.variant,
        "engines": {},
    }
    engines = [e for e in a.engines.split(",") if a.variant == "plain" or e != "journeylab_cli"]
    for engine in engines:
        if engine == "journeylab_cli":
            runs = [run_cli_cold(data) for _ in range(a.repeat)]
            keys = {"cold_seconds": "wall_seconds"}
        else:
            args = ["--worker", engine, "--users", str(a.users), "--variant", a.variant,
                    "--days", str(a.days)]  # fmt: skip
            runs = [measure(Path(__file__), args) for _ in range(a.repeat)]
            keys = {"first_seconds": "first_seconds", "warm_seconds": "warm_seconds",
                    "import_seconds": "import_seconds", "first_cpu": "first_cpu",
                    "warm_cpu": "warm_cpu"}  # fmt: skip
        counts = {json.dumps(r["counts"], sort_keys=True) for r in runs}
        assert len(counts) == 1, (engine, counts)
        row: dict[str, Any] = {
            out: round(statistics.median(r[src] for r in runs), 3) for out, src in keys.items()
        }
        row["min_seconds"] = round(min(r[next(iter(keys.values()))] for r in runs), 3)
        row["cpu_seconds"] = round(statistics.median(r["cpu_seconds"] for r in runs), 2)
        row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        row["load"] = [r["load"] for r in runs]
        row["counts"] = runs[0]["counts"]
        summary["engines"][engine] = row
        print(engine, json.dumps(row), file=sys.stderr, flush=True)
    rows = summary["engines"]
    summary["counts_identical"] = (
        len({json.dumps(e["counts"], sort_keys=True) for e in rows.values()}) == 1
    )
    jl_row = rows.get("journeylab", {})
    for other in ("chdb", "duckdb_sql"):
        if other in rows and jl_row:
            summary[f"warm_vs_{other}"] = round(
                jl_row["warm_seconds"] / rows[other]["warm_seconds"], 3
            )
            summary[f"warm_cpu_vs_{other}"] = round(jl_row["warm_cpu"] / rows[other]["warm_cpu"], 3)
            summary[f"first_vs_{other}"] = round(
                jl_row["first_seconds"] / rows[other]["first_seconds"], 3
            )
    if "journeylab_cli" in rows and "chdb" in rows:
        summary["cli_cold_vs_chdb_first"] = round(
            rows["journeylab_cli"]["cold_seconds"] / rows["chdb"]["first_seconds"], 3
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"funnel-results-u{a.users}-d{a.days}-{a.variant}.json"
    out.write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
