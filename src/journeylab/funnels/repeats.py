"""What the compilers need when a name stands at several steps (``a → a → b``).

One event may then match several steps, and several events at one instant may fill several
steps; "one event fills at most one step" makes every question a matching of steps to
distinct events. Steps with the same name form a *group* (events of other names can never
fill them); inside a group, steps with the same filter share a *predicate*. Hall's theorem
turns "can distinct events fill these steps" into counts: the steps ``S`` of a group can be
filled iff for every set ``Q`` of their predicates, the events matching some predicate of
``Q`` are at least as many as the steps of ``S`` whose predicate is in ``Q``. So the
compilers only count events per predicate set (:func:`count_col`), never enumerate them.

Step 1 has its own predicate when the funnel has entry bounds (``start``/``end`` govern
step 1 only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from itertools import combinations
from typing import Any

import ibis
import ibis.expr.types as ir

from journeylab.funnels.compile_common import named, ts_literal
from journeylab.funnels.spec import FunnelSpec
from journeylab.steps import Step
from journeylab.where import json_number, json_string

__all__ = ["Layout", "count_col", "hall", "pred_sets", "rep_tagged"]


@dataclass(frozen=True)
class Layout:
    """The steps of ``spec`` as predicates (``p0..``) and name groups (1-based steps)."""

    spec: FunnelSpec

    @cached_property
    def preds(self) -> tuple[tuple[Step, bool], ...]:
        """Distinct (step, bounded) predicates; ``bounded``: step 1 with entry bounds."""
        out: list[tuple[Step, bool]] = []
        for key in self._keys:
            if key not in out:
                out.append(key)
        return tuple(out)

    @cached_property
    def _keys(self) -> list[tuple[Step, bool]]:
        spec = self.spec
        bounds = spec.start is not None or spec.end is not None
        return [(replace(st, label=None), k == 1 and bounds) for k, st in enumerate(spec.steps, 1)]

    def pred(self, k: int) -> int:
        """The predicate index of step ``k`` (1-based)."""
        return self.preds.index(self._keys[k - 1])

    @cached_property
    def groups(self) -> tuple[tuple[int, ...], ...]:
        """Steps sharing a name, in funnel order (groups ordered by their first step)."""
        by: dict[str, list[int]] = {}
        for k, st in enumerate(self.spec.steps, 1):
            by.setdefault(st.name, []).append(k)
        return tuple(tuple(g) for g in by.values())

    def group(self, k: int) -> tuple[int, ...]:
        return next(g for g in self.groups if k in g)


def count_col(ps: frozenset[int]) -> str:
    """Column name of the per-instant count of events matching a predicate of ``ps``."""
    return "n_" + "_".join(str(p) for p in sorted(ps))


def pred_sets(lay: Layout, steps: tuple[int, ...]) -> list[tuple[frozenset[int], int]]:
    """Hall's conditions for filling ``steps`` (of one group) with distinct events: for each
    non-empty set of their predicates, (the set, how many of the steps have a predicate in
    it)."""
    ps = sorted({lay.pred(k) for k in steps})
    out = []
    for r in range(1, len(ps) + 1):
        for q in combinations(ps, r):
            need = sum(1 for k in steps if lay.pred(k) in q)
            out.append((frozenset(q), need))
    return out


def hall(lay: Layout, u: ir.Table, first: int, last: int) -> ir.BooleanValue:
    """At one instant (a row of ``u`` with the :func:`count_col` columns): can distinct
    events fill steps ``first..last``?"""
    conds = []
    for g in lay.groups:
        steps = tuple(k for k in g if first <= k <= last)
        if steps:
            conds += [u[count_col(q)] >= need for q, need in pred_sets(lay, steps)]
    out = conds[0]
    for c in conds[1:]:
        out = out & c
    return out


def rep_tagged(
    events: ir.Table, lay: Layout, as_of: datetime | None, all_events: bool = False
) -> ir.Table:
    """Rows: user_id, t, p0..pP (1 if the event matches predicate p), x0..xE (1 if
    excluded), and with a breakdown event_id, vs, vn. Only the named events unless
    ``all_events`` (strict reads every event: any of them breaks a chain)."""
    spec = lay.spec
    ev = events if all_events else events.filter(named(events, spec))
    t = ev.event_at.cast("timestamp(6)")
    if as_of is not None:
        ev = ev.filter(t <= ts_literal(as_of))
        t = ev.event_at.cast("timestamp(6)")
    cols: dict[str, Any] = {"user_id": ev.user_id, "t": t}
    for p, (st, bounded) in enumerate(lay.preds):
        cond = st.expr(ev)
        if bounded and spec.start is not None:
            cond = cond & (t >= ts_literal(spec.start))
        if bounded and spec.end is not None:
            cond = cond & (t < ts_literal(spec.end))
        cols[f"p{p}"] = ibis.cases((cond, 1), else_=0).cast("int32")
    for i, x in enumerate(spec.exclude):
        cols[f"x{i}"] = ibis.cases((x.step.expr(ev), 1), else_=0).cast("int32")
    if spec.by is not None:
        cols["event_id"] = ev.event_id
        cols["vs"] = json_string(ev.data, spec.by)
        cols["vn"] = json_number(ev.data, spec.by)
    out = ev.select(**cols)
    if not all_events:
        keep = out.p0 > 0
        for c in [f"p{p}" for p in range(1, len(lay.preds))] + [
            f"x{i}" for i in range(len(spec.exclude))
        ]:
            keep = keep | (out[c] > 0)
        out = out.filter(keep)
    return out


def any_pred(lay: Layout, t: ir.Table, ps: frozenset[int]) -> ir.BooleanValue:
    """Row of a tagged table matches a predicate of ``ps``."""
    cols = [t[f"p{p}"] > 0 for p in sorted(ps)]
    out = cols[0]
    for c in cols[1:]:
        out = out | c
    return out


def step_match(lay: Layout, t: ir.Table, ak: Any) -> ir.BooleanValue:
    """Tagged row matches step ``ak`` (a column): its own predicate, or with order="any"
    after step 1 any predicate of its name (steps of one name count by occurrence)."""
    cases = []
    for k in range(1, lay.spec.n + 1):
        same = (k,) if lay.spec.order != "any" or k == 1 else lay.group(k)
        ps = frozenset(lay.pred(j) for j in same)
        cases.append((ak == k) & any_pred(lay, t, ps))
    out = cases[0]
    for c in cases[1:]:
        out = out | c
    return out
