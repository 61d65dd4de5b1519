"""The only code that opens connections. DuckDB in-process by default; PySpark injectable.

Analyses build Ibis expressions over :meth:`Engine.table`; the engine runs them and hands
back polars frames, so one code path serves DuckDB locally and Spark on a cluster.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pyarrow as pa

from journeylab.engine.spark import (
    connect,
    hadoop_literal,
    local_session,
    set_conf,
    spark_conf,
)
from journeylab.errors import LakeError, invalid

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import polars as pl
    from duckdb import DuckDBPyConnection

__all__ = ["Engine", "EngineKind", "check_memory_limit"]

#: the engines (and SQL dialects, :data:`journeylab.dialects.Dialect`) journeylab runs on
EngineKind = Literal["duckdb", "pyspark"]
ExprT = TypeVar("ExprT", bound="ir.Expr")


class Engine:
    """An Ibis backend plus the few things journeylab needs from it.

    Ibis and DuckDB load, and DuckDB connects, on first use: an analysis that reads the
    lake's files itself (a one-pass funnel, docs/adr/0007) never pays for them (~0.2 s of
    a cold CLI run)."""

    def __init__(self, backend: Any, kind: EngineKind, con: Any = None) -> None:
        self._backend = backend
        #: DuckDB: the connection the Ibis backend wraps, or its config until first use
        self._con = con
        self.kind: EngineKind = kind

    @property
    def backend(self) -> Any:
        """The Ibis backend. For DuckDB it is built on first use around the engine's
        connection (importing Ibis' backend costs ~0.3 s; an ingest never needs it)."""
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self.connection)
        return self._backend

    @property
    def connection(self) -> DuckDBPyConnection:
        """The DuckDB connection, made on first use (sessions run in UTC)."""
        if isinstance(self._con, dict):
            import duckdb

            con = duckdb.connect(config=self._con)
            con.execute("SET TimeZone = 'UTC'").fetchall()
            self._con = con
        return self._con  # type: ignore[no-any-return]

    # -- construction ------------------------------------------------------------------
    @classmethod
    def duckdb(cls, threads: int | None = None, memory_limit: str | None = None) -> Engine:
        """An in-process DuckDB (the default engine). Sessions run in UTC."""
        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        return cls(None, "duckdb", config)  # connects on first use

    @classmethod
    def pyspark(
        cls,
        session: Any | None = None,
        master: str = "local[2]",
        shuffle_partitions: int = 2,
        remote: str | None = None,
        conf: Mapping[str, str] | None = None,
    ) -> Engine:
        """A Spark engine through Ibis' pyspark backend (``pip install journeylab[spark]``).

        - ``session``: a SparkSession you built (classic or Spark Connect), used as it is.
        - ``remote="sc://host:port"``: a new Spark Connect session to that server, which is
          how teams reach a cluster (the server plans and runs; this process only sends
          plans and receives Arrow).
        - neither: gets the active session or creates a local one (``master``): UTC session
          time zone, small shuffle partitions, no UI, Arrow transfers, logs at ERROR.

        ``conf`` holds Spark settings (``{"spark.sql.shuffle.partitions": "64"}``): given
        to the builder of a new local session (so static ones like ``spark.driver.memory``
        work), set on the session otherwise. The session time zone is always UTC (lake
        timestamps are UTC instants), and Arrow transfers always on (in-memory tables keep
        their nulls). Needs Spark >= 4.0 (``data`` filters use VARIANT).
        """
        settings = spark_conf(conf)
        if session is not None and remote is not None:
            raise invalid("remote", remote, None, "Pass a session or a remote, not both.")
        if remote is not None:
            session = connect(remote)
            for key, value in settings.items():
                set_conf(session, key, value)
        elif session is None:
            session = local_session(master, shuffle_partitions, settings)
        else:
            for key, value in settings.items():
                set_conf(session, key, value)
        set_conf(session, "spark.sql.session.timeZone", "UTC")
        # in-memory tables (spend, definitions, ...) go to Spark through Arrow: without it
        # pandas' NaN for a missing float stays NaN, not null (a session built elsewhere
        # gave another median and a NaN percentile, silently)
        set_conf(session, "spark.sql.execution.arrow.pyspark.enabled", "true")
        import ibis

        return cls(ibis.pyspark.connect(session), "pyspark")

    @classmethod
    def resolve(cls, engine: Engine | EngineKind | None, spark: Any | None = None) -> Engine:
        """The engine named by ``engine``; ``spark`` (a SparkSession or ``"sc://host:port"``)
        picks the Spark session and implies ``engine="pyspark"``."""
        if isinstance(engine, Engine):
            if spark is not None:
                raise invalid("spark", spark, None, "Pass spark= or an Engine, not both.")
            return engine
        if spark is not None:
            if engine not in (None, "pyspark"):
                raise invalid(
                    "engine", engine, ("pyspark",), "spark= is a Spark session or server."
                )
            if isinstance(spark, str):
                return cls.pyspark(remote=spark)
            return cls.pyspark(session=spark)
        if engine is None or engine == "duckdb":
            return cls.duckdb()
        if engine == "pyspark":
            return cls.pyspark()
        raise invalid("engine", engine, ("duckdb", "pyspark", "an Engine"))

    @contextlib.contextmanager
    def scratch(
        self,
        threads: int | None = None,
        memory_limit: str | None = None,
        spill_dir: str | os.PathLike[str] | None = None,
    ) -> Iterator[DuckDBPyConnection]:
        """A private in-process DuckDB connection for journeylab's own work (ingest,
        compaction, key checks), whatever this engine is: its own in-memory database, UTC,
        closed on exit. Nothing it creates ever reaches this engine's connection (the user's
        session). ``memory_limit`` bounds DuckDB's buffers; with ``spill_dir`` it spills
        sorts and joins there instead of failing."""
        import duckdb

        config: dict[str, Any] = {}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        if spill_dir is not None:
            config["temp_directory"] = str(spill_dir)
        if memory_limit is not None:
            check_memory_limit(memory_limit)
        con = duckdb.connect(config=config)
        try:
            con.execute("SET TimeZone = 'UTC'").fetchall()
            try:
                con.execute("SET enable_progress_bar = false").fetchall()
            except duckdb.InvalidInputException:
                # In Jupyter without ipywidgets DuckDB refuses to touch the setting at all;
                # there it has no progress bar to show anyway.
                pass
            yield con
        except duckdb.OutOfMemoryException:
            raise invalid(
                "memory_limit",
                memory_limit,
                fix="DuckDB ran out of memory under it. Nothing was lost (a chunk lands whole "
                "or not at all); run again with a higher limit (--memory-limit), or without one.",
            ) from None
        finally:
            con.close()

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
        import ibis

        return self.backend.create_view(name, ibis.memtable(schema.empty_table()), overwrite=True)

    def _spark_table(self, name: str, files: Sequence[str], schema: pa.Schema) -> ir.Table:
        # The explicit schema keeps types exact (timestamps UTC µs) and works with no files.
        import ibis
        import ibis.expr.operations as ops
        from ibis.backends.pyspark.datatypes import PySparkSchema

        session = self.backend._session
        spark_schema = PySparkSchema.from_ibis(ibis.schema(schema))
        if files:
            frame = session.read.schema(spark_schema).parquet(*map(hadoop_literal, files))
        else:
            frame = session.createDataFrame([], spark_schema)
        frame.createOrReplaceTempView(name)
        # Typed with the lake schema: Ibis would read Spark's TimestampType as naive, but
        # lake timestamps are UTC instants (the session time zone is UTC).
        return ops.DatabaseTable(
            name, schema=ibis.schema(schema), source=self.backend, namespace=ops.Namespace()
        ).to_expr()

    # -- files at a URI (a lake on remote storage, read by Spark itself) ----------------
    def read_text(self, path: str) -> str | None:
        """The text of the file at ``path`` as Spark reads it; None when there is none."""
        session = self._spark_only("read_text")
        try:
            rows = session.read.text(hadoop_literal(path), wholetext=True).collect()
        except Exception as exc:  # pyspark raises several kinds (classic, Connect)
            if _not_found(exc):
                return None
            raise _unreadable(path, exc) from None
        return str(rows[0][0]) if rows else ""

    def list_files(self, folder: str, suffix: str) -> list[str]:
        """The files in ``folder`` (not below it) whose names end with ``suffix``, as the
        full paths Spark gives them, sorted; [] when the folder does not exist."""
        session = self._spark_only("list_files")
        reader = session.read.format("binaryFile").option("pathGlobFilter", f"*{suffix}")
        try:
            rows = reader.load(hadoop_literal(folder)).select("path").collect()
        except Exception as exc:
            if _not_found(exc):
                return []
            raise _unreadable(folder, exc) from None
        return sorted(str(r[0]) for r in rows)

    def _spark_only(self, what: str) -> Any:
        if self.kind != "pyspark":
            raise invalid("engine", self.kind, ("pyspark",), f"{what} reads through Spark.")
        return self.backend._session

    def memtable(self, data: pa.Table | pl.DataFrame) -> ir.Table:
        import ibis

        return ibis.memtable(data if isinstance(data, pa.Table) else data.to_arrow())

    # -- running -------------------------------------------------------------------------
    def to_polars(self, expr: ir.Expr) -> pl.DataFrame:
        """Run ``expr``; the result as a polars DataFrame (Arrow underneath)."""
        import polars as pl

        expr = self.lower(expr)
        if self.kind == "pyspark":
            return self._spark_to_polars(expr)
        result = self.backend.to_pyarrow(expr)
        if isinstance(result, pa.Table):
            return pl.from_arrow(result)  # type: ignore[return-value]
        if isinstance(result, pa.ChunkedArray | pa.Array):
            return pl.DataFrame({_column_name(expr): pl.from_arrow(result)})
        return pl.DataFrame({_column_name(expr): [result.as_py()]})

    def _spark_to_polars(self, expr: ir.Expr) -> pl.DataFrame:
        # Arrow straight from Spark (Ibis' own path goes through pandas, which turns
        # nullable integers into floats), then cast to the expression's schema.
        import ibis.expr.types as ir
        import polars as pl
        from ibis.formats.pyarrow import PyArrowData

        table_expr = expr.as_table()
        with warnings.catch_warnings():
            # Ibis registers in-memory tables with verifySchema=False, which Spark Connect
            # ignores, and says so with a UserWarning each time
            warnings.filterwarnings("ignore", "'verifySchema' is ignored", UserWarning)
            self.backend._run_pre_execute_hooks(table_expr)
        frame = self.backend._session.sql(self.backend.compile(table_expr))
        arrow = PyArrowData.convert_table(frame.toArrow(), table_expr.schema())
        if isinstance(expr, ir.Table):
            return pl.from_arrow(arrow)  # type: ignore[return-value]
        if isinstance(expr, ir.Scalar):
            return pl.DataFrame({_column_name(expr): [arrow.column(0)[0].as_py()]})
        column = arrow.rename_columns([_column_name(expr)])
        return pl.from_arrow(column)  # type: ignore[return-value]

    def to_batches(self, expr: ir.Table, rows: int) -> Iterator[pa.RecordBatch]:
        """Run ``expr`` and stream its result in record batches of about ``rows`` rows."""
        expr = self.lower(expr)
        if self.kind == "duckdb":  # ibis' to_pyarrow_batches calls an API DuckDB 2 removed
            # a relation streams its batches; a DB-API result would copy every row first
            yield from self.backend.con.sql(self.to_sql(expr)).to_arrow_reader(rows)
            return
        yield from self.backend.to_pyarrow_batches(expr, chunk_size=rows)

    def to_sql(self, expr: ir.Expr) -> str:
        """The SQL this engine runs for ``expr``."""
        from journeylab import dialects

        return dialects.to_sql(expr, self.kind)

    def lower(self, expr: ExprT) -> ExprT:
        """``expr`` in this engine's dialect: the one place where the SQL that differs
        between engines is chosen (see :mod:`journeylab.dialects`)."""
        from journeylab import dialects

        return dialects.lower(expr, self.kind)  # type: ignore[return-value]

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
        import polars as pl

        if self.kind == "duckdb":
            rel = self.backend.con.sql(query, params=params or None)
            if rel is None:
                return pl.DataFrame()
            return pl.from_arrow(rel.to_arrow_table())  # type: ignore[return-value]
        session = self.backend._session
        frame = session.sql(query, args=params) if params else session.sql(query)
        return pl.from_arrow(frame.toArrow())  # type: ignore[return-value]


