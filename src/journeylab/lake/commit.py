"""Committing validated chunks: de-duplicate, key, order, write — one chunk at a time.

For each chunk (its validated events in input order, repeats included, the rows to land
marked, and its rejects): the first occurrence of each event id wins, within the chunk
(:func:`~.order.first_rows`) and against the lake (:mod:`.seen`); the kept events get their
``user_key`` (a collision is recorded first, :mod:`.userkeys`) and the generation's typed
properties (:mod:`.typed`), are put in the lake's order (:mod:`.order`) and written as one
events file, then its sidecars (its ids' hashes and the users it brings, :mod:`.sidecars`);
then the chunk's rejects (less those the lake already holds, by ``reject_id``) as one
rejected file. Each file lands by rename, so a kill leaves whole chunks only, and
re-running finds what landed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeylab.lake.failpoints import failpoint
from journeylab.lake.layout import EVENT_SCHEMA, REJECTED_SCHEMA, ROW_GROUP_ROWS, Layout
from journeylab.lake.order import first_rows, lake_order, ranks
from journeylab.lake.seen import SeenIds, found_in_files, id_hashes
from journeylab.lake.typed import add_columns, generation_keys
from journeylab.lake.userkeys import UserKeys

__all__ = ["Committed", "Committer", "reject_id"]

Reject = tuple[int, str, str, str, int]  # record number, raw text, reason, detail, received


@dataclass
class Committed:
    """What one chunk added to the lake."""

    accepted: int = 0
    duplicates: int = 0
    first: int | None = None  # smallest and largest event_at landed (µs)
    last: int | None = None
    files: int = 0


class Committer:
    """Commits chunks to one lake, in order (used by one thread; holds the lake's ids)."""

    def __init__(self, layout: Layout, con: Any, ids_memory: int | None = None) -> None:
        """``ids_memory``: bytes the lake's ids may take in memory (None: the default)."""
        self.layout, self.con = layout, con
        files = layout.event_files()
        rows = [pq.ParquetFile(f).metadata.num_rows for f in files]
        self.seen = SeenIds(con, layout, files, rows, ids_memory)
        self.users = UserKeys(con, layout)
        self.typed = generation_keys(layout.generation())  # the files' typed properties

    def commit(
        self, source: str, events: pa.Table, land: np.ndarray, rejects: list[Reject]
    ) -> Committed:
        """Land one chunk: the rows of ``events`` (EVENT_SCHEMA but ``user_key``, in input
        order) that ``land`` marks, and ``rejects``, from the input file ``source``."""
        done = Committed()
        rows = np.flatnonzero(land)
        if len(rows):
            ids = events["event_id"].combine_chunks()
            hashes = id_hashes(self.con, ids)
            rows = rows[first_rows(hashes, ids, rows)]
            known = self.seen.known(ids, hashes, rows, self.layout.event_files())
            rows = rows[~known]
            done.duplicates = int(land.sum()) - len(rows)
            if len(rows):
                at = events["event_at"].combine_chunks().cast(pa.int64()).to_numpy()
                done.first, done.last = int(at[rows].min()), int(at[rows].max())
                parts = self._ordered(events, rows, at)
                failpoint("ingest.chunk-validated")
                path = self.layout.write_events(parts, hashes[rows].tobytes(), "ingest.events")
                self.seen.add(hashes[rows], path)
                self.users.landed(path)
                failpoint("ingest.ids-landed")
                done.accepted, done.files = len(rows), 1
        if rejects:
            table = rejects_table(source, rejects)
            known_ids = found_in_files(
                self.con, self.layout.rejected_files(), table["reject_id"], "reject_id"
            )
            if len(known_ids):
                table = table.filter(pc.invert(pc.is_in(table["reject_id"], value_set=known_ids)))
            if table.num_rows:
                self.layout.write_rejects(table, table["reject_id"].to_pylist()[0].encode())
                done.files += 1
            failpoint("ingest.rejects-landed")
        return done

    def _ordered(self, events: pa.Table, rows: np.ndarray, at: np.ndarray) -> Iterator[pa.Table]:
        """``rows`` of ``events`` in the lake's order with their ``user_key`` and the
        generation's typed properties, one row group at a time (the chunk is never copied
        whole)."""
        names = ranks(events["name"].combine_chunks())[0]
        users, dictionary, user_index = ranks(events["user_id"].combine_chunks())
        order = lake_order(
            names[rows], users[rows], len(dictionary), at[rows], events["event_id"].take(rows)
        )
        taken = rows[order]
        landing = np.zeros(len(dictionary), bool)  # the chunk's users that land (a mask:
        landing[user_index[taken]] = True  # np.unique hashed them, 27 ms a chunk)
        keys = self.users.keys(dictionary, np.flatnonzero(landing))  # before any write
        table = events.combine_chunks()
        for lo in range(0, len(taken), ROW_GROUP_ROWS):
            part = taken[lo : lo + ROW_GROUP_ROWS]
            group = table.take(pa.array(part)).append_column(
                "user_key", pa.array(keys[user_index[part]])
            )
            yield add_columns(self.con, group.cast(EVENT_SCHEMA), self.typed)


def rejects_table(source: str, rejects: list[Reject]) -> pa.Table:
    columns = list(zip(*rejects, strict=True))
    return pa.table(
        {
            "reject_id": [reject_id(source, no, raw) for no, raw, *_ in rejects],
            "source": [source] * len(rejects),
            "record": columns[0],
            "raw": columns[1],
            "reason": columns[2],
            "detail": columns[3],
            "received_at": pa.array(columns[4], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
        },
        schema=REJECTED_SCHEMA,
    )


def reject_id(source: str, record: int, raw: str) -> str:
    """The quarantine's key: re-ingesting the same input finds the same records."""
    payload = f"{source}\x00{record}\x00{raw}".encode("utf-8", errors="backslashreplace")
    return hashlib.blake2b(payload, digest_size=16).hexdigest()
