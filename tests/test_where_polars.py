"""The polars evaluator of ``where`` (the one-pass funnel's filtered steps, over typed
columns: docs/adr/0009) equals the plain-Python reference for every op, every value type
and every JSON type, on columns holding what the typed readers hold; and a filtered step
read through :mod:`journeylab.funnels.one_pass_rows` from a typed lake selects exactly the
events the reference selects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from journeylab.funnels.one_pass_rows import _plan
from journeylab.lake.keyed import Want, keyed_read
from journeylab.times import to_us
from journeylab.typed_columns import typed_column
from journeylab.where import OPS, parse_where, where_kinds, where_match, where_polars
from test_typed_properties import DATA, KEYS, _pair, _records, predicates


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _columns(datas: list[Any]) -> pl.DataFrame:
    """Every key's four typed columns as the readers define them: a value of the column's
    JSON type, else null; ``present`` when the key is there (even with a null)."""
    cols: dict[str, pl.Series] = {}
    for key in KEYS:
        vals = [(d or {}).get(key) for d in datas]
        cols[typed_column(key, "number")] = pl.Series(
            [float(v) if _is_number(v) else None for v in vals], dtype=pl.Float64
        )
        cols[typed_column(key, "string")] = pl.Series(
            [v if isinstance(v, str) else None for v in vals], dtype=pl.String
        )
        cols[typed_column(key, "bool")] = pl.Series(
            [v if isinstance(v, bool) else None for v in vals], dtype=pl.Boolean
        )
        cols[typed_column(key, "present")] = pl.Series(
            [key in (d or {}) for d in datas], dtype=pl.Boolean
        )
    return pl.DataFrame(cols)


def _reader(key: str, kind: str) -> pl.Expr:
    return pl.col(typed_column(key, kind))


@settings(max_examples=300, deadline=None)
@given(
    datas=st.lists(DATA, min_size=1, max_size=30),
    wheres=st.lists(predicates(), min_size=1, max_size=4),
)
def test_where_polars_equals_the_reference(datas: list[Any], wheres: list[dict[str, Any]]) -> None:
    frame = _columns(datas)
    # the string columns as a dictionary-encoded read gives them: categoricals, whose
    # categories are in first-seen order, not text order
    strings = [c for c, t in frame.schema.items() if t == pl.String]
    categorical = frame.with_columns(pl.col(strings).cast(pl.Categorical))
    merged: dict[str, Any] = {}
    for w in wheres:
        for key, ops in w.items():
            merged.setdefault(key, {}).update(ops)
    for where in [*wheres, merged]:
        parsed = parse_where(where)
        want = [where_match(d, parsed) for d in datas]
        for columns in (frame, categorical):
            got = columns.select(where_polars(parsed, _reader)).to_series().to_list()
            assert got == want, where


def test_where_kinds_names_the_readers_each_op_takes() -> None:
    assert where_kinds(parse_where({"a": {"exists": True}})) == {("a", "present")}
    assert where_kinds(parse_where({"a": {"in": [1, "x", True]}})) == {
        ("a", "number"),
        ("a", "string"),
        ("a", "bool"),
    }
    assert where_kinds(parse_where({"a": {"contains": "x"}, "b": {"lt": "m"}})) == {
        ("a", "string"),
        ("b", "string"),
    }
    assert where_kinds(parse_where({"a": {"gte": 2}, "b": False})) == {
        ("a", "number"),
        ("b", "bool"),
    }
    assert {op for op in OPS} == {"eq", "ne", "in", "gt", "gte", "lt", "lte", "contains", "exists"}


def _filtered_step_agrees(
    tmp_path_factory: pytest.TempPathFactory, datas: list[Any], wheres: list[dict[str, Any]]
) -> int:
    """Each filter read from the typed lake's files and evaluated in polars selects the
    reference's events (each record has its own minute); the number read that way (the
    others needed ``data``: a kind without a column that a row may hold)."""
    records = _records(datas)
    typed, _ = _pair(tmp_path_factory.mktemp("polars"), records)
    files = typed.layout.snapshot()
    kinds = typed.layout.pinned_keys()
    taken = 0
    for where in wheres:
        parsed = parse_where(where)
        plan = _plan(kinds, jl.step("purchase", where=where), None)
        if plan is None:  # a key or kind the lake has no column for, nor a present column
            continue
        got = keyed_read(files, [plan.want])
        assert got is not None and got[0] is not None
        rows = plan.rows(got[0])
        if rows is None:  # the guard found a row that needs the JSON
            continue
        taken += 1
        want = sorted(
            to_us(datetime.fromisoformat(r["eventAt"]))
            for r in records
            if where_match(r.get("data"), parsed)
        )
        assert sorted(rows[1].tolist()) == want, where
    return taken


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    datas=st.lists(DATA, min_size=2, max_size=30),
    wheres=st.lists(predicates(), min_size=3, max_size=6),
)
def test_a_filtered_step_read_from_typed_columns_equals_the_reference(
    tmp_path_factory: pytest.TempPathFactory, datas: list[Any], wheres: list[dict[str, Any]]
) -> None:
    _filtered_step_agrees(tmp_path_factory, datas, wheres)


def test_the_typed_read_is_taken_when_every_kind_has_a_column(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Values of every JSON type in both halves: every kind gets a column, no guard."""
    datas = [
        {"amount": v, "plan": v}
        for v in [5, 25.5, "pro", "free", True, False, None, [1], {"k": 1}] * 2
    ]
    wheres = [
        {"amount": {"gte": 20}},
        {"plan": {"in": ["pro", 5, True]}},
        {"plan": {"contains": "r"}},
        {"amount": {"ne": 5}, "plan": {"exists": True}},
        {"plan": {"lt": "g"}},
        {"amount": False},
    ]
    assert _filtered_step_agrees(tmp_path_factory, datas, wheres) == len(wheres)


def test_a_file_without_a_wanted_column_sends_that_want_back(tmp_path: Any) -> None:
    """A want whose columns a file lacks gets None (the engine reads it); the others are
    read; a column asked as a dictionary and missing does not fail the read."""
    lake = jl.open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(_records([{"plan": "pro"}, {"plan": "free"}]))
    files = lake.layout.snapshot()
    col = typed_column("plan", "string")
    got = keyed_read(files, [Want("purchase"), Want("purchase", (col,), (col,))])
    assert got is not None and got[1] is None
    assert got[0] is not None and len(got[0][0]) == 2
