"""Names given to an analysis, checked against the lake: a typo must never look like a result.

Every entry point that takes an event name or a ``data`` field passes what it was given to
:func:`check_names`: an event name the lake has never seen (and that was never declared), or
a ``data`` field that no event of the named events carries, gives a :class:`NameWarning`
naming the nearest known names; a declared name that was never fired gives one too.
``strict=True`` turns the warnings into one :class:`UnknownNameError`, for CI gates.

Results carry the warnings in ``result.warnings``; the CLI prints them on stderr
(``warning: ...``) and lists them under ``"warnings"`` in ``--json``.

Cost: one probe per name, all in one query, each stopping at its first matching row (the
lake's files are sorted by name, so row-group statistics skip the rest). The list of all
names (or of the fields seen on an event) is read only when something is missing, to
suggest the nearest ones.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeylab.errors import SpecError
from journeylab.lake.catalog import nearest_names
from journeylab.lake.footers import proven
from journeylab.where import json_exists, json_keys

if TYPE_CHECKING:
    from journeylab.lake.core import Lake
    from journeylab.steps import Step

__all__ = [
    "KINDS",
    "EventRef",
    "FieldRef",
    "NameWarning",
    "UnknownNameError",
    "check_names",
    "event_names",
    "raise_if_strict",
    "step_refs",
]

KINDS = ("unknown_event", "declared_never_fired", "unknown_field")
#: rows of the named events read to suggest fields when a field is missing
FIELD_SAMPLE_ROWS = 10_000

#: ``(param, event name)``: where the name was given (e.g. ``steps[2]``) and the name
EventRef = tuple[str, str]
#: ``(param, field, events)``: a ``data`` field that at least one of ``events`` should carry
FieldRef = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class NameWarning:
    """One name the lake does not know: where it was given, what, and the nearest known."""

    param: str
    name: str
    kind: str  # one of KINDS
    events: tuple[str, ...] = ()  # unknown_field: the events searched for the field
    suggestions: tuple[str, ...] = ()

    def message(self) -> str:
        if self.kind == "declared_never_fired":
            return (
                f"{self.param}: event {self.name!r} is declared but has never been fired, "
                "so nothing on this lake's history can match it"
            )
        if self.kind == "unknown_field":
            if len(self.events) == 1:
                who = f"no {self.events[0]!r} event carries"
            else:
                who = "none of the events " + ", ".join(repr(e) for e in self.events) + " carries"
            msg = f"{self.param}: {who} the data field {self.name!r}"
            near = "; nearest fields they carry: "
        else:
            msg = (
                f"{self.param}: event {self.name!r} is not in the lake's catalog (never fired "
                "nor declared); names must match exactly"
            )
            near = "; nearest: "
        if self.suggestions:
            msg += near + ", ".join(repr(s) for s in self.suggestions)
        return msg

    def __str__(self) -> str:
        return self.message()

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form: param, name, kind, events, suggestions, message."""
        return {
            "param": self.param,
            "name": self.name,
            "kind": self.kind,
            "events": list(self.events),
            "suggestions": list(self.suggestions),
            "message": self.message(),
        }


class UnknownNameError(SpecError):
    """``strict=True`` and some names are unknown; ``warnings`` lists them all."""

    def __init__(self, warnings: Sequence[NameWarning]) -> None:
        self.warnings = tuple(warnings)
        lines = "; ".join(w.message() for w in self.warnings)
        super().__init__(
            f"Unknown names (strict mode): {lines}. Fix the names, or pass strict=False "
            "(drop --strict) to get the result with warnings."
        )


def step_refs(param: str, step: Step) -> tuple[list[EventRef], list[FieldRef]]:
    """The names in one step: its event, and every ``where`` key on that event's data."""
    events: list[EventRef] = [(param, step.name)]
    fields: list[FieldRef] = [
        (f"{param}.where.{p.key}", p.key, (step.name,)) for p in _unique_keys(step)
    ]
    return events, fields


def _unique_keys(step: Step) -> Iterator[Any]:
    seen: set[str] = set()
    for p in step.where:
        if p.key not in seen:
            seen.add(p.key)
            yield p


