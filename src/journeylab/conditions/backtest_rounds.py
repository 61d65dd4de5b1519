"""The backtest's per-round table in polars: rounds normalised to ROUNDS_SCHEMA names with
their rewards (:func:`rounds_frame`), then the caps (:func:`apply_caps`: per user and
budget, in event-time order of satisfaction, the one sequential step; ADR 0001)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl

from journeylab.conditions.backtest_exprs import us
from journeylab.conditions.model import Offer, Referral
from journeylab.conditions.result import ROUNDS_SCHEMA, BacktestResult, make_result
from journeylab.times import from_us

__all__ = ["apply_caps", "finish", "rounds_frame", "status"]


def rounds_frame(parts: list[pl.DataFrame], p: Offer | Referral) -> pl.DataFrame:
    """Normalise per-round frames (µs ints) to ROUNDS_SCHEMA names, rewards before caps."""
    cols = {
        "user_id": pl.String,
        "round": pl.Int32,
        "e_tu": pl.Int64,
        "e_eid": pl.String,
        "dl_tu": pl.Int64,
        "s_tu": pl.Int64,
        "s_eid": pl.String,
        "exit_tu": pl.Int64,
        "status": pl.String,
        "reason": pl.String,
        "referrer_id": pl.String,
    }
    frames = [
        f.select(
            [
                (pl.col(c) if c in f.columns else pl.lit(None)).cast(t).alias(c)
                for c, t in cols.items()
            ]
        )
        for f in parts
    ]
    df = pl.concat(frames) if frames else pl.DataFrame(schema=cols)
    sat = pl.col("s_tu").is_not_null()
    if isinstance(p, Referral):
        delay = us(p.rules.reward_delay) if p.rules.reward_delay is not None else 0
        rr, re_ = p.reward.referrer, p.reward.referee
        amount, earned = rr + re_, pl.col("s_tu") + delay
        extra = [
            pl.when(sat).then(pl.lit(rr)).alias("reward_referrer"),
            pl.when(sat).then(pl.lit(re_)).alias("reward_referee"),
        ]
    else:
        amount, earned = p.reward, pl.col("s_tu")
        extra = [pl.lit(None, pl.Float64).alias(c) for c in ("reward_referrer", "reward_referee")]
    return df.with_columns(
        pl.when(sat).then(pl.lit(float(amount))).otherwise(0.0).alias("reward"),
        pl.when(sat).then(earned).alias("reward_earned_at"),
        *extra,
    ).rename(
        {
            "e_tu": "enrolled_at",
            "e_eid": "enrolled_event_id",
            "dl_tu": "deadline",
            "s_tu": "satisfied_at",
            "s_eid": "satisfied_event_id",
            "exit_tu": "exit_at",
        }
    )


def apply_caps(p: Offer | Referral, rounds: pl.DataFrame) -> pl.DataFrame:
    """Caps in event-time order of satisfaction (the one sequential step; see ADR 0001).
    The rows keep their order: only the satisfied ones are ordered, to find the capped."""
    caps = p.caps
    if caps.per_user is None and caps.budget is None:
        return rounds
    key = "referrer_id" if isinstance(p, Referral) else "user_id"
    order = ["satisfied_at", "satisfied_event_id"]
    sat = (
        rounds.with_row_index("_i")
        .filter(pl.col("satisfied_at").is_not_null())
        .select("_i", key, *order, "reward")
        .sort(order)
    )
    sat = sat.with_columns(pl.int_range(1, pl.len() + 1).over(key).alias("_n"))
    per = pl.lit(False) if caps.per_user is None else pl.col("_n") > caps.per_user
    sat = sat.with_columns(per.alias("_per"))
    spent = pl.when(~pl.col("_per")).then(pl.col("reward")).otherwise(0.0).cum_sum()
    over = pl.lit(False) if caps.budget is None else (~pl.col("_per") & (spent > caps.budget))
    flags = sat.with_columns(over.alias("_bud")).select("_i", "_per", "_bud")
    where = flags["_i"].to_numpy()
    per_user, budget = np.zeros(rounds.height, bool), np.zeros(rounds.height, bool)
    per_user[where], budget[where] = flags["_per"].to_numpy(), flags["_bud"].to_numpy()
    marked = rounds.with_columns(pl.Series("_per", per_user), pl.Series("_bud", budget))
    capped = pl.col("_per") | pl.col("_bud")
    return marked.with_columns(
        pl.when(capped).then(pl.lit("capped")).otherwise(pl.col("status")).alias("status"),
        pl.when(pl.col("_per"))
        .then(pl.lit("per_user_cap"))
        .when(pl.col("_bud"))
        .then(pl.lit("budget"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        pl.when(capped).then(0.0).otherwise(pl.col("reward")).alias("reward"),
        *[
            pl.when(capped).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("reward_referrer", "reward_referee", "reward_earned_at")
        ],
    ).drop("_per", "_bud")


def status(as_of_us: int, frame: pl.DataFrame) -> pl.DataFrame:
    """A round's status and exit: satisfied (at s_tu), expired (its deadline passed before
    the cut: exit at the deadline) or pending."""
    expired = pl.col("dl_tu").is_not_null() & (pl.col("dl_tu") < as_of_us)
    return frame.with_columns(
        pl.when(pl.col("s_tu").is_not_null())
        .then(pl.lit("satisfied"))
        .when(expired)
        .then(pl.lit("expired"))
        .otherwise(pl.lit("pending"))
        .alias("status"),
        pl.when(pl.col("s_tu").is_not_null())
        .then(pl.col("s_tu"))
        .when(expired)
        .then(pl.col("dl_tu"))
        .alias("exit_tu"),
    )


def finish(
    p: Offer | Referral,
    rounds: pl.DataFrame,
    audience: pl.Series,
    as_of_us: int,
    start: datetime | None,
    end: datetime | None,
    never: pl.Series | None = None,
) -> BacktestResult:
    """Caps, times as UTC datetimes, and every frame of the result (``never``: the audience
    users never enrolled, when the caller knows them)."""
    rounds = apply_caps(p, rounds)
    frame = rounds.with_columns(
        [_ts(c) for c, t in ROUNDS_SCHEMA.items() if t == pl.Datetime("us", "UTC")]
    )
    return make_result(p, frame, audience, from_us(as_of_us), start, end, never=never)


def _ts(col: str) -> pl.Expr:
    return pl.from_epoch(pl.col(col), time_unit="us").dt.replace_time_zone("UTC").alias(col)
