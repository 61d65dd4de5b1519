"""A step: an event name plus an optional filter on ``data`` (shared by funnels,
activation definitions and condition leaves)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journeylab.errors import SpecError, invalid
from journeylab.ingest.model import MAX_ID_CHARS
from journeylab.where import Where, parse_where, where_expr, where_match, where_to_dict

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Step", "StepLike", "as_step", "step"]


@dataclass(frozen=True)
class Step:
    """``name`` matched exactly; ``where`` ANDed predicates on ``data``."""

    name: str
    where: Where = ()
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name

    def expr(self, events: ir.Table) -> ir.BooleanValue:
        """Ibis boolean over an events table: this step's rows."""
        cond = events.name == self.name
        return cond & where_expr(events.data, self.where) if self.where else cond

    def matches(self, name: str | None, data: Mapping[str, Any] | None) -> bool:
        """Plain-Python twin of :meth:`expr` (used by the reference implementations; a
        derived moment has no name)."""
        return name == self.name and where_match(data, self.where)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.name}
        if self.where:
            out["where"] = where_to_dict(self.where)
        if self.label:
            out["label"] = self.label
        return out


def step(name: str, where: Mapping[str, Any] | None = None, label: str | None = None) -> Step:
    """Build a step: ``step("purchase", where={"amount": {"gte": 20}})``."""
    if not isinstance(name, str) or not name or len(name) > MAX_ID_CHARS:
        raise invalid(
            "step name", name, "a non-empty event name of at most 255 characters", cls=SpecError
        )
    return Step(name, parse_where(where, f"where (step {name!r})"), label)


#: what a step parameter takes: an event name, a :class:`Step`, or
#: ``{"event": NAME, "where": {...}, "label": ...}``
StepLike = str | Step | Mapping[str, Any]


def as_step(value: StepLike, param: str = "steps") -> Step:
    """Accept ``"signup"``, a Step, or ``{"event": "purchase", "where": {...}}``."""
    if isinstance(value, Step):
        return value
    if isinstance(value, str):
        return step(value)
    if isinstance(value, Mapping) and "event" in value:
        extra = set(value) - {"event", "where", "label"}
        if extra:
            raise invalid(
                f"{param} key", sorted(extra)[0], ("event", "where", "label"), cls=SpecError
            )
        return step(value["event"], value.get("where"), value.get("label"))
    if isinstance(value, Mapping) and "returned" in value:  # a derived moment
        from journeylab.journeys.reactivation import returned

        body, label = value["returned"], value.get("label")
        extra = set(value) - {"returned", "label"}
        if extra or not isinstance(body, Mapping):
            raise invalid(
                f"{param}.returned",
                dict(value),
                "{'returned': {'dormant_for': '30d', 'active': ..., 'exclude': ...}}",
                cls=SpecError,
            )
        unknown = set(body) - {"dormant_for", "active", "exclude"}
        if unknown:
            raise invalid(
                f"{param}.returned key",
                sorted(unknown)[0],
                ("dormant_for", "active", "exclude"),
                cls=SpecError,
            )
        return returned(**body, label=label)
    raise invalid(
        param,
        value,
        "an event name, journeylab.step(...), {'event': NAME, 'where': {...}} or "
        "journeylab.returned(...)",
        cls=SpecError,
    )
