"""Shared, generic fixtures: a fresh lake and a writer of JSON-lines files; how Spark tests
share one JVM under pytest-xdist."""

from __future__ import annotations

import gc
import json
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from journeylab import Lake, open_lake

# pyspark leaves the local socket of each Arrow/collect transfer from its JVM to the garbage
# collector (pyspark.util._create_local_socket returns only the socket's file); the
# ResourceWarning is pyspark's, not ours: ignored in Spark tests only.
SPARK_SOCKETS = "ignore:unclosed <socket.socket:ResourceWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spark tests run in one xdist worker (one JVM per process is enough: two would halve
    the memory each gets) and ignore pyspark's unclosed local sockets."""
    for item in items:
        if item.get_closest_marker("spark"):
            item.add_marker(pytest.mark.xdist_group("spark"))
            item.add_marker(pytest.mark.filterwarnings(SPARK_SOCKETS))
        elif "demo_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo"))  # build the demo once


@pytest.fixture(autouse=True)
def _spark_sockets_collected(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect pyspark's dropped sockets before the test ends, so their warning is judged
    under the Spark test's filter rather than whichever test the collector next runs in."""
    yield
    if request.node.get_closest_marker("spark"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``make demo`` once, into a temporary folder: the sample lake, every analysis, the
    chart files and ``report.html`` (a journeylab.demo.Demo)."""
    from journeylab.demo import main

    return main(["--out", str(tmp_path_factory.mktemp("demo_out")), "--quiet"])


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    """An empty lake in a temporary folder (DuckDB engine)."""
    return open_lake(tmp_path / "lake", create=True)


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
