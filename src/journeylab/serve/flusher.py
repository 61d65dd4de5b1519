"""Landing the log in the lake: batches of frames, committed as an ingest commits a chunk.

The flusher reads the frames after the checkpoint (up to the log's durable end), and
commits their events through the lake's :class:`~journeylab.lake.commit.Committer` under
the lake's writer lock — first occurrence of an event id wins, against the lake too, so
landing a frame twice (a crash after the commit, before the checkpoint moved) changes
nothing — then their rejections into the quarantine (known ``reject_id`` s skipped), then
moves the checkpoint. It runs once ``flush_events`` events wait or the oldest has waited
``flush_seconds``, at start (the replay of what the last run left), and at shutdown.
Between flushes the lake is free for other writers (file ingests, ``compact``): the
Committer, which holds the lake's ids, is rebuilt when the lake changed meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.engine import Engine
from journeylab.ingest.validate import events_table
from journeylab.lake.commit import Committer, rejects_table
from journeylab.lake.failpoints import failpoint
from journeylab.lake.layout import Layout
from journeylab.lake.seen import found_in_files
from journeylab.serve.batch import Entry, decode_entry
from journeylab.serve.log import EventLog, Position
from journeylab.serve.stats import Stats

__all__ = ["Flusher"]

#: at most this many events are committed together (one events file each)
FLUSH_MAX_EVENTS = 500_000
_RETRY_SECONDS = 1.0


class Flusher:
    """The thread that lands the log (one per server)."""

    def __init__(
        self,
        layout: Layout,
        engine: Engine,
        log: EventLog,
        stats: Stats,
        flush_events: int,
        flush_seconds: float,
    ) -> None:
        self.layout, self.engine, self.log, self.stats = layout, engine, log, stats
        self.flush_events, self.flush_seconds = flush_events, flush_seconds
        self._cond = threading.Condition()
        self._waiting = 0  # events durable, not landed (as counted by the appender)
        self._oldest: float | None = None  # when the oldest of them became durable
        self._end = log.end
        self._replay = log.checkpoint() < log.end  # the last run left frames to land
        self._stopping = False
        self._stack = contextlib.ExitStack()
        self._con: Any = None
        self._committer: Committer | None = None
        self._lake_state: tuple[Any, ...] | None = None
        self._thread = threading.Thread(target=self._run, name="jl-flush", daemon=True)

    def start(self) -> None:
        self._con = self._stack.enter_context(self.engine.scratch(threads=1))
        self._thread.start()

    def stop(self) -> None:
        """Land everything durable, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join()
        if self._committer is not None:
            self._committer.close()
        self._stack.close()

    def durable(self, end: Position, events: int) -> None:
        """The appender made frames durable up to ``end`` (``events`` more events)."""
        with self._cond:
            self._end = end
            self._waiting += events
            if self._oldest is None:  # the flusher's timer starts
                self._oldest = time.monotonic()
                self._cond.notify()
            elif self._waiting >= self.flush_events:
                self._cond.notify()

    def caught_up(self) -> bool:
        """Whether everything durable has landed."""
        with self._cond:
            return not self._replay and self._waiting == 0

    # -- the thread ----------------------------------------------------------------------
    def _due(self) -> bool:
        if self._replay or self._waiting >= self.flush_events:
            return True
        return self._oldest is not None and (
            self._stopping or time.monotonic() - self._oldest >= self.flush_seconds
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._due() and not self._stopping:
                    timeout = None
                    if self._oldest is not None:
                        timeout = self._oldest + self.flush_seconds - time.monotonic()
                    self._cond.wait(timeout)
                if not self._due():  # stopping, nothing waits
                    return
                stop, waiting = self._end, self._waiting
            try:
                self.flush(stop)
            except Exception as exc:  # keep serving; the log holds the events; retry
                self.stats.flush_error = f"{type(exc).__name__}: {exc}"
                if self._stopping:  # the log keeps them: the next start lands them
                    return
                time.sleep(_RETRY_SECONDS)
                continue
            with self._cond:
                self._replay = False
                self._waiting -= waiting
                self._oldest = time.monotonic() if self._waiting else None

    def flush(self, stop: Position) -> None:
        """Land the frames from the checkpoint up to ``stop``, in batches."""
        start = self.log.checkpoint()
        entries: list[Entry] = []
        count = 0
        for payload, after in self.log.read(start, stop):
            entry = decode_entry(payload)
            entries.append(entry)
            count += len(entry.event_id) + len(entry.rejects)
            if count >= FLUSH_MAX_EVENTS:
                self._land(entries, after)
                entries, count = [], 0
        if entries:
            self._land(entries, stop)
        elif start < stop:
            self.log.set_checkpoint(stop)

    def _land(self, entries: list[Entry], after: Position) -> None:
        events = _events(entries)
        n = events.num_rows
        with self.layout.locked():
            failpoint("serve.flush-locked")
            self.layout.check_ingest_version()
            accepted = 0
            if n:
                state = self._state()
                if self._committer is None or state != self._lake_state:
                    if self._committer is not None:
                        self._committer.close()
                    self._committer = Committer(self.layout, self._con)
                done = self._committer.commit("http", events, np.ones(n, bool), [])
                accepted = done.accepted
            self._land_rejects(entries)
            self._lake_state = self._state()
        failpoint("serve.flush-landed")  # in the lake; the checkpoint not yet moved
        self.log.set_checkpoint(after)
        self.stats.landed(n, accepted)

    def _state(self) -> tuple[Any, ...]:
        """What the Committer read of the lake: its files and whether user keys are exact."""
        return (tuple(self.layout.event_files()), self.layout.user_keys_exact())

    def _land_rejects(self, entries: list[Entry]) -> None:
        """All the rejections of ``entries`` as one quarantine file (those it holds already
        skipped); each keeps its request (``source``) and its member number (from 1)."""
        by_source: dict[str, list[tuple[int, str, str, str, int]]] = defaultdict(list)
        for e in entries:
            for index, raw, reason, detail in e.rejects:
                by_source[e.source].append((index + 1, raw, reason, detail, e.received_at))
        if not by_source:
            return
        table = pa.concat_tables([rejects_table(s, rows) for s, rows in by_source.items()])
        files = self.layout.rejected_files()
        known = found_in_files(self._con, files, table["reject_id"], "reject_id")
        if len(known):
            table = table.filter(pc.invert(pc.is_in(table["reject_id"], value_set=known)))
        if table.num_rows:
            self.layout.write_rejects(table, table["reject_id"][0].as_py().encode())


def _events(entries: list[Entry]) -> pa.Table:
    """The events of ``entries`` in log order (the EVENTS schema of the validation)."""
    columns: dict[str, list[Any]] = defaultdict(list)
    for e in entries:
        columns["event_id"] += e.event_id
        columns["user_id"] += e.user_id
        columns["name"] += e.name
        columns["event_at"] += e.event_at
        columns["received_at"] += [e.received_at] * len(e.event_id)
        columns["data"] += e.data
    for key in ("event_id", "user_id", "name", "event_at", "received_at", "data"):
        columns.setdefault(key, [])
    return events_table(columns)
