"""The condition model: frozen pydantic v2 models for leaves, combinators, offers, referrals.

The YAML/JSON form is the model's alias form: a leaf has ``event`` (+ ``where``, ``count``
or ``sum``, ``within``, ``from``, ``count_from``) or ``returned`` (a comeback after a quiet
spell, journeylab.conditions.returns); combinators are the keys ``all``, ``any``, ``not``
and ``sequence`` (+ ``within``). Semantics: docs/conditions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from journeylab.conditions.base import Dur, Where, _Model
from journeylab.conditions.methods import ProgramMethods
from journeylab.conditions.returns import Returned, ReturnedSpec

__all__ = [
    "All",
    "Any_",
    "Caps",
    "Condition",
    "Event",
    "Link",
    "Not",
    "Offer",
    "Program",
    "Referral",
    "ReferralReward",
    "Reentry",
    "Returned",
    "ReturnedSpec",
    "Rules",
    "Sequence",
    "SumSpec",
    "implicit_deadline",
    "program_deadline",
    "relevant_names",
    "return_specs",
    "walk",
]


class SumSpec(_Model):
    """``sum: {field: amount, gte: 100}``: the sum of a numeric ``data`` field."""

    field: str = Field(min_length=1)
    gte: float


class Event(_Model):
    """A leaf: events named ``event`` (filtered by ``where``), counted or summed."""

    event: str = Field(min_length=1, max_length=255)
    where: Where = None
    count: int | None = Field(default=None, ge=1)
    sum: SumSpec | None = None
    within: Dur | None = None
    from_: Literal["enrollment", "signup", "rolling"] | None = Field(default=None, alias="from")
    count_from: Literal["enrollment", "lifetime"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.sum is not None and self.count is not None:
            raise ValueError("give either count or sum, not both")
        if self.from_ is not None and self.within is None:
            raise ValueError(f"from: {self.from_!r} needs within (a duration)")
        return self

    @property
    def need(self) -> int:
        return self.count or 1


class All(_Model):
    all: list[Condition] = Field(min_length=1)


class Any_(_Model):
    any: list[Condition] = Field(min_length=1)


class Not(_Model):
    not_: Condition = Field(alias="not")


class Sequence(_Model):
    """``sequence: [A, B, ...]`` in this order (one event per step), first to last within."""

    sequence: list[Event] = Field(min_length=2)
    within: Dur | None = None

    @field_validator("sequence")
    @classmethod
    def _plain_steps(cls, steps: list[Event]) -> list[Event]:
        for i, s in enumerate(steps):
            bad = [k for k in ("count", "sum", "within", "from_", "count_from") if getattr(s, k)]
            if bad:
                key = "from" if bad[0] == "from_" else bad[0]
                raise ValueError(
                    f"@[{i}].{key}: a sequence step takes only event and where "
                    "(put within on the sequence)"
                )
        return steps


def _tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for key, tag in (
            ("event", "Event"),
            ("returned", "Returned"),
            ("all", "All"),
            ("any", "Any"),
            ("not", "Not"),
            ("not_", "Not"),
            ("sequence", "Sequence"),
        ):
            if key in value:
                return tag
        return None
    tags: dict[type, str] = {
        Event: "Event",
        Returned: "Returned",
        All: "All",
        Any_: "Any",
        Not: "Not",
        Sequence: "Sequence",
    }
    return tags.get(type(value))


Condition = Annotated[
    Annotated[Event, Tag("Event")]
    | Annotated[Returned, Tag("Returned")]
    | Annotated[All, Tag("All")]
    | Annotated[Any_, Tag("Any")]
    | Annotated[Not, Tag("Not")]
    | Annotated[Sequence, Tag("Sequence")],
    Discriminator(
        _tag,
        custom_error_type="invalid_condition",
        custom_error_message="Expected a condition: a mapping with one of the keys "
        "event, all, any, not, sequence, returned",
    ),
]
TAGS = frozenset({"Event", "Returned", "All", "Any", "Not", "Sequence"})

for _cls in (All, Any_, Not, Sequence):
    _cls.model_rebuild()


class Reentry(_Model):
    """``never`` (default) or ``after_exit`` with a cooldown and a maximum of enrolments."""

    mode: Literal["never", "after_exit"] = "never"
    cooldown: Dur | None = None
    max: int | None = Field(default=None, ge=1, le=20)

    @property
    def max_rounds(self) -> int:
        if self.mode == "never":
            return 1
        return self.max if self.max is not None else 3


class Caps(_Model):
    """``per_user``: rewarded satisfactions per user; ``budget``: total reward."""

    per_user: int | None = Field(default=None, ge=1)
    budget: float | None = Field(default=None, ge=0)


class Link(_Model):
    """The referral event on the referee, naming the referrer in ``data[referrer_field]``."""

    event: str = Field(min_length=1, max_length=255)
    referrer_field: str = Field(default="referrerId", min_length=1)
    where: Where = None


class Rules(_Model):
    new_user_only: bool = False
    no_self_referral: bool = True
    reward_delay: Dur | None = None


class ReferralReward(_Model):
    referrer: float = Field(default=0, ge=0)
    referee: float = Field(default=0, ge=0)


class _Program(_Model, ProgramMethods):
    name: str = Field(min_length=1)
    description: str | None = None
    satisfy: Condition
    expires_after: Dur | None = None
    time_basis: Literal["event_at", "received_at"] = "event_at"
    signup_event: str = Field(default="signup", min_length=1)


def _context_check(prefix: str, cond: Condition) -> None:
    """Audience and entry are judged before enrolment: no enrolment-anchored counting."""
    for path, leaf in walk(cond, prefix):
        if isinstance(leaf, Event | Returned):
            if leaf.count_from == "enrollment":
                raise ValueError(
                    f"@{path}.count_from: 'enrollment' has no meaning before enrolment; "
                    "valid here: 'lifetime'"
                )
            if leaf.within is not None and leaf.from_ in (None, "enrollment"):
                raise ValueError(
                    f"@{path}.from: {leaf.from_!r} has no meaning before enrolment; "
                    "valid here: 'rolling', 'signup'"
                )


class Offer(_Program):
    kind: Literal["offer"] = "offer"
    audience: Condition | None = None
    entry: Condition
    reentry: Reentry = Reentry()
    caps: Caps = Caps()
    reward: float = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _contexts(self) -> Offer:
        if self.audience is not None:
            _context_check("audience", self.audience)
        _context_check("entry", self.entry)
        return self


class Referral(_Program):
    kind: Literal["referral"] = "referral"
    link: Link
    rules: Rules = Rules()
    caps: Caps = Caps()
    reward: ReferralReward = ReferralReward()


Program = Annotated[Offer | Referral, Field(discriminator="kind")]


def walk(cond: Condition | None, path: str) -> Iterator[tuple[str, Condition]]:
    """Every node of ``cond`` with its YAML path, parents before children."""
    if cond is None:
        return
    yield path, cond
    if isinstance(cond, All):
        for i, c in enumerate(cond.all):
            yield from walk(c, f"{path}.all[{i}]")
    elif isinstance(cond, Any_):
        for i, c in enumerate(cond.any):
            yield from walk(c, f"{path}.any[{i}]")
    elif isinstance(cond, Not):
        yield from walk(cond.not_, f"{path}.not")
    elif isinstance(cond, Sequence):
        for i, c in enumerate(cond.sequence):
            yield from walk(c, f"{path}.sequence[{i}]")


# -- program facts shared by the replay and the backtest ----------------------------------------------
def _conds(p: Offer | Referral) -> list[tuple[str, Condition | None]]:
    if isinstance(p, Offer):
        return [("audience", p.audience), ("entry", p.entry), ("satisfy", p.satisfy)]
    return [("satisfy", p.satisfy)]


def relevant_names(p: Offer | Referral) -> list[str]:
    """Event names the program reads (its decision times are these users' events)."""
    names: set[str] = {p.link.event} if isinstance(p, Referral) else set()
    for prefix, cond in _conds(p):
        for _, node in walk(cond, prefix):
            if isinstance(node, Event):
                names.add(node.event)
            if isinstance(node, Event | Returned) and node.from_ == "signup":
                names.add(p.signup_event)
    return sorted(names)


def return_specs(p: Offer | Referral) -> list[Any]:
    """The distinct return specs (journeylab.journeys.reactivation.ReturnSpec) of the
    program's ``returned`` leaves, in document order: their return moments are decision
    times too."""
    out: list[Any] = []
    for prefix, cond in _conds(p):
        for _, node in walk(cond, prefix):
            if isinstance(node, Returned) and node.returned.spec() not in out:
                out.append(node.returned.spec())
    return out


def implicit_deadline(cond: Condition) -> timedelta | None:
    """Without expires_after: the longest enrolment-anchored window, when every leaf has one
    and there is no ``not``/``sequence`` (after it nothing can change, so it is exact)."""
    spans: list[timedelta] = []
    for _, node in walk(cond, "satisfy"):
        if isinstance(node, Not | Sequence):
            return None
        if isinstance(node, Event | Returned):
            if node.within is None or node.from_ not in (None, "enrollment"):
                return None
            spans.append(node.within)
    return max(spans) if spans else None


def program_deadline(p: Offer | Referral) -> timedelta | None:
    return p.expires_after if p.expires_after is not None else implicit_deadline(p.satisfy)
