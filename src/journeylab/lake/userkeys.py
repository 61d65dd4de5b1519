"""Keeping ``user_key`` exact: no two user ids of a lake may share a key unless the lake
says so (docs/adr/0003-user-keys.md).

An ingest holds a table of (key, user id) for every user of the lake (on the ingest's
private DuckDB connection) and checks each chunk against it before the chunk's file is
written: a key seen with another id, or two ids of the chunk with one key, marks the lake
as having collisions — in the marker, before the file lands — and queries fall back to the
ids.

The table is read from the users sidecars (:mod:`.sidecars`): each events file keeps the
users it brought to the lake, so the sidecars of a generation, with the users of its files
that have none (read from the files, then written as the first such file's sidecar, empty
ones for the others), hold every user once. An ingest reads a few bytes per user, not the
``user_id`` of every event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from journeylab.lake.hashing import distinct_keys
from journeylab.lake.layout import Layout
from journeylab.lake.sidecars import users_path, write_users

__all__ = ["UserKeys", "lake_users", "verify_user_keys"]

_CREATE = "CREATE OR REPLACE TEMP TABLE jl_users (k BIGINT, u VARCHAR)"
_SIDECARS = "INSERT INTO jl_users SELECT k, min(u) FROM read_parquet($files) GROUP BY k"
#: the users of files without a sidecar that the sidecars do not hold
_BARE = (
    "SELECT f.k, f.u FROM (SELECT user_key AS k, min(user_id) AS u FROM read_parquet($files) "
    "GROUP BY ALL) f ANTI JOIN jl_users j ON j.k = f.k"
)
_CLASH = "SELECT count(*) FROM jl_keys c JOIN jl_users j ON j.k = c.k WHERE j.u <> c.u"
_NEW = "SELECT c.k, c.u FROM jl_keys c ANTI JOIN jl_users j ON j.k = c.k"
_INSERT = "INSERT INTO jl_users SELECT k, u FROM jl_new"
_USERS = pa.schema([("k", pa.int64()), ("u", pa.string())])
#: every user of some files, from their users sidecars (listed) and the files (bare)
_ALL = {
    (True, False): "SELECT k, min(u) AS u FROM read_parquet($listed) GROUP BY k",
    (False, True): "SELECT user_key AS k, min(user_id) AS u FROM read_parquet($bare) GROUP BY k",
    (True, True): "SELECT k, min(u) AS u FROM (SELECT k, u FROM read_parquet($listed) "
    "UNION ALL SELECT user_key AS k, user_id AS u FROM read_parquet($bare)) GROUP BY k",
}
_WHOLE = (
    "SELECT count(*) FROM (SELECT user_key FROM read_parquet($files) GROUP BY ALL "
    "HAVING min(user_id) <> max(user_id))"
)


class UserKeys:
    """The users of the lake an ingest writes to, for the per-chunk key check."""

    def __init__(self, con: Any, layout: Layout) -> None:
        self.con, self.layout = con, layout
        self.active = layout.user_keys_exact()  # once collisions are recorded, stop checking
        self.new = _USERS.empty_table()  # the users the chunk being committed brings
        if self.active:
            con.execute(_CREATE).fetchall()  # DuckDB 2: finish every result
            sidecars = {f: users_path(f) for f in layout.event_files()}
            listed = [str(p) for p in sidecars.values() if p.exists()]
            bare = [f for f, p in sidecars.items() if not p.exists()]
            if listed:
                con.execute(_SIDECARS, {"files": listed}).fetchall()
            if bare:
                found = con.sql(_BARE, params={"files": bare}).to_arrow_table().cast(_USERS)
                self._insert(found)
                # the first bare file's sidecar first: a kill before the empty ones leaves
                # the others bare, read again next time
                for i, path in enumerate(bare):
                    write_users(layout, path, found if i == 0 else _USERS.empty_table())

    @staticmethod
    def compute(con: Any, ids: pa.Array) -> np.ndarray:
        """The ``user_key`` of each of ``ids`` (distinct user ids) on ``con``, checking
        nothing (reads nothing of the lake: an ingest's prepare thread calls it with its
        own connection)."""
        return distinct_keys(con, ids)

    def check(self, ids: pa.Array, keys: np.ndarray, landing: np.ndarray) -> None:
        """Check the users at positions ``landing`` of ``ids`` (the users of the events
        about to be written), whose keys are ``keys``: a collision (two of them, or one of
        them and one of the lake, with one key) is recorded in the marker first."""
        if self.active and len(landing):
            self._check(ids.take(pa.array(landing)), keys[landing])

    def landed(self, events_file: str | Path) -> None:
        """Write the sidecar of the file just landed: the users its chunk brought."""
        if self.active:
            write_users(self.layout, events_file, self.new)
        self.new = _USERS.empty_table()

    def _insert(self, users: pa.Table) -> None:
        self.con.register("jl_new", users)
        try:
            self.con.execute(_INSERT).fetchall()
        finally:
            self.con.unregister("jl_new")

    def _check(self, ids: pa.Array, keys: np.ndarray) -> None:
        ordered = np.sort(keys)  # (sorting integers is quicker than hashing them)
        clashes = bool((ordered[1:] == ordered[:-1]).any())  # two ids of the chunk share a key
        if not clashes:
            self.con.register("jl_keys", pa.table({"k": keys, "u": ids.cast(pa.string())}))
            try:
                ((found,),) = self.con.execute(_CLASH).fetchall()
                clashes = found > 0
                if not clashes:
                    self.new = self.con.sql(_NEW).to_arrow_table().cast(_USERS)
            finally:
                self.con.unregister("jl_keys")
            if not clashes:
                self._insert(self.new)
        if clashes:
            self.layout.set_user_key_collisions(True)
            self.active = False


def lake_users(con: Any, files: list[str]) -> pa.Table:
    """Every user of ``files`` (an events file each; ``k`` user_key, ``u`` user_id), read
    from their users sidecars and, for files without one, from the files themselves."""
    if not files:
        return _USERS.empty_table()
    sidecars = {f: users_path(f) for f in files}
    listed = [str(p) for p in sidecars.values() if p.exists()]
    bare = [f for f, p in sidecars.items() if not p.exists()]
    params = {"listed": listed, "bare": bare}
    sql = _ALL[(bool(listed), bool(bare))]
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.sql(sql, params=used).to_arrow_table().cast(_USERS)


def verify_user_keys(con: Any, layout: Layout) -> bool:
    """Check every event file of ``layout`` and record the answer in its marker (for lakes
    written by other tools, or to clear a recorded collision after a rewrite); True when
    the keys are exact."""
    if layout.version < 3:
        return False
    files = layout.event_files()
    clashes = con.execute(_WHOLE, {"files": files}).fetchall()[0][0] if files else 0
    layout.set_user_key_collisions(bool(clashes))
    return not clashes
