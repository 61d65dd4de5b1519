"""YAML/JSON in and out, JSON Schema, and pydantic errors turned into SpecError with a path."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from journeylab.conditions.model import TAGS, Offer, Program, Referral
from journeylab.errors import SpecError

__all__ = [
    "dump_dict",
    "dump_json",
    "dump_yaml",
    "json_schema",
    "load_program",
    "parse_program",
    "spec_error",
]

_ADAPTER: TypeAdapter[Offer | Referral] = TypeAdapter(Program)
_KEY_ORDER = (
    "kind",
    "name",
    "description",
    "audience",
    "entry",
    "link",
    "satisfy",
    "expires_after",
    "reentry",
    "caps",
    "rules",
    "reward",
    "time_basis",
    "signup_event",
)


def _ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    return value


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for item in loc:
        if isinstance(item, int):
            out += f"[{item}]"
        elif item in TAGS or item in ("offer", "referral"):
            continue
        else:
            key = {"not_": "not", "from_": "from"}.get(item, item)
            out += f".{key}" if out else key
    return out


def spec_error(exc: ValidationError, source: str | None = None) -> SpecError:
    """The first error of ``exc`` in the house style: path, bad value, valid choices."""
    err = exc.errors(include_url=False)[0]
    path = _path(tuple(err["loc"]))
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) else f": {value!r}"
    if msg.startswith("@") and ": " in msg:
        shown = ""
        inner, msg = msg[1:].split(": ", 1)
        path = path + inner if inner.startswith("[") or not path else f"{path}.{inner}"
    where = path or "program"
    if err["type"] == "missing":
        text = f"Invalid spec at {where}: a required key is missing."
    else:
        text = f"Invalid value at {where}{shown}. {msg[:1].upper()}{msg[1:]}."
    if err["type"] == "literal_error":
        text += " Fix the value to one of the valid choices."
    if source:
        text += f" (in {source})"
    return SpecError(text.replace("..", "."))


def parse_program(data: Any, source: str | None = None) -> Offer | Referral:
    """Validate a mapping (the YAML/JSON form) into an Offer or a Referral."""
    if not isinstance(data, dict):
        raise SpecError(
            f"Invalid spec: {type(data).__name__}. Expected a mapping with kind: offer|referral."
        )
    if "kind" not in data:
        data = {"kind": "offer", **data}
    if data.get("kind") not in ("offer", "referral"):
        raise SpecError(
            f"Invalid value at kind: {data.get('kind')!r}. Valid choices: 'offer', 'referral'."
        )
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise spec_error(exc, source) from None


def load_program(spec: str | os.PathLike[str] | dict[str, Any]) -> Offer | Referral:
    """Load a program from a YAML/JSON file path, YAML/JSON text, or a mapping."""
    if isinstance(spec, dict):
        return parse_program(spec)
    source = None
    text = str(spec)
    if isinstance(spec, os.PathLike) or ("\n" not in text and len(text) < 4096):
        path = Path(text)
        if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
            if not path.exists():
                raise SpecError(f"Invalid value for spec: {text!r}. The file does not exist.")
            source = str(path)
            text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(
            f"Invalid spec{' in ' + source if source else ''}: not YAML/JSON ({exc})."
        ) from None
    return parse_program(data, source)


def dump_dict(program: Offer | Referral) -> dict[str, Any]:
    """The plain mapping form (defaults left out); ``parse_program`` reads it back equal."""
    raw = program.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    raw["kind"] = program.kind
    raw = _ints(raw)
    out = {k: raw.pop(k) for k in _KEY_ORDER if k in raw}
    out.update(raw)
    return out


def dump_yaml(program: Offer | Referral) -> str:
    return yaml.safe_dump(dump_dict(program), sort_keys=False, allow_unicode=True)


def dump_json(program: Offer | Referral) -> str:
    return json.dumps(dump_dict(program), indent=2, ensure_ascii=False)


def json_schema() -> dict[str, Any]:
    """JSON Schema of a program file (``journeylab schema``), for editors."""
    schema = _ADAPTER.json_schema(by_alias=True)
    schema["title"] = "journeylab condition program (offer or referral)"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
