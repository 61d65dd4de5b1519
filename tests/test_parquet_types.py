"""Parquet columns as other tools write them: DuckDB's JSON and UUID columns, pandas'
categories (dictionary-encoded strings), Spark's maps. Each lands as its plain form would,
through the vectorised pass (no record left to the record-level Validator but those a map
gives a key twice); tests/test_ingest_rules.py holds the pass equal to the Validator on
hypothesis-generated tables of these types."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from journeylab import Lake, open_lake
from journeylab.ingest.readers import read_batches
from journeylab.ingest.validate import Checker

AT = pa.array([datetime(2024, 1, 1, tzinfo=UTC)] * 3, pa.timestamp("us", tz="UTC"))
IDS = [UUID(int=0), UUID("00112233-4455-6677-8899-aabbccddeeff"), UUID(int=(1 << 128) - 1)]


def _reasons(path: Path) -> list[str | None]:
    """The vectorised pass's reason for each record of ``path`` (None: it computed the row;
    ``check``: the Validator reads the record)."""
    con = duckdb.connect()
    try:
        checker = Checker(con)
        out: list[str | None] = []
        for batch in read_batches(path, "parquet", 0, 1000, lambda n: None):
            out += checker.reasons(batch)["reason"].to_pylist()
        return out
    finally:
        con.close()


def _lake_rows(lake: Lake) -> list[tuple[str, str, str, str | None]]:
    frame = lake.execute(lake.events().select("event_id", "user_id", "name", "data"))
    return sorted(tuple(r.values()) for r in frame.to_dicts())  # type: ignore[misc]


def test_duckdb_json_and_uuid_columns(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "duck.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT id AS userId, 'signup' AS name, TIMESTAMPTZ '2024-01-01 00:00:00+00' "
        "AS eventAt, json_object('plan', 'pro', 'n', i) AS data, id AS eventId "
        "FROM (SELECT unnest($ids)::UUID AS id, generate_subscripts($ids, 1) AS i)) "
        f"TO '{path}' (FORMAT parquet)",
        {"ids": [str(u) for u in IDS]},
    )
    con.close()
    schema = pq.read_schema(path)
    assert str(schema.field("data").type) == "extension<arrow.json>"
    assert str(schema.field("eventId").type) == "extension<arrow.uuid>"
    assert _reasons(path) == [None] * 3
    report = lake.ingest(path)
    assert (report.accepted, report.rejected_by_reason) == (3, {})
    want = [(str(u), str(u), "signup", f'{{"n":{i},"plan":"pro"}}') for i, u in enumerate(IDS, 1)]
    assert _lake_rows(lake) == sorted(want)


def test_pandas_categories_land_as_their_strings(lake: Lake, tmp_path: Path) -> None:
    columns = {
        "userId": pa.array(["u1", "u2", "u1"]),
        "name": pa.array(["signup", "buy", "signup"]),
        "eventAt": AT,
        "data": pa.array(['{"b":1,"a":2}', None, '{"a":1}']),
    }
    plain, encoded = tmp_path / "plain.parquet", tmp_path / "encoded.parquet"
    pq.write_table(pa.table(columns), plain)
    pq.write_table(pa.table({k: v.dictionary_encode() for k, v in columns.items()}), encoded)
    assert pa.types.is_dictionary(pq.read_schema(encoded).field("userId").type)
    assert _reasons(encoded) == [None] * 3
    other = open_lake(tmp_path / "other", create=True)
    assert lake.ingest(encoded).accepted == other.ingest(plain).accepted == 3
    assert _lake_rows(lake) == _lake_rows(other)


def test_maps_are_objects(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "maps.parquet"
    data = pa.array(
        [[("plan", "pro"), ("a", "1")], [("k", "x"), ("k", "y")], None],
        pa.map_(pa.string(), pa.string()),
    )
    pq.write_table(pa.table({"userId": ["u1", "u2", "u3"], "name": ["n"] * 3, "data": data}), path)
    # the map giving a key twice goes to the Validator: the last value wins, as in JSON
    assert _reasons(path) == [None, "check", None]
    assert lake.ingest(path).accepted == 3
    got = lake.sql("SELECT user_id, data FROM events ORDER BY user_id").rows()
    assert got == [("u1", '{"a":"1","plan":"pro"}'), ("u2", '{"k":"y"}'), ("u3", None)]


def test_a_key_twice_deep_in_a_map(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "nested.parquet"
    inner = pa.map_(pa.string(), pa.int64())
    data = pa.array(
        [[("o", {"x": [("q", 1), ("q", 2)]})], [("o", {"x": [("b", 1), ("a", 2)]})]],
        pa.map_(pa.string(), pa.struct([("x", inner)])),
    )
    pq.write_table(pa.table({"userId": ["u1", "u2"], "name": ["n"] * 2, "data": data}), path)
    # DuckDB refuses the whole column: every record with data goes to the Validator
    assert _reasons(path) == ["check", "check"]
    assert lake.ingest(path).accepted == 2
    got = lake.sql("SELECT user_id, data FROM events ORDER BY user_id").rows()
    assert got == [("u1", '{"o":{"x":{"q":2}}}'), ("u2", '{"o":{"x":{"a":2,"b":1}}}')]


def test_a_map_with_integer_keys_is_rejected_with_its_reason(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "ints.parquet"
    data = pa.array([[(1, "a")], None], pa.map_(pa.int64(), pa.string()))
    pq.write_table(pa.table({"userId": ["u1", "u2"], "name": ["n"] * 2, "data": data}), path)
    report = lake.ingest(path)
    assert (report.accepted, report.rejected_by_reason) == (1, {"invalid_data": 1})
    detail = lake.rejected()["detail"].to_list()
    assert detail == ["data has the key 1 (int): a JSON object's keys are strings"]


def test_int96_timestamps_are_utc_instants(lake: Lake, tmp_path: Path) -> None:
    """Spark writes its timestamps as INT96 by default: UTC instants by convention, which
    pyarrow reads without a zone. They are not counted naive; other naive ones still are."""
    at = pa.array([datetime(2024, 1, 1, 10), datetime(2024, 1, 2, 11)], pa.timestamp("us"))
    table = pa.table({"userId": ["u1", "u2"], "name": ["n"] * 2, "eventAt": at})
    spark, plain = tmp_path / "spark.parquet", tmp_path / "plain.parquet"
    pq.write_table(table, spark, use_deprecated_int96_timestamps=True)
    pq.write_table(table, plain)
    assert pq.ParquetFile(spark).schema.column(2).physical_type == "INT96"
    report = lake.ingest(spark)
    assert (report.accepted, report.naive_timestamps) == (2, 0)
    assert report.first_event_at == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert lake.ingest(plain).naive_timestamps == 2  # the same events: duplicates
    assert lake.count() == 2
