"""The lake on local Spark (Ibis' pyspark backend) reads and filters exactly like DuckDB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from journeylab import Lake, open_lake
from journeylab.where import json_number, json_string, parse_where, where_expr, where_match
from test_spark_support import (
    ODD_KEY,
    assert_frames_same,
    assert_parity,
    build_lake,
    lake_pair,
    small_records,
    spark_engine,
)

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    path = build_lake(tmp_path_factory.mktemp("spark_lake") / "lake", small_records())
    return lake_pair(path)


def test_events_round_trip_identical(lakes: tuple[Lake, Lake]) -> None:
    duck, spark = lakes
    a = duck.execute(duck.events())
    b = spark.execute(spark.events())
    assert a.height > 400
    assert b.schema["event_at"] == pl.Datetime("us", "UTC")
    assert b.schema["received_at"] == pl.Datetime("us", "UTC")
    assert_frames_same(a, b, "events")
    # microseconds survive (the log has .000001 and .999999 times)
    assert (b["event_at"].dt.microsecond() == 999_999).any()


def test_counts_by_name_and_user(lakes: tuple[Lake, Lake]) -> None:
    def by_name(lake: Lake) -> pl.DataFrame:
        ev = lake.events()
        return lake.execute(
            ev.group_by("name").agg(
                events=ibis_count(), users=ev.user_id.nunique(), last=ev.event_at.max()
            )
        )

    assert_parity(*lakes, by_name)


def ibis_count() -> Any:
    import ibis

    return ibis._.count()


def test_scalar_and_last_event_at(lakes: tuple[Lake, Lake]) -> None:
    duck, spark = lakes
    assert duck.last_event_at() == spark.last_event_at()
    assert spark.execute(spark.events().count())["value"][0] == duck.count()


FILTERS: list[dict[str, Any]] = [
    {"amount": 20},
    {"amount": "20"},
    {"amount": 20.5},
    {"amount": True},
    {"amount": {"gte": 20}},
    {"amount": {"lt": 20.5, "gt": 5}},
    {"amount": {"lte": "3"}},
    {"amount": {"ne": 20}},
    {"amount": {"in": [5, "20", True]}},
    {"amount": {"exists": True}},
    {"amount": {"exists": False}},
    {"channel": "ads"},
    {"channel": ""},
    {"channel": {"in": ["ads", "Ads"]}},
    {"channel": {"ne": "ads"}},
    {"channel": {"contains": "d"}},
    {"plan": 2},
    {"plan": "2"},
    {"plan": {"exists": True}, "channel": {"ne": "organic"}},
    {"flag": True},
    {"flag": False},
    {"flag": "true"},
    {"flag": 1},
    {"a.b": 1},
    {ODD_KEY: "v'\\"},
    {ODD_KEY: {"exists": True}},
    {ODD_KEY: {"gte": 3}},
    {"nested": {"exists": True}},
    {"nested": 20},
    {"list": {"exists": True}},
    {"referrerId": {"contains": "u00"}},
]


@pytest.mark.parametrize("where", FILTERS, ids=lambda w: json.dumps(w, ensure_ascii=True))
def test_where_filters_identical_and_match_python(
    lakes: tuple[Lake, Lake], where: dict[str, Any]
) -> None:
    preds = parse_where(where)

    def matching(lake: Lake) -> pl.DataFrame:
        ev = lake.events()
        return lake.execute(ev.filter(where_expr(ev.data, preds)).select("event_id"))

    duck_rows = assert_parity(*lakes, matching, json.dumps(where))
    events = lakes[0].execute(lakes[0].events().select("event_id", "data"))
    expected = {
        r["event_id"]
        for r in events.iter_rows(named=True)
        if where_match(json.loads(r["data"]) if r["data"] else None, preds)
    }
    assert set(duck_rows["event_id"]) == expected


@pytest.fixture(scope="module")
def typed_lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    """The same events with every filtered key as typed columns (docs/adr/0009)."""
    path = build_lake(tmp_path_factory.mktemp("spark_typed") / "lake", small_records())
    keys = sorted({k for w in FILTERS for k in w} | {"amount"})
    open_lake(path).compact(properties=keys)
    return lake_pair(path)


@pytest.mark.parametrize("where", FILTERS[::2], ids=lambda w: json.dumps(w, ensure_ascii=True))
def test_where_filters_on_typed_columns_identical(
    typed_lakes: tuple[Lake, Lake], lakes: tuple[Lake, Lake], where: dict[str, Any]
) -> None:
    preds = parse_where(where)

    def matching(lake: Lake) -> pl.DataFrame:
        ev = lake.events()
        return lake.execute(ev.filter(where_expr(ev.data, preds)).select("event_id"))

    # a kind the key's values took has a column (read on Spark too); others parse data
    spark = typed_lakes[1]
    ev = spark.events()
    amount = spark.to_sql(ev.filter(where_expr(ev.data, parse_where({"amount": {"gte": 20}}))))
    assert "data__number__amount" in amount and "variant" not in amount.lower()
    typed_rows = assert_parity(*typed_lakes, matching, json.dumps(where))
    json_rows = matching(lakes[0])
    assert sorted(typed_rows["event_id"]) == sorted(json_rows["event_id"])


def test_typed_accessors_identical(lakes: tuple[Lake, Lake]) -> None:
    def typed(lake: Lake) -> pl.DataFrame:
        ev = lake.events()
        return lake.execute(
            ev.select(
                "event_id",
                amount=json_number(ev.data, "amount"),
                amount_s=json_string(ev.data, "amount"),
                channel=json_string(ev.data, "channel"),
                odd=json_string(ev.data, ODD_KEY),
            )
        )

    assert_parity(*lakes, typed)


def test_empty_lake_on_spark(tmp_path: Path) -> None:
    open_lake(tmp_path / "empty", create=True)
    lake = open_lake(tmp_path / "empty", engine=spark_engine(), create=True)
    out = lake.execute(lake.events())
    assert out.height == 0
    assert out.schema["event_at"] == pl.Datetime("us", "UTC")
    assert lake.last_event_at() is None


def test_spark_sql_and_to_sql(lakes: tuple[Lake, Lake]) -> None:
    duck, spark = lakes
    a = duck.sql("SELECT name, count(*) AS n FROM events GROUP BY name")
    b = spark.sql("SELECT name, count(*) AS n FROM events GROUP BY name")
    assert_frames_same(a, b, "sql")
    query = "SELECT count(*) AS n FROM events WHERE name = ?"
    assert_frames_same(duck.sql(query, ["signup"]), spark.sql(query, ["signup"]), "params")
    ev = spark.events()
    sql = spark.to_sql(ev.filter(where_expr(ev.data, parse_where({"amount": {"gte": 1}}))))
    assert "json_type" not in sql.lower() and "VARIANT" in sql.upper()
    duck_sql = duck.to_sql(duck.events().filter(where_expr(duck.events().data, parse_where({}))))
    assert "variant" not in duck_sql.lower()


def test_catalog_identical(lakes: tuple[Lake, Lake]) -> None:
    duck, spark = lakes
    a, b = duck.catalog(), spark.catalog()
    assert_frames_same(a.frame, b.frame, "catalog")
    assert a.warnings == b.warnings


def test_lake_path_with_glob_characters(tmp_path: Path) -> None:
    # Spark (Hadoop) globs paths; the engine escapes them so files are read literally.
    path = build_lake(tmp_path / "we[ir]d {lake} *?", small_records(seed=3, users=4, events=30))
    duck, spark = lake_pair(path)
    assert_parity(duck, spark, lambda lake: lake.execute(lake.events()), "events")
