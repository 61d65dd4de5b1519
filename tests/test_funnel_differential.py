"""Differential: the plain-Python reference funnel == the Ibis/DuckDB compilers.

Hypothesis logs use coarse minutes so ties at one instant, repeated events, window and
gap edges and excluded events at a step's instant come up often; specs cover all three
orders, filters on steps, exclusions (between any steps, sharing a step's name), per-step
gaps, entry bounds, as_of censoring and breakdown attribution. Per user the furthest step,
the chosen chain's step times, in-progress and the attributed value must be equal.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from funnel_helpers import T0, ev, ref_outcomes, sql_outcomes
from journeylab.funnels import make_spec
from journeylab.funnels.spec import FunnelSpec

NAMES = ["a", "b", "c", "d", "x", "o"]
DATA = [None, {"v": 1}, {"v": 2}, {"v": "p"}, {"w": 1}]


@st.composite
def user_log(draw: Any, user: str, max_size: int) -> list[dict[str, Any]]:
    """One user's events: small steps in time (0 = a tie), names biased to funnel steps."""
    out = []
    pos = -1
    minute = draw(st.integers(0, 4))
    for _ in range(draw(st.integers(1, max_size))):
        minute += draw(st.sampled_from([0, 0, 1, 1, 2, 3, 5]))
        how = draw(st.sampled_from(["next", "next", "next", "same", "restart", "other"]))
        if how == "other":
            name = draw(st.sampled_from(["x", "o", "x", "d"]))
        else:
            pos = {"next": pos + 1, "same": pos, "restart": 0}[how] % 4
            name = "abcd"[pos]
        out.append(ev(user, name, minute, draw(st.sampled_from(DATA))))
    return out


def logs(max_size: int = 10) -> Any:
    return st.tuples(*[user_log(f"u{i}", max_size) for i in range(3)]).map(
        lambda parts: [e for part in parts for e in part]
    )


log_st = logs()


REPEAT_WHERES = [None, None, {"v": {"gte": 2}}, {"v": {"in": [1, "p"]}}, {"v": {"exists": True}}]
W = {"v": {"gte": 2}}


def repeated_names(draw: Any, n: int) -> list[str]:
    """``n`` step names of which at least one stands at two steps (``a → a → b``)."""
    names = draw(st.lists(st.sampled_from(["a", "a", "b", "c"]), min_size=n, max_size=n))
    if len(set(names)) == n:
        names[draw(st.integers(1, n - 1))] = names[0]
    return names


def returned_step(draw: Any) -> Any:
    """A derived step: the moments users come back after a few quiet minutes."""
    active = draw(st.sampled_from(["any", "any", ["a", "b"], ["c", {"event": "a", "where": W}]]))
    exclude = draw(st.sampled_from([None, None, "x", ["o", "d"]]))
    return jl.returned(f"{draw(st.integers(1, 4))}m", active=active, exclude=exclude)


