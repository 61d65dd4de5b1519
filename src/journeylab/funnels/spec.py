"""The funnel spec: frozen, pure, validated once (shared by the reference and the compilers).

See docs/funnels.md for the semantics; the decisions where semantics.md is silent are:

- A name may stand at several steps (``item_viewed → item_viewed → cart_added``, or one name
  with different filters); one event fills at most one step. Such funnels go to the
  compilers of :mod:`journeylab.funnels.compile_blocks` (ordered, strict) and
  :mod:`journeylab.funnels.compile_any_rep` (any). Exclusions may share a name with a step.
- ``order="any"`` with a repeated name counts occurrences: the j-th step of a name counts
  when j distinct events can fill that name's steps (docs/funnels.md).
- An exclusion ``{"event", "where", "between": (i, j)}`` (1-based steps, default the first
  and last step) invalidates a chain when an excluded event ``x`` has
  ``step_k_time < x_time <= step_k+1_time`` for a consecutive pair of the chain's steps
  inside ``[i, j]``; i.e. ``(step_i_time, step_j_time]``: one at the very instant of step
  ``i`` does not count, one at the instant of a later step does. For ``order="any"`` every
  exclusion applies from step 1 to each counted step: ``(start, step_time]``.
- ``max_gap`` is not defined for ``order="any"`` (there is no "previous step").
- ``strict``: "between" means strictly between in time; events at the same instant as
  either step are not between.
- ``start_date``/``end_date`` bound the step-1 (entry) time (``journeylab.times.time_range``:
  a date is its whole UTC day, ends included; a datetime is an instant, end excluded); the
  spec keeps the half-open instants as ``start <= t < end``.
- ``as_of`` (default: the lake's last ``event_at``): events after it are ignored; a user who
  has not reached the last step and has any candidate start with ``start + within > as_of``
  is in progress.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from journeylab.durations import Duration, parse_duration
from journeylab.errors import SpecError, invalid
from journeylab.steps import Step, as_step
from journeylab.times import TimeLike, as_utc, time_range
from journeylab.where import parse_where

__all__ = [
    "ATTRIBUTIONS",
    "ORDERS",
    "ExcludeLike",
    "Exclusion",
    "FunnelSpec",
    "MaxGapLike",
    "make_spec",
]

ORDERS = ("ordered", "strict", "any")
#: what ``exclude=`` takes: one step-like (a name, a Step, a ``{"event", "where",
#: "between"}`` mapping) or a sequence of them
ExcludeLike = str | Step | Mapping[str, Any] | Sequence[str | Step | Mapping[str, Any]]
#: what ``max_gap=`` takes: one duration for every transition, one per transition (None
#: for no limit), or ``{k: duration}`` for the gap from step k to k+1
MaxGapLike = Duration | Sequence[Duration | None] | Mapping[int, Duration]
ATTRIBUTIONS = ("first_touch", "last_touch", "step:N")
Order = Literal["ordered", "strict", "any"]


@dataclass(frozen=True)
class Exclusion:
    """An excluded event between funnel steps ``first`` and ``last`` (1-based, inclusive)."""

    step: Step
    first: int
    last: int


@dataclass(frozen=True)
class FunnelSpec:
    steps: tuple[Step, ...]
    within: timedelta
    order: Order = "ordered"
    exclude: tuple[Exclusion, ...] = ()
    max_gap: tuple[timedelta | None, ...] = ()  # len(steps) - 1 entries (gap k -> k+1)
    by: str | None = None
    attribution: str = "first_touch"  # first_touch | last_touch | step:N
    as_of: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    top: int = 10

    @property
    def n(self) -> int:
        return len(self.steps)

    @property
    def attribution_step(self) -> int | None:
        """1-based step for ``step:N`` attribution, else None."""
        if self.attribution.startswith("step:"):
            return int(self.attribution.split(":", 1)[1])
        return None

    def gap(self, k: int) -> timedelta | None:
        """Max gap between step ``k`` and ``k + 1`` (1-based)."""
        return self.max_gap[k - 1] if self.max_gap else None

    def active_exclusions(self, k: int) -> list[int]:
        """Indexes of exclusions that constrain the transition step k -> k+1 (1-based)."""
        return [i for i, x in enumerate(self.exclude) if x.first <= k < x.last]

    @property
    def repeats(self) -> bool:
        """Whether an event name stands at several steps (one event may then match several
        steps, so the compilers must count events, not only instants)."""
        names = [s.name for s in self.steps]
        return len(set(names)) < len(names)

    @property
    def simple(self) -> bool:
        """Ordered, no gaps, exclusions only from step 1, distinct names: greedy earliest
        chains are optimal (compile_greedy)."""
        return (
            self.order == "ordered"
            and not self.repeats
            and all(g is None for g in self.max_gap)
            and all(x.first == 1 for x in self.exclude)
        )


def _exclusion(value: Any, n: int) -> Exclusion:
    between: Any = None
    if isinstance(value, Mapping) and "between" in value:
        between = value["between"]
        value = {k: v for k, v in value.items() if k != "between"}
    st = as_step(value, "exclude")
    first, last = 1, n
    if between is not None:
        ok = (
            isinstance(between, Sequence)
            and not isinstance(between, str)
            and len(between) == 2
            and all(isinstance(b, int) and not isinstance(b, bool) for b in between)
        )
        if not ok or not 1 <= between[0] < between[1] <= n:
            raise invalid(
                "exclude.between",
                between,
                f"two 1-based step numbers (i, j) with 1 <= i < j <= {n}",
                cls=SpecError,
            )
        first, last = int(between[0]), int(between[1])
    return Exclusion(st, first, last)


def _gaps(value: Any, n: int) -> tuple[timedelta | None, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        out: list[timedelta | None] = [None] * (n - 1)
        for k, v in value.items():
            if not isinstance(k, int) or not 1 <= k < n:
                raise invalid(
                    "max_gap key",
                    k,
                    f"a step number 1..{n - 1} (gap from step k to k+1)",
                    cls=SpecError,
                )
            out[k - 1] = parse_duration(v, f"max_gap[{k}]")
        return tuple(out)
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != n - 1:
            raise invalid(
                "max_gap",
                value,
                f"one duration (or None) per step transition: {n - 1} items",
                cls=SpecError,
            )
        return tuple(None if v is None else parse_duration(v, "max_gap") for v in value)
    one = parse_duration(value, "max_gap")
    return tuple(one for _ in range(n - 1))


def make_spec(
    steps: Sequence[str | Step | Mapping[str, Any]],
    within: Duration = "7d",
    order: str = "ordered",
    exclude: ExcludeLike | None = None,
    max_gap: MaxGapLike | None = None,
    by: str | None = None,
    attribution: str = "first_touch",
    as_of: TimeLike | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    top: int = 10,
) -> FunnelSpec:
    """Validate user arguments into a :class:`FunnelSpec` (errors name the fix)."""
    if isinstance(steps, str | Mapping | Step) or not isinstance(steps, Sequence):
        raise invalid("steps", steps, "a list of at least 2 steps", cls=SpecError)
    parsed = tuple(as_step(s, "steps") for s in steps)
    if len(parsed) < 2:
        raise invalid("steps", list(steps), "a list of at least 2 steps", cls=SpecError)
    if order not in ORDERS:
        raise invalid("order", order, ORDERS, cls=SpecError)
    n = len(parsed)
    if exclude is None:
        excl: tuple[Exclusion, ...] = ()
    elif isinstance(exclude, str | Mapping | Step):
        excl = (_exclusion(exclude, n),)
    else:
        excl = tuple(_exclusion(x, n) for x in exclude)
    gaps = _gaps(max_gap, n)
    if order == "any" and any(g is not None for g in gaps):
        raise invalid(
            "max_gap",
            max_gap,
            "None with order='any'",
            "Steps have no previous step in any order; use order='ordered' for gaps.",
            cls=SpecError,
        )
    if attribution not in ("first_touch", "last_touch") and not re.fullmatch(
        r"step:\d+", str(attribution)
    ):
        raise invalid("attribution", attribution, ATTRIBUTIONS, cls=SpecError)
    spec_step = int(attribution.split(":")[1]) if attribution.startswith("step:") else None
    if spec_step is not None and not 1 <= spec_step <= n:
        raise invalid("attribution", attribution, f"step:N with N in 1..{n}", cls=SpecError)
    if by is not None and (not isinstance(by, str) or not by):
        raise invalid("by", by, "a top-level data field name", cls=SpecError)
    if by is not None:
        parse_where({by: {"exists": True}}, "by")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise invalid("top", top, "an integer >= 1", cls=SpecError)
    win = parse_duration(within, "within")
    if win <= timedelta(0):
        raise invalid("within", within, "a positive duration like '7d'", cls=SpecError)
    s, e = time_range(start_date, end_date, cls=SpecError)
    return FunnelSpec(
        steps=parsed,
        within=win,
        order=order,  # type: ignore[arg-type]
        exclude=excl,
        max_gap=gaps if any(g is not None for g in gaps) else (),
        by=by,
        attribution=attribution,
        as_of=as_utc(as_of, "as_of", SpecError),
        start=s,
        end=e,
        top=top,
    )
