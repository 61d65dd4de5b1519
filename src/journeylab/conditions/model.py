"""The condition model: frozen pydantic v2 models for leaves, combinators, offers, referrals.

The YAML/JSON form is the model's alias form: a leaf has ``event`` (+ ``where``, ``count``
or ``sum``, ``within``, ``from``, ``count_from``); combinators are the keys ``all``,
``any``, ``not`` and ``sequence`` (+ ``within``). Semantics: docs/conditions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from journeylab.durations import format_duration, parse_duration
from journeylab.errors import JourneylabError
from journeylab.where import parse_where, where_to_dict

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
    "Rules",
    "Sequence",
    "SumSpec",
    "implicit_deadline",
    "program_deadline",
    "relevant_names",
    "walk",
]


def _dur(value: Any) -> timedelta:
    try:
        return parse_duration(value)
    except JourneylabError as exc:
        raise ValueError(str(exc)) from None


def _fmt(td: timedelta) -> str:
    """Shortest exact spelling in d, h, m or s (days rather than weeks, as people write)."""
    total = td.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if total and total % size == 0:
            return f"{int(total // size)}{unit}"
    return format_duration(td)


Dur = Annotated[
    timedelta,
    BeforeValidator(_dur),
    PlainSerializer(_fmt, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*[smhdw]\s*$"},
                {"type": "number", "minimum": 0},
            ],
            "description": "a duration: 30s, 15m, 2h, 7d, 4w (or seconds)",
        }
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            valid = [f.alias or n for n, f in cls.model_fields.items()]
            for key in data:
                if key not in valid and key not in cls.model_fields:
                    raise ValueError(f"unknown key {key!r}; valid keys: {', '.join(valid)}")
        return data


def _check_where(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        return where_to_dict(parse_where(value))
    except JourneylabError as exc:
        raise ValueError(str(exc)) from None


Where = Annotated[
    dict[str, Any] | None,
    BeforeValidator(_check_where),
    WithJsonSchema(
        {
            "type": "object",
            "description": "filter on data: {key: value} or {key: {op: value}}, "
            "op in eq, ne, in, gt, gte, lt, lte, contains, exists",
        }
    ),
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
        All: "All",
        Any_: "Any",
        Not: "Not",
        Sequence: "Sequence",
    }
    return tags.get(type(value))


Condition = Annotated[
    Annotated[Event, Tag("Event")]
    | Annotated[All, Tag("All")]
    | Annotated[Any_, Tag("Any")]
    | Annotated[Not, Tag("Not")]
    | Annotated[Sequence, Tag("Sequence")],
    Discriminator(
        _tag,
        custom_error_type="invalid_condition",
        custom_error_message="Expected a condition: a mapping with one of the keys "
        "event, all, any, not, sequence",
    ),
]
TAGS = frozenset({"Event", "All", "Any", "Not", "Sequence"})

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


class _Program(_Model):
    name: str = Field(min_length=1)
    description: str | None = None
    satisfy: Condition
    expires_after: Dur | None = None
    time_basis: Literal["event_at", "received_at"] = "event_at"
    signup_event: str = Field(default="signup", min_length=1)

    # -- conveniences shared by offers and referrals (bodies in io / backtest) ----------
    def to_dict(self) -> dict[str, Any]:
        from journeylab.conditions.io import dump_dict

        return dump_dict(self)  # type: ignore[arg-type]

    def to_yaml(self) -> str:
        from journeylab.conditions.io import dump_yaml

        return dump_yaml(self)  # type: ignore[arg-type]

    def to_json(self) -> str:
        from journeylab.conditions.io import dump_json

        return dump_json(self)  # type: ignore[arg-type]

    def backtest(self, lake: Any, **kw: Any) -> Any:
        """Backtest on a lake; see :func:`journeylab.conditions.backtest.backtest`."""
        from journeylab.conditions.backtest import backtest

        return backtest(self, lake, **kw)  # type: ignore[arg-type]

    def replay(self, events: Any, **kw: Any) -> Any:
        """The event-by-event reference; see :func:`journeylab.conditions.replay.replay`."""
        from journeylab.conditions.replay import replay

        return replay(self, events, **kw)  # type: ignore[arg-type]


def _context_check(prefix: str, cond: Condition) -> None:
    """Audience and entry are judged before enrolment: no enrolment-anchored counting."""
    for path, leaf in walk(cond, prefix):
        if isinstance(leaf, Event):
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
                if node.from_ == "signup":
                    names.add(p.signup_event)
    return sorted(names)


def implicit_deadline(cond: Condition) -> timedelta | None:
    """Without expires_after: the longest enrolment-anchored window, when every leaf has one
    and there is no ``not``/``sequence`` (after it nothing can change, so it is exact)."""
    spans: list[timedelta] = []
    for _, node in walk(cond, "satisfy"):
        if isinstance(node, Not | Sequence):
            return None
        if isinstance(node, Event):
            if node.within is None or node.from_ not in (None, "enrollment"):
                return None
            spans.append(node.within)
    return max(spans) if spans else None


def program_deadline(p: Offer | Referral) -> timedelta | None:
    return p.expires_after if p.expires_after is not None else implicit_deadline(p.satisfy)
