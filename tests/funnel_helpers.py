"""Shared helpers for the funnel tests: in-memory event tables and outcome comparison."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pyarrow as pa

from journeylab.engine import Engine
from journeylab.funnels import FunnelResult, build_result, reference_funnel
from journeylab.funnels.compile import compile_funnel
from journeylab.funnels.reference import UserOutcome
from journeylab.funnels.spec import FunnelSpec
from journeylab.lake.hashing import user_key
from journeylab.lake.layout import EVENT_SCHEMA

T0 = datetime(2024, 1, 1, tzinfo=UTC)
_ENGINE: Engine | None = None


def engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine.duckdb(threads=1)
    return _ENGINE


def ev(
    user: str, name: str, minutes: float, data: dict[str, Any] | None = None, eid: str = ""
) -> dict[str, Any]:
    return {
        "event_id": eid,
        "user_id": user,
        "name": name,
        "event_at": T0 + timedelta(minutes=minutes),
        "data": data,
    }


def with_ids(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**e, "event_id": e["event_id"] or f"e{i:04d}"} for i, e in enumerate(events)]


def arrow(events: list[dict[str, Any]]) -> pa.Table:
    rows = {
        "event_id": [e["event_id"] for e in events],
        "user_id": [e["user_id"] for e in events],
        "name": [e["name"] for e in events],
        "event_at": [e["event_at"] for e in events],
        "received_at": [e["event_at"] for e in events],
        "data": [None if e["data"] is None else json.dumps(e["data"]) for e in events],
        "user_key": [user_key(e["user_id"]) for e in events],
    }
    return pa.table(rows, schema=EVENT_SCHEMA)


def table(events: list[dict[str, Any]]) -> ibis.Table:
    return ibis.memtable(arrow(events))


def run_sql(
    spec: FunnelSpec, events: list[dict[str, Any]], method: str = "auto", key: str = "user_id"
) -> FunnelResult:
    """Compile once, run the SQL on the shared DuckDB (as Lake.funnel does); ``key``: the
    user column the greedy path joins on."""
    events = with_ids(events)
    cut = spec.as_of or max(e["event_at"] for e in events)
    eng = engine()
    eng.backend.con.register("funnel_test_events", arrow(events))
    src = eng.backend.table("funnel_test_events")
    expr = compile_funnel(
        src, spec, cut, filter_as_of=spec.as_of is not None, method=method, key=key
    )
    sql = eng.to_sql(expr)
    lookup = None
    if "user_key" in expr.columns:  # keyed rows: ids from the same events, on demand
        ids = src.select("user_key", "user_id").distinct()
        lookup = lambda: eng.to_polars(ids)  # noqa: E731
    return build_result(spec, eng.sql(sql), cut, sql, lookup)


def sql_outcomes(
    spec: FunnelSpec, events: list[dict[str, Any]], method: str = "auto", key: str = "user_id"
) -> dict[str, UserOutcome]:
    res = run_sql(spec, events, method, key)
    out = {}
    for r in res.users_frame.iter_rows(named=True):
        times = tuple(r[f"t{k}"] for k in range(1, r["reached"] + 1))
        value = r.get("segment")
        out[r["user_id"]] = UserOutcome(r["reached"], times, r["in_progress"], value)
    return out


def ref_outcomes(spec: FunnelSpec, events: list[dict[str, Any]]) -> dict[str, UserOutcome]:
    out = reference_funnel(spec, with_ids(events))
    if spec.by is None:
        return out
    return {
        u: UserOutcome(
            o.reached, o.times, o.in_progress, o.value if o.value is not None else "(none)"
        )
        for u, o in out.items()
    }
