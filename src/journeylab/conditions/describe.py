"""Human wording for condition nodes, times and values (used by explain and compare)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from journeylab.conditions.model import All, Any_, Event, Not, Returned, Sequence

__all__ = ["anchor_of", "describe", "fmt_num", "fmt_span", "fmt_t", "need_of", "where_text"]


def fmt_t(t: datetime | None) -> str:
    """``2024-02-01T00:00Z`` (seconds and microseconds only when present)."""
    if t is None:
        return "—"
    t = t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)
    if t.microsecond % 1000:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    if t.second:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.strftime("%Y-%m-%dT%H:%MZ")


def fmt_span(td: timedelta) -> str:
    total = td.total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if total and total % size == 0:
            return f"{int(total // size)}{unit}"
    if total >= 86400:
        return f"{total / 86400:.1f}d"
    if total >= 3600:
        return f"{total / 3600:.1f}h"
    return f"{total:g}s"


def fmt_num(v: float | None) -> str:
    if v is None:
        return "—"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def where_text(where: dict[str, Any] | None) -> str:
    if not where:
        return ""
    parts = []
    for key, ops in where.items():
        for op, value in ops.items():
            parts.append(f"{key} {op} {value!r}")
    return " where " + " and ".join(parts)


def anchor_of(program: Any) -> str:
    return "the link" if getattr(program, "kind", "") == "referral" else "enrollment"


def need_of(leaf: Event | Returned) -> float:
    return leaf.sum.gte if isinstance(leaf, Event) and leaf.sum is not None else float(leaf.need)


def _returned_text(node: Returned) -> str:
    spec = node.returned
    out = f"returned after {fmt_span(spec.dormant_for)} without activity"

    def names(items: list[Any]) -> str:
        return ", ".join(repr(a if isinstance(a, str) else a.event) for a in items)

    if isinstance(spec.active, list):
        out += f" (activity: {names(spec.active)})"
    if spec.exclude:
        out += f" (not counting {names(spec.exclude)})"
    return out


def _window(leaf: Event | Returned, context: str, anchor: str) -> str:
    out = ""
    if leaf.within is not None:
        span = fmt_span(leaf.within)
        frm: str = leaf.from_ or "enrollment"
        frm = anchor if frm == "enrollment" else frm
        out = f" in the last {span}" if frm == "rolling" else f" within {span} of {frm}"
    if context == "satisfy" and leaf.count_from != "lifetime":
        out += f" (events after {anchor})"
    elif context == "satisfy":
        out += " (lifetime events)"
    return out


def describe(node: Any, context: str = "satisfy", anchor: str = "enrollment") -> str:
    """One line: what the node requires (``purchase count >= 3 within 30d of enrollment``).

    ``anchor``: what enrolment is called (``the link`` for referrals)."""
    if isinstance(node, Returned):
        return f"{_returned_text(node)} count >= {node.need}" + _window(node, context, anchor)
    if isinstance(node, Event):
        what = f"{node.event!r}{where_text(node.where)}"
        if node.sum is not None:
            req = f"sum of {node.sum.field} over {what} >= {fmt_num(node.sum.gte)}"
        else:
            req = f"{what} count >= {node.need}"
        return req + _window(node, context, anchor)
    if isinstance(node, All):
        return f"all of {len(node.all)} conditions"
    if isinstance(node, Any_):
        return f"any of {len(node.any)} conditions"
    if isinstance(node, Not):
        return f"not ({describe(node.not_, context, anchor)})"
    if isinstance(node, Sequence):
        steps = " then ".join(f"{s.event!r}{where_text(s.where)}" for s in node.sequence)
        within = f" within {fmt_span(node.within)}" if node.within is not None else ""
        return f"sequence {steps}{within}"
    return repr(node)
