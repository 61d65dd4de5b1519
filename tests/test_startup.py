"""Start-up stays light: ``import journeylab`` and ``journeylab --help`` load none of the
engines, charts or data libraries (they load when used). Checked by the modules a fresh
process holds, never by timing (times: docs/performance.md, "Start-up")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("ibis", "altair", "numba", "pyspark", "polars", "duckdb", "pyarrow", "numpy", "pydantic")

PROBE = """
import json, sys
{code}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def _cli(*argv: str) -> str:
    """Code that runs the ``journeylab`` command with ``argv`` in the probe's process."""
    return (
        "from journeylab.cli import main\n"
        f"sys.argv = {['journeylab', *argv]!r}\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )


def test_import_journeylab_loads_no_engine_or_data_library() -> None:
    assert _loaded("import journeylab").isdisjoint(HEAVY)


def test_cli_help_loads_no_engine_or_data_library() -> None:
    assert _loaded(_cli("--help")).isdisjoint(HEAVY)


def test_a_public_name_loads_on_first_use() -> None:
    import journeylab as jl

    assert jl.step("signup").name == "signup"
    assert "open_lake" in dir(jl) and "funnel" in jl.__all__
    from journeylab import FunnelResult

    assert FunnelResult.__name__ == "FunnelResult"


def test_unknown_attribute_is_an_attribute_error() -> None:
    import journeylab as jl

    try:
        jl.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_sample_command_default_start_is_the_generators() -> None:
    from journeylab.cli.sample_cmds import DEFAULT_START
    from journeylab.sample import DEFAULT_START as GENERATOR_START

    assert DEFAULT_START == GENERATOR_START


def test_compact_help_names_the_default_memory_limit() -> None:
    from journeylab.lake.compact import COMPACT_MEMORY

    out = subprocess.run(
        [sys.executable, "-c", "from journeylab.cli import main; main()", "compact", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    assert f"default {COMPACT_MEMORY}" in out


def test_a_submodule_named_like_a_function_does_not_replace_it() -> None:
    """``journeylab.report`` is a function; importing the module of the same name first
    (as the CLI does) must not turn ``jl.report`` into the module."""
    code = (
        "import journeylab.report, journeylab as jl\n"
        "assert callable(jl.report) and jl.report.__name__ == 'report', jl.report\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import journeylab as jl

    path = tmp_path_factory.mktemp("startup") / "lake"
    lake = jl.open_lake(path, create=True)
    t = "2025-01-0{}T10:00:00Z"
    records = [
        {"eventId": f"e{u}{k}", "userId": f"u{u}", "name": name, "eventAt": t.format(k + 1)}
        for u in range(3)
        for k, name in enumerate(["signup", "purchase"][: 1 + u % 2])
    ]
    lake.ingest_records(records)
    return path


def test_a_one_pass_cli_funnel_loads_neither_ibis_nor_duckdb(small_lake: Path) -> None:
    """A plain funnel reads the lake's files itself (docs/adr/0007): from the shell it
    loads no query layer and opens no DuckDB connection (~0.2 s of a cold run)."""
    loaded = _loaded(
        _cli("funnel", "--lake", str(small_lake), "--steps", "signup,purchase", "--json")
    )
    assert "polars" in loaded and "ibis" not in loaded and "duckdb" not in loaded


def test_the_cli_catalog_loads_no_query_layer(small_lake: Path) -> None:
    """On a local lake the catalog is one DuckDB statement (docs/adr/0011): no Ibis, no
    SQL compilers, no pandas (~1.2 s of a cold run)."""
    loaded = _loaded(_cli("catalog", "--lake", str(small_lake), "--json"))
    assert {"polars", "duckdb"} <= loaded and not {"ibis", "sqlglot", "pandas"} & loaded


def test_a_one_pass_funnel_loads_ibis_when_user_ids_are_asked_for(small_lake: Path) -> None:
    code = (
        "import journeylab as jl\n"
        f"f = jl.open_lake({str(small_lake)!r}).funnel(['signup', 'purchase'])\n"
        "assert 'ibis' not in sys.modules and 'duckdb' not in sys.modules\n"
        "assert f.users(step=2) == ['u1'], f.users(step=2)\n"
    )
    assert {"ibis", "duckdb"} <= _loaded(code)


def test_the_cli_ingest_loads_neither_pandas_nor_polars(tmp_path: Path) -> None:
    """``journeylab ingest`` builds its arrays from numpy and Python values: pyarrow is
    kept from importing pandas (cli/no_pandas.py), and the lake's modules load polars only
    for results (0.3–0.45 s and ~0.3 s of every ingest's fresh process)."""
    src = tmp_path / "events.jsonl"
    src.write_text(
        '{"userId": "u1", "name": "signup", "eventAt": "2025-01-01T10:00:00Z"}\n'
        '{"userId": "u1", "name": "purchase", "data": {"amount": 3}}\n'
        "not json\n"
    )
    lake = tmp_path / "lake"
    loaded = _loaded(_cli("ingest", str(src), "--lake", str(lake), "--json"))
    assert "pandas" not in loaded and "polars" not in loaded
    import journeylab as jl

    opened = jl.open_lake(lake)
    assert opened.count() == 2 and opened.rejected()["reason"].to_list() == ["invalid_json"]


def test_pyarrow_without_pandas_still_converts_to_pandas_when_asked() -> None:
    """After the look that finds no pandas, ``to_pandas`` imports it as pyarrow always
    does, and pandas imported before leaves pyarrow alone (a fresh process each)."""
    pytest.importorskip("pandas")
    later = (
        "from journeylab.cli.no_pandas import pyarrow_without_pandas\n"
        "import pyarrow as pa\n"
        "pyarrow_without_pandas()\n"
        "assert 'pandas' not in sys.modules and not any(\n"
        "    type(f).__name__ == '_NoPandas' for f in sys.meta_path)\n"
        "frame = pa.table({'a': [1, None]}).to_pandas()\n"
        "assert frame['a'].isna().tolist() == [False, True], frame\n"
    )
    assert "pandas" in _loaded(later)
    before = (
        "import pandas as pd, pyarrow as pa\n"
        "from journeylab.cli.no_pandas import pyarrow_without_pandas\n"
        "pyarrow_without_pandas()\n"
        "arr = pa.array(pd.Series(['x', 'y'], dtype='category'))\n"
        "assert pa.types.is_dictionary(arr.type), arr.type\n"
    )
    assert "pandas" in _loaded(before)


def test_help_gives_each_command_one_line_summary() -> None:
    """``journeylab --help`` lists every command with its docstring's first paragraph
    on one line: on a wide terminal no summary is cut mid-sentence."""
    import inspect

    from journeylab.cli import app

    out = subprocess.run(
        [sys.executable, "-c", "from journeylab.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "400"},
    ).stdout
    rows = [line.strip("│ ").split(None, 1) for line in out.splitlines() if line.startswith("│")]
    listed = {row[0]: row[1].strip(" │") for row in rows if len(row) == 2}
    commands = [info for info in app.registered_commands if not info.hidden]
    assert len(commands) >= 20
    for info in commands:
        name = info.name or info.callback.__name__  # type: ignore[union-attr]
        doc = inspect.cleandoc(info.callback.__doc__ or "")  # type: ignore[union-attr]
        assert listed[name] == " ".join(doc.split("\n\n")[0].split()), name
