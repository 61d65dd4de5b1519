"""Activation comparison: hand-computed cases for each rule of semantics.md."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa
import pytest

from journeylab import open_lake
from journeylab.activation import ActivationComparison, activation_spec, run_comparison
from journeylab.engine import Engine
from journeylab.errors import InputError, JourneylabError, SpecError
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.stats import wilson
from journeylab.steps import step

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
D = timedelta(days=1)
H = timedelta(hours=1)
US = timedelta(microseconds=1)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.duckdb(threads=1)


def ev(user: str, name: str, at: datetime, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"user_id": user, "name": name, "event_at": at, "data": data}


def run(engine: Engine, events: list[dict[str, Any]], **kw: Any) -> ActivationComparison:
    rows = [
        {
            "event_id": f"e{i:04d}",
            "user_id": e["user_id"],
            "name": e["name"],
            "event_at": e["event_at"],
            "received_at": e["event_at"],
            "data": None if e["data"] is None else json.dumps(e["data"]),
        }
        for i, e in enumerate(events)
    ]
    table = engine.memtable(pa.Table.from_pylist(rows, schema=EVENT_SCHEMA))
    spend = kw.pop("spend", None)
    users = kw.pop("users", None)
    spec = activation_spec(kw.pop("start", "signup"), kw.pop("activations", {"buy": "buy"}), **kw)
    return run_comparison(engine, table, spec, spend=spend, users=users)


def row(result: ActivationComparison, label: str = "buy") -> dict[str, Any]:
    return result.table().filter(pl.col("definition") == label).to_dicts()[0]


def test_window_edge_is_inclusive(engine: Engine) -> None:
    events = [
        ev("edge", "signup", T0),
        ev("edge", "buy", T0 + 14 * D),  # exactly at the edge: counts
        ev("late", "signup", T0),
        ev("late", "buy", T0 + 14 * D + US),  # one microsecond late: does not
        ev("end", "page", T0 + 30 * D),
    ]
    r = row(run(engine, events, within="14d"))
    assert (r["started"], r["activated"], r["matured"]) == (2, 1, 2)
    assert r["median_seconds"] == 14 * 86400
    assert run(engine, events, within="14d").users("buy")["user_id"].to_list() == ["edge"]


def test_activation_before_start_not_counted_same_instant_counts(engine: Engine) -> None:
    events = [
        ev("before", "buy", T0 - US),
        ev("before", "signup", T0),
        ev("same", "signup", T0),
        ev("same", "buy", T0),
        ev("end", "page", T0 + 30 * D),
    ]
    res = run(engine, events, within="7d")
    assert row(res)["activated"] == 1
    got = res.users("buy")
    assert got["user_id"].to_list() == ["same"]
    assert got["seconds_to_activate"].to_list() == [0.0]
    assert res.users("buy", "not_activated")["user_id"].to_list() == ["before"]


def test_start_is_the_first_start_event(engine: Engine) -> None:
    events = [
        ev("u", "signup", T0, {"channel": "ads"}),
        ev("u", "signup", T0 + 10 * D, {"channel": "seo"}),
        ev("u", "buy", T0 + 12 * D),  # 2 days after the 2nd signup, 12 after the 1st
        ev("v", "signup", T0),
        ev("v", "signup", T0 + 1 * D),
        ev("v", "buy", T0 + 3 * D),
        ev("end", "page", T0 + 40 * D),
    ]
    res = run(engine, events, within="7d")
    users = res.users("buy", "started").sort("user_id")
    assert users["start_at"].to_list() == [T0, T0]
    assert users["channel"].to_list() == ["ads", "unknown"]  # the first signup's data
    assert res.users("buy")["user_id"].to_list() == ["v"]
    assert row(res)["median_seconds"] == 3 * 86400


def test_censoring_in_progress_and_matured_rates(engine: Engine) -> None:
    events = [
        ev("old_yes", "signup", T0),
        ev("old_yes", "buy", T0 + 2 * D),
        ev("old_no", "signup", T0 + 1 * D),
        ev("new_yes", "signup", T0 + 9 * D),
        ev("new_yes", "buy", T0 + 10 * D),
        ev("new_no", "signup", T0 + 9 * D),
        ev("edge_no", "signup", T0 + 3 * D),  # start + 7d == as_of: window closed
        ev("x", "page", T0 + 10 * D),  # as_of defaults to the last event
    ]
    res = run(engine, events, within="7d")
    r = row(res)
    assert res.as_of == T0 + 10 * D
    assert (r["started"], r["activated"], r["in_progress"]) == (5, 2, 1)
    assert (r["matured"], r["activated_matured"]) == (3, 1)
    assert r["rate"] == pytest.approx(2 / 5)
    assert r["rate_matured"] == pytest.approx(1 / 3)
    assert r["ci_low_matured"] < 1 / 3 < r["ci_high_matured"]
    assert res.users("buy", "in_progress")["user_id"].to_list() == ["new_no"]
    assert res.users("buy", "not_activated")["user_id"].to_list() == ["edge_no", "old_no"]


def test_explicit_as_of_ignores_later_events(engine: Engine) -> None:
    events = [
        ev("a", "signup", T0),
        ev("a", "buy", T0 + 5 * D),
        ev("b", "signup", T0 + 6 * D),
    ]
    res = run(engine, events, within="7d", as_of=T0 + 4 * D)
    r = row(res)
    assert (r["started"], r["activated"], r["in_progress"], r["matured"]) == (1, 0, 1, 0)
    assert r["rate_matured"] is None and r["ci_low_matured"] is None


def test_median_and_p75_interpolate(engine: Engine) -> None:
    events = []
    for i, hours in enumerate([1, 2, 3, 4]):
        events += [ev(f"u{i}", "signup", T0), ev(f"u{i}", "buy", T0 + hours * H)]
    r = row(run(engine, events, within="1d"))
    assert r["median_seconds"] == pytest.approx(2.5 * 3600)
    assert r["p75_seconds"] == pytest.approx(3.25 * 3600)


def test_step_filters_and_overlap(engine: Engine) -> None:
    events = [
        ev("a", "signup", T0),
        ev("a", "buy", T0 + H, {"amount": 30}),
        ev("a", "profile", T0 + H),
        ev("b", "signup", T0),
        ev("b", "buy", T0 + H, {"amount": 5}),
        ev("c", "signup", T0),
        ev("c", "profile", T0 + H),
        ev("d", "signup", T0),
    ]
    res = run(
        engine,
        events,
        within="1d",
        activations={
            "big_buy": step("buy", where={"amount": {"gte": 20}}),
            "any_buy": "buy",
            "profile": {"event": "profile"},
        },
    )
    t = {r["definition"]: r["activated"] for r in res.table().to_dicts()}
    assert t == {"big_buy": 1, "any_buy": 2, "profile": 2}
    assert res.table()["event"].to_list()[0] == "buy where {'amount': {'gte': 20}}"
    ov = {(r["a"], r["b"]): r for r in res.overlap().to_dicts()}
    bp = ov[("any_buy", "profile")]
    assert (bp["both"], bp["only_a"], bp["only_b"], bp["neither"]) == (1, 1, 1, 1)
    assert bp["jaccard"] == pytest.approx(1 / 3)
    assert ov[("big_buy", "any_buy")]["jaccard"] == pytest.approx(1 / 2)


def _spend(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["date", "channel", "amount"], orient="row")


def test_cac_unknown_channel_and_spend_outside_range(engine: Engine) -> None:
    events = [
        ev("a1", "signup", T0, {"channel": "ads"}),
        ev("a1", "buy", T0 + H),
        ev("a2", "signup", T0 + D, {"channel": "ads"}),
        ev("a2", "buy", T0 + D + H),
        ev("s1", "signup", T0 + D, {"channel": "seo"}),
        ev("n1", "signup", T0 + D, {"channel": 3}),  # not a string: unknown
        ev("n1", "buy", T0 + D + H),
        ev("n2", "signup", T0 + 2 * D),  # no channel: unknown
    ]
    spend = _spend(
        [
            ("2026-03-01", "ads", 1000.0),  # before the first start date: excluded
            ("2026-03-02", "ads", 100.0),
            ("2026-03-04", "ads", 50.0),
            ("2026-03-03", "seo", 30.0),
            ("2026-03-05", "seo", 999.0),  # after the last start date: excluded
            ("2026-03-03", "tv", 20.0),  # a channel without users
        ]
    )
    res = run(engine, events, within="1d", spend=spend)
    assert res.date_range == (date(2026, 3, 2), date(2026, 3, 4))
    cac = {r["channel"]: r for r in res.cac().to_dicts()}
    assert set(cac) == {"ads", "seo", "tv", "unknown"}
    assert (cac["ads"]["spend"], cac["ads"]["activated"], cac["ads"]["cac"]) == (150.0, 2, 75.0)
    assert (cac["seo"]["spend"], cac["seo"]["activated"], cac["seo"]["cac"]) == (30.0, 0, None)
    assert (cac["tv"]["started"], cac["tv"]["cac"]) == (0, None)
    assert (cac["unknown"]["started"], cac["unknown"]["activated"]) == (2, 1)
    assert (cac["unknown"]["spend"], cac["unknown"]["cac"]) == (0.0, 0.0)
    r = row(res)
    assert (r["spend"], r["cac"]) == (200.0, pytest.approx(200.0 / 3))
    lo, hi = wilson(2, 2)  # ads: 2 of 2 activated, spend 150
    assert cac["ads"]["cac_low"] == pytest.approx(150 / 2 / hi)
    assert cac["ads"]["cac_high"] == pytest.approx(150 / 2 / lo)
    assert cac["seo"]["cac_low"] is not None and cac["seo"]["cac_high"] is None


def test_start_and_end_dates_select_users_and_spend(engine: Engine) -> None:
    events = [
        ev("early", "signup", T0, {"channel": "ads"}),
        ev("early", "buy", T0 + H),
        ev("mid", "signup", T0 + D + 23 * H, {"channel": "ads"}),  # 2026-03-04 08:00
        ev("mid", "buy", T0 + 2 * D),
        ev("late", "signup", T0 + 5 * D, {"channel": "ads"}),
        ev("late", "buy", T0 + 5 * D + H),
    ]
    spend = _spend([("2026-03-02", "ads", 7.0), ("2026-03-03", "ads", 10.0)])
    spend = spend.vstack(_spend([("2026-03-04", "ads", 20.0), ("2026-03-07", "ads", 5.0)]))
    res = run(
        engine,
        events,
        within="1d",
        spend=spend,
        start_date="2026-03-03",
        end_date=date(2026, 3, 4),
    )
    assert res.users("buy", "started")["user_id"].to_list() == ["mid"]
    assert res.date_range == (date(2026, 3, 3), date(2026, 3, 4))
    (ads,) = res.cac().to_dicts()
    assert (ads["spend"], ads["activated"], ads["cac"]) == (30.0, 1, 30.0)


def test_user_table_gives_channels(engine: Engine) -> None:
    events = [
        ev("a", "signup", T0, {"channel": "ads"}),
        ev("a", "buy", T0 + H),
        ev("b", "signup", T0),
    ]
    users = pl.DataFrame({"user_id": ["a", "zz"], "channel": ["partner", "ads"]})
    res = run(engine, events, within="1d", users=users)
    chans = dict(zip(*res.users("buy", "started").select("user_id", "channel"), strict=True))
    assert chans == {"a": "partner", "b": "unknown"}
    dup = pl.DataFrame({"user_id": ["a", "a"], "channel": ["x", "y"]})
    with pytest.raises(InputError, match="one row per user_id"):
        run(engine, events, users=dup)


class SecondBuy:
    """A pluggable source: the user's second ``buy`` (a stand-in for a condition)."""

    def activation_events(self, events: ir.Table, starts: ir.Table) -> ir.Table:
        buys = events.filter(events.name == "buy")
        buys = buys.mutate(n=ibis.row_number().over(group_by=buys.user_id, order_by=buys.event_at))
        second = buys.filter(buys.n == 1)
        return second.select(user_id=second.user_id, activated_at=second.event_at)

    def to_dict(self) -> dict[str, Any]:
        return {"second": "buy"}


