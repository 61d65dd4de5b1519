"""Condition commands: backtest --json contract, explain, check exit codes, compare, schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from journeylab import Lake
from journeylab.cli import app

runner = CliRunner()
CONTRACT = {
    "audience",
    "enrolled",
    "satisfied",
    "expired",
    "pending",
    "ineligible",
    "capped",
    "reward_total",
    "median_seconds_to_satisfy",
}


def ev(user: str, name: str, day: int, **data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"userId": user, "name": name, "eventAt": f"2024-01-{day:02d}T00:00:00Z"}
    if data:
        out["data"] = data
    return out


ROWS = [
    ev("u1", "signup", 1),
    *(ev("u1", "purchase", d) for d in (2, 3, 4)),
    ev("u2", "signup", 1),
    ev("u2", "purchase", 2),
    ev("u3", "signup", 28),
    ev("f1", "referral", 10, referrerId="u1"),
    ev("f1", "first_widget_purchase", 12),
    ev("f2", "referral", 10, referrerId="f2"),
    ev("u9", "page", 30),
]
OFFER = {
    "kind": "offer",
    "name": "three",
    "entry": {"event": "signup"},
    "satisfy": {"event": "purchase", "count": 3, "within": "7d"},
    "reward": 10,
}
REFERRAL = {
    "kind": "referral",
    "name": "invite",
    "link": {"event": "referral"},
    "satisfy": {"event": "first_widget_purchase", "within": "14d"},
    "rules": {"no_self_referral": True, "reward_delay": "7d"},
    "reward": {"referrer": 20, "referee": 10},
}


@pytest.fixture
def env(lake: Lake, write_jsonl: Callable[..., Path], tmp_path: Path) -> dict[str, Path]:
    lake.ingest(write_jsonl(ROWS))
    paths = {"lake": lake.path}
    for name, spec in (("offer", OFFER), ("referral", REFERRAL)):
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(yaml.safe_dump(spec))
    return paths


def run(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def test_backtest_json_contract(env: dict[str, Path]) -> None:
    res = run("backtest", env["offer"], "--lake", env["lake"], "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert CONTRACT <= set(out)
    assert (out["audience"], out["enrolled"], out["satisfied"]) == (3, 3, 1)
    assert (out["expired"], out["pending"], out["capped"], out["ineligible"]) == (1, 1, 0, 0)
    assert out["reward_total"] == 10 and out["median_seconds_to_satisfy"] == 3 * 86400
    assert out["warnings"] == []
    ref = json.loads(run("backtest", env["referral"], "--lake", env["lake"], "--json").stdout)
    assert CONTRACT <= set(ref)
    assert (ref["satisfied"], ref["ineligible"], ref["reward_total"]) == (1, 1, 30)


def test_backtest_human_output_and_period_options(env: dict[str, Path]) -> None:
    res = run("backtest", env["offer"], "--lake", env["lake"])
    assert res.exit_code == 0 and "satisfied" in res.stdout and "reward_total 10" in res.stdout
    res = run("backtest", env["offer"], "--lake", env["lake"], "--start", "2024-01-20", "--json")
    assert json.loads(res.stdout)["enrolled"] == 1  # only u3 enrols on or after the start
    bad = run("backtest", env["offer"], "--lake", env["lake"], "--as-of", "yesterday")
    assert bad.exit_code == 2 and "--as-of" in bad.stderr


def test_unknown_event_warns_on_stderr(env: dict[str, Path], tmp_path: Path) -> None:
    spec = tmp_path / "typo.yaml"
    spec.write_text(yaml.safe_dump({**OFFER, "satisfy": {"event": "Purchase", "count": 3}}))
    res = run("backtest", spec, "--lake", env["lake"], "--json")
    assert res.exit_code == 0
    assert "'Purchase' is not in the lake's catalog" in res.stderr and "'purchase'" in res.stderr
    assert json.loads(res.stdout)["warnings"][0]["path"] == "satisfy.event"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("kind: offer\nname: x\nentry: {event: signup}\nsatisfy: {event: a, count: 0}\n", "count"),
        ("kind: offer\nname: x\nentry: {event: signup}\nsatisfy: {evnt: a}\n", "satisfy"),
        ("kind: coupon\nname: x\n", "kind"),
        ("kind: offer\nname: [\n", "not YAML"),
    ],
)
def test_invalid_spec_is_one_line_exit_2(env: dict[str, Path], tmp_path: Path, text, needle):
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    res = run("backtest", spec, "--lake", env["lake"])
    assert res.exit_code == 2
    assert res.stderr.startswith("error:") and needle in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    missing = run("backtest", tmp_path / "nope.yaml", "--lake", env["lake"])
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_explain(env: dict[str, Path]) -> None:
    res = run("explain", env["offer"], "--lake", env["lake"], "--user", "u2")
    assert res.exit_code == 0
    assert "user 'u2': expired" in res.stdout and "had 1 of 3 [not met]" in res.stdout
    js = json.loads(
        run("explain", env["referral"], "--lake", env["lake"], "--user", "f2", "--json").stdout
    )
    assert (js["status"], js["reason"]) == ("ineligible", "self_referral")


def _expect(tmp_path: Path, users: dict[str, Any], **kw: Any) -> Path:
    path = tmp_path / "expect.yaml"
    path.write_text(yaml.safe_dump({"users": users, **kw}))
    return path


def test_check_passes_and_fails_with_a_diff(env: dict[str, Path], tmp_path: Path) -> None:
    good = _expect(
        tmp_path,
        {"u1": {"status": "satisfied", "reward": 10}, "u2": "expired", "zz": "not_enrolled"},
        as_of="2024-01-30T00:00:00Z",
    )
    res = run("check", env["offer"], "--lake", env["lake"], "--expect", good)
    assert res.exit_code == 0, res.output
    assert "all 3 golden users match" in res.stdout
    bad = _expect(tmp_path, {"u1": "satisfied", "u2": "satisfied", "u3": "pending"})
    res = run("check", env["offer"], "--lake", env["lake"], "--expect", bad)
    assert res.exit_code == 1
    assert "1 of 3 golden user(s) differ" in res.stdout
    assert "u2: status: expected 'satisfied', got 'expired'" in res.stdout
    js = run("check", env["offer"], "--lake", env["lake"], "--expect", bad, "--json")
    assert js.exit_code == 1
    out = json.loads(js.stdout)
    assert out["ok"] is False and out["checked"] == 3
    assert out["differences"] == [
        {"user_id": "u2", "status": {"expected": "satisfied", "actual": "expired"}}
    ]


def test_check_pins_as_of(env: dict[str, Path], tmp_path: Path) -> None:
    # on 2024-01-03 u1 has bought twice: still pending
    early = _expect(tmp_path, {"u1": "pending"}, as_of="2024-01-03T00:00:00Z")
    assert run("check", env["offer"], "--lake", env["lake"], "--expect", early).exit_code == 0


@pytest.mark.parametrize(
    ("users", "needle"),
    [
        ({"u1": "done"}, "users.u1.status"),
        ({"u1": {"status": "satisfied", "why": 1}}, "users.u1"),
        ({}, "users"),
    ],
)
def test_check_bad_expect_file_exit_2(env: dict[str, Path], tmp_path: Path, users, needle):
    res = run("check", env["offer"], "--lake", env["lake"], "--expect", _expect(tmp_path, users))
    assert res.exit_code == 2 and needle in res.stderr


def test_compare_json(env: dict[str, Path], tmp_path: Path) -> None:
    b = tmp_path / "b.yaml"
    b.write_text(yaml.safe_dump({**OFFER, "name": "one", "satisfy": {"event": "purchase"}}))
    res = run("compare", env["offer"], b, "--lake", env["lake"], "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["stages"]["satisfied"] == {"a": 1, "b": 2, "diff": 1}
    assert out["satisfied_only_b"] == ["u2"] and out["reward_total"]["diff"] == 10
    human = run("compare", env["offer"], b, "--lake", env["lake"])
    assert "satisfied only under B: 1 (u2)" in human.stdout


def test_schema_is_json_schema() -> None:
    res = run("schema")
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    text = json.dumps(schema)
    assert "referrer_field" in text and "expires_after" in text


# -- the examples on the committed sample lake -------------------------------------------
REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from journeylab.sample import sample_lake

    return sample_lake(tmp_path_factory.mktemp("sample") / "lake", REPO / "sample_data").path


@pytest.mark.parametrize(
    ("spec", "expect"),
    [
        ("offer_three_purchases.yaml", "expect_offer_three_purchases.yaml"),
        ("referral_invite_a_friend.yaml", "expect_referral_invite_a_friend.yaml"),
    ],
)
def test_examples_meet_their_golden_users(sample: Path, spec: str, expect: str) -> None:
    res = run("backtest", EXAMPLES / spec, "--lake", sample, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["warnings"] == [] and out["satisfied"] > 0 and out["expired"] > 0
    check = run("check", EXAMPLES / spec, "--lake", sample, "--expect", EXAMPLES / expect)
    assert check.exit_code == 0, check.output


def test_example_variant_fails_the_gate(sample: Path) -> None:
    expect = EXAMPLES / "expect_offer_three_purchases.yaml"
    res = run("check", EXAMPLES / "offer_two_purchases.yaml", "--lake", sample, "--expect", expect)
    assert res.exit_code == 1
    assert "u00000743: status: expected 'satisfied', got 'capped'" in res.stdout
