"""Every golden SQL file is SQL its engine accepts: each ``*.pyspark.sql`` is analysed by
Spark (``spark.sql()``, schema resolved) and each ``*.duckdb.sql`` bound by DuckDB, against
empty tables of the lake's schema. Parsing alone would accept unknown functions; analysis
resolves every function, column and type."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from journeylab.lake.layout import EVENT_SCHEMA
from test_spark_support import spark_engine

GOLDEN = Path(__file__).parent / "golden"
SPEND_SCHEMA = pa.schema(
    [("date", pa.date32()), ("channel", pa.string()), ("amount", pa.float64())]
)


def _files(dialect: str) -> list[Path]:
    return sorted(GOLDEN.rglob(f"*.{dialect}.sql"))


def _id(path: Path) -> str:
    return str(path.relative_to(GOLDEN))


def test_every_analysis_has_golden_sql_for_both_dialects() -> None:
    duck = {_id(p).removesuffix(".duckdb.sql") for p in _files("duckdb")}
    spark = {_id(p).removesuffix(".pyspark.sql") for p in _files("pyspark")}
    assert duck == spark and len(duck) >= 12


@pytest.mark.spark
@pytest.mark.parametrize("path", _files("pyspark"), ids=_id)
def test_pyspark_golden_sql_is_spark_sql(path: Path) -> None:
    engine = spark_engine()
    for name, schema in (("events", EVENT_SCHEMA), ("spend", SPEND_SCHEMA)):
        engine.table(name, [], schema)  # an empty temporary view of the schema
    session = engine.backend._session
    frame = session.sql(path.read_text())
    assert frame.schema.fields, path.name  # the analysed plan has resolved output columns


@pytest.mark.parametrize("path", _files("duckdb"), ids=_id)
def test_duckdb_golden_sql_is_duckdb_sql(path: Path) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("events", EVENT_SCHEMA.empty_table())
    con.register("spend", SPEND_SCHEMA.empty_table())
    rel = con.sql(path.read_text())
    assert rel is not None and rel.columns, path.name
