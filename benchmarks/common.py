"""Shared by the benchmarks: a cached 100M-event lake and per-engine measurement.

The benchmark lake is generated vectorised with numpy (deterministic by seed), one user
block at a time, and written through journeylab's layout conventions: each file sorted by
(name, user_id, event_at), 128k-row row groups, zstd. The same events are also written as
ONE Parquet file in time order (per user block), the way an export would look, for the
baselines (hand-written DuckDB SQL, ClickHouse/chdb).

Run by hand (never in tests), e.g. ``nice -n 10 .venv/bin/python benchmarks/common.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeylab.engine import Engine
from journeylab.lake.hashing import user_keys
from journeylab.lake.layout import EVENT_SCHEMA, EVENT_SCHEMA_V2, ROW_GROUP_ROWS, Layout
from journeylab.lake.userkeys import verify_user_keys

__all__ = ["BenchData", "bench_data", "measure", "FUNNEL_STEPS", "CACHE"]

CACHE = Path(__file__).resolve().parent / ".cache"
GENERATOR_VERSION = 2  # 2: the lake (format 3) carries user_key
DAY_US = 86_400 * 1_000_000
START_US = 1_735_689_600 * 1_000_000  # 2025-01-01T00:00:00Z
SPAN_DAYS = 90
FUNNEL_STEPS = ("signup", "view_item", "add_to_cart", "purchase")
NOISE = (
    ("page_view", 0.40),
    ("screen_view", 0.20),
    ("click", 0.15),
    ("scroll", 0.10),
    ("search", 0.06),
    ("app_open", 0.05),
    ("notification_open", 0.04),
)
CHANNELS = ("ads", "organic", "referral", "social", "email")
NOISE_PER_USER = 41.0
USERS_PER_BLOCK = 125_000


@dataclass(frozen=True)
class BenchData:
    lake: Path  # a journeylab lake folder
    single: Path  # one Parquet file with the same events (baselines)
    events: int
    users: int
    step_rows: int


def _block(rng: np.random.Generator, first_uid: int, users: int, first_eid: int) -> pa.Table:
    """One block of users' events (unsorted)."""
    uid = np.arange(first_uid, first_uid + users, dtype=np.int64)
    signup = START_US + rng.integers(0, SPAN_DAYS * DAY_US, users)
    end = START_US + (SPAN_DAYS + 30) * DAY_US

    parts_u: list[np.ndarray] = []
    parts_t: list[np.ndarray] = []
    parts_n: list[np.ndarray] = []

    def add(code: int | np.ndarray, counts: np.ndarray, offset_us: np.ndarray) -> None:
        idx = np.repeat(np.arange(users), counts)
        parts_u.append(uid[idx])
        parts_t.append(signup[idx] + offset_us[: idx.size])
        parts_n.append(np.broadcast_to(np.asarray(code, dtype=np.int8), idx.shape).copy())

    names = list(FUNNEL_STEPS) + [n for n, _ in NOISE]
    code = {n: i for i, n in enumerate(names)}
    # funnel steps (about 10% of rows): one signup each, then decreasing engagement
    add(code["signup"], np.ones(users, dtype=np.int64), np.zeros(users, dtype=np.int64))
    for name, share, mean, scale_days in (
        ("view_item", 0.85, 2.5, 3.0),
        ("add_to_cart", 0.50, 1.8, 5.0),
        ("purchase", 0.35, 2.0, 9.0),
    ):
        active = rng.random(users) < share
        counts = np.where(active, rng.poisson(mean, users), 0)
        n = int(counts.sum())
        add(code[name], counts, (rng.exponential(scale_days * DAY_US, n)).astype(np.int64) + 1)
    # noise: page views etc. from a day before signup to two months after
    counts = rng.poisson(NOISE_PER_USER, users)
    n = int(counts.sum())
    probs = np.array([p for _, p in NOISE])
    noise_codes = rng.choice(len(NOISE), n, p=probs / probs.sum()).astype(np.int8) + len(
        FUNNEL_STEPS
    )
    offset = rng.integers(-DAY_US, 60 * DAY_US, n)
    add(noise_codes, counts, offset)

    user = np.concatenate(parts_u)
    at = np.concatenate(parts_t)
    name = np.concatenate(parts_n)
    keep = at < end
    user, at, name = user[keep], at[keep], name[keep]
    rows = user.size

    # data: channel on signup, amount on purchase, NULL elsewhere (dictionary → string)
    dictionary = [json.dumps({"channel": c}, separators=(",", ":")) for c in CHANNELS] + [
        json.dumps({"amount": a}, separators=(",", ":")) for a in range(5, 105, 5)
    ]
    data_idx = np.full(rows, -1, dtype=np.int32)
    is_signup = name == code["signup"]
    data_idx[is_signup] = rng.integers(0, len(CHANNELS), int(is_signup.sum()))
    is_purchase = name == code["purchase"]
    data_idx[is_purchase] = len(CHANNELS) + rng.integers(0, 20, int(is_purchase.sum()))
    data = pa.DictionaryArray.from_arrays(
        pa.array(data_idx, mask=data_idx < 0), pa.array(dictionary)
    ).cast(pa.string())

    # name codes sorted alphabetically so that sorting by code == sorting by name
    order = sorted(range(len(names)), key=lambda i: names[i])
    rank = np.empty(len(names), dtype=np.int8)
    rank[order] = np.arange(len(names), dtype=np.int8)
    sorted_names = pa.array([names[i] for i in order])
    name_rank = rank[name]

    ts = pa.timestamp("us", tz="UTC")
    user_str = pc.binary_join_element_wise(
        "u", pc.utf8_lpad(pc.cast(pa.array(user), pa.string()), width=9, padding="0"), ""
    )
    event_id = pc.binary_join_element_wise(
        "e", pc.cast(pa.array(np.arange(first_eid, first_eid + rows)), pa.string()), ""
    )
    return pa.table(
        {
            "event_id": event_id,
            "user_id": user_str,
            "name": pa.DictionaryArray.from_arrays(pa.array(name_rank), sorted_names).cast(
                pa.string()
            ),
            "event_at": pa.array(at).cast(ts),
            "received_at": pa.array(at + rng.integers(0, 5_000_000, rows)).cast(ts),
            "data": data,
            "user_key": pa.array(user_keys(user_str), pa.int64()),
            "_name": pa.array(name_rank),
            "_user": pa.array(user),
            "_at": pa.array(at),
        }
    )


