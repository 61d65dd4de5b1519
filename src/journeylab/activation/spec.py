"""What an activation comparison asks: frozen, pure, hashable (no data, no connections).

A definition is a label plus a *source* of activation moments. A source is either a
:class:`~journeylab.steps.Step` (an event name plus a filter on ``data``) or anything that
follows :class:`ActivationSource`: given the events and the users' starts it yields an Ibis
table of candidate ``(user_id, activated_at)`` moments. The comparison keeps, per user, the
earliest candidate at or after the start and inside the window. Conditions from
:mod:`journeylab.conditions` plug in through
:class:`~journeylab.activation.condition.ConditionActivation` (done automatically for a
condition object or a mapping with condition keys such as ``count``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import ibis.expr.types as ir

from journeylab.conditions.model import Condition
from journeylab.durations import Duration, format_duration, parse_duration
from journeylab.errors import SpecError, invalid
from journeylab.steps import Step, StepLike, as_step
from journeylab.times import TimeLike, as_utc, time_range

__all__ = [
    "DefinitionLike",
    "ActivationSource",
    "ActivationSpec",
    "Definition",
    "as_definition",
    "activation_spec",
    "parse_activation",
    "UNKNOWN_CHANNEL",
]

UNKNOWN_CHANNEL = "unknown"


@runtime_checkable
class ActivationSource(Protocol):
    """A pluggable activation moment (e.g. a condition from ``journeylab.conditions``).

    ``activation_events`` returns an Ibis table with columns ``user_id`` (string) and
    ``activated_at`` (timestamp): every moment at which the user counts as activated.
    ``starts`` has (at least) columns ``user_id`` and ``start_at`` (one row per started
    user) for sources whose moments depend on the start. The comparison applies the window
    itself and keeps the earliest moment at or after the start.
    """

    def activation_events(self, events: ir.Table, starts: ir.Table) -> ir.Table: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Definition:
    """One activation definition: a label and its source (a Step or an ActivationSource)."""

    label: str
    source: Step | ActivationSource

    def describe(self) -> str:
        """A short human description: ``purchase where {...}`` or the source's dict."""
        if isinstance(self.source, Step):
            d = self.source.to_dict()
            return d["event"] + (f" where {d['where']}" if "where" in d else "")
        text = getattr(self.source, "describe", None)
        return str(text()) if callable(text) else str(self.source.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "definition": self.source.to_dict()}


#: what an activation definition takes: an event name, a Step, a ``{"event", "where"}``
#: mapping, a condition (model or mapping) or an :class:`ActivationSource`
DefinitionLike = StepLike | ActivationSource | Condition

_CONDITION_KEYS = frozenset(
    {"all", "any", "not", "sequence", "count", "sum", "within", "from", "count_from"}
)


def _condition(label: str, value: Any, signup_event: str) -> ActivationSource:
    """A ``journeylab.conditions`` condition (model or mapping) as an ActivationSource."""
    from pydantic import TypeAdapter, ValidationError

    from journeylab.activation.condition import ConditionActivation
    from journeylab.conditions.model import Condition

    if isinstance(value, Mapping):
        try:
            value = TypeAdapter(Condition).validate_python(dict(value))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise invalid(
                f"activations[{label!r}]" + (f".{where}" if where else ""),
                first.get("input"),
                first["msg"],
                cls=SpecError,
            ) from None
    return ConditionActivation(value, signup_event)


def as_definition(label: Any, value: Any, signup_event: str = "signup") -> Definition:
    """``"purchase"``, ``step(...)``, ``{"event": ..., "where": ...}``, a condition from
    ``journeylab.conditions`` (or its mapping, e.g. ``{"event": "purchase", "count": 3}``)
    or any ActivationSource. Conditions count from the start (see ConditionActivation)."""
    if not isinstance(label, str) or not label.strip():
        raise invalid("activations label", label, "a non-empty string", cls=SpecError)
    _no_comeback(f"activations[{label!r}]", value)
    if isinstance(value, Mapping) and set(value) & _CONDITION_KEYS:
        return Definition(label, _condition(label, value, signup_event))
    if isinstance(value, str | Step | Mapping):
        return Definition(label, as_step(value, f"activations[{label!r}]"))
    if type(value).__module__ == "journeylab.conditions.model":
        return Definition(label, _condition(label, value, signup_event))
    if isinstance(value, ActivationSource):
        return Definition(label, value)
    raise invalid(
        f"activations[{label!r}]",
        value,
        "an event name, journeylab.step(...), {'event': NAME, 'where': {...}}, "
        "a condition or an object with activation_events(events, starts)",
        cls=SpecError,
    )


