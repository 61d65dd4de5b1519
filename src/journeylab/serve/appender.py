"""Group commit: requests wait while one thread appends and fsyncs their frames together.

A request hands its encoded entry to :meth:`Appender.submit` and is answered when the
returned future resolves — after the fsync that covers its frame. While one group is being
synced, the next requests queue, and go in the next group: one fsync for all of them.
After a failed write or fsync the appender stops for good (what reached the disk is no
longer known): every later request is refused with 503 until the server is restarted,
which replays the log as it is on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future

from journeylab.lake.failpoints import failpoint
from journeylab.serve.log import EventLog, Position

__all__ = ["Appender", "LogFailed"]

#: at most this many bytes of frames in one write
GROUP_BYTES = 8 * 1024 * 1024


class LogFailed(Exception):
    """The log could not be written; the server no longer accepts events."""


#: who waits for a frame: a thread (a concurrent Future) or a coroutine (an asyncio Future)
Waiter = Future[Position] | asyncio.Future[Position]
_Item = tuple[bytes, int, Waiter]


class Appender:
    """The one thread that writes the log."""

    def __init__(self, log: EventLog, on_durable: Callable[[Position, int], None]) -> None:
        self.log = log
        self.on_durable = on_durable  # (new end, events in the group): wakes the flusher
        self._cond = threading.Condition()
        self._queue: deque[_Item] = deque()
        self._stopping = False
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="jl-log", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join()

    def submit(self, payload: bytes, events: int) -> Future[Position]:
        """Queue a frame; the future resolves once it is durable."""
        fut: Future[Position] = Future()
        self._enqueue((payload, events, fut))
        return fut

    def submit_async(self, payload: bytes, events: int) -> asyncio.Future[Position]:
        """:meth:`submit` for a coroutine on the running loop (one wake-up of the loop per
        group, however many requests it answers)."""
        fut: asyncio.Future[Position] = asyncio.get_running_loop().create_future()
        self._enqueue((payload, events, fut))
        return fut

    def _enqueue(self, item: _Item) -> None:
        with self._cond:
            if self.failure is None and not self._stopping:
                self._queue.append(item)
                self._cond.notify()
                return
        _settle([item], None, LogFailed(self.failure or "the server is stopping"))

    def _take(self) -> list[_Item]:
        with self._cond:
            while not self._queue and not self._stopping:
                self._cond.wait()
            group: list[_Item] = []
            size = 0
            while self._queue and (not group or size + len(self._queue[0][0]) <= GROUP_BYTES):
                item = self._queue.popleft()
                group.append(item)
                size += len(item[0])
            return group

    def _run(self) -> None:
        while True:
            group = self._take()
            if not group:
                return  # stopping, and nothing left
            try:
                end = self.log.append([payload for payload, _, _ in group])
            except OSError as exc:
                self._fail(group, f"the log could not be written: {exc}")
                continue
            failpoint("serve.synced")  # durable, not yet acknowledged
            self.on_durable(end, sum(n for _, n, _ in group))
            _settle(group, end, None)

    def _fail(self, group: list[_Item], why: str) -> None:
        with self._cond:
            self.failure = why
            waiting, self._queue = list(self._queue), deque()
        _settle(group + waiting, None, LogFailed(why))


def _settle(items: list[_Item], end: Position | None, error: BaseException | None) -> None:
    """Resolve the waiters of ``items``: threads' futures here, coroutines' on their loop
    (one call a loop)."""
    loops: dict[asyncio.AbstractEventLoop, list[asyncio.Future[Position]]] = {}
    for _, _, waiter in items:
        if isinstance(waiter, asyncio.Future):
            loops.setdefault(waiter.get_loop(), []).append(waiter)
        elif error is not None:
            waiter.set_exception(error)
        else:
            waiter.set_result(end)  # type: ignore[arg-type]
    for loop, futures in loops.items():
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
            loop.call_soon_threadsafe(_settle_on_loop, futures, end, error)


def _settle_on_loop(
    futures: list[asyncio.Future[Position]], end: Position | None, error: BaseException | None
) -> None:
    for fut in futures:
        if fut.done():  # cancelled: the client went away
            continue
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(end)  # type: ignore[arg-type]
