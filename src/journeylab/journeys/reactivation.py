"""Reactivation, a derived moment: users inactive for at least ``dormant_for`` who come back.

Computed from gaps in activity, never from an event an app fires (docs/journeys.md,
"Reactivation"):

- *Activity* is any event (``active="any"``, the default) or the given names or steps;
  ``exclude`` names (or steps) never count — e.g. an app's own ``reactivated`` event.
- A *return* is an activity event whose previous activity event of the same user, in
  ``(event_at, event_id)`` order, is at least ``dormant_for`` earlier (the edge counts).
  ``returned_at`` is its time, ``last_active_at`` the previous activity's, ``days_away``
  the gap in days. A user's first activity is not a return (nothing to come back from);
  events at one instant are 0 apart, so an instant holds at most one return.
- ``as_of`` (default: the lake's last ``event_at``): later events do not exist. A return
  depends only on earlier events: it is known at the returning event (no look-ahead).
- ``start_date``/``end_date`` bound ``returned_at``; history before ``start_date`` is read
  (a gap may begin before the range).

The same moment is a funnel step (:func:`returned`: its events are the return moments,
one derived event at each returning event's instant) and a condition leaf
(``{returned: {dormant_for: 30d}}``, journeylab.conditions).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from journeylab.durations import Duration, parse_duration
from journeylab.errors import SpecError, invalid
from journeylab.journeys.reactivation_result import ReactivationResult, returns_frame
from journeylab.steps import Step, StepLike, as_step
from journeylab.times import TimeLike, as_utc, time_range

if TYPE_CHECKING:
    from journeylab.lake.core import Lake
    from journeylab.names import EventRef

__all__ = [
    "ReactivationResult",
    "ReturnSpec",
    "ReturnStep",
    "mark_returns",
    "reactivations",
    "reference_returns",
    "return_spec",
    "returned",
    "returns_expr",
    "with_returns",
]

#: the ``data`` key of a derived return event (its value: the spec's tag)
DERIVED_KEY = "returned"


def _fmt_days(td: timedelta) -> str:
    total = td.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if total and total % size == 0:
            return f"{int(total // size)}{unit}"
    return f"{total:g}s"


@dataclass(frozen=True)
class ReturnSpec:
    """What a return is: a gap of at least ``dormant_for`` in the activity (``active``:
    None = any event; ``exclude``: never activity)."""

    dormant_for: timedelta
    active: tuple[Step, ...] | None = None
    exclude: tuple[Step, ...] = ()

    def is_activity(self, name: str | None, data: Mapping[str, Any] | None) -> bool:
        """Plain-Python twin of :meth:`activity` (derived events are never activity)."""
        if name is None or any(x.matches(name, data) for x in self.exclude):
            return False
        return self.active is None or any(a.matches(name, data) for a in self.active)

    def activity(self, events: ir.Table) -> ir.BooleanValue:
        """Ibis boolean over an events table: the activity rows."""
        cond: ir.BooleanValue = events.name.notnull()
        if self.active is not None:
            some = self.active[0].expr(events)
            for a in self.active[1:]:
                some = some | a.expr(events)
            cond = cond & some
        for x in self.exclude:
            cond = cond & ~x.expr(events).fill_null(False)
        return cond

    def to_dict(self) -> dict[str, Any]:
        def one(s: Step) -> Any:
            return s.name if not s.where else s.to_dict()

        out: dict[str, Any] = {"dormant_for": _fmt_days(self.dormant_for)}
        if self.active is not None:
            out["active"] = [one(s) for s in self.active]
        if self.exclude:
            out["exclude"] = [one(s) for s in self.exclude]
        return out

    @property
    def tag(self) -> str:
        """Canonical text of the spec (the ``data`` of its derived events)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @property
    def title(self) -> str:
        return f"returned after {_fmt_days(self.dormant_for)}"

    def names(self) -> list[tuple[str, Step]]:
        """(where in the spec, step) of every named activity or exclusion."""
        out = [(f"active[{i}]", s) for i, s in enumerate(self.active or ())]
        return out + [(f"exclude[{i}]", s) for i, s in enumerate(self.exclude)]


def _steps(value: Any, param: str) -> tuple[Step, ...]:
    out: tuple[Step, ...] = ()
    if isinstance(value, str | Step | Mapping):
        out = (as_step(value, param),)
    elif isinstance(value, Iterable):
        out = tuple(as_step(v, f"{param}[{i}]") for i, v in enumerate(value))
    if out and not any(getattr(s, "derived", False) for s in out):
        return out
    raise invalid(
        param,
        value,
        "an event name, a step, or a non-empty list of them (events an app fires)",
        cls=SpecError,
    )


