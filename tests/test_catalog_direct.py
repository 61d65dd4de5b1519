"""The catalog without a query layer (docs/adr/0011: one constant DuckDB statement) equals
the Ibis query it stands in for: on hypothesis-generated logs landed in one or several
ingests, compacted (typed columns) or not, and over files whose columns or time unit
differ; and ``Lake.catalog`` takes it on a local lake with files on DuckDB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab.lake.catalog as catalog_mod
from journeylab import Lake, open_lake
from journeylab.lake import userkeys
from journeylab.lake.catalog import build_catalog, catalog_expr, fired_names

_START = datetime(2025, 3, 1, tzinfo=UTC)
_NAMES = st.sampled_from(["signup", "Sign Up", "view", "buy", "é-vent", "x" * 40])


@st.composite
def _parts(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    """One to three ingests of events: few users (shared across names and ingests), times
    to the microsecond, often shared (ties at a name's first or last instant), data or
    none."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        part = []
        for _ in range(draw(st.integers(1, 30))):
            shared = st.sampled_from([-(10**11), -1, 0, 1, 10**11])
            offset = draw(st.one_of(shared, st.integers(-(10**11), 10**11)))
            at = _START + timedelta(microseconds=offset)
            record: dict[str, Any] = {
                "userId": draw(st.sampled_from(["u1", "u2", "U1", "ü", "u 3", "7"])),
                "name": draw(_NAMES),
                "eventAt": at.isoformat().replace("+00:00", "Z"),
            }
            if draw(st.booleans()):
                record["data"] = {"plan": draw(st.sampled_from(["a", "b"])), "n": 1}
            part.append(record)
        out.append(part)
    return out


def _by_ibis(lake: Lake) -> pl.DataFrame:
    return lake.execute(catalog_expr(lake.events())).sort("name")


def _land(root: Path, parts: list[list[dict[str, Any]]], compact_after: int | None) -> Lake:
    lake = open_lake(root, create=True)
    for i, part in enumerate(parts):
        lake.ingest_records(part, source=f"part{i}")
        if compact_after == i:
            lake.compact()  # typed columns (auto: data's keys), in the later files too
    return lake


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=_parts(), compact=st.booleans(), data=st.data())
def test_equals_the_ibis_query(
    tmp_path_factory: pytest.TempPathFactory, parts: Any, compact: bool, data: Any
) -> None:
    after = data.draw(st.integers(0, len(parts) - 1)) if compact else None
    lake = _land(tmp_path_factory.mktemp("lake") / "lake", parts, after)
    got = fired_names(lake.engine.connection, lake.layout.snapshot())
    assert got.sort("name").equals(_by_ibis(lake))


def test_mixed_files_and_the_catalog_records(tmp_path: Path) -> None:
    """A compacted lake with typed columns, then an ingest: the catalog's records are the
    Ibis path's. Files without the typed columns or ``user_key``, or with nanoseconds, are
    read beside them (journeylab writes none of them in one generation; another writer
    may)."""
    lake = _land(
        tmp_path / "lake",
        [
            [
                {"userId": "a", "name": "buy", "eventAt": "2025-01-01T00:00:00.000001Z"},
                {"userId": "b", "name": "buy", "data": {"plan": "x", "amount": 3}},
                {"userId": "a", "name": "view", "eventAt": "2025-01-02T00:00:00Z"},
            ],
            [
                {"userId": "c", "name": "buy", "eventAt": "2024-12-31T23:59:59.999999Z"},
                {"userId": "a", "name": "buy", "eventAt": "2025-01-03T00:00:00Z"},
            ],
        ],
        compact_after=0,
    )
    files = lake.layout.snapshot()
    assert lake.properties() and len(files) == 2
    fast = lake.catalog()
    slow = build_catalog(lake.execute(catalog_expr(lake.events())), lake.declared())
    assert fast.to_records() == slow.to_records()
    buy = next(r for r in fast.to_records() if r["name"] == "buy")
    assert (buy["events"], buy["users"]) == (4, 3)
    assert buy["first_seen"] == "2024-12-31T23:59:59.999999Z"

    table = pl.read_parquet(files[-1])
    ns, base = tmp_path / "ns.parquet", tmp_path / "base.parquet"
    table.with_columns(pl.col("event_at").cast(pl.Datetime("ns", "UTC"))).write_parquet(ns)
    table.select("event_id", "user_id", "name", "event_at").write_parquet(base)  # format 2
    more = fired_names(lake.engine.connection, [*files, str(ns), str(base)])
    assert more.schema["first_seen"] == pl.Datetime("us", "UTC")
    row = more.filter(pl.col("name") == "buy").row(0, named=True)
    assert (row["events"], row["users"]) == (4 + 2 + 2, 3)


def test_taken_on_a_local_lake_with_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys that collide change nothing: users are counted by id, as the Ibis query does."""
    calls: list[int] = []
    real = catalog_mod.fired_names

    def spy(con: Any, files: Any) -> Any:
        calls.append(len(files))
        return real(con, files)

    monkeypatch.setattr("journeylab.lake.core.fired_names", spy)
    records = [{"userId": u, "name": "buy"} for u in ("a", "bb", "c")]
    empty = open_lake(tmp_path / "empty", create=True)
    assert empty.catalog().to_records() == [] and calls == []  # no file: the Ibis query
    exact = open_lake(tmp_path / "exact", create=True)
    exact.ingest_records(records)
    assert exact.catalog().to_records()[0]["users"] == 3 and calls == [1]
    with monkeypatch.context() as mp:  # every id on one of two keys: recorded, not exact
        mp.setattr(userkeys, "distinct_keys", lambda con, ids: _two_keys(ids))
        shared = open_lake(tmp_path / "shared", create=True)
        shared.ingest_records(records)
    assert not shared.user_keys_exact()
    assert shared.catalog().to_records()[0]["users"] == 3 and calls == [1, 1]


def test_a_users_connection_in_another_time_zone(tmp_path: Path) -> None:
    """DuckDB hands instants over in its session's time zone: the catalog stays in UTC,
    as the Ibis query's is."""
    import duckdb

    from journeylab import Engine

    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")
    lake = open_lake(tmp_path / "lake", engine=Engine(None, "duckdb", con), create=True)
    lake.ingest_records([{"userId": "a", "name": "buy", "eventAt": "2025-01-01T03:00:00Z"}])
    got = lake.catalog().frame
    assert got.schema["first_seen"] == pl.Datetime("us", "UTC")
    assert got.drop("declared", "description").equals(_by_ibis(lake))
    assert lake.catalog().to_records()[0]["first_seen"] == "2025-01-01T03:00:00Z"


def _two_keys(ids: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    texts = pa.array(ids).cast(pa.string()).to_pylist()
    return np.array([len(s) % 2 for s in texts], np.int64)
