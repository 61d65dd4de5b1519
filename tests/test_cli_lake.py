"""The lake commands: ingest, catalog, declare, compact (JSON output and exit status)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from journeylab.cli import app

runner = CliRunner()
GOOD = {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z"}


def _run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_ingest_json_report_and_bad_lines_exit_zero(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl([GOOD, GOOD, "broken", {"userId": "u2"}, {**GOOD, "name": "buy"}])
    lake = tmp_path / "lake"
    result = _run("ingest", path, "--lake", lake, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"accepted", "duplicates", "rejected", "rejected_by_reason"} <= set(report)
    assert (report["accepted"], report["duplicates"], report["rejected"]) == (2, 1, 2)
    assert report["rejected_by_reason"] == {"invalid_json": 1, "missing_name": 1}
    again = json.loads(_run("ingest", path, "--lake", lake, "--json").stdout)
    assert (again["accepted"], again["duplicates"]) == (0, 3)


def test_ingest_human_output(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl([GOOD, "broken", {**GOOD, "eventAt": "2024-01-01T00:00:00"}])
    result = _run("ingest", path, "--lake", tmp_path / "lake")
    assert result.exit_code == 0
    assert "1 accepted" in result.stdout and "rejected invalid_json: 1" in result.stdout
    assert "timestamps without offset read as UTC" in result.stdout


def _ingest_piped(path: Path, lake: Path, columns: int) -> str:
    """What ``journeylab ingest`` prints, run as a subprocess whose output is a pipe."""
    return subprocess.run(
        [sys.executable, "-c", "from journeylab.cli import main; main()", "ingest", str(path)]
        + ["--lake", str(lake)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": str(columns)},
    ).stdout


def test_ingest_summary_piped_is_one_line_a_reason(tmp_path: Path, write_jsonl) -> None:
    """Piped (80 columns), each rejection reason with its first example is one line, as
    the warnings are (rich broke them mid-phrase at 80 columns); the span of event times
    reads as the catalog's instants."""
    late = {**GOOD, "eventAt": "2024-01-02T03:04:05.678Z"}
    path = write_jsonl([GOOD, late, {**GOOD, "eventAt": "yesterday at noon, more or less"}])
    out = _ingest_piped(path, tmp_path / "l", columns=80)
    lines = out.splitlines()
    reason = next(line for line in lines if "rejected invalid_event_at" in line)
    assert len(reason) > 80 and reason.endswith("))"), out  # whole, detail and all
    assert "  events from 2024-01-01 00:00:00 to 2024-01-02 03:04:05 UTC" in lines, out


def test_ingest_names_misspelt_fields_and_the_first_of_each_rejection(
    tmp_path: Path, write_jsonl
) -> None:
    path = write_jsonl(
        [
            {"userId": "u1", "name": "signup", "evntAt": "2024-01-01T00:00:00Z"},
            {"userID": "u2", "name": "signup"},
            {**GOOD, "name": ["not", "a", "string"]},
        ]
    )
    out = _ingest_piped(path, tmp_path / "l", columns=300)
    assert "warning: ignored fields that are not Events API fields" in out, out
    assert "'evntAt' (1 record, did you mean 'eventAt'?)" in out, out
    assert (
        "rejected missing_user_id: 1 (first: events.jsonl record 2: userId is required; "
        "the record has 'userID': did you mean 'userId'?)"
    ) in out, out
    assert "rejected invalid_name: 1 (first: events.jsonl record 3: name must be a string" in out


