"""The report's header: which lake, how much is in it, over what time, as of when."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from journeylab.charts.theme import in_words
from journeylab.report.context import ReportContext
from journeylab.report.model import Block, Notes, Section, Table, col
from journeylab.report.tables import cell

__all__ = ["overview_section"]


def _t(value: datetime | None) -> str:
    return cell(value, "time")


def _definition(value: object) -> str:
    if isinstance(value, str):
        return value
    name = getattr(value, "name", None)
    return str(name) if name else str(value)


def overview_section(ctx: ReportContext) -> Section:
    from journeylab import __version__

    s, o = ctx.summary, ctx.options
    window = "every event"
    if o.start_at or o.end_at:
        window = f"from {_t(o.start_at) if o.start_at else 'the first event'} to before "
        window += _t(o.end_at) if o.end_at else "the as-of time"
    facts = [
        ("lake", str(Path(ctx.lake.path).resolve())),
        ("events", cell(s.events, "int")),
        ("users", cell(s.users, "int")),
        ("time range (event_at)", f"{_t(s.first_event_at)} to {_t(s.last_event_at)}"),
        ("as of", _t(ctx.as_of)),
        ("entries, starts and enrolments", window),
        ("start event and window", f"{o.start!r}, {in_words(o.within)}"),
    ]
    if o.activations:
        facts.append(
            (
                "activation definitions",
                ", ".join(f"{k} = {_definition(v)}" for k, v in o.activations),
            )
        )
    if o.spend is not None:
        spend = o.spend if not isinstance(o.spend, pl.DataFrame) else "a table passed in Python"
        facts.append(("spend", str(spend)))
    if o.programs:
        facts.append(("offers and referrals", ", ".join(p.name for p in o.programs)))
    facts.append(("written", f"{_t(datetime.now(UTC))} by journeylab {__version__}"))
    frame = pl.DataFrame(facts, schema=["what", "value"], orient="row")
    blocks: list[Block] = [Table(frame, (col("what"), col("value")), header=False)]
    if ctx.name_warnings:
        blocks.append(
            Notes(
                tuple(ctx.name_warnings),
                tone="warning",
                title="Names not in the lake (they count nothing; names must match exactly)",
            )
        )
    name = Path(ctx.lake.path).name
    return Section("overview", o.title or f"journeylab report: {name}", tuple(blocks))
