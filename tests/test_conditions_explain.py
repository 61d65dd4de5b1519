"""explain(program, lake, user): hand-computed stories, and statuses equal to the replay."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from journeylab import InputError, Lake, load_program
from journeylab.conditions.explain import Explanation, explain

OFFER = {
    "kind": "offer",
    "name": "three",
    "audience": {"event": "signup", "where": {"channel": {"in": ["ads"]}}},
    "entry": {"event": "signup"},
    "satisfy": {"event": "purchase", "count": 3, "within": "30d"},
    "caps": {"budget": 10},
    "reward": 10,
}
REFERRAL = {
    "kind": "referral",
    "name": "invite",
    "link": {"event": "referral", "referrer_field": "referrerId"},
    "satisfy": {"event": "first_widget_purchase", "within": "14d"},
    "rules": {"new_user_only": True, "no_self_referral": True, "reward_delay": "7d"},
    "reward": {"referrer": 20, "referee": 10},
}


def ev(user: str, name: str, day: str, **data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"userId": user, "name": name, "eventAt": f"{day}T00:00:00Z"}
    if data:
        out["data"] = data
    return out


ROWS = [
    ev("u1", "signup", "2024-01-01", channel="ads"),
    ev("u1", "purchase", "2024-01-02"),
    ev("u1", "purchase", "2024-01-03"),
    ev("u1", "purchase", "2024-02-10"),  # after the deadline
    ev("u2", "signup", "2024-01-01", channel="ads"),
    *(ev("u2", "purchase", f"2024-01-0{d}") for d in (2, 3, 4)),
    ev("u3", "signup", "2024-01-02", channel="ads"),
    *(ev("u3", "purchase", f"2024-01-0{d}") for d in (5, 6, 7)),
    ev("u4", "signup", "2024-01-01", channel="tv"),
    ev("u5", "signup", "2024-02-25", channel="ads"),
    ev("u6", "page", "2024-03-01"),
    ev("r1", "referral", "2024-01-01", referrerId="r1"),
    ev("r2", "page", "2023-12-01"),
    ev("r2", "referral", "2024-01-01", referrerId="r9"),
    ev("r3", "referral", "2024-02-20", referrerId="r9"),
    ev("r3", "first_widget_purchase", "2024-02-25"),
    ev("r9", "page", "2024-01-01"),
]


@pytest.fixture
def hand_lake(lake: Lake, write_jsonl: Callable[..., Path]) -> Lake:
    lake.ingest(write_jsonl(ROWS))
    return lake


def test_expired_user_names_count_and_deadline(hand_lake: Lake) -> None:
    e = explain(load_program(OFFER), hand_lake, "u1")
    assert isinstance(e, Explanation)
    assert (e.status, e.reason, e.reward) == ("expired", None, 0.0)
    text = str(e)
    assert "user 'u1': expired" in text
    assert "by deadline 2024-01-31T00:00Z" in text
    assert "'purchase' count >= 3 within 30d of enrollment" in text
    assert "had 2 of 3 [not met]" in text
    assert "enrolled at 2024-01-01T00:00Z by 'signup'" in text
    assert "1 matching 'purchase' event(s) came after the deadline (first at 2024-02-10" in text
    strict = load_program({**OFFER, "satisfy": {**OFFER["satisfy"], "where": {"amount": 10}}})
    assert "2 'purchase' event(s) before the deadline did not match where amount eq 10" in str(
        explain(strict, hand_lake, "u1")
    )


def test_satisfied_user_names_the_satisfying_event(hand_lake: Lake) -> None:
    program = load_program(OFFER)
    e = explain(program, hand_lake, "u2")
    assert (e.status, e.reward) == ("satisfied", 10.0)
    sat_id = e.rounds["satisfied_event_id"][0]
    assert f"satisfied at 2024-01-04T00:00Z by 'purchase' (event {sat_id}), 3d after" in str(e)
    assert "had 3 of 3 [met]" in str(e)
    # the frame: one row per decision and node, the satisfying decision marked
    f = e.frame
    assert {"at", "event_id", "phase", "action", "path", "value", "need", "holds"} <= set(f.columns)
    sat = f.filter((pl.col("action") == "satisfied") & (pl.col("path") == "satisfy"))
    assert sat.height == 1 and sat["value"][0] == 3 and sat["need"][0] == 3
    assert sat["event_id"][0] == sat_id
    values = f.filter(pl.col("path") == "satisfy").sort("at")["value"].to_list()
    assert values == [1.0, 2.0, 3.0]


def test_budget_cap_from_the_whole_lake(hand_lake: Lake) -> None:
    program = load_program(OFFER)
    e = explain(program, hand_lake, "u3")  # u2 spent the budget of 10 first
    assert (e.status, e.reason, e.reward) == ("capped", "budget", 0.0)
    assert "but capped: budget (the total budget of 10 was used up" in str(e)
    assert "(1 reward(s) totalling 10 had been granted by then; 0 was left)" in str(e)


def test_not_in_audience_and_pending(hand_lake: Lake) -> None:
    program = load_program(OFFER)
    tv = explain(program, hand_lake, "u4")
    assert tv.status == "not_enrolled"
    assert "audience: never held" in str(tv)
    assert "where channel in ['ads'] count >= 1: had 0 of 1 [not met]" in str(tv)
    pending = explain(program, hand_lake, "u5")
    assert pending.status == "pending"
    assert "window open until 2024-03-26T00:00Z (as of 2024-03-01T00:00Z)" in str(pending)
    nobody = explain(program, hand_lake, "ghost")
    assert nobody.status == "not_enrolled" and "no events for this user" in str(nobody)


def test_referral_reasons_and_delayed_reward(hand_lake: Lake) -> None:
    program = load_program(REFERRAL)
    self_ref = explain(program, hand_lake, "r1")
    assert (self_ref.status, self_ref.reason) == ("ineligible", "self_referral")
    assert "ineligible: self_referral (referrerId 'r1' is the user themself)" in str(self_ref)
    old = explain(program, hand_lake, "r2")
    assert (old.status, old.reason) == ("ineligible", "not_new_user")
    assert "first event 'page' at 2023-12-01T00:00Z, before the link at 2024-01-01T00:00Z" in str(
        old
    )
    ok = explain(program, hand_lake, "r3")
    assert (ok.status, ok.reward) == ("satisfied", 30.0)
    text = str(ok)
    assert "within 14d of the link" in text
    assert "reward 30 (referrer 20, referee 10), earned at 2024-03-03T00:00Z" in text
    assert "(not yet earned at as-of)" in text
    referrer = explain(program, hand_lake, "r9")
    assert referrer.status == "not_enrolled"
    assert "referrer of 2 user(s): r2 (ineligible: not_new_user), r3 (satisfied" in str(referrer)


def test_result_explain_delegates_and_needs_the_lake(hand_lake: Lake) -> None:
    program = load_program(OFFER)
    result = program.backtest(hand_lake)
    e = explain(result, hand_lake, "u3")
    assert (e.status, e.as_of) == ("capped", datetime(2024, 3, 1, tzinfo=UTC))
    if "lake" not in result.extra:
        with pytest.raises(InputError, match="needs the lake"):
            result.explain("u3")
    else:
        assert result.explain("u3").status == "capped"


def test_to_dict_and_chart(hand_lake: Lake) -> None:
    e = explain(load_program(OFFER), hand_lake, "u2")
    d = e.to_dict()
    assert d["status"] == "satisfied" and d["lines"][0].startswith("offer 'three'")
    json.dumps(d)
    spec = e.chart().to_dict()
    assert "layer" in spec and len(spec["layer"]) == 3  # step line, points, needed level


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="user_id"):
        explain(load_program(OFFER), object(), "")
    with pytest.raises(InputError, match="program"):
        explain({"kind": "offer"}, object(), "u1")


# -- statuses equal the whole-lake replay (the oracle) ----------------------------------
def _random_rows(seed: int, users: int = 24) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    ids = [f"p{i:02d}" for i in range(users)]

    def add(uid: str, name: str, t: datetime, data: dict[str, Any]) -> None:
        rows.append({"userId": uid, "name": name, "eventAt": t.isoformat(), "data": data})

    for uid in ids:
        t = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 24 * 20))
        if rng.random() < 0.5:  # a referee: the link first (sometimes to themself)
            add(uid, "referral", t, {"referrerId": rng.choice([*ids[:5], uid])})
        add(uid, "signup", t + timedelta(minutes=5), {"channel": rng.choice(["ads", "organic"])})
        for _ in range(rng.randint(0, 8)):
            t += timedelta(hours=rng.randint(1, 72))
            name = rng.choice(["purchase", "purchase", "purchase", "refund", "signup"])
            name = "first_widget_purchase" if rng.random() < 0.15 else name
            add(uid, name, t, {"amount": rng.choice([5, 15, 30])})
    return rows


PROGRAMS = [
    {
        "kind": "offer",
        "name": "reentry",
        "audience": {"event": "signup", "where": {"channel": "ads"}},
        "entry": {"event": "signup"},
        "satisfy": {
            "all": [
                {"event": "purchase", "count": 2, "within": "10d"},
                {"not": {"event": "refund"}},
            ]
        },
        "expires_after": "12d",
        "reentry": {"mode": "after_exit", "cooldown": "1d", "max": 2},
        "reward": 5,
    },
    {
        "kind": "offer",
        "name": "sum-capped",
        "entry": {"any": [{"event": "signup"}, {"event": "referral"}]},
        "satisfy": {"event": "purchase", "sum": {"field": "amount", "gte": 40}, "within": "9d"},
        "caps": {"budget": 25, "per_user": 1},
        "reward": 5,
    },
    {**REFERRAL, "caps": {"per_user": 1}},
]


@pytest.mark.parametrize(
    ("seed", "start"), [(1, None), (2, datetime(2024, 1, 8, tzinfo=UTC))], ids=["all", "start"]
)
def test_explained_status_equals_the_replay(
    lake: Lake, write_jsonl: Callable[..., Path], seed: int, start: datetime | None
) -> None:
    lake.ingest(write_jsonl(_random_rows(seed)))
    events = lake.execute(lake.events())
    users = sorted(set(events["user_id"].to_list()))
    for spec in PROGRAMS:
        program = load_program(spec)
        oracle = program.replay(events, start=start)
        status = dict(zip(oracle.users["user_id"], oracle.users["status"], strict=True))
        has_caps = "caps" in spec
        for uid in users:
            e = explain(program, lake, uid, start_date=start, result=oracle if has_caps else None)
            want = status.get(uid, "not_enrolled")
            assert e.status == want, (spec["name"], uid, str(e))
            assert f": {want}" in e.lines[0]
            # one user's events are enough: their rounds equal the whole-lake replay's
            assert e.rounds.equals(oracle.user(uid)), (spec["name"], uid)