def check_names(
    lake: Lake,
    events: Iterable[EventRef] = (),
    fields: Iterable[FieldRef] = (),
    strict: bool = False,
) -> tuple[NameWarning, ...]:
    """Warnings for the event names and ``data`` fields an analysis was given.

    ``events``: ``(param, name)`` pairs; ``fields``: ``(param, field, events)`` triples
    (the field must be carried by at least one event of ``events``). With ``strict``,
    raises :class:`UnknownNameError` instead of returning warnings.

    >>> [w.message() for w in jl.check_names(lake, [("steps[2]", "purchse")])]
    ["steps[2]: event 'purchse' is not in the lake's catalog (never fired nor declared); names must match exactly; nearest: 'purchase'"]
    >>> (w,) = jl.check_names(lake, fields=[("by", "chanel", ("signup",))])
    >>> w.kind, w.suggestions
    ('unknown_field', ('channel',))
    """
    event_refs = list(events)
    field_refs = [(p, f, tuple(evs)) for p, f, evs in fields]
    names = sorted({n for _, n in event_refs} | {e for _, _, evs in field_refs for e in evs})
    checks = sorted({(f, evs) for _, f, evs in field_refs})
    fired, carried = _probe(lake, names, checks)
    declared = set(lake.declared())
    out: list[NameWarning] = []
    known: list[str] | None = None
    for param, name in event_refs:
        if name in fired:
            continue
        if name in declared:
            out.append(NameWarning(param, name, "declared_never_fired"))
            continue
        if known is None:
            known = sorted(event_names(lake) | declared)
        out.append(NameWarning(param, name, "unknown_event", (), _near(name, known)))
    for param, field, evs in field_refs:
        if (field, evs) in carried or not any(e in fired for e in evs):
            continue  # carried, or its events are unknown (warned about above)
        searched = tuple(e for e in evs if e in fired)
        seen = _fields_of(lake, list(searched))
        out.append(NameWarning(param, field, "unknown_field", searched, _near(field, seen)))
    return raise_if_strict(out, strict)


def raise_if_strict(warnings: Sequence[NameWarning], strict: bool) -> tuple[NameWarning, ...]:
    """``warnings`` as a tuple, or :class:`UnknownNameError` when ``strict`` and any."""
    if strict and warnings:
        raise UnknownNameError(warnings)
    return tuple(warnings)


def _near(name: str, known: list[str]) -> tuple[str, ...]:
    return tuple(nearest_names(name, known))


def _probe(
    lake: Lake, names: list[str], checks: list[tuple[str, tuple[str, ...]]]
) -> tuple[set[str], set[tuple[str, tuple[str, ...]]]]:
    """Which names have an event, and which (field, events) have an event carrying it: what
    the files' footers prove (:func:`~journeylab.lake.footers.proven`), then one query of
    LIMIT 1 probes for the rest, answered once per snapshot of the lake (its files never
    change once landed: a new file or generation is a new snapshot)."""
    if not names:
        return set(), set()
    files = tuple(lake.layout.snapshot())
    seen_files, answers = _PROBES.get(lake, ((), {}))
    if seen_files != files:
        answers = {}
        _PROBES[lake] = (files, answers)
    key = (tuple(names), tuple(checks))
    if key not in answers:
        fired, carried = proven(files, names, checks)  # from the footers: no query
        rest = [n for n in names if n not in fired], [c for c in checks if c not in carried]
        if rest[0] or rest[1]:
            more = _run_probe(lake, *rest)
            fired, carried = fired | more[0], carried | more[1]
        answers[key] = fired, carried
    fired, carried = answers[key]
    return set(fired), set(carried)


#: per lake, the snapshot its probes were answered for (its files) and the answers
_PROBES: weakref.WeakKeyDictionary[Lake, tuple[tuple[str, ...], dict[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)


def _run_probe(
    lake: Lake, names: list[str], checks: list[tuple[str, tuple[str, ...]]]
) -> tuple[set[str], set[tuple[str, tuple[str, ...]]]]:
    import ibis

    ev = lake.events()
    probes = [
        ev.filter(ev.name == n).select(i=ibis.literal(i)).limit(1) for i, n in enumerate(names)
    ]
    for j, (field, evs) in enumerate(checks, start=len(names)):
        hit = ev.name.isin(list(evs)) & json_exists(ev.data, field).fill_null(False)
        probes.append(ev.filter(hit).select(i=ibis.literal(j)).limit(1))
    query = probes[0] if len(probes) == 1 else ibis.union(*probes)
    found = set(lake.execute(query)["i"].to_list())
    fired = {n for i, n in enumerate(names) if i in found}
    carried = {c for j, c in enumerate(checks, start=len(names)) if j in found}
    return fired, carried


def event_names(lake: Lake) -> set[str]:
    """The names of the events the lake holds."""
    ev = lake.events()
    return set(lake.execute(ev.select("name").distinct())["name"].to_list())


def _fields_of(lake: Lake, events: list[str]) -> list[str]:
    """Top-level ``data`` keys seen on (a sample of) the named events."""
    ev = lake.events()
    rows = ev.filter(ev.name.isin(events) & ev.data.notnull()).limit(FIELD_SAMPLE_ROWS)
    keys = rows.select(key=json_keys(rows.data).unnest()).distinct()
    return sorted(lake.execute(keys)["key"].to_list())
