"""Shared helpers for the journeys tests: run a compiled analysis on an in-memory event log
(the shared DuckDB of funnel_helpers) and compare it with its plain-Python reference."""

from __future__ import annotations

import math
from typing import Any

import ibis

from funnel_helpers import arrow, engine, with_ids
from journeylab.journeys.checks import name_map
from journeylab.journeys.paths_compile import compile_paths
from journeylab.journeys.paths_result import normalize_sequences
from journeylab.journeys.paths_spec import PathsSpec
from journeylab.journeys.reference_paths import aggregate_paths, reference_paths


def source(events: list[dict[str, Any]]) -> ibis.Table:
    """The log as a table on the shared DuckDB (registered under one name, replaced)."""
    eng = engine()
    eng.backend.con.register("journeys_test_events", arrow(events))
    return eng.backend.table("journeys_test_events")


def cut_of(events: list[dict[str, Any]], as_of: Any) -> Any:
    return as_of or max(e["event_at"] for e in events)


def sql_paths(
    spec: PathsSpec, events: list[dict[str, Any]], key: str = "user_id", horizon: Any = "default"
) -> list[dict[str, Any]]:
    events = with_ids(events)
    cut = cut_of(events, spec.clock.as_of)
    names = name_map(spec.group, sorted({e["name"] for e in events}))
    kw = {} if horizon == "default" else {"horizon": horizon}
    expr = compile_paths(source(events), spec, cut, key, names, **kw)
    seq = normalize_sequences(engine().sql(engine().to_sql(expr)), spec)
    return sorted(seq.to_dicts(), key=lambda r: r["path"])


def ref_paths(spec: PathsSpec, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return aggregate_paths(reference_paths(spec, with_ids(events)))


def same_rows(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> bool:
    """Equal, floats within 1e-9 relative (engine medians go through doubles)."""
    if len(got) != len(want):
        return False
    for g, w in zip(got, want, strict=True):
        if g.keys() != w.keys():
            return False
        for k in g:
            a, b = g[k], w[k]
            if isinstance(a, float) or isinstance(b, float):
                if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                    if not (a is None and b is None):
                        return False
            elif a != b:
                return False
    return True


def sql_transitions(
    spec: Any, events: list[dict[str, Any]], key: str = "user_id"
) -> list[dict[str, Any]]:
    from journeylab.journeys.transitions import compile_transitions

    events = with_ids(events)
    cut = cut_of(events, spec.clock.as_of)
    frame = engine().sql(engine().to_sql(compile_transitions(source(events), spec, cut, key)))
    rows = [
        {
            "src": r["src"],
            "dst": r["dst"],
            "events": r["events"],
            "users": r["users"],
            "median_seconds": None if r["median_us"] is None else r["median_us"] / 1e6,
            "p95_seconds": None if r["p95_us"] is None else r["p95_us"] / 1e6,
            "ends_open": r["ends_open"],
        }
        for r in frame.iter_rows(named=True)
    ]
    return sorted(rows, key=lambda r: (r["src"], r["dst"] or ""))


def ref_transitions(spec: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from journeylab.journeys.reference_transitions import reference_transitions

    return reference_transitions(spec, with_ids(events))


def sql_retention(spec: Any, events: list[dict[str, Any]], key: str = "user_id") -> Any:
    """The RetentionResult of the compiled expressions on the in-memory log."""
    from journeylab.journeys.retention_compile import (
        compile_cohorts,
        compile_entries,
        compile_returns,
    )
    from journeylab.journeys.retention_result import build_retention

    events = with_ids(events)
    cut = cut_of(events, spec.clock.as_of)
    lo = min(e["event_at"] for e in events)
    offsets = spec.calendar.offsets(lo, cut)
    src = source(events)
    entries = compile_entries(src, spec, cut, offsets, key)
    rows = engine().sql(
        engine().to_sql(
            compile_cohorts(compile_returns(src, spec, entries, cut, offsets, key), spec)
        )
    )
    return build_retention(spec, rows, cut, "")


def ref_retention(spec: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from journeylab.journeys.reference_cohorts import reference_retention

    return reference_retention(spec, with_ids(events))


def sql_lifecycle(spec: Any, events: list[dict[str, Any]], key: str = "user_id") -> Any:
    from journeylab.journeys.lifecycle import compile_lifecycle
    from journeylab.journeys.lifecycle_result import build_lifecycle

    events = with_ids(events)
    cut = cut_of(events, spec.clock.as_of)
    offsets = spec.calendar.offsets(min(e["event_at"] for e in events), cut)
    expr = compile_lifecycle(source(events), spec, cut, offsets, key)
    return build_lifecycle(spec, engine().sql(engine().to_sql(expr)), cut, "")


def ref_lifecycle(spec: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from journeylab.journeys.reference_cohorts import reference_lifecycle

    return reference_lifecycle(spec, with_ids(events))
