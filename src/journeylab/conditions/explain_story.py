"""The readable story of one user under one program (lines for ``Explanation``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl

from journeylab.conditions.describe import (
    anchor_of,
    describe,
    fmt_num,
    fmt_span,
    fmt_t,
    need_of,
    where_text,
)
from journeylab.conditions.model import (
    Event,
    Offer,
    Referral,
    Returned,
    relevant_names,
    return_specs,
    walk,
)
from journeylab.conditions.replay_leaves import Ctx, Ev, ReturnWatch, holds
from journeylab.where import parse_where, where_match

__all__ = ["history", "node_lines", "story", "values_at"]


def history(program: Offer | Referral, events: pl.DataFrame, as_of: datetime | None) -> list[Ev]:
    """The user's decision rows as the replay sees them: relevant names, basis time, as-of."""
    names = set(relevant_names(program))
    basis = program.time_basis
    rows: list[Ev] = []
    for r in events.iter_rows(named=True):
        t = r[basis] if r.get(basis) is not None else r["event_at"]
        if as_of is not None and t > as_of:
            continue
        data = json.loads(r["data"]) if isinstance(r["data"], str) else r["data"]
        rows.append(Ev(t, r["event_id"], r["user_id"], r["name"], data))
    watch = ReturnWatch(return_specs(program))  # return moments are decision rows too
    seen = [watch.see(e) for e in sorted(rows, key=lambda e: (e.t, e.event_id))]
    return [e for e in seen if e.name in names or e.returns]


def values_at(
    program: Offer | Referral, hist: list[Ev], rnd: dict[str, Any], k: int
) -> dict[str, Any]:
    """Satisfy node values of round ``rnd`` at decision row ``k`` (the oracle's evaluator)."""
    enrolled_row = next(
        (i for i, e in enumerate(hist) if e.event_id == rnd["enrolled_event_id"]), -1
    )
    values: dict[str, Any] = {}
    if not hist:
        return values
    ctx = Ctx(
        hist,
        max(k, enrolled_row, 0),
        bound_row=enrolled_row,
        bounded_default=True,
        anchor=rnd["enrolled_at"],
        signup_event=program.signup_event,
        values=values,
    )
    holds(program.satisfy, ctx, "satisfy")
    return values


def node_lines(
    cond: Any,
    prefix: str,
    values: dict[str, Any],
    indent: str = "    ",
    anchor: str = "enrollment",
) -> list[str]:
    """One line per node with a recorded value: requirement, what the user had, met or not."""
    lines = []
    for path, node in walk(cond, prefix):
        v = values.get(path)
        if v is None:
            continue
        depth = path.count(".") - prefix.count(".")
        pad = indent + "  " * depth
        mark = "met" if v.get("holds") else "not met"
        if isinstance(node, Event | Returned):
            value = v.get("value")
            had = "undefined (no signup yet)" if value is None else fmt_num(value)
            lines.append(
                f"{pad}{path}: {describe(node, prefix, anchor)}: had {had} of "
                f"{fmt_num(need_of(node))} [{mark}]"
            )
        else:
            lines.append(f"{pad}{path}: {describe(node, prefix, anchor)} [{mark}]")
    return lines


def _ev(hist: list[Ev], event_id: str | None) -> tuple[int, Ev | None]:
    for i, e in enumerate(hist):
        if e.event_id == event_id:
            return i, e
    return -1, None


def _cap_text(program: Offer | Referral, reason: str | None) -> str:
    if reason == "budget":
        return (
            f"capped: budget (the total budget of {fmt_num(program.caps.budget)} was used up "
            "by earlier satisfactions, in event-time order)"
        )
    if reason == "per_user_cap":
        who = "referrer" if isinstance(program, Referral) else "user"
        return f"capped: per_user_cap (this {who} already had {program.caps.per_user} rewarded)"
    return f"capped: {reason}"


