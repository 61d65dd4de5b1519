"""Differential: the plain-Python reference paths == the compiled Ibis expression (DuckDB).

Hypothesis logs use coarse minutes so ties at the anchor's instant, repeats, session gaps
and window edges come up often; specs cover the three modes, both occurrences, depths
(None included), windows, exclusions, collapsing, session gaps, name groups, entry bounds,
as-of censoring and filters on the anchor. Per sequence: paths, users, median seconds,
in-progress and reached counts must be equal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_helpers import T0, ev
from journeylab.journeys.paths_spec import PathsSpec, paths_spec
from journeys_helpers import ref_paths, same_rows, sql_paths

NAMES = ["a", "b", "c", "d", "x"]
DATA = [None, {"v": 1}, {"v": 2}]


@st.composite
def user_log(draw: Any, user: str, max_size: int) -> list[dict[str, Any]]:
    out = []
    minute = draw(st.integers(0, 4))
    for _ in range(draw(st.integers(0, max_size))):
        minute += draw(st.sampled_from([0, 0, 1, 1, 2, 3, 7, 12]))
        out.append(ev(user, draw(st.sampled_from(NAMES)), minute, draw(st.sampled_from(DATA))))
    return out


def logs(users: int = 3, max_size: int = 9) -> Any:
    return (
        st.tuples(*[user_log(f"u{i}", max_size) for i in range(users)])
        .map(lambda parts: [e for part in parts for e in part])
        .filter(bool)
    )


@st.composite
def spec_st(draw: Any) -> PathsSpec:
    def step(name: str) -> Any:
        return {"event": name, "where": {"v": {"gte": 2}}} if draw(st.integers(0, 4)) == 0 else name

    mode = draw(st.sampled_from(["start", "end", "between"]))
    a = draw(st.sampled_from(["a", "b"]))
    kw: dict[str, Any] = {}
    if mode == "between":
        kw["between"] = (step(a), step(draw(st.sampled_from(["c", "d", a]))))
    else:
        kw[mode] = step(a)
    kw["occurrence"] = draw(st.sampled_from(["first", "any"]))
    kw["depth"] = draw(st.sampled_from([None, 1, 2, 3, 4]))
    kw["within"] = draw(st.sampled_from([None, "3m", "10m"]))
    kw["exclude"] = draw(st.sampled_from([None, "x", ["x", {"event": "d", "where": {"v": 1}}]]))
    if mode == "between" and kw["exclude"] and "d" in str(kw["between"][1]):
        kw["exclude"] = "x"
    kw["collapse_repeats"] = draw(st.booleans())
    kw["session_gap"] = draw(st.sampled_from([None, "2m", "5m"]))
    kw["group"] = draw(st.sampled_from([None, {"[cd]": "cd"}, {"x|d": "xd", "c": "cc"}]))
    if draw(st.integers(0, 3)) == 0:
        kw["start_date"] = T0 + timedelta(minutes=draw(st.integers(0, 8)))
    if draw(st.integers(0, 3)) == 0:
        kw["end_date"] = T0 + timedelta(minutes=draw(st.integers(9, 30)))
    if draw(st.integers(0, 2)) == 0:
        kw["as_of"] = T0 + timedelta(minutes=draw(st.integers(5, 40)))
    return paths_spec(**kw)


HORIZONS = ["default", None, timedelta(minutes=2), timedelta(minutes=6), timedelta(minutes=20)]


def check(spec: PathsSpec, log: list[dict[str, Any]], horizon: Any = "default") -> None:
    """Both user columns; the two-pass compile with its default horizon and a short one (so
    the second pass takes the paths the first could not settle), and one pass."""
    want = ref_paths(spec, log)
    for key, h in (("user_id", horizon), ("user_key", "default")):
        got = sql_paths(spec, log, key=key, horizon=h)
        assert same_rows(got, want), (spec, key, h, got, want)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=logs())
def test_paths_equal_reference(data: Any, log: list[dict[str, Any]]) -> None:
    check(data.draw(spec_st()), log, data.draw(st.sampled_from(HORIZONS)))


@pytest.mark.slow
@settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=logs(4, 14))
def test_paths_equal_reference_many(data: Any, log: list[dict[str, Any]]) -> None:
    check(data.draw(spec_st()), log, data.draw(st.sampled_from(HORIZONS)))
