"""Portability: funnels, activation comparison and backtests give identical results on
local Spark (Ibis' pyspark backend, local[2]) and on DuckDB, on a small lake."""

from __future__ import annotations

import importlib.util
from datetime import date
from typing import Any

import polars as pl
import pytest

from journeylab import Lake
from test_spark_support import (
    assert_frames_same,
    build_lake,
    lake_pair,
    small_records,
)

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    path = build_lake(tmp_path_factory.mktemp("spark_parity") / "lake", small_records(seed=11))
    return lake_pair(path)


def _needs(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} not available yet")


# -- funnels ---------------------------------------------------------------------------
FUNNELS: list[tuple[str, dict[str, Any]]] = [
    (
        "ordered_by_channel",
        {
            "steps": ["signup", "view_item", "add_to_cart", "purchase"],
            "within": "7d",
            "by": "channel",
        },
    ),
    ("strict", {"steps": ["signup", "view_item", "purchase"], "within": "3d", "order": "strict"}),
    ("any", {"steps": ["signup", "purchase", "view_item"], "within": "10d", "order": "any"}),
    (
        "filters_exclude_gap",
        {
            "steps": [
                {"event": "signup", "where": {"channel": {"in": ["ads", "organic"]}}},
                "view_item",
                {"event": "purchase", "where": {"amount": {"gte": 20}}},
            ],
            "within": "14d",
            "exclude": "page_view",
            "max_gap": "5d",
        },
    ),
]


@pytest.mark.parametrize("kw", [k for _, k in FUNNELS], ids=[n for n, _ in FUNNELS])
def test_funnel_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    _needs("journeylab.funnels")
    duck, spark = lakes
    a, b = duck.funnel(**kw), spark.funnel(**kw)
    assert a.entrants > 0
    assert_frames_same(a.table(), b.table(), "table")
    assert_frames_same(a.users_frame, b.users_frame, "users_frame")
    if a.by_segment is not None:
        assert_frames_same(a.by_segment, b.by_segment, "by_segment")
    assert a.in_progress == b.in_progress
    for status in ("converted", "dropped", "in_progress"):
        assert a.users(step=2, status=status) == b.users(step=2, status=status), status


# -- activation comparison ---------------------------------------------------------------
def test_compare_activations_identical(lakes: tuple[Lake, Lake]) -> None:
    _needs("journeylab.activation")
    kw: dict[str, Any] = {
        "start": "signup",
        "activations": {
            "viewed": "view_item",
            "bought_20": {"event": "purchase", "where": {"amount": {"gte": 20}}},
            "carted": "add_to_cart",
        },
        "within": "14d",
        "channel": "channel",
        "spend": pl.DataFrame(
            {
                "date": [date(2025, 3, d) for d in (1, 2, 3, 1, 5)],
                "channel": ["ads", "ads", "organic", "referral", "Ads"],
                "amount": [100.0, 50.0, 30.0, 12.5, 7.0],
            }
        ),
    }
    duck, spark = lakes
    a, b = duck.compare_activations(**kw), spark.compare_activations(**kw)
    frames = [f for f in a.__dataclass_fields__ if isinstance(getattr(a, f), pl.DataFrame)]
    assert frames
    for name in frames:
        assert_frames_same(getattr(a, name), getattr(b, name), name)
    assert a.table()["activated"].sum() > 0
    assert a.cac()["spend"].sum() > 0


# -- backtest ----------------------------------------------------------------------------
def _programs() -> list[Any]:
    import journeylab.conditions as c

    return [
        c.offer(
            "three-purchases",
            entry="signup",
            audience={"event": "signup", "where": {"channel": {"in": ["ads", "organic"]}}},
            satisfy=c.event("purchase", count=3, within="30d"),
            expires_after="30d",
            reward=10,
            caps={"budget": 30},
        ),
        c.offer(
            "big-spender",
            entry="view_item",
            satisfy=c.all_(
                c.event("purchase", where={"amount": {"gte": 20}}),
                c.not_(c.event("add_to_cart", count=5)),
            ),
            expires_after="10d",
            reentry={"mode": "after_exit", "cooldown": "2d", "max": 3},
            reward=5,
        ),
        c.referral(
            "invite",
            link={"event": "referral", "referrer_field": "referrerId"},
            satisfy=c.event("purchase", within="14d"),
            rules={"new_user_only": True, "no_self_referral": True, "reward_delay": "2d"},
            reward={"referrer": 20, "referee": 10},
        ),
    ]


@pytest.mark.parametrize("index", [0, 1, 2], ids=["offer", "offer_reentry", "referral"])
def test_backtest_identical(lakes: tuple[Lake, Lake], index: int) -> None:
    _needs("journeylab.conditions")
    program = _programs()[index]
    duck, spark = lakes
    a, b = program.backtest(duck), program.backtest(spark)
    for name in ("rounds", "users", "stages", "time_to_satisfy", "daily"):
        assert_frames_same(getattr(a, name), getattr(b, name), name)
    assert (a.reward_total, a.reward_unearned, a.as_of) == (
        b.reward_total,
        b.reward_unearned,
        b.as_of,
    )
    assert a.users.height > 0
