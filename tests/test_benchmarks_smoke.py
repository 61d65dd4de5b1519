"""The benchmarks still run (slow tier): each script end to end on a tiny input, with its
cache in a temporary folder. The numbers mean nothing here; docs/performance.md has the real
ones, measured by hand on the full-size data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(script: str, *args: str, cache: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        env={**os.environ, "JOURNEYLAB_BENCH_CACHE": str(cache)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    start = proc.stdout.index("{")  # the summary is the last thing printed, as JSON
    result: dict[str, object] = json.loads(proc.stdout[start:])
    return result


def test_funnel_and_backtest_benchmarks_run(tmp_path: Path) -> None:
    funnel = _run(
        "funnel.py",
        "--users",
        "3000",
        "--repeat",
        "1",
        "--engines",
        "journeylab,duckdb_sql",
        cache=tmp_path,
    )
    assert funnel["counts_identical"] is True and funnel["users"] == 3000
    backtest = _run("backtest.py", "--users", "3000", "--repeat", "1", cache=tmp_path)
    assert backtest["events"] == funnel["events"]
    assert backtest["specs"] and all(s["stages"] for s in backtest["specs"].values())


def test_ingest_benchmark_runs(tmp_path: Path) -> None:
    result = _run("ingest.py", "--events", "20000", "--repeat", "2", cache=tmp_path)
    assert len(result["floor_read_json_to_parquet"]["walls"]) == 2  # type: ignore[index]
    for fmt in ("jsonl", "parquet", "csv"):
        assert result[fmt]["report"]["records"] >= 19_000  # type: ignore[index]
        walls = result[fmt]["walls"]  # type: ignore[index]
        assert result[fmt]["wall_seconds"] == sorted(walls)[0]  # type: ignore[index]
        alone = result["duckdb_alone_" + fmt]  # DuckDB alone beside each format
        assert len(alone["walls"]) == 2 and alone["events_per_second"] > 0  # type: ignore[index]
    assert len(result["jsonl"]["ratios_per_round"]) == 2  # type: ignore[index]
    assert result["jsonl"]["ratio_to_floor"] > 0  # type: ignore[index]
    assert list(tmp_path.glob("ingest-20000-*.jsonl"))  # the cache went where it was told
    nested = _run("ingest.py", "--events", "20000", "--nested", "--no-duckdb-alone", cache=tmp_path)
    for fmt in ("jsonl", "parquet", "csv"):  # the same events, data nested in a file of its own
        assert nested[fmt]["report"] == result[fmt]["report"]  # type: ignore[index]
    assert list(tmp_path.glob("ingest-20000-s1-nested.*"))
    compact = _run(
        "ingest.py", "--compact", "--lake-events", "30000", "--ingests", "3", cache=tmp_path
    )["compact"]
    assert compact["events"] == 30_000 and compact["compact"]  # type: ignore[index]


def test_serve_benchmark_runs(tmp_path: Path) -> None:
    result = _run(
        "serve.py", "--batched", "2000", "--singles", "200", "--seconds", "1", cache=tmp_path
    )
    assert result["lake"]["exactly_once"] is True  # type: ignore[index]
    assert result["batched"]["events"] == 2000  # type: ignore[index]


def test_spark_benchmark_runs(tmp_path: Path) -> None:
    result = _run("spark.py", "--events", "20000", cache=tmp_path)
    assert result["outputs_identical"] is True
    engines = result["engines"]
    assert isinstance(engines, dict) and set(engines) == {"duckdb", "pyspark"}
