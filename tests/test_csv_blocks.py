"""CSV rows longer than pyarrow's block: the reader starts again with larger blocks and
skips the rows it already gave, so the lake is the one a large block gives (the reference:
tests/ingest_reference.py); a row past the largest block is one clear error."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from ingest_strategies import csv_files
from journeylab import InputError, open_lake
from journeylab.ingest import csv_readers
from journeylab.ingest.readers import read_batches
from test_ingest_rules import end_to_end

CLI = [sys.executable, "-c", "from journeylab.cli import main; main()"]
RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)
SMALL = 32  # bytes: most rows of the files below span several blocks


def _file(tmp_path: Path, sizes: list[int], name: str = "in.csv") -> Path:
    lines = ["userId,name,eventAt,data"]
    for i, size in enumerate(sizes):
        data = json.dumps({"pad": "x" * size}).replace('"', '""')
        lines.append(f'u{i},signup,2025-01-01T00:00:{i % 60:02d}Z,"{data}"')
    lines.append(",,,")  # blank: not a record
    lines.append("u-last,signup,2025-01-02T00:00:00Z,,extra")  # more fields than the header
    text = "\n".join(lines) + "\n"
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def _rows(path: Path, chunk_rows: int = 2) -> list[tuple[int, object]]:
    out = []
    for batch in read_batches(path, "csv", 0, chunk_rows, lambda n: None):
        users = batch.table["u"].to_pylist()
        out += list(zip(batch.record.tolist(), users, strict=True))
    return out


@pytest.mark.parametrize("name", ["in.csv", "in.csv.gz"])
def test_long_rows_read_again_with_larger_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = _file(tmp_path, [10, 400, 3, 5000, 0, 200, 70000, 1], name)
    whole = _rows(path)  # 4 MiB blocks: every row fits
    assert [n for n, _ in whole] == list(range(2, 10)) + [11]
    restarts = []
    blocks = csv_readers._csv_blocks

    def counted(path: Path, header: list[str], block: int):  # type: ignore[no-untyped-def]
        restarts.append(block)
        return blocks(path, header, block)

    monkeypatch.setattr(csv_readers, "CSV_BLOCK", SMALL)
    monkeypatch.setattr(csv_readers, "_csv_blocks", counted)
    assert _rows(path) == whole
    assert restarts == [SMALL * 4**k for k in range(len(restarts))] and len(restarts) > 3


def test_long_rows_land_as_with_one_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, [10, 400, 3, 5000, 40000])
    big = open_lake(tmp_path / "big", create=True)
    want = big.ingest(path, chunk_rows=2, received_at=RECEIVED)
    monkeypatch.setattr(csv_readers, "CSV_BLOCK", SMALL)
    small = open_lake(tmp_path / "small", create=True)
    got = small.ingest(path, chunk_rows=2, received_at=RECEIVED)
    assert (got.accepted, got.rejected_by_reason) == (want.accepted, want.rejected_by_reason)
    assert want.rejected_by_reason == {"data_too_large": 1, "invalid_row": 1}
    sort = ["event_id"]
    assert (
        small.sql("SELECT * FROM events")
        .sort(sort)
        .equals(big.sql("SELECT * FROM events").sort(sort))
    )
    assert small.rejected().equals(big.rejected())


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=csv_files())
def test_generated_files_with_tiny_blocks_equal_the_reference(content: bytes) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_readers, "CSV_BLOCK", 8)
        end_to_end("csv", content, 3)


def test_a_row_past_the_largest_block_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, [10, 5000])
    monkeypatch.setattr(csv_readers, "CSV_BLOCK", SMALL)
    monkeypatch.setattr(csv_readers, "CSV_BLOCK_MAX", 512)
    lake = open_lake(tmp_path / "lake", create=True)
    with pytest.raises(InputError, match=r"CSV row longer than 512 bytes near record 3\. Split"):
        lake.ingest(path)


def test_cli_row_longer_than_sixteen_mib(tmp_path: Path) -> None:
    """The block was 16 MiB: a 40 MiB row failed with pyarrow's traceback."""
    path = _file(tmp_path, [3, 40 << 20, 3])
    run = subprocess.run(
        [*CLI, "ingest", "--lake", str(tmp_path / "l"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    lake = open_lake(tmp_path / "l")
    assert lake.count() == 2  # u0 and u2
    assert lake.rejected()["reason"].to_list() == ["data_too_large", "invalid_row"]
