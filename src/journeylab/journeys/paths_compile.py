"""Paths spec -> one Ibis expression: the paths grouped by their sequence of steps.

The engine aggregates early: each path is reduced to one row (its first ``depth`` steps,
seconds to the last of them, flags) before the paths are grouped by sequence, so what
leaves the engine is one row per distinct sequence, never one per event.

1. ``rows``: the events at or before as-of (exclusions removed), times as epoch µs, names
   grouped, anchor and ``between``-end flags.
2. ``anchors``: per user the first anchor in the entry range (``occurrence="first"``), or
   every anchor. For ``"any"`` with a session gap, each event carries its session number
   (a new session at each gap) so an anchor is joined only with its own session's events.
3. The anchors joined with their user's events at or after (``end``: at or before) the
   anchor's instant and inside ``within``; the anchor itself sorts first.
4. Two window passes per path: the previous event (repeat? gap?) then running counts (gap
   breaks, ``between`` ends before this row, step number ``k``; 1 = the anchor).
5. One aggregate per path (``s1..sD`` or, for ``depth=None``, an array of steps), then one
   per sequence: paths, users, median seconds, in-progress and reached counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.journeys.ibis_common import events_until, group_expr, in_range, lit, micros, us_of
from journeylab.journeys.paths_spec import PathsSpec

__all__ = ["compile_paths", "compile_path_rows", "horizon_of", "step_cols"]

_DEFAULT: Any = object()


def step_cols(depth: int) -> list[str]:
    return [f"s{j}" for j in range(1, depth + 1)]


def _rows(
    events: ir.Table,
    spec: PathsSpec,
    as_of: datetime,
    key: str,
    names: Mapping[str, str],
    filter_as_of: bool = True,
) -> ir.Table:
    ev = events_until(events, as_of, spec.exclude, spec.users, filter_as_of)
    cols: dict[str, Any] = {
        "u": ev[key],
        "us": ev.us,
        "id": ev.event_id,
        "g": group_expr(ev.name, names),
        "anc": spec.anchor.expr(ev) & in_range(ev.us, spec.clock),
        "b": (spec.until.expr(ev) if spec.until is not None else ibis.literal(False)),
    }
    return ev.select(**cols)


def _sessions(rows: ir.Table, spec: PathsSpec) -> ir.Table:
    """Add ``sid``: the user's session number (a new one after each gap > session_gap)."""
    assert spec.session_gap is not None
    w = ibis.window(group_by=rows.u, order_by=[rows.us, rows.id])
    prev = rows.us.lag().over(w)
    r = rows.mutate(nb=ibis.cases((rows.us - prev > lit(micros(spec.session_gap)), 1), else_=0))
    cum = ibis.window(group_by=r.u, order_by=[r.us, r.id], rows=(None, 0))
    return r.mutate(sid=r.nb.sum().over(cum)).drop("nb")


def _anchor_rows(
    events: ir.Table,
    spec: PathsSpec,
    as_of: datetime,
    key: str,
    filter_as_of: bool = True,
) -> ir.Table:
    """The anchor events straight from the lake (their own scan: the name filter skips the
    other names' row groups, and the big event scan is not shared with it)."""
    a = events.filter(spec.anchor.expr(events))
    a = events_until(a, as_of, (), spec.users, filter_as_of)
    a = a.filter(in_range(a.us, spec.clock))
    return a.select(u=a[key], us=a.us, id=a.event_id, anc=ibis.literal(True))


def _anchors(rows: ir.Table, spec: PathsSpec) -> ir.Table:
    a = rows.filter(rows.anc)
    if spec.occurrence == "first" and "sid" not in a.columns:
        # each user's first anchor by (time, id): an aggregate, no sort
        first = a.group_by("u").agg(
            aus=a.us.min(), aid=a.id.argmin(ibis.struct({"us": a.us, "id": a.id}))
        )
        return first.select(au=first.u, aus=first.aus, aid=first.aid)
    if spec.occurrence == "first":
        w = ibis.window(group_by=a.u, order_by=[a.us, a.id])
        a = a.mutate(rn=ibis.row_number().over(w))
        a = a.filter(a.rn == 0)
    cols: dict[str, Any] = {"au": a.u, "aus": a.us, "aid": a.id}
    if "sid" in a.columns:
        cols["asid"] = a.sid
    return a.select(**cols)