def test_activation_source_protocol_plugs_in(engine: Engine) -> None:
    events = [
        ev("a", "signup", T0),
        ev("a", "buy", T0 + H),
        ev("a", "buy", T0 + 2 * H),
        ev("b", "signup", T0),
        ev("b", "buy", T0 + H),
    ]
    res = run(engine, events, within="1d", activations={"first": "buy", "second": SecondBuy()})
    t = {r["definition"]: (r["activated"], r["median_seconds"]) for r in res.table().to_dicts()}
    assert t == {"first": (2, 3600.0), "second": (1, 7200.0)}
    assert res.spec.to_dict()["activations"][1] == {
        "label": "second",
        "definition": {"second": "buy"},
    }


def test_empty_events(engine: Engine) -> None:
    spend = _spend([("2026-03-02", "ads", 7.0)])
    res = run(engine, [], spend=spend)
    r = row(res)
    assert (r["started"], r["activated"], r["rate"], r["median_seconds"]) == (0, 0, None, None)
    assert res.cac().height == 0 and res.date_range is None


@pytest.mark.parametrize(
    ("kw", "err", "match"),
    [
        ({"activations": {}}, SpecError, "activations"),
        ({"activations": None}, SpecError, "activations"),
        ({"activations": {"": "buy"}}, SpecError, "label"),
        ({"activations": {"x": 3}}, SpecError, r"activations\['x'\]"),
        ({"activations": {"x": {"event": "buy", "wher": {}}}}, SpecError, "wher"),
        ({"within": "2 weeks"}, InputError, "within"),
        ({"start_date": "2026-03-05", "end_date": "2026-03-01"}, InputError, "end_date"),
        ({"start_date": "March"}, InputError, "start_date"),
        ({"as_of": "yesterday"}, InputError, "as_of"),
    ],
)
def test_bad_arguments_name_the_parameter(
    kw: dict[str, Any], err: type[JourneylabError], match: str
) -> None:
    args: dict[str, Any] = {"activations": {"buy": "buy"}, **kw}
    with pytest.raises(err, match=match):
        activation_spec("signup", **args)


