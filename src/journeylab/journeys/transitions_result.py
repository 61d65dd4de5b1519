"""TransitionsResult: from/to counts, probabilities out and in, times between."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.journeys.clock import iso

if TYPE_CHECKING:
    import altair as alt

    from journeylab.journeys.transitions import TransitionsSpec
    from journeylab.names import NameWarning

__all__ = ["TransitionsResult", "build_transitions", "ENDED"]

ENDED = "ended"
TABLE_SCHEMA: dict[str, Any] = {
    "from": pl.String,
    "to": pl.String,
    "kind": pl.String,
    "events": pl.Int64,
    "users": pl.Int64,
    "p_out": pl.Float64,
    "p_out_all": pl.Float64,
    "p_in": pl.Float64,
    "median_seconds": pl.Float64,
    "p95_seconds": pl.Float64,
}
NODE_SCHEMA: dict[str, Any] = {
    "name": pl.String,
    "occurrences": pl.Int64,
    "transitions_out": pl.Int64,
    "ends": pl.Int64,
    "ends_open": pl.Int64,
    "transitions_in": pl.Int64,
}


def build_transitions(
    spec: TransitionsSpec,
    frame: pl.DataFrame | None,
    as_of: datetime | None,
    sql: str,
    warnings: tuple[NameWarning, ...] = (),
) -> TransitionsResult:
    """The result of the engine's (src, dst) rows (dst null: path ends)."""
    if frame is None or frame.height == 0:
        empty_t, empty_n = pl.DataFrame(schema=TABLE_SCHEMA), pl.DataFrame(schema=NODE_SCHEMA)
        return TransitionsResult(spec, as_of, empty_t, empty_n, sql, warnings)
    f = frame.select(
        src=pl.col("src").cast(pl.String),
        dst=pl.col("dst").cast(pl.String),
        events=pl.col("events").cast(pl.Int64),
        users=pl.col("users").cast(pl.Int64),
        median_seconds=pl.col("median_us").cast(pl.Float64) / 1e6,
        p95_seconds=pl.col("p95_us").cast(pl.Float64) / 1e6,
        ends_open=pl.col("ends_open").cast(pl.Int64),
    )
    moved = pl.col("dst").is_not_null()
    out = f.group_by("src").agg(
        occurrences=pl.col("events").sum(),
        transitions_out=pl.col("events").filter(moved).sum(),
        ends=pl.col("events").filter(~moved).sum(),
        ends_open=pl.col("ends_open").sum(),
    )
    into = f.filter(moved).group_by("dst").agg(transitions_in=pl.col("events").sum())
    names = pl.concat([out.select(name="src"), into.select(name="dst")]).unique()
    nodes = (
        names.join(out.rename({"src": "name"}), on="name", how="left")
        .join(into.rename({"dst": "name"}), on="name", how="left")
        .with_columns(pl.exclude("name").fill_null(0).cast(pl.Int64))
        .select(list(NODE_SCHEMA))
        .sort(["occurrences", "name"], descending=[True, False])
    )
    t = f.join(out, on="src", how="left").join(into, on="dst", how="left")
    table = t.select(
        pl.col("src").alias("from"),
        pl.col("dst").fill_null(ENDED).alias("to"),
        kind=pl.when(moved).then(pl.lit("transition")).otherwise(pl.lit(ENDED)),
        events=pl.col("events"),
        users=pl.col("users"),
        p_out=pl.when(moved).then(pl.col("events") / pl.col("transitions_out")),
        p_out_all=pl.col("events") / pl.col("occurrences"),
        p_in=pl.when(moved).then(pl.col("events") / pl.col("transitions_in")),
        median_seconds=pl.col("median_seconds"),
        p95_seconds=pl.col("p95_seconds"),
    ).sort(["from", "kind", "events", "to"], descending=[False, True, True, False])
    return TransitionsResult(spec, as_of, table, nodes, sql, warnings)


@dataclass(frozen=True)
class TransitionsResult:
    """``transitions``: one row per (from, to) and one ``ended`` row per from (kind
    ``ended``: no next event within the window). ``p_out``: share of the transitions out
    of ``from``; ``p_out_all``: share of its occurrences (path ends counted, so each
    ``from`` sums to 1); ``p_in``: share of the transitions into ``to``. ``nodes``: per
    event name, occurrences, transitions out and in, ends (and ends still open at as-of)."""

    spec: TransitionsSpec
    as_of: datetime | None
    transitions: pl.DataFrame
    nodes: pl.DataFrame
    sql: str
    warnings: tuple[NameWarning, ...] = ()

    def table(self) -> pl.DataFrame:
        return self.transitions

    def matrix(self, value: str = "p_out_all") -> pl.DataFrame:
        """``from`` × ``to`` as a wide frame of ``value`` (0 where no transition)."""
        t = self.transitions
        if t.height == 0:
            return pl.DataFrame({"from": []}, schema={"from": pl.String})
        wide = t.pivot(on="to", index="from", values=value, aggregate_function=None)
        return wide.fill_null(0).sort("from")

    def chart(self) -> alt.LayerChart:
        from journeylab.charts.journeys import transitions_chart

        return transitions_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: spec, as_of, transitions (from, to, kind, events, users, p_out,
        p_out_all, p_in, median_seconds, p95_seconds), nodes and warnings."""
        return {
            "spec": self.spec.to_dict(),
            "as_of": iso(self.as_of),
            "transitions": self.transitions.to_dicts(),
            "nodes": self.nodes.to_dicts(),
            "warnings": [w.to_dict() for w in self.warnings],
        }
