"""The hashes of the files a writer lands past its ids budget, merged into a few sorted runs.

Past its budget (:mod:`.seen`) a writer holds no more fingerprints: each chunk it commits
is searched in the sidecars of the files on disk. For the lake's files that is one search
per file, and compaction keeps them few. But the files the writer lands itself past the
budget were one more per chunk, and each chunk searched all of them: searches whose number
grew with the square of its chunks past the budget (100M events in one ingest past a 64 MB
budget: 265 s, against 195 s with the runs below; docs/performance.md "Ingest").

Here their sorted hashes are kept in runs on disk, each at least twice the size of the
next (a new run is merged with the one before while that one is smaller), so a chunk
searches a few runs whatever the number of files, and each hash is copied in a few merges
(:meth:`Overflow.add`). A run is an anonymous file (unlinked at once, in the lake's
``_tmp/``): it never shows in the lake, the lock's clean-up of ``_tmp/`` does not reach it,
and it vanishes with its writer, however that ends. Runs are read and merged block by
block (:data:`IDS_BLOCK` hashes), so memory stays a few blocks whatever their size. A run
answers which hashes it holds, not which file holds them: the files' own sidecars name
those, for the few hashes found (:meth:`~.seen.SeenIds.known`).
"""

from __future__ import annotations

import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from journeylab.lake.sidecars import IDS_BLOCK
from journeylab.lake.sorted_runs import mark_blocks

__all__ = ["Overflow"]


@dataclass
class _Run:
    """Sorted uint64 hashes in an anonymous file, and the events files they come from."""

    fh: IO[bytes]
    size: int
    files: list[str] = field(default_factory=list)

    def blocks(self) -> Iterator[np.ndarray]:
        """The hashes a block at a time (each a new array)."""
        self.fh.seek(0)
        for lo in range(0, self.size, IDS_BLOCK):
            raw = self.fh.read(8 * min(IDS_BLOCK, self.size - lo))
            yield np.frombuffer(raw, "<u8")


class Overflow:
    """The hashes of the events files a writer landed past its ids budget (one thread uses
    it: the commit's), as a few sorted runs on disk."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.runs: list[_Run] = []
        self.files: set[str] = set()
        weakref.finalize(self, _close, self.runs)  # closed with the writer, if not before

    def add(self, events_file: str, ordered: np.ndarray) -> None:
        """Keep ``events_file``'s sorted id hashes: a new run, merged with the run before
        while that one is less than twice its size. Each run is then at least twice the next
        (a few runs: log2 of the hashes), and a merge makes a hash's run 1.5 times larger
        at least (a hash is copied in log1.5 merges at most)."""
        run = _Run(self._anonymous(), len(ordered), [events_file])
        run.fh.write(np.ascontiguousarray(ordered, "<u8").data)
        self.files.add(events_file)
        while self.runs and self.runs[-1].size < 2 * run.size:
            run = self._merge(self.runs.pop(), run)
        self.runs.append(run)

    def search(self, probes: np.ndarray) -> np.ndarray:
        """Which of the sorted, distinct ``probes`` some run holds: each run read block by
        block, each block searched for the probes in its range."""
        found = np.zeros(len(probes), bool)
        for run in self.runs:
            mark_blocks(run.blocks(), probes, found)
        return found

    def close(self) -> None:
        """Free the runs' disk space now (their files are unlinked already)."""
        _close(self.runs)
        self.files.clear()

    def _anonymous(self) -> IO[bytes]:
        self.tmp_dir.mkdir(exist_ok=True)
        return tempfile.TemporaryFile(dir=self.tmp_dir)

    def _merge(self, a: _Run, b: _Run) -> _Run:
        """One run of the hashes of ``a`` and ``b`` (both sorted), merged block by block:
        up to the smaller of the two blocks' last hashes, which ends one of them."""
        out = _Run(self._anonymous(), a.size + b.size, a.files + b.files)
        left, right = a.blocks(), b.blocks()
        x = next(left, _EMPTY)
        y = next(right, _EMPTY)
        while len(x) and len(y):
            cut = min(x[-1], y[-1])
            i = int(np.searchsorted(x, cut, "right"))
            j = int(np.searchsorted(y, cut, "right"))
            both = np.concatenate((x[:i], y[:j]))
            both.sort(kind="stable")  # two sorted runs: one linear merge
            out.fh.write(both.data)
            x, y = x[i:], y[j:]
            if not len(x):
                x = next(left, _EMPTY)
            if not len(y):
                y = next(right, _EMPTY)
        for rest, more in ((x, left), (y, right)):  # one side is spent: copy the other
            out.fh.write(rest.data)
            for block in more:
                out.fh.write(block.data)
        a.fh.close()
        b.fh.close()
        return out


_EMPTY = np.zeros(0, "<u8")


def _close(runs: list[_Run]) -> None:
    for run in runs:
        run.fh.close()
    runs.clear()