def _no_comeback(param: str, value: Any) -> None:
    """A comeback (jl.returned, {returned: ...}) is not an activation moment yet: say so
    rather than count no one."""
    derived = getattr(value, "derived", False) or (
        isinstance(value, Mapping) and "returned" in value
    )
    if derived or type(value).__name__ == "Returned":
        raise invalid(
            param,
            value,
            "an event name, a step or a condition on events",
            "A comeback is not an activation definition yet; see lake.reactivations(...), "
            "or use jl.returned(...) as a funnel step or an offer's entry.",
            cls=SpecError,
        )


@dataclass(frozen=True)
class ActivationSpec:
    """Start step, definitions (in order), window, channel field, as-of and start-date range.

    ``channel`` names the start event's ``data`` field that holds the acquisition channel
    (ignored when a user table is given). Users are selected by the time of their first
    start event: ``start_at <= t < end_at`` (UTC instants, from ``start_date``/``end_date``
    by :func:`journeylab.times.time_range`); ``start_date``/``end_date`` are the UTC days
    they cover (both included), over which CAC adds up spend.
    """

    start: Step
    definitions: tuple[Definition, ...]
    within: timedelta
    channel: str = "channel"
    as_of: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.definitions)

    def definition(self, label: str) -> Definition:
        for d in self.definitions:
            if d.label == label:
                return d
        raise invalid("label", label, self.labels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.to_dict(),
            "activations": [d.to_dict() for d in self.definitions],
            "within": format_duration(self.within),
            "channel": self.channel,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "start_date": None if self.start_date is None else self.start_date.isoformat(),
            "end_date": None if self.end_date is None else self.end_date.isoformat(),
        }


def activation_spec(
    start: StepLike = "signup",
    activations: Mapping[str, DefinitionLike] | None = None,
    within: Duration = "14d",
    channel: str = "channel",
    as_of: TimeLike | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
) -> ActivationSpec:
    """Validate user arguments into an :class:`ActivationSpec` (errors name the fix)."""
    if not isinstance(activations, Mapping) or not activations:
        raise invalid(
            "activations",
            activations,
            "a non-empty mapping of label to event name, step or condition",
            "Example: activations={'purchase': 'first_widget_purchase'}.",
            cls=SpecError,
        )
    _no_comeback("start", start)
    start_step = as_step(start, "start")
    definitions = tuple(
        as_definition(label, v, start_step.name) for label, v in activations.items()
    )
    if not isinstance(channel, str) or not channel:
        raise invalid("channel", channel, "the name of a data field such as 'channel'")
    lo, hi = time_range(start_date, end_date)
    return ActivationSpec(
        start=start_step,
        definitions=definitions,
        within=parse_duration(within, "within"),
        channel=channel,
        as_of=as_utc(as_of, "as_of"),
        start_date=None if lo is None else lo.date(),
        end_date=None if hi is None else (hi - timedelta(microseconds=1)).date(),
        start_at=lo,
        end_at=hi,
    )


def parse_activation(value: str, param: str = "--activation") -> tuple[str, str]:
    """``LABEL=EVENT`` → (label, event); a bare ``EVENT`` is its own label."""
    label, sep, name = value.partition("=")
    if not sep:
        label, name = value, value
    if not label.strip() or not name.strip():
        raise invalid(
            param,
            value,
            "LABEL=EVENT_NAME, e.g. purchase=first_widget_purchase",
            cls=SpecError,
        )
    return label.strip(), name.strip()
