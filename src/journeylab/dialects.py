"""The SQL that differs between engines, chosen in one place: when an engine compiles.

Analyses build one Ibis expression for every engine. The few functions whose SQL differs
between DuckDB and Spark — reading a key of ``data`` with strict JSON types, the keys of
``data``, microseconds since the epoch — enter expressions as portable placeholders
(:func:`json_string`, :func:`json_number`, ...). :func:`lower` replaces each placeholder by
the dialect's own functions, and :func:`to_sql` compiles through it; the engine runs what
:func:`lower` gives for its kind (``Engine.to_polars``, ``Engine.to_sql``). Nothing looks at
which backend a table is bound to, and nothing falls back to a default dialect: an
expression compiled without :func:`lower` names functions no engine has
(``journeylab_json_string``), so it fails loudly instead of running the wrong SQL.

DuckDB reads keys with ``json_type``/``json_extract_string`` and JSON Pointers; Spark
(>= 4.0) with its VARIANT functions (:mod:`journeylab._spark_json`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, get_args

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

from journeylab import _spark_json
from journeylab.errors import invalid
from journeylab.typed_columns import is_typed_column, typed_column

__all__ = [
    "DIALECTS",
    "Dialect",
    "epoch_us",
    "json_bool",
    "json_exists",
    "json_keys",
    "json_number",
    "json_string",
    "lower",
    "to_sql",
    "is_typed_column",
    "typed_column",
]

Dialect = Literal["duckdb", "pyspark"]
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)


# -- portable placeholders ----------------------------------------------------------------
@ibis.udf.scalar.builtin(name="journeylab_json_string")
def _p_string(data: str, key: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="journeylab_json_number")
def _p_number(data: str, key: str) -> float:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="journeylab_json_bool")
def _p_bool(data: str, key: str) -> bool:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="journeylab_json_exists")
def _p_exists(data: str, key: str) -> bool:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="journeylab_json_keys")
def _p_keys(data: str) -> list[str]:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="journeylab_epoch_us")
def _p_epoch_us(t: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[empty-body,valid-type]
    ...


def _key(key: str) -> ir.StringValue:
    if not isinstance(key, str):
        raise invalid("key", key, "a top-level data key (a string)")
    return ibis.literal(key, type="string")


def json_string(data: ir.StringValue, key: str) -> ir.StringValue:
    """``data[key]`` when it is a JSON string, else NULL."""
    return _p_string(data, _key(key))  # type: ignore[no-any-return]


def json_number(data: ir.StringValue, key: str) -> ir.FloatingValue:
    """``data[key]`` as float64 when it is a JSON number, else NULL."""
    return _p_number(data, _key(key))  # type: ignore[no-any-return]


def json_bool(data: ir.StringValue, key: str) -> ir.BooleanValue:
    """``data[key]`` when it is a JSON boolean, else NULL."""
    return _p_bool(data, _key(key))  # type: ignore[no-any-return]


def json_exists(data: ir.StringValue, key: str) -> ir.BooleanValue:
    """Is ``key`` a top-level key of ``data`` (even with a JSON null value)? NULL data: NULL
    on DuckDB, False on Spark (callers ``fill_null(False)``)."""
    return _p_exists(data, _key(key))  # type: ignore[no-any-return]


def json_keys(data: ir.StringValue) -> ir.ArrayValue:
    """The top-level keys of ``data`` (a JSON object's text) as an array of strings."""
    return _p_keys(data)  # type: ignore[no-any-return]


def epoch_us(t: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since the epoch as int64, exact: DuckDB ``epoch_us``, Spark
    ``unix_micros`` (30x faster on DuckDB than ``date_diff('microsecond', ...)``)."""
    return _p_epoch_us(t)  # type: ignore[no-any-return]


# -- DuckDB ------------------------------------------------------------------------------
@ibis.udf.scalar.builtin(name="json_type")
def _json_type(data: str, path: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="json_extract_string")
def _json_extract_string(data: str, path: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="json_keys")
def _duck_json_keys(data: str) -> list[str]:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="epoch_us")
def _duck_epoch_us(t: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[empty-body,valid-type]
    ...


@ibis.udf.scalar.builtin(name="unix_micros")
def _spark_unix_micros(t: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[empty-body,valid-type]
    ...


def _pointer(key: str) -> str:
    """A JSON Pointer to a top-level key (exact: ``~`` and ``/`` escaped)."""
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _duck_string(data: ir.StringValue, key: str) -> ir.Value:
    path = _pointer(key)
    return ibis.cases((_json_type(data, path) == "VARCHAR", _json_extract_string(data, path)))


def _duck_number(data: ir.StringValue, key: str) -> ir.Value:
    path = _pointer(key)
    is_num = _json_type(data, path).isin(["BIGINT", "UBIGINT", "DOUBLE", "HUGEINT"])
    return ibis.cases((is_num, _json_extract_string(data, path).cast("float64")))


def _duck_bool(data: ir.StringValue, key: str) -> ir.Value:
    path = _pointer(key)
    return ibis.cases(
        (_json_type(data, path) == "BOOLEAN", _json_extract_string(data, path) == "true")
    )


def _duck_exists(data: ir.StringValue, key: str) -> ir.Value:
    return _json_type(data, _pointer(key)).notnull()


# placeholder op → (DuckDB, Spark) builder taking the argument expressions; a key argument
# is a string literal and is passed as its Python value
_Builder = Callable[..., ir.Value]
_IMPLS: dict[type[ops.Node], tuple[_Builder, _Builder]] = {
    type(json_string(ibis.literal("{}"), "k").op()): (_duck_string, _spark_json.string),
    type(json_number(ibis.literal("{}"), "k").op()): (_duck_number, _spark_json.number),
    type(json_bool(ibis.literal("{}"), "k").op()): (_duck_bool, _spark_json.boolean),
    type(json_exists(ibis.literal("{}"), "k").op()): (_duck_exists, _spark_json.exists),
    type(json_keys(ibis.literal("{}")).op()): (_duck_json_keys, _spark_json.keys),
    type(epoch_us(ibis.literal(0).cast(dt.Timestamp(timezone="UTC"))).op()): (
        _duck_epoch_us,
        _spark_unix_micros,
    ),
}


def _argument(node: Any) -> Any:
    """A placeholder's argument: a literal key as its value, anything else as an expression."""
    if isinstance(node, ops.Literal):
        return node.value if isinstance(node.value, str) and node.dtype.is_string() else node
    return node.to_expr()


# -- typed properties (docs/adr/0009) ------------------------------------------------------
# the columns' names (typed_column, is_typed_column) live in journeylab.typed_columns,
# which loads without Ibis: the lake's writers and the one-pass readers need only them


_KINDS: dict[type[ops.Node], str] = {
    type(json_string(ibis.literal("{}"), "k").op()): "string",
    type(json_number(ibis.literal("{}"), "k").op()): "number",
    type(json_bool(ibis.literal("{}"), "k").op()): "bool",
    type(json_exists(ibis.literal("{}"), "k").op()): "present",
}


def _data_key(node: ops.Node) -> tuple[ops.Field, str, str] | None:
    """``(t.data, key, kind)`` of a JSON reader of a literal key of ``t.data``, else None."""
    kind = _KINDS.get(type(node))
    if kind is None:
        return None
    data, key = node.args
    if not (
        isinstance(data, ops.Field)
        and data.name == "data"
        and isinstance(key, ops.Literal)
        and isinstance(key.value, str)
    ):
        return None
    return data, key.value, kind


def _typed(node: ops.Node) -> ops.Node | None:
    """A JSON reader of ``t.data`` as the typed column of ``t`` that holds the same values,
    when ``t`` has it; None otherwise (the reader parses ``data``)."""
    found = _data_key(node)
    if found is None:
        return None
    data, key, kind = found
    name = typed_column(key, kind)
    if name not in data.rel.schema:
        return None
    out = ops.Field(data.rel, name)
    return out if out.dtype == node.dtype else ops.Cast(out, node.dtype)


def _guarded(node: ops.Node, parsed: ir.Value) -> ir.Value:
    """``parsed`` (a reader of ``data``'s kind without a typed column) parsed only where it
    can hold a value: a typed key's ``present`` column says whether the key is there, and a
    value held by another kind's column is not of this kind (the readers are strict about
    types). A key the compaction saw only as strings then reads its numbers without parsing
    a row that has none, and a number ingested later is still answered (docs/adr/0009)."""
    found = _data_key(node)
    if found is None or found[2] == "present":
        return parsed
    data, key, kind = found
    cols = data.rel.schema
    present = typed_column(key, "present")
    if present not in cols:
        return parsed
    guard = ops.Field(data.rel, present).to_expr()
    for other in ("number", "string", "bool"):
        name = typed_column(key, other)
        if other != kind and name in cols:
            guard &= ops.Field(data.rel, name).to_expr().isnull()
    return ibis.ifelse(guard, parsed, ibis.null(parsed.type()))


def _check(dialect: str) -> Dialect:
    if dialect not in DIALECTS:
        raise invalid("dialect", dialect, DIALECTS)
    return dialect  # type: ignore[return-value]


def lower(expr: ir.Expr, dialect: Dialect) -> ir.Expr:
    """``expr`` with every placeholder replaced by ``dialect``'s functions (the identity
    when it has none); a JSON reader of a key whose typed column the table has reads the
    column instead (docs/adr/0009)."""
    side = DIALECTS.index(_check(dialect))
    root = expr.op()
    if not any(root.find(tuple(_IMPLS))):
        return expr

    def rewrite(node: ops.Node, kwargs: dict[str, Any] | None) -> ops.Node:
        if kwargs:
            node = node.copy(**kwargs)
        builders = _IMPLS.get(type(node))
        if builders is None:
            return node
        typed = _typed(node)
        if typed is not None:
            return typed
        args = [
            _argument(a) if i else a.to_expr()  # the first argument is always a column
            for i, a in enumerate(node.args)
        ]
        out = builders[side](*args)
        out = out.cast(node.dtype) if out.type() != node.dtype else out
        return _guarded(node, out).op()

    return root.replace(rewrite).to_expr()  # type: ignore[no-any-return]


def to_sql(expr: ir.Expr, dialect: Dialect) -> str:
    """The SQL ``dialect``'s engine runs for ``expr`` (what ``Engine.to_sql`` prints)."""
    lowered = lower(expr, dialect)
    if dialect == "pyspark":
        try:
            _ = ibis.pyspark  # loading the backend registers its compiler's options
        except (ImportError, AttributeError) as exc:  # pragma: no cover - depends on extras
            raise invalid(
                "dialect", dialect, None, "Install Spark: pip install 'journeylab[spark]'."
            ) from exc
    return str(ibis.to_sql(lowered, dialect=dialect))
