"""The ``returned`` condition leaf: an offer enrols users when they come back.

Hand-computed on a small lake: YAML and builders agree, the backtest equals the replay,
explain tells the story, names are validated, bad specs name the fix. The generated
differential runs are in test_conditions_diff.py."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
import pytest

import journeylab as jl
import journeylab.conditions as c
from journeylab import SpecError
from journeylab.conditions.explain import explain
from journeylab.conditions.validate import validate_program

OFFER_YAML = """
kind: offer
name: welcome-back
entry: {returned: {dormant_for: 30d, exclude: [reactivated]}}
satisfy: {event: purchase, within: 7d}
reward: 5
reentry: {mode: after_exit, max: 2}
"""


def rec(user: str, name: str, day: str, hour: int = 0) -> dict[str, Any]:
    return {"userId": user, "name": name, "eventAt": f"{day}T{hour:02d}:00:00Z"}


ROWS = [
    # u1: quiet for 40 days, back on 02-10 (the app also fires reactivated), buys 02-12
    rec("u1", "session_start", "2025-01-01"),
    rec("u1", "reactivated", "2025-02-10", 9),
    rec("u1", "session_start", "2025-02-10", 10),
    rec("u1", "purchase", "2025-02-12"),
    # u2: never away long enough
    rec("u2", "session_start", "2025-01-01"),
    rec("u2", "session_start", "2025-01-25"),
    rec("u2", "purchase", "2025-01-26"),
    # u3: back on 03-15 with a purchase (the return itself), nothing after: pending/expired
    rec("u3", "session_start", "2025-01-05"),
    rec("u3", "purchase", "2025-03-15"),
    rec("u3", "session_start", "2025-03-30"),
    # u4: first event late in the history: not a return
    rec("u4", "session_start", "2025-03-01"),
]


@pytest.fixture
def lake(tmp_path: Any, write_jsonl: Any) -> jl.Lake:
    lake = jl.open_lake(tmp_path / "lake", create=True)
    lake.ingest(write_jsonl(ROWS), progress=False)
    return lake


def test_yaml_builders_and_round_trip() -> None:
    program = jl.load_program(OFFER_YAML)
    built = jl.offer(
        "welcome-back",
        entry=jl.returned("30d", exclude="reactivated"),
        satisfy=c.event("purchase", within="7d"),
        reward=5,
        reentry={"mode": "after_exit", "max": 2},
    )
    assert built == program
    assert jl.load_program(program.to_yaml()) == program
    leaf = c.returned("30d", count=2, within="90d", from_="rolling", exclude="reactivated")
    assert leaf.count == 2 and leaf.from_ == "rolling"
    assert leaf.returned.spec() == jl.returned("30d", exclude="reactivated").ret
    schema = json.dumps(c.json_schema())
    assert "dormant_for" in schema and "returned" in schema


def test_backtest_equals_replay_and_enrols_at_the_return(lake: jl.Lake) -> None:
    program = jl.load_program(OFFER_YAML)
    got = program.backtest(lake)
    events = lake.execute(lake.events())
    ref = program.replay(events)
    assert got.rounds.equals(ref.rounds) and got.users.equals(ref.users)
    rounds = {r["user_id"]: r for r in got.rounds.iter_rows(named=True)}
    assert sorted(rounds) == ["u1", "u3"]
    # u1 enrols at the session after 40 quiet days (the app's own event is excluded)
    assert rounds["u1"]["enrolled_at"].isoformat() == "2025-02-10T10:00:00+00:00"
    assert rounds["u1"]["status"] == "satisfied"
    # u3's return is a purchase: it enrols, and satisfy counts only later purchases
    assert rounds["u3"]["enrolled_at"].isoformat() == "2025-03-15T00:00:00+00:00"
    assert rounds["u3"]["status"] == "expired"


def test_without_the_exclusion_the_apps_event_is_the_return(lake: jl.Lake) -> None:
    program = jl.load_program(OFFER_YAML.replace(", exclude: [reactivated]", ""))
    got = program.backtest(lake)
    u1 = got.rounds.filter(pl.col("user_id") == "u1")
    assert u1["enrolled_at"][0].isoformat() == "2025-02-10T09:00:00+00:00"


def test_explain_tells_the_comeback(lake: jl.Lake) -> None:
    program = jl.load_program(OFFER_YAML)
    text = str(explain(program, lake, "u1"))
    assert "returned after 30d without activity" in text
    assert "not counting 'reactivated'" in text
    assert "satisfied" in text


def test_names_in_returned_leaves_are_validated(lake: jl.Lake) -> None:
    program = jl.load_program(OFFER_YAML.replace("[reactivated]", "[reactivatd]"))
    warnings = validate_program(program, lake)
    assert [(w.param, w.name) for w in warnings] == [("entry.returned.exclude[0]", "reactivatd")]
    assert "reactivated" in warnings[0].suggestions


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("entry: {returned: {dormant_for: 0d}}", "positive"),
        ("entry: {returned: {dormant_for: 30d, active: []}}", "at least one"),
        (
            "entry: {returned: {dormant_for: 30d, since: 3d}}",
            "Unknown key 'since'; valid keys: dormant_for",
        ),
        ("entry: {returned: {dormant_for: 30d}, within: 3d}", "from"),
        ("entry: {returned: {dormant_for: 30d}, count_from: enrollment}", "enrollment"),
    ],
)
def test_bad_returned_leaves_name_the_fix(text: str, needle: str) -> None:
    doc = f"kind: offer\nname: x\n{text}\nsatisfy: {{event: purchase}}\n"
    with pytest.raises(SpecError, match=needle):
        jl.load_program(doc)


def test_a_misspelt_key_names_the_nearest_one() -> None:
    doc = "kind: offer\nname: x\nentry: {event: signup}\nsatisy: {event: purchase}\n"
    with pytest.raises(
        SpecError, match="Unknown key 'satisy' \\(nearest: 'satisfy'\\); valid keys"
    ):
        jl.load_program(doc)
    doc = "kind: offer\nname: x\nentry: {event: signup, withn: 3d}\nsatisfy: {event: a}\n"
    with pytest.raises(SpecError, match="Unknown key 'withn' \\(nearest: 'within'\\)"):
        jl.load_program(doc)


def test_activation_refuses_a_comeback_clearly(lake: jl.Lake) -> None:
    with pytest.raises(SpecError, match="not an activation definition"):
        lake.compare_activations(start="session_start", activations={"back": jl.returned("30d")})
    with pytest.raises(SpecError, match="activation definition"):
        lake.compare_activations(
            start="session_start",
            activations={"back": c.all_(c.event("purchase"), c.returned("30d"))},
        )
