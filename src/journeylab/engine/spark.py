"""Spark sessions for :class:`journeylab.engine.Engine`: a local session (one JVM per
process, reused) or a Spark Connect client, their settings, and Hadoop-literal paths. Part
of the engine: nothing else opens a connection. pyspark is imported only when a session is
made."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from journeylab.errors import InputError, invalid

__all__ = [
    "connect",
    "hadoop_literal",
    "local_session",
    "pyspark_missing",
    "set_conf",
    "spark_conf",
]


def hadoop_literal(path: str) -> str:
    """Escape Hadoop glob characters so a file path is read literally by Spark."""
    return "".join("\\" + c if c in "\\{}[]*?" else c for c in path)


_LOG4J = Path(__file__).resolve().parent.parent / "spark-log4j2.properties"


def pyspark_missing(exc: ImportError, what: str = "pyspark") -> InputError:
    return InputError(
        f"Invalid value for engine: 'pyspark' needs {what}, which is not installed. "
        f"Install it with `pip install 'journeylab[spark]'` ({exc.name or exc})."
    )


def spark_conf(conf: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (conf or {}).items():
        if not isinstance(key, str) or not key.strip():
            raise invalid("spark conf", key, "a Spark setting name, e.g. 'spark.executor.memory'")
        out[key.strip()] = str(value)
    return out


def local_session(master: str, partitions: int, conf: Mapping[str, str]) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise pyspark_missing(exc) from None
    session = SparkSession.getActiveSession()  # reuse: one JVM per process
    if session is not None:
        for key, value in conf.items():
            set_conf(session, key, value)
        return session
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master)
        .appName("journeylab")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="journeylab-spark-"))
    )
    if "spark.driver.extraJavaOptions" not in conf:  # quiet: errors only (see the file)
        builder = builder.config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG4J.as_uri()}"
        )
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(remote: str) -> Any:
    """A new Spark Connect session to ``remote`` (``sc://host[:port][/;param=value...]``),
    after checking that something listens there (the client would otherwise retry for
    minutes before saying so)."""
    if not isinstance(remote, str):
        raise invalid("spark remote", remote, "a Spark Connect URL like 'sc://host:15002'")
    url = urlsplit(remote.strip())
    host, port = url.hostname, 15002
    try:
        port = url.port or port
    except ValueError:
        host = None
    if url.scheme != "sc" or not host:
        raise invalid(
            "spark remote",
            remote,
            "a Spark Connect URL like 'sc://host:15002'",
            "Start a Spark Connect server (Spark's sbin/start-connect-server.sh) and pass "
            "its address.",
        )
    try:
        with socket.create_connection((host, port), timeout=10):
            pass
    except OSError as exc:
        raise invalid(
            "spark remote",
            remote,
            None,
            f"No Spark Connect server answers at {host}:{port} ({exc.strerror or exc}). "
            "Check the host and port, and that the server is running.",
        ) from None
    try:
        from pyspark.sql.connect.session import SparkSession as ConnectSession
    except ImportError as exc:  # pragma: no cover - depends on extras
        raise pyspark_missing(exc, "pyspark[connect] (gRPC, pandas)") from None
    # the Connect builder itself: the classic one would switch the whole process to
    # Connect mode (SPARK_CONNECT_MODE_ENABLED), breaking local sessions in it
    return ConnectSession.builder.remote(remote.strip()).create()


def set_conf(session: Any, key: str, value: str) -> None:
    """Set one Spark setting; one that cannot change on a running session (a static
    setting) is an InputError naming it."""
    try:
        session.conf.set(key, value)
    except Exception as exc:  # pyspark raises several kinds (classic, Connect, Py4J)
        reason = " ".join(str(exc).split())[:300]
        raise invalid(
            "spark conf",
            f"{key}={value}",
            None,
            f"Spark refused it ({reason}). Static settings (spark.driver.*, "
            "spark.executor.*) belong to the cluster or to a new local session.",
        ) from None
