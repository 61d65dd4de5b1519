"""Spark compilation of the ``data`` accessors used by :mod:`journeylab.where`.

DuckDB uses ``json_type``/``json_extract_string`` with JSON Pointers; Spark (>= 4.0) has
neither, so the same semantics are built from its VARIANT functions:

    field  = element_at(try_variant_get(parse_json(data), '$', 'map<string,variant>'), key)
    type   = schema_of_variant(field)     -- BIGINT, DECIMAL(p,s), DOUBLE, STRING, BOOLEAN,
                                          -- VOID (JSON null), OBJECT<...>, ARRAY<...>

The key is a plain map key (a string literal), so any key works — dots, quotes,
backslashes, slashes — with no path syntax to escape. Types are strict as in the Python
twin: a number matches only a JSON number, a string only a JSON string, a boolean only a
JSON boolean; a key with a JSON null value exists.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["boolean", "exists", "keys", "number", "string"]


# Spark has a VARIANT and a MAP type; Ibis has neither, so the intermediate values are
# declared as strings: they only ever flow from one of these builtins into another.
@ibis.udf.scalar.builtin(name="try_parse_json")
def _parse_json(data: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="try_variant_get")
def _variant_to_map(variant: str, path: str, type_name: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="element_at")
def _element_at(mapping: str, key: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="schema_of_variant")
def _schema_of_variant(variant: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="try_variant_get")
def _variant_string(variant: str, path: str, type_name: str) -> str:  # type: ignore[empty-body]
    ...


@ibis.udf.scalar.builtin(name="try_variant_get")
def _variant_double(variant: str, path: str, type_name: str) -> float:  # type: ignore[empty-body]
    ...


def _field(data: ir.StringValue, key: str) -> ir.StringValue:
    as_map = _variant_to_map(_parse_json(data), "$", "map<string,variant>")
    return _element_at(as_map, ibis.literal(key, type="string"))


def string(data: ir.StringValue, key: str) -> ir.StringValue:
    """``data[key]`` when it is a JSON string, else NULL."""
    field = _field(data, key)
    return ibis.cases(
        (_schema_of_variant(field) == "STRING", _variant_string(field, "$", "string"))
    )


def number(data: ir.StringValue, key: str) -> ir.FloatingValue:
    """``data[key]`` as float64 when it is a JSON number, else NULL."""
    field = _field(data, key)
    kind = _schema_of_variant(field)
    is_num = kind.isin(["BIGINT", "INT", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT"]) | (
        kind.startswith("DECIMAL")
    )
    return ibis.cases((is_num, _variant_double(field, "$", "double")))


def boolean(data: ir.StringValue, key: str) -> ir.BooleanValue:
    """``data[key]`` when it is a JSON boolean, else NULL."""
    field = _field(data, key)
    return ibis.cases(
        (_schema_of_variant(field) == "BOOLEAN", _variant_string(field, "$", "string") == "true")
    )


def exists(data: ir.StringValue, key: str) -> ir.BooleanValue:
    """Is ``key`` present in ``data`` (even with a JSON null value)? NULL data → False."""
    return _field(data, key).notnull()


@ibis.udf.scalar.builtin(name="json_object_keys")
def _object_keys(data: str) -> list[str]:  # type: ignore[empty-body]
    ...


def keys(data: ir.StringValue) -> ir.ArrayValue:
    """The top-level keys of ``data`` (NULL when it is not a JSON object)."""
    return _object_keys(data)
