"""File-level checks before row-level ones (issue 12): a file that is not what it claims is
refused whole, with one message, and nothing is quarantined or landed."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from journeylab import InputError, Lake
from journeylab.cli import app
from journeylab.ingest.preflight import preflight

GOOD = {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T00:00:00Z"}
HTML = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>...</body></html>\n"


def _write(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def _refused(lake: Lake, path: Path, *needles: str) -> None:
    with pytest.raises(InputError) as info:
        lake.ingest(path)
    msg = str(info.value)
    assert str(path) in msg and "Nothing was ingested" in msg
    for needle in needles:
        assert needle in msg, msg
    assert lake.count() == 0
    assert lake.rejected().height == 0  # refused whole: nothing quarantined


CASES = [
    ("events.jsonl", b"\x00\x01\x02binary\xff\xfe" * 50, ("binary data", "not JSON lines")),
    ("events.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, ("a PNG image",)),
    ("events.jsonl", HTML, ("HTML", "download the export again")),
    ("events.csv", HTML, ("HTML",)),
    ("events.json", HTML, ("HTML",)),
    (
        "events.jsonl",
        json.dumps({"events": [GOOD, GOOD]}, indent=2).encode(),
        ("one JSON document", "--format json"),
    ),
    ("events.jsonl", json.dumps([GOOD, GOOD]).encode(), ("one JSON document",)),
    (
        "events.jsonl",
        b"userId,name,eventAt\nu1,signup,2025-01-01T00:00:00Z\n",
        ("is CSV", "--format csv"),
    ),
    (  # a pretty-printed batch too big to read whole: judged from its first lines
        "big.jsonl",
        json.dumps({"events": [GOOD] * 2000}, indent=2).encode(),
        ("one JSON document",),
    ),
    (
        "events.json",
        (json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n").encode(),
        ("JSON lines", "--format jsonl"),
    ),
    ("events.json", b"userId,name\nu1,a\n", ("is not a JSON document",)),
    ("events.parquet", b"userId,name\nu1,a\n", ("is not a Parquet file", "PAR1")),
    ("events.parquet", b"", ("is empty",)),
    ("events.parquet", b"PAR1" + b"\x00" * 64, ("cut short",)),
    ("events.jsonl.gz", b"not gzip at all\n", ("not gzip data",)),
    ("events.jsonl", gzip.compress(b"{}\n"), ("gzip data", ".gz suffix")),
    (  # Excel's "Unicode Text" and Windows tools write UTF-16, with a byte order mark ...
        "events.csv",
        "userId,name,eventAt\nu1,signup,2025-01-01T00:00:00Z\n".encode("utf-16"),
        ("is UTF-16 text, not CSV in UTF-8", "Excel: 'CSV UTF-8'", "iconv -f UTF-16 -t UTF-8"),
    ),
    (  # ... or without one, in either byte order
        "events.jsonl",
        (json.dumps(GOOD) + "\n").encode("utf-16-be"),
        ("is UTF-16 text, not JSON lines", "iconv -f UTF-16 -t UTF-8 events.jsonl > events-utf8"),
    ),
    (
        "events.csv.gz",
        gzip.compress("userId,name\nu1,a\n".encode("utf-16-le")),
        ("is UTF-16 text", "zcat events.csv.gz | iconv -f UTF-16 -t UTF-8 > events-utf8.csv"),
    ),
    (  # where the comma is the decimal mark, Excel separates columns by semicolons
        "events.csv",
        b"userId;name;eventAt\nu1;signup;2025-01-01T00:00:00Z\n",
        ("its header: 'userId;name;eventAt'", "separated by ';', not commas", "comma-separated"),
    ),
    ("events.csv", b'"userId"\t"name"\nu1\tsignup\n', ("separated by '\\t', not commas",)),
]


@pytest.mark.parametrize(("name", "body", "needles"), CASES, ids=[c[0] for c in CASES])
def test_wrong_kind_of_file_is_refused_whole(
    lake: Lake, tmp_path: Path, name: str, body: bytes, needles: tuple[str, ...]
) -> None:
    _refused(lake, _write(tmp_path, name, body), *needles)


def test_csv_header_without_required_columns_names_them_and_the_spellings(
    lake: Lake, tmp_path: Path
) -> None:
    path = _write(tmp_path, "events.csv", b"user_id,event,eventAt\nu1,signup,2025-01-01\n")
    _refused(
        lake,
        path,
        "lacks the required column(s) 'userId', 'name'",
        "rename 'user_id' to 'userId'",
        "'eventAt', 'eventId', 'data'",
        "its header: 'user_id', 'event', 'eventAt'",
    )


def test_a_bad_file_among_good_ones_lands_nothing(
    lake: Lake, tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    good = write_jsonl([GOOD])
    bad = _write(tmp_path, "b.jsonl", HTML)
    with pytest.raises(InputError, match="HTML"):
        lake.ingest([good, bad])
    assert lake.count() == 0


@pytest.mark.parametrize(
    "lines",
    [[b"{"], [b"[1, 2]"], [b"garbage"], [b"null", b"7"], [b'{"userId": "\xff\xfe", "name": "a"}']],
)
def test_broken_lines_are_rows_not_files(lake: Lake, tmp_path: Path, lines: list[bytes]) -> None:
    path = _write(tmp_path, "events.jsonl", b"\n".join([*lines, json.dumps(GOOD).encode()]))
    report = lake.ingest(path)  # quarantined one by one, the good event lands
    assert (report.accepted, report.rejected) == (1, len(lines))


def test_row_level_problems_are_still_quarantined_row_by_row(
    lake: Lake, tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    path = write_jsonl(["not json", GOOD, {"userId": "u2"}])  # a broken first line is a row
    report = lake.ingest(path)
    assert (report.accepted, report.rejected) == (1, 2)
    csv = _write(
        tmp_path, "ok.csv", b"\xef\xbb\xbfuserId,name,eventAt\nu1,signup,2025-01-01T00:00:00Z\n"
    )
    preflight(csv, "csv")  # a BOM before the header is fine
    empty = _write(tmp_path, "empty.jsonl", b"\n\n")
    preflight(empty, "jsonl")  # empty: nothing to refuse


def test_real_parquet_and_gzip_pass(tmp_path: Path) -> None:
    table = pa.table({"userId": ["u1"], "name": ["signup"]})
    pq.write_table(table, tmp_path / "e.parquet")
    preflight(tmp_path / "e.parquet", "parquet")
    gz = _write(tmp_path, "e.jsonl.gz", gzip.compress(json.dumps(GOOD).encode() + b"\n"))
    preflight(gz, "jsonl")


def test_paths_that_are_not_readable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        preflight(tmp_path, "jsonl")
    fifo = tmp_path / "pipe.jsonl"
    import os

    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        preflight(fifo, "jsonl")  # refused without opening it (a pipe would block)


def test_cli_refuses_with_one_line_and_exit_2(tmp_path: Path) -> None:
    path = _write(tmp_path, "events.jsonl", HTML)
    result = CliRunner().invoke(app, ["ingest", str(path), "--lake", str(tmp_path / "lake")])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "HTML" in lines[0]
    assert "Traceback" not in result.output
