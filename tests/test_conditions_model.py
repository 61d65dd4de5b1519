"""Condition model: builders, YAML round-trip, SpecError paths, JSON Schema."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import journeylab as jl
from journeylab.conditions import Event, Offer, Referral, json_schema, load_program
from journeylab.errors import SpecError

OFFER_YAML = """\
kind: offer
name: three-purchases
audience: {event: signup, where: {channel: {in: [ads, organic]}}}
entry: {event: signup}
satisfy: {event: purchase, count: 3, within: 30d}   # from: enrollment (default)
expires_after: 30d
reentry: {mode: never}
caps: {budget: 5000}
reward: 10
"""

REFERRAL_YAML = """\
kind: referral
name: invite-a-friend
link: {event: referral, referrer_field: referrerId}
satisfy: {event: first_widget_purchase, within: 14d}
rules: {new_user_only: true, no_self_referral: true, reward_delay: 7d}
reward: {referrer: 20, referee: 10}
"""


def test_issue_yaml_forms_load_and_round_trip() -> None:
    offer = load_program(OFFER_YAML)
    assert isinstance(offer, Offer)
    assert offer.satisfy == jl.event("purchase", count=3, within="30d")
    assert offer.expires_after == timedelta(days=30)
    assert offer.caps.budget == 5000 and offer.reward == 10
    assert load_program(offer.to_yaml()) == offer
    assert load_program(offer.to_json()) == offer
    ref = load_program(REFERRAL_YAML)
    assert isinstance(ref, Referral)
    assert ref.link.referrer_field == "referrerId"
    assert ref.rules.reward_delay == timedelta(days=7)
    assert ref.reward.referrer == 20 and ref.reward.referee == 10
    assert load_program(ref.to_yaml()) == ref
    assert "within: 14d" in ref.to_yaml()


def test_builders_equal_yaml() -> None:
    built = jl.all_(
        jl.event("purchase", count=3, within="30d", where={"amount": {"gte": 20}}),
        jl.any_("a", jl.not_("refund")),
        jl.sequence("cart", jl.event("checkout", where={"ok": True}), within="1h"),
        jl.event_sum("purchase", "amount", gte=100, within="7d", from_="rolling"),
    )
    offer = jl.offer("o", entry="signup", satisfy=built, reward=5)
    text = offer.to_yaml()
    assert "all:" in text and "sequence:" in text and "not:" in text and "sum:" in text
    assert load_program(text) == offer
    assert offer.satisfy == built


@pytest.mark.parametrize(
    ("yaml_text", "fragments"),
    [
        ("satisfy: {all: [{event: a}, {event: b, count: 0}]}", ["satisfy.all[1].count", "0"]),
        (
            "satisfy: {any: [{event: b, from: weekly, within: 2d}]}",
            ["satisfy.any[0].from", "'weekly'", "'rolling'"],
        ),
        ("satisfy: {all: [{event: a}, {evnt: b}]}", ["satisfy.all[1]", "event, all, any"]),
        ("satisfy: {event: b, cnt: 3}", ["satisfy", "'cnt'", "count_from"]),
        ("satisfy: {event: b, count: 2, sum: {field: x, gte: 1}}", ["satisfy", "count or sum"]),
        ("satisfy: {event: b, from: rolling}", ["satisfy", "needs within"]),
        ("satisfy: {sequence: [{event: a}, {event: b, count: 2}]}", ["satisfy.sequence[1].count"]),
        ("satisfy: {event: a, within: 3x}", ["satisfy.within", "'3x'", "7d"]),
        ("satisfy: {not: {event: a, where: {amount: {gtee: 3}}}}", ["satisfy.not.where", "gte"]),
        ("satisfy: {event: a}\nreentry: {mode: sometimes}", ["reentry.mode", "after_exit"]),
    ],
)
def test_invalid_specs_name_path_value_and_choices(yaml_text: str, fragments: list[str]) -> None:
    with pytest.raises(SpecError) as info:
        load_program("name: x\nentry: {event: s}\n" + yaml_text)
    for frag in fragments:
        assert frag in str(info.value)


def test_audience_and_entry_cannot_count_from_enrollment() -> None:
    with pytest.raises(SpecError, match=r"entry\.all\[0\]\.from"):
        load_program("name: x\nentry: {all: [{event: s, within: 3d}]}\nsatisfy: {event: a}")
    with pytest.raises(SpecError, match=r"audience\.count_from"):
        load_program(
            "name: x\naudience: {event: s, count_from: enrollment}\n"
            "entry: {event: s}\nsatisfy: {event: a}"
        )
    ok = load_program("name: x\nentry: {event: s, within: 3d, from: rolling}\nsatisfy: {event: a}")
    assert isinstance(ok.entry, Event) and ok.entry.from_ == "rolling"


def test_unknown_kind_and_missing_keys() -> None:
    with pytest.raises(SpecError, match="'offer', 'referral'"):
        load_program("kind: promo\nname: x")
    with pytest.raises(SpecError, match="entry"):
        load_program("name: x\nsatisfy: {event: a}")
    with pytest.raises(SpecError, match="does not exist"):
        load_program("missing.yaml")
    with pytest.raises(SpecError):
        jl.event("purchase", count=-1)


def test_json_schema_is_json_and_names_the_keys() -> None:
    schema = json_schema()
    text = json.dumps(schema)
    for key in ("count_from", "sequence", "referrer_field", "reward_delay", "after_exit"):
        assert key in text
