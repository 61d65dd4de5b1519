"""Acceptance on the committed sample: derived reactivation against the generator's plan.

The generator makes a share ``reactivation`` of users come back after at least
``dormancy_min_days`` of dormancy, and fires its own ``reactivated`` event when they do.
journeylab.sample.truth re-draws that plan from the seed. A user is *censored* when their
planned return falls after the horizon (whether they come back cannot be seen); the others
are compared user by user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from journeylab.sample import read_manifest, sample_data_dir, sample_lake
from journeylab.sample.truth import planted_returns
from journeylab.stats import wilson


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, pl.DataFrame, Any, Any]:
    root: Path = tmp_path_factory.mktemp("reactivation_sample")
    try:
        lake = sample_lake(root / "lake")
        manifest = read_manifest(sample_data_dir())
    except Exception as exc:  # pragma: no cover - the sample is committed
        pytest.skip(f"sample data unavailable: {exc}")
    dormant = f"{manifest.rates.dormancy_min_days:g}d"
    result = lake.reactivations(dormant, exclude="reactivated")
    truth = planted_returns(manifest).join(
        result.table().group_by("user_id").agg(pl.col("returned_at")),
        on="user_id",
        how="left",
    )
    return result, truth, manifest, lake


def test_derived_comebacks_agree_with_the_generator(sample: Any) -> None:
    result, truth, manifest, lake = sample
    seen = truth.filter(pl.col("observed"))
    derived = pl.col("returned_at").is_not_null()
    agree = seen.select((derived == pl.col("back")).mean()).item()
    assert agree >= 0.99, agree
    planted = seen.filter(pl.col("back"))
    assert planted.height > 200  # enough comebacks for the check to mean something
    # each planted comeback is found at its opening session: 1-120 s before the plan
    lead = (pl.col("return_at") - pl.col("returned_at")).dt.total_seconds()
    found = planted.explode("returned_at").filter(lead.is_between(1, 120))
    assert found["user_id"].n_unique() / planted.height >= 0.99
    # the app's own event follows that session: counting it as activity changes nothing
    with_app_event = lake.reactivations(f"{manifest.rates.dormancy_min_days:g}d")
    assert with_app_event.users() == result.users()


def test_other_comebacks_are_quiet_spells_inside_an_active_period(sample: Any) -> None:
    """Derived returns the generator did not plan (censored users only): sparse users
    whose activity had a 30-day hole before they went quiet for good. Real comebacks by
    the definition, which the app's own event never reported."""
    _, truth, _, _ = sample
    other = truth.filter(~(pl.col("back") & pl.col("observed"))).explode("returned_at")
    other = other.filter(pl.col("returned_at").is_not_null())
    assert other.filter(pl.col("observed")).height == 0
    assert other.filter(pl.col("returned_at") > pl.col("churn_at")).height == 0


def test_planted_rate_in_the_wilson_interval(sample: Any) -> None:
    _, truth, manifest, _ = sample
    seen = truth.filter(pl.col("observed"))
    back = seen.filter(pl.col("returned_at").is_not_null()).height
    lo, hi = wilson(back, seen.height)
    assert lo is not None and hi is not None
    assert lo <= manifest.rates.reactivation <= hi, (back, seen.height, lo, hi)
