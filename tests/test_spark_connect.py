"""Spark Connect, end to end: a real server process started from the pyspark package on
loopback (tests/spark_server.py), the CLI pointed at it with ``--spark-remote``, and the
``--json`` output of a funnel, an activation comparison and a backtest identical, byte for
byte, to DuckDB's on the same lake."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeylab import open_lake
from journeylab.cli import app
from spark_server import connect_server, require_spark
from test_spark_support import assert_frames_same, build_lake, small_records

pytestmark = pytest.mark.spark
runner = CliRunner()

OFFER = """\
kind: offer
name: two-purchases
audience: {event: signup, where: {channel: {in: [ads, organic]}}}
entry: {event: signup}
satisfy: {event: purchase, where: {amount: {gte: 10}}, count: 2, within: 30d}
expires_after: 30d
reentry: {mode: never}
caps: {budget: 60}
reward: 10
"""
SPEND = "date,channel,amount\n2025-03-01,ads,100\n2025-03-02,organic,30\n2025-03-05,Ads,7\n"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    require_spark()
    with connect_server() as url:
        yield url


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("connect")
    (root / "offer.yaml").write_text(OFFER)
    (root / "spend.csv").write_text(SPEND)
    return {
        "lake": build_lake(root / "lake", small_records(seed=11)),
        "offer": root / "offer.yaml",
        "spend": root / "spend.csv",
    }


COMMANDS = {
    "funnel": [
        "funnel",
        "--steps",
        "signup,view_item,add_to_cart,purchase",
        "--within",
        "7d",
        "--by",
        "channel",
    ],
    "activation": [
        "activation",
        "--activation",
        "viewed=view_item",
        "--activation",
        "carted=add_to_cart",
        "--spend",
        "{spend}",
    ],
    "backtest": ["backtest", "{offer}"],
}


def _run(args: list[str], files: dict[str, Path], *extra: str) -> str:
    argv = [a.format(**{k: str(v) for k, v in files.items()}) for a in args]
    result = runner.invoke(app, [*argv, "--lake", str(files["lake"]), "--json", *extra])
    assert result.exit_code == 0, (argv, result.output)
    return result.stdout


# funnel and activation: 100 s of the fast tier on a slow hour, in the slow tier; the fast
# one keeps the backtest's CLI run and the Python API's activation comparison and backtest
@pytest.mark.parametrize(
    "command", [c if c == "backtest" else pytest.param(c, marks=pytest.mark.slow) for c in COMMANDS]
)
def test_cli_on_spark_connect_prints_what_duckdb_prints(
    server: str, files: dict[str, Path], command: str
) -> None:
    duck = _run(COMMANDS[command], files)
    spark = _run(
        COMMANDS[command],
        files,
        "--spark-remote",
        server,
        "--spark-conf",
        "spark.sql.shuffle.partitions=3",
    )
    assert '"warnings"' in duck and len(duck) > 200
    assert spark == duck


def test_open_lake_with_a_spark_connect_url(server: str, files: dict[str, Path]) -> None:
    lake = open_lake(files["lake"], engine="pyspark", spark=server)
    assert lake.engine.kind == "pyspark"
    assert type(lake.engine.backend._session).__module__.startswith("pyspark.sql.connect")
    duck = open_lake(files["lake"])
    assert lake.count() == duck.count()
    assert lake.last_event_at() == duck.last_event_at()
    assert lake.catalog().table().equals(duck.catalog().table())


@pytest.mark.slow  # the fast tier runs the CLI on Spark Connect (CI's 30 minutes)
def test_python_api_on_spark_connect_identical(server: str, files: dict[str, Path]) -> None:
    from journeylab.conditions.io import load_program

    duck, spark = open_lake(files["lake"]), open_lake(files["lake"], spark=server)
    kw = {"activations": {"viewed": "view_item", "bought": "purchase"}, "spend": files["spend"]}
    a, b = duck.compare_activations(**kw), spark.compare_activations(**kw)  # in-memory tables
    for part in ("definitions_frame", "overlap_frame", "channel_frame", "users_frame"):
        assert_frames_same(getattr(a, part), getattr(b, part), part)
    program = load_program(files["offer"])
    assert_frames_same(program.backtest(duck).users, program.backtest(spark).users, "users")
