"""What landed and what did not (ingest, quarantine), and which names the app sends."""

from __future__ import annotations

from journeylab.charts.catalog import catalog_chart, catalog_frame
from journeylab.charts.ingest import ingest_chart, ingest_frame, quarantine_chart, quarantine_frame
from journeylab.ingest.report import unknown_fields_message
from journeylab.report.context import ReportContext
from journeylab.report.model import Block, Notes, Paragraph, Section, col, figure
from journeylab.report.tables import cell

__all__ = ["CATALOG_TOP", "catalog_section", "ingest_section"]

CATALOG_TOP = 30


def ingest_section(ctx: ReportContext) -> Section:
    blocks: list[Block] = []
    report = ctx.options.ingest
    if report is not None:
        blocks.append(
            figure(
                "ingest",
                ingest_chart(report),
                "One bar per outcome; the scale is logarithmic so that a few quarantined "
                "records stay visible next to thousands accepted: read the exact counts in "
                "the table.",
                ingest_frame(report),
                [col("label", "outcome"), col("records", "records", "int")],
            )
        )
        blocks.append(
            Notes(
                (
                    f"{cell(report['records'], 'int')} records = "
                    f"{cell(report['accepted'], 'int')} accepted + "
                    f"{cell(report['duplicates'], 'int')} duplicates + "
                    f"{cell(report['rejected'], 'int')} quarantined.",
                    f"{cell(report.get('naive_timestamps', 0), 'int')} timestamps had no UTC "
                    "offset and were read as UTC.",
                )
            )
        )
        if report.get("unknown_field_names"):
            blocks.append(
                Notes((unknown_fields_message(report["unknown_field_names"]) + ".",), "warning")
            )
    else:
        blocks.append(
            Paragraph(
                "No ingest run was passed to the report, so the counts below are the lake's "
                "whole quarantine (every ingest so far). From Python, "
                "jl.report(lake, ingest=lake.ingest(...)) adds that run's numbers."
            )
        )
    rejected = ctx.lake.rejected()
    if rejected.height:
        blocks.append(
            figure(
                "quarantine",
                quarantine_chart(rejected),
                "Each bar counts the records quarantined for one reason; the table shows "
                "what the reason means and the first such record.",
                quarantine_frame(rejected),
                [
                    col("reason"),
                    col("records", "records", "int"),
                    col("meaning"),
                    col("example_at", "first at"),
                    col("example", "raw text (start)", "code"),
                ],
            )
        )
    else:
        blocks.append(Paragraph("The quarantine is empty: every record so far was valid."))
    return Section(
        "ingest",
        "Ingest and quarantine",
        tuple(blocks),
        intro="Every input record is accepted, recognised as a duplicate, or quarantined "
        "with its raw text and a reason: nothing is silently dropped.",
    )


def catalog_section(ctx: ReportContext) -> Section:
    catalog = ctx.catalog
    frame = catalog_frame(catalog, CATALOG_TOP)
    blocks: list[Block] = [
        figure(
            "catalog",
            catalog_chart(catalog, CATALOG_TOP),
            "One bar per event name, most events first; the colour says whether the name "
            "was only fired, declared in the tracking plan, or looks like another (a near miss).",
            frame,
            [
                col("name"),
                col("events", "events", "int"),
                col("users", "users", "int"),
                col("declared", "declared", "bool"),
                col("near_miss", "near miss", "bool"),
            ],
        )
    ]
    if catalog.warnings:
        blocks.append(
            Notes(
                tuple(w.message() for w in catalog.warnings),
                tone="warning",
                title="Near misses: a funnel or condition on the wrong spelling counts nothing",
            )
        )
    return Section(
        "catalog",
        "Event catalog",
        tuple(blocks),
        intro=f"{catalog.frame.height:,} event names. Funnels and conditions match names "
        "exactly, so this is where to check what the app really sends.",
    )
