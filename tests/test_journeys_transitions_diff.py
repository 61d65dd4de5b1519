"""Differential: reference transitions == the compiled expression (DuckDB), on hypothesis
logs with ties, name filters, windows, entry bounds and as-of censoring; and the result's
probabilities (each ``from`` sums to 1 over its occurrences)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_helpers import T0, engine, with_ids
from journeylab.journeys.transitions import compile_transitions, transitions_spec
from journeylab.journeys.transitions_result import build_transitions
from journeys_helpers import cut_of, ref_transitions, same_rows, source, sql_transitions
from test_journeys_paths_diff import logs

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def spec_st(draw: Any) -> Any:
    kw: dict[str, Any] = {
        "names": draw(st.sampled_from([None, ["a", "b"], ["a", "b", "c", "x"]])),
        "within": draw(st.sampled_from([None, "1m", "3m", "10m"])),
    }
    if draw(st.integers(0, 3)) == 0:
        kw["start_date"] = T0 + timedelta(minutes=draw(st.integers(0, 8)))
    if draw(st.integers(0, 3)) == 0:
        kw["end_date"] = T0 + timedelta(minutes=draw(st.integers(9, 30)))
    if draw(st.integers(0, 2)) == 0:
        kw["as_of"] = T0 + timedelta(minutes=draw(st.integers(5, 40)))
    return transitions_spec(**kw)


@SETTINGS
@given(data=st.data(), log=logs())
def test_transitions_equal_reference(data: Any, log: list[dict[str, Any]]) -> None:
    spec = data.draw(spec_st())
    want = ref_transitions(spec, log)
    for key in ("user_id", "user_key"):
        got = sql_transitions(spec, log, key)
        assert same_rows(got, want), (spec, key, got, want)


@SETTINGS
@given(data=st.data(), log=logs())
def test_probabilities_sum_to_one(data: Any, log: list[dict[str, Any]]) -> None:
    spec = data.draw(spec_st())
    log = with_ids(log)
    cut = cut_of(log, spec.clock.as_of)
    frame = engine().sql(engine().to_sql(compile_transitions(source(log), spec, cut)))
    res = build_transitions(spec, frame, cut, "")
    t = res.table()
    if t.height == 0:
        return
    out_all = t.group_by("from").agg(pl.col("p_out_all").sum())["p_out_all"].to_list()
    assert all(abs(x - 1) < 1e-9 for x in out_all)
    moved = t.filter(pl.col("kind") == "transition")
    if moved.height:
        p_out = moved.group_by("from").agg(pl.col("p_out").sum())["p_out"].to_list()
        p_in = moved.group_by("to").agg(pl.col("p_in").sum())["p_in"].to_list()
        assert all(abs(x - 1) < 1e-9 for x in p_out + p_in)
    n = res.nodes
    assert (n["occurrences"] == n["transitions_out"] + n["ends"]).all()
