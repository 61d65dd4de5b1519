"""One-pass backtests (docs/adr/0010) against the replay: offers of the common shape on
lakes as ingest leaves them, compacted with typed properties, and compacted without
(where a filtered name's rows come through the engine)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from journeylab.conditions import load_program
from journeylab.conditions.one_pass import fits_one_pass
from journeylab.conditions.replay import replay
from journeylab.conditions.result import BacktestResult, make_result
from journeylab.errors import InputError
from test_conditions_diff import NAMES, T0, WHERES, WITHINS, _window, make_logs

SEED = 20261205
GROUPS = 60
EVENTS = make_logs(SEED, GROUPS)


def _records(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "eventId": e["event_id"],
            "userId": e["user_id"],
            "name": e["name"],
            "eventAt": e["event_at"].isoformat().replace("+00:00", "Z"),
            **({"data": json.loads(e["data"])} if e["data"] else {}),
        }
        for e in events
    ]


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, jl.Lake]:
    root = tmp_path_factory.mktemp("one_pass_lakes")
    records = _records(EVENTS)
    out = {}
    for kind in ("ingested", "typed", "json"):
        lake = jl.open_lake(Path(root) / kind, create=True)
        half = len(records) // 2  # two ingests: two files, each in ingest's order
        lake.ingest_records(records[:half], source="a")
        lake.ingest_records(records[half:], source="b")
        if kind != "ingested":
            lake.compact(properties=["amount", "ch"] if kind == "typed" else [])
        out[kind] = lake
    return out


def _leaf(draw: st.DrawFn, satisfy: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"event": draw(st.sampled_from(NAMES))}
    where = draw(st.sampled_from(WHERES))
    if where:
        out["where"] = where
    n = draw(st.integers(1, 3))
    if n > 1:
        out["count"] = n
    if satisfy and draw(st.booleans()):
        out["within"] = draw(st.sampled_from(WITHINS))
        f = draw(st.sampled_from([None, "enrollment"]))
        if f:
            out["from"] = f
    if draw(st.integers(0, 3)) == 0:  # before enrolment only the lifetime has meaning
        out["count_from"] = "enrollment" if satisfy else "lifetime"
    return out


@st.composite
def offers(draw: st.DrawFn) -> dict[str, Any]:
    """Offers the one pass computes (fits_one_pass)."""
    prog: dict[str, Any] = {
        "kind": "offer",
        "name": "p",
        "entry": _leaf(draw, False),
        "satisfy": _leaf(draw, True),
        "reward": draw(st.sampled_from([0, 10, 25])),
    }
    if draw(st.booleans()):
        prog["audience"] = _leaf(draw, False)
    exp = draw(st.sampled_from([None, "10m", "30m", "2h"]))
    if exp:
        prog["expires_after"] = exp
    caps: dict[str, Any] = {}
    if draw(st.booleans()):
        caps["per_user"] = 1
    if draw(st.booleans()):
        caps["budget"] = draw(st.sampled_from([0, 10, 30, 100]))
    if caps:
        prog["caps"] = caps
    if draw(st.booleans()):
        prog["reentry"] = {"mode": "never"}
    return prog


def _same(got: BacktestResult, ref: BacktestResult, msg: str) -> None:
    assert got.rounds.equals(ref.rounds), msg
    assert got.users.equals(ref.users), msg
    assert got.stages.equals(ref.stages), msg
    assert got.daily.equals(ref.daily), msg
    assert got.time_to_satisfy.equals(ref.time_to_satisfy), msg
    assert got.reward_total == ref.reward_total, msg
    assert got.reward_unearned == ref.reward_unearned, msg


@settings(
    max_examples=int(os.environ.get("JL_ONE_PASS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_one_pass_backtest_equals_replay(lakes: dict[str, jl.Lake], data: st.DataObject) -> None:
    spec = data.draw(offers(), label="program")
    kw = data.draw(st.composite(lambda draw: _window(draw))(), label="window")
    program = load_program(spec)
    assert fits_one_pass(program)
    ref = replay(program, EVENTS, **kw)
    for kind, lake in lakes.items():
        got = program.backtest(lake, start_date=kw.get("start"), end_date=kw.get("end"),
                               as_of=kw.get("as_of"))  # fmt: skip
        msg = f"\n{program.to_yaml()}\nkw={kw}\nlake={kind}\nreplay:\n{ref.rounds}\ngot:\n{got.rounds}"
        _same(got, ref, msg)
        # filters on keys without a column are read through the engine, in the one pass
        assert got.extra["method"] == "one_pass", msg


def test_other_shapes_and_method_sql_take_the_ibis_passes(lakes: dict[str, jl.Lake]) -> None:
    lake = lakes["typed"]
    plain = {"kind": "offer", "name": "p", "entry": {"event": "a"}, "satisfy": {"event": "b"}}
    assert program_method(lake, plain) == "one_pass"
    assert program_method(lake, plain, method="sql") == "sql"
    others = [
        {"satisfy": {"all": [{"event": "b"}, {"event": "c"}]}},  # a combinator
        {"satisfy": {"event": "b", "sum": {"field": "amount", "gte": 3}}},  # a sum
        {"satisfy": {"event": "b", "within": "10m", "from": "rolling"}},
        {"satisfy": {"event": "b", "count_from": "lifetime"}},
        {"entry": {"event": "a", "within": "10m", "from": "signup"}},
        {"reentry": {"mode": "after_exit", "max": 2}},
        {"time_basis": "received_at"},
    ]
    for change in others:
        spec = {**plain, **change}
        assert not fits_one_pass(load_program(spec)), change
        assert program_method(lake, spec) == "sql", change
    # a filter on a key the lake has no column for: that name's rows come through the
    # engine (the filter read from data), the one pass decides
    for kind in ("json", "ingested"):
        filtered = {**plain, "entry": {"event": "a", "where": {"ch": "x"}}}
        assert program_method(lakes[kind], filtered) == "one_pass"


def program_method(lake: jl.Lake, spec: dict[str, Any], method: str = "auto") -> str:
    result = load_program(spec).backtest(lake, method=method)
    if "time_basis" not in spec:  # the lake's receive times are its ingest's, not the log's
        _same(result, replay(load_program(spec), EVENTS), str(spec))
    return str(result.extra["method"])


def test_an_unknown_method_is_one_clear_error(lakes: dict[str, jl.Lake]) -> None:
    program = load_program(
        {"kind": "offer", "name": "p", "entry": {"event": "a"}, "satisfy": {"event": "b"}}
    )
    with pytest.raises(InputError, match=r"method: 'fast'.*'auto'.*'sql'"):
        program.backtest(lakes["typed"], method="fast")


def test_ties_at_the_enrolling_instant_are_ordered_by_event_id(tmp_path: Path) -> None:
    """A purchase at the signup's very microsecond counts only when its event_id sorts
    after the signup's, as in the replay."""
    at = T0.isoformat().replace("+00:00", "Z")
    records = [
        {"eventId": "m", "userId": "u1", "name": "signup", "eventAt": at},
        {"eventId": "a", "userId": "u1", "name": "purchase", "eventAt": at},  # before m
        {"eventId": "z", "userId": "u1", "name": "purchase", "eventAt": at},  # after m
        {"eventId": "n", "userId": "u2", "name": "signup", "eventAt": at},
        {"eventId": "b", "userId": "u2", "name": "purchase", "eventAt": at},  # before n
    ]
    lake = jl.open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(records)
    lake.compact()
    spec = {"kind": "offer", "name": "p", "entry": {"event": "signup"},
            "satisfy": {"event": "purchase"}, "reward": 5}  # fmt: skip
    program = load_program(spec)
    got = program.backtest(lake)
    assert got.extra["method"] == "one_pass"
    events = [
        {"event_id": r["eventId"], "user_id": r["userId"], "name": r["name"],
         "event_at": T0, "received_at": T0, "data": None}
        for r in records
    ]  # fmt: skip
    _same(got, replay(program, events), "ties")
    assert got.rounds.select("user_id", "satisfied_event_id").rows() == [("u1", "z"), ("u2", None)]