def _joined(
    rows: ir.Table, anchors: ir.Table, spec: PathsSpec, horizon: timedelta | None = None
) -> ir.Table:
    """Each anchor with its path's candidate events (the anchor included, flagged ``ia``),
    at most ``horizon`` away when given."""
    a, r = anchors, rows
    cond = [a.au == r.u]
    cond.append(r.us >= a.aus if spec.forward else r.us <= a.aus)
    for bound in (spec.within, horizon):
        if bound is not None:
            w = lit(micros(bound))
            cond.append(r.us - a.aus <= w if spec.forward else a.aus - r.us <= w)
    if "asid" in a.columns:
        cond.append(a.asid == r.sid)
    j = a.join(r, cond)
    ia = ibis.cases(((j.id == j.aid) & (j.us == j.aus), 1), else_=0)
    # one anchor per user (``first``): its id is not carried through the windows (an id is
    # the widest column of the walk); the second pass takes it back from ``anchors``
    keep = (
        ["u", "aus", "us", "id", "g", "b"]
        if spec.occurrence == "first"
        else ["u", "aus", "aid", "us", "id", "g", "b"]
    )
    return j.select(*keep, ia=ia.cast("int8"))


def _walk(j: ir.Table, spec: PathsSpec) -> ir.Table:
    """Per path, in path order: ``gapf`` (a gap break before this row), ``newf`` (a new
    step), ``bf`` (a between end), then ``brk``/``bb``/``k``: running counts."""
    part = [j.u] if spec.occurrence == "first" else [j.u, j.aus, j.aid]
    if spec.forward:
        order = [ibis.desc(j.ia), j.us, j.id]
    else:
        order = [ibis.desc(j.ia), ibis.desc(j.us), ibis.desc(j.id)]
    w = ibis.window(group_by=part, order_by=order)
    prev_g, prev_us = j.g.lag().over(w), j.us.lag().over(w)
    if spec.session_gap is not None:
        gap = (prev_us - j.us).abs() > lit(micros(spec.session_gap))
        gapf: Any = ibis.cases((prev_us.notnull() & gap, 1), else_=0)
    else:
        gapf = lit(0)
    newf = (
        ibis.cases((prev_g.isnull() | (j.g != prev_g), 1), else_=0)
        if spec.collapse_repeats
        else lit(1)
    )
    bf = ibis.cases((j.b & (j.ia == 0), 1), else_=0)
    f = j.mutate(gapf=gapf.cast("int32"), newf=newf.cast("int32"), bf=bf.cast("int32"))
    part2 = [f.u] if spec.occurrence == "first" else [f.u, f.aus, f.aid]
    order2 = (
        [ibis.desc(f.ia), f.us, f.id]
        if spec.forward
        else [ibis.desc(f.ia), ibis.desc(f.us), ibis.desc(f.id)]
    )
    cum = ibis.window(group_by=part2, order_by=order2, rows=(None, 0))
    return f.mutate(
        brk=f.gapf.sum().over(cum), bb=f.bf.sum().over(cum) - f.bf, k=f.newf.sum().over(cum)
    )


def _per_path(
    w: ir.Table, spec: PathsSpec, as_of: datetime, horizon: timedelta | None = None
) -> ir.Table:
    kept = (w.brk == 0) & (w.bb == 0)
    step = kept & (w.newf == 1) & (w.k >= 2)
    if spec.depth is not None:
        step = step & (w.k <= spec.depth + 1)
    aggs: dict[str, Any] = {
        "n_after": w.k.max(where=kept) - 1,
        "secs_us": (w.us - w.aus).abs().max(where=step),
        "last_us": w.us.max(where=kept) if spec.forward else w.us.min(where=kept),
        "reached": w.bf.max(where=kept),
        "gapcut": w.brk.max(),
    }
    if spec.depth is not None:
        for j, c in enumerate(step_cols(spec.depth), start=2):
            aggs[c] = w.g.max(where=kept & (w.newf == 1) & (w.k == j))
    else:
        aggs["steps"] = ibis.struct({"k": w.k, "g": w.g}).collect(where=step)
    if spec.occurrence == "first":  # one anchor per user
        per = w.group_by([w.u, w.aus]).agg(**aggs)
    else:
        per = w.group_by([w.u, w.aus, w.aid]).agg(**aggs)
    cut = us_of(as_of)
    open_: Any = ibis.literal(spec.forward)
    if spec.depth is not None:
        open_ = open_ & (per.n_after < spec.depth)
    open_ = open_ & (per.reached == 0) & (per.gapcut == 0)
    if spec.session_gap is not None:
        open_ = open_ & (per.last_us + lit(micros(spec.session_gap)) > lit(cut))
    if spec.within is not None:
        open_ = open_ & (per.aus + lit(micros(spec.within)) > lit(cut))
    if spec.depth is None:
        per = per.mutate(steps=per.steps.sort().map(lambda s: s.g))
    per = per.mutate(open=ibis.cases((open_, 1), else_=0))
    if horizon is None:
        return per
    # exact although only events within the horizon were read: the path stopped (a between
    # end, a gap; depth, unless a between end deeper down still counts) or its last event is
    # more than a session gap before the horizon
    done: Any = (per.reached > 0) | (per.gapcut > 0)
    if spec.depth is not None and spec.until is None:  # between: "reached" may lie deeper
        done = done | (per.n_after >= spec.depth)
    if spec.session_gap is not None:
        room = micros(horizon) - micros(spec.session_gap)
        done = done | ((per.last_us - per.aus).abs() <= lit(room))
    return per.mutate(resolved=ibis.cases((done, 1), else_=0))