def generate(root: Path, users: int, seed: int) -> BenchData:
    """Write the lake and the single file under ``root`` (replacing what is there)."""
    import shutil

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    layout = Layout(root / "lake")
    single_path = root / "events.parquet"
    tmp_single = root / "events.parquet.tmp"
    rng = np.random.default_rng(seed)
    writer = pq.ParquetWriter(tmp_single, EVENT_SCHEMA_V2, compression="zstd")
    events = step_rows = 0
    t0 = time.perf_counter()
    for b, first in enumerate(range(0, users, USERS_PER_BLOCK)):
        block = _block(rng, first, min(USERS_PER_BLOCK, users - first), events)
        cols = [c for c in block.column_names if not c.startswith("_")]
        name = block["_name"].to_numpy()
        user = block["_user"].to_numpy()
        at = block["_at"].to_numpy()
        lake_order = np.lexsort((at, user, name))
        layout.write_parquet(
            block.select(cols).take(pa.array(lake_order)).cast(EVENT_SCHEMA),
            layout.events_dir,
            f"part-b{b:05d}",
        )
        writer.write_table(
            block.select(EVENT_SCHEMA_V2.names)
            .take(pa.array(np.argsort(at, kind="stable")))
            .cast(EVENT_SCHEMA_V2),
            row_group_size=ROW_GROUP_ROWS,
        )
        events += block.num_rows
        step_rows += int(pc.sum(pc.is_in(block["name"], pa.array(FUNNEL_STEPS))).as_py())
        print(
            f"block {b}: {events:,} events, {time.perf_counter() - t0:.0f}s",
            file=sys.stderr,
            flush=True,
        )
    writer.close()
    os.replace(tmp_single, single_path)
    exact = verify_user_keys(Engine.duckdb().local_duckdb(), layout)
    meta = {
        "version": GENERATOR_VERSION,
        "users": users,
        "seed": seed,
        "events": events,
        "step_rows": step_rows,
        "user_keys_exact": exact,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (root / "meta.json").write_text(json.dumps(meta, indent=1))
    return BenchData(root / "lake", single_path, events, users, step_rows)


def bench_data(users: int = 2_400_000, seed: int = 7, regenerate: bool = False) -> BenchData:
    """The cached benchmark data (about 50 events per user; 2.4M users → ~100M events)."""
    root = CACHE / f"lake-u{users}-s{seed}"
    meta_path = root / "meta.json"
    if not regenerate and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("version") == GENERATOR_VERSION:
            return BenchData(
                root / "lake", root / "events.parquet", meta["events"], users, meta["step_rows"]
            )
    return generate(root, users, seed)


# -- measurement ----------------------------------------------------------------------
def measure(script: Path, args: list[str], nice: int = 0) -> dict[str, Any]:
    """Run ``script args`` in a fresh subprocess; its JSON line on stdout plus peak RSS (MB).

    Peak RSS comes from wait4 on that one child (so each engine is measured alone); the
    child also reports its own max RSS, and the larger of the two is kept.
    """
    cmd = [sys.executable, str(script), *args]
    if nice:
        cmd = ["nice", "-n", str(nice), *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed with exit code {proc.returncode}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    rss_mb = max(usage.ru_maxrss, int(result.get("self_rss_kb", 0))) / 1024
    result["peak_rss_mb"] = round(rss_mb)
    # CPU seconds of the whole child (all threads): fairer than wall time on a busy machine
    result["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 2)
    return result


def self_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description="Build (once) the cached benchmark lake.")
    parser.add_argument("--users", type=int, default=2_400_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true")
    a = parser.parse_args()
    data = bench_data(a.users, a.seed, a.regenerate)
    print(json.dumps({k: str(v) for k, v in data.__dict__.items()}))


if __name__ == "__main__":
    main()
