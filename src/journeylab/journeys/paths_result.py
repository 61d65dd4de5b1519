"""PathsResult: the most common paths, and per step column the share of every path.

``sequences`` holds one row per distinct sequence (all of them, ranked). The top ``top``
are shown; every other path is pooled as ``other`` in every column, and a top path that
has no step at column ``k`` is ``ended`` there, so each column sums to the cohort (every
path that started: one per user with ``occurrence="first"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.journeys.clock import iso
from journeylab.journeys.paths_spec import PathsSpec

if TYPE_CHECKING:
    import altair as alt

    from journeylab.names import NameWarning

__all__ = ["PathsResult", "normalize_sequences", "rank_sequences", "OTHER", "ENDED", "ARROW"]

OTHER = "other"
ENDED = "ended"
ARROW = " → "
SEQ_SCHEMA: dict[str, Any] = {
    "path": pl.List(pl.String),
    "paths": pl.Int64,
    "users": pl.Int64,
    "median_seconds": pl.Float64,
    "in_progress": pl.Int64,
    "reached": pl.Int64,
}


def normalize_sequences(frame: pl.DataFrame, spec: PathsSpec) -> pl.DataFrame:
    """The engine's per-sequence rows as ``path`` (list of steps, path order), paths, users,
    median_seconds, in_progress, reached."""
    if frame.height == 0:
        return pl.DataFrame(schema=SEQ_SCHEMA)
    if "steps" in frame.columns:
        path = pl.col("steps").fill_null(pl.lit([], pl.List(pl.String))).cast(pl.List(pl.String))
    else:
        cols = [c for c in frame.columns if c[0] == "s" and c[1:].isdigit()]
        cols.sort(key=lambda c: int(c[1:]))
        path = pl.concat_list([pl.col(c).cast(pl.String) for c in cols]).list.drop_nulls()
    return frame.select(
        path=path,
        paths=pl.col("paths").cast(pl.Int64),
        users=pl.col("users").cast(pl.Int64),
        median_seconds=pl.col("median_us").cast(pl.Float64) / 1e6,
        in_progress=pl.col("in_progress").cast(pl.Int64).fill_null(0),
        reached=pl.col("reached").cast(pl.Int64).fill_null(0),
    )


def rank_sequences(seq: pl.DataFrame, spec: PathsSpec, cohort: int) -> pl.DataFrame:
    """Ranked (most paths first; ties by the steps' names), with ``rank``, ``share``,
    ``ended`` (the path has no step after its last) and ``top``."""
    key = pl.col("path").list.join("\x1f")
    out = seq.with_columns(_key=key).sort(["paths", "_key"], descending=[True, False])
    ended = pl.lit(True) if spec.depth is None else pl.col("path").list.len() < spec.depth
    return out.select(
        rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        path=pl.col("path"),
        steps=pl.col("path").list.len().cast(pl.Int64),
        paths=pl.col("paths"),
        users=pl.col("users"),
        share=pl.col("paths") / cohort if cohort else pl.lit(None, pl.Float64),
        median_seconds=pl.col("median_seconds"),
        ended=ended,
        in_progress=pl.col("in_progress"),
        reached=pl.col("reached"),
        top=pl.int_range(0, pl.len()) < spec.top,
    )


def _display(path: list[str], anchor: str, forward: bool, ended: bool) -> str:
    if forward:
        return ARROW.join([anchor, *path, *([ENDED] if ended else [])])
    return ARROW.join([*([ENDED] if ended else []), *reversed(path), anchor])


@dataclass(frozen=True)
class PathsResult:
    """Paths after (``start``), before (``end``) or between anchors. ``sequences``: every
    distinct sequence, ranked; ``cohort_paths`` / ``cohort_users``: the paths that started
    and their users."""

    spec: PathsSpec
    as_of: datetime | None
    sequences: pl.DataFrame
    cohort_paths: int
    cohort_users: int
    sql: str
    warnings: tuple[NameWarning, ...] = ()

    @property
    def anchor(self) -> str:
        return self.spec.anchor.title

    @property
    def depth(self) -> int:
        """Step columns shown: ``depth``, or the longest top path with ``depth=None``."""
        if self.spec.depth is not None:
            return self.spec.depth
        top = self.sequences.filter(pl.col("top"))
        return int(top["steps"].max() or 0) if top.height else 0  # type: ignore[arg-type]

    def table(self) -> pl.DataFrame:
        """The top paths (rank, path as text, steps, paths, users, share, median seconds
        from the anchor to the last step, ended, in progress, reached) and one ``other``
        row for the rest."""
        top = self.sequences.filter(pl.col("top"))
        text = [
            _display(p, self.anchor, self.spec.forward, e)
            for p, e in zip(top["path"].to_list(), top["ended"].to_list(), strict=True)
        ]
        shown = top.with_columns(path_text=pl.Series(text, dtype=pl.String)).select(
            "rank", "path_text", "path", "steps", "paths", "users", "share",
            "median_seconds", "ended", "in_progress", "reached",
        )  # fmt: skip
        rest = self.sequences.filter(~pl.col("top"))
        if rest.height == 0:
            return shown
        other = pl.DataFrame(
            {
                "rank": [None],
                "path_text": [OTHER],
                "path": [None],
                "steps": [None],
                "paths": [int(rest["paths"].sum())],
                "users": [None],
                "share": [rest["paths"].sum() / self.cohort_paths if self.cohort_paths else None],
                "median_seconds": [None],
                "ended": [None],
                "in_progress": [int(rest["in_progress"].sum())],
                "reached": [int(rest["reached"].sum())],
            },
            schema=shown.schema,
        )
        return pl.concat([shown, other])

    def columns(self) -> pl.DataFrame:
        """Per step column (1 = the first step after the anchor; for ``end``, the event
        just before it): node, kind (event | other | ended), paths, share. Each column sums
        to the cohort."""
        rows = []
        for k in range(1, self.depth + 1):
            for node, kind, n in self._column(k):
                rows.append((k, node, kind, n))
        frame = pl.DataFrame(
            rows, schema={"column": pl.Int64, "node": pl.String, "kind": pl.String, "paths": pl.Int64},
            orient="row",
        )  # fmt: skip
        frame = frame.group_by(["column", "node", "kind"]).agg(pl.col("paths").sum())
        total = self.cohort_paths or 1
        kind_rank = pl.col("kind").replace_strict(
            {"event": 0, OTHER: 1, ENDED: 2}, return_dtype=pl.Int8
        )
        return (
            frame.with_columns(share=pl.col("paths") / total, _r=kind_rank)
            .sort(["column", "_r", "paths", "node"], descending=[False, False, True, False])
            .drop("_r")
        )

    def _flow_rows(self) -> list[tuple[list[str], int, bool]]:
        """The top sequences, then every other path pooled in one row."""
        top = self.sequences.filter(pl.col("top"))
        out = [(p, n, True) for p, n in top.select("path", "paths").iter_rows()]
        rest = int(self.sequences.filter(~pl.col("top"))["paths"].sum())
        if rest:
            out.append(([], rest, False))
        return out

    def _column(self, k: int) -> list[tuple[str, str, int]]:
        out = []
        for path, n, top in self._flow_rows():
            if not top:
                out.append((OTHER, OTHER, n))
            elif len(path) >= k:
                out.append((path[k - 1], "event", n))
            else:
                out.append((ENDED, ENDED, n))
        return out

    def links(self) -> pl.DataFrame:
        """The flow between consecutive columns (column 0 is the anchor): source, target
        (each with its kind) and paths — what the chart draws."""
        rows = []
        for path, n, top in self._flow_rows():
            nodes = [(self.anchor, "anchor")]
            for k in range(1, self.depth + 1):
                if not top:
                    nodes.append((OTHER, OTHER))
                elif len(path) >= k:
                    nodes.append((path[k - 1], "event"))
                else:
                    nodes.append((ENDED, ENDED))
            for k in range(1, len(nodes)):
                rows.append((k, *nodes[k - 1], *nodes[k], n))
        schema = {
            "column": pl.Int64, "source": pl.String, "source_kind": pl.String,
            "target": pl.String, "target_kind": pl.String, "paths": pl.Int64,
        }  # fmt: skip
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        keys = ["column", "source", "source_kind", "target", "target_kind"]
        return frame.group_by(keys).agg(pl.col("paths").sum()).sort(keys)

    def chart(self) -> alt.LayerChart:
        from journeylab.charts.journeys_flow import paths_chart

        return paths_chart(self)

    def to_sql(self) -> str:
        return self.sql

    def to_dict(self) -> dict[str, Any]:
        """The CLI contract: spec, cohort (paths, users), paths (the top: path, paths, users,
        share, median_seconds, ended, in_progress, reached), other (paths, share), columns
        and warnings."""
        top = self.sequences.filter(pl.col("top"))
        keep = [
            "path",
            "paths",
            "users",
            "share",
            "median_seconds",
            "ended",
            "in_progress",
            "reached",
        ]
        rest = self.sequences.filter(~pl.col("top"))
        other_paths = int(rest["paths"].sum()) if rest.height else 0
        return {
            "spec": self.spec.to_dict(),
            "as_of": iso(self.as_of),
            "cohort": {"paths": self.cohort_paths, "users": self.cohort_users},
            "paths": top.select(keep).to_dicts(),
            "other": {
                "paths": other_paths,
                "share": other_paths / self.cohort_paths if self.cohort_paths else None,
            },
            "columns": self.columns().to_dicts(),
            "warnings": [w.to_dict() for w in self.warnings],
        }
