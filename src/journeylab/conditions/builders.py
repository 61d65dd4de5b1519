"""Python builders: ``jl.event("purchase", count=3, within="30d")``, ``jl.all_(...)``, ..."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from journeylab.conditions.io import spec_error
from journeylab.conditions.model import (
    All,
    Any_,
    Caps,
    Condition,
    Event,
    Link,
    Not,
    Offer,
    Reentry,
    Referral,
    ReferralReward,
    Returned,
    ReturnedSpec,
    Rules,
    Sequence,
)
from journeylab.durations import Duration
from journeylab.errors import SpecError, invalid
from journeylab.journeys.reactivation import ReturnStep, return_spec

__all__ = [
    "all_",
    "any_",
    "event",
    "event_sum",
    "not_",
    "offer",
    "referral",
    "returned",
    "sequence",
]

CondLike = Condition | ReturnStep | str | Mapping[str, Any]
_COND: TypeAdapter[Condition] = TypeAdapter(Condition)


def _build(cls: Any, data: dict[str, Any]) -> Any:
    try:
        return cls.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise spec_error(exc) from None


def _cond(value: CondLike, param: str) -> Condition:
    if isinstance(value, Event | Returned | All | Any_ | Not | Sequence):
        return value
    if isinstance(value, ReturnStep):  # jl.returned(...): the moment, counted once
        return Returned(returned=ReturnedSpec.of(value.ret))
    if isinstance(value, str):
        return event(value)
    if isinstance(value, Mapping):
        try:
            return _COND.validate_python(dict(value))
        except ValidationError as exc:
            raise spec_error(exc) from None
    raise invalid(param, value, "a condition: jl.event(...), jl.all_(...), ...", cls=SpecError)


def event(
    name: str,
    count: int | None = None,
    within: Duration | None = None,
    where: Mapping[str, Any] | None = None,
    from_: str | None = None,
    count_from: str | None = None,
) -> Event:
    """A leaf: at least ``count`` events ``name`` matching ``where`` (within a window)."""
    return _build(
        Event,
        {
            "event": name,
            "count": count,
            "within": within,
            "where": dict(where) if where is not None else None,
            "from": from_,
            "count_from": count_from,
        },
    )


def event_sum(
    name: str,
    field: str,
    gte: float,
    within: Duration | None = None,
    where: Mapping[str, Any] | None = None,
    from_: str | None = None,
    count_from: str | None = None,
) -> Event:
    """A leaf on the sum of a numeric ``data[field]`` over events ``name``: sum >= gte."""
    return _build(
        Event,
        {
            "event": name,
            "sum": {"field": field, "gte": gte},
            "within": within,
            "where": dict(where) if where is not None else None,
            "from": from_,
            "count_from": count_from,
        },
    )


def returned(
    dormant_for: Duration = "30d",
    count: int | None = None,
    within: Duration | None = None,
    from_: str | None = None,
    count_from: str | None = None,
    active: Any = "any",
    exclude: Any = None,
) -> Returned:
    """A leaf: the user came back after at least ``dormant_for`` without activity (``count``
    times; ``active``/``exclude`` say what activity is, see journeylab.journeys). A return
    is known at the returning event: ``offer(..., entry=returned("30d"))`` enrols users
    when they come back."""
    spec = ReturnedSpec.of(return_spec(dormant_for, active, exclude))
    return _build(
        Returned,
        {
            "returned": spec,
            "count": count,
            "within": within,
            "from": from_,
            "count_from": count_from,
        },
    )


def all_(*conds: CondLike) -> All:
    """Every condition holds."""
    return (
        All(all=[_cond(c, f"all_[{i}]") for i, c in enumerate(conds)])
        if conds
        else _build(All, {"all": []})
    )


def any_(*conds: CondLike) -> Any_:
    """At least one condition holds."""
    return (
        Any_(any=[_cond(c, f"any_[{i}]") for i, c in enumerate(conds)])
        if conds
        else _build(Any_, {"any": []})
    )


def not_(cond: CondLike) -> Not:
    """The condition does not hold."""
    return Not.model_validate({"not": _cond(cond, "not_")})


def sequence(*steps: str | Event | Mapping[str, Any], within: Duration | None = None) -> Sequence:
    """Steps in this order, one event each, first to last within ``within``."""
    items = [_cond(s, f"sequence[{i}]") for i, s in enumerate(steps)]
    return _build(Sequence, {"sequence": items, "within": within})


def offer(
    name: str,
    entry: CondLike,
    satisfy: CondLike,
    audience: CondLike | None = None,
    *,
    reward: float = 0,
    expires_after: Duration | None = None,
    reentry: Reentry | Mapping[str, Any] | None = None,
    caps: Caps | Mapping[str, Any] | None = None,
    time_basis: Literal["event_at", "received_at"] = "event_at",
    signup_event: str = "signup",
    description: str | None = None,
) -> Offer:
    """An offer: ``audience``/``entry`` enrol, ``satisfy`` earns ``reward`` (see Offer).

    >>> jl.offer("welcome", entry="signup", satisfy=jl.event("purchase"), reward=5).reward
    5.0
    """
    data: dict[str, Any] = {
        "name": name,
        "entry": _cond(entry, "entry"),
        "satisfy": _cond(satisfy, "satisfy"),
        "audience": _cond(audience, "audience") if audience is not None else None,
        "reward": reward,
        "expires_after": expires_after,
        "reentry": reentry,
        "caps": caps,
        "time_basis": time_basis,
        "signup_event": signup_event,
        "description": description,
    }
    return _build(Offer, data)


def referral(
    name: str,
    link: str | Link | Mapping[str, Any],
    satisfy: CondLike,
    *,
    reward: ReferralReward | Mapping[str, float] | None = None,
    rules: Rules | Mapping[str, Any] | None = None,
    expires_after: Duration | None = None,
    caps: Caps | Mapping[str, Any] | None = None,
    time_basis: Literal["event_at", "received_at"] = "event_at",
    signup_event: str = "signup",
    description: str | None = None,
) -> Referral:
    """A referral: ``link`` event on the referee, ``satisfy`` judged after the link;
    ``reward`` as ``{"referrer": ..., "referee": ...}``."""
    link_spec = {"event": link} if isinstance(link, str) else link
    data: dict[str, Any] = {
        "name": name,
        "link": link_spec,
        "satisfy": _cond(satisfy, "satisfy"),
        "reward": reward,
        "rules": rules,
        "expires_after": expires_after,
        "caps": caps,
        "time_basis": time_basis,
        "signup_event": signup_event,
        "description": description,
    }
    return _build(Referral, data)
