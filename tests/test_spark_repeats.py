"""Portability of issue 13's funnel and reactivation pieces: repeated-step funnels (every
order), jl.returned funnel steps, lake.reactivations and backtests with a returned leaf
give identical results on local Spark (Ibis' pyspark backend, local[2]) and DuckDB."""

from __future__ import annotations

from typing import Any

import pytest

import journeylab as jl
import journeylab.conditions as c
from journeylab import Lake
from test_spark_support import assert_frames_same, build_lake, lake_pair, small_records

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    path = build_lake(tmp_path_factory.mktemp("spark_repeats") / "lake", small_records(seed=13))
    return lake_pair(path)


VIEW_20 = {"event": "purchase", "where": {"amount": {"gte": 20}}}
FUNNELS: list[tuple[str, dict[str, Any]]] = [
    (
        "repeat_ordered",
        {
            "steps": ["signup", "view_item", "view_item", "purchase"],
            "within": "10d",
            "by": "channel",
        },
    ),
    (
        "repeat_strict_gap",
        {"steps": ["view_item", "view_item", "page_view"], "within": "5d", "order": "strict"},
    ),
    (
        "repeat_filters_exclude",
        {
            "steps": ["signup", "purchase", VIEW_20, "view_item"],
            "within": "14d",
            "exclude": {"event": "referral", "between": [2, 4]},
            "max_gap": {3: "2d"},
        },
    ),
    (
        "repeat_any",
        {
            "steps": ["signup", "purchase", VIEW_20, "view_item", "view_item"],
            "within": "10d",
            "order": "any",
        },
    ),
    (
        "returned_ordered",
        {"steps": [jl.returned("2d", exclude="page_view"), "purchase"], "within": "3d"},
    ),
    (
        "returned_any",
        {"steps": ["signup", jl.returned("2d"), "view_item"], "within": "20d", "order": "any"},
    ),
]


#: the variants left to the slow tier (the fast tier keeps one of each kind of funnel: CI's
#: 30 minutes, docs/contributing.md "Test tiers")
SLOW_FUNNELS = ("repeat_filters_exclude", "repeat_any", "repeat_strict_gap")


@pytest.mark.parametrize(
    "kw",
    [k if n not in SLOW_FUNNELS else pytest.param(k, marks=pytest.mark.slow) for n, k in FUNNELS],
    ids=[n for n, _ in FUNNELS],
)
def test_funnel_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.funnel(**kw), spark.funnel(**kw)
    assert a.entrants > 0 and a.table()["users"][1] > 0
    assert_frames_same(a.table(), b.table(), "table")
    assert_frames_same(a.users_frame, b.users_frame, "users_frame")
    assert a.in_progress == b.in_progress


@pytest.mark.parametrize(
    "kw",
    [
        {"dormant_for": "2d"},
        {"dormant_for": "36h", "active": ["view_item", VIEW_20], "start_date": "2025-03-05"},
    ],
    ids=["any", "named_range"],
)
def test_reactivations_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.reactivations(**kw), spark.reactivations(**kw)
    assert a.table().height > 0
    assert_frames_same(a.table(), b.table(), "returns")
    assert_frames_same(a.by_period("day"), b.by_period("day"), "by_period")
    assert a.as_of == b.as_of


def test_backtest_with_returned_leaf_identical(lakes: tuple[Lake, Lake]) -> None:
    program = c.offer(
        "welcome-back",
        entry=jl.returned("2d", exclude="page_view"),
        satisfy=c.any_(c.event("purchase", within="3d"), c.returned("1d", count=2)),
        expires_after="5d",
        reentry={"mode": "after_exit", "max": 2},
        reward=5,
    )
    duck, spark = lakes
    a, b = program.backtest(duck), program.backtest(spark)
    assert a.rounds.height > 0
    for name in ("rounds", "users", "stages"):
        assert_frames_same(getattr(a, name), getattr(b, name), name)
