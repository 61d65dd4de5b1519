"""Plain-Python activation quality, user by user (the oracle of
:mod:`journeylab.activation.retained`): from the users of
:func:`journeylab.activation.reference.reference_comparison` and the retention semantics of
:class:`~journeylab.journeys.RetentionSpec` (``period_of``/``ended``, no masks)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from journeylab.activation.spec import ActivationSpec
from journeylab.journeys.retention_spec import RetentionSpec

__all__ = ["reference_retained"]


def _aware(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def reference_retained(
    events: Iterable[Mapping[str, Any]],
    spec: ActivationSpec,
    retained: RetentionSpec,
    ref: Mapping[str, Any],
    spend: Mapping[str, float] | None = None,
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """``{(channel or "*", definition, group): counts}`` with started, users, eligible,
    retained, censored, in_progress and, with ``spend`` (per channel), the activated rows'
    ``retained_share`` and ``cac_retained``. ``ref`` is ``reference_comparison(...)``."""
    cut = _aware(ref["as_of"])
    users = ref["users"]
    backs: dict[str, list[datetime]] = {uid: [] for uid in users}
    for e in events:
        t = _aware(e["event_at"])
        data = e.get("data")
        data = json.loads(data) if isinstance(data, str) else data
        if e["user_id"] not in backs or t > cut:
            continue
        if retained.returning is None or retained.returning.matches(e["name"], data):
            backs[e["user_id"]].append(t)
    n = retained.periods
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for uid, u in users.items():
        entry = _aware(u["start_at"])
        cohort = retained.calendar.index(entry)
        periods = {retained.period_of(entry, cohort, t) for t in backs[uid] if t > entry}
        eligible = retained.ended(entry, cohort, cut) > n
        hit = n in periods if retained.mode == "on" else any(p >= n for p in periods)
        for i, d in enumerate(spec.definitions):
            if u["acts"][i] is not None:
                group = "activated"
            elif u["matured"]:
                group = "not_activated"
            else:
                group = "in_progress"
            for ch in (u["channel"], "*"):
                for g in (group, "started"):
                    row = out.setdefault(
                        (ch, d.label, g), {"users": 0, "eligible": 0, "retained": 0}
                    )
                    row["users"] += 1
                    row["eligible"] += int(eligible)
                    row["retained"] += int(eligible and hit)
    for (ch, label, group), row in list(out.items()):
        if group in ("started", "in_progress"):
            continue
        started = out[(ch, label, "started")]["users"]
        prog = out.get((ch, label, "in_progress"), {"users": 0, "eligible": 0})
        row["started"] = started
        row["in_progress"] = prog["users"]
        row["censored"] = row["users"] - row["eligible"]
        if spend is not None and group == "activated":
            base = out[(ch, label, "started")]["eligible"] - prog["eligible"]
            share = row["retained"] / base if base else None
            money = sum(spend.values()) if ch == "*" else spend.get(ch, 0.0)
            row["retained_share"] = share
            row["cac_retained"] = money / (started * share) if share else None
    return {k: v for k, v in out.items() if k[2] in ("activated", "not_activated")}
