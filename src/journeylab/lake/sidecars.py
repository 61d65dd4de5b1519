"""Sidecars: what an ingest keeps beside each events file so that the next one starts
without reading the whole lake (docs/lake.md, "Id sidecars"). They live in the
generation's ``_ids/`` folder (an underscore folder: Spark's and Hive's readers skip it, and
a ``*.parquet`` glob of the generation never matches it), are caches for writers only, and
are written like every file of the lake: under ``_tmp/``, fsynced, renamed into place.

- ``part-*.ids``: the file's id hashes, sorted (:mod:`.seen`);
- ``part-*.users``: user keys and ids, a Parquet file (no ``.parquet`` suffix: a recursive
  glob for the events never takes it for one) (:mod:`.userkeys`).
"""

from __future__ import annotations

import io
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.lake.layout import Layout

__all__ = [
    "IDS_BLOCK",
    "IDS_DIR",
    "ids_blocks",
    "ids_path",
    "ids_whole",
    "map_ids",
    "read_ids",
    "users_path",
    "write_ids",
    "write_users",
]

IDS_DIR = "_ids"


def ids_path(events_file: str | Path) -> Path:
    """Where the sorted id hashes of ``events_file`` are kept."""
    path = Path(events_file)
    return path.parent / IDS_DIR / f"{path.stem}.ids"


def users_path(events_file: str | Path) -> Path:
    """Where the users that ``events_file`` brought to the lake are kept."""
    path = Path(events_file)
    return path.parent / IDS_DIR / f"{path.stem}.users"


def _tmp(layout: Layout, dest: Path) -> Path:
    dest.parent.mkdir(exist_ok=True)
    return layout.tmp_dir / f"{dest.name}.{uuid.uuid4().hex}.tmp"


def _land(tmp: Path, dest: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)


#: an ids sidecar: a header of four little-endian uint64 (magic, the fingerprint of the hash
#: function, the row count, the wrapping sum of the hashes), then the sorted hashes
_MAGIC = int.from_bytes(b"JLIDS\x00\x00\x01", "little")
_HEADER = 4


def write_ids(
    layout: Layout, events_file: str | Path, ordered: np.ndarray, fingerprint: int
) -> None:
    """Write ``events_file``'s ids sidecar: ``ordered`` (its sorted uint64 id hashes, made
    by the hash function ``fingerprint`` names), written from the array, not a copy."""
    body = np.ascontiguousarray(ordered, "<u8")
    head = np.array([_MAGIC, fingerprint, len(body), int(body.sum(dtype=np.uint64))], "<u8")
    dest = ids_path(events_file)
    tmp = _tmp(layout, dest)
    with open(tmp, "wb") as fh:
        fh.write(head.tobytes())
        fh.write(body.data.cast("B"))
    _land(tmp, dest)


def _mapped(events_file: str | Path, fingerprint: int, rows: int | None) -> np.ndarray | None:
    """The whole ids sidecar (header and hashes), mapped: a page is read when touched; None
    when it is missing, not one, made by another hash function, or not of ``rows``."""
    if sys.byteorder != "little":  # pragma: no cover - sidecars are little-endian
        return None
    try:
        run = np.memmap(ids_path(events_file), "<u8", mode="r")
    except (OSError, ValueError):  # none, or empty
        return None
    return run if _usable(run[:_HEADER], len(run), fingerprint, rows) else None


def _usable(head: np.ndarray, words: int, fingerprint: int, rows: int | None) -> bool:
    """Whether a sidecar of ``words`` uint64 starting with ``head`` holds ``rows`` hashes
    made by the hash function ``fingerprint``."""
    return (
        rows is not None
        and len(head) == _HEADER
        and words == _HEADER + rows
        and (int(head[0]), int(head[1]), int(head[2])) == (_MAGIC, fingerprint, rows)
    )


def map_ids(events_file: str | Path, fingerprint: int, rows: int | None) -> np.ndarray | None:
    """``events_file``'s sorted id hashes, mapped; None when its sidecar is not usable
    (missing, not one, made by another hash function, or not of ``rows`` hashes)."""
    run = _mapped(events_file, fingerprint, rows)
    return None if run is None else run[_HEADER:]


def read_ids(events_file: str | Path, fingerprint: int, out: np.ndarray) -> bool:
    """Fill ``out`` with ``events_file``'s sorted id hashes; False when its sidecar is not
    usable (:func:`map_ids`) or its checksum fails (torn or zeroed pages)."""
    run = _mapped(events_file, fingerprint, len(out))
    if run is None:
        return False
    out[:] = run[_HEADER:]
    return int(out.sum(dtype=np.uint64)) == int(run[3])


#: hashes read at a time when a sidecar is streamed (512 KiB: a search in a block that
#: fits the cache took 0.45 s a chunk for 114M events, against 0.6 s in 8 MiB blocks)
IDS_BLOCK = 1 << 16


def ids_blocks(
    events_file: str | Path, fingerprint: int, rows: int | None, buf: np.ndarray
) -> Iterator[np.ndarray] | None:
    """``events_file``'s sorted id hashes read block by block into ``buf`` (uint64; each
    block a view of it, overwritten by the next): memory stays that of ``buf`` whatever the
    file's size. None when the sidecar is not usable (as :func:`map_ids`)."""
    got = _opened(events_file, fingerprint, rows)
    return None if got is None else _blocks(got[0], buf)


def _opened(
    events_file: str | Path, fingerprint: int, rows: int | None
) -> tuple[io.FileIO, int] | None:
    """The ids sidecar open after its header, and the header's checksum; None when it is
    not usable."""
    if sys.byteorder != "little":  # pragma: no cover - sidecars are little-endian
        return None
    try:
        fh = io.FileIO(ids_path(events_file), "rb")  # the caller closes it, or below
    except OSError:
        return None
    head = np.zeros(_HEADER, "<u8")
    got = fh.readinto(head.data.cast("B")) or 0
    words = os.fstat(fh.fileno()).st_size // 8
    if not _usable(head[: got // 8], words, fingerprint, rows):
        fh.close()
        return None
    return fh, int(head[3])


def _blocks(fh: io.FileIO, buf: np.ndarray) -> Iterator[np.ndarray]:
    view = buf.data.cast("B")
    with fh:
        while True:
            got = (fh.readinto(view) or 0) // 8
            if not got:
                return
            yield buf[:got]


def ids_whole(events_file: str | Path, fingerprint: int, rows: int, buf: np.ndarray) -> bool:
    """Whether ``events_file``'s ids sidecar is usable and whole (its checksum holds), read
    block by block into ``buf``."""
    got = _opened(events_file, fingerprint, rows)
    if got is None:
        return False
    total = 0
    for block in _blocks(got[0], buf):  # the sum wraps at 64 bits, as the header's
        total = (total + int(block.sum(dtype=np.uint64))) & 0xFFFFFFFFFFFFFFFF
    return total == got[1]


def write_users(layout: Layout, events_file: str | Path, table: pa.Table) -> None:
    """Write ``events_file``'s users sidecar (columns ``k`` user_key, ``u`` user_id)."""
    dest = users_path(events_file)
    tmp = _tmp(layout, dest)
    pq.write_table(table, tmp, compression="zstd")
    _land(tmp, dest)
