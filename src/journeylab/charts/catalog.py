"""Chart for the event catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt

if TYPE_CHECKING:
    from journeylab.lake.catalog import Catalog

__all__ = ["catalog_chart"]


def catalog_chart(catalog: Catalog, top: int = 30) -> alt.Chart:
    frame = catalog.frame.head(top).select("name", "events", "users", "declared")
    return (
        alt.Chart(frame, title="Events by name")
        .mark_bar()
        .encode(
            x=alt.X("events:Q", title="events"),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color("declared:N", title="declared"),
            tooltip=["name", "events", "users", "declared"],
        )
    )
