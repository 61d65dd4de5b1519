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

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.lake.layout import Layout

__all__ = ["IDS_DIR", "ids_path", "users_path", "write_ids", "write_users"]

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


def write_ids(layout: Layout, events_file: str | Path, parts: Iterable[bytes | memoryview]) -> None:
    """Write ``events_file``'s id sidecar from ``parts`` (bytes, written as they are)."""
    dest = ids_path(events_file)
    tmp = _tmp(layout, dest)
    with open(tmp, "wb") as fh:
        for part in parts:
            fh.write(part)
    _land(tmp, dest)


def write_users(layout: Layout, events_file: str | Path, table: pa.Table) -> None:
    """Write ``events_file``'s users sidecar (columns ``k`` user_key, ``u`` user_id)."""
    dest = users_path(events_file)
    tmp = _tmp(layout, dest)
    pq.write_table(table, tmp, compression="zstd")
    _land(tmp, dest)
