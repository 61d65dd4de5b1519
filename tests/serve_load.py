"""A load generator for the crash test, run as its own process:

    python serve_load.py URL EVENTS BATCH ACKED_FILE

Sends EVENTS events in batches of BATCH to ``URL/v1/events`` on one keep-alive
connection; after each 200 it appends the acknowledged ids to ACKED_FILE (flushed). When
the server is gone (killed) it retries the same batch until it answers again: a re-sent
batch is the same events, which the endpoint must land once.
"""

from __future__ import annotations

import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def events(n: int) -> list[dict[str, object]]:
    """Deterministic events: a third with an eventId, the others derived ids (distinct
    by their data), some without eventAt."""
    out: list[dict[str, object]] = []
    for i in range(n):
        rec: dict[str, object] = {"userId": f"u{i % 97}", "name": ("view", "signup", "buy")[i % 3]}
        if i % 3 == 0:
            rec["eventId"] = f"load-{i}"
        if i % 5:
            rec["eventAt"] = f"2025-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
        rec["data"] = {"i": i}
        out.append(rec)
    return out


def main() -> None:
    url, total, batch, acked_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    parts = urlsplit(url)
    todo = events(total)
    con: http.client.HTTPConnection | None = None
    with open(acked_path, "a", encoding="utf-8") as acked:
        for lo in range(0, total, batch):
            body = json.dumps({"events": todo[lo : lo + batch]}).encode()
            while True:
                try:
                    if con is None:
                        con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                    con.request("POST", "/v1/events", body, {"Content-Type": "application/json"})
                    resp = con.getresponse()
                    reply = resp.read()
                    if resp.status != 200:
                        raise OSError(f"HTTP {resp.status}: {reply[:200]!r}")
                    break
                except (OSError, http.client.HTTPException):
                    if con is not None:
                        con.close()
                    con = None
                    time.sleep(0.05)
            ids = json.loads(reply)["accepted"]
            acked.write("\n".join(ids) + "\n")
            acked.flush()
    print("done", flush=True)


if __name__ == "__main__":
    main()
