"""One look for every chart (issue #11), checked on ``chart.to_dict()`` over the sample:
titles in words (no raw Python values), axis titles, percent formats on rates, intervals
wherever a rate is drawn, the colour-blind-safe palette, and one mark per data row in the
layer named ``rows``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import altair as alt
import pytest

import journeylab as jl
from journeylab.charts import theme
from journeylab.charts.theme import PALETTE, ROW_MARK, in_words

RAW = re.compile(r"\d+:\d\d:\d\d|timedelta|datetime\.|None|nan|\bTrue\b|\bFalse\b|\{|\[")


@pytest.fixture(scope="module")
def charts(demo_run: Any) -> dict[str, Any]:
    lake = demo_run.lake
    funnel = lake.funnel(["signup", "onboarding_started", "profile_completed"], within="14d")
    by_channel = lake.funnel(["signup", "profile_completed"], within="7d", by="channel")
    cmp = lake.compare_activations(
        activations=demo_run.activations, within="14d", spend=demo_run.files.spend
    )
    offer = jl.load_program(demo_run.programs[0])
    result = offer.backtest(lake)
    a, b = demo_run.programs[0], demo_run.examples / "offer_two_purchases.yaml"
    return {
        "ingest": jl.IngestReport.chart(_report(demo_run)),
        "catalog": lake.catalog().chart(),
        "funnel": funnel.chart(),
        "funnel_by_channel": by_channel.chart(),
        "time_to_convert": funnel.time_to_convert().chart(),
        "trend": funnel.trend("week").chart(),
        "activation": cmp.chart(),
        "overlap": cmp.overlap_chart(),
        "cac": cmp.cac_chart(),
        "stages": result.chart("stages"),
        "time_to_satisfy": result.chart("time_to_satisfy"),
        "daily": result.chart("daily"),
        "explain": result.explain("u00000031", lake).chart(),
        "compare": jl.compare(a, b, lake).chart(),
        **_journeys(lake, cmp_quality(lake, demo_run)),
    }


def cmp_quality(lake: Any, demo_run: Any) -> Any:
    return lake.compare_activations(
        activations=demo_run.activations, within="14d", spend=demo_run.files.spend,
        retained=jl.retention_spec(period="week", periods=4),
    )  # fmt: skip


def _journeys(lake: Any, quality: Any) -> dict[str, Any]:
    noise = ["page_view", "session_start", "button_clicked", "search"]
    return {
        "paths": lake.paths(start="signup", depth=3, top=5, exclude=noise).chart(),
        "paths_before": lake.paths(end="first_widget_purchase", depth=2, top=4).chart(),
        "transitions": lake.transitions(names=["signup", "onboarding_started", "purchase"]).chart(),
        "retention": lake.retention(period="week", periods=4).chart(),
        "lifecycle": lake.lifecycle(period="week").chart(),
        "timeline": lake.timeline("u00000031").chart(),
        "reactivations": lake.reactivations("30d", exclude="reactivated").chart(),
        "retained": quality.retained_chart(),
    }


def _report(demo_run: Any) -> Any:
    class _Report:  # an IngestReport-like object from the demo's saved numbers
        def to_dict(self) -> dict[str, Any]:
            return dict(demo_run.ingest)

    return _Report()


def _units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every unit (single-view) spec in a chart."""
    for key in ("layer", "vconcat", "hconcat"):
        for sub in spec.get(key, []):
            yield from _units(sub)
    if "mark" in spec:
        yield spec


def _title_text(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        return " ".join(str(title.get(k, "")) for k in ("text", "subtitle"))
    return str(title or "")


def test_titles_are_words(charts: dict[str, Any]) -> None:
    for name, chart in charts.items():
        spec = chart.to_dict()
        text = _title_text(spec)
        assert text.strip(), f"{name}: no title"
        assert not RAW.search(text), f"{name}: raw value in the title: {text!r}"


def test_the_funnel_title_says_the_window_in_words(charts: dict[str, Any]) -> None:
    title = _title_text(charts["funnel"].to_dict())
    assert "within 14 days" in title and "0:00:00" not in title  # issue #11's example


def test_quantitative_axes_have_titles_and_rates_percent_formats(charts: dict[str, Any]) -> None:
    rate_fields = {"conversion", "rate"}
    for name, chart in charts.items():
        units = list(_units(chart.to_dict()))
        for i, unit in enumerate(units):
            for channel in ("x", "y"):
                enc = unit.get("encoding", {}).get(channel)
                if not enc or enc.get("type") != "quantitative":
                    continue
                # the first layer titles an axis the layers share
                assert i > 0 or enc.get("title"), (name, channel)
                if enc.get("field") in rate_fields:
                    assert enc.get("axis", {}).get("format") == theme.PCT, (name, channel)


def test_rates_are_drawn_with_their_intervals(charts: dict[str, Any]) -> None:
    for name in ("funnel", "funnel_by_channel", "activation", "cac", "trend", "retention",
                 "retained"):  # fmt: skip
        marks = [u["mark"]["type"] for u in _units(charts[name].to_dict())]
        assert "errorbar" in marks or "area" in marks, (name, marks)


def test_colours_come_from_the_palette(charts: dict[str, Any]) -> None:
    for name, chart in charts.items():
        spec = chart.to_dict()
        for unit in _units(spec):
            color = unit.get("encoding", {}).get("color", {})
            if "field" in color and color.get("type") != "quantitative":
                assert set(color["scale"]["range"]) <= set(PALETTE), name
            elif "value" in color:
                assert color["value"] in (*PALETTE, theme.NEUTRAL, theme.INK), name
        assert spec["config"]["range"]["category"] == list(PALETTE)  # the theme is active


def test_every_chart_has_one_mark_per_row_in_its_rows_layer(charts: dict[str, Any]) -> None:
    for name, chart in charts.items():
        spec = chart.to_dict()
        named = [u for u in _units(spec) if u.get("name") == ROW_MARK]
        if not named and spec.get("name") == ROW_MARK:
            named = [spec]
        assert len(named) == 1, name
        assert named[0]["mark"]["type"] not in ("line", "area", "errorbar"), name


def test_in_words() -> None:
    assert in_words(timedelta(days=14)) == "14 days"
    assert in_words(timedelta(days=1)) == "1 day"
    assert in_words(timedelta(hours=36)) == "36 hours"
    assert in_words(timedelta(minutes=90)) == "90 minutes"
    assert in_words(timedelta(seconds=45)) == "45 seconds"
    assert in_words(timedelta(seconds=1.5)) == "1.5 seconds"
    assert in_words(timedelta(0)) == "0 seconds"


def test_the_theme_keeps_a_users_choice() -> None:
    before = alt.theme.active
    try:
        alt.theme.enable("dark")
        assert theme.enable() is False and alt.theme.active == "dark"
        with theme.use_theme():
            assert alt.theme.active == theme.THEME
        assert alt.theme.active == "dark"
        alt.theme.enable("default")
        assert theme.enable() is True
    finally:
        alt.theme.enable(before)
