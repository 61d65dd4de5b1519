"""Journeys specs, the shared time words and calendars; worked examples of each semantic
rule (the differential tests cover the rest on generated logs)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import ibis
import polars as pl
import pytest

import journeylab as jl
from funnel_helpers import T0, ev
from journeylab.errors import JourneylabError, SpecError
from journeylab.journeys import calendar as cal_mod
from journeylab.journeys.calendar import Calendar
from journeylab.journeys.clock import make_clock
from journeylab.journeys.lifecycle import lifecycle_spec
from journeylab.journeys.paths_spec import paths_spec
from journeylab.journeys.retention_spec import retention_spec
from journeylab.journeys.transitions import transitions_spec
from journeylab.times import to_us
from journeys_helpers import (
    ref_lifecycle,
    ref_paths,
    ref_retention,
    sql_lifecycle,
    sql_paths,
    sql_retention,
)


# -- the time words -----------------------------------------------------------------------
def test_dates_are_whole_days_both_ends_included() -> None:
    c = make_clock("2025-01-01", "2025-01-31")
    assert c.start == datetime(2025, 1, 1, tzinfo=UTC)
    assert c.end == datetime(2025, 2, 1, tzinfo=UTC)
    assert c.admits(datetime(2025, 1, 31, 23, 59, tzinfo=UTC))
    assert not c.admits(datetime(2025, 2, 1, tzinfo=UTC))


def test_dates_follow_the_time_zone_and_times_are_instants() -> None:
    c = make_clock(date(2025, 7, 1), None, timezone="Europe/Paris")
    assert c.start == datetime(2025, 6, 30, 22, tzinfo=UTC)
    t = make_clock("2025-01-01T10:00:00Z", "2025-01-01T12:00:00+01:00")
    assert t.start == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert t.end == datetime(2025, 1, 1, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"end_date": "2025-01-01", "start_date": "2025-02-01"}, "end_date"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"start_date": "2025-13-01"}, "start_date"),
    ],
)
def test_bad_time_words_name_the_parameter(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(SpecError, match=match):
        make_clock(**kw)


# -- calendars ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tz", ["UTC", "Europe/Paris", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu"]
)
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_engine_periods_equal_python(tz: str, period: str) -> None:
    """Integer arithmetic on epoch µs (offsets from zoneinfo) == datetime.astimezone, also
    around DST changes and on period boundaries."""
    rng = random.Random(f"{tz}{period}")
    ts = [
        datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        for _ in range(300)
    ]
    for week_start in (0, 6):
        c = Calendar(period, tz, week_start)
        ts += [c.start(c.index(t)) for t in ts[:40]]
        ts += [c.start(c.index(t)) - timedelta(microseconds=1) for t in ts[:40]]
    con = ibis.duckdb.connect()
    table = ibis.memtable(pl.DataFrame({"us": [to_us(t) for t in ts]}))
    for week_start in (0, 6):
        c = Calendar(period, tz, week_start)
        got = con.to_pyarrow(table.select(i=c.expr(table.us, c.offsets(min(ts), max(ts)))))[
            "i"
        ].to_pylist()
        assert got == [c.index(t) for t in ts]


def test_calendar_labels_and_boundaries() -> None:
    c = Calendar("week", "UTC", 6)  # weeks start on Sunday
    sunday = datetime(2025, 3, 2, tzinfo=UTC)
    assert (
        c.index(sunday)
        == c.index(sunday + timedelta(days=6, hours=23))
        == c.index(sunday - timedelta(seconds=1)) + 1
    )
    assert c.first_day(c.index(sunday)) == date(2025, 3, 2)
    assert Calendar("month").first_day(Calendar("month").index(sunday)) == date(2025, 3, 1)
    santiago = Calendar("day", "America/Santiago")  # midnight does not exist on DST day
    start = santiago.start(santiago.index(datetime(2024, 9, 8, 12, tzinfo=UTC)))
    assert start.astimezone(santiago.tz).hour == 1


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Calendar("fortnight"), "period"),
        (lambda: cal_mod.zone("Mars/Olympus"), "timezone"),
        (lambda: cal_mod.weekday("friyay"), "week_start"),
        (lambda: paths_spec(), "exactly one of"),
        (lambda: paths_spec(start="a", end="b"), "exactly one of"),
        (lambda: paths_spec(between="a"), "between"),
        (lambda: paths_spec(start="a", depth=0), "depth"),
        (lambda: paths_spec(start="a", occurrence="all"), "occurrence"),
        (lambda: paths_spec(start="a", exclude="a"), "exclude"),
        (lambda: paths_spec(start="a", group={"(": "x"}), "regular expression"),
        (lambda: paths_spec(start="a", session_gap="soon"), "session_gap"),
        (lambda: paths_spec(start="a", users="u1"), "users"),
        (lambda: transitions_spec(names="a"), "names"),
        (lambda: retention_spec(mode="during"), "mode"),
        (lambda: retention_spec(windows="sliding"), "windows"),
        (lambda: retention_spec(start_kind="every"), "start_kind"),
        (lambda: retention_spec(periods=-1), "periods"),
        (lambda: retention_spec(by=""), "by"),
        (lambda: lifecycle_spec(period="year"), "period"),
        # a comeback is a derived moment, not an event: refused, never matching nothing
        (lambda: paths_spec(start=jl.returned("30d")), "start.*reactivations"),
        (lambda: paths_spec(start="a", exclude=[{"returned": {}}]), r"exclude\[0\]"),
        (lambda: retention_spec(start=jl.returned("7d")), "start"),
        (lambda: retention_spec(returning=jl.returned("7d")), "returning"),
        (lambda: lifecycle_spec(active=jl.returned("7d")), "active"),
    ],
)
def test_spec_errors_name_parameter_and_choices(call: Any, match: str) -> None:
    with pytest.raises(JourneylabError, match=match):
        call()


# -- paths: worked examples -----------------------------------------------------------------
def _paths(**kw: Any) -> list[tuple[list[str], int]]:
    return [(r["path"], r["paths"]) for r in sql_paths(paths_spec(**kw), LOG)]


LOG = [
    ev("u1", "b", 0, eid="e0"),  # at the anchor's instant, listed first: still after it
    ev("u1", "a", 0, eid="e1"),
    ev("u1", "c", 1),
    ev("u1", "c", 2),
    ev("u1", "d", 50),  # after a 48-minute gap
    ev("u2", "c", 0),
    ev("u2", "a", 5),
    ev("u2", "x", 6),
    ev("u2", "d", 7),
]


def test_paths_anchor_first_then_its_instant_then_later() -> None:
    assert _paths(start="a", session_gap=None) == [(["b", "c", "d"], 1), (["x", "d"], 1)]


def test_paths_collapse_gap_depth_exclude_group() -> None:
    assert _paths(start="a", collapse_repeats=False, depth=3) == [
        (["b", "c", "c"], 1),
        (["x", "d"], 1),
    ]
    assert _paths(start="a", exclude="x", depth=1) == [(["b"], 1), (["d"], 1)]
    assert _paths(start="a", group={"[cd]": "cd"}, session_gap=None) == [
        (["b", "cd"], 1),
        (["x", "cd"], 1),
    ]


def test_paths_before_and_between() -> None:
    assert _paths(end="d", session_gap=None) == [(["c", "a", "b"], 1), (["x", "a", "c"], 1)]
    between = sql_paths(paths_spec(between=("a", "d"), session_gap=None), LOG)
    assert [(r["path"], r["reached"]) for r in between] == [(["b", "c", "d"], 1), (["x", "d"], 1)]


def test_paths_in_progress_when_the_session_may_continue() -> None:
    spec = paths_spec(start="a", as_of=T0 + timedelta(minutes=35), depth=4)
    rows = {tuple(r["path"]): r["in_progress"] for r in sql_paths(spec, LOG)}
    # at minute 35, u1's session (last event at minute 2) has ended; u2's (minute 7) has not
    assert rows == {("b", "c"): 0, ("x", "d"): 1}
    assert sql_paths(spec, LOG) == ref_paths(spec, LOG)


# -- retention: censoring -------------------------------------------------------------------
def test_rolling_periods_still_running_are_censored_per_user() -> None:
    log = [
        ev("u1", "signup", 0),
        ev("u1", "a", 60 * 24 * 8),
        ev("u2", "signup", 60 * 24 * 4),
        ev("u2", "a", 60 * 24 * 12),  # in its week 1, which is still running
    ]
    spec = retention_spec(
        period="week", periods=2, windows="rolling", as_of=T0 + timedelta(days=15)
    )
    t = sql_retention(spec, log).table()
    week1 = t.filter(pl.col("period") == 1).row(0, named=True)
    # u1's week 1 (days 7..14) ended and holds a return; u2's (days 11..18) is still running
    assert (week1["users"], week1["eligible"], week1["retained"], week1["censored"]) == (2, 1, 1, 1)
    assert week1["returned_open"] == 1 and week1["status"] == "partial"
    week2 = t.filter(pl.col("period") == 2).row(0, named=True)
    assert week2["rate"] is None and week2["status"] == "censored"


def test_on_or_after_counts_later_returns() -> None:
    log = [ev("u1", "signup", 0), ev("u1", "a", 60 * 24 * 3)]
    kw: dict[str, Any] = {"period": "day", "periods": 2, "as_of": T0 + timedelta(days=10)}
    on = sql_retention(retention_spec(**kw), log).table()["retained"].to_list()
    after = (
        sql_retention(retention_spec(mode="on_or_after", **kw), log).table()["retained"].to_list()
    )
    assert on == [0, 0, 0] and after == [1, 1, 1]


# -- lifecycle: users active before the range ---------------------------------------------
def test_lifecycle_uses_history_before_the_range() -> None:
    week = 60 * 24 * 7
    log = [
        ev("old", "a", 0),
        ev("old", "a", week * 2),  # back after a dormant week: resurrecting, not new
        ev("steady", "a", week),
        ev("steady", "a", week * 2),  # active the week before the range: returning
        ev("fresh", "a", week * 2),
    ]
    spec = lifecycle_spec(
        period="week", start_date=(T0 + timedelta(days=14)).date(), as_of=T0 + timedelta(days=30)
    )
    first = sql_lifecycle(spec, log).table().row(0, named=True)
    assert (first["new"], first["returning"], first["resurrecting"], first["dormant"]) == (
        1,
        1,
        1,
        0,
    )
    assert ref_lifecycle(spec, log)[0]["resurrecting"] == 1


def test_more_periods_than_one_mask_holds() -> None:
    """Periods past 61 spill into a second 62-bit mask (both modes, both window kinds)."""
    day = 60 * 24
    log = [ev("u1", "signup", 0), ev("u2", "signup", day)]
    log += [ev("u1", "a", day * d + 5) for d in (1, 30, 61, 62, 63, 70)]
    log += [ev("u2", "a", day * d + 7) for d in (62, 75)]
    for mode in ("on", "on_or_after"):
        for windows in ("calendar", "rolling"):
            spec = retention_spec(period="day", periods=70, mode=mode, windows=windows)
            got = sql_retention(spec, log).cohorts.select(
                "cohort", "segment", "period", "users", "eligible", "retained", "returned_open"
            )
            assert got.to_dicts() == ref_retention(spec, log), (mode, windows)
            assert got.filter(pl.col("period") == 62)["retained"].sum() == 1 + (
                mode == "on_or_after"
            )
