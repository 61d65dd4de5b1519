"""Spec -> one Ibis expression: the per-user funnel table.

Columns: user_id, reached (1..n), t1..tn (the chosen chain's step times; for order="any"
per step, unsorted), last_start, in_progress, and with ``by`` the attributed event's raw
value (vs: JSON string, vn: JSON number).
"""

from __future__ import annotations

from datetime import datetime

import ibis.expr.types as ir

from journeylab.funnels.compile_any import any_instants, compile_any
from journeylab.funnels.compile_common import finish_users, instants, tagged_events
from journeylab.funnels.compile_dp import compile_dp
from journeylab.funnels.compile_greedy import compile_greedy
from journeylab.funnels.spec import FunnelSpec

__all__ = ["compile_funnel"]


def compile_funnel(
    events: ir.Table,
    spec: FunnelSpec,
    as_of: datetime,
    filter_as_of: bool = True,
    method: str = "auto",
    key: str = "user_id",
) -> ir.Table:
    """``method``: auto | dp (force the general DP; greedy is used only when spec.simple).
    ``key``: ``user_key`` when the lake's integer keys are exact (used by the greedy path)."""
    strict = spec.order == "strict"
    cut = as_of if filter_as_of else None
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