def test_bad_spend_and_status(engine: Engine, tmp_path: Path) -> None:
    events = [ev("a", "signup", T0)]
    with pytest.raises(InputError, match="Missing: \\['amount'\\]"):
        run(engine, events, spend=pl.DataFrame({"date": ["2026-03-02"], "channel": ["x"]}))
    with pytest.raises(InputError, match="amount >= 0"):
        run(engine, events, spend=_spend([("2026-03-02", "ads", -1.0)]))
    with pytest.raises(InputError, match="dates must look like"):
        run(engine, events, spend=_spend([("02/03/2026", "ads", 1.0)]))
    with pytest.raises(InputError, match="existing CSV"):
        run(engine, events, spend=tmp_path / "nope.csv")
    res = run(engine, events)
    with pytest.raises(InputError, match="spend"):
        res.cac()
    with pytest.raises(InputError, match="status"):
        res.users("buy", "dropped")
    with pytest.raises(InputError, match="label"):
        res.users("nope")
    with pytest.raises(InputError, match="part"):
        res.to_sql("nope")


def test_lake_compare_activations_end_to_end(tmp_path: Path) -> None:
    lines = [
        {"userId": "a", "name": "signup", "eventAt": "2026-03-02T09:00:00Z", "data": {"channel": "ads"}},
        {"userId": "a", "name": "buy", "eventAt": "2026-03-03T09:00:00+01:00"},
        {"userId": "b", "name": "signup", "eventAt": "2026-03-02T10:00:00Z", "data": {"channel": "seo"}},
        {"userId": "c", "name": "signup", "eventAt": "2026-03-20T10:00:00Z"},
    ]  # fmt: skip
    src = tmp_path / "events.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    spend = tmp_path / "spend.csv"
    spend.write_text("date,channel,amount\n2026-03-02,ads,40\n2026-03-02,seo,10.5\n")
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src)
    res = lake.compare_activations("signup", {"buy": "buy"}, within="7d", spend=spend)
    r = row(res)
    assert (r["started"], r["activated"], r["in_progress"], r["matured"]) == (3, 1, 1, 2)
    assert r["median_seconds"] == 23 * 3600
    assert {c["channel"]: c["cac"] for c in res.cac().to_dicts()} == {
        "ads": 40.0,
        "seo": None,
        "unknown": None,  # no spend, nobody activated
    }
    sql = res.to_sql()
    assert "percentile_cont" in sql.lower() or "quantile_cont" in sql.lower()
    assert "events" in res.to_sql("users")
    d = res.to_dict()
    assert [x["definition"] for x in d["definitions"]] == ["buy"]
    assert d["cac"][0]["channel"] == "ads"
    # a user table instead of the start event's data field
    table = pl.DataFrame({"user_id": ["a", "b"], "channel": ["partner", "partner"]})
    by_table = lake.compare_activations("signup", {"buy": "buy"}, within="7d", channel=table)
    assert dict(by_table.by_channel().select("channel", "started").iter_rows()) == {
        "partner": 2,
        "unknown": 1,
    }


