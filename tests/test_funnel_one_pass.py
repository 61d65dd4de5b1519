"""The one-pass funnel (docs/adr/0007) equals the reference and the SQL paths: on
hypothesis-generated logs (plain ordered specs, ties, restarts, as-of and entry ranges), and
end to end on lakes as ingest leaves them and as compaction sorts them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from funnel_helpers import ev, ref_outcomes, with_ids
from journeylab.funnels import ONE_PASS, build_result, make_spec
from journeylab.funnels.one_pass import fits_one_pass, one_pass_frame
from journeylab.funnels.reference import UserOutcome
from journeylab.funnels.spec import FunnelSpec
from journeylab.lake.hashing import user_key
from journeylab.lake.keyed import KeyedRows, keyed_rows
from journeylab.steps import Step
from test_funnel_differential import log_st, spec_st

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def _rows(events: list[dict[str, Any]], names: list[str]) -> KeyedRows:
    out: KeyedRows = {}
    for name in names:
        pairs = sorted(
            (user_key(e["user_id"]), (e["event_at"] - _EPOCH) // _US)
            for e in events
            if e["name"] == name
        )
        keys = np.array([k for k, _ in pairs], np.int64)
        out[name] = (keys, np.array([t for _, t in pairs], np.int64))
    return out


def one_pass_outcomes(spec: FunnelSpec, events: list[dict[str, Any]]) -> dict[str, UserOutcome]:
    events = with_ids(events)
    cut = spec.as_of or max(e["event_at"] for e in events)
    rows = _rows(events, [s.name for s in spec.steps])
    frame = one_pass_frame(spec, [rows[s.name] for s in spec.steps], cut, spec.as_of is not None)
    assert frame is not None
    ids = pl.DataFrame(
        {
            "user_key": [user_key(e["user_id"]) for e in events],
            "user_id": [e["user_id"] for e in events],
        }
    ).unique()
    res = build_result(spec, frame, cut, ONE_PASS, lambda: ids)
    out = {}
    for r in res.users_frame.iter_rows(named=True):
        times = tuple(r[f"t{k}"] for k in range(1, r["reached"] + 1))
        out[r["user_id"]] = UserOutcome(r["reached"], times, r["in_progress"], None)
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), log=log_st)
def test_one_pass_equals_reference(data: Any, log: list[dict[str, Any]]) -> None:
    drawn = data.draw(spec_st("ordered", simple=True))
    # the same spec without what the one pass leaves to SQL (exclusions, step filters)
    spec = replace(drawn, exclude=(), steps=tuple(Step(s.name) for s in drawn.steps))
    assert fits_one_pass(spec)
    assert one_pass_outcomes(spec, log) == ref_outcomes(spec, log), spec


def test_users_with_several_starts_take_their_earliest_start_at_the_furthest_level() -> None:
    log = [
        ev("u", "a", 0),
        ev("u", "a", 10),
        ev("u", "b", 11),
        ev("u", "c", 12),
        ev("v", "a", 0),
        ev("v", "b", 0),
        ev("v", "a", 1),
        ev("v", "b", 2),
        ev("v", "c", 3),
    ]
    spec = make_spec(["a", "b", "c"], within="5m")
    assert one_pass_outcomes(spec, log) == ref_outcomes(spec, log)


def _lake(tmp_path: Path, compacted: bool) -> jl.Lake:
    lake = jl.open_lake(tmp_path / "lake", create=True)
    rng = np.random.default_rng(3)
    for part in range(3):  # three ingests: three files, each in ingest's order
        records = [
            {
                "userId": f"u{int(rng.integers(0, 40))}",
                "name": str(rng.choice(["a", "b", "c", "x"])),
                "eventAt": f"2025-01-0{1 + int(rng.integers(0, 5))}T0{int(rng.integers(0, 9))}"
                f":{int(rng.integers(10, 59))}:00Z",
            }
            for _ in range(150)
        ]
        lake.ingest_records(records, source=f"part{part}")
    if compacted:
        lake.compact()
    return lake


def test_lake_funnel_one_pass_equals_sql_as_ingested_and_compacted(tmp_path: Path) -> None:
    for compacted in (False, True):
        lake = _lake(tmp_path / str(compacted), compacted)
        for steps, kw in (
            (["a", "b", "c"], {"within": "1d"}),
            (["b", "a"], {"within": "12h", "as_of": "2025-01-04T00:00:00Z"}),
            (["a", "c"], {"within": "2d", "start_date": "2025-01-02", "end_date": "2025-01-03"}),
        ):
            fast = lake.funnel(steps, **kw)
            sql = lake.funnel(steps, method="greedy", **kw)
            assert fast.to_sql() == ONE_PASS
            assert sql.to_sql() != ONE_PASS
            assert fast.table().equals(sql.table())
            cols = ["user_id", "reached", *[f"t{k}" for k in range(1, len(steps) + 1)]]
            a, b = (r.users_frame.select(*cols, "in_progress").sort("user_id") for r in (fast, sql))
            assert a.equals(b)


def test_compaction_sorts_each_name_by_user_key_and_time(tmp_path: Path) -> None:
    lake = _lake(tmp_path, compacted=True)
    files = lake.layout.snapshot()
    table = pl.read_parquet(files)
    assert table.equals(table.sort("name", "user_key", "event_at", "event_id"))
    rows = keyed_rows(files, ["a", "c"])
    assert rows is not None
    for name in ("a", "c"):
        keys, at = rows[name]
        want = table.filter(pl.col("name") == name)
        assert keys.tolist() == want["user_key"].to_list()
        assert at.tolist() == want["event_at"].dt.epoch("us").to_list()


def test_keyed_rows_reads_groups_of_one_name_and_of_several(tmp_path: Path) -> None:
    """Row groups of 4 rows over a compacted lake's files: most hold one name (copied
    whole), those at a name's edges hold two (masked by name); each name's rows come out
    in the files' order, which is (user_key, time), with nothing re-sorted."""
    lake = _lake(tmp_path, compacted=True)
    files = []
    for i, f in enumerate(lake.layout.snapshot()):
        path = tmp_path / f"small-{i}.parquet"
        pl.read_parquet(f).write_parquet(path, row_group_size=4, statistics=True)
        files.append(str(path))
    table = pl.read_parquet(files)
    rows = keyed_rows(files, ["a", "b", "c", "nowhere"])
    assert rows is not None
    for name in ("a", "b", "c", "nowhere"):
        keys, at = rows[name]
        want = table.filter(pl.col("name") == name)
        assert keys.tolist() == want["user_key"].to_list()
        assert at.tolist() == want["event_at"].dt.epoch("us").to_list()
    assert len(rows["nowhere"][0]) == 0
    groups = [pl.read_parquet(f)["name"].to_list() for f in files]
    assert any(len(set(g[i : i + 4])) == 1 for g in groups for i in range(0, len(g), 4))
    assert any(len(set(g[i : i + 4])) > 1 for g in groups for i in range(0, len(g), 4))


