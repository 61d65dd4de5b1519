"""The journeys methods of :class:`~journeylab.Lake` (docs/journeys.md): each delegates to
the plain function of :mod:`journeylab.journeys` with the same parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from journeylab.durations import Duration
    from journeylab.journeys.lifecycle_result import LifecycleResult
    from journeylab.journeys.paths_result import PathsResult
    from journeylab.journeys.retention_result import RetentionResult
    from journeylab.journeys.spec_common import StepsLike
    from journeylab.journeys.timeline import TimelineResult
    from journeylab.journeys.transitions_result import TransitionsResult
    from journeylab.lake.core import Lake
    from journeylab.steps import StepLike
    from journeylab.times import TimeLike

__all__ = ["JourneyMethods"]


class JourneyMethods:
    """Paths, transitions, retention, lifecycle and a user's timeline, as lake methods."""

    def _lake(self) -> Lake:
        return cast("Lake", self)

    def paths(
        self,
        start: StepLike | None = None,
        end: StepLike | None = None,
        between: Sequence[StepLike] | None = None,
        occurrence: str = "first",
        depth: int | None = 5,
        top: int = 20,
        within: Duration | None = None,
        exclude: StepsLike | None = None,
        collapse_repeats: bool = True,
        session_gap: Duration | None = "30m",
        group: Mapping[str, str] | None = None,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        users: Sequence[str] | None = None,
        strict: bool = False,
    ) -> PathsResult:
        """The most common paths after ``start``, before ``end`` or ``between=(A, B)``; see
        :func:`journeylab.journeys.paths` (same parameters)."""
        from journeylab.journeys import paths

        return paths(
            self._lake(),
            start,
            end,
            between,
            occurrence,
            depth,
            top,
            within,
            exclude,
            collapse_repeats,
            session_gap,
            group,
            start_date,
            end_date,
            as_of,
            users,
            strict,
        )

    def transitions(
        self,
        names: Sequence[str] | None = None,
        within: Duration | None = None,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        strict: bool = False,
    ) -> TransitionsResult:
        """From/to transitions between consecutive events; see
        :func:`journeylab.journeys.transitions` (same parameters)."""
        from journeylab.journeys import transitions

        return transitions(self._lake(), names, within, start_date, end_date, as_of, strict)

    def retention(
        self,
        start: StepLike = "signup",
        returning: StepLike = "any",
        period: str = "week",
        periods: int = 8,
        mode: str = "on",
        windows: str = "calendar",
        start_kind: str = "first_time",
        by: str | None = None,
        timezone: str = "UTC",
        week_start: str | int = "monday",
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        top: int = 10,
        strict: bool = False,
    ) -> RetentionResult:
        """Cohort × period retention with censored periods apart; see
        :func:`journeylab.journeys.retention` (same parameters)."""
        from journeylab.journeys import retention

        return retention(
            self._lake(),
            start,
            returning,
            period,
            periods,
            mode,
            windows,
            start_kind,
            by,
            timezone,
            week_start,
            start_date,
            end_date,
            as_of,
            top,
            strict,
        )

    def lifecycle(
        self,
        period: str = "week",
        active: StepLike = "any",
        timezone: str = "UTC",
        week_start: str | int = "monday",
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        strict: bool = False,
    ) -> LifecycleResult:
        """New, returning, resurrecting and dormant users per period; see
        :func:`journeylab.journeys.lifecycle` (same parameters)."""
        from journeylab.journeys import lifecycle

        return lifecycle(
            self._lake(), period, active, timezone, week_start, start_date, end_date, as_of, strict
        )

    def timeline(
        self,
        user_id: str,
        start_date: TimeLike | None = None,
        end_date: TimeLike | None = None,
        as_of: TimeLike | None = None,
        session_gap: Duration | None = "30m",
        strict: bool = False,
    ) -> TimelineResult:
        """One user's events in order, with gaps and sessions; see
        :func:`journeylab.journeys.timeline` (same parameters)."""
        from journeylab.journeys import timeline

        return timeline(self._lake(), user_id, start_date, end_date, as_of, session_gap, strict)