def _missed(
    program: Offer | Referral, hist: list[Ev], r: dict[str, Any], dl: datetime | None
) -> list[str]:
    """Near misses of an expired round: leaf events filtered out by ``where`` inside the
    window, and matching events that came only after the deadline."""
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for _, leaf in walk(program.satisfy, "satisfy"):
        if not isinstance(leaf, Event) or (leaf.event, repr(leaf.where)) in seen:
            continue
        seen.add((leaf.event, repr(leaf.where)))
        where = parse_where(leaf.where)
        named = [e for e in hist if e.name == leaf.event and e.t > r["enrolled_at"]]
        inside = [e for e in named if dl is None or e.t <= dl]
        filtered = [e for e in inside if not where_match(e.data, where)]
        late = [e for e in named if dl is not None and e.t > dl and where_match(e.data, where)]
        if filtered:
            out.append(
                f"      note: {len(filtered)} {leaf.event!r} event(s) before the deadline "
                f"did not match{where_text(leaf.where)}"
            )
        if late:
            out.append(
                f"      note: {len(late)} matching {leaf.event!r} event(s) came after the "
                f"deadline (first at {fmt_t(late[0].t)})"
            )
    return out


def _round_lines(
    program: Offer | Referral,
    hist: list[Ev],
    r: dict[str, Any],
    a: dict[str, Any],
    as_of: datetime | None,
    entry_lines: list[str],
) -> list[str]:
    _, enr = _ev(hist, r["enrolled_event_id"])
    verb = "linked" if isinstance(program, Referral) else "enrolled"
    by = f"{enr.name!r} (event {enr.event_id})" if enr is not None else r["enrolled_event_id"]
    dl = r["deadline"]
    head = f"  round {r['round']}: {verb} at {fmt_t(r['enrolled_at'])} by {by}"
    head += f"; deadline {fmt_t(dl)}" if dl is not None else "; no deadline"
    lines = [head, *entry_lines]
    status = a.get("status") or r["status"]
    if r["satisfied_at"] is not None:
        k, sat = _ev(hist, r["satisfied_event_id"])
        lines.append("    at satisfaction:")
    elif status == "expired" and dl is not None:
        k = max((j for j, e in enumerate(hist) if e.t <= dl), default=-1)
        lines.append(f"    by deadline {fmt_t(dl)}:")
    else:
        k = max((j for j, e in enumerate(hist) if as_of is None or e.t <= as_of), default=-1)
        lines.append(f"    so far (as of {fmt_t(as_of)}):")
    values = values_at(program, hist, r, k)
    lines += node_lines(program.satisfy, "satisfy", values, "      ", anchor_of(program))
    if r["satisfied_at"] is not None:
        span = fmt_span(r["satisfied_at"] - r["enrolled_at"])
        anchor = anchor_of(program)
        what = f"{sat.name!r} (event {sat.event_id})" if sat is not None else "?"
        if status == "capped":
            lines.append(
                f"    -> met at {fmt_t(r['satisfied_at'])} by {what}, {span} after {anchor}, "
                f"but {_cap_text(program, a.get('reason'))}; no reward"
            )
            if a.get("cap_note"):
                lines.append(f"       ({a['cap_note']})")
        else:
            reward = a.get("reward") if a.get("reward") is not None else r.get("reward")
            line = (
                f"    -> satisfied at {fmt_t(r['satisfied_at'])} by {what}, {span} after {anchor}"
            )
            line += f"; reward {fmt_num(reward)}"
            if isinstance(program, Referral):
                line += (
                    f" (referrer {fmt_num(program.reward.referrer)}, "
                    f"referee {fmt_num(program.reward.referee)})"
                )
                earned = a.get("reward_earned_at") or r.get("reward_earned_at")
                if earned is not None:
                    line += f", earned at {fmt_t(earned)}"
                    if as_of is not None and earned > as_of:
                        line += " (not yet earned at as-of)"
            lines.append(line)
    elif status == "expired":
        lines += _missed(program, hist, r, dl)
        lines.append(f"    -> expired at {fmt_t(dl)}: satisfy was not met by the deadline")
    elif status == "pending":
        until = f"window open until {fmt_t(dl)}" if dl is not None else "no deadline"
        lines.append(f"    -> pending: not met yet, {until} (as of {fmt_t(as_of)})")
    return lines


def _link_lines(
    program: Referral, events: pl.DataFrame, r: dict[str, Any], status: str, reason: str | None
) -> list[str]:
    field = program.link.referrer_field
    referrer = r.get("referrer_id")
    out: list[str] = []
    if status != "ineligible":
        return out
    if reason == "self_referral":
        out.append(f"    -> ineligible: self_referral ({field} {referrer!r} is the user themself)")
    elif reason == "not_new_user":
        basis = program.time_basis
        first = events.sort([basis, "event_id"]).row(0, named=True) if events.height else None
        when = f"first event {first['name']!r} at {fmt_t(first[basis])}" if first else "?"
        out.append(
            f"    -> ineligible: not_new_user ({when}, before the link at "
            f"{fmt_t(r['enrolled_at'])}; rules.new_user_only)"
        )
    else:
        out.append(f"    -> ineligible: {reason}")
    return out