def test_charts_are_valid_vega_lite(engine: Engine) -> None:
    events = [
        ev("a", "signup", T0, {"channel": "ads"}),
        ev("a", "buy", T0 + H),
        ev("a", "profile", T0 + 2 * H),
        ev("b", "signup", T0, {"channel": "seo"}),
        ev("b", "profile", T0 + H),
    ]
    res = run(
        engine,
        events,
        within="1d",
        activations={"buy": "buy", "profile": "profile"},
        spend=_spend([("2026-03-02", "ads", 10.0), ("2026-03-02", "seo", 4.0)]),
    )
    comp = res.chart().to_dict()
    assert len(comp["layer"]) == 2
    assert comp["layer"][1]["mark"]["type"] == "errorbar"
    data = next(iter(comp["datasets"].values()))
    assert {(d["definition"], d["basis"]) for d in data} == {
        (x, b) for x in ("buy", "profile") for b in ("matured users", "everyone")
    }
    heat = res.overlap_chart().to_dict()
    cells = next(iter(heat["datasets"].values()))
    assert len(cells) == 4  # 2 diagonal + 2 mirrored pair cells
    cac = res.cac_chart().to_dict()
    assert cac["layer"][0]["encoding"]["y"]["field"] == "cac"
    assert cac["layer"][1]["encoding"]["y2"]["field"] == "cac_high"
    bars = next(iter(cac["datasets"].values()))
    assert {(b["channel"], b["definition"], b["cac"]) for b in bars} == {
        ("ads", "buy", 10.0),
        ("ads", "profile", 10.0),
        ("seo", "profile", 4.0),
    }