def horizon_of(spec: PathsSpec) -> timedelta | None:
    """How far from the anchor the first pass reads: 6 session gaps (at least 2 hours).
    None (one pass) without a session gap — a path then stops only at ``depth``, and
    settling most paths would need most events anyway — or when ``within`` is shorter."""
    if spec.session_gap is None:
        return None
    h = max(timedelta(hours=2), spec.session_gap * 6)
    if spec.within is not None and spec.within <= h:
        return None
    return h


def compile_path_rows(
    events: ir.Table,
    spec: PathsSpec,
    as_of: datetime,
    key: str = "user_id",
    names: Mapping[str, str] | None = None,
    horizon: Any = _DEFAULT,
    filter_as_of: bool = True,
) -> ir.Table:
    """One row per path: u (the user ``key``), aus (anchor, epoch µs), ``s1..sD`` or
    ``steps``, n_after, secs_us, last_us, reached, gapcut, open.

    Two passes: the first reads only events within ``horizon`` of the anchor (default
    :func:`horizon_of`) and keeps the paths it settles (most of them: a path that stopped
    or went quiet well before the horizon cannot change); the second reads the events of
    the few users left. ``horizon=None``: one pass over every event."""
    names = names or {}
    rows = _rows(events, spec, as_of, key, names, filter_as_of)
    if spec.occurrence == "any" and spec.session_gap is not None:
        rows = _sessions(rows, spec)  # anchors need their session: from the same rows
        anchors = _anchors(rows, spec)
    else:
        anchors = _anchors(_anchor_rows(events, spec, as_of, key, filter_as_of), spec)
    horizon = horizon_of(spec) if horizon is _DEFAULT else horizon
    if horizon is None:
        return _per_path(_walk(_joined(rows, anchors, spec), spec), spec, as_of)
    near = _per_path(_walk(_joined(rows, anchors, spec, horizon), spec), spec, as_of, horizon)
    done = near.filter(near.resolved == 1).drop("resolved")
    todo = near.filter(near.resolved == 0)
    # the unsettled paths' anchors: with one per user (``first``) from ``anchors`` (their
    # ids were not carried), else from the first pass's paths (no second anchor scan)
    if spec.occurrence == "first":
        far_anchors = anchors.semi_join(todo, anchors.au == todo.u)
    else:
        far_anchors = todo.select(au=todo.u, aus=todo.aus, aid=todo.aid)
    if "sid" in rows.columns:
        far_anchors = anchors.semi_join(
            todo, [anchors.au == todo.u, anchors.aus == todo.aus, anchors.aid == todo.aid]
        )
    if "sid" in rows.columns:
        far_rows = rows.semi_join(todo, rows.u == todo.u)
    else:  # a scan of its own, not shared with the first pass (DuckDB would materialise it)
        users = todo.select(tu=todo.u).distinct()
        far_events = events.semi_join(users, events[key] == users.tu)
        far_rows = _rows(far_events, spec, as_of, key, names, filter_as_of)
    far = _per_path(_walk(_joined(far_rows, far_anchors, spec), spec), spec, as_of)
    return done.union(far.select(*done.columns))


def compile_paths(
    events: ir.Table,
    spec: PathsSpec,
    as_of: datetime,
    key: str = "user_id",
    names: Mapping[str, str] | None = None,
    horizon: Any = _DEFAULT,
    filter_as_of: bool = True,
) -> ir.Table:
    """One row per distinct sequence: ``s1..sD`` (None past the path's end) or ``steps``
    (an array, ``depth=None``), paths, users, median_us (anchor to the last step),
    in_progress, reached. ``key``: the user column to join and count on; ``names``: event
    name -> group alias."""
    per = compile_path_rows(events, spec, as_of, key, names, horizon, filter_as_of)
    seq = step_cols(spec.depth) if spec.depth is not None else ["steps"]
    users = per.count() if spec.occurrence == "first" else per.u.nunique()
    return per.group_by(seq).agg(
        paths=per.count(),
        users=users,
        median_us=per.secs_us.median(),
        in_progress=per.open.sum(),
        reached=per.reached.sum(),
    )
