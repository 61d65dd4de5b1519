"""Journeys benchmark: top paths (depth 5) and weekly retention, journeylab vs hand-written
DuckDB SQL of the same questions over the single Parquet export.

The data are the benchmark events of benchmarks/common.py (~42 events per user over 90
days; 2.4M users → ~100M events). The lake is built the way a user builds one: the events
are exported as JSON lines in the Events API shape (``userId``, ``name``, ``eventAt``,
``data``, ``eventId``) and landed with ``journeylab ingest`` (timed, cached under
``benchmarks/.cache/``). The SQL reads the single Parquet export those events came from.

Questions (results must be identical across engines):

- paths: ``lake.paths(start="signup", depth=5, top=20)`` — each user's first signup, repeats
  collapsed, a path stops at a gap over 30 minutes (the defaults); every sequence counted.
- paths_7d: the same without a session gap, within 7 days of the signup.
- retention: ``lake.retention(start="signup", period="week", periods=8)`` — weekly cohorts
  of first signups, any event as a return, calendar (Monday, UTC) weeks 0..8.

Each engine runs in a fresh subprocess (the query timed after imports; peak RSS of the
whole process); the CLI is also timed as a whole fresh process (``journeylab paths ...
--json``), and journeylab once more warm in the same process. The SQL formulations are
committed next to this file (``journeys_*.sql``); ``SQL`` below names the ones tried.

    nice -n 10 .venv/bin/python benchmarks/journeys.py [--users N] [--repeat 3]

Run by hand, never in tests. Numbers go to docs/performance.md ("Journeys").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CACHE,
    DAYS,
    BenchData,
    bench_data,
    description,
    measure,
    self_rss_kb,
)

HERE = Path(__file__).resolve().parent
CLI = Path(sys.executable).parent / "journeylab"
#: the hand-written formulations tried, per question (the first is the slow usual one)
SQL = {
    "paths": [
        "journeys_paths_windows",
        "journeys_paths_two_pass_inlined",
        "journeys_paths_two_pass",
    ],
    "paths_7d": ["journeys_paths_7d_windows"],
    "retention": [
        "journeys_retention_distinct",
        "journeys_retention_epoch",
        "journeys_retention_bitmask",
    ],
}
KW: dict[str, dict[str, Any]] = {
    "paths": {"start": "signup", "depth": 5, "top": 20},
    "paths_7d": {"start": "signup", "depth": 5, "top": 20, "session_gap": None, "within": "7d"},
    "retention": {"start": "signup", "period": "week", "periods": 8},
}
CLI_ARGS = {
    "paths": ["paths", "--start", "signup", "--depth", "5", "--top", "20"],
    "paths_7d": [
        "paths",
        "--start",
        "signup",
        "--depth",
        "5",
        "--session-gap",
        "none",
        "--within",
        "7d",
    ],  # fmt: skip
    "retention": ["retention", "--start", "signup", "--period", "week", "--periods", "8"],
}
MONDAY_0 = date(1970, 1, 5)  # week 0 of the SQL's integer weeks


# -- the lake, built by `journeylab ingest` ---------------------------------------------
#: the Parquet export as JSON lines in the Events API shape (argv: parquet, jsonl)
_EXPORT = """
import sys, duckdb
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(
    'COPY (SELECT event_id AS "eventId", user_id AS "userId", name, '
    "strftime(event_at, '%Y-%m-%dT%H:%M:%S.%fZ') AS \\"eventAt\\", data::JSON AS data "
    "FROM read_parquet($path)) TO '" + sys.argv[2].replace("'", "''") + "' (FORMAT json)",
    {"path": sys.argv[1]},
)
"""


def ingested_lake(data: BenchData) -> Path:
    """The lake landed by ``journeylab ingest`` from a JSON lines export (built once)."""
    root = data.single.parent
    lake, report = root / "lake-ingested", root / "lake-ingested.json"
    if report.exists():
        return lake
    jsonl = root / "events.jsonl"
    if not jsonl.exists():  # in a child: a child's peak RSS counts its parent's at the fork
        t0 = time.perf_counter()
        tmp = jsonl.with_suffix(".jsonl.tmp")
        subprocess.run([sys.executable, "-c", _EXPORT, str(data.single), str(tmp)], check=True)
        tmp.rename(jsonl)
        print(f"exported {jsonl} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(CLI), "ingest", str(jsonl), "--lake", str(lake), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    doc = json.loads(out.stdout)
    doc["wall_seconds"] = round(seconds, 1)
    report.write_text(json.dumps(doc, indent=1))
    print(f"ingested {doc['accepted']:,} events in {seconds:.0f}s", file=sys.stderr)
    return lake


# -- workers: one question on one engine, in a fresh process ----------------------------
def _paths_answer(seqs: Iterable[tuple[Any, ...]]) -> dict[str, int]:
    return {" > ".join(p): n for p, n in seqs}


def run_journeylab(lake_path: Path, question: str) -> Any:
    import journeylab as jl

    lake = jl.open_lake(lake_path, create=False)
    if question.startswith("paths"):
        res = lake.paths(**KW[question])
        return _paths_answer(res.sequences.select("path", "paths").iter_rows())
    ret = lake.retention(**KW[question])
    cells = ret.cohorts.select("cohort_start", "period", "users", "retained", "returned_open")
    out = {}
    for start, period, users, retained, open_ in cells.iter_rows():
        out[f"{start.isoformat()} {period}"] = retained + open_
        out[f"{start.isoformat()} users"] = users
    return out


def run_sql(single: Path, question: str, name: str) -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    rows = con.execute((HERE / f"{name}.sql").read_text(), {"path": str(single)}).fetchall()
    if question.startswith("paths"):
        return _paths_answer([([s for s in r[:5] if s is not None], int(r[5])) for r in rows])
    out = {}
    for cohort, period, n in rows:
        start = cohort.date() if hasattr(cohort, "date") else MONDAY_0 + timedelta(weeks=cohort)
        out[f"{start.isoformat()} {'users' if period < 0 else period}"] = int(n or 0)
    return {k: v for k, v in out.items() if v or k.endswith("users")}


def _import(engine: str) -> None:
    """Load the engine's modules before the clock starts (Ibis' DuckDB backend ~0.3 s)."""
    import duckdb  # noqa: F401

    if engine == "journeylab":
        import ibis

        _ = ibis.duckdb
        import journeylab  # noqa: F401


LAKES = ("jsonl", "compacted")


def worker(engine: str, question: str, users: int, days: int = DAYS, which: str = "jsonl") -> None:
    data = bench_data(users, days=days)
    lake = ingested_lake(data) if which == "jsonl" else data.lake
    _import(engine)
    t0, c0 = time.perf_counter(), time.process_time()
    if engine == "journeylab":
        answer = run_journeylab(lake, question)
    else:
        answer = run_sql(data.single, question, engine)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    warm = None
    if engine == "journeylab":  # the same call again in this process
        t1 = time.perf_counter()
        run_journeylab(lake, question)
        warm = time.perf_counter() - t1
    if question == "retention":  # zero cells are absent on both sides
        answer = {k: v for k, v in answer.items() if v or k.endswith("users")}
    print(json.dumps({"engine": engine, "question": question, "seconds": seconds,
                      "query_cpu_seconds": cpu, "warm_seconds": warm, "answer": answer,
                      "self_rss_kb": self_rss_kb()}))  # fmt: skip


def cli_run(lake: Path, question: str) -> dict[str, Any]:
    """The CLI as a user runs it: a whole fresh process (imports included): wall time, CPU
    seconds and peak RSS."""
    import os

    t0 = time.perf_counter()
    args = [str(CLI), *CLI_ARGS[question], "--lake", str(lake), "--json"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{args} failed")
    return {"seconds": round(time.perf_counter() - t0, 2), "peak_rss_mb": usage.ru_maxrss // 1024,
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--users", type=int, default=2_400_000)
    parser.add_argument("--days", type=int, default=DAYS, help="days of history (events/user)")
    parser.add_argument(
        "--lake",
        choices=LAKES,
        default="jsonl",
        help="jsonl: ingest a JSON-lines export (uncompacted); compacted: the funnel "
        "benchmark's lake (ingest of the Parquet export, then compact)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--questions", default="paths,retention", help="also: paths_7d")
    parser.add_argument("--sql", default="fastest", help="fastest | all (every formulation)")
    parser.add_argument("--worker")
    parser.add_argument("--question")
    a = parser.parse_args()
    if a.worker:
        worker(a.worker, a.question, a.users, a.days, a.lake)
        return
    data = bench_data(a.users, days=a.days)
    if a.lake == "jsonl":
        lake = ingested_lake(data)
        report = json.loads((data.single.parent / "lake-ingested.json").read_text())
        ingest = report["wall_seconds"]
    else:
        lake, ingest = data.lake, data.meta["ingest"]["wall_seconds"]
    summary: dict[str, Any] = {"events": data.events, "users": data.users, "lake": a.lake,
                               "ingest_seconds": ingest, "questions": {}}  # fmt: skip
    for q in a.questions.split(","):
        names = SQL[q] if a.sql == "all" else SQL[q][-1:]
        res: dict[str, Any] = {}
        answers = {}
        for engine in ["journeylab", *names]:
            runs = [
                measure(
                    Path(__file__),
                    [
                        "--worker",
                        engine,
                        "--question",
                        q,
                        "--users",
                        str(a.users),
                        "--days",
                        str(a.days),
                        "--lake",
                        a.lake,
                    ],
                )
                for _ in range(a.repeat)
            ]
            answers[engine] = runs[0]["answer"]
            res[engine] = {
                "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
                "min_seconds": round(min(r["seconds"] for r in runs), 2),
                # CPU of the timed run alone (user + system, all threads): fairer than wall
                # time on a shared machine; the process total includes the warm re-run
                "median_cpu_seconds": round(
                    statistics.median(r["query_cpu_seconds"] for r in runs), 2
                ),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            }
            if engine == "journeylab":
                res[engine]["warm_seconds"] = round(min(r["warm_seconds"] for r in runs), 2)
                res["cli"] = cli_run(lake, q)
            print(q, engine, res[engine], file=sys.stderr, flush=True)
        base = answers["journeylab"]
        res["answers_identical"] = all(ans == base for ans in answers.values())
        fastest = min(names, key=lambda n: res[n]["median_seconds"])
        res["baseline"] = fastest
        res["journeylab_vs_sql"] = round(
            res["journeylab"]["median_seconds"] / res[fastest]["median_seconds"], 3
        )
        res["journeylab_vs_sql_cpu"] = round(
            res["journeylab"]["median_cpu_seconds"] / res[fastest]["median_cpu_seconds"], 3
        )
        summary["questions"][q] = res
    out = CACHE / f"journeys-results-u{a.users}-d{a.days}-{a.lake}.json"
    out.write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