def story(
    program: Offer | Referral,
    user_id: str,
    events: pl.DataFrame,
    trace: list[dict[str, Any]],
    replay_rounds: pl.DataFrame,
    auth_rounds: pl.DataFrame,
    *,
    status: str,
    reason: str | None,
    in_audience: bool,
    as_of: datetime | None,
    start: datetime | None,
    end: datetime | None,
    referees: list[tuple[str, str | None]],
    cap_notes: dict[int, str] | None = None,
) -> list[str]:
    hist = history(program, events, as_of)
    head = f"{program.kind} {program.name!r}, user {user_id!r}: {status}"
    lines = [head + (f" ({reason})" if reason else "")]
    period = ""
    if start is not None or end is not None:
        period = f"; enrolment period [{fmt_t(start)}, {fmt_t(end)})"
    what = f"events named {', '.join(repr(n) for n in relevant_names(program))}"
    if return_specs(program):
        what += ", and comebacks"
    lines.append(
        f"  as of {fmt_t(as_of)} on {program.time_basis}; {len(hist)} decision time(s) "
        f"({what}){period}"
    )
    if events.height == 0:
        lines.append("  the lake has no events for this user")
    auth = {a["round"]: a for a in auth_rounds.iter_rows(named=True)}
    rounds = list(replay_rounds.iter_rows(named=True))
    if isinstance(program, Offer) and program.audience is not None:
        held = next((n for n in trace if n["values"].get("audience", {}).get("holds")), None)
        if held is not None:
            lines.append(
                f"  audience: held from {fmt_t(held['at'])} ({held['name']!r}, "
                f"event {held['event_id']})"
            )
        else:
            last = trace[-1]["values"] if trace else {}
            lines.append("  audience: never held at a decision time" + (":" if last else ""))
            lines += node_lines(program.audience, "audience", last)
    if isinstance(program, Referral) and not rounds:
        lines.append(
            f"  not a referee: no {program.link.event!r} event naming a referrer in "
            f"data.{program.link.referrer_field}"
        )
    if isinstance(program, Offer) and not rounds and (in_audience or program.audience is None):
        tried = [n for n in trace if any(p.startswith("entry") for p in n["values"])]
        if tried:
            lines.append(f"  entry never held at {len(tried)} decision time(s); at the last:")
            lines += node_lines(program.entry, "entry", tried[-1]["values"])
        elif hist:
            lines.append("  entry was never evaluated: no decision time in the enrolment period")
        else:
            names = ", ".join(repr(n) for n in relevant_names(program))
            lines.append(f"  never enrolled: the user has no events named {names}")
    for r in rounds:
        a = {**auth.get(r["round"], {}), "cap_note": (cap_notes or {}).get(r["round"])}
        if r["status"] == "ineligible":
            lines.append(
                f"  link at {fmt_t(r['enrolled_at'])} (event {r['enrolled_event_id']}) "
                f"names referrer {r.get('referrer_id')!r}"
            )
            assert isinstance(program, Referral)
            lines += _link_lines(program, events, r, "ineligible", r["reason"])
            continue
        entry: list[str] = []
        if isinstance(program, Referral):
            entry.append(f"    the link names referrer {r.get('referrer_id')!r}")
        else:
            enr = next((n for n in trace if n["event_id"] == r["enrolled_event_id"]), None)
            if enr is not None:
                entry.append("    entry held:")
                entry += node_lines(program.entry, "entry", enr["values"], "      ")
        lines += _round_lines(program, hist, r, a, as_of, entry)
    if isinstance(program, Offer) and rounds:
        re = program.reentry
        if re.mode == "never":
            lines.append("  re-entry: never (one enrolment per user)")
        else:
            cool = fmt_span(re.cooldown) if re.cooldown is not None else "0s"
            lines.append(
                f"  re-entry: after exit, cooldown {cool}, at most {re.max_rounds} "
                f"enrolment(s); this user had {len(rounds)}"
            )
    if referees:
        shown = ", ".join(f"{u} ({s})" if s else u for u, s in referees[:20])
        more = f" and {len(referees) - 20} more" if len(referees) > 20 else ""
        lines.append(f"  referrer of {len(referees)} user(s): {shown}{more}")
    return lines
