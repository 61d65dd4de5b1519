"""Activation quality: of the users a definition activates, how many are still active at
period N — next to the users it does not activate — and CAC per *retained* activated user.

``compare_activations(..., retained=RetentionSpec)`` measures every started user of the
comparison from their start (the comparison's first start event, the same instant for both
groups) with the retention semantics of :mod:`journeylab.journeys.retention_spec`: retained
at period ``N = retained.periods`` when a ``returning`` event strictly after the start falls
in period N (``mode="on"``) or in N or later (``"on_or_after"``); a user whose period N has
not ended at as-of is *censored*: counted apart, neither retained nor lost.

Per definition (and per channel):

- ``activated``: users the definition activated; ``not_activated``: users whose window closed
  without activation. Users still in their activation window are in neither (``in_progress``).
- ``eligible`` (period N ended), ``retained``, ``rate = retained / eligible`` with its Wilson
  95% interval, ``censored = users - eligible``.
- With spend: ``retained_share`` = eligible users who activated and were retained ÷ eligible
  users of both groups, and ``cac_retained = spend / (started × retained_share)`` — spend per
  retained activated user (exactly spend ÷ retained activated users when nobody is censored
  or in progress); ``cac_retained_low/high`` from the share's Wilson bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import ibis.expr.types as ir
import polars as pl

from journeylab.activation.compile import act_col, epoch_micros
from journeylab.activation.spec import ActivationSpec
from journeylab.engine import Engine
from journeylab.errors import SpecError, invalid
from journeylab.journeys.calendar import Offsets
from journeylab.journeys.ibis_common import run
from journeylab.journeys.retention_compile import compile_returns, mask_cols
from journeylab.journeys.retention_result import _hit
from journeylab.journeys.retention_spec import RetentionSpec
from journeylab.stats import wilson

__all__ = ["GROUPS", "RetainedFrames", "check_retained", "retained_frames", "retained_counts"]

GROUPS = ("activated", "not_activated")
_COUNTS = ["users", "eligible", "retained"]


def check_retained(spec: ActivationSpec, retained: Any) -> RetentionSpec | None:
    """``retained`` as a :class:`RetentionSpec` measuring the comparison's started users.

    Who is measured is the comparison's (its start event, dates and clock): a spec whose
    ``start`` differs, or that sets ``by``, ``start_kind="recurring"`` or its own dates, is
    refused rather than silently ignored."""
    if retained is None:
        return None
    if not isinstance(retained, RetentionSpec):
        raise invalid(
            "retained",
            retained,
            "a RetentionSpec, e.g. jl.retention_spec(period='week', periods=4)",
            cls=SpecError,
        )
    fix = "The comparison says who is measured: set it on compare_activations."
    if retained.start != spec.start:
        raise invalid(
            "retained.start",
            retained.start.to_dict(),
            f"the comparison's start {spec.start.to_dict()!r}",
            "Users are measured from their first start event, activated or not: build the "
            "spec with retention_spec(start=<the same start>, ...).",
            cls=SpecError,
        )
    if retained.by is not None:
        raise invalid("retained.by", retained.by, "None (the comparison has channels)", fix,
                      cls=SpecError)  # fmt: skip
    if retained.start_kind != "first_time":
        raise invalid("retained.start_kind", retained.start_kind, "'first_time'", fix,
                      cls=SpecError)  # fmt: skip
    c = retained.clock
    if c.start is not None or c.end is not None or c.as_of is not None:
        raise invalid("retained", "start_date/end_date/as_of", "unset", fix, cls=SpecError)
    return retained


def entries_expr(pu: ir.Table, spec: RetentionSpec, offsets: Offsets) -> ir.Table:
    """The comparison's started users as retention entries (u, eus, cohort)."""
    us = epoch_micros(pu.start_at)
    return pu.select(u=pu.user_id, eus=us, cohort=spec.calendar.expr(us, offsets))


def returns_expr(
    events: ir.Table,
    pu: ir.Table,
    spec: RetentionSpec,
    as_of: datetime,
    offsets: Offsets,
) -> ir.Table:
    """Per started user: u, ended (periods ended at as-of) and the masks of the periods
    they returned in (:func:`journeylab.journeys.retention_compile.compile_returns`)."""
    entries = entries_expr(pu, spec, offsets)
    return compile_returns(events, spec, entries, as_of, offsets, "user_id")


def user_hits(rows: pl.DataFrame, spec: RetentionSpec) -> pl.DataFrame:
    """Engine rows (u, ended, masks) -> user_id, eligible (period N ended), retained_n."""
    n = spec.periods
    return rows.select(
        user_id=pl.col("u"),
        eligible=pl.col("ended").cast(pl.Int64) > n,
        hit=_hit(n, n, spec.mode),
    )


def retained_counts(
    per_user: pl.DataFrame, hits: pl.DataFrame, spec: ActivationSpec
) -> pl.DataFrame:
    """Per definition, channel and group: users, eligible, retained (and ``started`` /
    ``in_progress`` per definition and channel)."""
    f = per_user.join(hits, on="user_id", how="left").with_columns(
        pl.col("eligible").fill_null(False), pl.col("hit").fill_null(False)
    )
    parts = []
    for i, d in enumerate(spec.definitions):
        act = pl.col(act_col(i)).is_not_null()
        group = (
            pl.when(act)
            .then(pl.lit("activated"))
            .when(pl.col("matured"))
            .then(pl.lit("not_activated"))
            .otherwise(pl.lit("in_progress"))
        )
        parts.append(
            f.with_columns(group=group)
            .group_by(["channel", "group"])
            .agg(
                users=pl.len(),
                eligible=pl.col("eligible").sum(),
                retained=(pl.col("eligible") & pl.col("hit")).sum(),
            )
            .with_columns(definition=pl.lit(d.label))
        )
    schema = {"channel": pl.String, "group": pl.String, "users": pl.Int64,
              "eligible": pl.Int64, "retained": pl.Int64, "definition": pl.String}  # fmt: skip
    if not parts or not per_user.height:
        return pl.DataFrame(schema=schema)
    out = pl.concat(parts).with_columns(pl.col(c).cast(t) for c, t in schema.items())
    return out.select(list(schema))


