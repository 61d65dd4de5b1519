"""Run an activation comparison: spec → Ibis → engine → ActivationComparison.

One heavy query (the per-user table, from the events) runs on the engine; the aggregates
then run on the engine over that materialized table, and the Wilson intervals are added
in polars. ``to_sql`` parts are compiled from the events, not from the materialized table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import ibis.expr.types as ir
import polars as pl

from journeylab.activation.cac import SpendInput, cac_expr, load_channels, load_spend
from journeylab.activation.compile import (
    channel_expr,
    definitions_expr,
    overlap_expr,
    per_user_expr,
)
from journeylab.activation.condition import ConditionActivation
from journeylab.activation.result import ActivationComparison
from journeylab.activation.retained import check_retained, retained_frames
from journeylab.activation.spec import ActivationSpec, DefinitionLike, activation_spec
from journeylab.conditions.validate import event_refs, field_refs
from journeylab.durations import Duration
from journeylab.engine import Engine
from journeylab.journeys.retention_spec import RetentionSpec
from journeylab.names import EventRef, FieldRef, check_names, step_refs
from journeylab.stats import wilson
from journeylab.steps import Step, StepLike
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.lake import Lake

__all__ = ["activation_names", "compare_activations", "run_comparison"]

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
    """Compare activation definitions on the users who started (first ``start`` event).

    ``activations`` maps a label to an event name, ``journeylab.step(...)``, a
    ``{"event", "where"}`` dict, a condition or an ActivationSource. ``channel`` is the start
    event's ``data`` field naming the acquisition channel, or a user table (polars frame or
    path with user_id, channel; same as ``users=``). ``spend`` (date, channel, amount) gives
    CAC per channel and definition over the same start dates. ``start_date``/``end_date``:
    the range of the users' first start (a date is its whole UTC day, both ends included; a
    datetime is an instant, the end excluded). ``as_of`` defaults to the lake's last
    ``event_at``. Event names and ``data`` fields are checked against the lake: unknown
    ones are in ``result.warnings``, or raise with ``strict=True``. ``retained``
    (``jl.retention_spec(period="week", periods=4)``) adds activation quality: per definition
    and channel, the share of activated and of not-activated users still active at period N
    (censored users apart) and CAC per retained activated user (``result.retained()``).

    >>> cmp = lake.compare_activations("signup", {"buy": "purchase"}, within="7d")
    >>> cmp.table().select("definition", "started", "activated").rows()
    [('buy', 3, 2)]
    """
    channels = users
    if not isinstance(channel, str):
        channels, channel = channel, "channel"
    spec = activation_spec(start, activations, within, channel, as_of, start_date, end_date)
    keep = check_retained(spec, retained)
    by_field = channels is None and (spend is not None or channel != "channel")
    events, fields = activation_names(spec, channel_field=by_field)
    if keep is not None and keep.returning is not None:
        ev, fi = step_refs("retained.returning", keep.returning)
        events, fields = events + ev, fields + fi
    warnings = check_names(lake, events, fields, strict=strict)
    result = run_comparison(
        lake.engine, lake.events(), spec, spend=spend, users=channels, retained=keep
    )
    return replace(result, warnings=warnings)


def activation_names(
    spec: ActivationSpec, channel_field: bool = False
) -> tuple[list[EventRef], list[FieldRef]]:
    """The start step, each definition's event names and ``data`` fields (steps and
    conditions; other sources are not inspected), and the channel field when it is read."""
    events, fields = step_refs("start", spec.start)
    for d in spec.definitions:
        param = f"activations[{d.label!r}]"
        if isinstance(d.source, Step):
            ev, fi = step_refs(param, d.source)
        elif isinstance(d.source, ConditionActivation):
            body = d.source.to_dict()["condition"]
            ev = [(f"{param}.{p}", n) for p, n in event_refs(body)]
            fi = [(f"{param}.{p}", f, e) for p, f, e in field_refs(body)]
        else:
            continue
        events += ev
        fields += fi
    if channel_field:
        fields.append(("channel", spec.channel, (spec.start.name,)))
    return events, fields


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
    retained: RetentionSpec | None = None,
) -> ActivationComparison:
    """Run ``spec`` over an events table on ``engine`` (the library's core entry point);
    ``retained`` adds activation quality (:mod:`journeylab.activation.retained`)."""
    as_of = spec.as_of or _last_event_at(engine, events)
    spend_df = None if spend is None else load_spend(spend)
    users_df = None if users is None else load_channels(users)
    channels_t = None if users_df is None else engine.memtable(users_df)
    if as_of is None:  # an empty lake: nothing started
        as_of = datetime(1970, 1, 1, tzinfo=UTC)
    per_user_q = per_user_expr(events, spec, as_of, channels_t)
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
    quality = None
    if retained is not None:
        spent = by_channel.select("definition", "channel", "spend") if spend_t is not None else None
        quality = retained_frames(
            engine, events, spec, retained, per_user, pu, as_of, spent, per_user_q
        )
        queries["retained"] = quality.query
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
        retained_spec=retained,
        retained_frame=None if quality is None else quality.definitions,
        retained_channel_frame=None if quality is None else quality.by_channel,
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
