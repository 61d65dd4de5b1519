"""Golden SQL snapshots of the compiled activation queries (DuckDB and Spark dialects).

A change in the compiled SQL (ours or Ibis') shows up here as a diff to review. Regenerate
with ``JOURNEYLAB_UPDATE_GOLDEN=1 pytest tests/test_activation_sql.py``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import ibis
import pytest

from journeylab import dialects
from journeylab.activation import activation_spec
from journeylab.activation.cac import cac_expr
from journeylab.activation.compile import (
    channel_expr,
    definitions_expr,
    overlap_expr,
    per_user_expr,
)
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.steps import step

GOLDEN = Path(__file__).parent / "golden" / "activation"
AS_OF = datetime(2026, 3, 31, 12, 0, 0, 250_000, tzinfo=UTC)


def _queries() -> dict[str, ibis.Expr]:
    events = ibis.table(ibis.schema(EVENT_SCHEMA), name="events")
    spend = ibis.table({"date": "date", "channel": "string", "amount": "float64"}, name="spend")
    spec = activation_spec(
        "signup",
        {
            "profile": "profile_completed",
            "big_purchase": step("purchase", where={"amount": {"gte": 20}}),
            "returning": step("session_start", where={"platform": {"in": ["ios", "android"]}}),
        },
        within="14d",
        start_date="2026-03-01",
        end_date="2026-03-15",
    )
    per_user = per_user_expr(events, spec, AS_OF)
    by_channel = channel_expr(per_user, spec)
    overlap = overlap_expr(per_user, spec)
    assert overlap is not None
    return {
        "users": per_user,
        "definitions": definitions_expr(per_user, spec),
        "overlap": overlap,
        "cac": cac_expr(by_channel, spend, date(2026, 3, 1), date(2026, 3, 15), spec.labels),
    }


def _dialects() -> list[str]:
    out = ["duckdb"]
    try:
        _ = ibis.pyspark  # loading the backend registers the dialect's options
        out.append("pyspark")
    except (ImportError, AttributeError):  # pragma: no cover - spark extra not installed
        pass
    return out


@pytest.mark.parametrize("dialect", _dialects())
@pytest.mark.parametrize("part", ["users", "definitions", "overlap", "cac"])
def test_compiled_sql_matches_golden(part: str, dialect: str) -> None:
    sql = dialects.to_sql(_queries()[part], dialect).strip() + "\n"
    path = GOLDEN / f"{part}.{dialect}.sql"
    if os.environ.get("JOURNEYLAB_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"missing {path}; run with JOURNEYLAB_UPDATE_GOLDEN=1"
    assert sql == path.read_text(), f"{path.name} changed; review and regenerate"


def test_sql_reads_only_the_events_and_spend_tables() -> None:
    for expr in _queries().values():
        sql = dialects.to_sql(expr, "duckdb")
        assert "memtable" not in sql
        assert '"events"' in sql
