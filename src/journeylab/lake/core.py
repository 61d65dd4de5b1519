"""``Lake``: one lake folder plus an engine. The entry point of every analysis."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.engine import Engine, EngineKind
from journeylab.errors import invalid
from journeylab.lake.catalog import Catalog, build_catalog, catalog_expr
from journeylab.lake.ingest import CHUNK_ROWS, IngestReport, ingest_paths
from journeylab.lake.layout import REJECTED_SCHEMA, ROW_GROUP_ROWS, Layout
from journeylab.lake.model import MAX_ID_CHARS
from journeylab.times import from_us

__all__ = ["Lake", "open_lake"]

_PER_US = {"microseconds": (1, 1), "milliseconds": (1000, 1), "nanoseconds": (1, 1000)}

COMPACT_FILE_ROWS = 8 * ROW_GROUP_ROWS * 8


def open_lake(
    path: str | os.PathLike[str],
    engine: Engine | EngineKind | None = None,
    create: bool = True,
) -> Lake:
    """Open (or create) the lake at ``path``; ``engine`` defaults to in-process DuckDB."""
    return Lake(Layout(path, create=create), Engine.resolve(engine))


class Lake:
    """A folder of Parquet events queried through an Ibis engine."""

    def __init__(self, layout: Layout, engine: Engine) -> None:
        self.layout = layout
        self.engine = engine

    @property
    def path(self) -> Path:
        return self.layout.root

    def __repr__(self) -> str:
        return f"Lake({str(self.path)!r}, engine={self.engine.kind!r})"

    # -- writing ---------------------------------------------------------------------
    def ingest(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        format: str | None = None,
        received_at: datetime | None = None,
        progress: bool | None = None,
        chunk_rows: int = CHUNK_ROWS,
    ) -> IngestReport:
        """Land files (jsonl/ndjson, json batch, csv, parquet) in the lake; see IngestReport."""
        items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        return ingest_paths(
            self.layout,
            self.engine,
            [Path(p) for p in items],
            fmt=format,
            received_at=received_at,
            progress=progress,
            chunk_rows=chunk_rows,
        )

    def declare(self, name: str, description: str | None = None) -> None:
        """Register an event name before it is ever fired (kept in the lake)."""
        if not isinstance(name, str) or not name or len(name) > MAX_ID_CHARS:
            raise invalid("name", name, "a non-empty string of at most 255 characters")
        with self.layout.locked():
            declared = self.layout.read_json("declared.json", {})
            declared[name] = {
                "description": description,
                "declared_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
            self.layout.write_json("declared.json", declared)

    def declared(self) -> dict[str, dict[str, Any]]:
        return dict(self.layout.read_json("declared.json", {}))

    def compact(self, file_rows: int = COMPACT_FILE_ROWS) -> int:
        """Rewrite the events as few large files sorted by (name, user_id, event_at).

        Content is unchanged; the new files replace the old in one atomic switch.
        Returns the number of files after compaction.
        """
        with self.layout.locked():
            files = self.layout.event_files()
            if len(files) <= 1:
                return len(files)
            schema = self.layout.event_schema
            events = self.engine.table("events_compact", files, schema)
            ordered = events.order_by(["name", "user_id", "event_at", "event_id"])
            batches = self.engine.to_batches(ordered, ROW_GROUP_ROWS)
            tables = (pa.Table.from_batches([b]).cast(schema) for b in batches)
            gen = self.layout.next_generation()
            self.layout.write_parquet_stream(tables, gen, file_rows, "part-c")
            self.layout.switch_generation(gen)
            return len(self.layout.event_files())

    # -- reading ---------------------------------------------------------------------
    def events(self) -> ir.Table:
        """All events as an Ibis table (view ``events``): event_id, user_id, name,
        event_at, received_at, data (JSON text), user_key (format 3; see docs/lake.md)."""
        return self.engine.table("events", self.layout.event_files(), self.layout.event_schema)

    def user_keys_exact(self) -> bool:
        """Whether ``user_key`` identifies users exactly in this lake (no two user ids share
        one), so analyses may join and group on it instead of the string ids."""
        return self.layout.user_keys_exact()

    def verify_user_keys(self) -> bool:
        """Check the whole lake for user ids sharing a ``user_key`` and record the answer
        (for lakes written by other tools, or after rewriting the files); True when exact."""
        from journeylab.lake.userkeys import verify_user_keys

        with self.layout.locked():
            return verify_user_keys(self.engine.local_duckdb(), self.layout)

    def rejected_table(self) -> ir.Table:
        """Quarantined records as an Ibis table (view ``rejected``)."""
        return self.engine.table("rejected", self.layout.rejected_files(), REJECTED_SCHEMA)

    def rejected(self) -> pl.DataFrame:
        """Quarantined records: reject_id, source, record, raw, reason, detail, received_at."""
        return self.execute(self.rejected_table().order_by(["source", "record"]))

    def execute(self, expr: ir.Expr) -> pl.DataFrame:
        return self.engine.to_polars(expr)

    def to_sql(self, expr: ir.Expr) -> str:
        return self.engine.to_sql(expr)

    def sql(
        self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> pl.DataFrame:
        """Run SQL over the views ``events`` and ``rejected`` with bound parameters."""
        self.events()
        self.rejected_table()
        return self.engine.sql(query, params)

    def count(self) -> int:
        """Number of events, read from Parquet footers."""
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.layout.event_files())

    def last_event_at(self) -> datetime | None:
        """The lake's last ``event_at`` (the default as-of time of analyses).

        Read from the Parquet footers' statistics (raw integers, any time unit); a query
        over the events only when a row group has none.
        """
        last: int | None = None
        try:
            tops = [_footer_max_us(pq.read_metadata(f)) for f in self.layout.event_files()]
        except (_NoStats, OSError):  # no statistics, or a file compacted away meanwhile
            value = self.events().event_at.max()
            out = self.execute(value.name("last")).item()
            return None if out is None else out.astimezone(UTC)
        for top in tops:
            if top is not None and (last is None or top > last):
                last = top
        return None if last is None else from_us(last)

    def funnel(self, steps: Sequence[Any], **kw: Any) -> Any:
        """A conversion funnel; see :func:`journeylab.funnels.funnel` (returns FunnelResult)."""
        from journeylab.funnels import funnel

        return funnel(self, steps, **kw)

    def compare_activations(
        self, start: Any = "signup", activations: Mapping[str, Any] | None = None, **kw: Any
    ) -> Any:
        """Activation definitions compared (rates, times, overlap, CAC by channel); see
        :func:`journeylab.activation.compare_activations` (returns ActivationComparison)."""
        from journeylab.activation import compare_activations

        return compare_activations(self, start=start, activations=activations, **kw)

    def catalog(self) -> Catalog:
        """Every event name: events, users, first/last seen, declared; near-miss warnings."""
        fired = self.execute(catalog_expr(self.events()))
        return build_catalog(fired, self.declared())


class _NoStats(Exception):
    """A footer without usable ``event_at`` statistics."""


def _footer_max_us(meta: pq.FileMetaData) -> int | None:
    """Largest ``event_at`` in one file's footer, in µs (None: no rows). Raw integers: no
    datetime (or pandas) conversion. Raises ``_NoStats`` when a row group has none."""
    col = meta.schema.names.index("event_at")
    logical = meta.schema.column(col).logical_type.to_json()
    unit = next((u for u in _PER_US if f'"{u}"' in logical), None)
    if unit is None or '"Timestamp"' not in logical:
        raise _NoStats
    mul, div = _PER_US[unit]
    best: int | None = None
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        if not group.num_rows:
            continue
        stats = group.column(col).statistics
        if stats is None or not stats.has_min_max or not isinstance(stats.max_raw, int):
            raise _NoStats
        top = stats.max_raw * mul // div
        best = top if best is None or top > best else best
    return best
