"""IngestOptions: how an ingest runs is passed in, checked once, and never read from the
environment (the failpoints of the crash tests aside)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeylab import IngestOptions, InputError, open_lake
from journeylab.cli import app

SRC = Path(__file__).resolve().parents[1] / "src" / "journeylab"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("chunk_rows", 0),
        ("chunk_rows", "10"),
        ("threads", 0),
        ("threads", 1.5),
        ("memory_limit", "lots"),
        ("memory_limit", "100"),
        ("memory_limit", 1_000_000),
    ],
)
def test_bad_options_name_the_parameter(field: str, value: object) -> None:
    with pytest.raises(InputError, match=f"Invalid value for {field}: {value!r}"):
        IngestOptions(**{field: value})  # type: ignore[arg-type]


def test_good_options() -> None:
    opts = IngestOptions(chunk_rows=5, threads=1, memory_limit="500MB", strict=True)
    assert (opts.chunk_rows, opts.threads, opts.memory_limit, opts.strict) == (5, 1, "500MB", True)


def _lines(tmp_path: Path, bad_at: int, n: int = 40) -> Path:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"userId": f"u{i}", "name": "a", "eventId": f"e{i}"}) for i in range(n)]
    lines[bad_at - 1] = '{"userId": "", "name": "a"}'
    path.write_text("\n".join(lines) + "\n")
    return path


def test_strict_stops_at_the_first_rejected_record(tmp_path: Path) -> None:
    """Chunks before the bad record's stay (as after a kill); nothing is quarantined."""
    path = _lines(tmp_path, bad_at=25)
    lake = open_lake(tmp_path / "lake", create=True)
    opts = IngestOptions(chunk_rows=10, strict=True)
    with pytest.raises(InputError, match="record 25 of 'in.jsonl': invalid_user_id"):
        lake.ingest(path, options=opts)
    assert lake.count() == 20 and len(lake.rejected()) == 0
    path.write_text(path.read_text().replace('"userId": ""', '"userId": "fixed"'))
    report = lake.ingest(path, options=opts)  # fixed: the rest lands, the first 20 are repeats
    assert (report.accepted, report.duplicates, report.rejected) == (20, 20, 0)


def test_strict_in_the_cli_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    path = _lines(tmp_path, bad_at=3)
    lake = tmp_path / "lake"
    result = CliRunner().invoke(app, ["ingest", str(path), "--lake", str(lake), "--strict"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "record 3" in lines[0]


def test_too_little_memory_is_a_clear_error(tmp_path: Path) -> None:
    path = _lines(tmp_path, bad_at=40, n=3000)
    lake = open_lake(tmp_path / "lake", create=True)
    with pytest.raises(InputError, match="memory_limit.*higher limit"):
        lake.ingest(path, options=IngestOptions(memory_limit="1MB"))
    assert lake.count() == 0


def test_ingest_and_the_lake_read_no_environment_variables() -> None:
    """Behaviour is passed in (IngestOptions), never switched by the environment."""
    for folder in ("ingest", "lake"):
        for path in (SRC / folder).glob("*.py"):
            if path.name == "failpoints.py":  # the crash tests' kill switch, read when reached
                continue
            tree = ast.parse(path.read_text("utf-8"))
            names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
            assert not names & {"environ", "getenv"}, path
