"""Chart for an ingest report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import polars as pl

if TYPE_CHECKING:
    from journeylab.lake.ingest import IngestReport

__all__ = ["ingest_chart"]


def ingest_chart(report: IngestReport) -> alt.Chart:
    rows = [
        ("accepted", "accepted", report.accepted),
        ("duplicate", "duplicates", report.duplicates),
    ]
    rows += [("rejected", reason, n) for reason, n in sorted(report.rejected_by_reason.items())]
    frame = pl.DataFrame(rows, schema=["outcome", "label", "records"], orient="row")
    return (
        alt.Chart(frame, title=f"Ingest of {report.records:,} records")
        .mark_bar()
        .encode(
            x=alt.X("records:Q", title="records"),
            y=alt.Y("label:N", sort=None, title=None),
            color=alt.Color("outcome:N", title="outcome"),
            tooltip=["label", "records"],
        )
    )
