"""Results → one offline HTML file: ``jl.report(lake, "report.html", ...)``.

The report runs the library's analyses on a lake (it never queries by itself), turns each
into a section of charts, tables and text (:mod:`journeylab.report.sections`, a list that
other packages extend), and writes one self-contained page (:mod:`journeylab.report.html`).
See docs/report.md for the sections and the defaults. Importing this package is cheap:
Altair and the page's code load when a report is built.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import polars as pl

from journeylab.durations import Duration
from journeylab.report.options import ReportOptions, make_options
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.ingest.report import IngestReport
    from journeylab.journeys.retention_spec import RetentionSpec
    from journeylab.lake.core import Lake
    from journeylab.report.build import Report
    from journeylab.steps import Step

__all__ = [
    "SECTIONS",
    "Report",
    "ReportContext",
    "ReportOptions",
    "Section",
    "SectionBuilder",
    "build_report",
    "register_section",
    "report",
]

_LAZY = {
    "Report": "journeylab.report.build",
    "build_report": "journeylab.report.build",
    "ReportContext": "journeylab.report.context",
    "Section": "journeylab.report.model",
    "SECTIONS": "journeylab.report.sections",
    "SectionBuilder": "journeylab.report.sections",
    "register_section": "journeylab.report.sections",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # resolved once; tools that read the module's dict see it
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def report(
    lake: Lake,
    out: str | os.PathLike[str] | None = None,
    *,
    start: str | Step = "signup",
    within: Duration = "14d",
    activations: Mapping[str, object] | Iterable[str] | None = None,
    funnel: Sequence[object] | str | None = None,
    spend: str | os.PathLike[str] | pl.DataFrame | None = None,
    channel: str = "channel",
    offers: Iterable[object] | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    ingest: IngestReport | Mapping[str, object] | None = None,
    strict: bool = False,
    title: str | None = None,
    retained: RetentionSpec | bool = True,
) -> Report:
    """Run every analysis the options ask for on ``lake`` and build the report; with
    ``out``, also write it there as one self-contained HTML file.

    ``start``: the anchor event (default ``signup``); ``within``: the window after it
    (``14d``); ``activations``: label → event name, ``jl.step(...)`` or condition, or
    ``["LABEL=EVENT", ...]`` (never guessed when absent); ``funnel``: the funnel's steps
    (default: the start, then each activation's event); ``spend``: a spend table (date,
    channel, amount) for CAC; ``offers``: offer/referral YAML paths or programs;
    ``start_date``/``end_date``: only entries, first starts and enrolments in that range (a date is its
    whole UTC day, both ends included; a datetime is an instant, the end excluded);
    ``as_of``: the cut (default: the lake's last event); ``ingest``: an IngestReport (or its
    dict) to show; ``strict``: unknown event names or fields raise instead of warning;
    ``retained``: activation quality — True (the default) is any event in the 4th calendar
    week after the start, a ``jl.retention_spec(...)`` says otherwise, False leaves it out.

    >>> jl.report(lake, "report.html", activations={"buy": "purchase"})  # doctest: +SKIP
    """
    from journeylab.report.build import build_report

    options = make_options(
        start=start,
        within=within,
        activations=activations,
        funnel=funnel,
        spend=spend,
        channel=channel,
        offers=offers,
        start_date=start_date,
        end_date=end_date,
        as_of=as_of,
        ingest=ingest,
        strict=strict,
        title=title,
        retained=retained,
    )
    result = build_report(lake, options)
    if out is not None:
        result.save(out)
    return result
