"""Why one user was (not) enrolled, satisfied, expired, capped or ineligible.

Built on the reference replay's per-user trace (the oracle): only that user's events are
read from the lake (an Ibis filter) and replayed with ``trace=True``; every recorded
decision becomes rows of :attr:`Explanation.frame`, and the story (``str(explanation)``)
names what each leaf required, what the user had, and which event enrolled or satisfied
them. Budget and per-user caps depend on other users, so the final status, reason and
reward come from the whole-lake result (given, or a backtest when the program has caps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis
import polars as pl

from journeylab.conditions.describe import anchor_of, describe, fmt_num, fmt_t, need_of
from journeylab.conditions.explain_story import story
from journeylab.conditions.model import Event, Offer, Referral, Returned, walk
from journeylab.conditions.replay import replay
from journeylab.conditions.result import BacktestResult
from journeylab.conditions.validate import validate_program, warning_dict
from journeylab.errors import InputError, invalid
from journeylab.names import NameWarning, raise_if_strict
from journeylab.times import TimeLike, as_utc, renamed, time_range
from journeylab.where import json_string

if TYPE_CHECKING:
    import altair as alt

    from journeylab.lake.core import Lake

__all__ = ["Explanation", "default_as_of", "explain", "user_events"]

FRAME_SCHEMA: dict[str, Any] = {
    "at": pl.Datetime("us", "UTC"),
    "event_id": pl.String,
    "name": pl.String,
    "phase": pl.String,
    "action": pl.String,
    "path": pl.String,
    "required": pl.String,
    "value": pl.Float64,
    "need": pl.Float64,
    "holds": pl.Boolean,
}


@dataclass(frozen=True)
class Explanation:
    """One user's story under one program.

    - ``frame``: one row per decision time and condition node: at, event_id, name, phase
      (``entry (round n)``, ``satisfy (round n)``, ``link``), action (enrolled, satisfied,
      expired, linked, ``ineligible (reason)``), path (YAML path), required, value (count
      or sum, leaves only), need, holds.
    - ``rounds``: the user's rounds as the whole-lake result decided them.
    - ``lines``: the readable story; ``str(explanation)`` joins them.
    """

    user_id: str
    program: Any
    status: str
    reason: str | None
    reward: float
    rounds: pl.DataFrame
    frame: pl.DataFrame
    lines: tuple[str, ...]
    as_of: datetime | None
    warnings: tuple[NameWarning, ...] = ()

    def text(self) -> str:
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text()

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "program": self.program.name,
            "status": self.status,
            "reason": self.reason,
            "reward": self.reward,
            "as_of": fmt_t(self.as_of),
            "lines": list(self.lines),
            "warnings": [warning_dict(w) for w in self.warnings],
        }

    def chart(self) -> alt.TopLevelMixin:
        """Each satisfy leaf's count or sum at every decision time against what it needs."""
        from journeylab.charts.backtest import explanation_chart

        return explanation_chart(self)


# -- reading ---------------------------------------------------------------------------
def user_events(lake: Any, user_id: str) -> pl.DataFrame:
    """Every event of one user (all names: new_user_only looks at any earlier event)."""
    ev = lake.events()
    return lake.execute(ev.filter(ev.user_id == user_id).order_by(["event_at", "event_id"]))


def default_as_of(lake: Any, basis: str = "event_at") -> datetime | None:
    """The lake's last time on the program's basis (the backtest's default as-of)."""
    ev = lake.events()
    value = lake.execute(ev.aggregate(last=ev[basis].max()))["last"][0]
    return value if isinstance(value, datetime) else None


def referees(lake: Any, program: Referral, user_id: str) -> list[str]:
    """Users whose link event names ``user_id`` as their referrer."""
    ev = lake.events()
    ref = json_string(ev.data, program.link.referrer_field)
    expr = (
        ev.filter((ev.name == program.link.event) & (ref == ibis.literal(user_id)))
        .select("user_id")
        .distinct()
        .order_by("user_id")
    )
    return [u for u in lake.execute(expr)["user_id"].to_list() if u != user_id]


# -- the frame -------------------------------------------------------------------------
def node_index(program: Offer | Referral) -> dict[str, tuple[Any, str]]:
    """YAML path → (node, context) for audience, entry and satisfy."""
    conds: list[tuple[str, Any]] = [("satisfy", program.satisfy)]
    if isinstance(program, Offer):
        conds = [("audience", program.audience), ("entry", program.entry), *conds]
    return {path: (node, prefix) for prefix, cond in conds for path, node in walk(cond, prefix)}


def trace_frame(
    trace: list[dict[str, Any]], nodes: dict[str, tuple[Any, str]], anchor: str = "enrollment"
) -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    for note in trace:
        base = {k: note.get(k) for k in ("at", "event_id", "name", "phase", "action")}
        values: dict[str, Any] = note.get("values") or {}
        if not values:
            rows.append(base)
        for path, v in values.items():
            node, context = nodes.get(path, (None, ""))
            rows.append(
                {
                    **base,
                    "path": path,
                    "required": describe(node, context, anchor) if node is not None else None,
                    "value": v.get("value"),
                    "need": need_of(node) if isinstance(node, Event | Returned) else None,
                    "holds": v.get("holds"),
                }
            )
    return pl.DataFrame(
        [{c: r.get(c) for c in FRAME_SCHEMA} for r in rows] or None, schema=FRAME_SCHEMA
    )


