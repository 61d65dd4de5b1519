"""Spend and user-channel inputs, and CAC per (channel, definition) as an Ibis expression.

The spend table has columns ``date``, ``channel``, ``amount`` (CSV, Parquet or a polars
frame). CAC = spend on the channel over the comparison's date range ÷ users of that
channel who started in the range and activated (per definition). A channel with spend and
no activated users has CAC NULL; a channel with users and no spend has spend 0.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import polars as pl

from journeylab.errors import InputError, invalid

__all__ = ["SpendInput", "load_spend", "load_channels", "spend_expr", "cac_expr"]

SpendInput = str | os.PathLike[str] | pl.DataFrame

SPEND_COLUMNS = ("date", "channel", "amount")
COUNTS = ("started", "activated", "matured", "activated_matured", "in_progress")


def _read(path: Path, param: str) -> pl.DataFrame:
    if not path.exists():
        raise invalid(param, str(path), "an existing CSV or Parquet file", "Check the path.")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pl.read_parquet(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return pl.read_csv(
            path,
            separator="\t" if suffix == ".tsv" else ",",
            schema_overrides={"channel": pl.String, "user_id": pl.String},
        )
    raise invalid(param, str(path), (".csv", ".tsv", ".parquet"), "Convert the file to CSV.")


def _require(frame: pl.DataFrame, columns: tuple[str, ...], param: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise invalid(
            param,
            f"columns {frame.columns}",
            f"columns {list(columns)}",
            f"Missing: {missing}. Rename the columns.",
        )


def load_spend(spend: SpendInput) -> pl.DataFrame:
    """Validated spend: ``date`` (Date), ``channel`` (String), ``amount`` (Float64 >= 0)."""
    if isinstance(spend, pl.DataFrame):
        frame = spend
    elif isinstance(spend, str | os.PathLike):
        frame = _read(Path(spend), "spend")
    else:
        raise invalid("spend", spend, "a CSV/Parquet path or a polars DataFrame")
    _require(frame, SPEND_COLUMNS, "spend")
    frame = frame.select(SPEND_COLUMNS)
    try:
        dates = frame["date"]
        if dates.dtype == pl.String:
            dates = dates.str.strptime(pl.Date, "%Y-%m-%d", strict=True)
        elif dates.dtype != pl.Date:
            dates = dates.cast(pl.Date)
        amount = frame["amount"].cast(pl.Float64, strict=True)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise InputError(
            "Invalid value for spend: dates must look like 2026-03-01 and amounts be "
            f"numbers ({exc.__class__.__name__}). Fix the spend table."
        ) from None
    out = pl.DataFrame(
        {"date": dates, "channel": frame["channel"].cast(pl.String), "amount": amount}
    )
    bad = out.filter(
        pl.col("date").is_null() | pl.col("channel").is_null() | pl.col("amount").is_null()
    )
    if bad.height:
        raise invalid("spend", bad.row(0, named=True), "rows with a date, a channel and an amount")
    neg = out.filter(pl.col("amount") < 0)
    if neg.height:
        raise invalid("spend amount", neg["amount"][0], "an amount >= 0")
    return out


def load_channels(channels: SpendInput) -> pl.DataFrame:
    """A user table: ``user_id`` → ``channel``, one row per user."""
    if isinstance(channels, pl.DataFrame):
        frame = channels
    elif isinstance(channels, str | os.PathLike):
        frame = _read(Path(channels), "users")
    else:
        raise invalid("users", channels, "a CSV/Parquet path or a polars DataFrame")
    _require(frame, ("user_id", "channel"), "users")
    out = frame.select(pl.col("user_id").cast(pl.String), pl.col("channel").cast(pl.String)).filter(
        pl.col("user_id").is_not_null()
    )
    dup = out.filter(pl.col("user_id").is_duplicated())
    if dup.height:
        raise invalid(
            "users",
            f"user_id {dup['user_id'][0]!r} twice",
            "one row per user_id",
            "Keep one channel per user.",
        )
    return out


def spend_expr(spend: ir.Table, lo: date, hi: date) -> ir.Table:
    """Total spend per channel over ``[lo, hi]`` (inclusive dates)."""
    inside = spend.filter((spend.date >= lo) & (spend.date <= hi))
    return inside.group_by("channel").aggregate(spend=inside.amount.sum())


def cac_expr(
    by_channel: ir.Table,
    spend: ir.Table,
    lo: date,
    hi: date,
    labels: Sequence[str],
) -> ir.Table:
    """Per-channel counts (see ``channel_expr``) plus ``spend`` and ``cac``.

    Every channel with spend in ``[lo, hi]`` or with users appears for every definition.
    """
    # one row per definition; an aggregate without keys always has exactly one row
    one = spend.aggregate(_n=ibis._.count())
    rows = [
        one.select(ord=ibis.literal(i, type="int64"), definition=ibis.literal(label, type="string"))
        for i, label in enumerate(labels)
    ]
    defs = ibis.union(*rows) if len(rows) > 1 else rows[0]
    totals = spend_expr(spend, lo, hi)
    keys = ibis.union(
        by_channel.select("channel").distinct(), totals.select("channel"), distinct=True
    )
    grid = keys.cross_join(defs)
    j = grid.left_join(
        by_channel,
        (grid.channel == by_channel.channel) & (grid.ord == by_channel.ord),
    )
    j = j.select(
        channel=grid.channel,
        ord=grid.ord,
        definition=grid.definition,
        **{c: by_channel[c].fill_null(0) for c in COUNTS},
    )
    k = j.left_join(totals, j.channel == totals.channel)
    spent = totals.spend.fill_null(0.0)
    act = j.activated
    return k.select(
        channel=j.channel,
        ord=j.ord,
        definition=j.definition,
        **{c: j[c] for c in COUNTS},
        spend=spent,
        cac=ibis.cases((act > 0, spent / act.cast("float64"))),
    )
