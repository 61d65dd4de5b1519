"""Run an activation comparison: spec → Ibis → engine → ActivationComparison.

One heavy query (the per-user table, from the events) runs on the engine; the aggregates
then run on the engine over that materialized table, and the Wilson intervals are added
in polars. ``to_sql`` parts are compiled from the events, not from the materialized table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir
import polars as pl

from journeylab.activation.cac import SpendInput, cac_expr, load_channels, load_spend
from journeylab.activation.compile import (
    channel_expr,
    definitions_expr,
    overlap_expr,
    per_user_expr,
)
from journeylab.activation.result import ActivationComparison
from journeylab.activation.spec import ActivationSpec, activation_spec
from journeylab.durations import Duration
from journeylab.engine import Engine
from journeylab.stats import wilson

if TYPE_CHECKING:
    from journeylab.lake import Lake

__all__ = ["compare_activations", "run_comparison"]

CHANNEL_COLUMNS = (
    "channel",
    "definition",
    "started",
    "activated",
    "rate",
    "ci_low",
    "ci_high",
    "matured",
    "activated_matured",
    "rate_matured",
    "ci_low_matured",
    "ci_high_matured",
    "in_progress",
    "spend",
    "cac",
    "cac_low",
    "cac_high",
)
OVERLAP_SCHEMA = {
    "a": pl.String,
    "b": pl.String,
    "both": pl.Int64,
    "only_a": pl.Int64,
    "only_b": pl.Int64,
    "neither": pl.Int64,
    "jaccard": pl.Float64,
}


def compare_activations(
    lake: Lake,
    start: Any = "signup",
    activations: Mapping[str, Any] | None = None,
    within: Duration = "14d",
    spend: SpendInput | None = None,
    channel: str | SpendInput = "channel",
    as_of: datetime | str | None = None,
    start_date: date | str | None = None,
    end_date: date | str | None = None,
    users: SpendInput | None = None,
) -> ActivationComparison:
    """Compare activation definitions on the users who started (first ``start`` event).

    ``activations`` maps a label to an event name, ``journeylab.step(...)``, a
    ``{"event", "where"}`` dict or an ActivationSource. ``channel`` is the start event's
    ``data`` field naming the acquisition channel, or a user table (polars frame or path
    with user_id, channel; same as ``users=``). ``spend`` (date, channel, amount) gives
    CAC per channel and definition over the same start dates. ``as_of`` defaults to the
    lake's last ``event_at``.
    """
    channels = users
    if not isinstance(channel, str):
        channels, channel = channel, "channel"
    spec = activation_spec(start, activations, within, channel, as_of, start_date, end_date)
    return run_comparison(lake.engine, lake.events(), spec, spend=spend, users=channels)


def _with_wilson(frame: pl.DataFrame, succ: str, trials: str, suffix: str) -> pl.DataFrame:
    lows, highs, rates = [], [], []
    for s, n in zip(frame[succ].to_list(), frame[trials].to_list(), strict=True):
        lo, hi = wilson(int(s or 0), int(n or 0))
        lows.append(lo)
        highs.append(hi)
        rates.append(None if not n else (s or 0) / n)
    return frame.with_columns(
        pl.Series(f"rate{suffix}", rates, dtype=pl.Float64),
        pl.Series(f"ci_low{suffix}", lows, dtype=pl.Float64),
        pl.Series(f"ci_high{suffix}", highs, dtype=pl.Float64),
    )


def _last_event_at(engine: Engine, events: ir.Table) -> datetime | None:
    out = engine.to_polars(events.aggregate(last=events.event_at.max()))["last"][0]
    return None if out is None else out.astimezone(UTC)


def run_comparison(
    engine: Engine,
    events: ir.Table,
    spec: ActivationSpec,
    spend: SpendInput | None = None,
    users: SpendInput | None = None,
) -> ActivationComparison:
    """Run ``spec`` over an events table on ``engine`` (the library's core entry point)."""
    as_of = spec.as_of or _last_event_at(engine, events)
    spend_df = None if spend is None else load_spend(spend)
    users_df = None if users is None else load_channels(users)
    channels_t = None if users_df is None else engine.memtable(users_df)
    if as_of is None:  # an empty lake: nothing started
        as_of = datetime(1970, 1, 1, tzinfo=UTC)
    per_user_q = per_user_expr(events, spec, as_of, channels_t, engine.kind)
    per_user = engine.to_polars(per_user_q).sort("user_id")
    pu = engine.memtable(per_user)

    defs = engine.to_polars(definitions_expr(pu, spec)).sort("ord")
    defs = _with_wilson(defs, "activated", "started", "")
    defs = _with_wilson(defs, "activated_matured", "matured", "_matured")

    ov_q = overlap_expr(pu, spec)
    if ov_q is None:
        overlap = pl.DataFrame(schema=OVERLAP_SCHEMA)
    else:
        overlap = engine.to_polars(ov_q).sort(["ord_a", "ord_b"])
        union = overlap["both"] + overlap["only_a"] + overlap["only_b"]
        jac = [None if u == 0 else b / u for b, u in zip(overlap["both"], union, strict=True)]
        overlap = overlap.with_columns(pl.Series("jaccard", jac, dtype=pl.Float64)).select(
            list(OVERLAP_SCHEMA)
        )

    date_range = _date_range(spec, per_user)
    spend_t = None if spend_df is None else engine.memtable(spend_df)
    by_channel_q = channel_expr(pu, spec)
    if spend_t is not None:
        lo, hi = date_range or (date(1, 1, 2), date(1, 1, 1))  # empty range: no spend
        by_channel_q = cac_expr(by_channel_q, spend_t, lo, hi, spec.labels)
    by_channel = engine.to_polars(by_channel_q).sort(["ord", "channel"])
    by_channel = _with_wilson(by_channel, "activated", "started", "")
    by_channel = _with_wilson(by_channel, "activated_matured", "matured", "_matured")
    if spend_t is not None:
        # spend is known; the uncertainty is in the rate: spend / (started × Wilson bound)
        per_start = pl.col("spend") / pl.col("started")
        by_channel = by_channel.with_columns(
            cac_low=pl.when(pl.col("ci_high") > 0).then(per_start / pl.col("ci_high")),
            cac_high=pl.when(pl.col("ci_low") > 0).then(per_start / pl.col("ci_low")),
        )
    by_channel = by_channel.select([c for c in CHANNEL_COLUMNS if c in by_channel.columns])
    if spend_t is not None:
        totals = by_channel.group_by("definition").agg(pl.col("spend").sum().alias("spend"))
        defs = defs.join(totals, on="definition", how="left").with_columns(
            cac=pl.when(pl.col("activated") > 0).then(pl.col("spend") / pl.col("activated"))
        )
    defs = defs.sort("ord").select(
        pl.col("definition"),
        pl.Series("event", [d.describe() for d in spec.definitions], dtype=pl.String),
        *[
            c
            for c in (
                "started",
                "activated",
                "rate",
                "ci_low",
                "ci_high",
                "matured",
                "activated_matured",
                "rate_matured",
                "ci_low_matured",
                "ci_high_matured",
                "in_progress",
                "median_seconds",
                "p75_seconds",
                "spend",
                "cac",
            )
            if c in defs.columns
        ],
    )
    queries: dict[str, ir.Expr] = {
        "definitions": definitions_expr(per_user_q, spec),
        "users": per_user_q,
    }
    ov_full = overlap_expr(per_user_q, spec)
    if ov_full is not None:
        queries["overlap"] = ov_full
    if spend_t is not None and date_range is not None:
        queries["cac"] = cac_expr(channel_expr(per_user_q, spec), spend_t, *date_range, spec.labels)
    return ActivationComparison(
        spec=spec,
        as_of=as_of,
        date_range=date_range,
        definitions_frame=defs,
        overlap_frame=overlap,
        channel_frame=by_channel,
        has_spend=spend_t is not None,
        users_frame=per_user,
        queries=queries,
        dialect=engine.kind,
    )


def _date_range(spec: ActivationSpec, per_user: pl.DataFrame) -> tuple[date, date] | None:
    """The start dates of the comparison: given bounds, else the first/last start date."""
    lo, hi = spec.start_date, spec.end_date
    if per_user.height:
        dates = per_user["start_at"].dt.date()
        lo = lo or dates.min()  # type: ignore[assignment]
        hi = hi or dates.max()  # type: ignore[assignment]
    if lo is None or hi is None:
        return None
    return (lo, hi)