def check_memory_limit(value: object) -> None:
    """Raise :class:`InputError` unless DuckDB takes ``value`` as a memory limit (text such
    as ``"1GB"``, ``"500MiB"`` or ``"50%"``, enough to start)."""
    import duckdb

    if isinstance(value, str):
        try:
            duckdb.connect(config={"memory_limit": value}).close()
            return
        except duckdb.Error:
            pass
    raise invalid(
        "memory_limit",
        value,
        "a size DuckDB reads, e.g. '1GB', '500MB' or '50%' (of RAM)",
        "Pass --memory-limit (memory_limit=) like that.",
    )


def _column_name(expr: ir.Expr) -> str:
    """The result column of a scalar or column: its name when given (``.name("n")``),
    else ``value``."""
    import ibis.expr.operations as ops
    import ibis.expr.types as ir

    if isinstance(expr, ir.Column) or isinstance(expr.op(), ops.Alias):
        return str(expr.get_name())
    return "value"


def _not_found(exc: Exception) -> bool:
    text = str(exc)
    return "PATH_NOT_FOUND" in text or "Path does not exist" in text


def _unreadable(path: str, exc: Exception) -> LakeError:
    reason = " ".join(str(exc).split())[:300]
    return LakeError(
        f"Invalid value for lake: {path!r} cannot be read by Spark ({reason}). Check the "
        "path and the storage credentials of the Spark cluster."
    )
