"""The ``returned`` leaf: a user's comebacks after a quiet spell, as a condition.

``{returned: {dormant_for: 30d, active: [...], exclude: [...]}}`` counts the user's return
moments (journeylab.journeys.reactivation: an activity event at least ``dormant_for``
after the previous one) like an ``event`` leaf counts events: ``count`` (default 1),
``within`` + ``from``, ``count_from``. A return is known at the returning event, so an
offer can enrol users the moment they come back (docs/conditions.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from journeylab.conditions.base import Dur, Where, _Model

__all__ = ["ActivityStep", "Returned", "ReturnedSpec"]


class ActivityStep(_Model):
    """``{event: NAME, where: {...}}`` in ``active`` or ``exclude``."""

    event: str = Field(min_length=1, max_length=255)
    where: Where = None


Activity = list[str | ActivityStep]


class ReturnedSpec(_Model):
    """What a return is: ``dormant_for`` without activity; ``active``: ``any`` (default)
    or the events that count; ``exclude``: events that never count."""

    dormant_for: Dur
    active: Literal["any"] | Activity = "any"
    exclude: Activity | None = None

    @field_validator("dormant_for")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("dormant_for must be a positive duration like '30d'")
        return value

    @field_validator("active", "exclude")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if isinstance(value, list):
            if not value:
                raise ValueError("give at least one event (or leave the key out)")
            for item in value:
                if isinstance(item, str) and not 1 <= len(item) <= 255:
                    raise ValueError(f"{item!r} is not an event name (1 to 255 characters)")
        return value

    def spec(self) -> Any:
        """The :class:`journeylab.journeys.reactivation.ReturnSpec` it describes."""
        from journeylab.journeys.reactivation import return_spec

        def steps(items: Activity) -> list[Any]:
            return [
                i if isinstance(i, str) else {"event": i.event, "where": i.where} for i in items
            ]

        active = self.active if self.active == "any" else steps(self.active)  # type: ignore[arg-type]
        exclude = steps(self.exclude) if self.exclude else None
        return return_spec(self.dormant_for, active, exclude)

    @classmethod
    def of(cls, spec: Any) -> ReturnedSpec:
        """The model of a ReturnSpec (``jl.returned(...).ret``)."""
        return cls.model_validate(spec.to_dict())


class Returned(_Model):
    """A leaf: the user's return moments, counted (``count``, default 1), optionally
    ``within`` a window ``from`` enrollment, signup or rolling; ``count_from`` as events."""

    returned: ReturnedSpec
    count: int | None = Field(default=None, ge=1)
    within: Dur | None = None
    from_: Literal["enrollment", "signup", "rolling"] | None = Field(default=None, alias="from")
    count_from: Literal["enrollment", "lifetime"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Returned:
        if self.from_ is not None and self.within is None:
            raise ValueError(f"from: {self.from_!r} needs within (a duration)")
        return self

    @property
    def need(self) -> int:
        return self.count or 1

    @property
    def sum(self) -> None:
        """Returns are counted, never summed (the same shape as an event leaf)."""
        return None
