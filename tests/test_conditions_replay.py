"""The reference replay on hand-computed edge cases (the backtest runs the same cases in
test_conditions_backtest.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from journeylab.conditions import load_program
from journeylab.conditions.replay import replay

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(
    eid: str,
    user: str,
    name: str,
    minute: float,
    data: dict[str, Any] | None = None,
    received: float | None = None,
) -> dict[str, Any]:
    return {
        "event_id": eid,
        "user_id": user,
        "name": name,
        "event_at": at(minute),
        "received_at": at(minute if received is None else received),
        "data": json.dumps(data) if data is not None else None,
    }


@dataclass
class Case:
    """``expect``: user → list of (status, satisfied minute or None, reason) per round."""

    name: str
    spec: dict[str, Any]
    events: list[dict[str, Any]]
    expect: dict[str, list[tuple[str, float | None, str | None]]]
    kw: dict[str, Any] = field(default_factory=dict)
    reward_total: float | None = None
    reward_unearned: float | None = None


OFFER = {"kind": "offer", "name": "o", "entry": {"event": "a"}, "satisfy": {"event": "b"}}
REF = {
    "kind": "referral",
    "name": "r",
    "link": {"event": "ref", "referrer_field": "referrerId"},
    "satisfy": {"event": "buy", "within": "14d"},
    "rules": {"new_user_only": True, "no_self_referral": True, "reward_delay": "7d"},
    "reward": {"referrer": 20, "referee": 10},
}

CASES = [
    Case(
        "enrolling event also matches satisfy: it is not counted",
        {**OFFER, "entry": {"event": "buy"}, "satisfy": {"event": "buy"}},
        [ev("1", "u1", "buy", 0), ev("2", "u1", "buy", 10), ev("3", "u2", "buy", 0)],
        {"u1": [("satisfied", 10, None)], "u2": [("pending", None, None)]},
    ),
    Case(
        "count_from lifetime: satisfied at the next decision time, not the enrolling one",
        {**OFFER, "entry": {"event": "buy"}, "satisfy": {"event": "buy", "count_from": "lifetime"}},
        [ev("1", "u1", "buy", 0), ev("2", "u1", "x", 5), ev("3", "u1", "buy", 10)],
        {"u1": [("satisfied", 10, None)]},
    ),
    Case(
        "ties at one instant are ordered by event_id",
        OFFER,
        [
            ev("e1", "u1", "b", 5),  # before the enrolling a (same instant, smaller id)
            ev("e2", "u1", "a", 5),
            ev("e3", "u2", "a", 5),
            ev("e4", "u2", "b", 5),  # after the enrolling a: satisfies at once
        ],
        {"u1": [("pending", None, None)], "u2": [("satisfied", 5, None)]},
    ),
    Case(
        "window edge from enrollment is inclusive; the implicit deadline expires the rest",
        {**OFFER, "satisfy": {"event": "b", "within": "10m"}},
        [
            ev("1", "u1", "a", 0),
            ev("2", "u1", "b", 10),
            ev("3", "u2", "a", 0),
            ev("4", "u2", "b", 10.5),
        ],
        {"u1": [("satisfied", 10, None)], "u2": [("expired", None, None)]},
    ),
    Case(
        "rolling window edge is inclusive",
        {**OFFER, "entry": {"event": "a", "count": 2, "within": "10m", "from": "rolling"}},
        [
            ev("1", "u1", "a", 0),
            ev("2", "u1", "a", 10),
            ev("3", "u1", "b", 11),
            ev("4", "u2", "a", 0),
            ev("5", "u2", "a", 10.5),
            ev("6", "u2", "b", 11),
        ],
        {"u1": [("satisfied", 11, None)]},
    ),
    Case(
        "from signup: inclusive edge; false until a signup is visible",
        {
            **OFFER,
            "satisfy": {"event": "b", "within": "10m", "from": "signup", "count_from": "lifetime"},
        },
        [
            ev("1", "u1", "signup", 0),
            ev("2", "u1", "a", 1),
            ev("3", "u1", "b", 10),
            ev("4", "u2", "signup", 0),
            ev("5", "u2", "a", 1),
            ev("6", "u2", "b", 10.5),
            ev("7", "u3", "a", 0),
            ev("8", "u3", "b", 1),
            ev("9", "u3", "signup", 2),  # the b before it counts once the signup is seen
        ],
        {
            "u1": [("satisfied", 10, None)],
            "u2": [("pending", None, None)],
            "u3": [("satisfied", 2, None)],
        },
    ),
    Case(
        "expiry needs the deadline to have passed by as_of",
        {**OFFER, "expires_after": "10m"},
        [ev("1", "u1", "a", 0), ev("2", "u2", "a", 5), ev("3", "u3", "z", 10)],
        {"u1": [("pending", None, None)], "u2": [("pending", None, None)]},
        kw={"as_of": at(10)},
    ),
    Case(
        "expiry after the deadline",
        {**OFFER, "expires_after": "10m"},
        [ev("1", "u1", "a", 0), ev("2", "u1", "b", 10.5)],
        {"u1": [("expired", None, None)]},
    ),
    Case(
        "late event, event_at basis: counts when it happened",
        {**OFFER, "expires_after": "30m"},
        [ev("1", "u1", "a", 0), ev("2", "u1", "b", 5, received=60)],
        {"u1": [("satisfied", 5, None)]},
    ),
    Case(
        "late event, received_at basis: counts when received, after the deadline",
        {**OFFER, "expires_after": "30m", "time_basis": "received_at"},
        [ev("1", "u1", "a", 0), ev("2", "u1", "b", 5, received=60)],
        {"u1": [("expired", None, None)]},
    ),
    Case(
        "a budget exhausted midway caps later satisfactions (event-time order)",
        {**OFFER, "caps": {"budget": 25}, "reward": 10},
        [
            ev("1", "u1", "a", 0),
            ev("2", "u2", "a", 0),
            ev("3", "u3", "a", 0),
            ev("4", "u3", "b", 1),
            ev("5", "u1", "b", 2),
            ev("6", "u2", "b", 3),
        ],
        {
            "u1": [("satisfied", 2, None)],
            "u2": [("capped", 3, "budget")],
            "u3": [("satisfied", 1, None)],
        },
        reward_total=20,
    ),
    Case(
        "re-entry after exit with a cooldown, a per-user cap and a maximum",
        {
            **OFFER,
            "reentry": {"mode": "after_exit", "cooldown": "10m", "max": 3},
            "caps": {"per_user": 1},
            "reward": 5,
        },
        [
            ev("1", "u1", "a", 0),
            ev("2", "u1", "b", 1),  # round 1 satisfied at 1
            ev("3", "u1", "a", 5),  # inside the cooldown: no re-entry
            ev("4", "u1", "a", 11),  # re-enters (round 2)
            ev("5", "u1", "b", 12),  # satisfied again but capped per user
            ev("6", "u1", "a", 30),  # round 3
            ev("7", "u1", "a", 31),
        ],
        {
            "u1": [
                ("satisfied", 1, None),
                ("capped", 12, "per_user_cap"),
                ("pending", None, None),
            ]
        },
        reward_total=5,
    ),
    Case(
        "re-entry entry counts restart after the exit",
        {
            **OFFER,
            "entry": {"event": "a", "count": 2},
            "reentry": {"mode": "after_exit", "max": 2},
        },
        [
            ev("1", "u1", "a", 0),
            ev("2", "u1", "a", 1),  # enrols (2 a's)
            ev("3", "u1", "b", 2),  # satisfied
            ev("4", "u1", "a", 3),  # only one a since the exit
            ev("5", "u1", "b", 4),
            ev("6", "u1", "a", 5),  # second a since the exit: round 2
        ],
        {"u1": [("satisfied", 2, None), ("pending", None, None)]},
    ),
    Case(
        "referral: self-referral and a referee who was not new are ineligible",
        REF,
        [
            ev("1", "u1", "ref", 0, {"referrerId": "u1"}),
            ev("2", "u2", "view", 0),
            ev("3", "u2", "ref", 1, {"referrerId": "r1"}),
            ev("4", "u3", "ref", 0, {"referrerId": "r1"}),
            ev("5", "u3", "buy", 60),
            ev("6", "u2", "buy", 60),
            ev("7", "u1", "buy", 60),
        ],
        {
            "u1": [("ineligible", None, "self_referral")],
            "u2": [("ineligible", None, "not_new_user")],
            "u3": [("satisfied", 60, None)],
        },
        kw={"as_of": at(24 * 60)},
        reward_total=30,
        reward_unearned=30,
    ),
    Case(
        "referral: an event at the same instant as the link is not 'before' it",
        REF,
        [ev("0", "u4", "view", 0), ev("1", "u4", "ref", 0, {"referrerId": "r1"})],
        {"u4": [("pending", None, None)]},
    ),
]


def check_case(result: Any, case: Case) -> None:
    got: dict[str, list[tuple[str, float | None, str | None]]] = {}
    for row in result.rounds.sort(["user_id", "round"]).iter_rows(named=True):
        sat = row["satisfied_at"]
        minute = None if sat is None else (sat - T0).total_seconds() / 60
        got.setdefault(row["user_id"], []).append((row["status"], minute, row["reason"]))
    assert got == case.expect
    if case.reward_total is not None:
        assert result.reward_total == case.reward_total
    if case.reward_unearned is not None:
        assert result.reward_unearned == case.reward_unearned


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_replay_edge_cases(case: Case) -> None:
    check_case(replay(load_program(case.spec), case.events, **case.kw), case)


def test_replay_trace_records_leaf_values_and_actions() -> None:
    program = load_program({**OFFER, "satisfy": {"event": "b", "count": 2}})
    events = [ev("1", "u1", "a", 0), ev("2", "u1", "b", 1), ev("3", "u1", "b", 2)]
    result = replay(program, events, trace=True)
    trace = result.extra["traces"]["u1"]
    assert [t.get("action") for t in trace] == ["enrolled", None, "satisfied"]
    assert trace[1]["values"]["satisfy"] == {"value": 1.0, "holds": False}
    assert trace[2]["values"]["satisfy"] == {"value": 2.0, "holds": True}


def test_referral_reward_delay_and_audience() -> None:
    program = load_program(REF)
    events = [ev("1", "u3", "ref", 0, {"referrerId": "r1"}), ev("2", "u3", "buy", 60)]
    late = replay(program, events, as_of=at(8 * 24 * 60 + 61))
    assert late.reward_total == 30 and late.reward_unearned == 0
    row = late.rounds.row(0, named=True)
    assert row["referrer_id"] == "r1"
    assert row["reward_earned_at"] == at(60) + timedelta(days=7)
    assert late.stage("audience") == 1 and late.stage("satisfied") == 1
