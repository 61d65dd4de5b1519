"""``Lake``: one lake folder plus an engine. The entry point of every analysis."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from journeylab.engine import Engine, EngineKind
from journeylab.errors import LakeError, invalid
from journeylab.ingest.model import MAX_ID_CHARS
from journeylab.ingest.options import CHUNK_ROWS, IngestOptions
from journeylab.lake.catalog import Catalog, build_catalog, catalog_expr, fired_names
from journeylab.lake.compact import COMPACT_FILE_ROWS, COMPACT_MEMORY, Properties
from journeylab.lake.compact import compact as compact_lake
from journeylab.lake.footers import NoStats, last_event_us
from journeylab.lake.journeys_methods import JourneyMethods
from journeylab.lake.layout import REJECTED_SCHEMA, Layout
from journeylab.lake.remote import RemoteLayout, is_uri
from journeylab.times import TimeLike, from_us

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import polars as pl

    from journeylab.activation.cac import SpendInput
    from journeylab.activation.result import ActivationComparison
    from journeylab.activation.spec import DefinitionLike
    from journeylab.durations import Duration
    from journeylab.funnels.result import FunnelResult
    from journeylab.funnels.spec import ExcludeLike, MaxGapLike
    from journeylab.ingest.report import IngestReport
    from journeylab.journeys.reactivation import ActivityLike
    from journeylab.journeys.reactivation_result import ReactivationResult
    from journeylab.journeys.retention_spec import RetentionSpec
    from journeylab.lake.summary import LakeSummary
    from journeylab.steps import StepLike

__all__ = ["Lake", "open_lake"]


def open_lake(
    path: str | os.PathLike[str],
    engine: Engine | EngineKind | None = None,
    create: bool = False,
    spark: Any | None = None,
) -> Lake:
    """Open the lake at ``path``; ``engine`` defaults to in-process DuckDB.

    ``engine="pyspark"`` runs the analyses on Spark: a local session, or the one ``spark``
    names — a SparkSession you built, or a Spark Connect server's URL
    (``spark="sc://host:15002"``, which implies ``engine="pyspark"``). On Spark ``path``
    may also be any URI Spark reads (``s3a://bucket/lake``, ``abfss://...``, ``gs://...``,
    ``file:///...``) holding a lake's layout; such a lake is read-only. See docs/scale.md.

    Opening never creates: a path that is not a lake raises :class:`~journeylab.LakeError`
    naming the path and the fix. ``create=True`` makes a new, empty lake when ``path`` is a
    new or empty folder (what ``journeylab init`` and ``journeylab ingest`` do).

    >>> jl.open_lake(tmp / "typo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    journeylab.errors.LakeError: Invalid value for lake: '.../typo' does not exist. ...
    >>> jl.open_lake(tmp / "new", create=True).count()
    0
    """
    if is_uri(path):
        if create:
            raise LakeError(
                f"Invalid value for lake: {str(path)!r} is a URI; journeylab creates and "
                "writes local lake folders only. Ingest into a local folder, then copy the "
                "lake there (docs/scale.md)."
            )
        chosen = Engine.resolve(engine, spark)
        return Lake(RemoteLayout(str(path), chosen), chosen)
    return Lake(Layout(path, create=create), Engine.resolve(engine, spark))


class Lake(JourneyMethods):
    """A folder of Parquet events queried through an Ibis engine."""

    def __init__(self, layout: Layout | RemoteLayout, engine: Engine) -> None:
        self.layout = layout
        self.engine = engine

    @property
    def path(self) -> Path | str:
        """The lake's folder (a local Path), or its URI for a lake on remote storage."""
        return self.layout.root

    def _local(self) -> Layout:
        """The layout, to write: a lake on remote storage is read-only."""
        if isinstance(self.layout, Layout):
            return self.layout
        raise self.layout.read_only()

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
        options: IngestOptions | None = None,
    ) -> IngestReport:
        """Land files (jsonl/ndjson, json batch, csv, parquet) in the lake; see IngestReport.

        ``options`` (:class:`~journeylab.ingest.IngestOptions`) tunes how it runs; the
        ``progress`` and ``chunk_rows`` arguments are shortcuts for two of its fields.
        """
        from journeylab.ingest.pipeline import ingest_paths

        items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        return ingest_paths(
            self._local(),
            self.engine,
            [Path(p) for p in items],
            fmt=format,
            received_at=received_at,
            options=_options(options, progress, chunk_rows),
        )

    def ingest_records(
        self,
        records: Sequence[Any],
        received_at: datetime | Sequence[datetime] | None = None,
        source: str = "records",
        options: IngestOptions | None = None,
    ) -> IngestReport:
        """Land in-memory records (Events API objects, as decoded from JSON) with the same
        validation as files; ``received_at`` is one time or one per record (e.g. when each
        came in its own HTTP request); ``source`` names them in the quarantine."""
        from journeylab.ingest.pipeline import ingest_records

        return ingest_records(
            self._local(), self.engine, records, received_at, source, options or IngestOptions()
        )

    def declare(self, name: str, description: str | None = None) -> None:
        """Register an event name before it is ever fired (kept in the lake)."""
        if not isinstance(name, str) or not name or len(name) > MAX_ID_CHARS:
            raise invalid("name", name, "a non-empty string of at most 255 characters")
        layout = self._local()
        with layout.locked():
            declared = layout.read_json("declared.json", {})
            declared[name] = {
                "description": description,
                "declared_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            }
            layout.write_json("declared.json", declared)

    def declared(self) -> dict[str, dict[str, Any]]:
        return dict(self.layout.read_json("declared.json", {}))

    def compact(
        self,
        file_rows: int = COMPACT_FILE_ROWS,
        memory_limit: str = COMPACT_MEMORY,
        properties: Properties = None,
    ) -> int:
        """Rewrite the events as few large files sorted by (name, user_key, event_at,
        event_id), in bounded memory (DuckDB spills under ``memory_limit``), with typed
        properties: the ``data`` keys ``properties`` names (declared: later compactions
        keep them), or without a declaration (or with ``"auto"``) the most used keys,
        stored as typed columns that filters and breakdowns read instead of the JSON
        (docs/adr/0009; ``[]`` declares none).

        The events are unchanged; the new files replace the old in one atomic switch.
        Returns the number of files after compaction.
        """
        return compact_lake(
            self._local(), self.engine, file_rows, memory_limit, properties=properties
        )

    def properties(self) -> tuple[str, ...]:
        """The ``data`` keys the lake's files carry as typed columns (docs/adr/0009)."""
        self.layout.snapshot()
        return tuple(self.layout.pinned_keys())

    # -- reading ---------------------------------------------------------------------
    def events(self) -> ir.Table:
        """All events as an Ibis table (view ``events``): event_id, user_id, name,
        event_at, received_at, data (JSON text), user_key (format 3; see docs/lake.md)."""
        files = self.layout.snapshot()
        return self.engine.table("events", files, self.layout.pinned_schema())

    def user_keys_exact(self) -> bool:
        """Whether ``user_key`` identifies users exactly in this lake (no two user ids share
        one), so analyses may join and group on it instead of the string ids."""
        return self.layout.user_keys_exact()

    def verify_user_keys(self) -> bool:
        """Check the whole lake for user ids sharing a ``user_key`` and record the answer
        (for lakes written by other tools, or after rewriting the files); True when exact."""
        from journeylab.lake.userkeys import verify_user_keys

        layout = self._local()
        with layout.locked(), self.engine.scratch() as con:
            return verify_user_keys(con, layout)

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
        """Number of events, read from Parquet footers (a query on remote storage)."""
        if not isinstance(self.layout, Layout):
            return int(self.execute(self.events().count().name("n")).item())
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.layout.snapshot())

    def last_event_at(self) -> datetime | None:
        """The lake's last ``event_at`` (the default as-of time of analyses).

        Read from the Parquet footers' statistics (raw integers, any time unit); a query
        over the events only when a row group has none.
        """
        try:
            if not isinstance(self.layout, Layout):  # remote: Spark reads the footers
                raise NoStats
            last = last_event_us(self.layout.snapshot())
        except (NoStats, OSError):  # no statistics, or a file compacted away meanwhile
            value = self.events().event_at.max()
            out = self.execute(value.name("last")).item()
            return None if out is None else out.astimezone(UTC)
        return None if last is None else from_us(last)

    def funnel(
        self,
        steps: Sequence[StepLike],
        within: Duration = "7d",
        order: str = "ordered",
        exclude: ExcludeLike | None = None,
        max_gap: MaxGapLike | None = None,
        by: str | None = None,
        attribution: str = "first_touch",
        as_of: TimeLike | None = None,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        top: int = 10,
        method: str = "auto",
        strict: bool = False,
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
    ) -> FunnelResult:
        """A conversion funnel; see :func:`journeylab.funnels.funnel` (same parameters)."""
        from journeylab.funnels import funnel

        return funnel(
            self,
            steps,
            within,
            order,
            exclude,
            max_gap,
            by,
            attribution,
            as_of,
            start_date,
            end_date,
            top,
            method,
            strict,
            start=start,
            end=end,
        )

    def reactivations(
        self,
        dormant_for: Duration = "30d",
        active: ActivityLike | None = "any",
        exclude: ActivityLike | None = None,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        strict: bool = False,
    ) -> ReactivationResult:
        """Users back after at least ``dormant_for`` without activity (a derived moment); see
        :func:`journeylab.journeys.reactivations` (same parameters)."""
        from journeylab.journeys import reactivations

        return reactivations(
            self, dormant_for, active, exclude, start_date, end_date, as_of, strict
        )

    def compare_activations(
        self,
        start: StepLike = "signup",
        activations: Mapping[str, DefinitionLike] | None = None,
        within: Duration = "14d",
        spend: SpendInput | None = None,
        channel: str | SpendInput = "channel",
        as_of: TimeLike | None = None,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        users: SpendInput | None = None,
        strict: bool = False,
        retained: RetentionSpec | None = None,
    ) -> ActivationComparison:
        """Activation definitions compared (rates, times, overlap, CAC by channel); see
        :func:`journeylab.activation.compare_activations` (same parameters)."""
        from journeylab.activation import compare_activations

        return compare_activations(
            self,
            start,
            activations,
            within,
            spend,
            channel,
            as_of,
            start_date,
            end_date,
            users,
            strict,
            retained,
        )

    def summary(self) -> LakeSummary:
        """Events, distinct users, first and last ``event_at`` (a LakeSummary)."""
        from journeylab.lake.summary import summarize_lake

        return summarize_lake(self)

    def catalog(self) -> Catalog:
        """Every event name: events, users, first/last seen, declared; near-miss warnings."""
        files = self.layout.snapshot() if isinstance(self.layout, Layout) else []
        if self.engine.kind == "duckdb" and files:  # no query layer (docs/adr/0011)
            fired = fired_names(self.engine.connection, files)
        else:
            fired = self.execute(catalog_expr(self.events()))
        return build_catalog(fired, self.declared())


def _options(
    options: IngestOptions | None, progress: bool | None, chunk_rows: int
) -> IngestOptions:
    """``options`` with the two shortcut arguments of :meth:`Lake.ingest` applied."""
    base = options or IngestOptions()
    if progress is not None:
        base = replace(base, progress=progress)
    if chunk_rows != CHUNK_ROWS:
        base = replace(base, chunk_rows=chunk_rows)
    return base