@st.composite
def spec_st(
    draw: Any, order: str, simple: bool = False, repeats: bool = False, derived: bool = False
) -> FunnelSpec:
    """A random spec; ``simple``: one the greedy path takes (ordered, no gaps, exclusions
    from step 1, no breakdown); ``repeats``: a name stands at several steps, often with
    different (overlapping) filters."""
    n = draw(st.integers(2, 4))
    if repeats:
        names = repeated_names(draw, n)
    elif draw(st.booleans()):
        names = ["a", "b", "c", "d"][:n]
    else:
        names = draw(st.permutations(["a", "b", "c", "d"]))[:n]
    steps: list[Any] = []
    for name in names:
        if derived and draw(st.integers(0, 2)) == 0:
            steps.append(returned_step(draw))
        elif repeats:
            where = draw(st.sampled_from(REPEAT_WHERES))
            steps.append({"event": name, "where": where} if where else name)
        elif draw(st.integers(0, 4)) == 0:
            steps.append({"event": name, "where": {"v": {"gte": 2}}})
        else:
            steps.append(name)
    exclude: list[Any] = []
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(["x", "x", "o", names[-1]]))
        if order != "any" and draw(st.booleans()):
            i = 1 if simple else draw(st.integers(1, n - 1))
            j = draw(st.integers(i + 1, n))
            exclude.append({"event": name, "between": [i, j]})
        else:
            exclude.append(name)
    gaps: Any = None
    if order != "any" and not simple and draw(st.booleans()):
        gaps = {k: f"{draw(st.integers(0, 4))}m" for k in range(1, n) if draw(st.booleans())}
        gaps = gaps or None
    start = end = as_of = None
    lo = 0
    if draw(st.integers(0, 3)) == 0:
        lo = draw(st.integers(0, 6))
        start = T0 + timedelta(minutes=lo)
    if draw(st.integers(0, 3)) == 0:
        end = T0 + timedelta(minutes=lo + draw(st.integers(1, 8)))
    if draw(st.integers(0, 2)) == 0:
        as_of = T0 + timedelta(minutes=draw(st.integers(3, 15)))
    by = None if simple else draw(st.sampled_from([None, "v"]))
    attribution = draw(st.sampled_from(["first_touch", "last_touch", f"step:{n}", "step:2"]))
    return make_spec(
        steps,
        within=f"{draw(st.sampled_from([2, 3, 5, 8]))}m",
        order=order,
        exclude=exclude or None,
        max_gap=gaps,
        by=by,
        attribution=attribution,
        as_of=as_of,
        start_date=start,
        end_date=end,
    )


def _check(spec: FunnelSpec, log: list[dict[str, Any]], method: str = "auto") -> None:
    want = ref_outcomes(spec, log)
    assert sql_outcomes(spec, log, method) == want, spec
    if spec.simple and spec.by is None and method == "auto":  # the greedy path, keyed
        assert sql_outcomes(spec, log, method, key="user_key") == want, spec


#: the fast tier's runs (the slow tier's below draw 90 examples)
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
def test_compiled_equals_reference(order: str) -> None:
    @SETTINGS
    @given(data=st.data(), log=log_st)
    def inner(data: Any, log: list[dict[str, Any]]) -> None:
        _check(data.draw(spec_st(order)), log)

    inner()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=log_st)
def test_greedy_path_equals_reference(data: Any, log: list[dict[str, Any]]) -> None:
    """The greedy path on its own specs, keyed both ways: users with one start instant take
    the per-user shortcut, the others the per-start chains (compile_greedy._level2)."""
    spec = data.draw(spec_st("ordered", simple=True))
    assert spec.simple and spec.by is None
    _check(spec, log)


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
def test_repeated_steps_equal_reference(order: str) -> None:
    """A name at several steps (with the same or overlapping filters): one event fills at
    most one step; events at one instant fill consecutive steps; any counts occurrences."""

    @SETTINGS
    @given(data=st.data(), log=log_st)
    def inner(data: Any, log: list[dict[str, Any]]) -> None:
        spec = data.draw(spec_st(order, repeats=True))
        assert spec.repeats
        _check(spec, log)

    inner()


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
def test_returned_steps_equal_reference(order: str) -> None:
    """jl.returned steps (derived return moments) among named steps, repeated or not."""

    @SETTINGS
    @given(data=st.data(), log=log_st)
    def inner(data: Any, log: list[dict[str, Any]]) -> None:
        repeats = data.draw(st.booleans())
        _check(data.draw(spec_st(order, repeats=repeats, derived=True)), log)

    inner()


@SETTINGS
@given(data=st.data(), log=log_st)
def test_general_dp_equals_reference_on_simple_specs(data: Any, log: list[dict[str, Any]]) -> None:
    """The fast greedy path and the general DP agree with the reference on plain specs."""
    spec = data.draw(spec_st("ordered"))
    _check(spec, log, "dp")


@pytest.mark.slow
@pytest.mark.parametrize("repeats", [False, True], ids=["distinct", "repeats"])
@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
def test_compiled_equals_reference_many(order: str, repeats: bool) -> None:
    @settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), log=logs(16))
    def inner(data: Any, log: list[dict[str, Any]]) -> None:
        _check(data.draw(spec_st(order, repeats=repeats)), log)

    inner()
