"""``BacktestResult``: what a backtest (or the reference replay) decided, as polars frames.

``rounds`` is the primary table (one row per enrolment, or per referral link); every other
frame is derived from it by :func:`make_result`, so the backtest and the replay only have to
agree on ``rounds`` and ``audience``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.names import NameWarning
from journeylab.times import as_utc

if TYPE_CHECKING:
    import altair as alt

    from journeylab.conditions.explain import Explanation
    from journeylab.lake.core import Lake

__all__ = [
    "ROUNDS_SCHEMA",
    "STAGES",
    "STATUSES",
    "BacktestResult",
    "as_utc",
    "empty_rounds",
    "make_result",
]

TS = pl.Datetime("us", "UTC")
ROUNDS_SCHEMA: dict[str, Any] = {
    "user_id": pl.String,
    "round": pl.Int32,
    "enrolled_at": TS,
    "enrolled_event_id": pl.String,
    "deadline": TS,
    "satisfied_at": TS,
    "satisfied_event_id": pl.String,
    "exit_at": TS,
    "status": pl.String,
    "reason": pl.String,
    "reward": pl.Float64,
    "reward_referrer": pl.Float64,
    "reward_referee": pl.Float64,
    "reward_earned_at": TS,
    "referrer_id": pl.String,
}
STATUSES = ("satisfied", "expired", "pending", "capped", "ineligible", "not_enrolled")
STAGES = ("audience", "enrolled", *STATUSES)


def empty_rounds() -> pl.DataFrame:
    return pl.DataFrame(schema=ROUNDS_SCHEMA)


@dataclass(frozen=True)
class BacktestResult:
    """Per-user outcomes of a program over a lake (or over an event list, for the replay).

    - ``rounds``: one row per enrolment: user_id, round, enrolled_at, enrolled_event_id,
      deadline, satisfied_at, satisfied_event_id, exit_at, status, reason, reward,
      reward_referrer, reward_referee, reward_earned_at, referrer_id (referrals).
    - ``users``: one row per audience user (their last round): user_id, enrolled_at,
      satisfied_at, status, reason, reward (all rounds), rounds, satisfactions,
      reward_earned_at, referrer_id. Users never enrolled have status ``not_enrolled``.
    - ``stages``: stage, users — audience → enrolled → satisfied/expired/pending/capped/
      ineligible/not_enrolled.
    - ``time_to_satisfy``: user_id, round, seconds (satisfied and capped rounds).
    - ``daily``: day, enrolled, satisfied (rounds per UTC day).
    - ``reward_total``: every reward granted; ``reward_unearned``: the part whose
      ``reward_earned_at`` is after ``as_of`` (referral reward_delay).
    - ``start``/``end``: the enrolment range as half-open UTC instants (None: open).
    - ``warnings``: names in the program the lake does not know (:mod:`journeylab.names`).
    """

    program: Any
    rounds: pl.DataFrame
    users: pl.DataFrame
    stages: pl.DataFrame
    time_to_satisfy: pl.DataFrame
    daily: pl.DataFrame
    reward_total: float
    reward_unearned: float
    as_of: datetime | None
    start: datetime | None = None
    end: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: unknown event names and data fields in the program (see journeylab.names)
    warnings: tuple[NameWarning, ...] = ()

    def stage(self, name: str) -> int:
        row = self.stages.filter(pl.col("stage") == name)
        return int(row["users"][0]) if row.height else 0

    @property
    def median_seconds_to_satisfy(self) -> float | None:
        s = self.time_to_satisfy["seconds"]
        return None if s.len() == 0 else float(s.median())  # type: ignore[arg-type]

    def summary(self) -> dict[str, Any]:
        """The CLI's numbers: stage counts, reward_total, median_seconds_to_satisfy."""
        out: dict[str, Any] = {s: self.stage(s) for s in STAGES}
        out["satisfactions"] = int(self.rounds["satisfied_at"].is_not_null().sum())
        out["reward_total"] = self.reward_total
        out["reward_unearned"] = self.reward_unearned
        out["median_seconds_to_satisfy"] = self.median_seconds_to_satisfy
        return out

    def user(self, user_id: str) -> pl.DataFrame:
        """The rounds of one user."""
        return self.rounds.filter(pl.col("user_id") == user_id)

    def chart(self, kind: str = "stages", bins: int = 30) -> alt.TopLevelMixin:
        """Altair chart: ``kind`` stages (default), time_to_satisfy (a histogram of ``bins``
        bins), daily, or all; see :mod:`journeylab.charts.backtest`."""
        from journeylab.charts.backtest import backtest_chart  # type: ignore

        return backtest_chart(self, kind=kind, bins=bins)

    def explain(self, user_id: str, lake: Lake | None = None) -> Explanation:
        """Why ``user_id`` was (not) enrolled / satisfied; see conditions.explain.
        ``lake`` defaults to the one this result was backtested on."""
        from journeylab.conditions.explain import explain  # type: ignore

        if lake is None:
            return explain(self, user_id)
        return explain(self, lake, user_id)


