"""docs/lake.md: its SQL and Python snippets run against a real lake, without journeylab."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from journeylab import Lake

DOC = Path(__file__).resolve().parents[1] / "docs" / "lake.md"


def _blocks(info: str) -> list[str]:
    return re.findall(rf"```{info}\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)


@pytest.fixture
def filled(lake: Lake, write_jsonl) -> Lake:
    records = [
        {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z"},
        {
            "userId": "u1",
            "name": "purchase",
            "eventAt": "2024-01-02T00:00:00Z",
            "data": {"amount": 12},
        },
        {"userId": "u2", "name": "signup", "eventAt": "2024-01-03T00:00:00Z"},
        "not json",
    ]
    lake.ingest(write_jsonl(records))
    return lake


def test_sql_snippets_run_in_plain_duckdb(filled: Lake) -> None:
    sqls = _blocks("sql")
    assert len(sqls) == 2
    names = duckdb.sql(sqls[0].replace("LAKE", str(filled.path))).fetchall()
    assert names == [("signup", 2, 2), ("purchase", 1, 1)]
    reasons = duckdb.sql(sqls[1].replace("LAKE", str(filled.path))).fetchall()
    assert reasons == [("invalid_json", 1)]


def test_python_snippets_run_without_journeylab(filled: Lake) -> None:
    blocks = _blocks("python")
    assert len(blocks) == 3
    scope: dict[str, object] = {}
    for code in blocks[:2]:
        assert "journeylab" not in code
        exec(code.replace("LAKE", str(filled.path)), scope)  # noqa: S102
    assert scope["n"] == 3
    assert scope["amounts"] == [("12",)]
    per_name = scope["per_name"].sort("name").to_dicts()  # type: ignore[attr-defined]
    assert per_name == [
        {"name": "purchase", "events": 1, "users": 1},
        {"name": "signup", "events": 2, "users": 2},
    ]
    filled.compact()  # typed properties: "amount" is in 1 event of 3
    assert filled.properties() == ("amount",)
    exec(blocks[2].replace("LAKE", str(filled.path)), scope)  # noqa: S102
    assert scope["typed"] == [(1,)]


def test_duckdb_and_polars_read_the_glob(filled: Lake) -> None:
    import polars as pl

    glob = str(filled.path / "events" / "*.parquet")
    count = duckdb.sql("select count(*) from read_parquet($g)", params={"g": glob})
    assert count.fetchall() == [(3,)]
    frame = pl.scan_parquet(glob).collect()
    assert frame.columns == [
        "event_id",
        "user_id",
        "name",
        "event_at",
        "received_at",
        "data",
        "user_key",
    ]
    assert str(frame.schema["event_at"]) == "Datetime(time_unit='us', time_zone='UTC')"
    assert json.loads(frame.filter(pl.col("name") == "purchase")["data"][0]) == {"amount": 12}


@pytest.mark.spark
def test_spark_snippet(filled: Lake) -> None:
    pytest.importorskip("pyspark")
    (code,) = _blocks("python spark")
    scope: dict[str, object] = {}
    exec(code.replace("LAKE", str(filled.path)), scope)  # noqa: S102
    counts = {row["name"]: row["count"] for row in scope["counts"]}  # type: ignore[attr-defined]
    assert counts == {"signup": 2, "purchase": 1}
