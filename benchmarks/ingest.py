"""Ingest benchmark: events/s of `journeylab ingest` on a 10M-event JSONL, and the bytes a
3-step funnel-shaped query reads compared with the whole lake.

Run by hand (never in tests):

    nice -n 10 .venv/bin/python benchmarks/ingest.py [--events 10000000] [--regenerate]

The input is generated once, streaming, deterministic by seed, and cached under
``benchmarks/.cache/``. Numbers go to docs/performance.md ("Ingest").
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
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq

CACHE = Path(__file__).resolve().parent / ".cache"
ROOT = Path(__file__).resolve().parents[1]
FUNNEL = ("signup", "add_to_cart", "purchase")  # about 10% of rows together
NAMES = (
    ("page_view", 0.42),
    ("screen_view", 0.15),
    ("click", 0.12),
    ("scroll", 0.08),
    ("search", 0.05),
    ("app_open", 0.05),
    ("notification_open", 0.03),
    ("signup", 0.02),
    ("add_to_cart", 0.045),
    ("purchase", 0.035),
)
START = 1_735_689_600  # 2025-01-01T00:00:00Z
BLOCK = 250_000


def _iso(seconds: np.ndarray) -> list[str]:
    """Seconds since the epoch → 'YYYY-MM-DDTHH:MM:SS' (vectorised)."""
    return np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()


def _lines(rng: np.random.Generator, n: int, first: int) -> list[str]:
    names = [name for name, _ in NAMES]
    probs = np.array([p for _, p in NAMES])
    name_idx = rng.choice(len(names), n, p=probs / probs.sum())
    users = (rng.pareto(1.2, n) * 5_000).astype(np.int64) % 300_000  # skewed activity
    secs = START + rng.integers(0, 90 * 86_400, n)
    millis = rng.integers(0, 1000, n)
    stamps = _iso(secs)
    zone = rng.random(n)
    has_id = rng.random(n) < 0.5
    amount = rng.integers(100, 20_000, n) / 100
    page = rng.integers(0, 5_000, n)
    out: list[str] = []
    append = out.append
    for i in range(n):
        name = names[name_idx[i]]
        z = zone[i]
        if z < 0.93:
            at = f"{stamps[i]}.{millis[i]:03d}Z"
        elif z < 0.99:
            at = f"{stamps[i]}.{millis[i]:03d}+02:00"
        else:
            at = stamps[i]  # naive: read as UTC and counted
        if name == "page_view":
            data = f'{{"path":"/p/{page[i]}","referrer":"search","title":"Product {page[i]}"}}'
        elif name == "purchase":
            data = f'{{"amount":{amount[i]},"currency":"EUR","items":{1 + page[i] % 4}}}'
        elif name == "signup":
            data = f'{{"channel":"{("ads", "organic", "referral", "social")[page[i] % 4]}"}}'
        elif name == "click":
            data = f'{{"element":"btn-{page[i] % 40}","screen":"home"}}'
        elif name == "add_to_cart":
            data = f'{{"sku":"SKU-{page[i]}","price":{amount[i]}}}'
        else:
            data = ""
        eid = f'"eventId":"evt-{first + i}",' if has_id[i] else ""
        body = f',"data":{data}' if data else ""
        append(f'{{{eid}"userId":"u{users[i]:07d}","name":"{name}","eventAt":"{at}"{body}}}')
    # 0.05% malformed lines and 0.5% verbatim re-sends (duplicates)
    for j in rng.choice(n, n // 2000, replace=False):
        out[j] = out[j][: len(out[j]) // 2]
    for j in rng.choice(n - 1, n // 200, replace=False):
        out[j + 1] = out[j]
    return out


def input_file(events: int, seed: int = 1, regenerate: bool = False) -> Path:
    """The cached JSONL input (generated streaming, block by block)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ingest-{events}-s{seed}.jsonl"
    if path.exists() and not regenerate:
        return path
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    t0 = time.perf_counter()
    with open(tmp, "w", encoding="utf-8", buffering=1 << 22) as fh:
        for first in range(0, events, BLOCK):
            fh.write("\n".join(_lines(rng, min(BLOCK, events - first), first)))
            fh.write("\n")
    os.replace(tmp, path)
    print(f"generated {path} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return path


def run_ingest(path: Path, lake: Path, extra: list[str]) -> dict[str, Any]:
    shutil.rmtree(lake, ignore_errors=True)
    cmd = [str(ROOT / ".venv" / "bin" / "journeylab"), "ingest", str(path), "--lake", str(lake)]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([*cmd, "--json", *extra], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report: dict[str, Any] = json.loads(out.stdout)
    report["wall_seconds"] = round(wall, 2)
    report["cpu_seconds"] = round(
        (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2
    )
    report["peak_rss_mb"] = round(after.ru_maxrss / 1024)
    report["events_per_second"] = round(report["records"] / wall)
    report["input_mb"] = round(path.stat().st_size / 1e6)
    report["lake_mb"] = round(sum(f.stat().st_size for f in lake.rglob("*.parquet")) / 1e6, 1)
    return report


def row_group_bytes(lake: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """Row groups (and their compressed bytes) whose `name` statistics can hold ``names``."""
    files = sorted((lake / "events").glob("*.parquet"))
    total = needed = groups = hit_groups = rows = 0
    for f in files:
        meta = pq.ParquetFile(f).metadata
        col = meta.schema.names.index("name")
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            size = sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
            stats = rg.column(col).statistics
            total += size
            groups += 1
            rows += rg.num_rows
            if stats is None or any(stats.min <= n <= stats.max for n in names):
                needed += size
                hit_groups += 1
    return {
        "files": len(files),
        "row_groups": groups,
        "row_groups_read": hit_groups,
        "bytes_total": total,
        "bytes_read": needed,
        "bytes_share": round(needed / total, 3) if total else None,
    }


def duckdb_scan(lake: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """DuckDB's own profile of a funnel-shaped scan vs a full scan (rows read, bytes read)."""
    glob = str(lake / "events" / "*.parquet")
    out: dict[str, Any] = {}
    con = duckdb.connect()
    con.execute("SET threads = 2")
    queries = {
        "funnel": "select count(*), count(distinct user_id), max(event_at) "
        "from read_parquet($g) where name in ($a, $b, $c)",
        "whole": "select count(*), count(distinct user_id), max(event_at) from read_parquet($g)",
    }
    for label, sql in queries.items():
        prof = CACHE / f"profile-{label}.json"
        con.execute("PRAGMA enable_profiling='json'")
        con.execute("SET profiling_output = $p", {"p": str(prof)})
        con.execute("SET profiling_mode='detailed'")
        t0 = time.perf_counter()
        params = {"g": glob, "a": names[0], "b": names[1], "c": names[2]}
        rel = con.execute(sql, {k: v for k, v in params.items() if "$" + k in sql})
        rows, users, _ = rel.fetchall()[0]
        seconds = time.perf_counter() - t0
        con.execute("PRAGMA disable_profiling")
        tree = json.loads(prof.read_text())
        query, io = tree.get("query", {}), tree.get("io", {})
        out[label] = {
            "rows_returned": rows,
            "users": users,
            "seconds": round(seconds, 3),
            "rows_scanned": query.get("total_rows_scanned"),
            "row_groups_scanned": query.get("total_row_groups_scanned"),
            "row_groups_to_scan": query.get("total_row_groups_to_scan"),
            "bytes_scanned": query.get("total_bytes_scanned"),
            "io_bytes_read": io.get("total_bytes_read"),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true", help="measure the existing lake")
    parser.add_argument("--compact", action="store_true", help="also measure after compaction")
    args = parser.parse_args()
    path = input_file(args.events, args.seed, args.regenerate)
    lake = CACHE / f"ingest-lake-{args.events}"
    result: dict[str, Any] = {"input": str(path)}
    if not args.skip_ingest:
        result["ingest"] = run_ingest(path, lake, [])
        print(json.dumps(result["ingest"]), file=sys.stderr, flush=True)
    result["funnel_row_groups"] = row_group_bytes(lake, FUNNEL)
    result["duckdb"] = duckdb_scan(lake, FUNNEL)
    if args.compact:
        t0 = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "journeylab"), "compact", "--lake", str(lake)],
            check=True,
            capture_output=True,
        )
        result["compact_seconds"] = round(time.perf_counter() - t0, 1)
        result["compacted_funnel_row_groups"] = row_group_bytes(lake, FUNNEL)
        result["compacted_duckdb"] = duckdb_scan(lake, FUNNEL)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
