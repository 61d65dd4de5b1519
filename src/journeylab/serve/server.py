"""``EventServer``: the lake, the log, the group commit and the flusher of one server, and
:func:`run`, which binds the socket and serves it with uvicorn.

Order of things: :meth:`EventServer.open` opens (or creates) the lake and takes the log
(cutting off a torn tail); :meth:`start` starts the flusher — which first lands what the
last run left in the log — and the appender; requests are served; :meth:`stop` (on
SIGINT or SIGTERM) answers what is queued, lands the whole log and releases it.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from journeylab.errors import InputError
from journeylab.lake import open_lake
from journeylab.serve.appender import Appender
from journeylab.serve.batch import Entry, parse_members, validate
from journeylab.serve.config import ServeConfig
from journeylab.serve.flusher import Flusher
from journeylab.serve.log import EventLog
from journeylab.serve.stats import Stats

__all__ = ["EventServer", "LOG_FOLDER", "bind", "run", "serving"]

#: the endpoint's log, inside the lake folder (docs/lake.md)
LOG_FOLDER = "_serve"


class EventServer:
    """Everything one server holds besides HTTP (see the module docstring)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.stats = Stats()
        self.lake: Any = None
        self.log: EventLog | None = None
        self.appender: Appender | None = None
        self.flusher: Flusher | None = None
        self.catalog_lock = threading.Lock()
        # request ids: this run's random prefix and a counter (unique across restarts)
        self._boot = uuid.uuid4().hex[:12]
        self._requests = 0

    def open(self) -> None:
        self.lake = open_lake(self.config.lake, create=True)
        with self.lake.layout.locked():  # a lake this version cannot write: say so now
            self.lake.layout.check_ingest_version()
        self.log = EventLog(self.lake.layout.root / LOG_FOLDER)
        self.log.open()

    def start(self) -> None:
        assert self.log is not None and self.lake is not None, "open() first"
        self.flusher = Flusher(
            self.lake.layout,
            self.lake.engine,
            self.log,
            self.stats,
            self.config.flush_events,
            self.config.flush_seconds,
        )
        self.appender = Appender(self.log, self.flusher.durable)
        self.flusher.start()
        self.appender.start()

    def stop(self) -> None:
        if self.appender is not None:
            self.appender.stop()
        if self.flusher is not None:
            self.flusher.stop()
        if self.log is not None:
            self.log.close()

    # -- one request ---------------------------------------------------------------------
    def receive(self, body: bytes) -> tuple[str, Entry]:
        """Validate a (decompressed) body: the request id and its log entry. Raises
        :class:`~.batch.BodyError` for a body refused whole."""
        received = to_us_now()
        members = parse_members(body, self.config.max_events)
        self._requests += 1
        request_id = f"{self._boot}-{self._requests}"
        return request_id, validate(members, f"http:{request_id}", received)

    async def commit(self, entry: Entry) -> None:
        """Return once ``entry`` is on disk (raises LogFailed when it cannot be)."""
        if not entry.event_id and not entry.rejects:
            return
        assert self.appender is not None
        await self.appender.submit_async(entry.encode(), len(entry.event_id))
        self.stats.accepted_entry(entry)

    def health(self) -> dict[str, Any]:
        failure = self.appender.failure if self.appender is not None else "not started"
        stats = self.stats.to_dict()
        return {
            "status": "ok" if failure is None else "failing",
            "problem": failure,
            "caught_up": self.flusher is not None and self.flusher.caught_up(),
            "pending": stats["pending"],
            "landed": stats["landed"],
            "flush_error": stats["flush_error"],
        }

    def event_names(self) -> dict[str, Any]:
        with self.catalog_lock:
            cat = self.lake.catalog()
        return {"names": cat.to_records(), "warnings": [w.message() for w in cat.warnings]}


def to_us_now() -> int:
    return time.time_ns() // 1000


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (IPv6 for an IPv6 address), or an InputError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, family, socket.SOCK_STREAM)
        # IPPROTO_TCP named: asyncio then sets TCP_NODELAY on each connection (with proto 0
        # it does not, and every reply waits ~40 ms for the client's delayed ACK)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(infos[0][4])
        sock.listen(2048)
    except (OSError, UnicodeError) as exc:
        raise InputError(
            f"Invalid value for --host/--port: cannot listen on {host}:{port} ({exc}). "
            "Pick a free port (--port) or another address."
        ) from None
    sock.set_inheritable(True)
    return sock


def run(config: ServeConfig, announce: bool = True) -> None:
    """Serve ``config`` until SIGINT or SIGTERM (then land the log and return)."""
    server, sock, uv = _prepare(config)
    if announce:
        print(
            f"journeylab serve: listening on {_url(sock)} (lake {server.lake.path}); "
            "Ctrl-C to stop",
            file=sys.stderr,
            flush=True,
        )
    uv.run(sockets=[sock])


@contextlib.contextmanager
def serving(config: ServeConfig) -> Iterator[str]:
    """Serve ``config`` on a background thread while the block runs; yields the base URL
    (``port=0`` picks a free port). On exit the server stops and lands its log."""
    server, sock, uv = _prepare(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not uv.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield _url(sock)
    finally:
        uv.should_exit = True
        thread.join()
        sock.close()


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def _prepare(config: ServeConfig) -> tuple[EventServer, socket.socket, Any]:
    import uvicorn

    from journeylab.serve.app import create_app

    server = EventServer(config)
    server.open()
    try:
        sock = bind(config.host, config.port)
    except InputError:
        server.stop()
        raise
    uv = _uvicorn_server(
        uvicorn.Config(
            create_app(server),
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
            timeout_graceful_shutdown=10,
        )
    )
    return server, sock, uv


def _uvicorn_server(config: Any) -> Any:
    """uvicorn's server, stopping on SIGINT/SIGTERM without re-raising the signal."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            sigs = (signal.SIGINT, signal.SIGTERM)
            old = {s: signal.signal(s, self.handle_exit) for s in sigs}
            try:
                yield
            finally:
                for s, handler in old.items():
                    signal.signal(s, handler)

    return Server(config)
