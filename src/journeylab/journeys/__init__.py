"""Journeys: how users move between moments — paths, transitions, retention, lifecycle,
reactivation and one user's timeline (docs/journeys.md).

Each follows the funnels' design: a frozen spec validated once, one Ibis expression (DuckDB
or Spark), a frozen result holding polars frames with ``.table()``, ``.chart()``,
``.to_sql()``, ``.to_dict()`` and ``.warnings``, and a plain-Python reference the
expression is tested against. Reactivation is a derived moment: users inactive for at least
``dormant_for`` who come back, computed from gaps in activity
(:mod:`journeylab.journeys.reactivation`).
"""

from journeylab.journeys.calendar import Calendar
from journeylab.journeys.checks import PatternWarning, UnknownUserWarning
from journeylab.journeys.lifecycle import LifecycleSpec, lifecycle, lifecycle_spec
from journeylab.journeys.lifecycle_result import LifecycleResult
from journeylab.journeys.paths import paths
from journeylab.journeys.paths_result import PathsResult
from journeylab.journeys.paths_spec import PathsSpec, paths_spec
from journeylab.journeys.reactivation import (
    ReactivationResult,
    ReturnSpec,
    ReturnStep,
    reactivations,
    reference_returns,
    return_spec,
    returned,
)
from journeylab.journeys.retention import retention
from journeylab.journeys.retention_result import RetentionResult
from journeylab.journeys.retention_spec import RetentionSpec, retention_spec
from journeylab.journeys.timeline import TimelineResult, timeline
from journeylab.journeys.transitions import TransitionsSpec, transitions, transitions_spec
from journeylab.journeys.transitions_result import TransitionsResult

__all__ = [
    "Calendar",
    "LifecycleResult",
    "LifecycleSpec",
    "PathsResult",
    "PathsSpec",
    "PatternWarning",
    "ReactivationResult",
    "RetentionResult",
    "RetentionSpec",
    "ReturnSpec",
    "ReturnStep",
    "TimelineResult",
    "TransitionsResult",
    "TransitionsSpec",
    "UnknownUserWarning",
    "lifecycle",
    "lifecycle_spec",
    "paths",
    "paths_spec",
    "reactivations",
    "reference_returns",
    "retention",
    "retention_spec",
    "return_spec",
    "returned",
    "timeline",
    "transitions",
    "transitions_spec",
]
