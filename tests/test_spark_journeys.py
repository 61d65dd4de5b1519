"""Portability: journeys give identical results on local Spark (Ibis' pyspark backend,
local[2]) and on DuckDB, on a small lake with ties, µs times and odd ids."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from journeylab import Lake
from test_spark_support import assert_frames_same, build_lake, lake_pair, small_records

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    path = build_lake(tmp_path_factory.mktemp("spark_journeys") / "lake", small_records(seed=23))
    return lake_pair(path)


def _same(a: pl.DataFrame, b: pl.DataFrame, what: str) -> None:
    lists = [c for c, t in a.schema.items() if isinstance(t, pl.List)]
    a = a.with_columns(pl.col(c).list.join("\x1f") for c in lists)
    b = b.with_columns(pl.col(c).list.join("\x1f") for c in lists)
    assert_frames_same(a, b, what)


PATHS: list[tuple[str, dict[str, Any]]] = [
    ("first", {"start": "signup", "depth": 4, "session_gap": "2d", "exclude": "page_view"}),
    ("any_sessions", {"start": "view_item", "occurrence": "any", "depth": 3, "within": "5d"}),
    ("end_grouped", {"end": "purchase", "depth": 3, "group": {"add_.*|view_.*": "browse"}}),
    (
        "between_all",
        {
            "between": ("signup", "purchase"),
            "depth": None,
            "session_gap": None,
            "collapse_repeats": False,
            "start_date": "2025-03-03",
        },
    ),  # fmt: skip
]


@pytest.mark.parametrize("kw", [k for _, k in PATHS], ids=[n for n, _ in PATHS])
def test_paths_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.paths(**kw), spark.paths(**kw)
    assert a.cohort_paths > 0
    assert (a.cohort_paths, a.cohort_users) == (b.cohort_paths, b.cohort_users)
    _same(a.sequences, b.sequences, "sequences")
    _same(a.columns(), b.columns(), "columns")


@pytest.mark.parametrize("kw", [{}, {"names": ["signup", "view_item", "purchase"], "within": "1d"}])
def test_transitions_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.transitions(**kw), spark.transitions(**kw)
    assert a.table().height > 0
    _same(a.table(), b.table(), "transitions")
    _same(a.nodes, b.nodes, "nodes")


RETENTION: list[tuple[str, dict[str, Any]]] = [
    ("weekly_by_channel", {"period": "week", "periods": 3, "by": "channel"}),
    (
        "daily_rolling_after",
        {
            "period": "day",
            "periods": 9,
            "windows": "rolling",
            "mode": "on_or_after",
            "returning": "purchase",
            "timezone": "America/New_York",
        },
    ),  # fmt: skip
    (
        "recurring",
        {
            "start": "view_item",
            "start_kind": "recurring",
            "period": "week",
            "periods": 2,
            "week_start": "sunday",
            "as_of": "2025-03-20",
        },
    ),  # fmt: skip
]


@pytest.mark.parametrize("kw", [k for _, k in RETENTION], ids=[n for n, _ in RETENTION])
def test_retention_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.retention(**kw), spark.retention(**kw)
    assert a.cohorts["users"].sum() > 0
    _same(a.cohorts, b.cohorts, "cohorts")
    _same(a.summary, b.summary, "summary")


@pytest.mark.parametrize(
    "kw", [{"period": "week"}, {"period": "day", "active": "purchase", "timezone": "Asia/Tokyo"}]
)
def test_lifecycle_identical(lakes: tuple[Lake, Lake], kw: dict[str, Any]) -> None:
    duck, spark = lakes
    a, b = duck.lifecycle(**kw), spark.lifecycle(**kw)
    assert a.table()["active"].sum() > 0
    _same(a.table(), b.table(), "lifecycle")


def test_timeline_identical(lakes: tuple[Lake, Lake]) -> None:
    duck, spark = lakes
    a, b = duck.timeline("u001"), spark.timeline("u001")
    assert a.table().height > 0
    _same(a.table(), b.table(), "timeline")
    # an unknown id: the same nearest ids (edit distances computed by each engine)
    (x,), (y,) = duck.timeline("u0010").warnings, spark.timeline("u0010").warnings
    assert x.suggestions == y.suggestions and "u001" in x.suggestions


def test_activation_quality_identical(lakes: tuple[Lake, Lake]) -> None:
    import journeylab as jl

    kw: dict[str, Any] = {
        "start": "signup",
        "activations": {"cart": "add_to_cart", "bought": "purchase"},
        "within": "3d",
        "retained": jl.retention_spec(period="day", periods=4, mode="on_or_after"),
    }
    duck, spark = lakes
    a, b = duck.compare_activations(**kw), spark.compare_activations(**kw)
    assert a.retained()["eligible"].sum() > 0
    _same(a.retained(), b.retained(), "retained")
    _same(a.retained_by_channel(), b.retained_by_channel(), "retained by channel")