def _rates(frame: pl.DataFrame, succ: str, trials: str, prefix: str) -> pl.DataFrame:
    ci = [wilson(int(s), int(n)) for s, n in zip(frame[succ], frame[trials], strict=True)]
    return frame.with_columns(
        pl.when(pl.col(trials) > 0).then(pl.col(succ) / pl.col(trials)).alias(f"{prefix}rate"),
        pl.Series(f"{prefix}ci_low", [c[0] for c in ci], dtype=pl.Float64),
        pl.Series(f"{prefix}ci_high", [c[1] for c in ci], dtype=pl.Float64),
    )


def _table(counts: pl.DataFrame, keys: list[str], spend: pl.DataFrame | None) -> pl.DataFrame:
    """Rows per ``keys`` + group with rates; with spend, CAC per retained activated user on
    the activated rows."""
    by = counts.group_by([*keys, "group"]).agg(pl.col(_COUNTS).sum())
    totals = counts.group_by(keys).agg(
        started=pl.col("users").sum(),
        in_progress=pl.col("users").filter(pl.col("group") == "in_progress").sum(),
        base=pl.col("eligible").filter(pl.col("group") != "in_progress").sum(),
        kept=pl.col("retained").filter(pl.col("group") == "activated").sum(),
    )
    out = by.filter(pl.col("group") != "in_progress").join(totals, on=keys, how="left")
    out = _rates(out, "retained", "eligible", "").with_columns(
        censored=pl.col("users") - pl.col("eligible")
    )
    cols = [*keys, "group", "started", "users", "eligible", "retained", "rate", "ci_low",
            "ci_high", "censored", "in_progress"]  # fmt: skip
    if spend is not None:
        out = _rates(out.join(spend, on=keys, how="left"), "kept", "base", "share_")
        est = pl.col("spend") / pl.col("started")
        act = pl.col("group") == "activated"
        out = out.with_columns(
            retained_share=pl.when(act).then(pl.col("share_rate")),
            cac_retained=pl.when(act & (pl.col("share_rate") > 0)).then(est / pl.col("share_rate")),
            cac_retained_low=pl.when(act & (pl.col("share_ci_high") > 0)).then(
                est / pl.col("share_ci_high")
            ),
            cac_retained_high=pl.when(act & (pl.col("share_ci_low") > 0)).then(
                est / pl.col("share_ci_low")
            ),
            spend=pl.when(act).then(pl.col("spend")),
        )
        cols += ["spend", "retained_share", "cac_retained", "cac_retained_low",
                 "cac_retained_high"]  # fmt: skip
    order = {g: k for k, g in enumerate(GROUPS)}
    out = out.with_columns(_g=pl.col("group").replace_strict(order, return_dtype=pl.Int64))
    return out.sort([*keys, "_g"]).select(cols)


@dataclass(frozen=True)
class RetainedFrames:
    definitions: pl.DataFrame  # definition, group, ... (channels summed)
    by_channel: pl.DataFrame  # channel, definition, group, ...
    query: ir.Table  # the returns, compiled from ``source`` (for to_sql)


def retained_frames(
    engine: Engine,
    events: ir.Table,
    spec: ActivationSpec,
    retained: RetentionSpec,
    per_user: pl.DataFrame,
    pu: ir.Table,
    as_of: datetime,
    spend: pl.DataFrame | None = None,
    source: ir.Table | None = None,
) -> RetainedFrames:
    """Run the returns of the started users (``per_user``, and ``pu`` the same table on the
    engine) and count them per definition, channel and group. ``spend``: definition,
    channel, spend (the comparison's CAC rows); ``source``: the per-user query ``pu`` was
    computed by (the SQL shown is compiled from it and the events)."""
    if per_user.height:
        first: datetime = per_user["start_at"].min()  # type: ignore[assignment]
        lo = first.replace(tzinfo=first.tzinfo or UTC)
        offsets = retained.calendar.offsets(min(lo, as_of), as_of)
    else:
        offsets = Offsets(((None, 0),))
    expr = returns_expr(events, pu, retained, as_of, offsets)
    rows, _ = run(engine, expr.select("u", "ended", *mask_cols(retained.periods)))
    counts = retained_counts(per_user, user_hits(rows, retained), spec)
    by_def = None
    if spend is not None:
        by_def = spend.group_by("definition").agg(pl.col("spend").sum())
    order = {label: k for k, label in enumerate(spec.labels)}

    def ordered(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        rank = pl.col("definition").replace_strict(order, return_dtype=pl.Int64)
        return frame.with_columns(_o=rank).sort(["_o", *keys], maintain_order=True).drop("_o")

    definitions = ordered(_table(counts, ["definition"], by_def), [])
    by_channel = ordered(_table(counts, ["channel", "definition"], spend), ["channel"])
    shown = expr if source is None else returns_expr(events, source, retained, as_of, offsets)
    return RetainedFrames(definitions, by_channel, shown)
