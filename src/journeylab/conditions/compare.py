"""Two programs on the same lake: stage counts side by side, who is satisfied under one
and not the other (with explanations), and the reward cost difference."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.conditions.describe import fmt_num
from journeylab.conditions.explain import Explanation, explain
from journeylab.conditions.io import load_program
from journeylab.conditions.model import Offer, Referral
from journeylab.conditions.result import STAGES, BacktestResult
from journeylab.conditions.validate import warning_dict
from journeylab.names import NameWarning
from journeylab.times import TimeLike, as_utc, renamed

if TYPE_CHECKING:
    import altair as alt

    from journeylab.lake.core import Lake

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """Program A against program B on one lake.

    - ``stages``: stage, a, b, diff (b − a) — users per stage.
    - ``users``: user_id, status_a, status_b, reward_a, reward_b for users whose status
      differs (users outside a program's audience count as ``not_enrolled``).
    - ``only_a`` / ``only_b``: user ids satisfied under that program and not the other.
    - ``reward_a``, ``reward_b``, ``reward_diff`` (b − a): total reward cost.
    - ``explanations``: {user_id: (explanation under A, explanation under B)} for the first
      ``explain_limit`` users of each of only_a and only_b; :meth:`explain` for any other.
    """

    a_name: str
    b_name: str
    a: BacktestResult
    b: BacktestResult
    stages: pl.DataFrame
    users: pl.DataFrame
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    reward_a: float
    reward_b: float
    explanations: dict[str, tuple[Explanation, Explanation]]
    lake: Any = field(default=None, repr=False, compare=False)

    @property
    def warnings(self) -> tuple[NameWarning, ...]:
        """Unknown names in either program, ``param`` prefixed with ``A.`` or ``B.``."""
        return tuple(replace(w, param=f"A.{w.param}") for w in self.a.warnings) + tuple(
            replace(w, param=f"B.{w.param}") for w in self.b.warnings
        )

    @property
    def reward_diff(self) -> float:
        return self.reward_b - self.reward_a

    def explain(self, user_id: str) -> tuple[Explanation, Explanation]:
        """``user_id`` explained under A and under B."""
        if user_id in self.explanations:
            return self.explanations[user_id]
        return _pair(self.a, self.b, self.lake, user_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_name,
            "b": self.b_name,
            "stages": {
                row["stage"]: {"a": row["a"], "b": row["b"], "diff": row["diff"]}
                for row in self.stages.iter_rows(named=True)
            },
            "reward_total": {"a": self.reward_a, "b": self.reward_b, "diff": self.reward_diff},
            "median_seconds_to_satisfy": {
                "a": self.a.median_seconds_to_satisfy,
                "b": self.b.median_seconds_to_satisfy,
            },
            "satisfied_only_a": list(self.only_a),
            "satisfied_only_b": list(self.only_b),
            "explanations": {
                u: {"a": ea.to_dict(), "b": eb.to_dict()}
                for u, (ea, eb) in self.explanations.items()
            },
            "warnings": [warning_dict(w) for w in self.warnings],
        }

    def text(self) -> str:
        width = max(len(self.a_name), len(self.b_name), 8)
        lines = [f"{'stage':<14}{'A ' + self.a_name:>{width + 4}}{'B ' + self.b_name:>{width + 4}}"]
        lines[0] += f"{'B − A':>10}"
        for row in self.stages.iter_rows(named=True):
            lines.append(
                f"{row['stage']:<14}{row['a']:>{width + 4},}{row['b']:>{width + 4},}"
                f"{row['diff']:>+10,}"
            )
        lines.append(
            f"{'reward_total':<14}{fmt_num(self.reward_a):>{width + 4}}"
            f"{fmt_num(self.reward_b):>{width + 4}}{self.reward_diff:>+10g}"
        )
        for label, ids in (("A", self.only_a), ("B", self.only_b)):
            shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
            lines.append(
                f"satisfied only under {label}: {len(ids)}" + (f" ({shown})" if ids else "")
            )
        for user, (ea, eb) in self.explanations.items():
            lines.append("")
            lines.append(f"--- {user} under A ---")
            lines.extend(ea.lines)
            lines.append(f"--- {user} under B ---")
            lines.extend(eb.lines)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def chart(self) -> alt.TopLevelMixin:
        """Users per stage under A and B side by side."""
        from journeylab.charts.backtest import compare_chart

        return compare_chart(self)


def _pair(a: BacktestResult, b: BacktestResult, lake: Any, user: str) -> tuple[Any, Any]:
    kw: dict[str, Any] = {"start_date": a.start, "end_date": a.end}
    return (
        explain(a.program, lake, user, as_of=a.as_of, result=a, **kw),
        explain(b.program, lake, user, as_of=b.as_of, result=b, **kw),
    )


ProgramLike = Offer | Referral | str | os.PathLike[str] | dict[str, Any]


def _program(p: ProgramLike) -> Offer | Referral:
    return p if isinstance(p, Offer | Referral) else load_program(p)


def compare(
    a: ProgramLike,
    b: ProgramLike,
    lake: Lake,
    *,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    explain_limit: int = 5,
    strict: bool = False,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
) -> Comparison:
    """Backtest ``a`` and ``b`` (programs, YAML paths or mappings) on ``lake`` and compare.

    ``start_date``/``end_date``/``as_of`` go to both backtests (``start``/``end``: deprecated
    aliases, instants); ``explain_limit`` users of each "satisfied only under" list are
    explained under both programs. Unknown names warn (``comparison.warnings``) or, with
    ``strict=True``, raise.
    """
    start_date = renamed("start", as_utc(start, "start"), "start_date", start_date)
    end_date = renamed("end", as_utc(end, "end"), "end_date", end_date)
    pa, pb = _program(a), _program(b)
    ra = pa.backtest(lake, start_date, end_date, as_of, strict)
    rb = pb.backtest(lake, start_date, end_date, as_of, strict)
    stages = (
        ra.stages.rename({"users": "a"})
        .join(rb.stages.rename({"users": "b"}), on="stage", how="full", coalesce=True)
        .with_columns(pl.col("a").fill_null(0), pl.col("b").fill_null(0))
        .with_columns((pl.col("b") - pl.col("a")).alias("diff"))
    )
    order = {s: i for i, s in enumerate(STAGES)}
    stages = stages.sort(pl.col("stage").replace_strict(order, default=len(order)))
    ua = ra.users.select("user_id", status_a="status", reward_a="reward")
    ub = rb.users.select("user_id", status_b="status", reward_b="reward")
    users = (
        ua.join(ub, on="user_id", how="full", coalesce=True)
        .with_columns(
            pl.col("status_a").fill_null("not_enrolled"),
            pl.col("status_b").fill_null("not_enrolled"),
            pl.col("reward_a").fill_null(0.0),
            pl.col("reward_b").fill_null(0.0),
        )
        .filter(pl.col("status_a") != pl.col("status_b"))
        .sort("user_id")
    )
    sat_a = users.filter(pl.col("status_a") == "satisfied")["user_id"].to_list()
    sat_b = users.filter(pl.col("status_b") == "satisfied")["user_id"].to_list()
    explanations = {
        u: _pair(ra, rb, lake, u) for u in [*sat_a[:explain_limit], *sat_b[:explain_limit]]
    }
    return Comparison(
        a_name=pa.name,
        b_name=pb.name if pb.name != pa.name else pb.name + " (B)",
        a=ra,
        b=rb,
        stages=stages,
        users=users,
        only_a=tuple(sat_a),
        only_b=tuple(sat_b),
        reward_a=ra.reward_total,
        reward_b=rb.reward_total,
        explanations=explanations,
        lake=lake,
    )
