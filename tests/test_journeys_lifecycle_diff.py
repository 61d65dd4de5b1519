"""Differential: reference lifecycle == the compiled expression + result builder, on
hypothesis logs over weeks (users active before the reported range included), in several
time zones, periods and week starts, with entry bounds and as-of."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_helpers import T0
from journeylab.journeys.lifecycle import lifecycle_spec
from journeys_helpers import ref_lifecycle, sql_lifecycle
from test_journeys_retention_diff import logs

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def spec_st(draw: Any) -> Any:
    kw: dict[str, Any] = {
        "period": draw(st.sampled_from(["day", "week", "month"])),
        "active": draw(st.sampled_from(["any", "a", {"event": "signup", "where": {"ch": "ads"}}])),
        "timezone": draw(st.sampled_from(["UTC", "Europe/Paris", "America/Santiago"])),
        "week_start": draw(st.sampled_from(["monday", "sunday"])),
    }
    if draw(st.integers(0, 2)) == 0:
        kw["start_date"] = (T0 + timedelta(days=draw(st.integers(0, 20)))).date()
    if draw(st.integers(0, 3)) == 0:
        kw["end_date"] = T0 + timedelta(
            days=draw(st.integers(21, 40)), hours=draw(st.integers(0, 23))
        )
    if draw(st.integers(0, 1)) == 0:
        kw["as_of"] = T0 + timedelta(days=draw(st.integers(3, 40)), hours=draw(st.integers(0, 23)))
    return lifecycle_spec(**kw)


@SETTINGS
@given(data=st.data(), log=logs())
def test_lifecycle_equals_reference(data: Any, log: list[dict[str, Any]]) -> None:
    spec = data.draw(spec_st())
    want = ref_lifecycle(spec, log)
    for key in ("user_id", "user_key"):
        got = sql_lifecycle(spec, log, key).table()
        cols = ["period", "new", "returning", "resurrecting", "dormant", "active", "complete"]
        assert got.select(cols).to_dicts() == want, (spec, key)
