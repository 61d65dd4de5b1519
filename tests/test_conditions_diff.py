"""Differential: the vectorised backtest equals the event-by-event replay on generated inputs.

Each hypothesis example draws one program (offer or referral) and GROUPS small event logs;
the logs get namespaced user ids and go into ONE events table, so one backtest call checks
GROUPS (log, program) pairs (budget caps make the groups interact; the replay sees the
same combined log, so equality is still exact).
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeylab.conditions import load_program
from journeylab.conditions.backtest import backtest_events
from journeylab.conditions.replay import replay
from journeylab.engine import Engine
from journeylab.lake.layout import EVENT_SCHEMA

T0 = datetime(2024, 3, 1, tzinfo=UTC)
NAMES = ["a", "b", "c", "signup", "ref"]
GROUPS = 80
EXAMPLES = int(
    os.environ.get("JL_DIFF_EXAMPLES", "40")
)  # 40 programs x 80 logs = 3,200 (log, program) pairs in `make test`
SLOW_EXAMPLES = 120  # the slow tier: 120 programs x 80 logs (1-2 min; 500 once)

WHERES = [None, {"ch": "x"}, {"amount": {"gte": 2}}, {"ch": {"ne": "y"}}, {"amount": {"lt": 3}}]
WITHINS = ["5m", "10m", "30m", "1h"]


def leaf(context: str) -> st.SearchStrategy[dict[str, Any]]:
    froms = ["rolling", "signup"] if context == "pre" else [None, "enrollment", "signup", "rolling"]
    counts_from = [None, "lifetime"] if context == "pre" else [None, "enrollment", "lifetime"]

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any]
        if draw(st.integers(0, 5)) == 0:  # a comeback after a quiet spell
            out = {"returned": draw(returned_spec())}
            n = draw(st.integers(1, 2))
            if n > 1:
                out["count"] = n
        else:
            out = {"event": draw(st.sampled_from(NAMES))}
            where = draw(st.sampled_from(WHERES))
            if where:
                out["where"] = where
            if draw(st.booleans()):
                out["sum"] = {"field": "amount", "gte": draw(st.integers(1, 7))}
            else:
                n = draw(st.integers(1, 3))
                if n > 1:
                    out["count"] = n
        if draw(st.booleans()):
            out["within"] = draw(st.sampled_from(WITHINS))
            f = draw(st.sampled_from(froms))
            if f:
                out["from"] = f
        cf = draw(st.sampled_from(counts_from))
        if cf:
            out["count_from"] = cf
        return out

    return build()


@st.composite
def returned_spec(draw: st.DrawFn) -> dict[str, Any]:
    """What a return is: quiet spells of minutes (the logs span 90 minutes)."""
    out: dict[str, Any] = {"dormant_for": draw(st.sampled_from(["5m", "10m", "20m", "30m"]))}
    active = draw(st.sampled_from([None, None, ["a", "b"], [{"event": "a", "where": {"ch": "x"}}]]))
    if active:
        out["active"] = active
    exclude = draw(st.sampled_from([None, None, ["signup"], ["ref", "c"]]))
    if exclude:
        out["exclude"] = exclude
    return out


def step() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda n, w: {"event": n, **({"where": w} if w else {})},
        st.sampled_from(NAMES),
        st.sampled_from(WHERES[:3]),
    )


def condition(context: str) -> st.SearchStrategy[dict[str, Any]]:
    seq = st.builds(
        lambda steps, w: {"sequence": steps, **({"within": w} if w else {})},
        st.lists(step(), min_size=2, max_size=3),
        st.sampled_from([None, *WITHINS]),
    )
    base = st.one_of(leaf(context), leaf(context), seq)
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda x: {"not": x}, inner),
        ),
        max_leaves=4,
    )


@st.composite
def programs(draw: st.DrawFn) -> dict[str, Any]:
    common: dict[str, Any] = {
        "name": "p",
        "satisfy": draw(st.one_of(leaf("sat"), condition("sat"))),
        "time_basis": draw(st.sampled_from(["event_at", "received_at"])),
    }
    exp = draw(st.sampled_from([None, "10m", "10m", "30m", "2h"]))
    if exp:
        common["expires_after"] = exp
    caps: dict[str, Any] = {}
    if draw(st.booleans()):
        caps["per_user"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        caps["budget"] = draw(st.sampled_from([0, 10, 30, 60, 100]))
    if caps:
        common["caps"] = caps
    if draw(st.integers(0, 4)) == 0:
        rules = {
            "new_user_only": draw(st.booleans()),
            "no_self_referral": draw(st.booleans()),
        }
        if draw(st.booleans()):
            rules["reward_delay"] = draw(st.sampled_from(["5m", "1h"]))
        link: dict[str, Any] = {"event": "ref", "referrer_field": "referrerId"}
        if draw(st.booleans()):
            link["where"] = {"ch": {"ne": "y"}}
        return {
            "kind": "referral",
            **common,
            "link": link,
            "rules": rules,
            "reward": {"referrer": draw(st.sampled_from([0, 10])), "referee": 5},
        }
    simple = st.builds(lambda n: {"event": n}, st.sampled_from(NAMES))
    prog = {
        "kind": "offer",
        **common,
        "entry": draw(st.one_of(simple, simple, condition("pre"))),
        "reward": draw(st.sampled_from([0, 10, 10, 25])),
    }
    if draw(st.booleans()):
        prog["audience"] = draw(condition("pre"))
    if draw(st.integers(0, 2)) > 0:
        reentry: dict[str, Any] = {"mode": "after_exit", "max": draw(st.integers(1, 4))}
        cd = draw(st.sampled_from([None, "5m", "20m"]))
        if cd:
            reentry["cooldown"] = cd
        prog["reentry"] = reentry
    return prog


def make_logs(seed: int, groups: int) -> list[dict[str, Any]]:
    """``groups`` small logs (3 users each, ids namespaced by group) from one seed: plain
    ``random`` keeps hypothesis' buffer small; the program and seed are what it shrinks."""
    rnd = random.Random(seed)
    out: list[dict[str, Any]] = []
    for group in range(groups):
        users = [f"g{group}u{i}" for i in range(3)]
        for i in range(rnd.randint(0, 24)):
            user = rnd.choice(users)
            minute = rnd.choice([0, 1, 5, 5, 10, 15, 20, 30, 40, 60, 90])
            data: dict[str, Any] = {}
            if rnd.random() < 0.6:
                data["amount"] = rnd.randint(0, 5)
            if rnd.random() < 0.5:
                data["ch"] = rnd.choice(["x", "y"])
            name = rnd.choice(["a", "a", "b", "b", "c", "signup", "ref"])
            if name == "ref":
                data["referrerId"] = rnd.choice([*users, user, "", "other"])
            at = T0 + timedelta(minutes=minute)
            late = rnd.choice([0, 0, 0, 3, 25])
            out.append(
                {
                    # ids are not in time order: ties at one instant are broken by event_id
                    "event_id": f"{rnd.randint(0, 99):02d}-{group}-{i}",
                    "user_id": user,
                    "name": name,
                    "event_at": at,
                    "received_at": at + timedelta(minutes=late),
                    "data": json.dumps(data, sort_keys=True) if data else None,
                }
            )
    return out


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.duckdb(threads=1)


