"""The dialect is chosen in one place: placeholders in the expression, lowered when an
engine compiles. No look at the bound backend, no fallback to DuckDB."""

from __future__ import annotations

import ibis
import pytest

from journeylab import Engine, dialects
from journeylab.errors import InputError
from journeylab.lake.layout import EVENT_SCHEMA
from journeylab.where import parse_where, where_expr


def _events() -> ibis.Table:
    return ibis.table(ibis.schema(EVENT_SCHEMA), name="events")


def _filtered() -> ibis.Table:
    ev = _events()
    where = parse_where({"amount": {"gte": 20}, "plan": "pro", "ok": True, "k": {"exists": True}})
    keys = dialects.json_keys(ev.data).name("keys")
    return ev.filter(where_expr(ev.data, where)).select(
        "user_id", keys, us=dialects.epoch_us(ev.event_at)
    )


def test_each_dialect_gets_its_own_functions() -> None:
    duck = dialects.to_sql(_filtered(), "duckdb").lower()
    spark = dialects.to_sql(_filtered(), "pyspark").lower()
    for name in ("json_type", "->>", "json_keys", "epoch_us"):
        assert name in duck and name not in spark, name
    for name in ("try_variant_get", "schema_of_variant", "json_object_keys", "unix_micros"):
        assert name in spark and name not in duck, name
    assert "journeylab_" not in duck + spark


def test_without_lowering_the_sql_names_no_real_function() -> None:
    # compiled around the one path, the placeholders stay: loud on any engine, never DuckDB's
    sql = str(ibis.to_sql(_filtered(), dialect="pyspark"))
    assert "journeylab_json_number" in sql.lower() and "json_type" not in sql.lower()


def test_lowering_keeps_expressions_without_placeholders() -> None:
    plain = _events().filter(_events().name == "signup")
    assert dialects.lower(plain, "pyspark") is plain


def test_the_engine_compiles_through_the_one_path() -> None:
    engine = Engine.duckdb()
    assert engine.to_sql(_filtered()) == dialects.to_sql(_filtered(), "duckdb")
    assert engine.lower(_filtered()).equals(dialects.lower(_filtered(), "duckdb"))


def test_unknown_dialect_is_an_input_error() -> None:
    with pytest.raises(InputError, match="dialect.*'sqlite'"):
        dialects.lower(_filtered(), "sqlite")  # type: ignore[arg-type]


def test_keys_are_literals_taken_exactly() -> None:
    ev = _events()
    odd = "a/b~c.d'\""
    duck = dialects.to_sql(ev.select(v=dialects.json_string(ev.data, odd)), "duckdb")
    assert "/a~1b~0c.d" in duck  # a JSON Pointer, escaped
    spark = dialects.to_sql(ev.select(v=dialects.json_string(ev.data, odd)), "pyspark")
    assert "a/b~c.d" in spark  # a plain map key
    with pytest.raises(InputError, match="key"):
        dialects.json_string(ev.data, 3)  # type: ignore[arg-type]
