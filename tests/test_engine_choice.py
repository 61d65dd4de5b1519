"""Choosing the engine: the Python arguments and the CLI options, checked before any Spark
starts (the end-to-end runs are in tests/test_spark_connect.py)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from journeylab import Engine, open_lake
from journeylab.cli.common import EngineChoice, engine_options
from journeylab.errors import InputError


def test_spark_implies_pyspark_and_contradictions_are_errors() -> None:
    with pytest.raises(InputError, match="engine: 'duckdb'.*'pyspark'"):
        Engine.resolve("duckdb", spark="sc://127.0.0.1:9")
    with pytest.raises(InputError, match="spark.*not both"):
        Engine.resolve(Engine.duckdb(), spark="sc://127.0.0.1:9")
    with pytest.raises(InputError, match="remote.*not both"):
        Engine.pyspark(session=object(), remote="sc://127.0.0.1:9")


@pytest.mark.parametrize(
    ("remote", "needle"),
    [
        ("http://host:15002", "sc://host:15002"),
        ("sc://", "sc://host:15002"),
        ("sc://host:notaport", "sc://host:15002"),
        ("sc://127.0.0.1:9", "No Spark Connect server answers at 127.0.0.1:9"),
    ],
)
def test_a_bad_spark_connect_address_is_one_clear_error(remote: str, needle: str) -> None:
    with pytest.raises(InputError, match="spark remote") as info:
        Engine.pyspark(remote=remote)
    assert needle in str(info.value) and repr(remote) in str(info.value)


def test_open_lake_passes_spark_on(tmp_path: Path) -> None:
    open_lake(tmp_path / "lake", create=True)
    with pytest.raises(InputError, match="127.0.0.1:9"):
        open_lake(tmp_path / "lake", spark="sc://127.0.0.1:9")


def test_spark_settings_are_key_value() -> None:
    with pytest.raises(InputError, match="--spark-conf: 'novalue'.*KEY=VALUE"):
        EngineChoice("pyspark", conf=("novalue",)).settings()
    choice = EngineChoice("pyspark", conf=("spark.a = 1", "spark.b=x=y"))
    assert choice.settings() == {"spark.a": "1", "spark.b": "x=y"}
    assert EngineChoice().engine().kind == "duckdb"
    assert EngineChoice(" DuckDB ").engine().kind == "duckdb"


def test_engine_options_replace_the_engine_parameter() -> None:
    @engine_options
    def command(lake: Path, as_json: bool = False, engine: EngineChoice = EngineChoice()) -> str:
        """Doc."""
        return f"{lake} {as_json} {engine}"

    params = inspect.signature(command).parameters
    assert list(params) == ["lake", "as_json", "engine", "spark_remote", "spark_conf"]
    assert command.__doc__ == "Doc."
    out = command(
        lake=Path("x"), as_json=True, engine="pyspark", spark_remote=None, spark_conf=["a=b"]
    )
    assert out == "x True EngineChoice(kind='pyspark', remote=None, conf=('a=b',))"
    with pytest.raises(TypeError, match="engine"):
        engine_options(lambda lake: None)


#: commands that write a lake, or touch none: the only ones without the engine options
LOCAL_ONLY = {"init", "ingest", "declare", "compact", "sample", "schema", "serve"}


def test_every_analysis_command_has_the_engine_options() -> None:
    import typer

    from journeylab.cli import app

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for name, command in commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", ())}
        engine = {"--engine", "--spark-remote", "--spark-conf"}
        if name in LOCAL_ONLY:
            assert not engine & options, name
        else:  # one line: @engine_options (cli.common)
            assert engine <= options, f"{name}: add @engine_options (journeylab.cli.common)"
