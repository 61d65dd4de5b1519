"""Name checks for the journeys calls: every anchor, returning, active, names, exclude and
``by`` argument goes through :func:`journeylab.names.check_names`; ``group`` patterns that
match no event name and user ids with no event get warnings of their own (same interface:
``message()``, ``to_dict()``), so a typo never looks like a result."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeylab.journeys.ibis_common import run
from journeylab.lake.catalog import nearest_names
from journeylab.names import (
    EventRef,
    FieldRef,
    NameWarning,
    check_names,
    raise_if_strict,
    step_refs,
)
from journeylab.steps import Step

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = [
    "PatternWarning",
    "UnknownUserWarning",
    "refs",
    "checked",
    "lake_names",
    "pattern_warnings",
    "name_map",
]


@dataclass(frozen=True)
class PatternWarning(NameWarning):
    """A ``group`` regular expression that matches no event name of the lake."""

    def message(self) -> str:
        msg = (
            f"{self.param}: the pattern {self.name!r} matches no event name in the lake "
            "(patterns must match the whole name)"
        )
        if self.suggestions:
            msg += "; nearest names: " + ", ".join(repr(s) for s in self.suggestions)
        return msg


@dataclass(frozen=True)
class UnknownUserWarning(NameWarning):
    """A user id with no event in the lake (up to as-of)."""

    def message(self) -> str:
        msg = f"{self.param}: user {self.name!r} has no event in the lake; ids must match exactly"
        if self.suggestions:
            msg += "; similar ids: " + ", ".join(repr(s) for s in self.suggestions)
        return msg


def refs(
    steps: Iterable[tuple[str, Step | None]],
    fields: Iterable[tuple[str, str | None, Sequence[str]]] = (),
) -> tuple[list[EventRef], list[FieldRef]]:
    """Event and field references of ``(param, step)`` pairs (None steps skipped) and
    ``(param, field, events)`` triples (None fields skipped)."""
    events: list[EventRef] = []
    out_fields: list[FieldRef] = []
    for param, st in steps:
        if st is None:
            continue
        ev, fi = step_refs(param, st)
        events += ev
        out_fields += fi
    for param, field, evs in fields:
        if field is not None:
            out_fields.append((param, field, tuple(dict.fromkeys(evs))))
    return events, out_fields


def checked(
    lake: Lake,
    steps: Iterable[tuple[str, Step | None]],
    fields: Iterable[tuple[str, str | None, Sequence[str]]] = (),
    extra: Sequence[NameWarning] = (),
    strict: bool = False,
) -> tuple[NameWarning, ...]:
    """All warnings of one call (raises UnknownNameError with ``strict``)."""
    events, field_refs = refs(steps, fields)
    found = check_names(lake, events, field_refs, strict=False)
    return raise_if_strict([*found, *extra], strict)


def lake_names(lake: Lake) -> list[str]:
    """Every event name in the lake (one query over the name column)."""
    ev = lake.events()
    frame, _ = run(lake.engine, ev.select("name").distinct())
    return sorted(frame["name"].to_list())


def pattern_warnings(
    patterns: Sequence[tuple[str, str]], names: Sequence[str]
) -> list[NameWarning]:
    out: list[NameWarning] = []
    for pattern, _alias in patterns:
        if not any(re.fullmatch(pattern, n) for n in names):
            near = tuple(nearest_names(pattern, list(names)))
            out.append(PatternWarning(f"group[{pattern!r}]", pattern, "unknown_pattern", (), near))
    return out


def name_map(patterns: Sequence[tuple[str, str]], names: Sequence[str]) -> dict[str, Any]:
    """Event name -> alias for every lake name some pattern matches (first pattern wins)."""
    out: dict[str, Any] = {}
    for n in names:
        for pattern, alias in patterns:
            if re.fullmatch(pattern, n):
                out[n] = alias
                break
    return out
