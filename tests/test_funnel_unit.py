"""Hand-computed funnels: one test per tricky case of semantics.md "Funnels".

Each case runs through the compiled SQL (run_sql) and the reference; both must give the
numbers written here. Times are minutes after T0.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

from funnel_helpers import T0, ev, ref_outcomes, run_sql, sql_outcomes
from journeylab.errors import JourneylabError
from journeylab.funnels import make_spec


def m(x: float) -> Any:
    return T0 + timedelta(minutes=x)


def outcome(steps: list[Any], events: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    """user -> (reached, step minutes, in_progress), checked equal in SQL and reference."""
    spec = make_spec(steps, **{"within": "10m", **kw})
    got = sql_outcomes(spec, events)
    dp = sql_outcomes(spec, events, "dp") if spec.order != "any" else got
    ref = ref_outcomes(spec, events)
    assert got == ref == dp
    if spec.simple and spec.by is None:  # the greedy path joined on integer keys
        assert sql_outcomes(spec, events, key="user_key") == ref
    return {
        u: (o.reached, [round((t - T0).total_seconds() / 60, 3) for t in o.times], o.in_progress)
        for u, o in got.items()
    }


def test_window_edge_is_inclusive() -> None:
    assert outcome(["a", "b"], [ev("u", "a", 0), ev("u", "b", 10)])["u"][0] == 2
    assert outcome(["a", "b"], [ev("u", "a", 0), ev("u", "b", 10.01)])["u"][0] == 1


def test_every_step1_event_is_a_candidate_start() -> None:
    got = outcome(["a", "b"], [ev("u", "a", 0), ev("u", "a", 20), ev("u", "b", 25)])
    assert got["u"][:2] == (2, [20, 25])


def test_furthest_chain_wins_over_earlier_start() -> None:
    evs = [ev("u", "a", 0), ev("u", "b", 5), ev("u", "a", 20), ev("u", "b", 22), ev("u", "c", 25)]
    assert outcome(["a", "b", "c"], evs)["u"][:2] == (3, [20, 22, 25])


def test_ties_go_to_the_earliest_start_and_earliest_events() -> None:
    evs = [ev("u", "a", 0), ev("u", "a", 3), ev("u", "b", 5), ev("u", "b", 6)]
    assert outcome(["a", "b"], evs)["u"][:2] == (2, [0, 5])


def test_same_instant_fills_consecutive_steps_whatever_the_ids() -> None:
    evs = [ev("u", "c", 0, eid="1"), ev("u", "b", 0, eid="2"), ev("u", "a", 0, eid="3")]
    assert outcome(["a", "b", "c"], evs)["u"][:2] == (3, [0, 0, 0])
    assert outcome(["a", "b", "c"], evs, order="strict")["u"][0] == 3


def test_ordered_needs_the_order() -> None:
    assert outcome(["a", "b"], [ev("u", "b", 0), ev("u", "a", 1)])["u"][0] == 1


def test_strict_forbids_other_events_between() -> None:
    evs = [ev("u", "a", 0), ev("u", "o", 1), ev("u", "b", 2)]
    assert outcome(["a", "b"], evs, order="strict")["u"][0] == 1
    assert outcome(["a", "b"], evs)["u"][0] == 2
    # an event at the same instant as a step is not between
    evs = [ev("u", "a", 0), ev("u", "o", 0), ev("u", "b", 1)]
    assert outcome(["a", "b"], evs, order="strict")["u"][0] == 2


def test_strict_picks_the_later_step_when_the_earlier_cannot_continue() -> None:
    evs = [ev("u", "a", 0), ev("u", "b", 0), ev("u", "b", 1), ev("u", "c", 2)]
    # b@0 -> c needs c at 0 or at the next instant (1): none; a@0 -> b@1 -> c@2 is strict
    evs.insert(2, ev("u", "o", 0.5))
    got = outcome(["a", "b", "c"], evs, order="strict")
    assert got["u"][:2] == (2, [0, 0])
    evs = [ev("u", "a", 0), ev("u", "b", 0), ev("u", "b", 1), ev("u", "c", 2)]
    assert outcome(["a", "b", "c"], evs, order="strict")["u"][:2] == (3, [0, 1, 2])


def test_any_order_counts_other_steps_after_step1() -> None:
    evs = [ev("u", "a", 0), ev("u", "c", 1), ev("u", "b", 2)]
    assert outcome(["a", "b", "c"], evs, order="any")["u"][:2] == (3, [0, 1, 2])
    evs = [ev("u", "b", 0), ev("u", "a", 1)]
    assert outcome(["a", "b"], evs, order="any")["u"][0] == 1
    evs = [ev("u", "a", 0), ev("u", "c", 4), ev("u", "x", 2)]
    assert outcome(["a", "b", "c"], evs, order="any", exclude="x")["u"][0] == 1


def test_exclusion_between_steps_and_at_step_instants() -> None:
    steps = ["a", "b"]
    assert (
        outcome(steps, [ev("u", "a", 0), ev("u", "x", 1), ev("u", "b", 2)], exclude="x")["u"][0]
        == 1
    )
    # at step 1's instant: not between; at step 2's instant: between
    assert (
        outcome(steps, [ev("u", "a", 0), ev("u", "x", 0), ev("u", "b", 2)], exclude="x")["u"][0]
        == 2
    )
    assert (
        outcome(steps, [ev("u", "a", 0), ev("u", "b", 2), ev("u", "x", 2)], exclude="x")["u"][0]
        == 1
    )
    # the user keeps a valid chain: a later start after the excluded event
    evs = [ev("u", "a", 0), ev("u", "x", 1), ev("u", "a", 3), ev("u", "b", 4)]
    assert outcome(steps, evs, exclude="x")["u"][:2] == (2, [3, 4])


def test_exclusion_between_named_steps_only() -> None:
    evs = [ev("u", "a", 0), ev("u", "x", 1), ev("u", "b", 2), ev("u", "c", 3)]
    ex = {"event": "x", "between": [2, 3]}
    assert outcome(["a", "b", "c"], evs, exclude=ex)["u"][0] == 3
    evs = [ev("u", "a", 0), ev("u", "b", 1), ev("u", "x", 2), ev("u", "c", 3)]
    assert outcome(["a", "b", "c"], evs, exclude=ex)["u"][0] == 2
    # a later step 2 after the excluded event rescues the chain (earliest start kept)
    evs = [
        ev("u", "a", 0),
        ev("u", "b", 1),
        ev("u", "a", 2),
        ev("u", "x", 3),
        ev("u", "b", 4),
        ev("u", "c", 5),
    ]
    assert outcome(["a", "b", "c"], evs, exclude=ex)["u"][:2] == (3, [0, 4, 5])


def test_one_start_instant_and_several_in_one_funnel() -> None:
    """The greedy path reads the chain of a user whose starts share one instant off a
    per-user aggregate, and follows every start of the others (compile_greedy._level2)."""
    evs = [
        # one instant, twice: an excluded event after step 2 ends the chain
        *[ev("one", "a", 0), ev("one", "a", 0), ev("one", "b", 1), ev("one", "x", 2)],
        ev("one", "c", 3),
        # several instants: the first start is cut by x, the second goes on to c
        *[ev("many", "a", 0), ev("many", "x", 1), ev("many", "b", 2), ev("many", "a", 4)],
        *[ev("many", "b", 5), ev("many", "c", 6)],
        # several instants: only the later start reaches step 2
        *[ev("late", "a", 0), ev("late", "a", 20), ev("late", "b", 21)],
        # several instants, none past step 1; then a lone start
        *[ev("idle", "a", 0), ev("idle", "a", 30), ev("lone", "a", 7)],
    ]
    got = outcome(["a", "b", "c"], evs, exclude="x", as_of=m(100))
    assert {u: o[:2] for u, o in got.items()} == {
        "one": (2, [0, 1]),
        "many": (3, [4, 5, 6]),
        "late": (2, [20, 21]),
        "idle": (1, [0]),
        "lone": (1, [7]),
    }


def test_max_gap_picks_the_step_that_can_continue() -> None:
    evs = [ev("u", "a", 0), ev("u", "b", 1), ev("u", "b", 5), ev("u", "c", 6)]
    got = outcome(["a", "b", "c"], evs, max_gap={2: "1m"})
    assert got["u"][:2] == (3, [0, 5, 6])
    assert outcome(["a", "b", "c"], evs, max_gap="1m")["u"][:2] == (2, [0, 1])


def test_filters_on_steps() -> None:
    evs = [ev("u", "a", 0), ev("u", "b", 1, {"amount": 5}), ev("u", "b", 2, {"amount": 50})]
    got = outcome(["a", {"event": "b", "where": {"amount": {"gte": 20}}}], evs)
    assert got["u"][:2] == (2, [0, 2])


def test_censoring_and_rates_over_matured_users() -> None:
    evs = [
        ev("done", "a", 0),
        ev("done", "b", 1),
        ev("dropped", "a", 0),
        ev("open", "a", 25),
        ev("late", "o", 30),
    ]
    got = outcome(["a", "b"], evs)
    assert {u: g[2] for u, g in got.items()} == {"done": False, "dropped": False, "open": True}
    res = run_sql(make_spec(["a", "b"], within="10m"), evs)
    row = res.steps.row(1, named=True)
    assert (row["users"], row["users_matured"], row["in_progress"]) == (1, 1, 1)
    assert row["conversion"] == pytest.approx(1 / 3)
    assert row["conversion_matured"] == pytest.approx(1 / 2)
    assert row["ci_low"] == pytest.approx(0.06149, abs=1e-4)
    assert row["ci_high"] == pytest.approx(0.79235, abs=1e-4)
    assert res.in_progress == 1
    assert res.users(2, "converted") == ["done"]
    assert res.users(2, "dropped") == ["dropped"]
    assert res.users(2, "in_progress") == ["open"]
    # an explicit as_of ignores later events and reopens windows
    got = outcome(["a", "b"], evs, as_of=m(0.5))
    assert got == {"done": (1, [0], True), "dropped": (1, [0], True)}


def test_entry_bounds_govern_step1_only() -> None:
    evs = [ev("u", "a", 0), ev("u", "a", 8), ev("u", "b", 15), ev("v", "a", 12)]
    got = outcome(["a", "b"], evs, start_date=m(5), end_date=m(10))
    assert set(got) == {"u"} and got["u"][:2] == (2, [8, 15])


def test_times_between_steps() -> None:
    evs = [
        ev("u1", "a", 0),
        ev("u1", "b", 1),
        ev("u1", "c", 3),
        ev("u2", "a", 0),
        ev("u2", "b", 4),
        ev("u2", "c", 5),
        ev("u3", "a", 0),
        ev("u3", "b", 2),
    ]
    res = run_sql(make_spec(["a", "b", "c"], within="10m", as_of=m(60)), evs)
    b, c = res.steps.row(1, named=True), res.steps.row(2, named=True)
    assert b["median_seconds_from_prev"] == 120 and b["mean_seconds_from_prev"] == pytest.approx(
        140
    )
    assert b["p90_seconds_from_prev"] == pytest.approx(216)  # linear between 120 and 240
    assert c["median_seconds_from_prev"] == 90 and c["median_seconds_from_start"] == 240
    assert (b["step_conversion"], c["step_conversion"]) == (1.0, pytest.approx(2 / 3))
    ttc = res.time_to_convert(bins=2)
    assert ttc.seconds["seconds"].sort().to_list() == [180, 300]
    assert ttc.histogram["users"].to_list() == [1, 1]
    assert ttc.chart().to_dict()["mark"]["type"] == "bar"


def test_breakdown_attribution_and_top() -> None:
    evs = [
        ev("u1", "a", 0, {"ch": "ads"}),
        ev("u1", "b", 1, {"ch": "mail"}),
        ev("u2", "a", 0, {"ch": "ads"}),
        ev("u3", "a", 0, {"ch": "seo"}),
        ev("u3", "b", 2, {"ch": "seo"}),
        ev("u4", "a", 0, {"ch": 7}),
    ]
    spec = make_spec(["a", "b"], within="10m", by="ch", as_of=m(60))
    res = run_sql(spec, evs)
    seg = dict(res.users_frame.select("user_id", "segment").iter_rows())
    assert seg == {"u1": "ads", "u2": "ads", "u3": "seo", "u4": "7"}
    last = run_sql(make_spec(["a", "b"], within="10m", by="ch", attribution="last_touch"), evs)
    assert dict(last.users_frame.select("user_id", "segment").iter_rows())["u1"] == "mail"
    step2 = run_sql(make_spec(["a", "b"], within="10m", by="ch", attribution="step:2"), evs)
    assert dict(step2.users_frame.select("user_id", "segment").iter_rows())["u2"] == "(none)"
    top1 = run_sql(make_spec(["a", "b"], within="10m", by="ch", top=1, as_of=m(60)), evs)
    table = top1.table()
    assert table.filter(table["step"] == 1).select("segment", "users").rows() == [
        ("all", 4),
        ("ads", 2),
        ("other", 2),
    ]
    assert top1.chart().to_dict()["layer"][0]["mark"]["type"] == "bar"


# -- a name at several steps ---------------------------------------------------------------
def test_repeated_name_needs_one_event_per_step() -> None:
    steps = ["a", "a", "b"]
    two = [ev("u", "a", 0), ev("u", "a", 1), ev("u", "b", 2)]
    assert outcome(steps, two)["u"][:2] == (3, [0, 1, 2])
    assert outcome(steps, [ev("u", "a", 0), ev("u", "b", 2)])["u"][:2] == (1, [0])
    # a b between the two a's: ordered skips it, strict does not
    mid = [ev("u", "a", 0), ev("u", "b", 1), ev("u", "a", 2), ev("u", "b", 3)]
    assert outcome(steps, mid)["u"][:2] == (3, [0, 2, 3])
    assert outcome(steps, mid, order="strict")["u"][:2] == (1, [0])
    assert outcome(["a", "b", "a"], mid)["u"][:2] == (3, [0, 1, 2])


def test_repeated_name_at_one_instant_fills_consecutive_steps() -> None:
    same = [ev("u", "a", 0, eid="2"), ev("u", "b", 0, eid="1"), ev("u", "a", 0, eid="3")]
    assert outcome(["a", "a", "b"], same)["u"][:2] == (3, [0, 0, 0])
    assert outcome(["a", "b", "a"], same)["u"][:2] == (3, [0, 0, 0])
    one = [ev("u", "a", 0), ev("u", "b", 0)]
    assert outcome(["a", "a", "b"], one)["u"][:2] == (1, [0])


def test_repeated_name_with_overlapping_filters() -> None:
    big = {"event": "a", "where": {"v": {"gte": 2}}}
    # v=3 fills the filtered step, v=1 the plain one, at one instant
    evs = [ev("u", "a", 0, {"v": 1}), ev("u", "a", 0, {"v": 3})]
    assert outcome([big, "a"], evs)["u"][:2] == (2, [0, 0])
    assert outcome(["a", big], evs)["u"][:2] == (2, [0, 0])
    # one event matching both steps fills one of them
    assert outcome([big, "a"], [ev("u", "a", 0, {"v": 3})])["u"][:2] == (1, [0])
    # the earliest chain: the v=1 event cannot be step 2 of ["a", big]
    later = [ev("u", "a", 0, {"v": 3}), ev("u", "a", 1, {"v": 1}), ev("u", "a", 2, {"v": 2})]
    assert outcome(["a", big], later)["u"][:2] == (2, [0, 2])
    assert outcome([big, "a"], later)["u"][:2] == (2, [0, 1])


def test_repeated_name_in_any_order_counts_occurrences() -> None:
    big = {"event": "a", "where": {"v": {"gte": 2}}}
    one = [ev("u", "s", 0), ev("u", "a", 1, {"v": 3})]
    assert outcome(["s", "a", "a"], one, order="any")["u"][:2] == (2, [0, 1])
    assert outcome(["s", big, "a"], one, order="any")["u"][:2] == (2, [0, 1])
    two = [*one, ev("u", "a", 2, {"v": 1})]
    assert outcome(["s", "a", "a"], two, order="any")["u"][:2] == (3, [0, 1, 2])
    assert outcome(["s", big, "a"], two, order="any")["u"][:2] == (3, [0, 1, 2])
    # the v=1 event cannot fill the filtered step: the second count waits for v=2
    low = [ev("u", "s", 0), ev("u", "a", 1, {"v": 1}), ev("u", "a", 2, {"v": 1})]
    assert outcome(["s", big, "a"], [*low, ev("u", "a", 4, {"v": 2})], order="any")["u"][:2] == (
        3,
        [0, 1, 4],
    )
    # step 1's own name: the start event is not counted again
    assert outcome(["a", "a"], [ev("u", "a", 0)], order="any")["u"][:2] == (1, [0])
    assert outcome(["a", "b", "a"], [ev("u", "a", 0), ev("u", "a", 3)], order="any")["u"][:2] == (
        2,
        [0, 3],
    )


def test_repeated_name_attribution() -> None:
    evs = [ev("u", "a", 0, {"v": "x"}, eid="e1"), ev("u", "a", 1, {"v": "y"}, eid="e2")]
    evs.append(ev("w", "a", 0, {"v": "p"}, eid="e3"))
    evs.append(ev("w", "a", 0, {"v": "q"}, eid="e4"))
    for order in ("ordered", "any"):
        spec = make_spec(["a", "a"], within="10m", by="v", attribution="step:2", order=order)
        seg = dict(run_sql(spec, evs).users_frame.select("user_id", "segment").iter_rows())
        # w: both at one instant; the smallest event_id matching the step at its time
        assert (
            seg == {"u": "y", "w": "p"} == {u: o.value for u, o in ref_outcomes(spec, evs).items()}
        )


def test_trend_per_cohort() -> None:
    evs = [ev("u1", "a", 0), ev("u1", "b", 1), ev("u2", "a", 60 * 24 + 5)]
    res = run_sql(make_spec(["a", "b"], within="10m", as_of=m(3000)), evs)
    tr = res.trend("day")
    last = tr.table.filter(tr.table["step"] == 2)
    assert last["users"].to_list() == [1, 0]
    assert last["conversion"].to_list() == [1.0, 0.0]
    assert tr.chart().to_dict()["layer"][1]["mark"]["type"] == "line"


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"steps": ["a"]}, "at least 2"),
        ({"steps": ["a", "b"], "order": "sideways"}, "'ordered', 'strict', 'any'"),
        ({"steps": ["a", "b"], "order": "any", "max_gap": "1h"}, "max_gap"),
        ({"steps": ["a", "b"], "exclude": {"event": "x", "between": [2, 2]}}, "between"),
        ({"steps": ["a", "b"], "attribution": "step:3"}, "step:N"),
        ({"steps": ["a", "b"], "within": "soon"}, "within"),
        ({"steps": ["a", "b"], "start_date": "2024-02-01", "end_date": "2024-01-01"}, "end_date"),
    ],
)
def test_spec_errors_name_the_fix(kw: dict[str, Any], needle: str) -> None:
    with pytest.raises(JourneylabError, match=needle):
        make_spec(**kw)


def test_empty_lake_and_no_entrants(tmp_path: Any) -> None:
    from journeylab import open_lake

    res = open_lake(tmp_path / "lake", create=True).funnel(["a", "b"], within="1d")
    assert res.entrants == 0 and res.in_progress == 0
    assert res.table()["users"].to_list() == [0, 0]
    assert res.to_dict()["steps"][1]["conversion"] is None
    none = run_sql(make_spec(["a", "b"]), [ev("u", "b", 0)])
    assert none.entrants == 0 and none.users(2) == []
    assert none.time_to_convert().histogram.height == 0


def test_segments_are_an_enum_in_table_order() -> None:
    """The top values by count (ties by value), numbers as the reference shows them, a
    missing value as (none), the rest as other — also a value spelled "other", which joins
    the rest and sorts last."""
    from journeylab.funnels import _segment

    vs = ["other"] * 3 + ["b", "b", "a", "a", "c", None, None, None, None]
    vn = [None] * 8 + [7.0, 7.0, 2.5, None]
    frame = pl.DataFrame({"vs": vs, "vn": vn}, schema={"vs": pl.String, "vn": pl.Float64})
    seg = _segment(frame, 3)
    assert seg.dtype == pl.Enum(["7", "a", "other"])
    assert seg.to_list() == ["other"] * 3 + ["other", "other", "a", "a", "other"] + [
        "7",
        "7",
        "other",
        "other",
    ]
    # the same from categoricals (the one-pass funnel reads them so)
    cat = frame.with_columns(pl.col("vs").cast(pl.Categorical))
    assert _segment(cat, 3).equals(seg)
    assert _segment(frame.clear(), 3).dtype == pl.Enum(["other"])


def test_segment_codes_counted_dense_or_sparse() -> None:
    """Categorical codes are counted by a ``bincount`` when dense, by polars when a code is
    far above the number of rows (codes need not start at 0 or be contiguous): the same
    counts either way."""
    from journeylab.funnels import _code_counts

    dense = np.array([3, 0, 3, 5], np.uint32)
    assert _code_counts(dense).sort("code").rows() == [(0, 1), (3, 2), (5, 1)]
    sparse = np.array([90_000, 7, 90_000, 7, 7], np.uint32)
    got = _code_counts(sparse)
    assert got.schema == _code_counts(dense).schema
    assert got.sort("code").rows() == [(7, 3), (90_000, 2)]
    assert _code_counts(np.array([], np.uint32)).height == 0
