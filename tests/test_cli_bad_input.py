"""No traceback for a user error, from any CLI command (issue 12).

Every command registered on the ``journeylab`` app is fed the bad inputs listed for it in
tests/cli_cases.py (missing paths, files where folders are expected and the reverse,
unreadable files, bad flags and values) plus an unknown flag; each must print one
``error:`` line naming the parameter and the value, print nothing on stdout, and exit 2.
The cases run in-process (the same click entry point as the console script); a few run as
real subprocesses below, to check what a person sees in a terminal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner

from cli_cases import CASES, Case
from journeylab.cli import app

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
OFFER = (
    "kind: offer\nname: one-buy\nentry: {event: signup}\nsatisfy: {event: purchase}\nreward: 5\n"
)


def _commands() -> list[str]:
    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_cases() -> None:
    missing = [c for c in _commands() if not CASES.get(c)]
    assert not missing, f"commands without bad-input cases in tests/cli_cases.py: {missing}"
    stale = sorted(set(CASES) - set(_commands()))
    assert not stale, f"cases for commands that are gone: {stale}"


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("bad")
    events = root / "events.jsonl"
    rows = [
        {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T00:00:00Z"},
        {"userId": "u1", "name": "purchase", "eventAt": "2025-01-02T00:00:00Z"},
    ]
    events.write_text("".join(json.dumps(r) + "\n" for r in rows))
    lake = root / "lake"
    result = CliRunner().invoke(app, ["ingest", str(events), "--lake", str(lake)])
    assert result.exit_code == 0, result.output
    (root / "dir").mkdir()
    (root / "dir" / "notes.txt").write_text("not a lake\n")
    (root / "file.txt").write_text("a text file\n")
    (root / "page.jsonl").write_text("<!DOCTYPE html><html><body>Sign in</body></html>\n")
    (root / "offer.yaml").write_text(OFFER)
    (root / "notyaml.yaml").write_text("kind: offer\nname: [unclosed\n")
    (root / "expect.yaml").write_text("users: {u1: satisfied}\n")
    (root / "spend.csv").write_text("date,channel,amount\n2025-01-01,ads,10\n")
    unreadable = root / "unreadable.yaml"
    if ROOT:  # permissions do not stop root: a FIFO cannot be read without a writer
        os.mkfifo(unreadable)
    else:
        unreadable.write_text(OFFER)
        unreadable.chmod(0)
    yield {
        "lake": str(lake),
        "new": str(root / "new"),
        "missing": str(root / "missing" / "nothing.yaml"),
        "file": str(root / "file.txt"),
        "dir": str(root / "dir"),
        "unreadable": str(unreadable),
        "events": str(events),
        "html": str(root / "page.jsonl"),
        "spec": str(root / "offer.yaml"),
        "notyaml": str(root / "notyaml.yaml"),
        "expect": str(root / "expect.yaml"),
        "spend": str(root / "spend.csv"),
    }
    if not ROOT:
        unreadable.chmod(0o644)


def _all_cases() -> list[tuple[str, Case]]:
    out = [(cmd, case) for cmd in sorted(CASES) for case in CASES[cmd]]
    out += [(cmd, ("unknown flag", ["--no-such-flag"], ("--no-such-flag",))) for cmd in CASES]
    return out


@pytest.mark.parametrize(
    ("command", "case"), _all_cases(), ids=[f"{c}: {case[0]}" for c, case in _all_cases()]
)
def test_bad_input_is_one_clear_line_and_exit_2(
    paths: dict[str, str], command: str, case: Case
) -> None:
    _, args, needles = case
    argv = [command, *(a.format(**paths) for a in args)]
    result = CliRunner().invoke(app, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{argv}: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 2, f"{argv}: exit {result.exit_code}\n{result.output}"
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], f"{argv}:\n{result.stderr}"
    assert all(ln.startswith("warning:") for ln in lines[:-1]), result.stderr
    for needle in needles:
        assert needle.format(**paths) in errors[0], f"{argv}: {needle!r} not in {errors[0]!r}"
    assert result.stdout == "", f"{argv}: stdout {result.stdout!r}"


def _cli() -> list[str]:
    return [sys.executable, "-c", "from journeylab.cli import main; main()"]


def test_in_a_terminal_user_errors_are_one_line_without_python_warnings(
    paths: dict[str, str],
) -> None:
    for args in (
        ["funnel", "--lake", paths["missing"], "--steps", "a,b"],
        ["ingest", paths["unreadable"], "--lake", paths["new"]],
        ["backtest", paths["dir"], "--lake", paths["lake"]],
        ["funnel", "--lake", paths["lake"], "--stepz", "a,b"],
    ):
        proc = subprocess.run([*_cli(), *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith("error:") and "Warning" not in proc.stderr


def test_library_warnings_do_not_reach_the_terminal(paths: dict[str, str]) -> None:
    """A run that works prints no Python warning (DeprecationWarning and the like)."""
    proc = subprocess.run(
        [*_cli(), "funnel", "--lake", paths["lake"], "--steps", "signup,purchase", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "always"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
