"""Retention spec -> Ibis expressions: entries, the periods each entry returned in, and the
counts per cohort.

- :func:`compile_entries`: the cohort's entries (user, entry time in epoch µs, cohort
  period, the ``by`` value of the entry event).
- :func:`compile_returns`: any table of entries (columns ``u``, ``eus``, ``cohort`` and
  whatever else it carries) plus ``m0, m1, ...``: 62-bit masks of the periods the user
  returned in (bit ``n`` of mask ``j`` is period ``62 j + n``; with ``on_or_after`` a
  return after the last period counts in the last) and ``ended``: how many periods had
  ended at as-of. One join of the returning events with the entries and one aggregate per
  entry (``bit_or``): the engine never holds one row per (user, period).
- :func:`compile_cohorts`: those rows counted per (cohort, segment, ended, masks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journeylab.journeys.calendar import Offsets
from journeylab.journeys.ibis_common import events_until, in_range, lit, micros, us_of
from journeylab.journeys.retention_spec import RetentionSpec
from journeylab.where import json_number, json_string

__all__ = ["compile_entries", "compile_returns", "compile_cohorts", "mask_cols", "BITS"]

BITS = 62


@ibis.udf.agg.builtin(name="bit_or")
def _bit_or(x: dt.int64) -> dt.int64:  # type: ignore[empty-body,valid-type]
    """Bitwise OR of a group (DuckDB and Spark both name it ``bit_or``)."""


def mask_cols(periods: int) -> list[str]:
    return [f"m{j}" for j in range(periods // BITS + 1)]


def compile_entries(
    events: ir.Table,
    spec: RetentionSpec,
    as_of: datetime,
    offsets: Offsets,
    key: str,
    filter_as_of: bool = True,
) -> ir.Table:
    """Columns u, eus, cohort (calendar period of the entry) and with ``by`` vs/vn (the
    entry event's value as a JSON string / number)."""
    # the start events' own scan (its name filter skips other row groups; nothing shared
    # with the returning events' scan, which DuckDB would otherwise materialise)
    s = events_until(events.filter(spec.start.expr(events)), as_of, filter_as_of=filter_as_of)
    cols: dict[str, Any] = {"u": s[key], "eus": s.us, "eid": s.event_id}
    cols["cohort"] = spec.calendar.expr(s.us, offsets)
    if spec.by is not None:
        cols["vs"] = json_string(s.data, spec.by)
        cols["vn"] = json_number(s.data, spec.by)
    s = s.select(**cols)
    if spec.by is None:  # only the entry's time matters: an aggregate, no sort
        if spec.start_kind == "first_time":
            first = s.group_by("u").agg(eus=s.eus.min())
            first = first.filter(in_range(first.eus, spec.clock))
        else:
            s = s.filter(in_range(s.eus, spec.clock))
            first = s.group_by(["u", "cohort"]).agg(eus=s.eus.min())
        return first.select(
            "u",
            "eus",
            cohort=spec.calendar.expr(first.eus, offsets)
            if "cohort" not in first.columns
            else first.cohort,
        )
    if spec.start_kind == "first_time":
        w = ibis.window(group_by=s.u, order_by=[s.eus, s.eid])
        s = s.mutate(rn=ibis.row_number().over(w))
        s = s.filter((s.rn == 0) & in_range(s.eus, spec.clock))
    else:
        s = s.filter(in_range(s.eus, spec.clock))
        w = ibis.window(group_by=[s.u, s.cohort], order_by=[s.eus, s.eid])
        s = s.mutate(rn=ibis.row_number().over(w))
        s = s.filter(s.rn == 0)
    return s.select(*[c for c in s.columns if c not in ("rn", "eid")])


def _period(spec: RetentionSpec, rus: Any, entries: ir.Table, offsets: Offsets) -> Any:
    if spec.windows == "rolling":
        return (rus - entries.eus) // micros(spec.length)
    return spec.calendar.expr(rus, offsets) - entries.cohort


def _ended(spec: RetentionSpec, entries: ir.Table, as_of: datetime) -> Any:
    top = spec.periods + 1
    if spec.windows == "rolling":
        done: Any = (lit(us_of(as_of)) - entries.eus) // micros(spec.length)
    else:
        done = lit(spec.calendar.index(as_of)) - entries.cohort
    return ibis.greatest(ibis.least(done, lit(top)), lit(0)).cast("int64")


def compile_returns(
    events: ir.Table,
    spec: RetentionSpec,
    entries: ir.Table,
    as_of: datetime,
    offsets: Offsets,
    key: str,
    filter_as_of: bool = True,
) -> ir.Table:
    """``entries`` (u, eus, cohort, ...) with masks ``m0..`` of the periods returned in
    and ``ended``: the entries left-joined once with the returning events after them and
    aggregated per entry (an entry with no return keeps masks of 0). The entries are read
    once: referenced twice, DuckDB materialised them and built its hash table on the
    events (5 GB at 100M events)."""
    if spec.returning is not None:
        events = events.filter(spec.returning.expr(events))
    ev = events_until(events, as_of, filter_as_of=filter_as_of)
    r = ev.select(ru=ev[key], rus=ev.us)
    j = entries.left_join(r, [entries.u == r.ru, r.rus > entries.eus])
    n = _period(spec, j.rus, j, offsets)
    if spec.mode == "on_or_after":  # LEAST skips nulls: entries without a return stay null
        n = ibis.cases((j.rus.notnull(), ibis.least(n, lit(spec.periods))))
    carried = [c for c in entries.columns if c not in ("u", "eus")]
    j = j.select("u", "eus", *carried, n=n.cast("int64"))
    one = ibis.literal(1).cast("int64")
    masks = {}
    for m, col in enumerate(mask_cols(spec.periods)):
        lo, hi = m * BITS, min((m + 1) * BITS, spec.periods + 1)
        inside = (j.n >= lo) & (j.n < hi)
        masks[col] = _bit_or(ibis.cases((inside, one << (j.n - lo)), else_=lit(0)))
    if spec.start_kind == "first_time":  # one entry per user: group on the user alone
        keep = {c: j[c].arbitrary() for c in ["eus", *carried]}
        got = j.group_by("u").agg(**keep, **masks)
    else:
        keep = {c: j[c].arbitrary() for c in carried}
        got = j.group_by(["u", "eus"]).agg(**keep, **masks)
    got = got.select("u", "eus", *carried, *mask_cols(spec.periods))
    return got.mutate(ended=_ended(spec, got, as_of))


def compile_cohorts(returns: ir.Table, spec: RetentionSpec) -> ir.Table:
    """Entries counted per (cohort, vs, vn, ended, masks): what leaves the engine."""
    keys = ["cohort", "ended", *mask_cols(spec.periods)]
    if spec.by is not None:
        keys[1:1] = ["vs", "vn"]
    return returns.group_by(keys).agg(users=returns.count())
