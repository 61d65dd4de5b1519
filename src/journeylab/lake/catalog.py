"""The catalog: every event name with counts, first/last seen, declared flag, near misses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import altair as alt
    import ibis.expr.types as ir
    import polars as pl
    from duckdb import DuckDBPyConnection

__all__ = [
    "Catalog",
    "NearMiss",
    "build_catalog",
    "FIRED_SQL",
    "fired_names",
    "near_misses",
    "nearest_names",
    "squash",
]


@dataclass(frozen=True)
class NearMiss:
    """Two names that probably mean the same event."""

    name: str
    other: str
    kind: str  # "case_or_separator" | "edit_distance" | "declared_never_seen"

    def message(self) -> str:
        if self.kind == "declared_never_seen":
            return f"{self.name!r} is declared but has never been fired"
        how = (
            "case/spaces/underscores/dashes" if self.kind == "case_or_separator" else "a small edit"
        )
        return f"{self.name!r} and {self.other!r} differ only by {how}: names must match exactly"

    def to_dict(self, about: str | None = None) -> dict[str, Any]:
        """The ``--json`` form: kind, name, other (the name it is close to, from ``about``'s
        side when given) and message."""
        name, other = self.name, self.other
        if about is not None and about == other and about != name:
            name, other = other, name
        return {"kind": self.kind, "name": name, "other": other, "message": self.message()}


@dataclass(frozen=True)
class Catalog:
    """Result of :meth:`Lake.catalog`: one row a name, plus warnings."""

    frame: pl.DataFrame
    warnings: tuple[NearMiss, ...]

    def table(self) -> pl.DataFrame:
        return self.frame

    def names(self) -> list[str]:
        return self.frame["name"].to_list()

    def to_records(self, warnings: bool = False) -> list[dict[str, Any]]:
        """One dict a name (``catalog --json``); with ``warnings``, each row also lists the
        near-miss warnings that involve its name under ``"warnings"`` (kind, other name,
        message), so the list of rows scripts read keeps its shape."""
        rows = self.frame.to_dicts()
        for row in rows:
            for key in ("first_seen", "last_seen"):
                if isinstance(row[key], datetime):
                    row[key] = row[key].astimezone(UTC).isoformat().replace("+00:00", "Z")
            if warnings:
                row["warnings"] = [
                    w.to_dict(row["name"])
                    for w in self.warnings
                    if row["name"] in (w.name, w.other)
                ]
        return rows

    def chart(self) -> alt.TopLevelMixin:
        from journeylab.charts.catalog import catalog_chart

        return catalog_chart(self)


def catalog_expr(events: ir.Table) -> ir.Table:
    import ibis  # an analysis's query layer, loaded when a query is built

    return events.group_by("name").agg(
        events=ibis._.count(),
        users=ibis._.user_id.nunique(),
        first_seen=ibis._.event_at.min(),
        last_seen=ibis._.event_at.max(),
    )


#: the catalog's query on a local lake, run by DuckDB without the query layer (docs/adr/0011):
#: what :func:`catalog_expr` computes, as constant text with the files a bound parameter
FIRED_SQL = (
    "SELECT name, count(*) AS events, count(DISTINCT user_id) AS users, "
    "CAST(min(event_at) AS TIMESTAMPTZ) AS first_seen, "
    "CAST(max(event_at) AS TIMESTAMPTZ) AS last_seen "
    "FROM read_parquet($files, union_by_name = true) GROUP BY name"
)


def fired_names(con: DuckDBPyConnection, files: Sequence[str]) -> pl.DataFrame:
    """Per name in ``files``: its events, users, first and last ``event_at`` in UTC
    (:data:`FIRED_SQL` on ``con``, whatever its session's time zone: DuckDB hands instants
    over in it; nothing is created there)."""
    import polars as pl

    table = con.sql(FIRED_SQL, params={"files": list(files)}).to_arrow_table()
    frame: pl.DataFrame = pl.from_arrow(table)  # type: ignore[assignment]
    return frame.with_columns(pl.col("first_seen", "last_seen").dt.convert_time_zone("UTC"))


def build_catalog(fired: pl.DataFrame, declared: dict[str, dict[str, Any]]) -> Catalog:
    """Merge fired-name stats with declared names and compute near-miss warnings."""
    import polars as pl

    decl = pl.DataFrame(
        {
            "name": list(declared),
            "description": [d.get("description") for d in declared.values()],
        },
        schema={"name": pl.String, "description": pl.String},
    )
    frame = (
        fired.join(decl.with_columns(declared=pl.lit(True)), on="name", how="full", coalesce=True)
        .with_columns(
            pl.col("events").fill_null(0).cast(pl.Int64),
            pl.col("users").fill_null(0).cast(pl.Int64),
            pl.col("declared").fill_null(False),
        )
        .select("name", "events", "users", "first_seen", "last_seen", "declared", "description")
        .sort(["events", "name"], descending=[True, False])
    )
    names = frame["name"].to_list()
    never = [n for n, e in zip(names, frame["events"].to_list(), strict=True) if e == 0]
    warnings = near_misses(names) + [NearMiss(n, n, "declared_never_seen") for n in never]
    return Catalog(frame, tuple(warnings))


def squash(name: str) -> str:
    """Case-, accent- and separator-insensitive key: 'Sign Up' == 'sign_up' == 'signup'."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    return re.sub(r"[\s_\-.]+", "", folded)


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _limit(a: str, b: str) -> int:
    return 1 if min(len(a), len(b)) <= 6 else 2


def near_misses(names: list[str]) -> list[NearMiss]:
    """Pairs that differ only by case/separators, or by a small edit distance."""
    out: list[NearMiss] = []
    keys = [squash(n) for n in names]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = keys[i], keys[j]
            if a == b:
                out.append(NearMiss(names[i], names[j], "case_or_separator"))
            elif len(a) > 3 and _edit_distance(a, b, _limit(a, b)) <= _limit(a, b):
                out.append(NearMiss(names[i], names[j], "edit_distance"))
    return out


def nearest_names(name: str, known: list[str], n: int = 3) -> list[str]:
    """The known names closest to ``name`` (for 'did you mean' messages)."""
    key = squash(name)
    scored = sorted((_edit_distance(key, squash(k), 64), k) for k in known if k != name)
    return [k for d, k in scored[:n] if d <= max(2, len(key) // 2)]
