"""Ingest: readers → one vectorised validation pass → de-duplication, lake order, write.

Every input, whatever its format, goes the same way: its reader yields wire batches of
about ``chunk_rows`` records (:mod:`.readers`), :class:`~.validate.Checker` validates each
one (the rules of :mod:`.rules`, the Validator for what they flag), and the lake commits it
(:class:`~journeylab.lake.commit.Committer`: first wins by event id, ``user_key``, lake
order, one events file and one rejected file by rename). Three threads share the work:
while chunk N is committed (what needs the lake: its ids known, its users' keys checked,
the write), chunk N+1 is validated and then prepared (its ids hashed and de-duplicated,
taken in lake order, user keys, its ids searched in the lake's files past the ids budget:
:meth:`~journeylab.lake.commit.Committer.prepare`). The ingest holds
the lake's writer lock: writers queue; readers never wait (docs/lake.md). Its Arrow buffers
come from the system allocator unless the options say otherwise
(:mod:`journeylab.arrow_pool`).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from journeylab.arrow_pool import arrow_pool
from journeylab.engine import Engine
from journeylab.errors import InputError
from journeylab.ingest.importers import check_timezone
from journeylab.ingest.json_readers import record_batches
from journeylab.ingest.options import IngestOptions
from journeylab.ingest.preflight import preflight
from journeylab.ingest.readers import detect_format, read_batches
from journeylab.ingest.report import IngestReport, Tally
from journeylab.ingest.validate import Checker, Validated
from journeylab.ingest.wire import WireBatch
from journeylab.lake.commit import Committed, Committer
from journeylab.lake.failpoints import failpoint
from journeylab.lake.layout import Layout
from journeylab.times import to_us

__all__ = ["check_inputs", "ingest_paths", "ingest_records"]

PROGRESS_MIN_BYTES = 32 * 1024 * 1024


def _utc_us(moment: datetime | None) -> int:
    moment = moment or datetime.now(UTC)
    return to_us(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def ingest_paths(
    layout: Layout,
    engine: Engine,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    received_at: datetime | None = None,
    options: IngestOptions | None = None,
) -> IngestReport:
    """Land files in the lake (see :meth:`journeylab.Lake.ingest`)."""
    started = time.perf_counter()
    options = options or IngestOptions()
    sources, formats = check_inputs(paths, fmt, options)
    recv_us = _utc_us(received_at)
    total = sum(p.stat().st_size for p in sources)
    show = options.progress
    if show is None:
        show = total >= PROGRESS_MIN_BYTES and sys.stderr.isatty()
    with _progress(show, total) as on_bytes:
        batches = (
            batch
            for path, form in zip(sources, formats, strict=True)
            for batch in read_batches(
                path, form, recv_us, options.chunk_rows, on_bytes, options.timezone
            )
        )
        tally = land(layout, engine, batches, options)
    return tally.report(tuple(str(p) for p in sources), time.perf_counter() - started)


def check_inputs(
    paths: Iterable[str | Path], fmt: str | None, options: IngestOptions
) -> tuple[list[Path], list[str]]:
    """The inputs and their formats, every one checked whole before the first row is read
    (:mod:`.preflight`), with the options that depend on the formats: an
    :class:`~journeylab.errors.InputError` names the first that is refused. The CLI calls
    it before it creates a lake, so a refused input leaves no empty lake behind."""
    sources = [Path(p) for p in paths]
    for p in sources:
        preflight(p, fmt)
    formats = [detect_format(p, fmt) for p in sources]
    check_timezone(formats, options.timezone)
    return sources, formats


def ingest_records(
    layout: Layout,
    engine: Engine,
    records: Sequence[Any],
    received_at: datetime | Sequence[datetime] | None = None,
    source: str = "records",
    options: IngestOptions | None = None,
) -> IngestReport:
    """Land in-memory records (Events API objects, e.g. the body of HTTP requests), each
    with its own receive time when ``received_at`` is a sequence (see
    :meth:`journeylab.Lake.ingest_records`)."""
    started = time.perf_counter()
    options = options or IngestOptions()
    if received_at is None or isinstance(received_at, datetime):
        recv: int | np.ndarray = _utc_us(received_at)
    else:
        if len(received_at) != len(records):
            raise InputError(
                f"Invalid value for received_at: {len(received_at)} times for "
                f"{len(records)} records. Pass one time, or one per record."
            )
        recv = np.array([_utc_us(r) for r in received_at], np.int64)
    batches = record_batches(records, source, recv, options.chunk_rows)
    tally = land(layout, engine, batches, options)
    return tally.report((source,), time.perf_counter() - started)


def land(
    layout: Layout, engine: Engine, batches: Iterable[WireBatch], options: IngestOptions
) -> Tally:
    """Validate and commit ``batches`` under the lake's writer lock, Arrow allocating from
    the options' pool; the tally of it all."""
    tally = Tally()
    with (
        arrow_pool(options.memory_pool),
        engine.scratch(options.threads, options.memory_limit) as con,
        layout.locked(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="jl-commit") as pool,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="jl-prepare") as preparing,
    ):
        failpoint("ingest.locked")
        layout.check_ingest_version()
        checker = Checker(con)
        # the other threads have connections of their own
        committer = Committer(layout, con.cursor(), options.ids_memory, con.cursor())
        pending: Future[Committed] | None = None
        try:
            for batch in batches:
                done = checker.validate(batch)
                del batch  # its wire columns are freed before the next batch is read
                _count(tally, done)
                if options.strict and done.rejects:
                    raise _strict_error(done)
                # prepared (hashed, de-duplicated, taken in lake order, searched in the
                # lake's files past the ids budget) while the chunk before commits
                ready = preparing.submit(committer.prepare, done.events, done.land, done.order)
                if pending is not None:
                    _add(tally, pending.result())
                pending = pool.submit(committer.finish, ready, done.source, done.rejects)
        finally:
            try:
                if pending is not None:
                    _add(tally, pending.result())
            finally:
                committer.close()
    return tally


def _count(tally: Tally, done: Validated) -> None:
    tally.records += done.records
    tally.naive += done.naive
    tally.unknown += done.unknown
    tally.unknown_names.update(done.unknown_names)
    for no, _, reason, detail, _ in done.rejects:
        tally.reasons[reason] += 1
        tally.examples.setdefault(reason, (done.source, no, detail))


def _add(tally: Tally, done: Committed) -> None:
    tally.accepted += done.accepted
    tally.duplicates += done.duplicates
    tally.files += done.files
    if done.first is not None and done.last is not None:
        tally.first = done.first if tally.first is None else min(tally.first, done.first)
        tally.last = done.last if tally.last is None else max(tally.last, done.last)


def _strict_error(done: Validated) -> InputError:
    no, raw, reason, detail, _ = done.rejects[0]
    return InputError(
        f"Invalid record {no} of {done.source!r}: {reason} ({detail}); raw text "
        f"{raw[:120]!r}. Strict ingest stops at the first rejected record; chunks "
        "committed before it stay in the lake. Fix the input and run the ingest again "
        "(landed events count as duplicates), or ingest without strict to quarantine it."
    )


@contextlib.contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[int], None]]:
    if not show:
        yield lambda n: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        *Progress.get_default_columns()[:1],
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=total)
        yield lambda n: bar.advance(task, n)
