"""The report's sections, in order: a list of builders, each ``ReportContext → Section``.

To add a section (the journeys work adds paths, retention and lifecycle), write a builder
and register it where it belongs::

    from journeylab.report.sections import SectionBuilder, register_section

    def journeys(ctx: ReportContext) -> Section | None: ...

    register_section(SectionBuilder("journeys", journeys), before="backtests")

A builder returns None when it has nothing to say for this lake and these options.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from journeylab.errors import invalid
from journeylab.report.context import ReportContext
from journeylab.report.model import Section
from journeylab.report.sections.activation import activation_section, funnel_section
from journeylab.report.sections.backtests import backtests_section
from journeylab.report.sections.data import catalog_section, ingest_section
from journeylab.report.sections.overview import overview_section

__all__ = ["SECTIONS", "SectionBuilder", "build_sections", "register_section"]


@dataclass(frozen=True)
class SectionBuilder:
    key: str
    build: Callable[[ReportContext], Section | None]


SECTIONS: list[SectionBuilder] = [
    SectionBuilder("overview", overview_section),
    SectionBuilder("ingest", ingest_section),
    SectionBuilder("catalog", catalog_section),
    SectionBuilder("funnel", funnel_section),
    SectionBuilder("activation", activation_section),
    # journeys (paths, retention, lifecycle) go here: register_section(..., before="backtests")
    SectionBuilder("backtests", backtests_section),
]


def register_section(
    builder: SectionBuilder, before: str | None = None, after: str | None = None
) -> None:
    """Insert ``builder`` before or after the section with that key (default: at the
    end); a builder with the same key replaces the old one in place."""
    keys = [b.key for b in SECTIONS]
    if builder.key in keys:
        SECTIONS[keys.index(builder.key)] = builder
        return
    anchor = before if before is not None else after
    if anchor is None:
        SECTIONS.append(builder)
        return
    if anchor not in keys:
        raise invalid("before" if before is not None else "after", anchor, keys)
    at = keys.index(anchor) + (0 if before is not None else 1)
    SECTIONS.insert(at, builder)


def build_sections(
    ctx: ReportContext, builders: list[SectionBuilder] | None = None
) -> list[Section]:
    out = []
    for builder in SECTIONS if builders is None else builders:
        section = builder.build(ctx)
        if section is not None:
            out.append(section)
    return out
