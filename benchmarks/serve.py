"""Endpoint benchmark: events acknowledged per second by `journeylab serve` on loopback, and
request latency, with the load generator on the same machine (its cores are shared).

Run by hand (never in tests), on an otherwise quiet machine if you can:

    nice -n 10 .venv/bin/python benchmarks/serve.py [--batched 200000] [--singles 20000]

The server is the CLI in a fresh process on a new lake (default flush settings). The load
generator is ``--clients`` processes of ``--conns`` threads, each thread with one keep-alive
connection, bodies encoded before the clock starts. Three runs:

- ``batched``: batches of ``--batch`` events (100) as fast as the server answers;
- ``singles``: one event a request, as fast as the server answers;
- ``paced``: one event a request at ``--rate`` events/s (1000) for ``--seconds``, each client
  on a fixed schedule; latency counts from the scheduled send time (a late send is not
  hidden), so p99 includes the queueing a slow reply causes.

Every acknowledged event is then checked in the lake (exactly once). Numbers go to
docs/performance.md ("Events endpoint"); the summary is printed last, as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import description  # noqa: E402

CLI = [sys.executable, "-c", "from journeylab.cli import main; main()"]
START = 1_735_689_600  # 2025-01-01T00:00:00Z
NAMES = ("page_view", "click", "signup", "add_to_cart", "purchase")


def _event(i: int, seed: int) -> dict[str, Any]:
    return {
        "userId": f"u{(i * 7919 + seed) % 50_000}",
        "name": NAMES[i % len(NAMES)],
        "eventAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(START + i)),
        "eventId": f"{seed}-{i}",
        "data": {"i": i, "plan": ("free", "pro")[i % 2], "amount": i % 97},
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(
    port: int,
    seed: int,
    events: int,
    batch: int,
    rate: float | None,
    conns: int,
    barrier: Any,
    out: Any,
) -> None:
    """One load process: ``conns`` threads, each with its own keep-alive connection,
    sending its share of the bodies (at ``rate`` bodies/s in all, on a fixed schedule)."""
    import threading

    bodies = []
    for lo in range(0, events, batch):
        chunk = [_event(i, seed) for i in range(lo, min(lo + batch, events))]
        doc: Any = chunk[0] if batch == 1 else {"events": chunk}
        bodies.append(json.dumps(doc).encode())
    latencies: list[float] = []
    acked = [0]
    lock = threading.Lock()
    failures: list[str] = []

    def worker(j: int, began: float) -> None:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json"}
        mine, got = [], 0
        for k in range(j, len(bodies), conns):
            due = began + k / rate if rate else time.perf_counter()
            if rate:
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            con.request("POST", "/v1/events", bodies[k], headers)
            resp = con.getresponse()
            reply = resp.read()
            mine.append(time.perf_counter() - due)
            if resp.status != 200:
                failures.append(f"HTTP {resp.status}: {reply[:200]!r}")
                return
            got += len(json.loads(reply)["accepted"])
        with lock:
            latencies.extend(mine)
            acked[0] += got

    barrier.wait()
    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(j, began)) for j in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(failures[0])
    out.put((acked[0], time.perf_counter() - began, latencies))


def _load(
    port: int, run: int, clients: int, conns: int, events: int, batch: int, rate: float | None
) -> dict[str, Any]:
    barrier = mp.Barrier(clients + 1)
    out: Any = mp.Queue()
    share = events // clients
    procs = [
        mp.Process(
            target=_client,
            args=(port, run * 100 + c, share, batch, rate and rate / clients, conns, barrier, out),
        )
        for c in range(clients)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    started = time.perf_counter()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a client failed ({p.exitcode})")
    acked = sum(r[0] for r in results)
    lat = sorted(x for r in results for x in r[2])
    return {
        "events": acked,
        "requests": len(lat),
        "batch": batch,
        "connections": clients * conns,
        "seconds": round(wall, 3),
        "events_per_second": round(acked / wall),
        "p50_ms": round(1000 * lat[len(lat) // 2], 2),
        "p99_ms": round(1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
        "max_ms": round(1000 * lat[-1], 2),
    }


def _get(port: int, path: str) -> Any:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        con.request("GET", path)
        return json.loads(con.getresponse().read())
    finally:
        con.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=description(__doc__))
    ap.add_argument("--batched", type=int, default=200_000, help="events sent in batches")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--singles", type=int, default=20_000, help="events sent one a request")
    ap.add_argument("--rate", type=float, default=1000.0, help="paced events/s")
    ap.add_argument("--seconds", type=float, default=15.0, help="paced run length")
    ap.add_argument("--clients", type=int, default=2, help="load processes")
    ap.add_argument("--conns", type=int, default=8, help="connections per load process")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="jl-serve-bench-"))
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--lake", str(root / "lake"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    summary: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 1),
    }
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.05)
        cpu0 = _cpu_seconds(server.pid)
        summary["batched"] = _load(
            port, 1, args.clients, args.conns, args.batched, args.batch, None
        )
        cpu1 = _cpu_seconds(server.pid)
        summary["batched"]["server_cpu_seconds"] = round(cpu1 - cpu0, 2)
        summary["singles"] = _load(port, 2, args.clients, args.conns, args.singles, 1, None)
        cpu2 = _cpu_seconds(server.pid)
        summary["singles"]["server_cpu_seconds"] = round(cpu2 - cpu1, 2)
        paced = int(args.rate * args.seconds)
        summary["paced"] = _load(port, 3, args.clients, 4 * args.conns, paced, 1, args.rate)
        summary["paced"]["target_events_per_second"] = args.rate
        summary["paced"]["server_cpu_seconds"] = round(_cpu_seconds(server.pid) - cpu2, 2)
        deadline = time.monotonic() + 300
        while not _get(port, "/healthz")["caught_up"]:
            if time.monotonic() > deadline:
                raise SystemExit("the log did not land")
            time.sleep(0.1)
        for run in ("batched", "singles", "paced"):  # capacity, whatever the machine's load
            part = summary[run]
            part["events_per_server_cpu_second"] = round(
                part["events"] / max(part["server_cpu_seconds"], 1e-9)
            )
        summary["load_average_after"] = round(os.getloadavg()[0], 1)
    finally:
        server.terminate()
        server.wait(timeout=120)
    from journeylab import open_lake

    lake = open_lake(root / "lake")
    sent = sum(summary[k]["events"] for k in ("batched", "singles", "paced"))
    ids = lake.sql("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events").row(0)
    summary["lake"] = {"events": ids[0], "distinct": ids[1], "acknowledged": sent}
    summary["lake"]["exactly_once"] = ids[0] == ids[1] == sent
    summary["files"] = len(lake.layout.event_files())
    shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