# -- entry point -----------------------------------------------------------------------
def cap_details(program: Any, whole: BacktestResult | None, rounds: pl.DataFrame) -> dict[int, str]:
    """For each capped round: what had been granted by the time it was met."""
    out: dict[int, str] = {}
    if whole is None:
        return out
    for row in rounds.filter(pl.col("status") == "capped").iter_rows(named=True):
        t = row["satisfied_at"]
        granted = whole.rounds.filter((pl.col("reward") > 0) & (pl.col("satisfied_at") <= t))
        if row["reason"] == "budget":
            total = float(granted["reward"].sum())
            out[row["round"]] = (
                f"{granted.height} reward(s) totalling {fmt_num(total)} had been granted by "
                f"then; {fmt_num(program.caps.budget - total)} was left"
            )
        elif row["reason"] == "per_user_cap" and isinstance(program, Referral):
            mine = granted.filter(pl.col("referrer_id") == row["referrer_id"])
            out[row["round"]] = (
                f"referrer {row['referrer_id']!r} already had {mine.height} rewarded referral(s)"
            )
    return out


def _ref_text(row: dict[str, Any]) -> str:
    status = row["status"] + (f": {row['reason']}" if row.get("reason") else "")
    if row["status"] == "satisfied" and row.get("reward_referrer"):
        status += f", referrer reward {fmt_num(row['reward_referrer'])}"
    return status


def _has_caps(program: Offer | Referral) -> bool:
    return program.caps.budget is not None or program.caps.per_user is not None


def explain(
    program: Offer | Referral | BacktestResult,
    lake: Lake | str | None = None,
    user_id: str | None = None,
    *,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    result: BacktestResult | None = None,
    strict: bool = False,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
) -> Explanation:
    """Explain ``user_id`` under ``program`` on ``lake``: ``explain(program, lake, "u1")``.

    Also ``explain(backtest_result, "u1", lake=lake)`` (what ``BacktestResult.explain``
    calls; the time range and as-of are then the result's). ``result``: a whole-lake result
    whose statuses (caps) to use; without it a program with caps is backtested once.
    ``start_date``/``end_date``: the enrolment range (see :func:`journeylab.times.time_range`;
    ``start``/``end`` are deprecated aliases, instants). The program's names are checked
    against the lake (``explanation.warnings``; ``strict=True`` raises).
    """
    start_date = renamed("start", as_utc(start, "start"), "start_date", start_date)
    end_date = renamed("end", as_utc(end, "end"), "end_date", end_date)
    start, end = time_range(start_date, end_date)
    if isinstance(program, BacktestResult):
        result = program
        program = result.program
        if user_id is None and isinstance(lake, str):
            user_id, lake = lake, None
        if lake is None:
            lake = result.extra.get("lake")
        start = start if start is not None else result.start
        end = end if end is not None else result.end
        as_of = as_of if as_of is not None else result.as_of
    if not isinstance(program, Offer | Referral):
        raise invalid("program", program, "an Offer or Referral (journeylab.load_program(...))")
    if not isinstance(user_id, str) or not user_id:
        raise invalid("user_id", user_id, "a user id (a non-empty string)")
    if lake is None or isinstance(lake, str):
        raise InputError(
            "explain needs the lake to read the user's events: pass it, e.g. "
            "journeylab.conditions.explain.explain(program, lake, user_id)."
        )
    checked = result is not None and id(result.extra.get("lake")) == id(lake)
    if result is not None and checked:  # names already checked on this lake
        warnings = result.warnings
        raise_if_strict(warnings, strict)
    else:
        warnings = tuple(validate_program(program, lake, strict=strict))
    as_of = as_utc(as_of, "as_of") if as_of is not None else None
    if as_of is None:
        as_of = default_as_of(lake, program.time_basis)
    events = user_events(lake, user_id)
    rep = replay(program, events, start=start, end=end, as_of=as_of, trace=True)
    trace: list[dict[str, Any]] = rep.extra["traces"].get(user_id, [])
    if result is None and _has_caps(program):
        result = program.backtest(lake, start, end, as_of)
    auth = (result if result is not None else rep).user(user_id)
    refs = referees(lake, program, user_id) if isinstance(program, Referral) else []
    ref_status: dict[str, str] = {}
    if refs:
        if result is not None:
            ref_rounds = result.rounds.filter(pl.col("user_id").is_in(refs))
        else:
            ev = lake.events()
            ref_events = lake.execute(ev.filter(ev.user_id.isin(refs)))
            ref_rounds = replay(program, ref_events, start=start, end=end, as_of=as_of).rounds
        for row in ref_rounds.sort("round").iter_rows(named=True):
            if row["referrer_id"] == user_id:
                ref_status[row["user_id"]] = _ref_text(row)
    users = (result if result is not None else rep).users.filter(pl.col("user_id") == user_id)
    in_audience = users.height > 0
    status = users["status"][0] if in_audience else "not_enrolled"
    reason = users["reason"][0] if in_audience else None
    reward = float(users["reward"][0]) if in_audience else 0.0
    lines = story(
        program,
        user_id,
        events,
        trace,
        rep.user(user_id),
        auth,
        status=status,
        reason=reason,
        in_audience=in_audience,
        as_of=as_of,
        start=start,
        end=end,
        referees=[(u, ref_status.get(u)) for u in refs],
        cap_notes=cap_details(program, result, auth),
    )
    return Explanation(
        user_id=user_id,
        program=program,
        status=status,
        reason=reason,
        reward=reward,
        rounds=auth,
        frame=trace_frame(trace, node_index(program), anchor_of(program)),
        lines=tuple(lines),
        as_of=as_of,
        warnings=warnings,
    )
