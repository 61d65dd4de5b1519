"""Funnels: spec -> Ibis expression -> engine -> FunnelResult (see docs/funnels.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.durations import Duration
from journeylab.errors import LakeError
from journeylab.funnels.compile import compile_funnel
from journeylab.funnels.compile_greedy import id_lookup
from journeylab.funnels.reference import format_value, reference_funnel
from journeylab.funnels.result import (
    NONE,
    OTHER,
    FunnelResult,
    FunnelTrend,
    TimeToConvert,
    summarize,
)
from journeylab.funnels.spec import Exclusion, FunnelSpec, make_spec
from journeylab.steps import Step

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = [
    "Exclusion",
    "FunnelResult",
    "FunnelSpec",
    "FunnelTrend",
    "TimeToConvert",
    "funnel",
    "make_spec",
    "reference_funnel",
    "build_result",
]


def _normalize(frame: pl.DataFrame, spec: FunnelSpec) -> pl.DataFrame:
    """Per-user frame: user_id, reached, t1..tn (chain order), in_progress, matured,
    segment. Rows in the engine's order: sorting millions of string ids is left to the
    few callers that need an order (``FunnelResult.users`` sorts what it returns)."""
    n = spec.n
    tcols = [f"t{k}" for k in range(1, n + 1)]
    if frame.height and frame.schema["t1"] != pl.Datetime("us", "UTC"):
        frame = frame.with_columns(
            [pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("UTC") for c in tcols]
        )
    if spec.order == "any" and frame.height:
        # reached-k time = k-th smallest of the start and the counted steps' times
        srt = frame.select(pl.concat_list(tcols).list.drop_nulls().list.sort().alias("ts"))
        frame = frame.with_columns(
            [srt["ts"].list.get(k - 1, null_on_oob=True).alias(f"t{k}") for k in range(1, n + 1)]
        )
    cols: list[Any] = [
        pl.col("user_id" if "user_id" in frame.columns else "user_key"),
        pl.col("reached").cast(pl.Int64),
        *[pl.col(c) for c in tcols],
        pl.col("in_progress").cast(pl.Boolean),
        pl.col("matured").cast(pl.Boolean),
    ]
    if spec.by is not None:
        nums = frame["vn"].cast(pl.Float64).drop_nulls().unique().to_list()
        shown = pl.DataFrame(
            {"vn": nums, "vn_text": [format_value(v) for v in nums]},
            schema={"vn": pl.Float64, "vn_text": pl.String},
        )
        frame = (
            frame.with_columns(pl.col("vn").cast(pl.Float64))
            .join(shown, on="vn", how="left", nulls_equal=False)
            .with_columns(raw=pl.coalesce(pl.col("vs").cast(pl.String), "vn_text").fill_null(NONE))
        )
        top = (
            frame.group_by("raw")
            .agg(pl.len().alias("c"))
            .sort(["c", "raw"], descending=[True, False])
            .head(spec.top)["raw"]
            .to_list()
        )
        frame = frame.with_columns(
            segment=pl.when(pl.col("raw").is_in(top)).then(pl.col("raw")).otherwise(pl.lit(OTHER))
        )
        cols.append(pl.col("segment"))
    return frame.select(cols)


def build_result(
    spec: FunnelSpec,
    frame: pl.DataFrame,
    as_of: datetime | None,
    sql: str,
    id_lookup: Callable[[], pl.DataFrame] | None = None,
) -> FunnelResult:
    """The result of a per-user frame (user_id, or user_key with ``id_lookup``: a callable
    returning user_key, user_id for at least the frame's keys)."""
    users = _normalize(frame, spec)
    steps = summarize(users, spec)
    by_segment = None
    if spec.by is not None:
        parts = []
        counts = users.group_by("segment").agg(pl.len().alias("c"))
        order = counts.sort(
            [pl.col("segment") == OTHER, "c", "segment"], descending=[False, True, False]
        )["segment"].to_list()
        for seg in order:
            part = summarize(users.filter(pl.col("segment") == seg), spec)
            parts.append(part.with_columns(segment=pl.lit(seg)).select("segment", *part.columns))
        by_segment = pl.concat(parts) if parts else None
    return FunnelResult(spec, as_of, users, steps, by_segment, sql, id_lookup)


def funnel(
    lake: Lake,
    steps: Sequence[str | Step | Mapping[str, Any]],
    within: Duration = "7d",
    order: str = "ordered",
    exclude: Any = None,
    max_gap: Any = None,
    by: str | None = None,
    attribution: str = "first_touch",
    as_of: Any = None,
    start: Any = None,
    end: Any = None,
    top: int = 10,
    method: str = "auto",
) -> FunnelResult:
    """A conversion funnel over ``lake``; see docs/funnels.md for every parameter."""
    spec = make_spec(
        steps,
        within=within,
        order=order,
        exclude=exclude,
        max_gap=max_gap,
        by=by,
        attribution=attribution,
        as_of=as_of,
        start=start,
        end=end,
        top=top,
    )
    cut = spec.as_of or lake.last_event_at()
    if cut is None:  # empty lake: no entrants
        empty = pl.DataFrame(
            {"user_id": [], "reached": [], "in_progress": [], "matured": [], "vs": [], "vn": []},
            schema={
                "user_id": pl.String,
                "reached": pl.Int64,
                "in_progress": pl.Boolean,
                "matured": pl.Boolean,
                "vs": pl.String,
                "vn": pl.Float64,
            },
        ).with_columns(
            [pl.lit(None, pl.Datetime("us", "UTC")).alias(f"t{k}") for k in range(1, spec.n + 1)]
        )
        return build_result(spec, empty, None, "")
    events = lake.events()
    # breakdowns attribute events by user id; other funnels may run on exact integer keys
    exact = spec.by is None and "user_key" in events.columns and lake.user_keys_exact()
    expr = compile_funnel(
        events,
        spec,
        cut,
        filter_as_of=spec.as_of is not None,
        method=method,
        key="user_key" if exact else "user_id",
    )
    keyed = "user_key" in expr.columns  # only the greedy path uses the key
    sql = lake.to_sql(expr)  # compile once (Ibis compilation dominates small funnels)
    with lake.engine.unordered():  # per-user rows: their order carries no meaning
        frame = lake.engine.sql(sql)
    lookup = _lookup(lake, id_lookup(events, spec)) if keyed else None
    return build_result(spec, frame, cut, sql, lookup)


def _lookup(lake: Lake, expr: Any) -> Callable[[], pl.DataFrame]:
    """The deferred key → id query of a keyed funnel; refuses keys that stopped being exact
    (a later ingest recorded a collision)."""

    def run() -> pl.DataFrame:
        ids = lake.execute(expr)
        if ids.height and int(ids["ids"].max()) > 1:  # type: ignore[arg-type]
            raise LakeError(
                "The lake changed since this funnel ran: two user ids now share a user_key. "
                "Run the funnel again (it will group by user_id)."
            )
        return ids.select("user_key", "user_id")

    return run
