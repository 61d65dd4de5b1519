"""Golden SQL snapshots of the compiled funnel queries (DuckDB and Spark dialects).

A change in the compiled SQL (ours or Ibis') shows up here as a diff to review. Regenerate
with ``JOURNEYLAB_UPDATE_GOLDEN=1 pytest tests/test_funnel_sql.py``.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
import pytest

from journeylab import dialects
from journeylab.funnels import make_spec
from journeylab.funnels.compile import compile_funnel
from journeylab.lake.layout import EVENT_SCHEMA

GOLDEN = Path(__file__).parent / "golden"
AS_OF = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
STEPS = ["signup", "view_item", "add_to_cart", "purchase"]
CASES: dict[str, dict[str, Any]] = {
    "ordered": {"steps": STEPS, "within": "7d"},
    "ordered_keys": {"steps": STEPS, "within": "7d", "key": "user_key"},
    "ordered_general": {
        "steps": STEPS,
        "within": "7d",
        "max_gap": {2: "1d"},
        "exclude": {"event": "refund", "between": [2, 4]},
    },
    "strict": {"steps": STEPS[:3], "within": "1d", "order": "strict"},
    "any": {"steps": STEPS[:3], "within": "7d", "order": "any", "exclude": "refund"},
    "repeat_ordered": {"steps": ["signup", "view_item", "view_item", "purchase"], "within": "7d"},
    "repeat_any": {
        "steps": [
            "signup",
            "view_item",
            {"event": "view_item", "where": {"price": {"gte": 20}}},
            "purchase",
        ],
        "within": "7d",
        "order": "any",
    },
    "breakdown": {
        "steps": [{"event": "signup", "where": {"channel": {"ne": "test"}}}, "purchase"],
        "within": "14d",
        "by": "channel",
        "attribution": "last_touch",
        "as_of": AS_OF,
        "start_date": "2026-03-01",
    },
}


def _expr(case: str) -> ibis.Expr:
    events = ibis.table(ibis.schema(EVENT_SCHEMA), name="events")
    args = dict(CASES[case])
    key = args.pop("key", "user_id")
    spec = make_spec(**args)
    return compile_funnel(events, spec, AS_OF, filter_as_of=spec.as_of is not None, key=key)


def _dialects() -> list[str]:
    out = ["duckdb"]
    try:
        _ = ibis.pyspark
        out.append("pyspark")
    except (ImportError, AttributeError):  # pragma: no cover - spark extra not installed
        pass
    return out


@pytest.mark.parametrize("dialect", _dialects())
@pytest.mark.parametrize("case", list(CASES))
def test_compiled_sql_matches_golden(case: str, dialect: str) -> None:
    sql = dialects.to_sql(_expr(case), dialect).strip() + "\n"
    path = GOLDEN / f"funnel_{case}.{dialect}.sql"
    if os.environ.get("JOURNEYLAB_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
    assert path.exists(), f"missing {path}; run with JOURNEYLAB_UPDATE_GOLDEN=1"
    assert sql == path.read_text(), f"{path.name} changed; review and regenerate"


def test_plain_funnel_reads_only_step_events_and_never_sorts() -> None:
    sql = dialects.to_sql(_expr("ordered"), "duckdb")
    # every read of the events is one step's name (the lake is sorted by name)
    reads = sql.count('FROM "events"')
    assert reads >= 4 and sql.count('"name" = \'') == reads
    for name in STEPS:
        assert f"\"name\" = '{name}'" in sql
    assert "OVER (" not in sql  # hash joins and aggregations only
    assert "memtable" not in sql


def test_compiled_sql_is_deterministic() -> None:
    for case in CASES:
        assert dialects.to_sql(_expr(case), "duckdb") == dialects.to_sql(_expr(case), "duckdb")
