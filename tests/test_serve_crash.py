"""Crash safety of the endpoint: the server runs as its own process, a load generator in
another sends batches on loopback, the server is SIGKILLed several times (at random
moments, and at the two stages where a kill matters most: after the fsync before the
reply, and after the lake commit before the checkpoint moved) and restarted; in the end
every acknowledged event is in the lake exactly once, and nothing else is."""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeylab import open_lake
from serve_helpers import get_json, wait_landed
from serve_load import events

CLI = [sys.executable, "-c", "from journeylab.cli import main; main()"]
HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(lake: Path, port: int, failpoint: str | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("JOURNEYLAB_FAILPOINT", None)
    if failpoint:
        env["JOURNEYLAB_FAILPOINT"] = failpoint
    cmd = [*CLI, "serve", "--lake", str(lake), "--port", str(port)]
    cmd += ["--flush-seconds", "0.2", "--flush-events", "1500"]
    with open(lake.parent / "server.log", "ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if failpoint:  # killed itself already (the stage came at once): fine
                return proc
            raise AssertionError((lake.parent / "server.log").read_text())
        try:
            if get_json(url, "/healthz")[0] in (200, 503):
                return proc
        except (OSError, http.client.HTTPException):
            # not listening yet, or killed by its failpoint while it answered (the reply
            # cut short: IncompleteRead); the next round sees which
            time.sleep(0.05)
    raise AssertionError("the server did not start")


def _run(tmp_path: Path, total: int, kills: list[str | None], seed: int) -> None:
    rng = random.Random(seed)
    lake, acked = tmp_path / "lake", tmp_path / "acked.txt"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    server = _start(lake, port)
    load = subprocess.Popen(
        [sys.executable, str(HERE / "serve_load.py"), url, str(total), "100", str(acked)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for k, stage in enumerate(kills):
            # spread the kills over the load: each once a share of it is acknowledged
            _wait_acked(acked, (k + 1) * total // (len(kills) + 2), load)
            if stage is None:  # a random moment
                time.sleep(rng.uniform(0.0, 0.3))
                server.send_signal(signal.SIGKILL)
            else:  # the next server kills itself at that stage
                server.send_signal(signal.SIGKILL)
                server.wait()
                server = _start(lake, port, stage)
                deadline = time.monotonic() + 60
                while server.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert server.returncode == -signal.SIGKILL, f"{stage} was not reached"
            server.wait()
            server = _start(lake, port)
        assert load.wait(timeout=600) == 0
        wait_landed(url, timeout=120)
    finally:
        load.kill()
        load.wait()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    acknowledged = set(acked.read_text().split())
    lk = open_lake(lake, create=False)
    ids = lk.execute(lk.events().select("event_id"))["event_id"].to_list()
    assert len(ids) == len(set(ids)), "an event landed twice"
    assert acknowledged <= set(ids), f"{len(acknowledged - set(ids))} acknowledged, not landed"
    sent = _expected_ids(lk, total)
    assert set(ids) <= sent and len(set(ids)) == len(sent)


def _wait_acked(acked: Path, events: int, load: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if acked.exists() and len(acked.read_text().split()) >= events:
            return
        assert load.poll() is None, "the load ended before the kills"
        time.sleep(0.02)
    raise AssertionError(f"{events} events were not acknowledged in time")


def _expected_ids(lake: object, total: int) -> set[str]:
    """The ids of every event the generator sends (derived ones as file ingest derives)."""
    import msgspec

    from journeylab.serve.batch import validate

    members = [msgspec.json.encode(e) for e in events(total)]
    return set(validate(members, "expected", 0).event_id)


def test_kills_at_the_critical_stages_and_at_random(tmp_path: Path) -> None:
    _run(tmp_path, 2000, ["serve.synced", None, "serve.flush-landed"], seed=1)


@pytest.mark.slow
def test_50k_events_with_many_kills(tmp_path: Path) -> None:
    kills: list[str | None] = [None] * 8
    kills[2], kills[5] = "serve.synced", "serve.flush-landed"
    _run(tmp_path, 50_000, kills, seed=2)
