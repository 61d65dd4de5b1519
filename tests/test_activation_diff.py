"""Differential tests: the Ibis/DuckDB activation comparison equals the plain-Python
reference (semantics.md, event by event) on hypothesis-generated event logs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab.conditions as cond
from journeylab.activation import activation_spec, run_comparison
from journeylab.activation.reference import reference_comparison
from journeylab.engine import Engine
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.steps import step

T0 = datetime(2026, 3, 1, tzinfo=UTC)
USERS = [f"u{i}" for i in range(6)]
NAMES = ["signup", "a", "b", "c", "other"]
CHANNELS = [None, "ads", "seo", "", 7]
US = timedelta(microseconds=1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.duckdb(threads=1)


def _table(engine: Engine, events: list[dict[str, Any]]) -> Any:
    rows = [{**e, "received_at": e["event_at"]} for e in events]
    return engine.memtable(pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))


@st.composite
def event_logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(0, 30))
    out = []
    for k in range(n):
        name = draw(st.sampled_from(NAMES))
        # hours on a coarse grid (window edges are hit exactly), sometimes nudged by 1µs
        at = T0 + timedelta(hours=6 * draw(st.integers(0, 16)))
        at += US * draw(st.sampled_from([0, 0, 0, 1, -1]))
        data: dict[str, Any] | None = None
        if name == "signup":
            ch = draw(st.sampled_from(CHANNELS))
            data = None if ch is None else {"channel": ch}
        elif name == "c":
            data = draw(st.sampled_from([None, {"amount": 1}, {"amount": 2.5}, {"amount": "3"}]))
        out.append(
            {
                "event_id": f"e{k:03d}",
                "user_id": draw(st.sampled_from(USERS)),
                "name": name,
                "event_at": at,
                "data": None if data is None else json.dumps(data),
            }
        )
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    events = draw(event_logs())
    within = draw(
        st.sampled_from(["0s", "6h", "12h", "1d", "2d", timedelta(hours=6) - US, 6 * 3600.000001])
    )
    start = draw(
        st.sampled_from(["signup", {"event": "signup", "where": {"channel": {"exists": True}}}])
    )
    as_of = draw(
        st.one_of(st.none(), st.integers(0, 20).map(lambda h: T0 + timedelta(hours=6 * h)))
    )
    day = st.integers(0, 5).map(lambda d: (T0 + timedelta(days=d)).date())
    start_date = draw(st.one_of(st.none(), day))
    end_date = draw(st.one_of(st.none(), day))
    if start_date and end_date and start_date > end_date:
        start_date, end_date = end_date, start_date
    spend = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.tuples(
                    day, st.sampled_from(["ads", "seo", "tv", "unknown"]), st.integers(0, 50)
                ),
                max_size=8,
            ),
        )
    )
    return {
        "events": events,
        "within": within,
        "start": start,
        "as_of": as_of,
        "start_date": start_date,
        "end_date": end_date,
        "spend": None if spend is None else [(d, c, float(a)) for d, c, a in spend],
    }


ACTIVATIONS = {
    "a": "a",
    "b": step("b"),
    "big_c": {"event": "c", "where": {"amount": {"gte": 2}}},
    "signup_again": "signup",
    # conditions (journeylab.conditions): a count leaf counts matching events from the start
    "a_twice": {"event": "a", "count": 2},
    "big_c_cond": cond.event("c", where={"amount": {"gte": 2}}),
}


def _spend_frame(rows: list[tuple[date, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "date": [r[0] for r in rows],
            "channel": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
        },
        schema={"date": pl.Date, "channel": pl.String, "amount": pl.Float64},
    )


def _check(engine: Engine, sc: dict[str, Any], channels: dict[str, str | None] | None) -> None:
    spec = activation_spec(
        sc["start"],
        ACTIVATIONS,
        sc["within"],
        as_of=sc["as_of"],
        start_date=sc["start_date"],
        end_date=sc["end_date"],
    )
    users_frame = None
    if channels is not None:
        users_frame = pl.DataFrame(
            {"user_id": list(channels), "channel": list(channels.values())},
            schema={"user_id": pl.String, "channel": pl.String},
        )
    got = run_comparison(
        engine,
        _table(engine, sc["events"]),
        spec,
        spend=None if sc["spend"] is None else _spend_frame(sc["spend"]),
        users=users_frame,
    )
    ref = reference_comparison(sc["events"], spec, spend=sc["spend"], channels=channels)

    # per user: start, channel, maturity, activation moments
    want_users = {
        uid: (
            u["start_at"].replace(tzinfo=UTC),
            u["channel"],
            u["matured"],
            tuple(None if a is None else a.replace(tzinfo=UTC) for a in u["acts"]),
        )
        for uid, u in ref["users"].items()
    }
    n = len(spec.definitions)
    got_users = {
        r["user_id"]: (
            r["start_at"],
            r["channel"],
            r["matured"],
            tuple(r[f"act_{i}"] for i in range(n)),
        )
        for r in got.users_frame.to_dicts()
    }
    assert got_users == want_users

    table = got.table().to_dicts()
    assert [r["definition"] for r in table] == list(ACTIVATIONS)
    for g, w in zip(table, ref["definitions"], strict=True):
        for key in ("started", "activated", "matured", "activated_matured", "in_progress"):
            assert g[key] == w[key], key
        for key in ("rate", "rate_matured", "median_seconds", "p75_seconds"):
            assert g[key] == pytest.approx(w[key]), key
        assert (g["ci_low"], g["ci_high"]) == pytest.approx(w["ci"])
        assert (g["ci_low_matured"], g["ci_high_matured"]) == pytest.approx(w["ci_matured"])

    ov = got.overlap().to_dicts()
    assert len(ov) == len(ref["overlap"]) == n * (n - 1) // 2
    for g, w in zip(ov, ref["overlap"], strict=True):
        assert {k: v for k, v in g.items() if k != "jaccard"} == {
            k: v for k, v in w.items() if k != "jaccard"
        }
        assert g["jaccard"] == pytest.approx(w["jaccard"])

    assert got.date_range == ref["date_range"]
    counts = ("started", "activated", "matured", "activated_matured", "in_progress")
    chans = got.by_channel().sort(["definition", "channel"]).to_dicts()
    want = sorted(ref["by_channel"], key=lambda r: (r["definition"], r["channel"]))
    assert [(r["channel"], r["definition"], *[r[c] for c in counts]) for r in chans] == [
        (r["channel"], r["definition"], *[r[c] for c in counts]) for r in want
    ]
    for g, w in zip(chans, want, strict=True):
        assert g.get("spend") == pytest.approx(w["spend"])
        assert g.get("cac") == pytest.approx(w["cac"])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sc=scenarios())
def test_duckdb_equals_reference(engine: Engine, sc: dict[str, Any]) -> None:
    _check(engine, sc, None)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sc=scenarios(),
    chans=st.dictionaries(
        st.sampled_from(USERS), st.sampled_from([None, "ads", "seo", "tv"]), max_size=4
    ),
)
def test_duckdb_equals_reference_with_user_table(
    engine: Engine, sc: dict[str, Any], chans: dict[str, str | None]
) -> None:
    _check(engine, sc, chans)


@pytest.mark.slow
@settings(
    max_examples=70,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sc=scenarios())
def test_duckdb_equals_reference_many(engine: Engine, sc: dict[str, Any]) -> None:
    _check(engine, sc, None)
