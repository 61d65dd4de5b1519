"""Shared, generic fixtures: a fresh lake and a writer of JSON-lines files."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from journeylab import Lake, open_lake
from journeylab.lake import sources


@pytest.fixture(autouse=True)
def _compiled_ingest_for_every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests ingest small files; let them take the compiled scanner and the two-stage commit
    as a big input would (by default inputs under 32 MiB take the Python path)."""
    monkeypatch.setattr(sources, "FAST_MIN_BYTES", 0)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    """An empty lake in a temporary folder (DuckDB engine)."""
    return open_lake(tmp_path / "lake")


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    """``write_jsonl(records, name="events.jsonl")``: dicts are JSON-encoded, str/bytes as-is."""

    def write(records: Iterable[Any], name: str = "events.jsonl") -> Path:
        path = tmp_path / name
        with open(path, "wb") as fh:
            for rec in records:
                if isinstance(rec, bytes):
                    line = rec
                elif isinstance(rec, str):
                    line = rec.encode()
                else:
                    line = json.dumps(rec, ensure_ascii=False).encode()
                fh.write(line + b"\n")
        return path

    return write
