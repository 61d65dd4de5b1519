"""A growing set of 64-bit id hashes (numba open addressing), for first-wins de-duplication
across the chunks of an ingest.

:class:`HashSet` is a filter: ``contains`` says whether a hash was added (exactly), and
the caller checks the ids behind a hit exactly (two ids may share a hash). Unlike a
DuckDB semi-join against a table of every hash so far, nothing is rebuilt per chunk:
adding and probing a million hashes takes milliseconds however many are stored. Hashes
come from :func:`~.scan.event_id_hashes` (equal to the scanner's ``idh``).
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

__all__ = ["HashSet"]

_EMPTY = np.uint64(0)  # a free slot; the hash 0 is stored as 1 (a filter may say "maybe")


@nb.njit(cache=True, nogil=True)
def _insert(table: Any, hashes: Any) -> int:
    """Add ``hashes`` to ``table``; how many were new."""
    mask = np.uint64(len(table) - 1)
    new = 0
    for h in hashes:
        h = h if h != _EMPTY else np.uint64(1)
        s = h & mask
        while True:
            v = table[s]
            if v == _EMPTY:
                table[s] = h
                new += 1
                break
            if v == h:
                break
            s = (s + np.uint64(1)) & mask
    return new


@nb.njit(cache=True, nogil=True)
def _has(table: Any, h: Any) -> bool:
    mask = np.uint64(len(table) - 1)
    h = h if h != _EMPTY else np.uint64(1)
    s = h & mask
    while table[s] != _EMPTY:
        if table[s] == h:
            return True
        s = (s + np.uint64(1)) & mask
    return False


@nb.njit(cache=True, nogil=True, parallel=True)
def _probe(table: Any, hashes: Any) -> Any:
    out = np.zeros(len(hashes), np.bool_)
    for i in nb.prange(len(hashes)):
        out[i] = _has(table, hashes[i])
    return out


class HashSet:
    """A set of uint64 hashes that grows (load kept at most one half)."""

    def __init__(self, capacity: int = 1 << 16) -> None:
        size = 1 << max(4, (2 * capacity - 1).bit_length())
        self.table = np.zeros(size, np.uint64)
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, hashes: np.ndarray) -> None:
        hashes = np.ascontiguousarray(hashes, np.uint64)
        if 2 * (self.count + len(hashes)) > len(self.table):
            old = self.table[self.table != _EMPTY]
            size = len(self.table)
            while 2 * (self.count + len(hashes)) > size:
                size *= 2
            self.table = np.zeros(size, np.uint64)
            _insert(self.table, old)
        self.count += _insert(self.table, hashes)

    def contains(self, hashes: np.ndarray) -> np.ndarray:
        """Whether each hash was added (a bool array)."""
        if not len(hashes):
            return np.zeros(0, bool)
        return _probe(self.table, np.ascontiguousarray(hashes, np.uint64))  # type: ignore[no-any-return]
