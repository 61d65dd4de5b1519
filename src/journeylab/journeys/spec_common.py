"""Validation shared by the journeys specs: steps, name lists, durations, counts, groups."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from journeylab.durations import parse_duration
from journeylab.errors import SpecError, invalid
from journeylab.steps import Step, StepLike, as_step

__all__ = [
    "ANY",
    "StepsLike",
    "as_steps",
    "event_step",
    "group_patterns",
    "optional_duration",
    "positive_int",
    "returning_step",
    "field_name",
    "one_of",
]

#: "any event" for ``returning=`` and ``active=``
ANY = "any"


def one_of(param: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        raise invalid(param, value, tuple(choices), cls=SpecError)
    return str(value)


def event_step(value: Any, param: str) -> Step:
    """One step of events an app fires: a name, a Step or a mapping. A derived moment
    (``jl.returned(...)``) is refused with the fix, rather than matching no event."""
    out = as_step(value, param)
    if getattr(out, "derived", False):
        raise invalid(
            param,
            out.to_dict(),
            "an event name or a step (events an app fires)",
            "A comeback is a derived moment: see lake.reactivations(...), or use "
            "jl.returned(...) as a funnel step or an offer's entry.",
            cls=SpecError,
        )
    return out


def as_steps(value: Any, param: str) -> tuple[Step, ...]:
    """None, one step (a name, a Step, a mapping) or a list of them."""
    if value is None:
        return ()
    if isinstance(value, str | Mapping | Step):
        return (event_step(value, param),)
    if isinstance(value, Sequence):
        return tuple(event_step(v, f"{param}[{i}]") for i, v in enumerate(value))
    raise invalid(param, value, "an event name, a step or a list of them", cls=SpecError)


def returning_step(value: Any, param: str) -> Step | None:
    """``"any"`` (None: every event) or one step."""
    if value is None or value == ANY:
        return None
    return event_step(value, param)


def optional_duration(value: Any, param: str, positive: bool = True) -> timedelta | None:
    if value is None:
        return None
    td = parse_duration(value, param)
    if positive and td <= timedelta(0):
        raise invalid(
            param, value, "a positive duration like '30m' or '7d', or None", cls=SpecError
        )
    return td


def positive_int(value: Any, param: str, allow_none: bool = False, most: int | None = None) -> Any:
    if value is None and allow_none:
        return None
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    if not ok or (most is not None and value > most):
        bound = f" and <= {most}" if most is not None else ""
        what = f"an integer >= 1{bound}" + (" or None" if allow_none else "")
        raise invalid(param, value, what, cls=SpecError)
    return value


def field_name(value: Any, param: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise invalid(param, value, "a top-level data field name like 'channel'", cls=SpecError)
    return value


def group_patterns(value: Any) -> tuple[tuple[str, str], ...]:
    """``{"regex": "alias"}`` (ordered: the first pattern that matches the whole event name
    wins) as validated pairs."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise invalid("group", value, "a mapping of regular expressions to aliases", cls=SpecError)
    out = []
    for pattern, alias in value.items():
        if not isinstance(pattern, str) or not pattern:
            raise invalid("group key", pattern, "a regular expression (string)", cls=SpecError)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise invalid(
                f"group[{pattern!r}]", pattern, f"a valid regular expression ({exc})", cls=SpecError
            ) from None
        if not isinstance(alias, str) or not alias:
            raise invalid(f"group[{pattern!r}]", alias, "a non-empty alias", cls=SpecError)
        out.append((pattern, alias))
    return tuple(out)


def grouped(name: str, patterns: tuple[tuple[str, str], ...]) -> str:
    """The alias of the first pattern that matches the whole ``name``, else ``name``."""
    for pattern, alias in patterns:
        if re.fullmatch(pattern, name):
            return alias
    return name


#: one step or several: an event name, a :class:`~journeylab.Step`, a mapping, or a list
StepsLike = StepLike | Sequence[StepLike]
