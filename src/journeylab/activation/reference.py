"""Plain-Python activation comparison, event by event, written from semantics.md.

Slow and obvious on purpose: the differential tests check the Ibis result against it.
Events are mappings with ``event_id``, ``user_id``, ``name``, ``event_at`` (aware datetime)
and ``data`` (JSON text, a dict or None).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from journeylab.activation.compile import start_bounds
from journeylab.activation.spec import UNKNOWN_CHANNEL, ActivationSpec
from journeylab.stats import wilson
from journeylab.steps import Step, step

__all__ = ["reference_comparison", "quantile"]


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (SQL percentile_cont)."""
    if not values:
        return None
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _data(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        out = json.loads(value)
        return out if isinstance(out, dict) else {}
    return dict(value)


def _need(source: Any) -> tuple[Step, int]:
    """A step (need 1) or a plain count leaf of journeylab.conditions (need N)."""
    if isinstance(source, Step):
        return source, 1
    leaf: Any = getattr(source, "condition", None)
    plain = ("sum", "within", "from_", "count_from")
    if type(leaf).__name__ != "Event" or any(getattr(leaf, k) is not None for k in plain):
        raise NotImplementedError(f"the reference evaluates steps and count leaves: {source!r}")
    return step(leaf.event, leaf.where), int(leaf.need)


def _naive(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def reference_comparison(
    events: Iterable[Mapping[str, Any]],
    spec: ActivationSpec,
    as_of: datetime | None = None,
    spend: Iterable[tuple[date, str, float]] | None = None,
    channels: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """``{"users", "definitions", "overlap", "by_channel", "date_range", "as_of"}`` by hand.

    Without ``spend`` only channels with users appear and ``spend``/``cac`` are None."""
    evs = sorted(
        ({**e, "event_at": _naive(e["event_at"]), "data": _data(e.get("data"))} for e in events),
        key=lambda e: (e["event_at"], e["event_id"]),
    )
    given = spec.as_of or as_of
    if given is not None:
        cut = _naive(given)
    else:
        cut = evs[-1]["event_at"] if evs else datetime(1970, 1, 1)
    evs = [e for e in evs if e["event_at"] <= cut]
    lo, hi = start_bounds(spec)

    # each user's first start event (ties already ordered by event_id)
    users: dict[str, dict[str, Any]] = {}
    for e in evs:
        if e["user_id"] in users or not spec.start.matches(e["name"], e["data"]):
            continue
        users[e["user_id"]] = {"start_at": e["event_at"], "data": e["data"]}
    for uid in list(users):
        t = users[uid]["start_at"]
        if (lo is not None and t < lo) or (hi is not None and t >= hi):
            del users[uid]
    for uid, u in users.items():
        if channels is not None:
            ch = channels.get(uid)
        else:
            v = u["data"].get(spec.channel)
            ch = v if isinstance(v, str) else None
        u["channel"] = UNKNOWN_CHANNEL if ch is None else ch
        u["matured"] = u["start_at"] + spec.within <= cut
        u["acts"] = [None] * len(spec.definitions)

    # activation: the earliest moment at/after the start, within the window. A step's
    # moment is a matching event; a count leaf's is its N-th matching event from the start.
    needs = [_need(d.source) for d in spec.definitions]
    seen: dict[tuple[str, int], int] = {}
    for e in evs:
        if e["user_id"] not in users:
            continue
        u = users[e["user_id"]]
        for i, (matcher, need) in enumerate(needs):
            if e["event_at"] < u["start_at"] or not matcher.matches(e["name"], e["data"]):
                continue
            key = (e["user_id"], i)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] < need:
                continue
            if e["event_at"] - u["start_at"] <= spec.within and u["acts"][i] is None:
                u["acts"][i] = e["event_at"]

    definitions = []
    for i, d in enumerate(spec.definitions):
        started = len(users)
        act = [u for u in users.values() if u["acts"][i] is not None]
        matured = [u for u in users.values() if u["matured"]]
        act_m = [u for u in matured if u["acts"][i] is not None]
        secs = [(u["acts"][i] - u["start_at"]).total_seconds() for u in act]
        definitions.append(
            {
                "definition": d.label,
                "started": started,
                "activated": len(act),
                "rate": len(act) / started if started else None,
                "ci": wilson(len(act), started),
                "matured": len(matured),
                "activated_matured": len(act_m),
                "rate_matured": len(act_m) / len(matured) if matured else None,
                "ci_matured": wilson(len(act_m), len(matured)),
                "in_progress": sum(
                    1 for u in users.values() if u["acts"][i] is None and not u["matured"]
                ),
                "median_seconds": quantile(secs, 0.5),
                "p75_seconds": quantile(secs, 0.75),
            }
        )

    overlap = []
    n = len(spec.definitions)
    for i in range(n):
        for k in range(i + 1, n):
            a = {uid for uid, u in users.items() if u["acts"][i] is not None}
            b = {uid for uid, u in users.items() if u["acts"][k] is not None}
            union = len(a | b)
            overlap.append(
                {
                    "a": spec.definitions[i].label,
                    "b": spec.definitions[k].label,
                    "both": len(a & b),
                    "only_a": len(a - b),
                    "only_b": len(b - a),
                    "neither": len(users) - union,
                    "jaccard": len(a & b) / union if union else None,
                }
            )

    dates = [u["start_at"].date() for u in users.values()]
    d_lo = spec.start_date or (min(dates) if dates else None)
    d_hi = spec.end_date or (max(dates) if dates else None)
    date_range = None if d_lo is None or d_hi is None else (d_lo, d_hi)
    per_channel: dict[str, float] = {}
    for day, ch, amount in spend or ():
        if date_range is not None and date_range[0] <= day <= date_range[1]:
            per_channel[ch] = per_channel.get(ch, 0.0) + amount
    keys = sorted({u["channel"] for u in users.values()} | set(per_channel))
    by_channel = []
    for i, d in enumerate(spec.definitions):
        for ch in keys:
            members = [u for u in users.values() if u["channel"] == ch]
            act = [u for u in members if u["acts"][i] is not None]
            mat = [u for u in members if u["matured"]]
            spent = per_channel.get(ch, 0.0) if spend is not None else None
            by_channel.append(
                {
                    "channel": ch,
                    "definition": d.label,
                    "started": len(members),
                    "activated": len(act),
                    "matured": len(mat),
                    "activated_matured": sum(1 for u in mat if u["acts"][i] is not None),
                    "in_progress": sum(
                        1 for u in members if u["acts"][i] is None and not u["matured"]
                    ),
                    "spend": spent,
                    "cac": spent / len(act) if spent is not None and act else None,
                }
            )
    return {
        "users": users,
        "definitions": definitions,
        "overlap": overlap,
        "by_channel": by_channel,
        "date_range": date_range,
        "as_of": cut,
    }
