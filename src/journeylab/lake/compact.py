"""Compaction: rewrite a generation's events in the lake's order into few large files.

The sort runs on a private DuckDB connection with a memory limit and a spill folder under
the lake's ``_tmp/``: DuckDB sorts in runs and merges them from disk, so memory stays
bounded whatever the lake's size; the ordered rows stream out in record batches and are
re-cut into 128k-row groups. The new generation replaces the old in one rename
(:meth:`~.layout.Layout.switch_generation`); the content does not change.
"""

from __future__ import annotations

import pyarrow as pa

from journeylab.engine import Engine, check_memory_limit
from journeylab.lake.failpoints import failpoint
from journeylab.lake.layout import KEYED_ORDER, LAKE_ORDER, ROW_GROUP_ROWS, Layout

__all__ = ["COMPACT_FILE_ROWS", "COMPACT_MEMORY", "compact"]

COMPACT_FILE_ROWS = 8 * ROW_GROUP_ROWS * 8
#: DuckDB's memory limit while compacting (peak RSS stays about 2x below 2 GB)
COMPACT_MEMORY = "700MB"


def compact(
    layout: Layout,
    engine: Engine,
    file_rows: int = COMPACT_FILE_ROWS,
    memory_limit: str = COMPACT_MEMORY,
    threads: int | None = None,
) -> int:
    """Compact ``layout``'s events (see :meth:`journeylab.Lake.compact`); the number of
    files after."""
    check_memory_limit(memory_limit)
    with layout.locked():
        failpoint("compact.locked")
        files = layout.event_files()
        if len(files) <= 1:
            return len(files)
        schema = layout.event_schema
        spill = layout.tmp_dir / "spill"
        with engine.scratch(threads, memory_limit, spill) as con:
            con.execute("SET preserve_insertion_order = false").fetchall()
            order = KEYED_ORDER if "user_key" in schema.names else LAKE_ORDER
            ordered = con.read_parquet(files).order(", ".join(order))
            reader = ordered.to_arrow_reader(ROW_GROUP_ROWS)
            tables = (pa.Table.from_batches([b]).cast(schema) for b in reader)
            gen = layout.next_generation()
            layout.write_parquet_stream(tables, gen, file_rows, "part-c")
        failpoint("compact.filled")
        layout.switch_generation(gen)
        return len(layout.event_files())
