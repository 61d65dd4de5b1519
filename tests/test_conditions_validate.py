"""Condition programs checked against the lake (journeylab.names): exact names, nearest names,
data fields (issue 12 unified the check on names.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from journeylab import Lake, load_program
from journeylab.conditions.validate import (
    event_refs,
    field_refs,
    validate_program,
    warning_dict,
)
from journeylab.names import NameWarning, UnknownNameError

OFFER = {
    "kind": "offer",
    "name": "three-purchases",
    "audience": {"event": "signup", "where": {"channel": {"in": ["ads"]}}},
    "entry": {"event": "signup"},
    "satisfy": {
        "all": [
            {"event": "Purchase", "count": 3, "within": "30d"},
            {"not": {"event": "refund_issued"}},
            {"sequence": [{"event": "cart"}, {"event": "checkout"}], "within": "1h"},
        ]
    },
    "reward": 10,
}


@pytest.fixture
def small_lake(lake: Lake, write_jsonl: Callable[..., Path]) -> Lake:
    rows = [
        {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z"},
        {"userId": "u1", "name": "purchase", "eventAt": "2024-01-02T00:00:00Z"},
        {"userId": "u1", "name": "checkout", "eventAt": "2024-01-02T00:00:00Z"},
        {"userId": "u2", "name": "cart", "eventAt": "2024-01-02T00:00:00Z"},
    ]
    lake.ingest(write_jsonl(rows))
    lake.declare("refund_issued", description="not yet instrumented")
    return lake


def test_event_refs_walks_every_leaf_with_its_yaml_path() -> None:
    assert event_refs(OFFER) == [
        ("audience.event", "signup"),
        ("entry.event", "signup"),
        ("satisfy.all[0].event", "Purchase"),
        ("satisfy.all[1].not.event", "refund_issued"),
        ("satisfy.all[2].sequence[0].event", "cart"),
        ("satisfy.all[2].sequence[1].event", "checkout"),
    ]


def test_event_refs_ignores_where_keys_named_event() -> None:
    prog = {"satisfy": {"event": "a", "where": {"event": {"eq": "x"}}}}
    assert event_refs(prog) == [("satisfy.event", "a")]


def test_referral_link_is_checked() -> None:
    prog = {"kind": "referral", "link": {"event": "referal", "referrer_field": "referrerId"}}
    assert event_refs(prog) == [("link.event", "referal")]


def test_unknown_name_warns_with_nearest_and_declared_never_fired(small_lake: Lake) -> None:
    warnings = validate_program(OFFER, small_lake)
    assert [(w.param, w.name, w.kind) for w in warnings] == [
        ("satisfy.all[0].event", "Purchase", "unknown_event"),
        ("satisfy.all[1].not.event", "refund_issued", "declared_never_fired"),
        ("audience.where.channel", "channel", "unknown_field"),
    ]
    unknown = warnings[0]
    assert unknown.suggestions[0] == "purchase"
    assert "names must match exactly" in unknown.message()
    assert "'purchase'" in unknown.message()
    assert "declared but has never been fired" in warnings[1].message()
    assert unknown.to_dict()["suggestions"] == list(unknown.suggestions)
    # the backtest CLI's --json keeps the keys scripts read before (path, event)
    legacy = warning_dict(unknown)
    assert (legacy["path"], legacy["event"]) == ("satisfy.all[0].event", "Purchase")
    assert warning_dict(warnings[2])["event"] == "signup"


def test_exact_names_give_no_warning(small_lake: Lake) -> None:
    prog = {"entry": {"event": "signup"}, "satisfy": {"any": [{"event": "purchase"}]}}
    assert validate_program(prog, small_lake) == []


def test_fields_of_leaves_sums_and_links_are_listed() -> None:
    prog = {
        "satisfy": {
            "all": [
                {"event": "buy", "where": {"amount": {"gte": 1}}, "sum": {"field": "amount"}},
                {"sequence": [{"event": "a", "where": {"plan": "pro"}}, {"event": "b"}]},
            ]
        },
        "link": {"event": "referral", "referrer_field": "referrer"},
    }
    assert field_refs(prog) == [
        ("satisfy.all[0].where.amount", "amount", ("buy",)),
        ("satisfy.all[0].sum.field", "amount", ("buy",)),
        ("satisfy.all[1].sequence[0].where.plan", "plan", ("a",)),
        ("link.referrer_field", "referrer", ("referral",)),
    ]


def test_strict_raises_with_every_unknown_name(small_lake: Lake) -> None:
    with pytest.raises(UnknownNameError, match="Purchase") as info:
        validate_program(OFFER, small_lake, strict=True)
    assert len(info.value.warnings) == 3


def test_unknown_name_without_near_names_has_no_suggestions(small_lake: Lake) -> None:
    (w,) = validate_program({"satisfy": {"event": "zzzzzzzzzzzz"}}, small_lake)
    assert w == NameWarning("satisfy.event", "zzzzzzzzzzzz", "unknown_event", (), ())
    assert "nearest" not in str(w)


def test_from_signup_checks_the_signup_event(small_lake: Lake) -> None:
    prog = {
        "entry": {"event": "signup"},
        "satisfy": {"event": "purchase", "within": "7d", "from": "signup"},
        "signup_event": "sign_up",
    }
    assert event_refs(prog)[-1] == ("signup_event", "sign_up")
    (w,) = validate_program(prog, small_lake)
    assert (w.param, w.kind, w.suggestions[0]) == ("signup_event", "unknown_event", "signup")
    # through the model too (the default signup_event is "signup")
    program = load_program({"name": "p"} | {k: v for k, v in prog.items() if k != "signup_event"})
    assert ("signup_event", "signup") in event_refs(program)
    assert validate_program(program, small_lake) == []
