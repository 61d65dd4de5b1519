"""``journeylab activation``: tables, JSON shape, errors as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeylab import open_lake
from journeylab.cli import app
from journeylab.cli.activation_cmds import parse_activation
from journeylab.errors import SpecError

runner = CliRunner()


@pytest.fixture
def lake_dir(tmp_path: Path) -> Path:
    lines = [
        {"userId": "a", "name": "signup", "eventAt": "2026-03-02T09:00:00Z", "data": {"channel": "ads"}},
        {"userId": "a", "name": "buy", "eventAt": "2026-03-02T12:00:00Z"},
        {"userId": "a", "name": "profile", "eventAt": "2026-03-02T10:00:00Z"},
        {"userId": "b", "name": "signup", "eventAt": "2026-03-03T09:00:00Z", "data": {"channel": "seo"}},
        {"userId": "b", "name": "profile", "eventAt": "2026-03-03T11:00:00Z"},
        {"userId": "c", "name": "signup", "eventAt": "2026-03-20T09:00:00Z"},
    ]  # fmt: skip
    src = tmp_path / "events.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    path = tmp_path / "lake"
    open_lake(path, create=True).ingest(src)
    (tmp_path / "spend.csv").write_text(
        "date,channel,amount\n2026-03-02,ads,30\n2026-03-03,seo,12\n2026-04-01,ads,1000\n"
    )
    return path


def test_json_lists_definitions_overlap_and_cac(lake_dir: Path) -> None:
    spend = lake_dir.parent / "spend.csv"
    out = runner.invoke(
        app,
        [
            "activation",
            "--lake", str(lake_dir),
            "--activation", "bought=buy",
            "--activation", "profile",
            "--within", "7d",
            "--spend", str(spend),
            "--json",
        ],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert [d["definition"] for d in doc["definitions"]] == ["bought", "profile"]
    bought = doc["definitions"][0]
    assert (bought["started"], bought["activated"], bought["in_progress"]) == (3, 1, 1)
    assert bought["median_seconds"] == 3 * 3600
    assert doc["overlap"] == [
        {
            "a": "bought",
            "b": "profile",
            "both": 1,
            "only_a": 0,
            "only_b": 1,
            "neither": 1,
            "jaccard": 0.5,
        }
    ]
    cac = {(c["channel"], c["definition"]): c["cac"] for c in doc["cac"]}
    assert cac[("ads", "bought")] == 30.0
    assert cac[("seo", "profile")] == 12.0
    assert cac[("seo", "bought")] is None
    assert doc["date_range"] == ["2026-03-02", "2026-03-20"]


def test_human_output_has_the_three_tables(lake_dir: Path) -> None:
    out = runner.invoke(
        app,
        [
            "activation",
            "--lake", str(lake_dir),
            "--activation", "bought=buy",
            "--activation", "profile=profile",
            "--spend", str(lake_dir.parent / "spend.csv"),
        ],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    for text in ("3 users started", "bought", "Overlap", "CAC per channel", "30.00"):
        assert text in out.stdout


def test_json_without_spend_has_empty_cac(lake_dir: Path) -> None:
    out = runner.invoke(
        app, ["activation", "--lake", str(lake_dir), "--activation", "b=buy", "--json"]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["cac"] == [] and doc["overlap"] == []


def test_activation_quality_in_json_and_tables(lake_dir: Path) -> None:
    """a and b came back the day after they started; as-of (c's signup) ends day 1 of both."""
    args = ["activation", "--lake", str(lake_dir), "--activation", "bought=buy",
            "--spend", str(lake_dir.parent / "spend.csv"), "--retained-period", "day",
            "--retained-at", "1", "--retained-windows", "rolling"]  # fmt: skip
    out = runner.invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    q = json.loads(out.stdout)["retained"]
    assert q["at_period"] == 1 and q["spec"]["period"] == "day"
    rows = {r["group"]: r for r in q["definitions"]}
    assert (rows["activated"]["users"], rows["activated"]["eligible"]) == (1, 1)
    assert rows["activated"]["retained"] == 0  # 'a' has nothing after its first day
    assert rows["not_activated"]["users"] == 1  # b; c is still in its window
    assert rows["activated"]["in_progress"] == 1
    assert {r["channel"] for r in q["by_channel"]} == {"ads", "seo"}  # c: in progress
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    for text in ("Still active in day 1", "CAC per retained activated user", "per retained"):
        assert text in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--activation", "=buy"], "--activation"),
        (["--activation", "x=buy", "--activation", "x=profile"], "distinct labels"),
        (["--activation", "b=buy", "--within", "soon"], "within"),
        (["--activation", "b=buy", "--spend", "/nope.csv"], "spend"),
    ],
)
def test_errors_are_one_line_exit_2(lake_dir: Path, args: list[str], message: str) -> None:
    out = runner.invoke(app, ["activation", "--lake", str(lake_dir), *args])
    assert out.exit_code == 2
    assert message in out.output
    assert "Traceback" not in out.output


def test_parse_activation() -> None:
    assert parse_activation("purchase=first_widget_purchase") == (
        "purchase",
        "first_widget_purchase",
    )
    assert parse_activation("profile_completed") == ("profile_completed", "profile_completed")
    with pytest.raises(SpecError):
        parse_activation("x=")