def test_conditions_plug_in_counted_from_the_start(engine: Engine) -> None:
    import journeylab.conditions as c

    events = [
        ev("a", "buy", T0 - H),  # before the start: not counted (count_from enrollment)
        ev("a", "signup", T0),
        ev("b", "buy", T0 - US),  # 1µs before b's start: not counted either
        ev("a", "buy", T0 + H),
        ev("a", "profile", T0 + 2 * H),
        ev("a", "buy", T0 + 3 * H),
        ev("b", "signup", T0),
        ev("b", "buy", T0 + H),
        ev("b", "profile", T0 + 2 * H),
    ]
    res = run(
        engine,
        events,
        within="1d",
        activations={
            "twice": {"event": "buy", "count": 2},
            "lifetime_twice": c.event("buy", count=2, count_from="lifetime"),
            "profile_then_buy": c.sequence(c.event("profile"), c.event("buy")),
            "buy_within_90m": c.event("buy", within="90m"),
        },
    )
    got = {r["definition"]: (r["activated"], r["median_seconds"]) for r in res.table().to_dicts()}
    assert got == {
        "twice": (1, 3 * 3600.0),
        "lifetime_twice": (2, 3600.0),  # earlier buys count: 2nd buys at T0+1h
        "profile_then_buy": (1, 3 * 3600.0),
        "buy_within_90m": (2, 3600.0),
    }
    assert res.table()["event"][0] == "'buy' count >= 2 (events after the start)"
    with pytest.raises(SpecError, match=r"activations\['x'\]"):
        activation_spec("signup", {"x": {"event": "buy", "count": 0}})
