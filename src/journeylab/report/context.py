"""The lake, the options and the analyses' results, each computed once, on first use.

Section builders read everything through a :class:`ReportContext`; it calls only the
library's own analyses (``lake.summary()``, ``lake.catalog()``, ``lake.funnel(...)``,
``lake.compare_activations(...)``, ``program.backtest(...)``, ``explain(...)``) and never
builds a query itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import polars as pl

from journeylab.lake.catalog import Catalog
from journeylab.names import NameWarning
from journeylab.report.options import ReportOptions

__all__ = ["EXPLAIN_ORDER", "ReportContext", "explained_user"]

# Which user a backtest section explains: the first (in event-time order) with the first
# of these statuses that anyone has.
EXPLAIN_ORDER = ("satisfied", "capped", "expired", "pending", "ineligible", "not_enrolled")


def explained_user(result: Any) -> str | None:
    """The user a backtest section explains (see :data:`EXPLAIN_ORDER`): the first to be
    satisfied (by time, then id), else the first enrolled with the next status."""
    users = result.users
    for status in EXPLAIN_ORDER:
        some = users.filter(pl.col("status") == status)
        if some.height:
            order = [c for c in ("satisfied_at", "enrolled_at", "user_id") if c in some.columns]
            return str(some.sort(order, nulls_last=True)["user_id"][0])
    return None


@dataclass
class ReportContext:
    lake: Any
    options: ReportOptions
    notes: list[str] = field(default_factory=list)

    @cached_property
    def summary(self) -> Any:
        return self.lake.summary()

    @cached_property
    def catalog(self) -> Catalog:
        catalog: Catalog = self.lake.catalog()
        return catalog

    @cached_property
    def as_of(self) -> datetime | None:
        """The cut of every analysis: the given as-of, else the lake's last ``event_at``."""
        return self.options.as_of or self.lake.last_event_at()

    @cached_property
    def found_warnings(self) -> list[tuple[str, NameWarning]]:
        """Every name the analyses were given that the lake does not know, with the section
        that gave it (each analysis checks its own names: a typo would count nothing)."""
        found: list[tuple[str, Any]] = []
        if self.funnel is not None:
            found.append(("funnel", self.funnel))
        if self.comparison is not None:
            found.append(("activation", self.comparison))
        found += [(f"{r.program.kind} {r.program.name!r}", r) for r in self.backtests]
        out: list[tuple[str, NameWarning]] = []
        for where, result in found:
            for w in getattr(result, "warnings", ()):
                if (where, w) not in out:
                    out.append((where, w))
        return out

    @cached_property
    def name_warnings(self) -> list[str]:
        """:attr:`found_warnings` as lines of text, each naming its section."""
        return [f"{where}: {w.message()}" for where, w in self.found_warnings]

    def _window(self) -> dict[str, Any]:
        o = self.options
        return {"start_date": o.start_at, "end_date": o.end_at, "strict": o.strict}

    @cached_property
    def funnel(self) -> Any:
        steps = self.options.funnel_steps
        if not steps:
            return None
        return self.lake.funnel(
            list(steps), within=self.options.within, as_of=self.as_of, **self._window()
        )

    @cached_property
    def comparison(self) -> Any:
        if not self.options.activations:
            return None
        return self.lake.compare_activations(
            start=self.options.start,
            activations=dict(self.options.activations),
            within=self.options.within,
            spend=self.options.spend,
            channel=self.options.channel,
            as_of=self.as_of,
            retained=self.options.retained,
            **self._window(),
        )

    @cached_property
    def backtests(self) -> list[Any]:
        """One result per program. The as-of time is passed only when given: by default
        each program cuts at the lake's last time on its own basis."""
        kw = self._window()
        if self.options.as_of is not None:
            kw["as_of"] = self.options.as_of
        return [program.backtest(self.lake, **kw) for program in self.options.programs]

    def explain(self, result: Any, user_id: str) -> Any:
        from journeylab.conditions.explain import explain

        return explain(result, self.lake, user_id)

    def candidate_names(self, n: int = 8) -> list[tuple[str, int]]:
        """The catalog's names reached by the most users, the start excluded: candidates
        for activation definitions (listed, never used unasked)."""
        frame = self.catalog.frame.filter(
            (pl.col("name") != self.options.start) & (pl.col("events") > 0)
        ).sort(["users", "name"], descending=[True, False])
        return [(r["name"], int(r["users"])) for r in frame.head(n).iter_rows(named=True)]
