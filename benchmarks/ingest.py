"""Ingest benchmark: `journeylab ingest` per format against DuckDB's own reader, and the
memory of `journeylab compact` on a lake built by many ingests.

Run by hand (never in tests), on an otherwise quiet machine if you can:

    nice -n 10 .venv/bin/python benchmarks/ingest.py [--events 10000000] [--formats jsonl,parquet,csv] [--repeat 3]
    nice -n 10 .venv/bin/python benchmarks/ingest.py --compact --lake-events 100000000 --ingests 20

Inputs are generated once (deterministic by seed) and cached under ``benchmarks/.cache/``:
a JSON lines export (10 event names, skewed users, millisecond times with offsets, data on
60% of events, eventId on half, 0.05% malformed lines, 0.5% re-sends) and the same events
as CSV and as Parquet (``eventAt`` a UTC timestamp, ``data`` JSON text), converted by
DuckDB. ``--nested`` gives page views a ``page`` object and purchases an ``items`` array of
objects in their data (the shape of Segment's properties), a file of its own. Each run is
a fresh process: wall and CPU seconds, peak RSS (wait4). The floor is DuckDB's
``read_json`` → Parquet of the same JSON lines file (no validation, no de-duplication, no
order), in the same run. Beside each format, ``duckdb_alone_FORMAT`` (unless
``--no-duckdb-alone``) is DuckDB alone reading that file and doing what one statement of
an ingest's work can (derived ids, data checked and minified; no order, no
de-duplication): a ceiling for the CLI on the same machine. Numbers go to
docs/performance.md ("Ingest").
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

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import description  # noqa: E402

CACHE = Path(os.environ.get("JOURNEYLAB_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
ROOT = Path(__file__).resolve().parents[1]
#: prepended to the code a measured process runs: at exit it writes its own peak RSS (VmHWM
#: of its address space, made at exec) on stderr. wait4's ru_maxrss is not used: it also
#: counts the pages the child shared with this (large) process between fork and exec.
_PEAK = "jl-bench-peak-kb:"
_REPORT_PEAK = (
    "import atexit, sys\n"
    "def _jl_peak():\n"
    "    with open('/proc/self/status') as fh:\n"
    "        kb = [ln.split()[1] for ln in fh if ln.startswith('VmHWM:')][0]\n"
    f"    sys.stderr.write('\\n{_PEAK} ' + kb + '\\n')\n"
    "atexit.register(_jl_peak)\n"
)
#: the CLI in a fresh process, with this interpreter (a checkout's venv or a worktree's)
CLI = [sys.executable, "-c", _REPORT_PEAK + "from journeylab.cli import main; main()"]
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


def _lines(rng: np.random.Generator, n: int, first: int, nested: bool = False) -> list[str]:
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
        if name == "page_view" and nested:
            data = (
                f'{{"page":{{"path":"/p/{page[i]}","title":"Product {page[i]}"}},"ref":"search"}}'
            )
        elif name == "page_view":
            data = f'{{"path":"/p/{page[i]}","referrer":"search","title":"Product {page[i]}"}}'
        elif name == "purchase" and nested:
            item = f'{{"sku":"SKU-{page[i]}","qty":{1 + page[i] % 4},"price":{amount[i]}}}'
            data = f'{{"amount":{amount[i]},"currency":"EUR","items":[{item}]}}'
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


def input_file(events: int, seed: int = 1, regenerate: bool = False, nested: bool = False) -> Path:
    """The cached JSONL input (generated streaming, block by block)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"ingest-{events}-s{seed}{'-nested' if nested else ''}.jsonl"
    if path.exists() and not regenerate:
        return path
    rng = np.random.default_rng(seed)
    tmp = path.with_suffix(".tmp")
    t0 = time.perf_counter()
    with open(tmp, "w", encoding="utf-8", buffering=1 << 22) as fh:
        for first in range(0, events, BLOCK):
            fh.write("\n".join(_lines(rng, min(BLOCK, events - first), first, nested)))
            fh.write("\n")
    os.replace(tmp, path)
    print(f"generated {path} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return path


_EXPORT = {
    "parquet": (
        "COPY (SELECT userId, name, CAST(eventAt AS TIMESTAMPTZ) AS eventAt, data::VARCHAR "
        "AS data, eventId FROM read_json($src, format='newline_delimited', ignore_errors=true, "
        "columns={userId: 'VARCHAR', name: 'VARCHAR', eventAt: 'VARCHAR', data: 'JSON', "
        "eventId: 'VARCHAR'}) WHERE userId IS NOT NULL) TO '{dst}' (FORMAT parquet, "
        "COMPRESSION zstd)"
    ),
    "csv": (
        "COPY (SELECT userId, name, eventAt, eventId, data::VARCHAR AS data FROM "
        "read_json($src, format='newline_delimited', ignore_errors=true, columns={userId: "
        "'VARCHAR', name: 'VARCHAR', eventAt: 'VARCHAR', data: 'JSON', eventId: 'VARCHAR'}) "
        "WHERE userId IS NOT NULL) TO '{dst}' (FORMAT csv, HEADER true)"
    ),
}


def same_events(jsonl: Path, fmt: str) -> Path:
    """The events of ``jsonl`` as another format (converted once by DuckDB, cached)."""
    import duckdb

    if fmt == "jsonl":
        return jsonl
    path = jsonl.with_suffix("." + fmt)
    if not path.exists():
        tmp = path.with_name(path.stem + ".tmp." + fmt)
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        con.execute(_EXPORT[fmt].replace("{dst}", str(tmp)), {"src": str(jsonl)})
        os.replace(tmp, path)
    return path


def measured(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` in a fresh process: its stdout, wall and CPU seconds (wait4 on that one
    child) and peak RSS (its own report, :data:`_REPORT_PEAK`)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd} failed: {err.decode()[-2000:]}")
    return {
        "stdout": out.decode(),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": _peak_mb(err.decode(errors="replace")),
    }


def _peak_mb(stderr: str) -> int:
    """The peak RSS a process reported (see :data:`_REPORT_PEAK`), in MB."""
    kb = [ln.split()[1] for ln in stderr.splitlines() if ln.startswith(_PEAK)]
    if not kb:
        raise RuntimeError(f"no peak RSS reported: {stderr[-2000:]}")
    return round(int(kb[-1]) / 1024)


#: a COPY statement (``$src`` the input, ``{dst}`` the output) run by DuckDB alone in a
#: fresh process, with its own default threads and memory limit
_DUCKDB_RUN = (
    "import duckdb, sys; con = duckdb.connect(); con.execute(\"SET TimeZone = 'UTC'\"); "
    "con.execute(sys.argv[1], {'src': sys.argv[2]}).fetchall()"
)
_FLOOR = (
    "COPY (SELECT * FROM read_json($src, format='newline_delimited', ignore_errors=true)) "
    "TO '{dst}' (FORMAT parquet, COMPRESSION zstd)"
)


def duckdb_copy(sql: str, src: Path, events: int, out: Path) -> dict[str, Any]:
    """``sql`` (a COPY to ``{dst}``) on ``src`` by DuckDB alone, timed as the CLI is;
    ``events`` gives its events/s. Its output is deleted."""
    cmd = [sys.executable, "-c", _REPORT_PEAK + _DUCKDB_RUN, sql.replace("{dst}", str(out))]
    got = measured([*cmd, str(src)])
    got.pop("stdout")
    got["events_per_second"] = round(events / got["wall_seconds"])
    out.unlink(missing_ok=True)
    return got


def floor(jsonl: Path, events: int) -> dict[str, Any]:
    """DuckDB's own read_json → Parquet of the same file: the floor to compare with."""
    return duckdb_copy(_FLOOR, jsonl, events, CACHE / "floor.parquet")


#: each format read by DuckDB as text columns (what the lake's rules start from)
_READ = {
    "jsonl": (
        "read_json($src, format='newline_delimited', ignore_errors=true, columns={userId: "
        "'VARCHAR', name: 'VARCHAR', eventAt: 'VARCHAR', data: 'VARCHAR', eventId: 'VARCHAR'})"
    ),
    "parquet": "read_parquet($src)",
    "csv": (
        "read_csv($src, header=true, ignore_errors=true, columns={userId: 'VARCHAR', name: "
        "'VARCHAR', eventAt: 'VARCHAR', eventId: 'VARCHAR', data: 'VARCHAR'})"
    ),
}
#: DuckDB alone doing the part of an ingest one streaming statement can: the instant, data
#: checked and minified, the derived id (md5 of a JSON array like the lake's), zstd Parquet.
#: Not done: lake order (a sort: below), the other rules, de-duplication, the quarantine,
#: user keys, sidecars, the commit. A ceiling for the CLI on the same machine, not a floor.
#: (With ``ORDER BY name, user_id, event_at, event_id`` DuckDB took 2.5x the time and
#: 2 GB, docs/performance.md "Ingest".)
_DUCKDB_ALONE = (
    "COPY (WITH r AS (SELECT userId AS user_id, name, CAST(eventAt AS TIMESTAMPTZ) AS "
    "event_at, CASE WHEN json_valid(data) THEN json(data)::VARCHAR END AS data, eventId "
    "FROM {read} WHERE userId IS NOT NULL AND name IS NOT NULL AND (data IS NULL OR "
    "json_valid(data))) SELECT coalesce(eventId, md5(json_array(user_id, name, "
    "epoch_us(event_at), data)::VARCHAR)) AS event_id, user_id, name, event_at, data FROM r"
    ") TO '{dst}' (FORMAT parquet, COMPRESSION zstd)"
)


def duckdb_alone(path: Path, fmt: str, events: int) -> dict[str, Any]:
    """:data:`_DUCKDB_ALONE` on ``path`` (of format ``fmt``)."""
    sql = _DUCKDB_ALONE.replace("{read}", _READ[fmt])
    return duckdb_copy(sql, path, events, CACHE / "duckdb-alone.parquet")


def ingest(path: Path, lake: Path) -> dict[str, Any]:
    shutil.rmtree(lake, ignore_errors=True)
    got = measured([*CLI, "ingest", str(path), "--lake", str(lake), "--json"])
    report = json.loads(got.pop("stdout"))
    got["events_per_second"] = round(report["records"] / got["wall_seconds"])
    got["report"] = {k: report[k] for k in ("records", "accepted", "duplicates", "rejected")}
    got["input_mb"] = round(path.stat().st_size / 1e6)
    got["lake_mb"] = round(sum(f.stat().st_size for f in lake.rglob("*.parquet")) / 1e6, 1)
    return got


def formats_bench(args: argparse.Namespace) -> dict[str, Any]:
    """The floor, then each format, ``--repeat`` rounds in turn (so a slower spell of the
    machine touches all of them); each reports its median run by wall time, with the walls
    of every round, and JSON lines its ratio to the floor per round and of the medians."""
    jsonl = input_file(args.events, args.seed, args.regenerate, args.nested)
    formats = args.formats.split(",")
    runs: dict[str, list[dict[str, Any]]] = {"floor_read_json_to_parquet": []}
    for _ in range(args.repeat):
        runs["floor_read_json_to_parquet"].append(floor(jsonl, args.events))
        for fmt in formats:
            got = ingest(same_events(jsonl, fmt), CACHE / f"ingest-lake-{fmt}")
            runs.setdefault(fmt, []).append(got)
            print(json.dumps({fmt: got}), file=sys.stderr, flush=True)
            if args.duckdb_alone:
                records = got["report"]["records"]  # the rows the CLI read, as it counts
                alone = duckdb_alone(same_events(jsonl, fmt), fmt, records)
                runs.setdefault("duckdb_alone_" + fmt, []).append(alone)
                print(json.dumps({"duckdb_alone_" + fmt: alone}), file=sys.stderr, flush=True)
    out: dict[str, Any] = {}
    for name, rounds in runs.items():
        median = sorted(rounds, key=lambda r: r["wall_seconds"])[(len(rounds) - 1) // 2]
        out[name] = {**median, "walls": [r["wall_seconds"] for r in rounds]}
    if "jsonl" in runs:
        floors = runs["floor_read_json_to_parquet"]
        out["jsonl"]["ratio_to_floor"] = round(
            out["jsonl"]["events_per_second"]
            / out["floor_read_json_to_parquet"]["events_per_second"],
            3,
        )
        out["jsonl"]["ratios_per_round"] = [
            round(j["events_per_second"] / f["events_per_second"], 3)
            for j, f in zip(runs["jsonl"], floors, strict=True)
        ]
    return out


# -- compaction of a lake built by many ingests --------------------------------------------
def shuffled_chunk(rng: np.random.Generator, n: int, first: int, users: int) -> pa.Table:
    """``n`` events over the whole 90 days, in random time order (a time-shuffled chunk)."""
    names = np.array([name for name, _ in NAMES])
    probs = np.array([p for _, p in NAMES])
    name = names[rng.choice(len(names), n, p=probs / probs.sum())]
    user = (rng.pareto(1.2, n) * users / 60).astype(np.int64) % users
    at = (START + rng.integers(0, 90 * 86_400, n)) * 1_000_000 + rng.integers(0, 10**6, n)
    amount = rng.integers(100, 20_000, n)
    texts = np.char.add(np.char.add('{"amount":', amount.astype(str)), "}")
    data = np.full(n, None, dtype=object)  # null but for purchases and carts
    priced = np.isin(name, ["purchase", "add_to_cart"])
    data[priced] = texts[priced]
    ids = np.char.add("e", np.arange(first, first + n).astype(str))
    event_ids = np.full(n, None, dtype=object)  # half the events without an id
    given = rng.random(n) < 0.5
    event_ids[given] = ids[given]
    return pa.table(
        {
            "userId": pa.array(np.char.add("u", user.astype(str))),
            "name": pa.array(name),
            "eventAt": pa.array(at).cast(pa.timestamp("us", tz="UTC")),
            "data": pa.array(data, pa.string()),
            "eventId": pa.array(event_ids, pa.string()),
        }
    )


def compact_bench(total: int, ingests: int, seed: int, memory: str | None) -> dict[str, Any]:
    folder = CACHE / f"compact-{total}-{ingests}-s{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    per = total // ingests
    files = []
    for k in range(ingests):
        path = folder / f"chunk-{k:03d}.parquet"
        if not path.exists():
            pq.write_table(shuffled_chunk(rng, per, k * per, max(total // 40, 1)), path)
        files.append(path)
    lake = folder / "lake"
    shutil.rmtree(lake, ignore_errors=True)
    runs = []
    for path in files:
        got = measured([*CLI, "ingest", str(path), "--lake", str(lake), "--json"])
        got.pop("stdout")
        runs.append(got)
        print(json.dumps({"ingest": path.name, **got}), file=sys.stderr, flush=True)
    cmd = [*CLI, "compact", "--lake", str(lake)]
    if memory:
        cmd += ["--memory-limit", memory]
    got = measured(cmd)
    got.pop("stdout")
    return {
        "events": per * ingests,
        "ingests": ingests,
        "ingest_wall_seconds": [r["wall_seconds"] for r in runs],
        "ingest_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "compact": got,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default="jsonl,parquet,csv")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--nested", action="store_true", help="objects nested in data")
    parser.add_argument("--compact", action="store_true", help="only the compaction run")
    parser.add_argument("--lake-events", type=int, default=100_000_000)
    parser.add_argument("--ingests", type=int, default=20)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the floor and formats")
    parser.add_argument(
        "--duckdb-alone",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time DuckDB alone doing part of each ingest (ids and data, no order)",
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"load_average": os.getloadavg()}
    if args.compact:
        result["compact"] = compact_bench(
            args.lake_events, args.ingests, args.seed, args.memory_limit
        )
    else:
        result.update(formats_bench(args))
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
