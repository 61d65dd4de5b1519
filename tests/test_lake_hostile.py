"""Hostile event names, user ids, data keys and file names: stored and queried exactly,
nothing written outside the lake folder, no query broken."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from journeylab import Lake, open_lake
from journeylab.where import json_number, json_string, parse_where, where_expr

NAMES = [
    "it's",
    'say "hi"',
    "x'; DROP TABLE events; --",
    "a;b",
    "../../etc/passwd",
    "..\\..\\win",
    "/abs/path",
    "名前 🎉",
    "Ω≈ç√",
    "%_like_%",
    "tab\there",
    "new\nline",
    "$1 ? :name",
    "N" * 255,
    "é" * 255,
]
KEYS = ["a.b", "x'y", "../;", "a/b", "~0~1", "$.x", "", "ключ", 'q"q', "k" * 300]


def _records() -> list[dict[str, object]]:
    out = []
    for i, name in enumerate(NAMES):
        out.append(
            {
                "userId": f"user {name}"[:255],
                "name": name,
                "eventAt": f"2024-01-01T00:00:{i:02d}Z",
                "eventId": f"id/{name}"[:255],
                "data": {key: i * 10 + j for j, key in enumerate(KEYS)} | {"s": name},
            }
        )
    return out


def _tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Lake, Path]:
    work = tmp_path / "work"
    work.mkdir()
    src = work / "it's; rm -rf ..jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _records()) + "\n{bad\n")
    outside_before = _tree(tmp_path)
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(src)
    lake.declare("x'; DROP TABLE declared; --", description="'; --")
    lake.compact()
    assert (report.accepted, report.rejected) == (len(NAMES), 1)
    created = _tree(tmp_path) - outside_before
    lake_root = str(lake.path)
    assert all(p == lake_root or p.startswith(lake_root + os.sep) for p in created)
    for path in lake.path.rglob("*"):
        rel = path.relative_to(lake.path)
        # a generation's id sidecars sit one level down (events.gNNNNNN/_ids/part-*)
        assert len(rel.parts) <= 2 or (len(rel.parts) == 3 and rel.parts[1] == "_ids"), rel
        known = {"events", "rejected", "_tmp", ".lock", "declared.json", "properties.json"}
        known.add("_ids")
        assert rel.name in known or (
            rel.name.startswith(("events.g", "part-", "journeylab-lake"))
        ), rel
    return lake, src


def test_names_and_ids_round_trip_exactly(hostile: tuple[Lake, Path]) -> None:
    lake, _ = hostile
    t = lake.events()
    for i, name in enumerate(NAMES):
        rows = lake.execute(t.filter(t.name == name)).to_dicts()
        assert len(rows) == 1
        (row,) = rows
        assert row["name"] == name
        assert row["user_id"] == f"user {name}"[:255]
        assert row["event_id"] == f"id/{name}"[:255]
        data = json.loads(row["data"])
        assert data == {key: i * 10 + j for j, key in enumerate(KEYS)} | {"s": name}


def test_data_keys_are_queried_exactly(hostile: tuple[Lake, Path]) -> None:
    lake, _ = hostile
    t = lake.events()
    for j, key in enumerate(KEYS):
        for i in (0, 7):
            got = lake.execute(t.filter(where_expr(t.data, parse_where({key: i * 10 + j}))))
            assert got["name"].to_list() == [NAMES[i]], key
        values = lake.execute(t.select(v=json_number(t.data, key)).order_by("v"))["v"].to_list()
        assert values == [float(i * 10 + j) for i in range(len(NAMES))]
    for name in NAMES:
        got = lake.execute(t.filter(json_string(t.data, "s") == name))
        assert got["name"].to_list() == [name]
        got = lake.execute(t.filter(where_expr(t.data, parse_where({"s": {"contains": name}}))))
        assert name in got["name"].to_list()


def test_sql_with_parameters(hostile: tuple[Lake, Path]) -> None:
    lake, _ = hostile
    for name in NAMES:
        out = lake.sql("select name, user_id from events where name = ?", [name])
        assert out.to_dicts() == [{"name": name, "user_id": f"user {name}"[:255]}]
        out = lake.sql("select count(*) as n from events where name = $n", {"n": name})
        assert out["n"][0] == 1
    key = "x'y"
    out = lake.sql(
        "select name from events where json_extract(data, ?)::BIGINT = ?", ["/" + key, 30 + 1]
    )
    assert out["name"].to_list() == [NAMES[3]]
    assert lake.count() == len(NAMES)  # the DROP TABLE inside a name did nothing


def test_catalog_and_quarantine_with_hostile_names(hostile: tuple[Lake, Path]) -> None:
    lake, src = hostile
    cat = lake.catalog()
    assert set(cat.names()) == set(NAMES) | {"x'; DROP TABLE declared; --"}
    rows = {r["name"]: r for r in cat.to_records()}
    assert rows["x'; DROP TABLE declared; --"]["declared"] is True
    assert rows["x'; DROP TABLE declared; --"]["description"] == "'; --"
    assert all(rows[n]["events"] == 1 for n in NAMES)
    rejected = lake.rejected()
    assert rejected["source"].to_list() == [src.name]
    assert rejected["raw"].to_list() == ["{bad"]


def test_csv_flat_columns_with_hostile_keys(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        'userId,name,eventAt,data.a.b,"data.x\'y","data.../;",data.a/b\n'
        "u,n,2024-01-01T00:00:00Z,1,2,3,four\n"
    )
    assert lake.ingest(path).accepted == 1
    (data,) = lake.execute(lake.events().select("data"))["data"].to_list()
    assert json.loads(data) == {"a.b": 1, "x'y": 2, "../;": 3, "a/b": "four"}
