"""Filters on an event's ``data``: one spec, an Ibis compiler, a plain-Python evaluator (the
reference) and a polars one over typed columns (the one-pass funnel's filtered steps).

A filter is a mapping of top-level ``data`` keys to a value (equality) or to
``{op: value}`` with op in eq, ne, in, gt, gte, lt, lte, contains, exists. Several keys or
ops are ANDed. Types are strict: a number matches only a JSON number (booleans are not
numbers), a string only a JSON string; ``ne`` is ``not eq`` (a missing key is ``ne``
anything); ``exists: true`` means the key is present (even with a null value).
Keys are taken exactly (dots, quotes, slashes included): DuckDB reads them through JSON
Pointers, Spark as map keys of a VARIANT (see :mod:`journeylab.dialects`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeylab.errors import SpecError, invalid

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import polars as pl

__all__ = [
    "OPS",
    "Predicate",
    "Where",
    "parse_where",
    "where_expr",
    "where_match",
    "where_kinds",
    "where_polars",
    "json_exists",
    "json_keys",
    "json_number",
    "json_string",
    "where_to_dict",
]

OPS = ("eq", "ne", "in", "gt", "gte", "lt", "lte", "contains", "exists")
Scalar = str | int | float | bool


@dataclass(frozen=True)
class Predicate:
    key: str
    op: str
    value: Any  # Scalar, tuple of Scalar for "in", bool for "exists"


Where = tuple[Predicate, ...]


def _check_scalar(value: Any, path: str) -> Scalar:
    if isinstance(value, str | bool | int | float):
        return value
    raise invalid(path, value, "a string, number or boolean", cls=SpecError)


def parse_where(
    where: Mapping[str, Any] | Sequence[Predicate] | None, param: str = "where"
) -> Where:
    """Normalise a user filter into a sorted tuple of predicates (frozen, hashable)."""
    if where is None:
        return ()
    if isinstance(where, Sequence) and all(isinstance(p, Predicate) for p in where):
        return tuple(where)  # type: ignore[arg-type]
    if not isinstance(where, Mapping):
        raise invalid(param, where, "a mapping like {'amount': {'gte': 20}}", cls=SpecError)
    preds: list[Predicate] = []
    for key, cond in where.items():
        if not isinstance(key, str):
            raise invalid(f"{param} key", key, "a string (a top-level data key)", cls=SpecError)
        ops = cond if isinstance(cond, Mapping) else {"eq": cond}
        if not ops:
            raise invalid(f"{param}.{key}", cond, OPS, "Give at least one operator.", cls=SpecError)
        for op, value in ops.items():
            path = f"{param}.{key}.{op}"
            if op not in OPS:
                raise invalid(f"{param}.{key}", op, OPS, cls=SpecError)
            if op == "in":
                if not isinstance(value, Sequence) or isinstance(value, str) or not value:
                    raise invalid(path, value, "a non-empty list of values", cls=SpecError)
                value = tuple(_check_scalar(v, path) for v in value)
            elif op == "exists":
                if not isinstance(value, bool):
                    raise invalid(path, value, "true or false", cls=SpecError)
            elif op == "contains":
                if not isinstance(value, str):
                    raise invalid(path, value, "a string", cls=SpecError)
            elif op in ("gt", "gte", "lt", "lte"):
                if isinstance(value, bool) or not isinstance(value, str | int | float):
                    raise invalid(path, value, "a number or a string", cls=SpecError)
            else:
                value = _check_scalar(value, path)
            preds.append(Predicate(key, op, value))
    return tuple(sorted(preds, key=lambda p: (p.key, p.op, json.dumps(p.value, default=list))))


def where_to_dict(where: Where) -> dict[str, Any]:
    """The mapping form of ``where`` (round-trips through parse_where)."""
    out: dict[str, dict[str, Any]] = {}
    for p in where:
        out.setdefault(p.key, {})[p.op] = list(p.value) if p.op == "in" else p.value
    return out


# -- plain Python (the reference) ------------------------------------------------------
def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _eq(actual: Any, expected: Scalar) -> bool:
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if _is_number(expected):
        return _is_number(actual) and float(actual) == float(expected)
    return isinstance(actual, str) and actual == expected


def _match(p: Predicate, data: Mapping[str, Any]) -> bool:
    present = p.key in data
    if p.op == "exists":
        return present == p.value
    v = data.get(p.key)
    if p.op == "eq":
        return present and _eq(v, p.value)
    if p.op == "ne":
        return not (present and _eq(v, p.value))
    if p.op == "in":
        return present and any(_eq(v, x) for x in p.value)
    if p.op == "contains":
        return isinstance(v, str) and p.value in v
    if _is_number(p.value):
        if not _is_number(v):
            return False
        a, b = float(v), float(p.value)  # type: ignore[arg-type]
    else:
        if not isinstance(v, str):
            return False
        a, b = v, p.value  # type: ignore[assignment]
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[p.op]


def where_match(data: Mapping[str, Any] | None, where: Where) -> bool:
    """Does an event's decoded ``data`` satisfy every predicate?"""
    d = data or {}
    return all(_match(p, d) for p in where)


