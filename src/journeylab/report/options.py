"""What the report is asked for, checked and normalised before any query runs.

Defaults (docs/report.md): the start (anchor) event is ``signup`` and the window 14 days;
activation definitions are never guessed from the data (they are a product decision): with
none, the activation sections say how to add them and list the catalog's most widespread
names as candidates. The funnel defaults to the start event followed by the activation
events in the order given. Without spend there is no CAC; without offers, no backtests.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from journeylab.activation.spec import parse_activation
from journeylab.durations import Duration, parse_duration
from journeylab.errors import InputError, SpecError, invalid
from journeylab.journeys.retention_spec import RetentionSpec, retention_spec
from journeylab.steps import Step
from journeylab.times import as_utc, time_range

__all__ = ["ReportOptions", "make_options"]

SpendInput = str | os.PathLike[str] | pl.DataFrame


@dataclass(frozen=True)
class ReportOptions:
    """Normalised report inputs. ``start_at``/``end_at``: entry, first-start and enrolment
    times in ``[start_at, end_at)`` (:func:`journeylab.times.time_range`: a ``to`` date
    includes its whole UTC day). ``strict``: unknown names raise instead of warning."""

    start: str = "signup"
    within: timedelta = timedelta(days=14)
    activations: tuple[tuple[str, Any], ...] = ()
    funnel: tuple[Any, ...] = ()
    spend: SpendInput | None = None
    channel: str = "channel"
    programs: tuple[Any, ...] = ()
    start_at: datetime | None = None
    end_at: datetime | None = None
    as_of: datetime | None = None
    ingest: Mapping[str, Any] | None = None
    strict: bool = False
    title: str | None = None
    #: activation quality: who is still active at period N (None: not shown)
    retained: RetentionSpec | None = None

    @property
    def funnel_steps(self) -> tuple[Any, ...]:
        """The funnel's steps: as given, else the start and each activation's event."""
        if self.funnel:
            return self.funnel
        if not self.activations:
            return ()
        return (self.start, *(definition for _, definition in self.activations))


def _activations(value: Mapping[str, Any] | Iterable[str] | None) -> tuple[tuple[str, Any], ...]:
    if value is None:
        return ()
    pairs: list[tuple[str, Any]]
    if isinstance(value, Mapping):
        pairs = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, str):
        pairs = [parse_activation(value)]
    else:
        pairs = [parse_activation(v) if isinstance(v, str) else tuple(v) for v in value]  # type: ignore[misc]
    labels = [label for label, _ in pairs]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise invalid("activations", dupes, "distinct labels", cls=SpecError)
    return tuple(pairs)


def _programs(offers: Iterable[Any] | None) -> tuple[Any, ...]:
    from journeylab.conditions.io import load_program

    out = []
    for item in offers or ():
        if hasattr(item, "backtest"):  # already a program (jl.load_program, jl.offer, ...)
            out.append(item)
            continue
        if isinstance(item, os.PathLike) or (isinstance(item, str) and "\n" not in item):
            path = Path(item)
            if not path.exists():
                raise invalid("offers", str(path), "an existing YAML/JSON file", cls=InputError)
            item = path
        out.append(load_program(item))
    names = [p.name for p in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise invalid("offers", dupes, "programs with distinct names", cls=SpecError)
    return tuple(out)


def _spend(spend: SpendInput | None) -> SpendInput | None:
    if spend is None or isinstance(spend, pl.DataFrame):
        return spend
    path = Path(spend)
    if not path.exists():
        raise invalid("spend", str(path), "an existing CSV or Parquet file", cls=InputError)
    return path


def make_options(
    start: str | Step = "signup",
    within: Duration = "14d",
    activations: Mapping[str, Any] | Iterable[str] | None = None,
    funnel: Sequence[Any] | None = None,
    spend: SpendInput | None = None,
    channel: str = "channel",
    offers: Iterable[Any] | None = None,
    start_date: Any = None,
    end_date: Any = None,
    as_of: Any = None,
    ingest: Any = None,
    strict: bool = False,
    title: str | None = None,
    retained: RetentionSpec | bool = True,
) -> ReportOptions:
    """Check every input (files exist, specs parse, times and durations are valid).
    ``retained``: True is "any event in the 4th calendar week after the start"."""
    start_name = start.name if isinstance(start, Step) else start
    if not isinstance(start_name, str) or not start_name.strip():
        raise invalid("start", start, "an event name such as 'signup'", cls=SpecError)
    start_at, end_at = time_range(start_date, end_date)
    if isinstance(funnel, str):
        funnel = [s.strip() for s in funnel.split(",") if s.strip()]
    if funnel is not None and len(funnel) == 1:
        raise invalid("funnel", funnel, "at least two steps", cls=SpecError)
    report = ingest.to_dict() if hasattr(ingest, "to_dict") else ingest
    if report is not None and not isinstance(report, Mapping):
        raise invalid("ingest", ingest, "an IngestReport or its to_dict()")
    return ReportOptions(
        start=start_name,
        within=parse_duration(within, "within"),
        activations=_activations(activations),
        funnel=tuple(funnel or ()),
        spend=_spend(spend),
        channel=channel,
        programs=_programs(offers),
        start_at=start_at,
        end_at=end_at,
        as_of=as_utc(as_of, "as_of"),
        ingest=report,
        strict=strict,
        title=title,
        retained=_retained(retained, start_name),
    )


def _retained(value: RetentionSpec | bool | None, start: str) -> RetentionSpec | None:
    if value is True:
        return retention_spec(start=start, period="week", periods=4)
    if value is False or value is None:
        return None
    if not isinstance(value, RetentionSpec):
        raise invalid("retained", value, "True, False or jl.retention_spec(...)", cls=SpecError)
    return value