#: BacktestResult.users' columns, in order
_USER_COLUMNS = (
    "user_id",
    "enrolled_at",
    "satisfied_at",
    "status",
    "reason",
    "reward",
    "rounds",
    "satisfactions",
    "reward_earned_at",
    "referrer_id",
)
#: a never-enrolled audience user's values
_NEVER = {"status": "not_enrolled", "reward": 0.0, "rounds": 0, "satisfactions": 0}


def make_result(
    program: Any,
    rounds: pl.DataFrame,
    audience: list[str] | pl.Series,
    as_of: datetime | None,
    start: datetime | None = None,
    end: datetime | None = None,
    extra: dict[str, Any] | None = None,
    never: pl.Series | None = None,
) -> BacktestResult:
    """Derive every frame of a BacktestResult from ``rounds`` and the audience users
    (``never``: the audience users never enrolled, when the caller knows them; else they
    are found by an anti-join of the audience with the rounds' users)."""
    rounds = rounds.select([pl.col(c).cast(t) for c, t in ROUNDS_SCHEMA.items()])
    ids = rounds["user_id"]
    # user ids strictly increasing: one round per user, already in (user, round) order
    # (a one-pass backtest's rounds): no sort, and each user's row is their last round
    single = rounds.height < 2 or bool((ids.slice(1) > ids.slice(0, rounds.height - 1)).all())
    rest = [c for c in _USER_COLUMNS if c in rounds.columns and c != "user_id"]
    if single:
        per_user = rounds.select(
            "user_id",
            *rest,
            pl.col("reward").alias("reward_all"),
            pl.lit(1, pl.Int32).alias("rounds"),
            pl.col("satisfied_at").is_not_null().cast(pl.Int32).alias("satisfactions"),
        )
    else:
        rounds = rounds.sort(["user_id", "round"])
        # one grouped pass over rounds sorted by (user, round): groups keep that order, and
        # a group's rows keep theirs, so last() is the user's last round
        per_user = rounds.group_by("user_id", maintain_order=True).agg(
            *[pl.col(c).last() for c in rest],
            pl.col("reward").sum().alias("reward_all"),
            pl.len().cast(pl.Int32).alias("rounds"),
            pl.col("satisfied_at").is_not_null().sum().cast(pl.Int32).alias("satisfactions"),
        )
    aud = audience if isinstance(audience, pl.Series) else pl.Series(list(audience))
    if never is None:  # audience users the program never enrolled
        never = (
            pl.DataFrame({"user_id": aud.cast(pl.String)})
            .unique()
            .join(per_user.select("user_id"), on="user_id", how="anti")
            .to_series()
        )
    never_frame = pl.DataFrame({"user_id": never.cast(pl.String)}).sort("user_id")
    users = per_user.with_columns(
        pl.col("status").fill_null("not_enrolled"),
        pl.col("reward_all").fill_null(0.0).alias("reward"),
    ).select(_USER_COLUMNS)
    if never_frame.height:  # (a merge would copy every column even with nothing to add)
        users = users.merge_sorted(
            never_frame.select(
                "user_id",
                *[
                    pl.lit(None, per_user.schema[c]).alias(c)
                    for c in _USER_COLUMNS[1:]
                    if c not in _NEVER
                ],
                **{c: pl.lit(v, per_user.schema[c]) for c, v in _NEVER.items()},
            ).select(_USER_COLUMNS),
            key="user_id",
        )
    counts = dict(users.group_by("status").len().iter_rows())
    enrolled = users.filter(~pl.col("status").is_in(["not_enrolled", "ineligible"])).height
    stages = pl.DataFrame(
        {
            "stage": list(STAGES),
            "users": [users.height, enrolled, *(int(counts.get(s, 0)) for s in STATUSES)],
        },
        schema={"stage": pl.String, "users": pl.Int64},
    )
    done = rounds.filter(pl.col("satisfied_at").is_not_null())
    tts = done.select(
        "user_id",
        "round",
        ((pl.col("satisfied_at") - pl.col("enrolled_at")).dt.total_microseconds() / 1e6).alias(
            "seconds"
        ),
    )
    enr = (
        rounds.filter(pl.col("status") != "ineligible")
        .group_by(pl.col("enrolled_at").dt.date().alias("day"))
        .agg(pl.len().cast(pl.Int64).alias("enrolled"))
    )
    sat = done.group_by(pl.col("satisfied_at").dt.date().alias("day")).agg(
        pl.len().cast(pl.Int64).alias("satisfied")
    )
    daily = (
        enr.join(sat, on="day", how="full", coalesce=True)
        .with_columns(pl.col("enrolled").fill_null(0), pl.col("satisfied").fill_null(0))
        .sort("day")
    )
    total = float(rounds["reward"].fill_null(0).sum())
    unearned = 0.0
    if as_of is not None:
        unearned = float(
            rounds.filter(pl.col("reward_earned_at") > as_of)["reward"].fill_null(0).sum()
        )
    return BacktestResult(
        program=program,
        rounds=rounds,
        users=users,
        stages=stages,
        time_to_satisfy=tts,
        daily=daily,
        reward_total=total,
        reward_unearned=unearned,
        as_of=as_of,
        start=start,
        end=end,
        extra=dict(extra or {}),
    )
