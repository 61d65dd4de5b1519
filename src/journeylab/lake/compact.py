"""Compaction: rewrite a generation's events in the lake's order into few large files, with
the lake's typed properties (:mod:`.typed`).

The sort runs on a private DuckDB connection with a memory limit and a spill folder under
the lake's ``_tmp/``: DuckDB sorts in runs and merges them from disk, so memory stays
bounded whatever the lake's size; the ordered rows stream out in record batches and are
re-cut into 128k-row groups. The typed columns are computed from ``data`` batch by batch
after the sort, on a second connection to the same database, so the sort moves only the
events' own columns. The new generation (its files and its ``properties.json``) replaces the old in one
rename (:meth:`~.layout.Layout.switch_generation`); the events do not change. Each file it
writes gets its id sidecar (its ids' hashes, gathered as its row groups pass), and the
first one the users sidecar of the whole lake (read from the old files' sidecars), so the
next ingest reads them instead of hashing the lake again (docs/lake.md, "Id sidecars").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.engine import Engine, check_memory_limit
from journeylab.lake.failpoints import failpoint
from journeylab.lake.layout import KEYED_ORDER, LAKE_ORDER, ROW_GROUP_ROWS, Layout
from journeylab.lake.seen import hash_fingerprint, id_hashes
from journeylab.lake.sidecars import write_ids, write_users
from journeylab.lake.typed import (
    DECLARED,
    KINDS,
    Typed,
    add_columns,
    check_keys,
    generation_keys,
    profile,
)
from journeylab.lake.userkeys import lake_users

__all__ = ["COMPACT_FILE_ROWS", "COMPACT_MEMORY", "Properties", "compact"]

COMPACT_FILE_ROWS = 8 * ROW_GROUP_ROWS * 8
#: DuckDB's memory limit while compacting (peak RSS stays about 2x below 2 GB)
COMPACT_MEMORY = "700MB"
#: which data keys become typed columns: a list (declared, kept for later compactions),
#: "auto" (forget a declaration: the most used keys), None (the declaration, else auto)
Properties = Sequence[str] | Literal["auto"] | None
_SOURCE = "jl_compact_source"


def compact(
    layout: Layout,
    engine: Engine,
    file_rows: int = COMPACT_FILE_ROWS,
    memory_limit: str = COMPACT_MEMORY,
    threads: int | None = None,
    properties: Properties = None,
) -> int:
    """Compact ``layout``'s events (see :meth:`journeylab.Lake.compact`); the number of
    files after."""
    check_memory_limit(memory_limit)
    declared = _declaration(properties)
    with layout.locked():
        failpoint("compact.locked")
        if declared is not None:
            layout.write_json(DECLARED, {"keys": list(declared)} if declared != "auto" else {})
        files = layout.event_files()
        current = generation_keys(layout.generation())
        base = layout.base_schema
        typed = "user_key" in base.names  # typed properties: format 3 or later
        spill = layout.tmp_dir / "spill"
        with engine.scratch(threads, memory_limit, spill) as con:
            con.execute("SET preserve_insertion_order = false").fetchall()
            source = None
            if files:  # the base columns only: old typed columns are computed afresh
                from duckdb import ColumnExpression

                columns = [ColumnExpression(n) for n in base.names]
                source = con.read_parquet(files).project(*columns)
                source.create_view(_SOURCE)
            total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)  # footers
            keys = _keys(layout, con, files, typed, total)
            if not files:  # nothing to rewrite: later ingests carry the keys
                if keys != current:
                    layout.write_properties(layout.generation(), keys)
                return 0
            if len(files) == 1 and keys == current:
                return 1
            order = KEYED_ORDER if "user_key" in base.names else LAKE_ORDER
            assert source is not None
            # the lake's users before the sort streams (one query at a time on ``con``)
            users = lake_users(con, files) if typed and layout.user_keys_exact() else None
            reader = source.order(", ".join(order)).to_arrow_reader(ROW_GROUP_ROWS)
            # typed columns per batch, after the sort (on a second connection to the same
            # database): the sort moves the events' own columns only
            side = con.cursor()
            tables = (
                add_columns(side, pa.Table.from_batches([b]).cast(base), keys) for b in reader
            )
            gen = layout.next_generation()
            layout.write_properties(gen, keys)
            sidecars = _Sidecars(layout, side, min(file_rows, total), users)
            try:
                layout.write_parquet_stream(
                    tables, gen, file_rows, "part-c", sidecars.part, sidecars.landed
                )
            finally:
                side.close()
        failpoint("compact.filled")
        layout.switch_generation(gen)
        return len(layout.event_files())


def _declaration(properties: Properties) -> tuple[str, ...] | Literal["auto"] | None:
    if properties is None or properties == "auto":
        return properties
    return check_keys(properties)


def _keys(layout: Layout, con: Any, files: list[str], typed: bool, rows: int) -> Typed:
    """The keys to type and their kinds: the lake's declaration, else the most used of the
    ``rows`` events (none before format 3); an empty lake's declared keys get every kind."""
    if not typed:
        return {}
    declared = layout.read_json(DECLARED, {}).get("keys")
    if not files:
        return {} if declared is None else {k: KINDS for k in declared}
    return profile(con, _SOURCE, layout.base_schema, rows, declared)


class _Sidecars:
    """The sidecars of the files compaction writes: each file's id hashes, gathered as its
    pieces are written (``rows`` at most: 8 bytes each) and sorted once it has landed;
    ``users`` (the whole lake's, or None when the keys are not checked) in the first file's
    users sidecar, empty ones for the others, so the generation holds each user once."""

    def __init__(self, layout: Layout, con: Any, rows: int, users: pa.Table | None):
        self.layout, self.con, self.users = layout, con, users
        self.fingerprint = hash_fingerprint(con)
        self.hashes = np.empty(rows, np.uint64)
        self.filled = self.files = 0

    def part(self, table: pa.Table) -> None:
        got = id_hashes(self.con, table["event_id"].combine_chunks())
        self.hashes[self.filled : self.filled + len(got)] = got
        self.filled += len(got)

    def landed(self, path: Path) -> None:
        ordered = self.hashes[: self.filled]
        ordered.sort()
        write_ids(self.layout, path, ordered, self.fingerprint)
        if self.users is not None:
            first = self.files == 0
            write_users(self.layout, path, self.users if first else self.users.schema.empty_table())
        self.filled, self.files = 0, self.files + 1
