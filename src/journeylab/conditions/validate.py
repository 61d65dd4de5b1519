"""Check a condition program's event names against the lake's catalog.

Names must match exactly (as in the product): a name the lake has never seen and that was
never declared gets a warning listing the nearest known or declared names; a name that was
declared but never fired is reported as such. Nothing here raises: the caller decides
whether a warning should stop the work (the CLI prints them and carries on).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from journeylab.lake.catalog import Catalog, nearest_names

__all__ = ["ConditionWarning", "event_refs", "program_dict", "validate_program"]

KINDS = ("unknown_event", "declared_never_fired")


@dataclass(frozen=True)
class ConditionWarning:
    """One finding: where in the YAML (``path``), which event name, what is wrong."""

    path: str
    event: str
    kind: str  # "unknown_event" | "declared_never_fired"
    suggestions: tuple[str, ...] = ()

    def message(self) -> str:
        if self.kind == "declared_never_fired":
            return (
                f"{self.path}: event {self.event!r} is declared but has never been fired "
                "(the condition cannot be met on this lake's history)"
            )
        msg = f"{self.path}: event {self.event!r} is not in the lake's catalog (never fired"
        msg += " nor declared); names must match exactly"
        if self.suggestions:
            msg += "; nearest: " + ", ".join(repr(s) for s in self.suggestions)
        return msg

    def __str__(self) -> str:
        return self.message()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "event": self.event,
            "kind": self.kind,
            "suggestions": list(self.suggestions),
            "message": self.message(),
        }


def program_dict(program: Any) -> Any:
    """The YAML-shaped form of a program (a model, a mapping, or anything with to_dict)."""
    if isinstance(program, Mapping):
        return program
    for attr in ("to_dict", "to_yaml_dict"):
        fn = getattr(program, attr, None)
        if callable(fn):
            return fn()
    dump = getattr(program, "model_dump", None)
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_none=True)
    return program


def _walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        name = node.get("event")
        if isinstance(name, str):
            yield (f"{path}.event" if path else "event", name)
        for key, value in node.items():
            if key == "event" or key == "where":
                continue
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, Sequence) and not isinstance(node, str | bytes):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


def event_refs(program: Any) -> list[tuple[str, str]]:
    """Every event name the program refers to, as ``(yaml_path, name)`` in document order.

    Walks audience, entry, satisfy (leaves inside ``all``/``any``/``not``/``sequence``) and
    a referral's ``link``; ``where`` filters are not descended into. When a leaf counts
    ``from: signup``, the program's ``signup_event`` is listed too.
    """
    doc = program_dict(program)
    refs = list(_walk(doc, ""))
    if isinstance(doc, Mapping) and any(_uses_signup(doc.get(k)) for k in CONDITION_KEYS):
        refs.append(("signup_event", str(doc.get("signup_event") or "signup")))
    return refs


CONDITION_KEYS = ("audience", "entry", "satisfy")


def _uses_signup(node: Any) -> bool:
    """Does any leaf count ``from: signup`` (which reads the program's signup_event)?"""
    if isinstance(node, Mapping):
        if node.get("from") == "signup":
            return True
        return any(_uses_signup(v) for k, v in node.items() if k != "where")
    if isinstance(node, Sequence) and not isinstance(node, str | bytes):
        return any(_uses_signup(v) for v in node)
    return False


def validate_program(program: Any, lake_or_catalog: Any) -> list[ConditionWarning]:
    """Warnings for the program's event names against ``lake.catalog()`` (or a Catalog)."""
    catalog: Catalog = (
        lake_or_catalog if isinstance(lake_or_catalog, Catalog) else lake_or_catalog.catalog()
    )
    frame = catalog.frame
    names: list[str] = frame["name"].to_list()
    fired = dict(zip(names, frame["events"].to_list(), strict=True))
    declared = dict(zip(names, frame["declared"].to_list(), strict=True))
    out: list[ConditionWarning] = []
    for path, name in event_refs(program):
        if name not in fired:
            out.append(
                ConditionWarning(path, name, "unknown_event", tuple(nearest_names(name, names)))
            )
        elif fired[name] == 0 and declared.get(name):
            out.append(ConditionWarning(path, name, "declared_never_fired"))
    return out
