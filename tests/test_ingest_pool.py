"""The Arrow memory pool of an ingest (journeylab.arrow_pool): the system allocator while
it runs, the process's own pool before and after, whatever happens inside; and what the
journeylab command's process allocates with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from journeylab import IngestOptions, InputError, open_lake
from journeylab.arrow_pool import arrow_pool
from journeylab.ingest import validate


def _events(tmp_path: Path, n: int = 30) -> Path:
    path = tmp_path / "in.jsonl"
    rows = [{"userId": f"u{i % 4}", "name": "a", "eventId": f"e{i}"} for i in range(n)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _pools_seen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The default pool's backend each time a chunk is validated."""
    seen: list[str] = []
    checked = validate.Checker.validate

    def spy(self: validate.Checker, batch: object) -> object:
        seen.append(pa.default_memory_pool().backend_name)
        return checked(self, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(validate.Checker, "validate", spy)
    return seen


@pytest.fixture
def mimalloc() -> Iterator[None]:
    """The process on pyarrow's mimalloc pool (whatever the environment chose), as before."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


@pytest.mark.usefixtures("mimalloc")
def test_an_ingest_allocates_from_the_system_pool_and_gives_the_pool_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _pools_seen(monkeypatch)
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(_events(tmp_path), options=IngestOptions(chunk_rows=10))
    assert report.accepted == 30
    assert seen == ["system"] * 3
    assert pa.default_memory_pool().backend_name == "mimalloc"


@pytest.mark.usefixtures("mimalloc")
def test_memory_pool_pyarrow_leaves_the_pool_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _pools_seen(monkeypatch)
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(_events(tmp_path), options=IngestOptions(memory_pool="pyarrow"))
    assert seen == ["mimalloc"]
    records = [{"userId": "u", "name": "a", "eventId": "r1"}]
    lake.ingest_records(records)  # the default: system, then mimalloc again
    assert seen == ["mimalloc", "system"]
    assert pa.default_memory_pool().backend_name == "mimalloc"


@pytest.mark.usefixtures("mimalloc")
def test_a_failed_ingest_gives_the_pool_back(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"userId": "", "name": "a"}\n')
    lake = open_lake(tmp_path / "lake", create=True)
    with pytest.raises(InputError, match="invalid_user_id"):
        lake.ingest(path, options=IngestOptions(strict=True))
    assert pa.default_memory_pool().backend_name == "mimalloc"


@pytest.mark.usefixtures("mimalloc")
def test_overlapping_ingests_share_the_pool_until_the_last_ends() -> None:
    """Two threads enter and leave in an order that is not nested: the pool returns only
    when both have left."""
    before = pa.default_memory_pool().backend_name
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, str] = {}

    def first() -> None:
        with arrow_pool("system"):
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with arrow_pool("system"):
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = pa.default_memory_pool().backend_name

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": "system"}
    assert pa.default_memory_pool().backend_name == before


def test_a_bad_memory_pool_names_the_choices() -> None:
    with pytest.raises(InputError, match=r"memory_pool: 'sytem'.*'system', 'pyarrow'"):
        IngestOptions(memory_pool="sytem")


_CLI_POOL = (
    "import sys\n"
    "from journeylab.cli import main\n"
    "sys.argv = ['journeylab', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "import numpy as np\n"
    "import pyarrow as pa\n"
    "huge = np._core.multiarray._set_madvise_hugepage(True)\n"
    "print(pa.default_memory_pool().backend_name, huge)\n"
)


@pytest.mark.parametrize(
    ("env", "got"),
    [
        ({}, "system False"),
        ({"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}, "jemalloc False"),
        ({"NUMPY_MADVISE_HUGEPAGE": "1"}, "system True"),
    ],
)
def test_the_command_keeps_freed_memory_unless_told(env: dict[str, str], got: str) -> None:
    """The journeylab command's whole process (every command, not only ingest) uses the
    system allocator for Arrow and no huge-page advice for numpy; the variables, when
    set, are Arrow's and numpy's and win."""
    names = ("ARROW_DEFAULT_MEMORY_POOL", "NUMPY_MADVISE_HUGEPAGE")
    environ = {k: v for k, v in os.environ.items() if k not in names} | env
    out = subprocess.run(
        [sys.executable, "-c", _CLI_POOL], env=environ, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == got