#: what ``active`` / ``exclude`` accept: "any" (activity only), an event name, a step, a list
ActivityLike = StepLike | Sequence[StepLike]


def return_spec(
    dormant_for: Duration = "30d",
    active: ActivityLike | None = "any",
    exclude: ActivityLike | None = None,
) -> ReturnSpec:
    """Validate ``dormant_for`` (> 0), ``active`` ("any", a name, a step or a list) and
    ``exclude`` (a name, a step or a list) into a :class:`ReturnSpec`."""
    gap = parse_duration(dormant_for, "dormant_for")
    if gap <= timedelta(0):
        raise invalid("dormant_for", dormant_for, "a positive duration like '30d'", cls=SpecError)
    acts = None if active is None or active == "any" else _steps(active, "active")
    excl = () if exclude is None else _steps(exclude, "exclude")
    return ReturnSpec(gap, acts, excl)


@dataclass(frozen=True)
class ReturnStep(Step):
    """A funnel step whose events are the derived return moments of ``ret``."""

    ret: ReturnSpec = field(default_factory=lambda: return_spec())
    #: its events are derived moments (rows with name NULL), not events an app fired
    derived: bool = True

    @property
    def data_text(self) -> str:
        return json.dumps({DERIVED_KEY: self.ret.tag}, separators=(",", ":"))

    def expr(self, events: ir.Table) -> ir.BooleanValue:
        return events.name.isnull() & (events.data == ibis.literal(self.data_text))

    def matches(self, name: str | None, data: Mapping[str, Any] | None) -> bool:
        return name is None and data == {DERIVED_KEY: self.ret.tag}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"returned": self.ret.to_dict()}
        if self.label:
            out["label"] = self.label
        return out


def returned(
    dormant_for: Duration = "30d",
    active: ActivityLike | None = "any",
    exclude: ActivityLike | None = None,
    label: str | None = None,
) -> ReturnStep:
    """The moment a user comes back after at least ``dormant_for`` without activity, as a
    funnel step (``lake.funnel([jl.returned("30d"), "purchase"], within="7d")``) or a
    condition (``jl.offer(..., entry=jl.returned("30d"))``)."""
    spec = return_spec(dormant_for, active, exclude)
    return ReturnStep(spec.title, (), label, spec)


