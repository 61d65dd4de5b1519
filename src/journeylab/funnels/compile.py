"""Spec -> one Ibis expression: the per-user funnel table.

Columns: user_id, reached (1..n), t1..tn (the chosen chain's step times; for order="any"
per step, unsorted), last_start, in_progress, and with ``by`` the attributed event's raw
value (vs: JSON string, vn: JSON number).
"""

from __future__ import annotations

from datetime import datetime

import ibis.expr.types as ir

from journeylab.funnels.compile_any import any_instants, compile_any
from journeylab.funnels.compile_any_rep import compile_any_rep
from journeylab.funnels.compile_blocks import block_instants, compile_blocks
from journeylab.funnels.compile_common import finish_users, instants, tagged_events
from journeylab.funnels.compile_dp import compile_dp
from journeylab.funnels.compile_greedy import compile_greedy
from journeylab.funnels.repeats import Layout, rep_tagged, step_match
from journeylab.funnels.spec import FunnelSpec
from journeylab.journeys.reactivation import with_returns

__all__ = ["compile_funnel"]


def compile_funnel(
    events: ir.Table,
    spec: FunnelSpec,
    as_of: datetime,
    filter_as_of: bool = True,
    method: str = "auto",
    key: str = "user_id",
) -> ir.Table:
    """``method``: auto | dp (force the general DP; greedy is used only when spec.simple;
    a funnel with a name at several steps always takes compile_blocks or compile_any_rep).
    ``key``: ``user_key`` when the lake's integer keys are exact (used by the greedy path)."""
    strict = spec.order == "strict"
    cut = as_of if filter_as_of else None
    # derived steps (jl.returned): their moments join the events as derived rows
    events = with_returns(events, [*spec.steps, *[x.step for x in spec.exclude]])
    if spec.repeats:  # a name at several steps: count events, not only instants
        lay = Layout(spec)
        rows = rep_tagged(events, lay, cut, all_events=strict)
        if spec.order == "any":
            users = compile_any_rep(rows, spec, lay)
        else:
            users = compile_blocks(block_instants(rows, lay, strict=strict), spec, lay)
        return finish_users(users, rows, spec, as_of, lambda t, ak: step_match(lay, t, ak))
    # a lazy expression: the greedy path reads it only for a breakdown's attributed event
    tagged = tagged_events(events, spec, cut, all_events=strict)
    if spec.order == "any":
        users = compile_any(any_instants(tagged, spec), spec)
    elif spec.simple and method in ("auto", "greedy"):
        # a breakdown attributes events by user id: keys only without one
        users = compile_greedy(events, spec, cut, key=key if spec.by is None else "user_id")
    else:
        users = compile_dp(instants(tagged, spec, strict=strict), spec)
    return finish_users(users, tagged, spec, as_of)
