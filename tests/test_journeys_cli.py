"""``journeylab paths | transitions | retention | lifecycle | timeline``: tables, the JSON
contracts, warnings on stderr, errors as one line with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeylab.cli import app
from journeys_lake import build

runner = CliRunner()


@pytest.fixture(scope="module")
def lake_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("journeys_cli"))


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (["paths", "--start", "signup", "--depth", "2"], {"cohort", "paths", "other", "columns"}),
        (
            ["paths", "--between", "signup,purchase", "--depth", "all", "--session-gap", "none"],
            {"paths"},
        ),
        (["paths", "--end", "cart", "--group", "vi.*=v", "--exclude", "purchase"], {"paths"}),
        (["transitions", "--names", "signup,view", "--within", "1d"], {"transitions", "nodes"}),
        (
            ["retention", "--period", "week", "--periods", "3", "--by", "channel"],
            {"cohorts", "summary"},
        ),
        (
            [
                "retention",
                "--windows",
                "rolling",
                "--mode",
                "on_or_after",
                "--start-kind",
                "recurring",
            ],
            {"cohorts"},
        ),
        (
            [
                "lifecycle",
                "--period",
                "week",
                "--timezone",
                "Europe/Paris",
                "--week-start",
                "sunday",
            ],
            {"periods"},
        ),
        (["timeline", "u1", "--from", "2026-03-02", "--to", "2026-03-03"], {"events", "user_id"}),
    ],
)
def test_json_contracts(lake_dir: Path, args: list[str], keys: set[str]) -> None:
    res = runner.invoke(app, [*args, "--lake", str(lake_dir), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert keys <= set(doc) and doc["warnings"] == []


@pytest.mark.parametrize(
    "args",
    [
        ["paths", "--start", "signup"],
        ["transitions"],
        ["retention", "--periods", "2"],
        ["lifecycle"],
        ["timeline", "u2"],
    ],
)
def test_tables(lake_dir: Path, args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--lake", str(lake_dir)])
    assert res.exit_code == 0, res.output
    assert "┃" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paths"], "exactly one of start=EVENT"),
        (["paths", "--between", "a"], "--between"),
        (["paths", "--start", "signup", "--group", "nope"], "REGEX=ALIAS"),
        (["paths", "--start", "signup", "--depth", "deep"], "--depth"),
        (["retention", "--mode", "during"], "mode"),
        (["lifecycle", "--timezone", "Mars/Base"], "timezone"),
        (["retention", "--start", "sigup", "--strict"], "Unknown names"),
    ],
)
def test_errors_are_one_line_exit_2(lake_dir: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [*args, "--lake", str(lake_dir)])
    assert res.exit_code == 2
    assert message in res.stderr and "Traceback" not in res.output + res.stderr


def test_subprocess_json_and_warning_on_stderr(lake_dir: Path) -> None:
    """What a person runs: the installed command in a fresh process."""
    cmd = [
        str(Path(sys.executable).parent / "journeylab"),
        "paths",
        "--start",
        "sigup",
        "--lake",
        str(lake_dir),
        "--json",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "warning: start: event 'sigup'" in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["cohort"]["paths"] == 0 and doc["warnings"][0]["suggestions"][0] == "signup"


def test_timeline_takes_the_user_as_explain_does(lake_dir: Path) -> None:
    """``timeline --user u2`` (as ``explain --user``) is ``timeline u2``; both at once must
    agree; the table writes instants to the millisecond and ``data`` spaced, ``--json``
    keeps the lake's text."""
    given = runner.invoke(app, ["timeline", "u2", "--lake", str(lake_dir), "--json"])
    named = runner.invoke(app, ["timeline", "--user", "u2", "--lake", str(lake_dir), "--json"])
    assert given.exit_code == named.exit_code == 0, named.output
    assert json.loads(given.stdout) == json.loads(named.stdout)
    same = runner.invoke(app, ["timeline", "u2", "--user", "u2", "--lake", str(lake_dir)])
    assert same.exit_code == 0, same.output
    both = runner.invoke(app, ["timeline", "u2", "--user", "u1", "--lake", str(lake_dir)])
    assert both.exit_code == 2
    assert "--user" in both.stderr and "'u1'" in both.stderr and "'u2'" in both.stderr
    events = json.loads(given.stdout)["events"]
    first = events[0]["event_at"]  # RFC 3339, UTC
    assert first[:10] in same.stdout and first[11:19] in same.stdout  # date, time
    assert first[:19] not in same.stdout  # not RFC 3339's "T"
    data = next(e["data"] for e in events if e["data"])
    assert '":' in data and '": ' not in data  # --json: the lake's minified text
    assert '": ' in same.stdout  # the table: spaced
