"""The engine is the only boundary (docs/lake.md): what journeylab creates in a connection it
removes. After ingest, compaction and a key check, the user's connection holds nothing
journeylab left but the documented ``events`` and ``rejected`` views; and nothing under
src/ imports numba (ingest parses and hashes with DuckDB, Arrow and polars)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import duckdb

from journeylab import Engine, open_lake

SRC = Path(__file__).resolve().parents[1] / "src" / "journeylab"


def _objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    macros = con.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'jl_%'"
    ).fetchall()
    return {name for (name,) in [*tables, *views, *macros]}


def test_a_users_connection_holds_only_the_documented_views(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"userId": f"u{i}", "name": "a"}) + "\n" for i in range(30)) + "{x\n"
    )
    mine = duckdb.connect()
    mine.execute("CREATE TABLE my_table AS SELECT 1 AS x")
    engine = Engine(None, "duckdb", mine)
    lake = open_lake(tmp_path / "lake", engine=engine, create=True)
    lake.ingest(src, chunk_rows=7)
    lake.ingest(src)
    lake.compact(file_rows=10)
    lake.verify_user_keys()
    lake.ingest_records([{"userId": "u", "name": "b"}])
    assert _objects(mine) <= {"my_table", "events", "rejected"}
    assert lake.count() == 31
    lake.catalog()  # read by polars (docs/adr/0011): no view
    lake.rejected()
    lake.events()
    assert _objects(mine) == {"my_table", "events", "rejected"}


def test_nothing_imports_numba() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "numba" for n in names), path
    code = "import sys, journeylab; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
