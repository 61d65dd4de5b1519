"""``ActivationComparison``: the typed, frozen result (polars frames; charts never query)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab import dialects
from journeylab.activation.compile import act_col, sec_col
from journeylab.activation.spec import ActivationSpec
from journeylab.dialects import Dialect
from journeylab.errors import InputError, invalid
from journeylab.journeys.retention_spec import RetentionSpec
from journeylab.names import NameWarning

if TYPE_CHECKING:
    import altair as alt

__all__ = ["ActivationComparison", "STATUSES", "SQL_PARTS"]

STATUSES = ("started", "activated", "not_activated", "in_progress")
SQL_PARTS = ("definitions", "users", "overlap", "cac", "retained")


def _no_retained() -> InputError:
    return InputError(
        "Invalid value for retained: None. Activation quality needs a retention spec: pass "
        "retained=jl.retention_spec(period='week', periods=4) to compare_activations."
    )


@dataclass(frozen=True)
class ActivationComparison:
    """Activation definitions compared on the same started users.

    Frames: ``definitions_frame`` (one row per definition), ``overlap_frame`` (one row per
    pair), ``channel_frame`` (channel × definition; spend and CAC when spend was given),
    ``users_frame`` (one
    row per started user; ``act_i``/``sec_i`` columns per definition *i*).
    """

    spec: ActivationSpec
    as_of: datetime | None
    date_range: tuple[date, date] | None
    definitions_frame: pl.DataFrame
    overlap_frame: pl.DataFrame
    channel_frame: pl.DataFrame
    has_spend: bool
    users_frame: pl.DataFrame
    queries: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: the engine the queries ran on (their SQL is compiled for it)
    dialect: Dialect = "duckdb"
    #: unknown event names and data fields (see journeylab.names)
    warnings: tuple[NameWarning, ...] = ()
    #: activation quality (``retained=``): what "still active at period N" means
    retained_spec: RetentionSpec | None = None
    retained_frame: pl.DataFrame | None = None
    retained_channel_frame: pl.DataFrame | None = None

    # -- frames ----------------------------------------------------------------------
    def table(self) -> pl.DataFrame:
        """Per definition: started, activated, rate + Wilson 95% CI (everyone and matured
        users), in_progress, median/p75 seconds to activate (and spend, blended CAC)."""
        return self.definitions_frame

    def overlap(self) -> pl.DataFrame:
        """Per pair of definitions: both, only_a, only_b, neither, jaccard (started users)."""
        return self.overlap_frame

    def by_channel(self) -> pl.DataFrame:
        """Per channel and definition: the same counts, rates and intervals as ``table``."""
        return self.channel_frame

    def cac(self) -> pl.DataFrame:
        """Per channel and definition: started, activated, rate, spend, cac (= spend over
        the date range ÷ activated users; NULL when none activated) and cac_low/cac_high
        (spend ÷ (started × the rate's Wilson 95% bounds); NULL when unbounded)."""
        if not self.has_spend:
            raise InputError(
                "Invalid value for spend: None. CAC needs a spend table "
                "(date, channel, amount): pass spend=PATH or a polars DataFrame."
            )
        return self.channel_frame.select(
            "channel",
            "definition",
            "started",
            "activated",
            "rate",
            "spend",
            "cac",
            "cac_low",
            "cac_high",
        )

    def retained(self) -> pl.DataFrame:
        """Activation quality per definition (``retained=`` given): for the ``activated``
        and the ``not_activated`` users, how many were still active at period N of the
        retention spec — users, eligible (period N ended at as-of), retained, rate with its
        Wilson 95% interval, censored (apart, never counted as lost) — with started and
        in_progress (users still in their activation window, in neither group); with spend,
        on the activated row: retained_share and cac_retained (spend per retained activated
        user) with cac_retained_low/high. See :mod:`journeylab.activation.retained`."""
        if self.retained_frame is None:
            raise _no_retained()
        return self.retained_frame

    def retained_by_channel(self) -> pl.DataFrame:
        """The same as :meth:`retained`, per channel (CAC per retained activated user from
        each channel's spend)."""
        if self.retained_channel_frame is None:
            raise _no_retained()
        return self.retained_channel_frame

    def users(self, label: str, status: str = "activated") -> pl.DataFrame:
        """Started users of one definition by status: started, activated, not_activated
        (window closed without activation), in_progress (window still open at as-of).

        Columns: user_id, channel, start_at, activated_at, seconds_to_activate."""
        i = self.spec.labels.index(self.spec.definition(label).label)
        if status not in STATUSES:
            raise invalid("status", status, STATUSES)
        f = self.users_frame
        act = pl.col(act_col(i)).is_not_null()
        cond = {
            "started": pl.lit(True),
            "activated": act,
            "not_activated": ~act & pl.col("matured"),
            "in_progress": ~act & ~pl.col("matured"),
        }[status]
        return (
            f.filter(cond)
            .select(
                "user_id",
                "channel",
                "start_at",
                pl.col(act_col(i)).alias("activated_at"),
                pl.col(sec_col(i)).alias("seconds_to_activate"),
            )
            .sort("user_id")
        )

    def to_sql(self, part: str = "definitions") -> str:
        """The SQL of one part, compiled from the events: definitions, users, overlap, cac,
        retained."""
        if part not in self.queries:
            raise invalid("part", part, tuple(self.queries))
        return dialects.to_sql(self.queries[part], self.dialect)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: spec, as_of, date range, definitions, overlap, cac (lists of objects),
        warnings (unknown names)."""
        return {
            "spec": self.spec.to_dict(),
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "date_range": None
            if self.date_range is None
            else [d.isoformat() for d in self.date_range],
            "definitions": self.definitions_frame.to_dicts(),
            "overlap": self.overlap_frame.to_dicts(),
            "by_channel": self.channel_frame.to_dicts(),
            "cac": self.cac().to_dicts() if self.has_spend else [],
            "warnings": [w.to_dict() for w in self.warnings],
            **({} if self.retained_spec is None else {"retained": self._retained_dict()}),
        }

    def _retained_dict(self) -> dict[str, Any]:
        spec = self.retained_spec
        assert spec is not None
        keep = ("returning", "period", "mode", "windows", "timezone", "week_start")
        return {
            "spec": {k: v for k, v in spec.to_dict().items() if k in keep},
            "at_period": spec.periods,
            "definitions": self.retained().to_dicts(),
            "by_channel": self.retained_by_channel().to_dicts(),
        }

    # -- charts ----------------------------------------------------------------------
    def chart(self) -> alt.TopLevelMixin:
        """Rates per definition with Wilson 95% intervals (matured users and everyone)."""
        from journeylab.charts.activation import comparison_chart

        return comparison_chart(self)

    def overlap_chart(self) -> alt.TopLevelMixin:
        """Jaccard heatmap of which definitions activate the same users."""
        from journeylab.charts.activation import overlap_chart

        return overlap_chart(self)

    def retained_chart(self) -> alt.TopLevelMixin:
        """Share still active at period N, activated vs not, per definition (95% CIs)."""
        from journeylab.charts.activation import retained_chart

        return retained_chart(self)

    def cac_chart(self) -> alt.TopLevelMixin:
        """CAC per channel for each definition (grouped bars)."""
        from journeylab.charts.activation import cac_chart

        return cac_chart(self)
