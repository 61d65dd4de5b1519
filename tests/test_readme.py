"""Every ``console`` example in README.md runs and prints what the README shows (issue 12).

Each ``$ journeylab ...`` line (with its ``\\`` continuation lines) runs in a shell from the
repository root against the sample lake, built as ``make demo`` builds ``demo_out/lake``
(into a temporary folder: ``demo_out/lake`` in the commands and their output stands for it),
at a terminal width of :data:`COLUMNS`. The lines after it are its expected output; an
expected output ending with a line ``...`` is a prefix (the rest is left out of the README).
``$ echo $?`` expects the previous command's exit status.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
COLUMNS = 100
LAKE = "demo_out/lake"


@dataclass(frozen=True)
class Example:
    line: int  # where the command is in README.md
    command: str
    expected: list[str]


def examples(text: str) -> list[Example]:
    """The ``$`` commands of every ```console block, with their expected output."""
    out: list[Example] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        i += 1
        block: list[tuple[int, str]] = []
        while lines[i].strip() != "```":
            block.append((i + 1, lines[i]))
            i += 1
        j = 0
        while j < len(block):
            no, line = block[j]
            assert line.startswith("$ "), f"README.md:{no}: output before any $ command"
            command = line[2:]
            while command.endswith("\\"):
                j += 1
                command = command[:-1] + " " + block[j][1].strip()
            j += 1
            expected = []
            while j < len(block) and not block[j][1].startswith("$ "):
                expected.append(block[j][1])
                j += 1
            out.append(Example(no, " ".join(command.split()), expected))
    return out


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def run(command: str, lake: Path, cwd: Path = REPO) -> tuple[int, list[str]]:
    """Run one README command from ``cwd`` (a stand-in for the repository root); its exit
    status and output lines (stdout and stderr as a terminal interleaves them), the lake
    shown as ``demo_out/lake``."""
    env = {
        **os.environ,
        "COLUMNS": str(COLUMNS),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(
        ["bash", "-c", command.replace(LAKE, str(lake))],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream, in the order a terminal shows them
        text=True,
        timeout=600,
    )
    text = proc.stdout.replace(str(lake), LAKE)
    return proc.returncode, [ln.rstrip() for ln in text.splitlines()]


def matches(expected: list[str], got: list[str]) -> bool:
    want = [ln.rstrip() for ln in expected]
    if want and want[-1] == "...":
        return got[: len(want) - 1] == want[:-1]
    return got == want


def test_the_readme_has_console_examples() -> None:
    commands = [e.command for e in EXAMPLES]
    assert len(commands) >= 8
    assert all(c.startswith(("journeylab ", "echo $?")) for c in commands)


@pytest.fixture(scope="module")
def sample_lake_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from journeylab.sample import sample_lake

    root = tmp_path_factory.mktemp("readme")
    return sample_lake(root / "demo_out" / "lake", REPO / "sample_data").path


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The repository's top-level files and folders, linked into a fresh folder: the
    examples read them by their relative paths, and what they write (``report.html``)
    lands there, not in the checkout."""
    for entry in REPO.iterdir():
        if not entry.name.startswith(".") and entry.name != "demo_out":
            (tmp_path / entry.name).symlink_to(entry)
    return tmp_path


def test_every_console_example_prints_what_the_readme_shows(
    sample_lake_dir: Path, workdir: Path
) -> None:
    failures = []
    status = 0
    for ex in EXAMPLES:
        if ex.command == "echo $?":
            got = [str(status)]
        else:
            status, got = run(ex.command, sample_lake_dir, workdir)
        if not matches(ex.expected, got):
            failures.append(f"README.md:{ex.line}: $ {ex.command}\n" + "\n".join(got))
    assert not failures, "\n\n".join(failures)


def test_examples_are_parsed_with_their_output() -> None:
    text = "```console\n$ journeylab a \\\n    --b c\nout 1\n...\n$ echo $?\n1\n```\n"
    (first, second) = examples(text)
    assert (first.command, first.expected) == ("journeylab a --b c", ["out 1", "..."])
    assert (second.command, second.expected) == ("echo $?", ["1"])
    assert matches(first.expected, ["out 1", "more"]) and not matches(["x"], ["x", "y"])
    assert re.fullmatch(r"\d+", second.expected[0])
