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
from concurrent.futures import Future
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

__all__ = ["Committed", "Committer", "Prepared", "reject_id"]

Reject = tuple[int, str, str, str, int]  # record number, raw text, reason, detail, received


@dataclass
class Committed:
    """What one chunk added to the lake."""

    accepted: int = 0
    duplicates: int = 0
    first: int | None = None  # smallest and largest event_at landed (µs)
    last: int | None = None
    files: int = 0


@dataclass
class Prepared:
    """A chunk's events made ready to commit, whatever the chunks before it commit: the
    rows to land (first occurrence of each id in the chunk) taken in the lake's order,
    their id hashes, the chunk's users and their keys, and which of those rows the lake's
    files past the ids budget hold (:meth:`Committer.prepare`)."""

    ordered: pa.Table  # the rows of the chunk's events to land, in the lake's order
    marked: int  # rows marked to land, repeats included
    rows: np.ndarray  # of the chunk's events, in the lake's order (``ordered``'s rows)
    ids: pa.Array  # event_id of every row of the chunk's events, and its hash
    hashes: np.ndarray
    at: np.ndarray  # event_at (µs) of every row
    users: pa.Array  # the chunk's distinct user ids, each row's index into them, their keys
    user_index: np.ndarray
    keys: np.ndarray
    #: the rows the lake's files past the ids budget hold (SeenIds.lake_on_disk), if any
    early: tuple[np.ndarray, list[str]] | None = None


class Committer:
    """Commits chunks to one lake, in order (used by one thread; holds the lake's ids).

    A chunk's :meth:`prepare` needs nothing the chunks before it commit, so it may run on
    another thread (with the connection given as ``prepare_con``) while the chunk before
    is committed by :meth:`finish`; :meth:`commit` does both."""

    def __init__(
        self, layout: Layout, con: Any, ids_memory: int | None = None, prepare_con: Any = None
    ) -> None:
        """``ids_memory``: bytes the lake's ids may take in memory (None: the default);
        ``prepare_con``: the connection :meth:`prepare` uses (None: ``con``)."""
        self.layout, self.con = layout, con
        self.prepare_con = con if prepare_con is None else prepare_con
        files = layout.event_files()
        rows = [pq.ParquetFile(f).metadata.num_rows for f in files]
        self.seen = SeenIds(con, layout, files, rows, ids_memory)
        self.users = UserKeys(con, layout)
        self.typed = generation_keys(layout.generation())  # the files' typed properties

    def close(self) -> None:
        """Free what the commits kept on disk for this writer (:meth:`SeenIds.close`)."""
        self.seen.close()

    def commit(
        self, source: str, events: pa.Table, land: np.ndarray, rejects: list[Reject]
    ) -> Committed:
        """Land one chunk: the rows of ``events`` (EVENT_SCHEMA but ``user_key``, in input
        order) that ``land`` marks, and ``rejects``, from the input file ``source``."""
        return self.finish(self.prepare(events, land), source, rejects)

    def prepare(
        self, events: pa.Table, land: np.ndarray, order: np.ndarray | None = None
    ) -> Prepared | None:
        """The rows of ``events`` that ``land`` marks, the first of each id kept (in input
        order: the events', or each one's place in the input that ``order`` gives), in the
        lake's order; their hashes, user keys, and which of them the lake's files past the
        ids budget hold (files no commit of this ingest changes). None when ``land`` marks
        none."""
        rows = np.flatnonzero(land)
        if not len(rows):
            return None
        if order is not None:
            rows = rows[np.argsort(order[rows], kind="stable")]
        marked, con = len(rows), self.prepare_con
        ids = events["event_id"].combine_chunks()
        hashes = id_hashes(con, ids)
        rows = rows[first_rows(hashes, ids, rows)]
        at = events["event_at"].combine_chunks().cast(pa.int64()).to_numpy()
        names = ranks(events["name"].combine_chunks())[0]
        user_ranks, users, user_index = ranks(events["user_id"].combine_chunks())
        rows = rows[lake_order(names[rows], user_ranks[rows], len(users), at[rows], ids.take(rows))]
        keys = self.users.compute(con, users)
        # taken in lake order and searched in the lake's files past the ids budget here,
        # not by the commit: neither needs what the chunks before it commit, and the
        # commit's thread is the longest (docs/performance.md "Ingest"). The take is one,
        # from the pieces the validation returned: 70 against 115 ms for 500k events
        # taken a row group at a time from the chunk combined first.
        ordered = events.take(pa.array(rows))
        early = self.seen.lake_on_disk(hashes[rows])
        return Prepared(ordered, marked, rows, ids, hashes, at, users, user_index, keys, early)

    def finish(
        self, ready: Prepared | None | Future[Prepared | None], source: str, rejects: list[Reject]
    ) -> Committed:
        """Commit a prepared chunk (or the future of one) and its ``rejects``: its rows the
        lake does not hold yet, their users' keys checked, as one events file."""
        if isinstance(ready, Future):
            ready = ready.result()
        done = Committed()
        if ready is not None:
            files = self.layout.event_files()
            known = self.seen.known(ready.ids, ready.hashes, ready.rows, files, ready.early)
            rows = ready.rows[~known]
            done.duplicates = ready.marked - len(rows)
            if len(rows):
                done.first, done.last = int(ready.at[rows].min()), int(ready.at[rows].max())
                landing = np.zeros(len(ready.users), bool)  # the users that land (a mask:
                landing[ready.user_index[rows]] = True  # np.unique hashed them, 27 ms)
                self.users.check(ready.users, ready.keys, np.flatnonzero(landing))
                failpoint("ingest.chunk-validated")
                parts = self._ordered(ready, rows, ~known if known.any() else None)
                hashes = ready.hashes[rows]
                path = self.layout.write_events(parts, hashes.tobytes(), "ingest.events")
                self.seen.add(hashes, path)
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

    def _ordered(
        self, ready: Prepared, rows: np.ndarray, keep: np.ndarray | None
    ) -> Iterator[pa.Table]:
        """``rows`` of the chunk (in the lake's order: the prepared ones that ``keep``
        marks, all when None) with their ``user_key`` and the generation's typed
        properties, one row group at a time (each a slice)."""
        table = ready.ordered if keep is None else ready.ordered.filter(pa.array(keep))
        keys = pa.array(ready.keys[ready.user_index[rows]])
        for lo in range(0, len(rows), ROW_GROUP_ROWS):
            group = table.slice(lo, ROW_GROUP_ROWS).append_column(
                "user_key", keys.slice(lo, ROW_GROUP_ROWS)
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
