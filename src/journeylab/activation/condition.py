"""A condition from :mod:`journeylab.conditions` as an activation source.

The user activates at the first of their events, at or after their start, at which the
condition holds. Leaves count events from the start (``count_from: lifetime`` leaves count
the whole history); ``within`` windows ``from: enrollment`` are measured from the start and
``from: signup`` from the user's first signup event. Evaluation reuses the backtest's Ibis
columns (cumulative window sums, no look-ahead), so it runs on every engine the backtest runs on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

if TYPE_CHECKING:
    from journeylab.conditions.model import Condition

__all__ = ["ConditionActivation", "condition_activation"]

_EPOCH = "1970-01-01 00:00:00+00:00"
_LAST_ID = "\U0010ffff" * 256  # event ids are at most 255 characters


class ConditionActivation:
    """Wraps a ``journeylab.conditions`` condition (``event(...)``, ``all_``, ``sequence``...)."""

    def __init__(self, condition: Condition, signup_event: str = "signup") -> None:
        from journeylab.conditions.model import Returned, walk
        from journeylab.errors import SpecError

        for path, node in walk(condition, "condition"):
            if isinstance(node, Returned):
                raise SpecError(
                    f"Invalid value at {path}: a 'returned' leaf. An activation definition "
                    "cannot be a comeback yet; compare it with lake.reactivations(...) or use "
                    "it in an offer's entry."
                )
        self.condition = condition
        self.signup_event = signup_event

    def __repr__(self) -> str:
        return f"ConditionActivation({self.to_dict()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConditionActivation) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self.to_dict()))

    def describe(self) -> str:
        """One line, e.g. ``'purchase' count >= 3 (events after the start)``."""
        from journeylab.conditions.describe import describe

        return describe(self.condition, anchor="the start")

    def to_dict(self) -> dict[str, Any]:
        dump = getattr(self.condition, "model_dump", None)
        body = dump(by_alias=True, exclude_none=True, mode="json") if dump else self.condition
        return {"condition": body}

    def activation_events(self, events: ir.Table, starts: ir.Table) -> ir.Table:
        from journeylab.conditions.backtest_exprs import CondCtx, add_condition, add_signup

        epoch = ibis.timestamp(_EPOCH)
        st = starts.select(
            _su=starts.user_id,
            a_tu=starts.start_at.delta(epoch, unit="microsecond").cast("int64"),
        )
        ev = events.mutate(tu=events.event_at.delta(epoch, unit="microsecond").cast("int64"))
        t = ev.join(st, ev.user_id == st._su).select(
            "user_id", "event_id", "name", "data", "event_at", "tu", "a_tu"
        )
        # events at or after the start count: "strictly after" a row 1µs before the start
        # whose event_id sorts after every event_id (U+10FFFF is the largest code point)
        t = t.mutate(b_tu=t.a_tu - 1, b_eid=ibis.literal(_LAST_ID, type="string"))
        t = add_signup(t, self.signup_event)
        ctx = CondCtx(tag="act", bounded=True, anchor=True, signup_event=self.signup_event)
        t, holds = add_condition(t, self.condition, ctx)
        hit = t.filter(holds & (t.tu >= t.a_tu))
        return hit.select(user_id=hit.user_id, activated_at=hit.event_at)


def condition_activation(condition: Condition, signup_event: str = "signup") -> ConditionActivation:
    """``activations={"power": condition_activation(c.event("purchase", count=3))}``."""
    return ConditionActivation(condition, signup_event)
