"""Ibis pieces shared by the journeys compilers: event times as epoch microseconds, the
as-of cut, entry bounds, exclusions, name groups and the user key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import polars as pl

from journeylab.engine import Engine
from journeylab.journeys.clock import Clock
from journeylab.steps import Step
from journeylab.times import to_us

__all__ = [
    "micros",
    "lit",
    "events_until",
    "in_range",
    "group_expr",
    "excluded",
    "us_of",
    "run",
    "at_literal",
]


def micros(td: timedelta) -> int:
    return td // timedelta(microseconds=1)


def us_of(t: datetime) -> int:
    return to_us(t)


def lit(value: int) -> Any:
    return ibis.literal(value, type="int64")


def events_until(
    events: ir.Table,
    as_of: datetime,
    exclude: Sequence[Step] = (),
    users: Sequence[str] | None = None,
    filter_as_of: bool = True,
) -> ir.Table:
    """The events at or before ``as_of`` (without the excluded ones, only ``users``), with
    their time as epoch microseconds in column ``us``. ``filter_as_of=False`` when as-of is
    the lake's last event: nothing to cut. The cut is on ``us``, not on the stored column:
    pushed into the Parquet scan, DuckDB's guess of its selectivity made it build a
    100M-row hash table on the events in retention (5 GB instead of 0.9)."""
    # imported here: activation imports conditions, which import journeys (the returned leaf)
    from journeylab.activation.compile import epoch_micros

    ev = events.mutate(us=epoch_micros(events.event_at))
    if filter_as_of:
        ev = ev.filter(ev.us <= lit(us_of(as_of)))
    if exclude:
        ev = ev.filter(~excluded(ev, exclude))
    if users is not None:  # literals (no memtable): the SQL text stands alone
        ev = ev.filter(ev.user_id.isin(list(users)))
    return ev


def run(engine: Engine, expr: ir.Expr) -> tuple[pl.DataFrame, str]:
    """Compile ``expr`` once and run its SQL (rows in no particular order); the frame and
    the SQL that ran."""
    sql = engine.to_sql(expr)
    with engine.unordered():
        return engine.sql(sql), sql


def at_literal(value: datetime, like: ir.TimestampValue) -> Any:
    """``value`` as a literal of the event-time column's own type (no cast of the column)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return ibis.literal(aware.astimezone(UTC), type=like.type())


def in_range(us: Any, clock: Clock) -> Any:
    """``clock.start <= t < clock.end`` on epoch microseconds (True when open)."""
    cond: Any = ibis.literal(True)
    if clock.start is not None:
        cond = cond & (us >= lit(us_of(clock.start)))
    if clock.end is not None:
        cond = cond & (us < lit(us_of(clock.end)))
    return cond


def group_expr(name: ir.StringValue, mapping: Mapping[str, str]) -> Any:
    """``name`` renamed by ``mapping`` (event name -> alias; other names unchanged)."""
    if not mapping:
        return name
    by_alias: dict[str, list[str]] = {}
    for original, alias in sorted(mapping.items()):
        if original != alias:
            by_alias.setdefault(alias, []).append(original)
    if not by_alias:
        return name
    branches = [(name.isin(names), ibis.literal(alias)) for alias, names in by_alias.items()]
    return ibis.cases(*branches, else_=name)


def excluded(ev: ir.Table, steps: Sequence[Step]) -> Any:
    """True for the events matching any of ``steps``."""
    hit: Any = ibis.literal(False)
    for st in steps:
        hit = hit | st.expr(ev)
    return hit