def test_keyed_rows_sorts_files_as_ingest_left_them(tmp_path: Path) -> None:
    lake = _lake(tmp_path, compacted=False)
    files = lake.layout.snapshot()
    assert len(files) == 3
    rows = keyed_rows(files, ["b"])
    assert rows is not None
    keys, at = rows["b"]
    want = pl.read_parquet(files).filter(pl.col("name") == "b").sort("user_key", "event_at")
    assert keys.tolist() == want["user_key"].to_list()
    assert at.tolist() == want["event_at"].dt.epoch("us").to_list()


def test_keyed_rows_order_check_does_not_overflow() -> None:
    """Keys span all of int64: a difference of two keys overflows, a comparison does not."""
    from journeylab.lake.keyed import key_time_order

    big, small = 5 * 10**18, -5 * 10**18
    order = key_time_order(np.array([big, small]), np.array([1, 2]))
    assert order is not None and order.tolist() == [1, 0]
    assert key_time_order(np.array([small, big]), np.array([2, 1])) is None


_CHANNELS = st.sampled_from(["ads", "organic", 3, 2.5, None, "missing"])


@st.composite
def _data_log(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Events of a, b, c with ``amount`` and ``channel`` of mixed JSON types; times from a
    small set, so a user's starts can share an instant (a breakdown's tie)."""
    out = []
    for i in range(draw(st.integers(1, 40))):
        data: dict[str, Any] = {}
        amount = draw(st.sampled_from([5, 20, 25.5, "30", None, "missing"]))
        channel = draw(_CHANNELS)
        if amount != "missing":
            data["amount"] = amount
        if channel != "missing":
            data["channel"] = channel
        minute = draw(st.integers(0, 3000))
        out.append(
            {
                "eventId": f"e{i:03d}",
                "userId": f"u{draw(st.integers(0, 6))}",
                "name": draw(st.sampled_from(["a", "b", "c"])),
                "eventAt": (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=minute))
                .isoformat()
                .replace("+00:00", "Z"),
                "data": data,
            }
        )
    return out


_WHERES = st.sampled_from(
    [
        None,
        {"amount": {"gte": 20}},
        {"amount": "30"},
        {"channel": {"exists": False}},
        {"amount": {"ne": 5}, "channel": {"exists": True}},
        {"channel": {"in": ["ads", 3]}},
        {"channel": {"contains": "a"}},
        {"amount": {"lt": 25.5}},
    ]
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    log=_data_log(),
    names=st.permutations(["a", "b", "c"]),
    n=st.integers(2, 3),
    wheres=st.lists(_WHERES, min_size=3, max_size=3),
    by=st.sampled_from([None, "channel", "amount"]),
)
def test_filtered_and_broken_down_one_pass_equals_sql(
    tmp_path_factory: Any,
    log: list[dict[str, Any]],
    names: list[str],
    n: int,
    wheres: list[Any],
    by: str | None,
) -> None:
    """Step filters and a first-touch breakdown in one pass, on a lake as ingest leaves it
    (JSON), compacted with typed properties, and compacted without: the SQL's answer."""
    steps = [jl.step(name, where=w) for name, w in zip(names[:n], wheres, strict=False)]
    root = tmp_path_factory.mktemp("onepass")
    for kind in ("ingested", "typed", "json"):
        lake = jl.open_lake(root / kind, create=True)
        lake.ingest_records(log[: len(log) // 2])
        lake.ingest_records(log[len(log) // 2 :])
        if kind != "ingested":
            lake.compact(properties=["amount", "channel"] if kind == "typed" else [])
        fast = lake.funnel(steps, within="2d", by=by)
        sql = lake.funnel(steps, within="2d", by=by, method="greedy")
        assert sql.to_sql() != ONE_PASS
        if by is None:  # only a breakdown's tie leaves the one pass
            assert fast.to_sql() == ONE_PASS
        assert fast.table().equals(sql.table()), (kind, fast.to_sql())
        if fast.by_segment is None or sql.by_segment is None:  # no entrant: no segment
            assert fast.by_segment is None and sql.by_segment is None
        else:
            assert fast.by_segment.equals(sql.by_segment)
        cols = ["user_id", "reached", *[f"t{k}" for k in range(1, n + 1)]]
        cols += ["segment"] if by else []
        a, b = (r.users_frame.select(*cols).sort("user_id") for r in (fast, sql))
        assert a.equals(b)


def test_a_breakdown_start_tie_is_left_to_sql(tmp_path: Path) -> None:
    """Two starts of one user at one instant carry different channels: the SQL paths take
    the smaller event_id's; the one pass does not guess."""
    lake = jl.open_lake(tmp_path / "lake", create=True)
    at = "2025-01-01T00:00:00Z"
    lake.ingest_records(
        [
            {"eventId": "e2", "userId": "u", "name": "a", "eventAt": at, "data": {"channel": "x"}},
            {"eventId": "e1", "userId": "u", "name": "a", "eventAt": at, "data": {"channel": "y"}},
            {"eventId": "e3", "userId": "v", "name": "a", "eventAt": at, "data": {"channel": "z"}},
        ]
    )
    f = lake.funnel(["a", "b"], within="1d", by="channel")
    assert f.to_sql() != ONE_PASS
    assert f.users_frame.sort("user_id")["segment"].to_list() == ["y", "z"]
    v = lake.funnel([jl.step("a", where={"channel": "z"}), "b"], within="1d", by="channel")
    assert v.to_sql() == ONE_PASS
    assert v.users_frame["segment"].to_list() == ["z"]
