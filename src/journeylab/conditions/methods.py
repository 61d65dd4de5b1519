"""What an offer or referral can do, as methods (the bodies live in io, backtest, replay).

A mixin of :class:`~journeylab.conditions.model.Offer` and ``Referral``: it holds no
fields, only typed entry points that delegate to the plain functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from journeylab.conditions.result import BacktestResult
    from journeylab.lake.core import Lake
    from journeylab.times import TimeLike

__all__ = ["ProgramMethods"]


class ProgramMethods:
    """``to_dict``/``to_yaml``/``to_json``, ``backtest`` and ``replay`` of a program."""

    def to_dict(self) -> dict[str, Any]:
        """The YAML-shaped mapping (aliases, no unset keys)."""
        from journeylab.conditions.io import dump_dict

        return dump_dict(self)  # type: ignore[arg-type]

    def to_yaml(self) -> str:
        from journeylab.conditions.io import dump_yaml

        return dump_yaml(self)  # type: ignore[arg-type]

    def to_json(self) -> str:
        from journeylab.conditions.io import dump_json

        return dump_json(self)  # type: ignore[arg-type]

    def backtest(
        self,
        lake: Lake,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        strict: bool = False,
        *,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        method: str = "auto",
    ) -> BacktestResult:
        """Backtest on a lake; see :func:`journeylab.conditions.backtest.backtest`
        (``method``: ``"auto"`` or ``"sql"``, the same result either way).

        ``start``/``end``: deprecated aliases of ``start_date``/``end_date`` (instants).

        >>> offer = jl.offer("two-buys", entry="signup", satisfy=jl.event("purchase", count=2))
        >>> result = offer.backtest(lake)
        >>> result.stage("enrolled"), result.stage("satisfied")
        (3, 0)
        """
        from journeylab.conditions.backtest import backtest
        from journeylab.times import as_utc, renamed

        lo = renamed("start", as_utc(start, "start"), "start_date", start_date)
        hi = renamed("end", as_utc(end, "end"), "end_date", end_date)
        return backtest(self, lake, lo, hi, as_of, strict, method)  # type: ignore[arg-type]

    def replay(
        self,
        events: Iterable[Mapping[str, Any]] | pl.DataFrame,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        as_of: TimeLike | None = None,
        trace: bool = False,
    ) -> BacktestResult:
        """The event-by-event reference (instants, ``start <= t < end``); see
        :func:`journeylab.conditions.replay.replay`."""
        from journeylab.conditions.replay import replay

        return replay(self, events, start, end, as_of, trace)  # type: ignore[arg-type]
