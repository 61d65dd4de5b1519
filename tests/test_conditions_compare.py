"""journeylab.compare(a, b, lake): stages side by side, who differs, reward difference."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import journeylab as jl
from journeylab import Lake, load_program


def ev(user: str, name: str, day: int, **data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"userId": user, "name": name, "eventAt": f"2024-01-{day:02d}T00:00:00Z"}
    if data:
        out["data"] = data
    return out


# u1: 3 purchases; u2: 2 purchases; u3: 1 purchase; u4 signs up late (pending)
ROWS = [
    ev("u1", "signup", 1),
    *(ev("u1", "purchase", d) for d in (2, 3, 4)),
    ev("u2", "signup", 1),
    *(ev("u2", "purchase", d) for d in (2, 5)),
    ev("u3", "signup", 1),
    ev("u3", "purchase", 2),
    ev("u4", "signup", 28),
    ev("u9", "page", 30),
]


def offer(name: str, count: int, reward: float = 10, **kw: Any) -> dict[str, Any]:
    return {
        "kind": "offer",
        "name": name,
        "entry": {"event": "signup"},
        "satisfy": {"event": "purchase", "count": count, "within": "7d"},
        "reward": reward,
        **kw,
    }


@pytest.fixture
def small_lake(lake: Lake, write_jsonl: Callable[..., Path]) -> Lake:
    lake.ingest(write_jsonl(ROWS))
    return lake


def test_stages_side_by_side_and_reward_difference(small_lake: Lake) -> None:
    cmp = jl.compare(load_program(offer("three", 3)), load_program(offer("two", 2)), small_lake)
    stages = {r["stage"]: (r["a"], r["b"], r["diff"]) for r in cmp.stages.iter_rows(named=True)}
    assert stages["enrolled"] == (4, 4, 0)
    assert stages["satisfied"] == (1, 2, 1)
    assert stages["expired"] == (2, 1, -1)
    assert stages["pending"] == (1, 1, 0)
    assert cmp.stages["stage"].to_list()[:3] == ["audience", "enrolled", "satisfied"]
    assert (cmp.reward_a, cmp.reward_b, cmp.reward_diff) == (10.0, 20.0, 10.0)
    assert cmp.only_a == () and cmp.only_b == ("u2",)
    assert cmp.users.select("user_id", "status_a", "status_b").rows() == [
        ("u2", "expired", "satisfied")
    ]
    ea, eb = cmp.explanations["u2"]
    assert ea.status == "expired" and "had 2 of 3" in str(ea)
    assert eb.status == "satisfied" and "had 2 of 2" in str(eb)
    # explain any user on demand
    a3, b3 = cmp.explain("u3")
    assert (a3.status, b3.status) == ("expired", "expired")


def test_budget_moves_rewards_between_users(small_lake: Lake) -> None:
    """Same budget, easier condition: B's budget goes to whoever qualifies first."""
    a = offer("three", 3, caps={"budget": 10})
    b = offer("two", 2, caps={"budget": 10})
    cmp = jl.compare(a, b, small_lake)  # mappings are accepted as well as programs
    # under B, u1 qualifies on 01-03 and u2 on 01-05: u1 gets the one reward, u2 is capped
    assert cmp.only_a == () and cmp.only_b == ()
    assert dict(zip(cmp.users["user_id"], cmp.users["status_b"], strict=True)) == {"u2": "capped"}
    assert cmp.reward_diff == 0


def test_yaml_paths_text_json_and_chart(small_lake: Lake, tmp_path: Path) -> None:
    pa, pb = tmp_path / "a.yaml", tmp_path / "b.yaml"
    pa.write_text(yaml.safe_dump(offer("three", 3)))
    pb.write_text(yaml.safe_dump(offer("three", 1, reward=5)))
    cmp = jl.compare(pa, pb, small_lake, explain_limit=1)
    assert cmp.b_name == "three (B)"  # same names are told apart
    assert cmp.only_b == ("u2", "u3") and list(cmp.explanations) == ["u2"]
    d = cmp.to_dict()
    json.dumps(d)
    assert d["stages"]["satisfied"] == {"a": 1, "b": 3, "diff": 2}
    assert d["reward_total"] == {"a": 10.0, "b": 15.0, "diff": 5.0}
    assert d["satisfied_only_b"] == ["u2", "u3"]
    text = str(cmp)
    assert "satisfied only under B: 2 (u2, u3)" in text and "--- u2 under A ---" in text
    spec = cmp.chart().to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {"stage": "satisfied", "program": "B: three (B)", "users": 3} in values


def test_backtest_charts(small_lake: Lake) -> None:
    from journeylab.errors import InputError

    result = load_program(offer("three", 3)).backtest(small_lake)
    stages = result.chart().to_dict()
    rows = stages["datasets"][next(iter(stages["datasets"]))]
    assert {"stage": "satisfied", "users": 1, "group": "outcome"} in rows
    assert stages["encoding"]["y"]["sort"][:2] == ["audience", "enrolled"]
    tts = result.chart("time_to_satisfy").to_dict()
    assert tts["encoding"]["x"]["bin"] == "binned"  # binned in polars: one bar per row
    tts_rows = tts["datasets"][next(iter(tts["datasets"]))]
    assert len(tts_rows) == 30 and sum(r["satisfactions"] for r in tts_rows) == 1
    assert tts["encoding"]["x"]["title"] == "hours after enrolment"  # 72 h: not over 3 days
    assert [r["start"] for r in tts_rows if r["satisfactions"]] == [72.0]
    daily = result.chart("daily").to_dict()
    daily_rows = daily["datasets"][next(iter(daily["datasets"]))]
    assert {r["what"] for r in daily_rows} == {"enrolled", "satisfied"}
    assert sum(r["count"] for r in daily_rows if r["what"] == "enrolled") == 4
    assert len(result.chart("all").to_dict()["vconcat"]) == 3
    with pytest.raises(InputError, match="kind"):
        result.chart("pie")
