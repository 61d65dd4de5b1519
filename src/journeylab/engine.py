"""The only code that opens connections. DuckDB in-process by default; PySpark injectable.

Analyses build Ibis expressions over :meth:`Engine.table`; the engine runs them and hands
back polars frames, so one code path serves DuckDB locally and Spark on a cluster.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import polars as pl
import pyarrow as pa

from journeylab.errors import InputError, invalid

__all__ = ["Engine", "EngineKind"]

EngineKind = Literal["duckdb", "pyspark"]


class Engine:
    """An Ibis backend plus the few things journeylab needs from it."""

    def __init__(self, backend: Any, kind: EngineKind, con: Any = None) -> None:
        self._backend = backend
        self._con = con  # DuckDB: the connection the Ibis backend wraps, made on first use
        self.kind: EngineKind = kind
        self._local: Engine | None = None

    @property
    def backend(self) -> Any:
        """The Ibis backend. For DuckDB it is built on first use around the engine's
        connection (importing Ibis' backend costs ~0.3 s; an ingest never needs it)."""
        if self._backend is None:
            self._backend = ibis.duckdb.from_connection(self._con)
        return self._backend

    # -- construction ------------------------------------------------------------------
    @classmethod
    def duckdb(cls, threads: int | None = None, memory_limit: str | None = None) -> Engine:
        """An in-process DuckDB (the default engine). Sessions run in UTC."""
        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        import duckdb

        con = duckdb.connect(config=config)
        con.execute("SET TimeZone = 'UTC'").fetchall()
        return cls(None, "duckdb", con)

    @classmethod
    def pyspark(
        cls, session: Any | None = None, master: str = "local[2]", shuffle_partitions: int = 2
    ) -> Engine:
        """A Spark engine through Ibis' pyspark backend (``pip install journeylab[spark]``).

        Without ``session``, gets or creates a local session: UTC session time zone, small
        shuffle partitions, no UI, Arrow transfers, logs at ERROR. Needs Spark >= 4.0
        (filters on ``data`` use the VARIANT functions).
        """
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on extras
            raise InputError(
                "Invalid value for engine: 'pyspark' is not installed. "
                "Install it with `pip install 'journeylab[spark]'`."
            ) from exc
        if session is None:
            session = SparkSession.getActiveSession()  # reuse: one JVM per process
        if session is None:
            if master.startswith("local"):
                os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            session = (
                SparkSession.builder.master(master)
                .appName("journeylab")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
                .config("spark.default.parallelism", str(shuffle_partitions))
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="journeylab-spark-"))
                .getOrCreate()
            )
            session.sparkContext.setLogLevel("ERROR")
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

    def local_duckdb(self, cursor: bool = False) -> Any:
        """A DuckDB connection for local work (ingest's JSON lines fast path): this engine's
        own when it is DuckDB, else a private in-process one (UTC). ``cursor=True``: a new
        connection to the same database, for use from another thread."""
        if self.kind == "duckdb":
            con = self._con if self._con is not None else self.backend.con
        else:
            if self._local is None:
                self._local = Engine.duckdb()
            con = self._local.local_duckdb()
        if cursor:
            con = con.cursor()
            con.execute("SET TimeZone = 'UTC'")
        return con

    # -- tables --------------------------------------------------------------------------
    def table(self, name: str, files: Sequence[str], schema: pa.Schema) -> ir.Table:
        """Register ``files`` (Parquet) as the view ``name`` and return it as an Ibis table."""
        if self.kind == "pyspark":
            return self._spark_table(name, files, schema)
        if not files:
            return self._empty(name, schema)
        return self.backend.read_parquet(list(files), table_name=name)

    def _empty(self, name: str, schema: pa.Schema) -> ir.Table:
        # A view (like read_parquet's), so the name can flip between empty and files.
        return self.backend.create_view(name, ibis.memtable(schema.empty_table()), overwrite=True)

    def _spark_table(self, name: str, files: Sequence[str], schema: pa.Schema) -> ir.Table:
        # The explicit schema keeps types exact (timestamps UTC µs) and works with no files.
        from ibis.backends.pyspark.datatypes import PySparkSchema

        session = self.backend._session
        spark_schema = PySparkSchema.from_ibis(ibis.schema(schema))
        if files:
            frame = session.read.schema(spark_schema).parquet(*map(_hadoop_literal, files))
        else:
            frame = session.createDataFrame([], spark_schema)
        frame.createOrReplaceTempView(name)
        # Typed with the lake schema: Ibis would read Spark's TimestampType as naive, but
        # lake timestamps are UTC instants (the session time zone is UTC).
        return ops.DatabaseTable(
            name, schema=ibis.schema(schema), source=self.backend, namespace=ops.Namespace()
        ).to_expr()

    def memtable(self, data: pa.Table | pl.DataFrame) -> ir.Table:
        return ibis.memtable(data.to_arrow() if isinstance(data, pl.DataFrame) else data)

    # -- running -------------------------------------------------------------------------
    def to_polars(self, expr: ir.Expr) -> pl.DataFrame:
        """Run ``expr``; the result as a polars DataFrame (Arrow underneath)."""
        if self.kind == "pyspark":
            return self._spark_to_polars(expr)
        result = self.backend.to_pyarrow(expr)
        if isinstance(result, pa.Table):
            return pl.from_arrow(result)  # type: ignore[return-value]
        return pl.DataFrame({"value": [result.as_py()]})

    def _spark_to_polars(self, expr: ir.Expr) -> pl.DataFrame:
        # Arrow straight from Spark (Ibis' own path goes through pandas, which turns
        # nullable integers into floats), then cast to the expression's schema.
        from ibis.formats.pyarrow import PyArrowData

        table_expr = expr.as_table()
        self.backend._run_pre_execute_hooks(table_expr)
        frame = self.backend._session.sql(self.backend.compile(table_expr))
        arrow = PyArrowData.convert_table(frame.toArrow(), table_expr.schema())
        if isinstance(expr, ir.Table):
            return pl.from_arrow(arrow)  # type: ignore[return-value]
        if isinstance(expr, ir.Scalar):
            return pl.DataFrame({"value": [arrow.column(0)[0].as_py()]})
        return pl.from_arrow(arrow)  # type: ignore[return-value]

    def to_batches(self, expr: ir.Table, rows: int) -> Iterator[pa.RecordBatch]:
        """Run ``expr`` and stream its result in record batches of about ``rows`` rows."""
        if self.kind == "duckdb":  # ibis' to_pyarrow_batches calls an API DuckDB 2 removed
            result = self.backend.con.execute(self.to_sql(expr))
            yield from result.to_arrow_reader(rows)
            return
        yield from self.backend.to_pyarrow_batches(expr, chunk_size=rows)

    def to_sql(self, expr: ir.Expr) -> str:
        """The SQL this engine would run for ``expr``."""
        return str(ibis.to_sql(expr, dialect=self.kind))

    @contextlib.contextmanager
    def unordered(self) -> Iterator[None]:
        """Within this block, results of queries without ORDER BY come in any order.

        DuckDB then need not keep rows in insertion order (~15% less CPU on a 100M-event
        funnel); the previous setting is restored after. Spark never promises an order.
        """
        if self.kind != "duckdb":
            yield
            return
        con = self.backend.con
        row = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        before = bool(row[0]) if row else True
        con.execute("SET preserve_insertion_order = false")
        try:
            yield
        finally:
            con.execute("SET preserve_insertion_order = " + ("true" if before else "false"))

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
        return pl.from_arrow(frame.toArrow())  # type: ignore[return-value]


def _hadoop_literal(path: str) -> str:
    """Escape Hadoop glob characters so a file path is read literally by Spark."""
    return "".join("\\" + c if c in "\\{}[]*?" else c for c in path)
