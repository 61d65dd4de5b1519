"""The reference: a plain-Python evaluator fed events one by one, as a live system would be.
Each relevant event (all users, in ``(time, event_id)`` order) is a decision time: only
that user's events up to it are seen; enrolment, satisfaction, expiry, caps, re-entry and
referral links are decided on the spot (docs/conditions.md). The backtest must equal it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from journeylab.conditions.model import (
    Offer,
    Referral,
    program_deadline,
    relevant_names,
    return_specs,
)
from journeylab.conditions.replay_leaves import Ctx, Ev, ReturnWatch, holds
from journeylab.conditions.result import ROUNDS_SCHEMA, BacktestResult, as_utc, make_result
from journeylab.where import parse_where, where_match

__all__ = ["replay"]


@dataclass
class _User:
    hist: list[Ev] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)
    active: dict[str, Any] | None = None
    exit_row: int = -1
    exit_t: datetime | None = None  # time lower bound after an expiry
    cool_from: datetime | None = None
    sats: int = 0
    trace: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _World:
    """What all users share: the enrolment gate, the deadline, the audience and the caps."""

    gate: Callable[[datetime], bool]
    deadline: timedelta | None
    audience: set[str]
    budget: dict[str, Any]
    first_seen: dict[str, datetime]


def _as_ev(row: Mapping[str, Any], basis: str) -> Ev:
    data = row.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    t = row[basis] if row.get(basis) is not None else row["event_at"]
    if isinstance(t, str):
        t = datetime.fromisoformat(t.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return Ev(t.astimezone(UTC), str(row["event_id"]), str(row["user_id"]), row["name"], data)


def replay(
    program: Offer | Referral,
    events: Iterable[Mapping[str, Any]] | pl.DataFrame,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    as_of: datetime | str | None = None,
    trace: bool = False,
) -> BacktestResult:
    """Run ``program`` over ``events`` (dicts or a frame with event_id, user_id, name,
    event_at, received_at, data) one event at a time; same result shape as the backtest.
    With ``trace=True``, ``result.extra["traces"][user_id]`` lists every decision."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    as_of = as_utc(as_of, "as_of")
    rows = events.iter_rows(named=True) if isinstance(events, pl.DataFrame) else events
    evs = sorted((_as_ev(r, program.time_basis) for r in rows), key=lambda e: (e.t, e.event_id))
    if as_of is None:
        as_of = evs[-1].t if evs else None
    evs = [e for e in evs if as_of is None or e.t <= as_of]
    first_seen: dict[str, datetime] = {}
    for e in evs:
        first_seen.setdefault(e.user_id, e.t)
    names = set(relevant_names(program))
    watch = ReturnWatch(return_specs(program))
    deadline = program_deadline(program)
    users: dict[str, _User] = {}
    audience: set[str] = set()
    budget = {"spent": 0.0, "per": {}}

    def gate(t: datetime) -> bool:
        return (start is None or t >= start) and (end is None or t < end)

    world = _World(gate, deadline, audience, budget, first_seen)

    for e in evs:
        e = watch.see(e)
        if e.name not in names and not e.returns:
            continue
        st = users.setdefault(e.user_id, _User())
        st.hist.append(e)
        k = len(st.hist) - 1
        note: dict[str, Any] | None = (
            {"event_id": e.event_id, "at": e.t, "name": e.name, "values": {}} if trace else None
        )
        if isinstance(program, Offer):
            _offer_step(program, st, k, world, note)
        else:
            _referral_step(program, st, k, world, note)
        if note is not None:
            st.trace.append(note)
    out: list[dict[str, Any]] = []
    for uid, st in users.items():
        if st.active is not None:
            r = st.active
            dl = r["deadline"]
            expired = dl is not None and as_of is not None and dl < as_of
            r["status"] = "expired" if expired else "pending"
            r["exit_at"] = dl if expired else None
        for r in st.rounds:
            out.append({"user_id": uid, **r})
    frame = pl.DataFrame(
        [{c: r.get(c) for c in ROUNDS_SCHEMA} for r in out] or None, schema=ROUNDS_SCHEMA
    )
    extra = {"traces": {u: s.trace for u, s in users.items()}} if trace else None
    return make_result(program, frame, sorted(audience), as_of, start, end, extra)


def _new_round(st: _User, e: Ev, deadline: timedelta | None, **kw: Any) -> dict[str, Any]:
    r = {
        "round": len(st.rounds) + 1,
        "enrolled_at": e.t,
        "enrolled_event_id": e.event_id,
        "enrolled_row": len(st.hist) - 1,
        "deadline": e.t + deadline if deadline is not None else None,
        "status": "pending",
        "reward": 0.0,
        **kw,
    }
    st.rounds.append(r)
    st.active = r
    return r


