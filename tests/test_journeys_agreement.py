"""Agreement: paths agree with funnels (PostHog's users ask for exactly this, #37285).

For any A, B and window, with ``occurrence="any", depth=None, session_gap=None,
collapse_repeats=False``, the users whose path after A reaches B are the users the 2-step
ordered funnel A -> B converts with that window; and each step column of a paths result
sums to its cohort.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_helpers import engine, run_sql, with_ids
from journeylab.funnels import make_spec
from journeylab.journeys.paths import build_paths_result
from journeylab.journeys.paths_compile import compile_path_rows, compile_paths
from journeylab.journeys.paths_spec import paths_spec
from journeys_helpers import cut_of, source
from test_journeys_paths_diff import logs, spec_st

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    log=logs(),
    pair=st.permutations(["a", "b", "c", "d"]).map(lambda p: p[:2]),
    window=st.sampled_from(["1m", "3m", "10m", "1h"]),
)
def test_users_reaching_b_equal_the_funnel(
    log: list[dict[str, Any]], pair: list[str], window: str
) -> None:
    a, b = pair
    log = with_ids(log)
    spec = paths_spec(
        start=a,
        occurrence="any",
        depth=None,
        session_gap=None,
        collapse_repeats=False,
        within=window,
    )
    rows = compile_path_rows(source(log), spec, cut_of(log, None))
    reach = rows.filter(rows.steps.contains(b)).select("u").distinct()
    got = set(engine().sql(engine().to_sql(reach))["u"].to_list())
    funnel = run_sql(make_spec([a, b], within=window), log)
    assert got == set(funnel.users(step=2, status="converted"))


@SETTINGS
@given(data=st.data(), log=logs())
def test_each_column_sums_to_the_cohort(data: Any, log: list[dict[str, Any]]) -> None:
    spec = data.draw(spec_st())
    log = with_ids(log)
    frame = engine().sql(
        engine().to_sql(compile_paths(source(log), spec, cut_of(log, spec.clock.as_of)))
    )
    res = build_paths_result(spec, frame, None, "")
    cols = res.columns()
    if res.cohort_paths:
        sums = cols.group_by("column").agg(pl.col("paths").sum(), pl.col("share").sum())
        assert sums["paths"].to_list() == [res.cohort_paths] * sums.height
        assert all(abs(s - 1) < 1e-9 for s in sums["share"].to_list())
        links = res.links()
        per_col = links.group_by("column").agg(pl.col("paths").sum())["paths"].to_list()
        assert per_col == [res.cohort_paths] * len(per_col)
    assert res.table()["paths"].sum() == res.cohort_paths


def test_agreement_example_with_ties() -> None:
    """B at A's very instant (smaller event id) counts, as in the funnel; B after the
    window does not."""
    from funnel_helpers import ev

    log = with_ids(
        [
            ev("u1", "b", 0, eid="e0"),
            ev("u1", "a", 0, eid="e1"),  # B at the same instant, listed before A
            ev("u2", "a", 0),
            ev("u2", "b", 11),  # outside 10m
            ev("u3", "a", 0),
            ev("u3", "a", 8),
            ev("u3", "b", 15),  # 7m after the second A
        ]
    )
    spec = paths_spec(
        start="a",
        occurrence="any",
        depth=None,
        session_gap=None,
        collapse_repeats=False,
        within="10m",
    )
    rows = compile_path_rows(source(log), spec, cut_of(log, None))
    reach = rows.filter(rows.steps.contains("b")).select("u").distinct()
    got = set(engine().sql(engine().to_sql(reach))["u"].to_list())
    assert got == {"u1", "u3"}
    assert set(run_sql(make_spec(["a", "b"], within="10m"), log).users(step=2)) == got
