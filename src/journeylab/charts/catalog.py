"""Chart for the event catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from journeylab.charts.theme import ROW_MARK, color

if TYPE_CHECKING:
    from journeylab.lake.catalog import Catalog

__all__ = ["catalog_chart", "catalog_frame"]

_KINDS = ["fired", "declared", "near miss"]


def catalog_frame(catalog: Catalog, top: int = 30) -> pl.DataFrame:
    """The ``top`` names by events, with whether each was declared and whether it is part
    of a near miss (a name the catalog warns looks like another)."""
    near = sorted({n for w in catalog.warnings for n in (w.name, w.other)})
    return (
        catalog.frame.sort("events", descending=True, maintain_order=True)
        .head(top)
        .select(
            "name",
            "events",
            "users",
            "declared",
            near_miss=pl.col("name").is_in(near),
        )
        .with_columns(
            kind=pl.when(pl.col("near_miss"))
            .then(pl.lit("near miss"))
            .when(pl.col("declared"))
            .then(pl.lit("declared"))
            .otherwise(pl.lit("fired"))
        )
    )


def catalog_chart(catalog: Catalog, top: int = 30) -> alt.Chart:
    frame = catalog_frame(catalog, top)
    shown = f"the {frame.height} most frequent" if catalog.frame.height > top else "all"
    return (
        alt.Chart(
            frame,
            title=alt.Title(
                "Events by name",
                subtitle=f"{shown} of {catalog.frame.height:,} names; near misses look like "
                "another name (a typo or a case change)",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("events:Q", title="events", axis=alt.Axis(format="~s")),
            y=alt.Y("name:N", sort="-x", title=None),
            color=color("kind:N", _KINDS, None),
            tooltip=[
                alt.Tooltip("name:N", title="name"),
                alt.Tooltip("events:Q", title="events", format=","),
                alt.Tooltip("users:Q", title="users", format=","),
                alt.Tooltip("declared:N", title="declared"),
                alt.Tooltip("near_miss:N", title="near miss"),
            ],
        )
        .properties(name=ROW_MARK)
    )
