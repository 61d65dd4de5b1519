"""Shared pieces of the condition models: durations, filters and the strict base model."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from journeylab.durations import format_duration, parse_duration
from journeylab.errors import JourneylabError
from journeylab.lake.catalog import nearest_names
from journeylab.where import parse_where, where_to_dict

__all__ = ["Dur", "Where", "_Model"]


def _dur(value: Any) -> timedelta:
    try:
        return parse_duration(value)
    except JourneylabError as exc:
        raise ValueError(str(exc)) from None


def _fmt(td: timedelta) -> str:
    """Shortest exact spelling in d, h, m or s (days rather than weeks, as people write)."""
    total = td.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if total and total % size == 0:
            return f"{int(total // size)}{unit}"
    return format_duration(td)


Dur = Annotated[
    timedelta,
    BeforeValidator(_dur),
    PlainSerializer(_fmt, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*[smhdw]\s*$"},
                {"type": "number", "minimum": 0},
            ],
            "description": "a duration: 30s, 15m, 2h, 7d, 4w (or seconds)",
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            valid = [f.alias or n for n, f in cls.model_fields.items()]
            for key in data:
                if key not in valid and key not in cls.model_fields:
                    near = nearest_names(str(key), valid, 1)
                    hint = f" (nearest: {near[0]!r})" if near else ""
                    raise ValueError(f"unknown key {key!r}{hint}; valid keys: {', '.join(valid)}")
        return data


def _check_where(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        return where_to_dict(parse_where(value))
    except JourneylabError as exc:
        raise ValueError(str(exc)) from None


Where = Annotated[
    dict[str, Any] | None,
    BeforeValidator(_check_where),
    WithJsonSchema(
        {
            "type": "object",
            "description": "filter on data: {key: value} or {key: {op: value}}, "
            "op in eq, ne, in, gt, gte, lt, lte, contains, exists",
        }
    ),
]
