"""A report built from options: its sections, its warnings, its page."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journeylab.report.context import ReportContext
from journeylab.report.html import render_page
from journeylab.report.model import Figure, Section
from journeylab.report.options import ReportOptions
from journeylab.report.sections import SectionBuilder, build_sections

if TYPE_CHECKING:
    from journeylab.lake.core import Lake
    from journeylab.names import NameWarning

__all__ = ["Report", "build_report"]


@dataclass(frozen=True)
class Report:
    """The report's sections (with their charts and tables) and the names it was given that
    the lake does not know: ``warnings`` (as every result has) and ``messages``, the same as
    lines of text naming the section that gave each name."""

    title: str
    sections: tuple[Section, ...]
    warnings: tuple[NameWarning, ...]
    messages: tuple[str, ...]

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures()]

    def html(self) -> str:
        """The whole page as one string (scripts and styles inlined)."""
        return render_page(self.sections, self.title)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically: a reader never sees half a file)."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(self.html(), encoding="utf-8")
        os.replace(tmp, out)
        return out


def build_report(
    lake: Lake, options: ReportOptions, sections: list[SectionBuilder] | None = None
) -> Report:
    """Run the sections' builders (``SECTIONS`` by default) on ``lake`` with ``options``."""
    ctx = ReportContext(lake, options)
    built = build_sections(ctx, sections)
    title = options.title or f"journeylab report: {Path(lake.path).name}"
    unique = tuple(dict.fromkeys(w for _, w in ctx.found_warnings))
    return Report(title, tuple(built), unique, tuple(ctx.name_warnings))