def test_catalog_and_declare_json(tmp_path: Path, write_jsonl) -> None:
    lake = tmp_path / "lake"
    _run(
        "ingest",
        write_jsonl([GOOD, {**GOOD, "userId": "u2"}, {**GOOD, "name": "Sign Up"}]),
        "--lake",
        lake,
    )
    assert _run("declare", "checkout", "--lake", lake, "--description", "cart paid").exit_code == 0
    result = _run("catalog", "--lake", lake, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert all(
        {"name", "events", "users", "first_seen", "last_seen", "declared"} <= set(r) for r in rows
    )
    by = {r["name"]: r for r in rows}
    assert by["signup"]["events"] == 2 and by["signup"]["users"] == 2
    assert by["signup"]["first_seen"] == "2024-01-01T00:00:00Z"
    assert by["checkout"]["declared"] is True and by["checkout"]["events"] == 0
    human = _run("catalog", "--lake", lake)
    assert "warning" in human.stdout and "'checkout' is declared but has never been fired" in (
        human.stdout.replace("\n", " ")
    )


def test_compact_command(tmp_path: Path, write_jsonl) -> None:
    lake = tmp_path / "lake"
    for i in range(3):
        _run("ingest", write_jsonl([{**GOOD, "userId": f"u{i}"}], f"f{i}.jsonl"), "--lake", lake)
    result = _run("compact", "--lake", lake)
    assert result.exit_code == 0 and "1 event file" in result.stdout


def _assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0]


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = _run("ingest", tmp_path / "nope.jsonl", "--lake", tmp_path / "lake")
    _assert_one_line_error(result, "nope.jsonl", "does not exist")


def test_a_refused_input_creates_no_lake(tmp_path: Path, write_jsonl) -> None:
    """An input refused whole (a folder, a binary file, a bad --timezone) is one error and
    leaves no new lake behind; a good one then creates it."""
    folder = tmp_path / "export.jsonl"
    folder.mkdir()
    binary = tmp_path / "data.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    lake = tmp_path / "lake"
    _assert_one_line_error(_run("ingest", folder, "--lake", lake), "is a folder")
    _assert_one_line_error(_run("ingest", binary, "--lake", lake), "data.jsonl")
    good = write_jsonl([GOOD])
    _assert_one_line_error(
        _run("ingest", good, "--lake", lake, "--timezone", "Mars/Olympus"), "timezone"
    )
    _assert_one_line_error(
        _run("ingest", good, "--lake", lake, "--ids-memory", "lots"), "--ids-memory", "256MB"
    )
    assert not lake.exists()
    assert _run("ingest", good, "--lake", lake, "--json").exit_code == 0
    assert (lake / "journeylab-lake.json").is_file()


def test_ids_memory_flag_bounds_the_ids_held(tmp_path: Path, write_jsonl) -> None:
    """``--ids-memory 0`` probes the lake's ids on disk: a re-sent file is all duplicates,
    as with the default budget."""
    path = write_jsonl([GOOD, {**GOOD, "eventId": "e-2"}])
    lake = tmp_path / "lake"
    for memory in ("256MB", "0", "1.5GiB"):
        result = _run("ingest", path, "--lake", lake, "--ids-memory", memory, "--json")
        assert result.exit_code == 0, result.output
        got = json.loads(result.stdout)
        assert (got["accepted"], got["duplicates"]) == ((2, 0) if memory == "256MB" else (0, 2))


def test_unknown_extension_and_format_are_one_line_errors(tmp_path: Path) -> None:
    path = tmp_path / "events.xml"
    path.write_text("<x/>")
    _assert_one_line_error(
        _run("ingest", path, "--lake", tmp_path / "lake"), "events.xml", "--format"
    )
    _assert_one_line_error(
        _run("ingest", path, "--lake", tmp_path / "lake", "--format", "xml"), "'xml'", "jsonl"
    )


def test_catalog_of_a_missing_lake_is_an_error(tmp_path: Path) -> None:
    _assert_one_line_error(
        _run("catalog", "--lake", tmp_path / "none"), "does not exist", "journeylab init"
    )


def test_console_script_runs_in_a_subprocess(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl([GOOD, "bad"])
    cmd = [sys.executable, "-c", "from journeylab.cli import main; main()"]
    out = subprocess.run(
        [*cmd, "ingest", str(path), "--lake", str(tmp_path / "lake"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["rejected"] == 1
    bad = subprocess.run(
        [*cmd, "ingest", str(tmp_path / "x.jsonl"), "--lake", str(tmp_path / "lake")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stdout == ""
