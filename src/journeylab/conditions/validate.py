"""The names a condition program refers to, checked against the lake by :mod:`journeylab.names`.

Names must match exactly (as in the product): an event name the lake has never seen and that
was never declared, or a ``data`` field that no event of that name carries, gets a
:class:`~journeylab.names.NameWarning` naming the nearest known names; a name that was
declared but never fired is reported as such. ``strict=True`` raises
:class:`~journeylab.names.UnknownNameError` instead. The backtest, ``explain`` and
``compare`` call :func:`validate_program` and carry the warnings in their results.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from journeylab.names import EventRef, FieldRef, NameWarning, check_names

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = [
    "event_refs",
    "field_refs",
    "program_dict",
    "program_refs",
    "validate_program",
    "warning_dict",
]

CONDITION_KEYS = ("audience", "entry", "satisfy")


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


def _leaves(node: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every mapping with an ``event`` name, with its YAML path; ``where`` is not descended."""
    if isinstance(node, Mapping):
        if isinstance(node.get("event"), str):
            yield path, node
        for key, value in node.items():
            if key not in ("event", "where"):
                yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, Sequence) and not isinstance(node, str | bytes):
        for i, item in enumerate(node):
            yield from _leaves(item, f"{path}[{i}]")


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _returned(node: Any, path: str) -> Iterator[EventRef]:
    """The ``active``/``exclude`` event names of every ``returned`` leaf, with their paths."""
    if isinstance(node, Mapping):
        spec = node.get("returned")
        if isinstance(spec, Mapping):
            for key in ("active", "exclude"):
                items = spec.get(key)
                for i, item in enumerate(items if isinstance(items, list) else []):
                    if isinstance(item, str):
                        yield (_at(path, f"returned.{key}[{i}]"), item)
        for key, value in node.items():
            if key != "where":
                yield from _returned(value, _at(path, str(key)))
    elif isinstance(node, Sequence) and not isinstance(node, str | bytes):
        for i, item in enumerate(node):
            yield from _returned(item, f"{path}[{i}]")


def event_refs(program: Any) -> list[EventRef]:
    """Every event name the program refers to, as ``(yaml_path, name)`` in document order.

    Walks audience, entry, satisfy (leaves inside ``all``/``any``/``not``/``sequence``, and
    the ``active``/``exclude`` events of ``returned`` leaves) and a referral's ``link``;
    ``where`` filters are not descended into. When a leaf counts ``from: signup``, the
    program's ``signup_event`` is listed too.
    """
    doc = program_dict(program)
    refs = [(_at(path, "event"), node["event"]) for path, node in _leaves(doc, "")]
    refs += list(_returned(doc, ""))
    if isinstance(doc, Mapping) and any(_uses_signup(doc.get(k)) for k in CONDITION_KEYS):
        refs.append(("signup_event", str(doc.get("signup_event") or "signup")))
    return refs


def field_refs(program: Any) -> list[FieldRef]:
    """Every ``data`` field the program reads, as ``(yaml_path, field, (event,))``: the keys
    of each leaf's ``where``, a ``sum``'s field and a referral link's ``referrer_field``."""
    doc = program_dict(program)
    out: list[FieldRef] = []
    for path, node in _leaves(doc, ""):
        name = (node["event"],)
        where = node.get("where")
        if isinstance(where, Mapping):
            out += [(_at(path, f"where.{k}"), k, name) for k in where if isinstance(k, str)]
        total = node.get("sum")
        if isinstance(total, Mapping) and isinstance(total.get("field"), str):
            out.append((_at(path, "sum.field"), total["field"], name))
        if path == "link":
            field = node.get("referrer_field") or "referrerId"
            out.append(("link.referrer_field", str(field), name))
    return out


def program_refs(program: Any) -> tuple[list[EventRef], list[FieldRef]]:
    """:func:`event_refs` and :func:`field_refs` of one program."""
    return event_refs(program), field_refs(program)


def _uses_signup(node: Any) -> bool:
    """Does any leaf count ``from: signup`` (which reads the program's signup_event)?"""
    if isinstance(node, Mapping):
        if node.get("from") == "signup":
            return True
        return any(_uses_signup(v) for k, v in node.items() if k != "where")
    if isinstance(node, Sequence) and not isinstance(node, str | bytes):
        return any(_uses_signup(v) for v in node)
    return False


def validate_program(program: Any, lake: Lake, strict: bool = False) -> list[NameWarning]:
    """Warnings for the program's event names and ``data`` fields against ``lake``.

    ``program``: an Offer/Referral, or its YAML-shaped mapping. With ``strict``, raises
    :class:`~journeylab.names.UnknownNameError` instead of returning warnings."""
    events, fields = program_refs(program)
    return list(check_names(lake, events, fields, strict=strict))


def warning_dict(w: NameWarning) -> dict[str, Any]:
    """A warning in the backtest CLI's ``--json``: :meth:`NameWarning.to_dict` plus the keys
    scripts read before names were checked everywhere: ``path`` (= ``param``) and ``event``
    (the event name; for an unknown field, the event it was looked for on)."""
    event = w.events[0] if w.kind == "unknown_field" and w.events else w.name
    return {**w.to_dict(), "path": w.param, "event": event}
