"""A real Spark Connect server for tests, started from the pyspark package on loopback.

pyspark (>= 4.0) ships the server (``jars/spark-connect_*.jar``); this runs it as its own
process with the package's ``bin/spark-submit`` and the class that Spark's
``sbin/start-connect-server.sh`` starts (``SparkConnectServer``), bound to 127.0.0.1 on a
free port. Clients reach it as ``sc://127.0.0.1:PORT``, exactly as they reach a cluster's.
Needs only Java 17 and the ``spark`` extra.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def require_spark() -> None:
    """Skip when pyspark or Java is missing; in CI (``CI`` set, as .ci/run runs) fail
    instead, so a machine without them cannot pass by skipping."""
    missing = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "pyspark is not installed (pip install -e '.[spark]')"
    if missing is None and shutil.which("java") is None:
        missing = "Spark needs Java (17) on PATH"
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Spark tests: {missing}", pytrace=False)
    pytest.skip(missing)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


@contextlib.contextmanager
def connect_server(timeout: float = 300.0, cores: int = 2) -> Iterator[str]:
    """Start a Spark Connect server (``local[cores]``) on 127.0.0.1; yield its
    ``sc://`` URL; stop it (its whole process group) on exit."""
    import pyspark

    home = Path(pyspark.__file__).parent
    port = _free_port()
    logdir = Path(tempfile.mkdtemp(prefix="journeylab-connect-"))
    cmd = [
        str(home / "bin" / "spark-submit"),
        "--class",
        SERVER_CLASS,
        "--master",
        f"local[{cores}]",
        "--conf",
        "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.session.timeZone=UTC",
        "--conf",
        f"spark.sql.shuffle.partitions={cores}",
        "--conf",
        "spark.sql.adaptive.enabled=false",
        "--conf",
        f"spark.sql.warehouse.dir={logdir / 'warehouse'}",
    ]
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1"}
    log = open(logdir / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=logdir
    )
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (logdir / "server.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the Spark Connect server did not start:\n{tail}")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        shutil.rmtree(logdir, ignore_errors=True)
