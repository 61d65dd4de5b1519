"""Typed properties (docs/adr/0009): ``data`` keys stored as typed columns beside ``data``
give the same answers as the JSON, for every filter op, every key spelling and every JSON
type; compaction and ingest keep every file of a generation carrying them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from journeylab import LakeError, SpecError, dialects, open_lake
from journeylab.lake.layout import FORMAT_VERSION
from journeylab.lake.typed import AUTO_SHARE
from journeylab.where import OPS, parse_where, where_expr, where_match

KEYS = ["amount", "plan", "x.y", "a/b~c", "ok", "n"]
T0 = datetime(2025, 1, 6, tzinfo=UTC)
VALUES = st.one_of(
    st.integers(-5, 40),
    st.sampled_from([1.5, -0.0, 2.0, 20.0, 1e16, 12345678901234567890]),
    st.sampled_from(["pro", "free", "", "20", "ünï", "pro plan"]),
    st.booleans(),
    st.none(),
    st.just([1, 2]),
    st.just({"k": 1}),
)
DATA = st.one_of(st.none(), st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4))
SCALARS = st.one_of(
    st.integers(-5, 40), st.sampled_from([1.5, 20.0, "pro", "free", "20", "", True, False])
)


@st.composite
def predicates(draw: st.DrawFn) -> dict[str, Any]:
    key = draw(st.sampled_from(KEYS))
    op = draw(st.sampled_from(OPS))
    if op == "in":
        value: Any = draw(st.lists(SCALARS, min_size=1, max_size=3))
    elif op == "exists":
        value = draw(st.booleans())
    elif op == "contains":
        value = draw(st.sampled_from(["pro", "", "r", "ï"]))
    elif op in ("gt", "gte", "lt", "lte"):
        value = draw(st.one_of(st.integers(-5, 40), st.sampled_from([1.5, "a", "pro", "20"])))
    else:
        value = draw(SCALARS)
    return {key: {op: value}}


def _records(datas: list[Any]) -> list[dict[str, Any]]:
    out = []
    for i, data in enumerate(datas):
        rec: dict[str, Any] = {
            "eventId": f"e{i}",
            "userId": f"u{i % 7}",
            "name": "purchase",
            "eventAt": (T0 + timedelta(minutes=i)).isoformat(),
        }
        if data is not None:
            rec["data"] = data
        out.append(rec)
    return out


def _pair(tmp_path: Path, records: list[dict[str, Any]]) -> tuple[jl.Lake, jl.Lake]:
    """The same events in two lakes: with typed columns for every key, and with none.
    Each lake lands them in two ingests around a compaction, so the typed lake holds files
    that compaction wrote and a file that ingest wrote."""
    lakes = []
    for name, props in (("typed", KEYS), ("json", [])):
        lake = open_lake(tmp_path / name, create=True)
        half = len(records) // 2
        lake.ingest_records(records[:half])
        lake.compact(properties=props)
        lake.ingest_records(records[half:])
        lakes.append(lake)
    assert lakes[0].properties() == tuple(KEYS) and lakes[1].properties() == ()
    return lakes[0], lakes[1]


def _ids(lake: jl.Lake, where: dict[str, Any]) -> list[str]:
    ev = lake.events()
    expr = ev.filter(where_expr(ev.data, parse_where(where))).select("event_id")
    return sorted(lake.execute(expr)["event_id"].to_list())


def _filters_agree(
    tmp_path_factory: pytest.TempPathFactory, datas: list[Any], wheres: list[dict[str, Any]]
) -> None:
    records = _records(datas)
    typed, plain = _pair(tmp_path_factory.mktemp("typed"), records)
    for where in [*wheres, {**wheres[0], **wheres[1]}]:
        parsed = parse_where(where)
        want = sorted(r["eventId"] for r in records if where_match(r.get("data"), parsed))
        assert _ids(typed, where) == want, where
        assert _ids(plain, where) == want, where
        # the typed lake reads a column wherever it has one for the predicate's kind
        ev = typed.events()
        sql = typed.to_sql(ev.filter(where_expr(ev.data, parsed)))
        for p in parsed:
            kinds = [k for k in ("number", "string", "bool", "present") if _uses(p, k)]
            have = [k for k in kinds if dialects.typed_column(p.key, k) in ev.columns]
            assert all(dialects.typed_column(p.key, k) in sql for k in have), (p, sql)
        ev = plain.events()
        assert not any(c.startswith("data__") for c in ev.columns)


def _uses(p: Any, kind: str) -> bool:
    """Whether predicate ``p`` reads ``kind`` of its key (where.py's readers)."""
    if p.op == "exists":
        return kind == "present"
    values = p.value if p.op == "in" else (p.value,)
    if p.op == "contains":
        return kind == "string"
    for v in values:
        if isinstance(v, bool):
            if kind == "bool" and p.op in ("eq", "ne", "in"):
                return True
        elif isinstance(v, int | float):
            if kind == "number":
                return True
        elif kind == "string":
            return True
    return False


_FILTER_CASES = given(
    datas=st.lists(DATA, min_size=2, max_size=30),
    wheres=st.lists(predicates(), min_size=3, max_size=8),
)
_FIXTURE = [HealthCheck.function_scoped_fixture]
test_filters_on_typed_columns_equal_the_json_and_the_reference = settings(
    max_examples=12, deadline=None, suppress_health_check=_FIXTURE
)(_FILTER_CASES(_filters_agree))
test_filters_on_typed_columns_equal_the_json_and_the_reference_many = pytest.mark.slow(
    settings(max_examples=25, deadline=None, suppress_health_check=_FIXTURE)(
        _FILTER_CASES(_filters_agree)
    )
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(datas=st.lists(DATA, min_size=1, max_size=25))
def test_every_reader_gives_the_same_values_from_columns_and_json(
    tmp_path_factory: pytest.TempPathFactory, datas: list[Any]
) -> None:
    typed, plain = _pair(tmp_path_factory.mktemp("readers"), _records(datas))
    for lake in (typed, plain):
        ev = lake.events()
        cols = {"event_id": ev.event_id}
        for i, key in enumerate(KEYS):
            cols[f"s{i}"] = dialects.json_string(ev.data, key)
            cols[f"n{i}"] = dialects.json_number(ev.data, key)
            cols[f"b{i}"] = dialects.json_bool(ev.data, key)
            cols[f"e{i}"] = dialects.json_exists(ev.data, key).fill_null(False)
        lake._frame = lake.execute(ev.select(**cols)).sort("event_id")  # type: ignore[attr-defined]
    assert typed._frame.equals(plain._frame)  # type: ignore[attr-defined]


def test_a_funnel_filtered_and_broken_down_on_typed_columns_equals_the_json(
    tmp_path: Path,
) -> None:
    records = []
    for u in range(60):
        at = T0 + timedelta(hours=u)
        channel: Any = ["ads", "organic", 3, None][u % 4]
        records.append(
            {
                "userId": f"u{u}",
                "name": "signup",
                "eventAt": at.isoformat(),
                "data": {"channel": channel},
            }
        )
        for j in range(u % 3):
            records.append(
                {
                    "userId": f"u{u}",
                    "name": "purchase",
                    "eventAt": (at + timedelta(days=j + 1)).isoformat(),
                    "data": {"amount": [5, 25, 20.0][(u + j) % 3]},
                }
            )
    tables = []
    for props in (["channel", "amount"], []):
        lake = open_lake(tmp_path / f"l{len(props)}", create=True)
        lake.ingest_records(records)
        lake.compact(properties=props)
        steps = ["signup", jl.step("purchase", where={"amount": {"gte": 20}})]
        f = lake.funnel(steps, within="7d", by="channel", method="greedy")
        assert ("data__number__amount" in f.to_sql()) is bool(props)
        assert ("data__string__channel" in f.to_sql()) is bool(props)
        tables.append(f.table())
        tables.append(lake.funnel(steps, within="7d", by="channel").table())  # one pass
    assert all(t.equals(tables[0]) for t in tables)


def test_declared_keys_persist_and_auto_picks_the_most_used(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    many = [{"plan": "pro", "amount": i} for i in range(300)]
    rare = [{"rare": 1}]  # in 1 of 301 events: under AUTO_SHARE
    assert 1 / 301 < AUTO_SHARE
    records = _records([*many, *rare])
    lake.ingest_records(records[:150])
    lake.ingest_records(records[150:])
    lake.compact()
    assert lake.properties() == ("amount", "plan")
    lake.compact(properties=["plan"])
    assert lake.properties() == ("plan",)
    lake.ingest_records(_records([{"plan": "x"}]))  # a later ingest carries the declared key
    lake.compact()
    assert lake.properties() == ("plan",)
    lake.compact(properties="auto")
    assert lake.properties() == ("amount", "plan")
    lake.compact(properties=[])
    assert lake.properties() == ()
    for f in lake.layout.event_files():
        assert not any(c.startswith("data__") for c in pq.read_schema(f).names)


def test_only_the_kinds_a_key_takes_get_columns(tmp_path: Path) -> None:
    """``amount`` holds numbers when compacted: a number and a present column only; a string
    amount ingested later is read from ``data`` by the string reader, exactly, and only on
    rows where the key is present without a number (the typed columns guard the parse)."""
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(_records([{"amount": 3}, {"amount": 4.5}, {"plan": "x"}]))
    lake.compact(properties=["amount"])
    names = [c for c in lake.events().columns if c.startswith("data__")]
    assert names == ["data__number__amount", "data__present__amount"]
    lake.ingest_records([{**_records([{"amount": "7"}])[0], "eventId": "s"}])
    assert _ids(lake, {"amount": "7"}) == ["s"]
    assert _ids(lake, {"amount": {"gte": 4}}) == ["e1"]
    assert _ids(lake, {"amount": {"exists": False}}) == ["e2"]
    ev = lake.events()
    sql = lake.to_sql(ev.filter(where_expr(ev.data, parse_where({"amount": "7"}))))
    assert "json_type" in sql.lower()
    guard = '"t0"."data__present__amount" AND ( "t0"."data__number__amount" IS NULL )'
    assert guard in " ".join(sql.split())


def test_an_empty_lake_declared_first_types_every_ingest(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    assert lake.compact(properties=["amount"]) == 0
    lake.ingest_records(_records([{"amount": 3}, {"amount": "3"}, None]))
    lake.ingest_records([{**_records([{"amount": 30}])[0], "eventId": "e9"}])
    files = lake.layout.event_files()
    assert len(files) == 2
    for f in files:
        assert "data__number__amount" in pq.read_schema(f).names
    assert _ids(lake, {"amount": {"gte": 3}}) == ["e0", "e9"]
    got = lake.execute(lake.events().select("event_id", "data__number__amount")).sort("event_id")
    assert got.rows() == [("e0", 3.0), ("e1", None), ("e2", None), ("e9", 30.0)]


def test_bad_properties_are_one_clear_error(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    with pytest.raises(SpecError, match="properties"):
        lake.compact(properties="amount")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="properties key"):
        lake.compact(properties=["ok", ""])


def test_format_3_lakes_are_upgraded_and_newer_ones_refused(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(_records([{"a": 1}]))
    marker = tmp_path / "lake" / "journeylab-lake.json"
    meta = json.loads(marker.read_text())
    assert meta["version"] == FORMAT_VERSION == 4
    marker.write_text(json.dumps({**meta, "version": 3}))
    open_lake(tmp_path / "lake").ingest_records(_records([{"a": 2}, {"a": 3}]))
    assert json.loads(marker.read_text())["version"] == 4
    marker.write_text(json.dumps({**meta, "version": 5}))
    newer = open_lake(tmp_path / "lake")
    assert newer.count() == 2
    with pytest.raises(LakeError, match="version 5, newer"):
        newer.ingest_records(_records([{"a": 9}]))


def test_cli_compact_properties(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(_records([{"amount": i, "plan": "p"} for i in range(10)]))
    lake.ingest_records(_records([{"amount": 1}]))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cli = [sys.executable, "-c", "from journeylab.cli import main; main()"]
        cmd = [*cli, "compact", "--lake", str(tmp_path / "lake")]
        return subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)

    done = run("--properties", "plan")
    assert done.returncode == 0, done.stderr
    assert "typed properties: plan" in done.stdout
    done = run()
    assert "typed properties: plan" in done.stdout  # the declaration stays
    done = run("--properties", "none")
    assert "typed properties: none" in done.stdout
    done = run("--properties", "plan,amout")  # a typo: typed, and named on stderr
    assert done.returncode == 0, done.stderr
    assert "'amout'" in done.stderr and "nearest" in done.stderr and "'amount'" in done.stderr
    assert done.stderr.count("warning:") == 1  # plan is carried: no warning for it
    done = run("--properties", " , ")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--properties" in done.stderr
