"""Chart for an ingest report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import polars as pl

from journeylab.charts.theme import PALETTE, ROW_MARK, color

__all__ = ["ingest_chart", "ingest_frame", "quarantine_chart", "quarantine_frame"]

_OUTCOMES = ["accepted", "duplicate", "quarantined"]


def _numbers(report: Any) -> Mapping[str, Any]:
    return report if isinstance(report, Mapping) else report.to_dict()


def ingest_frame(report: Any) -> pl.DataFrame:
    """What happened to every record: accepted, duplicates, quarantined by reason.
    ``report``: an IngestReport or its ``to_dict()``."""
    d = _numbers(report)
    rows: list[tuple[str, str, int]] = [
        ("accepted", "accepted", int(d["accepted"])),
        ("duplicate", "duplicates", int(d["duplicates"])),
    ]
    rows += [
        ("quarantined", f"quarantined: {reason}", int(n))
        for reason, n in sorted(d["rejected_by_reason"].items())
    ]
    return pl.DataFrame(rows, schema=["outcome", "label", "records"], orient="row")


def ingest_chart(report: Any) -> alt.Chart:
    frame = ingest_frame(report)
    records = int(_numbers(report)["records"])
    return (
        alt.Chart(
            frame,
            title=alt.Title(
                f"Ingest of {records:,} records",
                subtitle="Every record is accepted, a duplicate, or quarantined with a reason",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("records:Q", title="records (log scale)", scale=alt.Scale(type="symlog")),
            y=alt.Y("label:N", sort=None, title=None),
            color=color("outcome:N", _OUTCOMES, None),
            tooltip=[
                alt.Tooltip("label:N", title="outcome"),
                alt.Tooltip("records:Q", title="records", format=","),
            ],
        )
        .properties(name=ROW_MARK)
    )


def quarantine_frame(rejected: pl.DataFrame) -> pl.DataFrame:
    """The quarantine (``lake.rejected()``) by reason: records, what the reason means, and
    the first quarantined record as an example (source:line and the start of its raw text)."""
    from journeylab.lake import REASONS

    if rejected.height == 0:
        return pl.DataFrame(
            schema={
                "reason": pl.String,
                "records": pl.Int64,
                "meaning": pl.String,
                "example_at": pl.String,
                "example": pl.String,
            }
        )
    first = rejected.sort(["source", "record"]).group_by("reason", maintain_order=True).first()
    counts = rejected.group_by("reason").agg(records=pl.len().cast(pl.Int64))
    return (
        counts.join(first, on="reason")
        .with_columns(
            meaning=pl.col("reason").replace_strict(REASONS, default="", return_dtype=pl.String),
            example_at=pl.format("{}:{}", pl.col("source"), pl.col("record")),
            example=pl.col("raw").str.slice(0, 120),
        )
        .sort(["records", "reason"], descending=[True, False])
        .select("reason", "records", "meaning", "example_at", "example")
    )


def quarantine_chart(rejected: pl.DataFrame) -> alt.Chart:
    """Quarantined records by reason."""
    frame = quarantine_frame(rejected)
    return (
        alt.Chart(
            frame.select("reason", "records", "meaning"),
            title=alt.Title(
                f"Quarantine: {rejected.height:,} records kept with a reason",
                subtitle="Never dropped: lake.rejected() returns each with its raw text",
            ),
        )
        .mark_bar()
        .encode(
            x=alt.X("records:Q", title="quarantined records"),
            y=alt.Y("reason:N", sort="-x", title=None),
            color=alt.value(PALETTE[5]),
            tooltip=[
                alt.Tooltip("reason:N", title="reason"),
                alt.Tooltip("records:Q", title="records", format=","),
                alt.Tooltip("meaning:N", title="meaning"),
            ],
        )
        .properties(name=ROW_MARK)
    )
