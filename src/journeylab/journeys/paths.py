"""``paths(lake, ...)``: spec -> Ibis expression -> engine -> PathsResult."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from journeylab.durations import Duration
from journeylab.journeys.checks import checked, lake_names, name_map, pattern_warnings
from journeylab.journeys.ibis_common import events_until, in_range, run
from journeylab.journeys.paths_compile import compile_paths
from journeylab.journeys.paths_result import PathsResult, normalize_sequences, rank_sequences
from journeylab.journeys.paths_spec import PathsSpec, paths_spec
from journeylab.journeys.spec_common import StepsLike
from journeylab.names import NameWarning
from journeylab.steps import StepLike
from journeylab.times import TimeLike

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["paths", "build_paths_result", "user_key_column"]


def user_key_column(lake: Lake) -> str:
    """``user_key`` when the lake's integer keys are exact (faster joins), else ``user_id``."""
    events = lake.events()
    return "user_key" if "user_key" in events.columns and lake.user_keys_exact() else "user_id"


def build_paths_result(
    spec: PathsSpec,
    frame: pl.DataFrame,
    as_of: datetime | None,
    sql: str,
    cohort_users: int | None = None,
    warnings: tuple[NameWarning, ...] = (),
) -> PathsResult:
    """The result of the engine's per-sequence rows (``cohort_users`` defaults to the number
    of paths, exact for ``occurrence="first"``)."""
    seq = normalize_sequences(frame, spec)
    cohort = int(seq["paths"].sum()) if seq.height else 0
    ranked = rank_sequences(seq, spec, cohort)
    users = cohort if cohort_users is None else cohort_users
    return PathsResult(spec, as_of, ranked, cohort, users, sql, warnings)


def paths(
    lake: Lake,
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
    docs/journeys.md for every parameter. ``users`` restricts the paths to those user ids
    (e.g. a funnel's dropped users). Names are checked against the lake (warnings in
    ``result.warnings``, or an error with ``strict=True``)."""
    spec = paths_spec(
        start=start,
        end=end,
        between=between,
        occurrence=occurrence,
        depth=depth,
        top=top,
        within=within,
        exclude=exclude,
        collapse_repeats=collapse_repeats,
        session_gap=session_gap,
        group=group,
        start_date=start_date,
        end_date=end_date,
        as_of=as_of,
        users=users,
    )
    param = {"start": "start", "end": "end", "between": "between[0]"}[spec.mode]
    steps = [(param, spec.anchor), ("between[1]", spec.until)]
    steps += [
        ("exclude" if len(spec.exclude) == 1 else f"exclude[{i}]", x)
        for i, x in enumerate(spec.exclude)
    ]
    names: dict[str, Any] = {}
    extra: list[NameWarning] = []
    if spec.group:
        known = lake_names(lake)
        extra = pattern_warnings(spec.group, known)
        names = name_map(spec.group, known)
    warnings = checked(lake, steps, extra=extra, strict=strict)
    cut = spec.clock.as_of or lake.last_event_at()
    if cut is None:
        return build_paths_result(spec, pl.DataFrame(), None, "", 0, warnings)
    events = lake.events()
    key = user_key_column(lake)
    given = spec.clock.as_of is not None  # else as-of is the lake's last event: nothing to cut
    expr = compile_paths(events, spec, cut, key, names, filter_as_of=given)
    frame, sql = run(lake.engine, expr)  # one row per sequence: ranked in polars
    cohort_users = None
    if spec.occurrence == "any":
        ev = events_until(events, cut, spec.exclude, spec.users, given)
        anchors = ev.filter(spec.anchor.expr(ev) & in_range(ev.us, spec.clock))
        counted, _ = run(lake.engine, anchors.aggregate(n=anchors[key].nunique()))
        cohort_users = int(counted["n"][0])
    return build_paths_result(spec, frame, cut, sql, cohort_users, warnings)