def test_make_result_with_the_never_enrolled_given_equals_the_anti_join() -> None:
    program = load_program(
        {"kind": "offer", "name": "p", "entry": {"event": "a"}, "satisfy": {"event": "b"}}
    )
    ref = replay(program, EVENTS)
    audience = pl.Series(["zz-never", *ref.rounds["user_id"].to_list(), "aa-never"])
    rounds = ref.rounds.sample(fraction=1.0, shuffle=True, seed=1)  # any order
    found = make_result(program, rounds, audience, ref.as_of)
    given_ = make_result(
        program, rounds, audience, ref.as_of, never=pl.Series(["zz-never", "aa-never"])
    )
    assert found.users.equals(given_.users) and found.rounds.equals(ref.rounds)
    assert found.stage("not_enrolled") == 2


def test_a_compacted_lake_with_a_later_ingest_still_takes_the_one_pass(tmp_path: Path) -> None:
    """Files of a compaction (key-sorted) and of a later ingest (in ingest's order), with
    the generation's typed columns in both: the one pass reads them all, as the replay."""
    records = _records(EVENTS)
    lake = jl.open_lake(tmp_path / "lake", create=True)
    cut = 2 * len(records) // 3
    lake.ingest_records(records[:cut])
    lake.compact(properties=["amount", "ch"])
    lake.ingest_records(records[cut:])
    assert len(lake.layout.snapshot()) >= 2
    programs = [
        {"entry": {"event": "a"}, "satisfy": {"event": "b", "count": 2}},
        {
            "audience": {"event": "a", "where": {"ch": "x"}},
            "entry": {"event": "a"},
            "satisfy": {"event": "b", "where": {"amount": {"gte": 2}}, "within": "30m"},
            "expires_after": "30m",
            "caps": {"budget": 30},
            "reward": 10,
        },
        {
            "audience": {"event": "signup"},
            "entry": {"event": "c", "where": {"ch": {"ne": "y"}}},
            "satisfy": {"event": "a", "count": 2, "where": {"amount": {"lt": 3}}},
            "reward": 5,
        },
    ]
    windows: list[dict[str, Any]] = [
        {},
        {"start": T0 + timedelta(minutes=10), "end": T0 + timedelta(minutes=45)},
        {"as_of": T0 + timedelta(minutes=40)},
    ]
    satisfied = 0
    for spec in programs:
        program = load_program({"kind": "offer", "name": "p", **spec})
        for kw in windows:
            got = program.backtest(
                lake, start_date=kw.get("start"), end_date=kw.get("end"), as_of=kw.get("as_of")
            )
            assert got.extra["method"] == "one_pass", spec
            _same(got, replay(program, EVENTS, **kw), f"{spec} {kw}")
            assert got.stage("enrolled") > 0, (spec, kw)  # the test reaches the rounds
            satisfied += got.stage("satisfied")
    assert satisfied > 0
