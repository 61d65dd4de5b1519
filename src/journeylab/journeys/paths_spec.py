"""The paths spec: frozen, validated once (shared by the reference and the compiler).

Semantics (docs/journeys.md, "Paths"):

- ``start=A``: paths after A; ``end=B``: paths leading to B (read backwards from B);
  ``between=(A, B)``: paths after A that stop at the first B (inclusive).
- The anchor is the ``occurrence="first"`` anchor event of each user inside the entry range
  (``start_date <= t < end_date``), or every one of them (``"any"``: one path per anchor).
- A path holds the anchor and then the user's other events at the anchor's instant or later
  (earlier for ``end``), in ``(event_at, event_id)`` order (reversed for ``end``): events at
  the anchor's very instant come right after it, so a path agrees with a funnel's "at or
  after the previous step".
- Events matching ``exclude`` are removed first; names are renamed by ``group`` (first
  regular expression matching the whole name). A path stops at the first gap between
  consecutive events longer than ``session_gap``, at ``within`` from the anchor
  (inclusive), and (``between``) after the first B. With ``collapse_repeats`` consecutive
  events of the same (grouped) name are one step, at the time of the first. ``depth``
  steps after the anchor are kept (None: all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from journeylab.durations import Duration
from journeylab.errors import SpecError, invalid
from journeylab.journeys.clock import Clock, make_clock
from journeylab.journeys.spec_common import (
    StepsLike,
    as_steps,
    event_step,
    group_patterns,
    one_of,
    optional_duration,
    positive_int,
)
from journeylab.steps import Step, StepLike
from journeylab.times import TimeLike

__all__ = ["PathsSpec", "paths_spec", "OCCURRENCES", "MODES"]

OCCURRENCES = ("first", "any")
MODES = ("start", "end", "between")


@dataclass(frozen=True)
class PathsSpec:
    anchor: Step  # start (A), end (B) or between's A
    mode: str = "start"  # start | end | between
    until: Step | None = None  # between's B
    occurrence: str = "first"
    depth: int | None = 5
    top: int = 20
    within: timedelta | None = None
    exclude: tuple[Step, ...] = ()
    collapse_repeats: bool = True
    session_gap: timedelta | None = timedelta(minutes=30)
    group: tuple[tuple[str, str], ...] = ()
    clock: Clock = Clock()
    users: tuple[str, ...] | None = None

    @property
    def forward(self) -> bool:
        return self.mode != "end"

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "anchor": self.anchor.to_dict(),
            "until": None if self.until is None else self.until.to_dict(),
            "occurrence": self.occurrence,
            "depth": self.depth,
            "top": self.top,
            "within_seconds": None if self.within is None else self.within.total_seconds(),
            "exclude": [s.to_dict() for s in self.exclude],
            "collapse_repeats": self.collapse_repeats,
            "session_gap_seconds": (
                None if self.session_gap is None else self.session_gap.total_seconds()
            ),
            "group": dict(self.group),
            **self.clock.to_dict(),
        }


def _users(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise invalid("users", value, "a list of user ids, or None", cls=SpecError)
    out = tuple(sorted({str(u) for u in value}))
    return out


def paths_spec(
    start: StepLike | None = None,
    end: StepLike | None = None,
    between: Sequence[StepLike] | None = None,
    occurrence: str = "first",
    depth: int | None = 5,
    top: int = 20,
    within: Duration | None = None,
    exclude: StepsLike | None = None,
    collapse_repeats: bool = True,
    session_gap: Duration | None = "30m",
    group: Mapping[str, str] | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    users: Sequence[str] | None = None,
) -> PathsSpec:
    """Validate user arguments into a :class:`PathsSpec` (errors name the fix)."""
    given = [n for n, v in (("start", start), ("end", end), ("between", between)) if v is not None]
    if len(given) != 1:
        raise invalid(
            "start/end/between",
            given or None,
            "exactly one of start=EVENT, end=EVENT or between=(A, B)",
            cls=SpecError,
        )
    until = None
    if start is not None:
        mode, anchor = "start", event_step(start, "start")
    elif end is not None:
        mode, anchor = "end", event_step(end, "end")
    else:
        if isinstance(between, str | Mapping) or not isinstance(between, Sequence):
            raise invalid("between", between, "a pair of steps (A, B)", cls=SpecError)
        if len(between) != 2:
            raise invalid("between", between, "a pair of steps (A, B)", cls=SpecError)
        mode, anchor = "between", event_step(between[0], "between[0]")
        until = event_step(between[1], "between[1]")
    excl = as_steps(exclude, "exclude")
    mine = {anchor.name} | ({until.name} if until is not None else set())
    for x in excl:
        if x.name in mine:
            raise invalid(
                "exclude",
                x.name,
                "event names other than the path's anchor",
                f"Excluding {x.name!r} would remove the events the paths start or stop at.",
                cls=SpecError,
            )
    if not isinstance(collapse_repeats, bool):
        raise invalid("collapse_repeats", collapse_repeats, (True, False), cls=SpecError)
    return PathsSpec(
        anchor=anchor,
        mode=mode,
        until=until,
        occurrence=one_of("occurrence", occurrence, OCCURRENCES),
        depth=positive_int(depth, "depth", allow_none=True),
        top=positive_int(top, "top"),
        within=optional_duration(within, "within"),
        exclude=excl,
        collapse_repeats=collapse_repeats,
        session_gap=optional_duration(session_gap, "session_gap"),
        group=group_patterns(group),
        clock=make_clock(start_date, end_date, as_of),
        users=_users(users),
    )
