"""Reactivation, a derived moment: the Ibis query equals the event-by-event reference on
generated logs with gaps, and hand-computed cases pin the rules (docs/journeys.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from funnel_helpers import T0, arrow, engine, ev, with_ids
from journeylab.errors import JourneylabError
from journeylab.journeys.reactivation import reference_returns, return_spec, returns_expr
from journeylab.journeys.reactivation_result import returns_frame
from journeylab.names import UnknownNameError

DAY = 24 * 60  # minutes


def sql_returns(spec: Any, events: list[dict[str, Any]], **kw: Any) -> pl.DataFrame:
    eng = engine()
    eng.backend.con.register("react_test_events", arrow(with_ids(events)))
    expr = returns_expr(eng.backend.table("react_test_events"), spec, **kw)
    return returns_frame(eng.to_polars(expr))


def ref_returns(spec: Any, events: list[dict[str, Any]], **kw: Any) -> pl.DataFrame:
    rows = reference_returns(with_ids(events), spec, **kw)
    return returns_frame(rows)


# -- differential ---------------------------------------------------------------------------
GAPS = [0, 0, 1, 2, 3, 5, 8, 13]


@st.composite
def gap_logs(draw: Any) -> list[dict[str, Any]]:
    """Users whose events come in bursts with quiet spells of every length, ties included."""
    out = []
    for u in range(draw(st.integers(1, 4))):
        minute = draw(st.integers(0, 5))
        for _ in range(draw(st.integers(1, 9))):
            minute += draw(st.sampled_from(GAPS))
            name = draw(st.sampled_from(["a", "a", "b", "reactivated", "x"]))
            data = draw(st.sampled_from([None, {"v": 1}, {"v": 3}]))
            out.append(ev(f"u{u}", name, minute, data))
    return out


@st.composite
def spec_kw(draw: Any) -> tuple[Any, dict[str, Any]]:
    active = draw(
        st.sampled_from(["any", "any", "a", ["a", "b"], [{"event": "a", "where": {"v": 3}}]])
    )
    exclude = draw(st.sampled_from([None, "reactivated", ["x", {"event": "b", "where": {"v": 1}}]]))
    spec = return_spec(f"{draw(st.integers(1, 9))}m", active=active, exclude=exclude)
    kw: dict[str, Any] = {"as_of": None}
    if draw(st.booleans()):
        kw["as_of"] = T0 + timedelta(minutes=draw(st.integers(5, 40)))
    if draw(st.integers(0, 2)) == 0:
        kw["start"] = T0 + timedelta(minutes=draw(st.integers(0, 20)))
    if draw(st.integers(0, 2)) == 0:
        kw["end"] = T0 + timedelta(minutes=draw(st.integers(10, 50)))
    return spec, kw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=gap_logs(), drawn=spec_kw())
def test_query_equals_reference(log: list[dict[str, Any]], drawn: tuple[Any, dict]) -> None:
    spec, kw = drawn
    assert sql_returns(spec, log, **kw).equals(ref_returns(spec, log, **kw))


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=gap_logs(), drawn=spec_kw())
def test_query_equals_reference_many(log: list[dict[str, Any]], drawn: tuple[Any, dict]) -> None:
    spec, kw = drawn
    assert sql_returns(spec, log, **kw).equals(ref_returns(spec, log, **kw))


# -- the rules, by hand ------------------------------------------------------------------------
def returns(events: list[dict[str, Any]], dormant_for: str = "30d", **kw: Any) -> list[tuple]:
    """(user, minutes of the return, days away), equal in SQL and the reference."""
    spec = return_spec(dormant_for, kw.pop("active", "any"), kw.pop("exclude", None))
    kw.setdefault("as_of", None)
    got = sql_returns(spec, events, **kw)
    assert got.equals(ref_returns(spec, events, **kw))
    return [
        (r["user_id"], (r["returned_at"] - T0).total_seconds() / 60, round(r["days_away"], 3))
        for r in got.iter_rows(named=True)
    ]


def test_a_gap_of_at_least_d_then_activity_is_a_return() -> None:
    evs = [ev("u", "a", 0), ev("u", "b", 30 * DAY), ev("v", "a", 0), ev("v", "a", 30 * DAY - 1)]
    assert returns(evs) == [("u", 30 * DAY, 30.0)]  # the edge counts; 1 minute short does not


def test_first_event_is_not_a_return_and_ties_are_zero_apart() -> None:
    evs = [ev("u", "a", 40 * DAY), ev("u", "b", 40 * DAY), ev("u", "a", 80 * DAY, eid="z1")]
    evs.append(ev("u", "b", 80 * DAY, eid="z0"))
    got = returns(evs)
    assert got == [("u", 80 * DAY, 40.0)]  # one return per instant
    spec = return_spec("30d")
    rows = sql_returns(spec, evs, as_of=None)
    assert rows["event_id"].to_list() == ["z0"]  # the first event of that instant


def test_activity_names_and_exclusions() -> None:
    evs = [
        ev("u", "session_start", 0),
        ev("u", "reactivated", 35 * DAY),  # the app's own event: excluded below
        ev("u", "session_start", 35 * DAY + 2),
        ev("u", "push_received", 50 * DAY),
    ]
    assert returns(evs) == [("u", 35 * DAY, 35.0)]
    assert returns(evs, exclude="reactivated") == [("u", 35 * DAY + 2, 35.001)]
    # only sessions count: the push is not activity, so nothing comes back at day 50
    assert returns(evs, active="session_start") == [("u", 35 * DAY + 2, 35.001)]
    assert returns(evs, exclude=["reactivated", "push_received"], dormant_for="10d") == [
        ("u", 35 * DAY + 2, 35.001)
    ]


def test_as_of_and_range_read_history_before_the_range() -> None:
    evs = [ev("u", "a", 0), ev("u", "a", 40 * DAY), ev("u", "a", 90 * DAY)]
    assert [r[1] for r in returns(evs)] == [40 * DAY, 90 * DAY]
    assert [r[1] for r in returns(evs, as_of=T0 + timedelta(days=60))] == [40 * DAY]
    # the gap began before the range: the day-40 return is in it
    assert [r[1] for r in returns(evs, start=T0 + timedelta(days=39))] == [40 * DAY, 90 * DAY]
    assert [r[1] for r in returns(evs, end=T0 + timedelta(days=40))] == []


def _lake(tmp_path: Any, write_jsonl: Any, records: list[dict[str, Any]]) -> jl.Lake:
    lake = jl.open_lake(tmp_path / "lake", create=True)
    lake.ingest(write_jsonl(records), progress=False)
    return lake


def _rec(user: str, name: str, when: str) -> dict[str, Any]:
    return {"userId": user, "name": name, "eventAt": when}


def test_lake_reactivations(tmp_path: Any, write_jsonl: Any) -> None:
    lake = _lake(
        tmp_path,
        write_jsonl,
        [
            _rec("u1", "session_start", "2025-01-01T10:00:00Z"),
            _rec("u1", "reactivated", "2025-02-15T09:00:00Z"),
            _rec("u1", "session_start", "2025-02-15T09:00:01Z"),
            _rec("u2", "session_start", "2025-01-20T10:00:00Z"),
            _rec("u2", "purchase", "2025-03-01T12:00:00Z"),
        ],
    )
    r = lake.reactivations("30d", exclude="reactivated")
    assert r.users() == ["u1", "u2"]
    assert r.table()["name"].to_list() == ["session_start", "purchase"]
    assert r.as_of == datetime(2025, 3, 1, 12, tzinfo=UTC)
    week = r.by_period("week")
    assert week["users"].to_list() == [1, 1]
    assert r.summary()["returns"] == 2
    assert "LAG" in r.to_sql().upper()
    doc = r.to_dict()
    assert set(doc) == {"spec", "start", "end", "as_of", "summary", "returns", "warnings"}
    assert doc["returns"][0]["returned_at"] == "2025-02-15T09:00:01Z"
    chart = r.chart().to_dict()
    assert chart["mark"]["type"] == "bar" and "2 returns by 2 users" in chart["title"]["subtitle"]
    # a date range includes both days: February only
    feb = lake.reactivations(
        "30d", exclude="reactivated", start_date="2025-02-01", end_date=date(2025, 2, 28)
    )
    assert feb.users() == ["u1"] and feb.end == datetime(2025, 3, 1, tzinfo=UTC)
    # a typo warns with the nearest name, and strict raises
    typo = lake.reactivations("30d", exclude="reactivatd")
    assert typo.warnings[0].suggestions == ("reactivated",)
    with pytest.raises(UnknownNameError, match="reactivatd"):
        lake.reactivations("30d", exclude="reactivatd", strict=True)


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"dormant_for": "0d"}, "positive"),
        ({"dormant_for": "soon"}, "dormant_for"),
        ({"active": []}, "active"),
        ({"active": jl.returned("3d")}, "events an app fires"),
        ({"start_date": "2025-02-01", "end_date": "2025-01-01"}, "end_date"),
    ],
)
def test_errors_name_the_parameter(tmp_path: Any, kw: dict[str, Any], needle: str) -> None:
    lake = jl.open_lake(tmp_path / "lake", create=True)
    with pytest.raises(JourneylabError, match=needle):
        lake.reactivations(**kw)


def test_empty_lake(tmp_path: Any) -> None:
    r = jl.open_lake(tmp_path / "lake", create=True).reactivations("30d")
    assert r.table().height == 0 and r.users() == [] and r.as_of is None
    assert r.by_period().height == 0 and r.summary()["median_days_away"] is None
    assert r.chart().to_dict()["mark"]["type"] == "bar"


def test_returned_funnel_step_on_a_lake(tmp_path: Any, write_jsonl: Any) -> None:
    lake = _lake(
        tmp_path,
        write_jsonl,
        [
            _rec("u1", "session_start", "2025-01-01T10:00:00Z"),
            _rec("u1", "purchase", "2025-02-15T09:00:00Z"),  # the return is a purchase
            _rec("u2", "session_start", "2025-01-01T10:00:00Z"),
            _rec("u2", "session_start", "2025-02-15T09:00:00Z"),
            _rec("u2", "purchase", "2025-02-25T09:00:00Z"),  # too late for 7 days
            _rec("u3", "session_start", "2025-01-01T10:00:00Z"),
            _rec("u3", "session_start", "2025-01-20T10:00:00Z"),
        ],
    )
    step = {"returned": {"dormant_for": "30d", "exclude": ["reactivated"]}, "label": "back"}
    f = lake.funnel([step, "purchase"], within="7d")
    assert f.table().select("name", "users").rows() == [("back", 2), ("purchase", 1)]
    assert f.users(step=2) == ["u1"]  # one instant: the moment and the purchase
    # names inside the step are checked like any other: nearest names suggested
    typo = lake.funnel([jl.returned("30d", exclude="purchse"), "purchase"], within="7d")
    assert [(w.param, w.suggestions) for w in typo.warnings] == [
        ("steps[1].returned.exclude[0]", ("purchase",))
    ]
    with pytest.raises(JourneylabError, match="dormant_for"):
        lake.funnel([{"returned": {"dormant_for": "30d", "since": "x"}}, "purchase"])
