"""The paths chart: a left-to-right flow (Sankey-like) drawn with plain Vega-Lite marks.

Column 0 is the anchor; each later column stacks its nodes (events, ``other``, ``ended``)
with heights proportional to their paths, so every column spans the whole cohort. Links
are ribbons (areas between two S-curves sampled at a few points) from a node's slice in
one column to its slice in the next. Reads only the result's frames; the layout is
computed here, in polars-free Python over at most ``top`` paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from journeylab.charts.theme import INK, NEUTRAL, PALETTE, ROW_MARK

if TYPE_CHECKING:
    from journeylab.journeys.paths_result import PathsResult

__all__ = ["paths_chart", "flow_layout"]

#: the anchor takes the palette's black; events its colours; other and ended are grey
ANCHOR_COLOR = PALETTE[-1]
NODE_WIDTH = 0.06
GAP = 0.02  # vertical space between nodes, as a share of the cohort
SAMPLES = 12


def _order(nodes: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Events by paths (desc) then name; other, then ended, at the bottom."""
    rank = {"anchor": 0, "event": 0, "other": 1, "ended": 2}
    return sorted(nodes, key=lambda n: (rank[n[1]], -n[2], n[0]))


def flow_layout(result: PathsResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes (column, node, kind, paths, share, x, x2, y, y2) and ribbon points (link, column,
    source, target, target_kind, paths, share, x, y, y2) in chart units (x: columns; y:
    share of the cohort, padded)."""
    links = result.links()
    total = result.cohort_paths or 1
    depth = result.depth
    columns: dict[int, dict[tuple[str, str], int]] = {0: {(result.anchor, "anchor"): total}}
    for row in links.iter_rows(named=True):
        col = columns.setdefault(row["column"], {})
        key = (row["target"], row["target_kind"])
        col[key] = col.get(key, 0) + row["paths"]
    pos: dict[tuple[int, str, str], list[float]] = {}
    node_rows = []
    for k in range(depth + 1):
        y = 0.0
        x = float(k if result.spec.forward else depth - k)
        for name, kind, n in _order([(nm, kd, n) for (nm, kd), n in columns.get(k, {}).items()]):
            h = n / total
            pos[(k, name, kind)] = [y, y, y + h]  # top, next free slot (out), bottom
            node_rows.append((k, name, kind, n, h, x, x + NODE_WIDTH, y, y + h))
            y += h + GAP
    nodes = pl.DataFrame(
        node_rows,
        schema=["column", "node", "kind", "paths", "share", "x", "x2", "y", "y2"],
        orient="row",
    )
    incoming: dict[tuple[int, str, str], float] = {key: p[0] for key, p in pos.items()}
    ribbons = []
    ordered = sorted(
        links.iter_rows(named=True),
        key=lambda r: (r["column"], pos[(r["column"] - 1, r["source"], r["source_kind"])][0],
                       pos[(r["column"], r["target"], r["target_kind"])][0]),
    )  # fmt: skip
    for i, r in enumerate(ordered):
        k, h = r["column"], r["paths"] / total
        src, dst = (k - 1, r["source"], r["source_kind"]), (k, r["target"], r["target_kind"])
        s0 = pos[src][1]
        pos[src][1] += h
        t0 = incoming[dst]
        incoming[dst] += h
        x0 = (k - 1 if result.spec.forward else depth - k + 1) + (
            NODE_WIDTH if result.spec.forward else 0
        )
        x1 = k if result.spec.forward else depth - k + NODE_WIDTH
        for j in range(SAMPLES + 1):
            t = j / SAMPLES
            s = t * t * (3 - 2 * t)
            ribbons.append(
                (i, k, r["source"], r["target"], r["target_kind"], r["paths"], h,
                 x0 + (x1 - x0) * t, s0 + (t0 - s0) * s, s0 + h + (t0 - s0) * s)
            )  # fmt: skip
    ribbon_cols = [
        "link",
        "column",
        "source",
        "target",
        "target_kind",
        "paths",
        "share",
        "x",
        "y",
        "y2",
    ]
    return nodes, pl.DataFrame(ribbons, schema=ribbon_cols, orient="row")


def _colors(result: PathsResult, nodes: pl.DataFrame) -> alt.Scale:
    """Events on the palette (the anchor black); ``other`` and ``ended`` are drawn grey by
    the marks' conditions, outside the scale."""
    events = nodes.filter(pl.col("kind") == "event").sort("paths", descending=True)["node"]
    names = [n for n in dict.fromkeys(events.to_list()) if n != result.anchor]
    hues = PALETTE[:-1]
    return alt.Scale(
        domain=[result.anchor, *names],
        range=[ANCHOR_COLOR, *[hues[i % len(hues)] for i in range(len(names))]],
    )


#: Vega expressions: a node (or a ribbon's target) that is not an event
_GREY = "datum.kind == 'other' || datum.kind == 'ended'"
_GREY_TARGET = "datum.target_kind == 'other' || datum.target_kind == 'ended'"


def paths_chart(result: PathsResult) -> alt.LayerChart:
    """The flow of the top paths: one column per step, ribbons between them."""
    nodes, ribbons = flow_layout(result)
    spec = result.spec
    until = spec.until.title if spec.until else ""
    where = {"start": f"after {result.anchor}", "end": f"leading to {result.anchor}",
             "between": f"from {result.anchor} to {until}"}  # fmt: skip
    title = alt.Title(
        f"Paths {where[spec.mode]}",
        subtitle=f"The top {spec.top} of {result.sequences.height:,} sequences: "
        f"{result.cohort_paths:,} paths of {result.cohort_users:,} users. Each column adds up "
        "to all of them (grey: other paths, and paths that ended).",
    )
    scale = _colors(result, nodes)
    x_axis = alt.X("x:Q", axis=None, scale=alt.Scale(nice=False), title="step")
    y_axis = alt.Y(
        "y:Q", axis=None, scale=alt.Scale(reverse=True, nice=False), title="share of paths"
    )
    links = (
        alt.Chart(ribbons)
        .mark_area(interpolate="monotone")
        .encode(
            x=x_axis,
            y=y_axis,
            y2="y2:Q",
            detail="link:N",
            color=alt.condition(
                _GREY_TARGET, alt.value(NEUTRAL), alt.Color("target:N", scale=scale, legend=None)
            ),
            opacity=alt.condition(_GREY_TARGET, alt.value(0.15), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("source:N", title="from"),
                alt.Tooltip("target:N", title="to"),
                alt.Tooltip("column:Q", title="step"),
                alt.Tooltip("paths:Q", title="paths", format=","),
                alt.Tooltip("share:Q", title="share of the paths", format=".2%"),
            ],
        )
    )
    bars = (
        alt.Chart(nodes)
        .mark_rect()
        .encode(
            x=x_axis,
            x2="x2:Q",
            y=y_axis,
            y2="y2:Q",
            color=alt.condition(
                _GREY, alt.value(NEUTRAL), alt.Color("node:N", scale=scale, title="event")
            ),
            opacity=alt.condition("datum.kind == 'ended'", alt.value(0.3), alt.value(1.0)),
            tooltip=[
                alt.Tooltip("column:Q", title="step"),
                alt.Tooltip("node:N", title="event"),
                alt.Tooltip("paths:Q", title="paths", format=","),
                alt.Tooltip("share:Q", title="share of the paths", format=".2%"),
            ],
        )
        .properties(name=ROW_MARK)
    )
    labelled = nodes.filter(pl.col("share") >= 0.03).select(
        x=pl.col("x2"),
        y=(pl.col("y") + pl.col("y2")) / 2,
        label=pl.format("{} {}%", pl.col("node"), (pl.col("share") * 100).round(1)),
    )
    labels = (
        alt.Chart(labelled)
        .mark_text(align="left", dx=3, fontSize=10, color=INK)
        .encode(x=x_axis, y=y_axis, text="label:N")
    )
    layers: list[Any] = [bars, links, labels]
    return alt.LayerChart(
        layer=layers, title=title, width=max(300, 130 * (result.depth + 1)), height=360
    )
