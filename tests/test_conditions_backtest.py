"""The backtest on real lakes: the hand-computed edge cases, gates, summary and result shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from journeylab import Lake, open_lake
from journeylab.conditions import load_program
from journeylab.conditions.replay import replay
from test_conditions_replay import CASES, OFFER, Case, at, check_case, ev


def _wire(e: dict[str, Any]) -> dict[str, Any]:
    out = {
        "eventId": e["event_id"],
        "userId": e["user_id"],
        "name": e["name"],
        "eventAt": e["event_at"].isoformat(),
    }
    if e["data"] is not None:
        out["data"] = json.loads(e["data"])
    return out


def make_lake(root: Path, events: list[dict[str, Any]], write_jsonl: Callable[..., Path]) -> Lake:
    """One ingest per distinct received_at, so late arrivals are real lake rows."""
    lake = open_lake(root, create=True)
    by_received: dict[Any, list[dict[str, Any]]] = {}
    for e in events:
        by_received.setdefault(e["received_at"], []).append(e)
    for i, (received, group) in enumerate(sorted(by_received.items())):
        path = write_jsonl([_wire(e) for e in group], name=f"batch{i}.jsonl")
        lake.ingest(path, received_at=received, progress=False)
    return lake


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_backtest_edge_cases_on_a_lake(
    case: Case, tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    lake = make_lake(tmp_path / "lake", case.events, write_jsonl)
    program = load_program(case.spec)
    result = program.backtest(lake, **case.kw)
    check_case(result, case)
    ref = replay(program, lake.execute(lake.events()), **case.kw)
    assert result.rounds.equals(ref.rounds)
    assert result.users.equals(ref.users)


@pytest.fixture
def busy_lake(tmp_path: Path, write_jsonl: Callable[..., Path]) -> Lake:
    events = []
    for i in range(6):
        user = f"u{i}"
        events += [
            ev(f"{i}-0", user, "a", i * 10, {"ch": "x" if i % 2 else "y"}),
            ev(f"{i}-1", user, "b", i * 10 + 3 + i),
        ]
    return make_lake(tmp_path / "lake", events, write_jsonl)


def test_start_end_gate_enrolments_and_summary(busy_lake: Lake) -> None:
    program = load_program({**OFFER, "satisfy": {"event": "b", "within": "5m"}, "reward": 2})
    full = program.backtest(busy_lake)
    assert full.stage("enrolled") == 6
    assert full.stage("satisfied") == 3 and full.stage("expired") == 3  # 3+i minutes <= 5
    summary = full.summary()
    for key in (
        "audience",
        "enrolled",
        "satisfied",
        "expired",
        "pending",
        "ineligible",
        "capped",
        "reward_total",
        "median_seconds_to_satisfy",
    ):
        assert key in summary
    assert summary["reward_total"] == 6
    assert summary["median_seconds_to_satisfy"] == 240.0
    gated = program.backtest(busy_lake, start_date=at(10), end_date=at(30))
    assert sorted(gated.rounds["user_id"].to_list()) == ["u1", "u2"]
    assert gated.daily["enrolled"].sum() == 2


def test_audience_filter_and_not_enrolled(busy_lake: Lake) -> None:
    program = load_program(
        {
            **OFFER,
            "audience": {"event": "a", "where": {"ch": "x"}},
            "entry": {"event": "b"},
            "satisfy": {"event": "a"},
        }
    )
    result = program.backtest(busy_lake)
    assert result.stage("audience") == 3
    assert result.stage("pending") == 3  # enrolled on b, never another a
    assert set(result.users["user_id"]) == {"u1", "u3", "u5"}


def test_result_frames_have_documented_columns(busy_lake: Lake) -> None:
    program = load_program({**OFFER, "expires_after": "1h"})
    result = program.backtest(busy_lake, as_of=at(10_000))
    assert result.users.columns[:6] == [
        "user_id",
        "enrolled_at",
        "satisfied_at",
        "status",
        "reason",
        "reward",
    ]
    assert "referrer_id" in result.users.columns
    assert result.time_to_satisfy.columns == ["user_id", "round", "seconds"]
    assert result.daily.columns == ["day", "enrolled", "satisfied"]
    assert result.stages["stage"].to_list()[:2] == ["audience", "enrolled"]
    assert result.users["enrolled_at"].dtype == pl.Datetime("us", "UTC")
    assert result.as_of == at(10_000)


def test_result_explain_and_chart_delegate(busy_lake: Lake) -> None:
    program = load_program({**OFFER, "satisfy": {"event": "b", "within": "5m"}})
    result = program.backtest(busy_lake)
    assert result.extra["lake"] is busy_lake
    text = str(result.explain("u0"))
    assert "u0" in text and "satisfied" in text
    assert result.chart().to_dict()["data"] is not None


SPARK_PROGRAMS: list[dict[str, Any]] = [
    {
        "kind": "offer",
        "name": "windows",
        "entry": {"event": "a"},
        "audience": {
            "any": [{"event": "signup"}, {"event": "b", "within": "10m", "from": "rolling"}]
        },
        "satisfy": {
            "all": [
                {"event": "b", "count": 2, "within": "30m"},
                {"not": {"event": "c"}},
                {
                    "sequence": [{"event": "a"}, {"event": "b", "where": {"ch": "x"}}],
                    "within": "10m",
                },
                {
                    "event": "a",
                    "sum": {"field": "amount", "gte": 3},
                    "within": "20m",
                    "from": "signup",
                    "count_from": "lifetime",
                },
            ]
        },
        "expires_after": "30m",
        "reentry": {"mode": "after_exit", "max": 2, "cooldown": "5m"},
        "caps": {"budget": 30, "per_user": 1},
        "reward": 10,
    },
    {
        "kind": "referral",
        "name": "r",
        "link": {"event": "ref", "where": {"ch": {"ne": "y"}}},
        "satisfy": {"any": [{"event": "b", "within": "20m", "from": "rolling"}, {"event": "a"}]},
        "rules": {"new_user_only": True, "reward_delay": "5m"},
        "reward": {"referrer": 10, "referee": 5},
        "time_basis": "received_at",
        "expires_after": "30m",
    },
]


@pytest.mark.spark
@pytest.mark.slow  # the fast tier checks Spark's backtests in test_spark_parity (CI's 30 min)
def test_backtest_on_spark_equals_replay(tmp_path: Path) -> None:
    """RANGE windows, sequences, sums, signup anchors, received_at and re-entry through
    Ibis' pyspark backend on a Spark-bound table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from journeylab.lake.layout import EVENT_SCHEMA
    from test_conditions_diff import make_logs
    from test_spark_support import spark_engine

    engine = spark_engine()
    events = make_logs(3, 30)
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pylist(events, schema=EVENT_SCHEMA), path)
    table = engine.table("conditions_spark_events", [str(path)], EVENT_SCHEMA)
    from journeylab.conditions.backtest import backtest_events

    for spec in SPARK_PROGRAMS:
        program = load_program(spec)
        ref = replay(program, events)
        got = backtest_events(program, table, engine)
        assert got.rounds.equals(ref.rounds), spec["name"]
        assert got.users.equals(ref.users), spec["name"]
        assert ref.rounds.height > 0


def test_packed_keys_sort_as_time_then_event_id() -> None:
    """The passes take a user's first row by the min of a packed (time, event_id) text: it
    must order as the pair does for every time a lake holds (years 0 to 9999), and unpack
    to the same pair."""
    import ibis

    from journeylab.conditions.backtest import _packed, _unpack
    from journeylab.engine import Engine

    year0, year9999 = -62_167_219_200_000_000, 253_402_300_799_999_999
    pairs = [(t, e) for t in (year0, -1, 0, 1, 10**15, year9999) for e in ("a", "b", "ab")]
    table = ibis.memtable(pl.DataFrame(pairs, schema=["tu", "eid"], orient="row"))
    engine = Engine.duckdb(threads=1)
    out = engine.to_polars(table.select(key=_packed(table.tu, table.eid)))
    assert out["key"].str.contains(r"^[0-9]{19}[a-z]+$").all()
    back = _unpack(out.sort("key"), "key", "tu", "eid")
    assert list(back.iter_rows()) == sorted(pairs)
