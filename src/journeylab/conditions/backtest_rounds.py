"""The backtest's per-round table in polars: rounds normalised to ROUNDS_SCHEMA names with
their rewards (:func:`rounds_frame`), then the caps (:func:`apply_caps`: per user and
budget, in event-time order of satisfaction, the one sequential step; ADR 0001)."""

from __future__ import annotations

import polars as pl

from journeylab.conditions.backtest_exprs import us
from journeylab.conditions.model import Offer, Referral

__all__ = ["apply_caps", "rounds_frame"]


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
    """Caps in event-time order of satisfaction (the one sequential step; see ADR 0001)."""
    caps = p.caps
    if caps.per_user is None and caps.budget is None:
        return rounds
    key = "referrer_id" if isinstance(p, Referral) else "user_id"
    order = ["satisfied_at", "satisfied_event_id"]
    sat = rounds.filter(pl.col("satisfied_at").is_not_null()).sort(order)
    rest = rounds.filter(pl.col("satisfied_at").is_null())
    sat = sat.with_columns(pl.int_range(1, pl.len() + 1).over(key).alias("_n"))
    per = pl.lit(False) if caps.per_user is None else pl.col("_n") > caps.per_user
    sat = sat.with_columns(per.alias("_per"))
    spent = pl.when(~pl.col("_per")).then(pl.col("reward")).otherwise(0.0).cum_sum()
    over = pl.lit(False) if caps.budget is None else (~pl.col("_per") & (spent > caps.budget))
    sat = sat.with_columns(over.alias("_bud"))
    capped = pl.col("_per") | pl.col("_bud")
    sat = sat.with_columns(
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
    ).drop("_n", "_per", "_bud")
    return pl.concat([sat, rest])