def mark_returns(t: ir.Table, spec: ReturnSpec, at: str, order: Sequence[str]) -> ir.Table:
    """Add ``_act`` (activity), ``_prev`` (the previous activity's ``at``) and ``_ret`` (the
    row is a return) to ``t``; ``order`` breaks ties at one instant (e.g. event_id)."""
    t = t.mutate(_act=spec.activity(t))
    w = ibis.window(group_by=["user_id", "_act"], order_by=[at, *order])
    t = t.mutate(_prev=ibis.cases((t._act, t[at].lag().over(w))))
    gap = ibis.interval(microseconds=spec.dormant_for // timedelta(microseconds=1))
    ret = t._act & t._prev.notnull() & (t[at] >= t._prev + gap)
    return t.mutate(_ret=ret.fill_null(False))


def derived_steps(steps: Iterable[Step]) -> list[ReturnStep]:
    """The distinct :class:`ReturnStep` s among ``steps`` (one per return spec)."""
    out: dict[ReturnSpec, ReturnStep] = {}
    for s in steps:
        if isinstance(s, ReturnStep):
            out.setdefault(s.ret, s)
    return list(out.values())


def with_returns(events: ir.Table, steps: Iterable[Step]) -> ir.Table:
    """``events`` plus one derived event per return moment of each :class:`ReturnStep`
    among ``steps``: same columns, name and event_id NULL, data ``{"returned": tag}``, the
    returning event's user and times. Unchanged when there is none."""
    derived = derived_steps(steps)
    if not derived:
        return events
    parts = [events]
    for st in derived:
        acts = events.filter(st.ret.activity(events))
        marked = mark_returns(acts, st.ret, "event_at", ["event_id"])
        rets = marked.filter(marked._ret)
        cols = {c: rets[c] for c in events.columns}
        # no name, no id: a moment, not an event (never an attributed event's id)
        cols["name"] = ibis.null("string")
        cols["event_id"] = ibis.null("string")
        cols["data"] = ibis.literal(st.data_text).cast(events.data.type())
        parts.append(rets.select(**cols).cast(events.schema()))
    return ibis.union(*parts)


# -- the plain-Python reference ------------------------------------------------------------
def reference_returns(
    events: Iterable[Mapping[str, Any]],
    spec: ReturnSpec,
    as_of: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    at: str = "event_at",
) -> list[dict[str, Any]]:
    """Every return, event by event: rows user_id, event_id, name, returned_at,
    last_active_at, sorted by (returned_at, user_id). ``events``: mappings with user_id,
    event_id, name, data (a mapping, JSON text or None) and the time column ``at``."""
    rows = sorted(events, key=lambda e: (e[at], str(e["event_id"])))
    last: dict[str, datetime] = {}
    out: list[dict[str, Any]] = []
    for e in rows:
        t = e[at]
        if as_of is not None and t > as_of:
            continue
        data = e.get("data")
        if isinstance(data, str):
            data = json.loads(data)
        if not spec.is_activity(e["name"], data):
            continue
        prev = last.get(e["user_id"])
        last[e["user_id"]] = t
        if prev is None or t - prev < spec.dormant_for:
            continue
        if (start is None or t >= start) and (end is None or t < end):
            out.append(
                {
                    "user_id": e["user_id"],
                    "event_id": e["event_id"],
                    "name": e["name"],
                    "returned_at": t,
                    "last_active_at": prev,
                }
            )
    return sorted(out, key=lambda r: (r["returned_at"], r["user_id"]))


def return_refs(param: str, spec: ReturnSpec) -> list[EventRef]:
    """The event names a return spec names (for journeylab.names.check_names)."""
    return [(f"{param}.{where}" if param else where, s.name) for where, s in spec.names()]


# -- the analysis -------------------------------------------------------------------------
def _at(value: datetime, col: ir.Value) -> Any:
    """``value`` as a literal of the time column's own type (no cast of the column)."""
    return ibis.literal(value, type=col.type())


def returns_expr(
    events: ir.Table,
    spec: ReturnSpec,
    as_of: datetime | None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ir.Table:
    """Ibis: the returns (user_id, event_id, name, returned_at, last_active_at) of the
    events at or before ``as_of``, with ``start <= returned_at < end``. One window (a
    LAG per user over the activity events in time order); history before ``start`` is read."""
    ev = events.filter(spec.activity(events))
    if as_of is not None:
        ev = ev.filter(ev.event_at <= _at(as_of, ev.event_at))
    m = mark_returns(ev, spec, "event_at", ["event_id"])
    r = m.filter(m._ret)
    if start is not None:
        r = r.filter(r.event_at >= _at(start, r.event_at))
    if end is not None:
        r = r.filter(r.event_at < _at(end, r.event_at))
    return r.select("user_id", "event_id", "name", returned_at=r.event_at, last_active_at=r._prev)


def reactivations(
    lake: Lake,
    dormant_for: Duration = "30d",
    active: ActivityLike | None = "any",
    exclude: ActivityLike | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    strict: bool = False,
) -> ReactivationResult:
    """Users who came back after at least ``dormant_for`` without activity (see the module
    doc and docs/journeys.md, "Reactivation").

    ``active``: "any" (every event counts as activity), an event name, a step or a list;
    ``exclude``: names (or steps) that never count, e.g. an app's own ``reactivated``;
    ``start_date``/``end_date``: bounds on the return time (a date is its whole UTC day);
    ``as_of``: the clock (default: the lake's last ``event_at``). Named events are checked
    against the lake (``result.warnings``; ``strict=True`` raises)."""
    from journeylab.names import check_names

    spec = return_spec(dormant_for, active, exclude)
    lo, hi = time_range(start_date, end_date, cls=SpecError)
    warnings = check_names(lake, return_refs("", spec), strict=strict)
    cut = as_utc(as_of, "as_of", SpecError) or lake.last_event_at()
    if cut is None:  # an empty lake
        return ReactivationResult(spec, lo, hi, None, returns_frame([]), "", warnings)
    sql = lake.to_sql(returns_expr(lake.events(), spec, cut, lo, hi))
    with lake.engine.unordered():
        frame = lake.engine.sql(sql)
    return ReactivationResult(spec, lo, hi, cut, returns_frame(frame), sql, warnings)