# -- Ibis ------------------------------------------------------------------------------
# Reading a key of ``data`` is the SQL that differs per engine: these are portable
# placeholders, lowered to DuckDB's or Spark's functions when the engine compiles
# (journeylab.dialects, loaded with Ibis when an expression is first built).
def json_string(data: ir.StringValue, key: str) -> ir.StringValue:
    """``data[key]`` when it is a JSON string, else NULL (:func:`journeylab.dialects.json_string`)."""
    from journeylab import dialects

    return dialects.json_string(data, key)


def json_number(data: ir.StringValue, key: str) -> ir.FloatingValue:
    """``data[key]`` as float64 when it is a JSON number, else NULL."""
    from journeylab import dialects

    return dialects.json_number(data, key)


def json_exists(data: ir.StringValue, key: str) -> ir.BooleanValue:
    """Is ``key`` a top-level key of ``data`` (:func:`journeylab.dialects.json_exists`)?"""
    from journeylab import dialects

    return dialects.json_exists(data, key)


def json_keys(data: ir.StringValue) -> ir.ArrayValue:
    """The top-level keys of ``data`` as an array of strings."""
    from journeylab import dialects

    return dialects.json_keys(data)


def _json_bool(data: ir.StringValue, key: str) -> ir.BooleanValue:
    from journeylab import dialects

    return dialects.json_bool(data, key)


def _eq_expr(data: ir.StringValue, key: str, value: Scalar) -> ir.BooleanValue:
    if isinstance(value, bool):
        return _json_bool(data, key) == value
    if _is_number(value):
        return json_number(data, key) == float(value)
    return json_string(data, key) == value


def _pred_expr(data: ir.StringValue, p: Predicate) -> ir.BooleanValue:
    if p.op == "exists":
        present = json_exists(data, p.key)
        return present if p.value else ~present
    if p.op == "eq":
        return _eq_expr(data, p.key, p.value)
    if p.op == "ne":
        return ~_eq_expr(data, p.key, p.value).fill_null(False)
    if p.op == "in":
        import ibis

        return ibis.or_(*(_eq_expr(data, p.key, v).fill_null(False) for v in p.value))
    if p.op == "contains":
        return json_string(data, p.key).contains(p.value)
    lhs = json_number(data, p.key) if _is_number(p.value) else json_string(data, p.key)
    rhs = float(p.value) if _is_number(p.value) else p.value
    return {"gt": lhs > rhs, "gte": lhs >= rhs, "lt": lhs < rhs, "lte": lhs <= rhs}[p.op]


def where_expr(data: ir.StringValue, where: Where) -> ir.BooleanValue:
    """Ibis boolean: NULL-safe (a missing key or wrong type is False)."""
    import ibis

    if not where:
        return ibis.literal(True)
    return ibis.and_(*(_pred_expr(data, p).fill_null(False) for p in where))


# -- polars, over typed columns (the one-pass funnel's filtered steps) ---------------
def _kind(value: Scalar) -> str:
    """The reader a value is compared through: bool, number or string."""
    return "bool" if isinstance(value, bool) else "number" if _is_number(value) else "string"


def where_kinds(where: Where) -> set[tuple[str, str]]:
    """The (key, kind) readers ``where`` needs: kind in number, string, bool, present."""
    out: set[tuple[str, str]] = set()
    for p in where:
        if p.op == "exists":
            out.add((p.key, "present"))
        elif p.op == "in":
            out |= {(p.key, _kind(v)) for v in p.value}
        elif p.op == "contains":
            out.add((p.key, "string"))
        else:
            out.add((p.key, _kind(p.value)))
    return out


def where_polars(where: Where, reader: Callable[[str, str], pl.Expr]) -> pl.Expr:
    """``where`` as a polars boolean over the readers ``reader(key, kind)`` gives (a typed
    column, docs/adr/0009: what the Ibis readers give, null when not of the kind): the
    same NULL-safe semantics as :func:`where_expr` and :func:`where_match`, held equal to
    them by tests/test_where_polars.py. A string reader may give a categorical column
    (dictionary-encoded typed strings): equality compares it as is, the other operators
    on its text."""
    import polars as pl

    def eq(key: str, value: Scalar) -> pl.Expr:
        kind = _kind(value)
        return reader(key, kind) == (float(value) if kind == "number" else value)

    def pred(p: Predicate) -> pl.Expr:
        if p.op == "exists":
            present = reader(p.key, "present")
            return present if p.value else ~present
        if p.op == "eq":
            return eq(p.key, p.value)
        if p.op == "ne":
            return ~eq(p.key, p.value).fill_null(False)
        if p.op == "in":
            return pl.any_horizontal([eq(p.key, v).fill_null(False) for v in p.value])
        if p.op == "contains":
            return reader(p.key, "string").cast(pl.String).str.contains(p.value, literal=True)
        kind = _kind(p.value)
        lhs, rhs = reader(p.key, kind), float(p.value) if kind == "number" else p.value
        lhs = lhs.cast(pl.String) if kind == "string" else lhs  # text order, not categories'
        return {"gt": lhs > rhs, "gte": lhs >= rhs, "lt": lhs < rhs, "lte": lhs <= rhs}[p.op]

    if not where:
        return pl.lit(True)
    return pl.all_horizontal([pred(p).fill_null(False) for p in where])
