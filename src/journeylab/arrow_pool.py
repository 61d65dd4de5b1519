"""The Arrow memory pool an ingest allocates from.

An ingest allocates and frees about a gigabyte of Arrow buffers a chunk (cells, casts,
takes into lake order, the Parquet writer's pages). pyarrow's default pool (mimalloc in its
Linux wheels) hands freed huge pages back to the kernel and faults them in again, zeroed,
on the next chunk: on the 10M-event benchmark files the kernel's CPU was 5.4–9.1 s against
1.3–4.2 s with the C library's allocator, and the walls 11–19% shorter (one ingest of 104M
events: ~4% longer; docs/performance.md, "Ingest"). So while an ingest runs
(:func:`~journeylab.ingest.pipeline.land`), pyarrow's default pool is the system one; the
pool the process had comes back when the last ingest running ends.

The default pool is process-wide: other Arrow work of the process meanwhile allocates from
it too (buffers are always freed by the pool that made them, so nothing mixes).
``IngestOptions(memory_pool="pyarrow")`` leaves the pool alone: the one pyarrow chose, or
the one ``ARROW_DEFAULT_MEMORY_POOL`` names. The ``journeylab`` command chooses the system
allocator for its whole process instead (:func:`journeylab.cli.main`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pyarrow as pa

__all__ = ["arrow_pool"]

_lock = threading.Lock()
_running = 0  # ingests inside arrow_pool("system") now
_before: pa.MemoryPool | None = None  # the pool they replaced


@contextlib.contextmanager
def arrow_pool(choice: str) -> Iterator[None]:
    """For ``choice`` ``system``, pyarrow's default pool is the system one inside (see the
    module docstring), for as long as any ingest that chose it runs (concurrent ingests
    share it); for ``pyarrow``, nothing changes."""
    if choice != "system":
        yield
        return
    global _running, _before
    with _lock:
        if _running == 0:
            _before = pa.default_memory_pool()
            pa.set_memory_pool(pa.system_memory_pool())
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                pa.set_memory_pool(_before)
                _before = None