def _try_satisfy(p: Offer | Referral, st: _User, k: int, note: dict[str, Any] | None) -> bool:
    """Expire the active round if its deadline passed; else test satisfy at row k."""
    r = st.active
    assert r is not None
    e = st.hist[k]
    if r["deadline"] is not None and e.t > r["deadline"]:
        r["status"], r["exit_at"] = "expired", r["deadline"]
        st.active, st.exit_row, st.exit_t = None, k - 1, r["deadline"]
        st.cool_from = r["deadline"]
        if note is not None:
            note["action"] = "expired"
        return False
    if k <= r["enrolled_row"]:
        return False
    ctx = Ctx(
        st.hist,
        k,
        bound_row=r["enrolled_row"],
        bounded_default=True,
        anchor=r["enrolled_at"],
        signup_event=p.signup_event,
        values=note["values"] if note is not None else None,
    )
    if note is not None:
        note["phase"] = f"satisfy (round {r['round']})"
    if not holds(p.satisfy, ctx, "satisfy"):
        return False
    r["satisfied_at"], r["satisfied_event_id"], r["exit_at"] = e.t, e.event_id, e.t
    r["status"] = "satisfied"
    st.active, st.exit_row, st.exit_t, st.cool_from = None, k, None, e.t
    if note is not None:
        note["action"] = "satisfied"
    return True


def _caps(
    p: Offer | Referral, r: dict[str, Any], key: str, amount: float, b: dict[str, Any]
) -> None:
    """Caps in event-time order: the n-th satisfaction of a key over per_user, or one that
    would take the spent total over budget, is capped (no reward)."""
    n = b["per"].get(key, 0) + 1
    b["per"][key] = n
    if p.caps.per_user is not None and n > p.caps.per_user:
        r["status"], r["reason"] = "capped", "per_user_cap"
    elif p.caps.budget is not None and b["spent"] + amount > p.caps.budget:
        r["status"], r["reason"] = "capped", "budget"
    else:
        b["spent"] += amount
        r["reward"] = amount
        return
    r["reward"], r["reward_referrer"], r["reward_referee"] = 0.0, None, None
    r["reward_earned_at"] = None


def _offer_step(p: Offer, st: _User, k: int, w: _World, note: dict[str, Any] | None) -> None:
    e = st.hist[k]
    gate, deadline, audience, budget = w.gate, w.deadline, w.audience, w.budget
    values = note["values"] if note is not None else None
    in_audience = p.audience is None or holds(
        p.audience, Ctx(st.hist, k, signup_event=p.signup_event, values=values), "audience"
    )
    if gate(e.t) and in_audience:
        audience.add(e.user_id)
    if st.active is not None:
        if _try_satisfy(p, st, k, note):
            r = st.rounds[-1]
            r["reward_earned_at"] = e.t
            _caps(p, r, e.user_id, p.reward, budget)
            return
    if st.active is not None or len(st.rounds) >= p.reentry.max_rounds or not gate(e.t):
        return
    if st.rounds:
        cooldown = p.reentry.cooldown or timedelta(0)
        assert st.cool_from is not None
        if e.t < st.cool_from + cooldown:
            return
    ctx = Ctx(
        st.hist,
        k,
        bound_row=st.exit_row,
        bound_t=st.exit_t,
        bounded_default=bool(st.rounds),
        signup_event=p.signup_event,
        values=values,
    )
    if note is not None:
        note["phase"] = f"entry (round {len(st.rounds) + 1})"
    if in_audience and holds(p.entry, ctx, "entry"):
        _new_round(st, e, deadline)
        if note is not None:
            note["action"] = "enrolled"


def _referral_step(p: Referral, st: _User, k: int, w: _World, note: dict[str, Any] | None) -> None:
    e = st.hist[k]
    gate, deadline, audience, budget = w.gate, w.deadline, w.audience, w.budget
    first_seen = w.first_seen
    if not st.rounds:
        if e.name != p.link.event or not gate(e.t):
            return
        if not where_match(e.data, parse_where(p.link.where)):
            return
        referrer = (e.data or {}).get(p.link.referrer_field)
        if not isinstance(referrer, str) or not referrer:
            return
        audience.add(e.user_id)
        r = _new_round(st, e, deadline, referrer_id=referrer)
        if p.rules.no_self_referral and referrer == e.user_id:
            reason = "self_referral"
        elif p.rules.new_user_only and first_seen[e.user_id] < e.t:
            reason = "not_new_user"
        else:
            reason = None
        if note is not None:
            note["phase"], note["action"] = "link", "linked"
        if reason is not None:
            r["status"], r["reason"], r["deadline"] = "ineligible", reason, None
            st.active = None
            if note is not None:
                note["action"] = f"ineligible ({reason})"
        return
    if st.active is None:
        return
    if _try_satisfy(p, st, k, note):
        r = st.rounds[-1]
        delay = p.rules.reward_delay or timedelta(0)
        r["reward_earned_at"] = e.t + delay
        r["reward_referrer"], r["reward_referee"] = p.reward.referrer, p.reward.referee
        amount = p.reward.referrer + p.reward.referee
        _caps(p, r, r["referrer_id"], amount, budget)