def _window(draw: st.DrawFn) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        kw["start"] = T0 + timedelta(minutes=draw(st.sampled_from([1, 10])))
    if draw(st.integers(0, 3)) == 0:
        kw["end"] = T0 + timedelta(minutes=draw(st.sampled_from([20, 45])))
    if draw(st.integers(0, 2)) == 0:
        kw["as_of"] = T0 + timedelta(minutes=draw(st.sampled_from([15, 40, 300])))
    return kw


def check(engine: Engine, spec: dict[str, Any], events: list[dict[str, Any]], kw: dict) -> None:
    program = load_program(spec)
    assert load_program(program.to_yaml()) == program
    ref = replay(program, events, **kw)
    table = engine.memtable(pa.Table.from_pylist(events, schema=EVENT_SCHEMA))
    # and keyed as a lake whose user_key is exact: the passes partition and group by it
    # (keys in another order than the ids, so nothing relies on the two orders agreeing)
    ids = sorted({e["user_id"] for e in events})
    key_of = {u: len(ids) - i for i, u in enumerate(ids)}
    keyed = engine.memtable(
        pa.Table.from_pylist(
            [{**e, "user_key": key_of[e["user_id"]]} for e in events],
            schema=EVENT_SCHEMA,
        )
    )
    for exact, t in ((False, table), (True, keyed)):
        got = backtest_events(program, t, engine, exact_keys=exact, **kw)
        msg = (
            f"\n{program.to_yaml()}\nkw={kw}\nexact_keys={exact}\n"
            f"replay:\n{ref.rounds}\nbacktest:\n{got.rounds}"
        )
        assert got.rounds.equals(ref.rounds), msg
        assert got.users.equals(ref.users), msg
        assert got.stages.equals(ref.stages), msg
        assert got.reward_total == ref.reward_total, msg
        assert got.reward_unearned == ref.reward_unearned, msg


def _run(engine: Engine, data: st.DataObject) -> None:
    spec = data.draw(programs(), label="program")
    events = make_logs(data.draw(st.integers(0, 2**32), label="seed"), GROUPS)
    kw = data.draw(st.composite(lambda draw: _window(draw))(), label="window")
    check(engine, spec, events, kw)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_backtest_equals_replay(engine: Engine, data: st.DataObject) -> None:
    _run(engine, data)


@st.composite
def comeback_offers(draw: st.DrawFn) -> dict[str, Any]:
    """Offers that enrol users when they come back (and sometimes reward a second return)."""
    prog = draw(programs())
    if prog["kind"] != "offer":
        prog = {
            "kind": "offer",
            "name": "p",
            "satisfy": prog["satisfy"],
            "time_basis": prog["time_basis"],
            "reward": 10,
        }
    prog["entry"] = {"returned": draw(returned_spec())}
    if draw(st.booleans()):
        prog["satisfy"] = {"any": [prog["satisfy"], {"returned": draw(returned_spec())}]}
    return prog


@settings(
    max_examples=max(EXAMPLES // 4, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_backtest_equals_replay_enrolling_comebacks(engine: Engine, data: st.DataObject) -> None:
    """entry: {returned: ...}: the vectorised backtest enrols the same users at the same
    returning events as the replay, which sees events one by one."""
    spec = data.draw(comeback_offers(), label="program")
    events = make_logs(data.draw(st.integers(0, 2**32), label="seed"), GROUPS)
    kw = data.draw(st.composite(lambda draw: _window(draw))(), label="window")
    check(engine, spec, events, kw)


@pytest.mark.slow
@settings(
    max_examples=SLOW_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_backtest_equals_replay_slow(engine: Engine, data: st.DataObject) -> None:
    _run(engine, data)
