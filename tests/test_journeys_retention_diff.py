"""Differential: reference retention == the compiled expressions + the result builder, on
hypothesis logs spread over days with calendar and rolling windows, both modes, first-time
and recurring starts, breakdowns, time zones (DST), week starts, entry bounds and as-of
censoring (periods still running are neither retained nor lost)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_helpers import T0
from journeylab.journeys.retention_spec import retention_spec
from journeys_helpers import ref_retention, sql_retention

NAMES = ["signup", "a", "b"]
DATA = [None, {"ch": "ads"}, {"ch": "seo"}, {"ch": 2}, {"ch": True}]


@st.composite
def user_log(draw: Any, user: str, max_size: int) -> list[dict[str, Any]]:
    out = []
    hours = draw(st.integers(0, 24 * 6))
    for _ in range(draw(st.integers(0, max_size))):
        hours += draw(st.sampled_from([0, 1, 5, 20, 24, 30, 70, 170, 400]))
        name = draw(st.sampled_from(NAMES))
        at = T0 + timedelta(hours=hours, minutes=draw(st.sampled_from([0, 0, 59])))
        out.append(
            {
                "event_id": "",
                "user_id": user,
                "name": name,
                "event_at": at,
                "data": draw(st.sampled_from(DATA)),
            }
        )
    return out


def logs(users: int = 4, max_size: int = 8) -> Any:
    return (
        st.tuples(*[user_log(f"u{i}", max_size) for i in range(users)])
        .map(lambda parts: [e for part in parts for e in part])
        .filter(bool)
    )


@st.composite
def spec_st(draw: Any) -> Any:
    kw: dict[str, Any] = {
        "start": draw(
            st.sampled_from(["signup", "a", {"event": "signup", "where": {"ch": "ads"}}])
        ),
        "returning": draw(st.sampled_from(["any", "b", "signup"])),
        "period": draw(st.sampled_from(["day", "week", "month"])),
        "mode": draw(st.sampled_from(["on", "on_or_after"])),
        "windows": draw(st.sampled_from(["calendar", "rolling"])),
        "start_kind": draw(st.sampled_from(["first_time", "recurring"])),
        "by": draw(st.sampled_from([None, None, "ch"])),
        "timezone": draw(
            st.sampled_from(["UTC", "Europe/Paris", "America/Santiago", "Asia/Kolkata"])
        ),
        "week_start": draw(st.sampled_from(["monday", "sunday", "wednesday"])),
    }
    kw["periods"] = draw(st.integers(0, {"day": 20, "week": 6, "month": 2}[kw["period"]]))
    if draw(st.integers(0, 3)) == 0:
        kw["start_date"] = (T0 + timedelta(days=draw(st.integers(0, 10)))).date()
    if draw(st.integers(0, 3)) == 0:
        kw["end_date"] = T0 + timedelta(
            days=draw(st.integers(11, 30)), hours=draw(st.integers(0, 23))
        )
    if draw(st.integers(0, 1)) == 0:
        kw["as_of"] = T0 + timedelta(days=draw(st.integers(3, 30)), hours=draw(st.integers(0, 23)))
    return retention_spec(**kw)


def check(spec: Any, log: list[dict[str, Any]]) -> None:
    want = ref_retention(spec, log)
    for key in ("user_id", "user_key"):
        res = sql_retention(spec, log, key)
        got = (
            res.cohorts.select(
                "cohort", "segment", "period", "users", "eligible", "retained", "returned_open"
            )
            .sort(["cohort", "segment", "period"])
            .to_dicts()
        )
        assert got == want, (spec, key)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), log=logs())
def test_retention_equals_reference(data: Any, log: list[dict[str, Any]]) -> None:
    check(data.draw(spec_st()), log)


@pytest.mark.slow
@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=logs(6, 12))
def test_retention_equals_reference_many(data: Any, log: list[dict[str, Any]]) -> None:
    check(data.draw(spec_st()), log)
