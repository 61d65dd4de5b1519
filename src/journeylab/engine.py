"""The only code that opens connections. DuckDB in-process by default; PySpark injectable.

Analyses build Ibis expressions over :meth:`Engine.table`; the engine runs them and hands
back polars frames, so one code path serves DuckDB locally and Spark on a cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa

from journeylab.errors import InputError, invalid

__all__ = ["Engine", "EngineKind"]

EngineKind = Literal["duckdb", "pyspark"]


class Engine:
    """An Ibis backend plus the few things journeylab needs from it."""

    def __init__(self, backend: Any, kind: EngineKind) -> None:
        self.backend = backend
        self.kind: EngineKind = kind

    # -- construction ------------------------------------------------------------------
    @classmethod
    def duckdb(cls, threads: int | None = None, memory_limit: str | None = None) -> Engine:
        """An in-process DuckDB (the default engine). Sessions run in UTC."""
        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        backend = ibis.duckdb.connect(**config)
        backend.raw_sql("SET TimeZone = 'UTC'")
        return cls(backend, "duckdb")

    @classmethod
    def pyspark(cls, session: Any | None = None, master: str = "local[2]") -> Engine:
        """A Spark engine through Ibis' pyspark backend (``pip install journeylab[spark]``)."""
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on extras
            raise InputError(
                "Invalid value for engine: 'pyspark' is not installed. "
                "Install it with `pip install 'journeylab[spark]'`."
            ) from exc
        if session is None:
            session = (
                SparkSession.builder.master(master)
                .appName("journeylab")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.enabled", "false")
                .getOrCreate()
            )
        else:
            session.conf.set("spark.sql.session.timeZone", "UTC")
        return cls(ibis.pyspark.connect(session), "pyspark")

    @classmethod
    def resolve(cls, engine: Engine | EngineKind | None) -> Engine:
        if engine is None or engine == "duckdb":
            return cls.duckdb()
        if engine == "pyspark":
            return cls.pyspark()
        if isinstance(engine, Engine):
            return engine
        raise invalid("engine", engine, ("duckdb", "pyspark", "an Engine"))

    # -- tables --------------------------------------------------------------------------
    def table(self, name: str, files: Sequence[str], schema: pa.Schema) -> ir.Table:
        """Register ``files`` (Parquet) as the view ``name`` and return it as an Ibis table."""
        if not files:
            return self._empty(name, schema)
        return self.backend.read_parquet(list(files), table_name=name)

    def _empty(self, name: str, schema: pa.Schema) -> ir.Table:
        # A view (like read_parquet's), so the name can flip between empty and files.
        return self.backend.create_view(name, ibis.memtable(schema.empty_table()), overwrite=True)

    def memtable(self, data: pa.Table | pl.DataFrame) -> ir.Table:
        return ibis.memtable(data.to_arrow() if isinstance(data, pl.DataFrame) else data)

    # -- running -------------------------------------------------------------------------
    def to_polars(self, expr: ir.Expr) -> pl.DataFrame:
        """Run ``expr``; the result as a polars DataFrame (Arrow underneath)."""
        result = self.backend.to_pyarrow(expr)
        if isinstance(result, pa.Table):
            return pl.from_arrow(result)  # type: ignore[return-value]
        return pl.DataFrame({"value": [result.as_py()]})

    def to_sql(self, expr: ir.Expr) -> str:
        """The SQL this engine would run for ``expr``."""
        return str(ibis.to_sql(expr, dialect=self.kind))

    def sql(
        self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> pl.DataFrame:
        """Run raw SQL with bound parameters (DuckDB: ``?`` or ``$name``)."""
        if self.kind == "duckdb":
            rel = self.backend.con.sql(query, params=params or None)
            if rel is None:
                return pl.DataFrame()
            return pl.from_arrow(rel.to_arrow_table())  # type: ignore[return-value]
        session = self.backend._session
        frame = session.sql(query, args=params) if params else session.sql(query)
        return pl.from_pandas(frame.toPandas())
