"""On the committed sample lake, signup -> activation funnels per channel recover the
generator's planted rates (journeylab.sample.PlantedRates) within their intervals, and the
CLI prints the documented JSON contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from journeylab.cli import app
from journeylab.funnels import FunnelResult
from journeylab.sample import ACTIVATION_WINDOW_DAYS, ACTIVATIONS, sample_files, sample_lake
from journeylab.stats import wilson

Z_FAMILY = 2.87  # 12 cells (4 channels x 3 activations): Bonferroni family-wise 95%


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path]:
    root: Path = tmp_path_factory.mktemp("funnel_sample")
    try:
        lake = sample_lake(root / "lake")
        rates = sample_files(root / "raw").manifest.rates
    except Exception as exc:  # pragma: no cover - the sample is committed
        pytest.skip(f"sample data unavailable: {exc}")
    return lake, rates, root / "lake"


def _funnel(lake: Any, activation: str) -> FunnelResult:
    result: FunnelResult = lake.funnel(
        ["signup", activation], within=f"{ACTIVATION_WINDOW_DAYS}d", by="channel"
    )
    return result


def test_planted_rates_recovered_by_channel(sample: tuple[Any, Any, Path]) -> None:
    lake, rates, _ = sample
    inside_95 = cells = 0
    for activation in ACTIVATIONS:
        res = _funnel(lake, activation)
        assert res.by_segment is not None
        rows = res.by_segment.filter(res.by_segment["step"] == 2).to_dicts()
        firsts = dict(
            res.by_segment.filter(res.by_segment["step"] == 1)
            .select("segment", "users_matured")
            .iter_rows()
        )
        for row in rows:
            if row["segment"] not in rates.activation:
                continue
            cells += 1
            p = rates.p(row["segment"], activation)
            lo, hi = wilson(row["users_matured"], firsts[row["segment"]], z=Z_FAMILY)
            assert lo is not None and hi is not None
            assert lo <= p <= hi, (row["segment"], activation, row["conversion_matured"], p)
            inside_95 += row["ci_low_matured"] <= p <= row["ci_high_matured"]
    assert cells == 12
    assert inside_95 >= 10  # about 0.6 of 12 independent 95% intervals miss on average


def test_censoring_on_the_sample(sample: tuple[Any, Any, Path]) -> None:
    lake, _, _ = sample
    res = _funnel(lake, "profile_completed")
    # signups in the last 14 days without a profile yet are in progress, not dropped
    assert res.in_progress > 0
    assert res.in_progress == len(res.users(step=2, status="in_progress"))
    total = res.steps.row(0, named=True)["users"]
    assert total == len(res.users(1)) == res.entrants
    assert res.steps.row(1, named=True)["users"] == len(res.users(2))
    assert (
        len(res.users(2, "dropped")) + len(res.users(2, "in_progress")) + len(res.users(2)) == total
    )


def test_cli_json_contract(sample: tuple[Any, Any, Path]) -> None:
    _, _, lake_path = sample
    steps = "signup,onboarding_started,tutorial_completed"
    out = CliRunner().invoke(
        app, ["funnel", "--lake", str(lake_path), "--steps", steps, "--within", "7d", "--json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert set(doc) == {"steps", "in_progress", "warnings"} and doc["warnings"] == []
    assert [s["name"] for s in doc["steps"]] == steps.split(",")
    keys = {"name", "users", "conversion", "step_conversion", "ci_low", "ci_high", "median_seconds"}
    assert all(set(s) == keys for s in doc["steps"])
    assert doc["steps"][0]["median_seconds"] is None
    assert doc["steps"][0]["conversion"] == 1.0
    assert doc["steps"][1]["median_seconds"] > 0
    assert doc["steps"][2]["users"] <= doc["steps"][1]["users"] <= doc["steps"][0]["users"]
    table = CliRunner().invoke(
        app, ["funnel", "--lake", str(lake_path), "--steps", steps, "--by", "channel"]
    )
    assert table.exit_code == 0 and "in progress" in table.stdout
    bad = CliRunner().invoke(
        app, ["funnel", "--lake", str(lake_path), "--steps", steps, "--order", "sideways"]
    )
    assert bad.exit_code == 2 and "order" in bad.output
