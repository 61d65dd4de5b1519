"""Offers backtested in one pass over key-sorted rows read from the files (docs/adr/0010).

The common offer — an audience and an entry that are each one event leaf (a name, a
``where``, a count), a satisfaction that is one event leaf counted from enrolment (within
a window from enrolment or not), no re-entry, on the events' own times — needs no window
function. For one user, over the program's rows in (time, event_id) order:

- the audience holds from its leaf's n-th matching row on, the entry from its own; the
  first row where both hold is the later of the two (M). Enrolment is the first row at or
  after M inside the enrolment range: M itself, or, when M is before the range's start,
  the user's first row of any of the program's names from the start on. The audience
  stage is the same rule with the audience's row alone.
- satisfaction is the n-th matching row strictly after the enrolling row whose time is
  within the window from enrolment, provided it is at or before the deadline (a later
  row is later still).

Rows come from :func:`~journeylab.lake.keyed.keyed_read` (sorted by user key and time;
ties in time are ordered by ``event_id`` here), filters from typed property columns
(:mod:`journeylab.typed_reads`); a name whose filters read a key without a column is read
through the engine instead, with the filters the Ibis passes compile. Anything else —
other condition shapes, re-entry, ``received_at``, a lake whose user keys are not exact —
returns None, and the Ibis passes of :mod:`journeylab.conditions.backtest` run.
``tests/test_backtest_one_pass.py`` holds it equal to the replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from journeylab.conditions.model import Event, Offer, program_deadline, relevant_names
from journeylab.lake.keyed import Want, keyed_read
from journeylab.typed_columns import typed_column_prefix
from journeylab.typed_reads import TypedReads, typed_reads
from journeylab.where import parse_where, where_kinds

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["fits_one_pass", "one_pass_offer"]

#: a row: user key, time (µs), event id
_ROW = ("k", "t", "eid")
_MICRO = timedelta(microseconds=1)
_STRING = typed_column_prefix("string")


def _plain(leaf: object, satisfy: bool = False) -> bool:
    """An event leaf the one pass evaluates: counted (not summed); a satisfaction's window
    and count run from enrolment, an audience's or entry's leaf has no window."""
    if not isinstance(leaf, Event) or leaf.sum is not None:
        return False
    if not satisfy:
        return leaf.within is None
    return leaf.from_ in (None, "enrollment") and leaf.count_from in (None, "enrollment")


def fits_one_pass(program: object) -> bool:
    """Whether :func:`one_pass_offer` computes ``program`` (see the module's docstring)."""
    return (
        isinstance(program, Offer)
        and program.time_basis == "event_at"
        and program.reentry.max_rounds == 1
        and (program.audience is None or _plain(program.audience))
        and _plain(program.entry)
        and _plain(program.satisfy, satisfy=True)
    )


def _leaves(program: Offer) -> dict[str, Event | None]:
    """The audience's, the entry's and the satisfaction's leaves (a program that fits)."""
    out = {"aud": program.audience, "ent": program.entry, "sat": program.satisfy}
    return {tag: leaf if isinstance(leaf, Event) else None for tag, leaf in out.items()}


@dataclass(frozen=True)
class _Name:
    """How one of the program's names is read: from the files with the typed columns its
    leaves' filters read (``reads``), or, when one has no column, through the engine."""

    name: str
    reads: TypedReads | None
    ids: bool  # read user_id too

    def want(self) -> Want:
        assert self.reads is not None
        cols = ("event_id", *(("user_id",) if self.ids else ()), *self.reads.columns)
        strings = tuple(c for c in self.reads.columns if c.startswith(_STRING))
        return Want(self.name, cols, strings)  # typed strings as categoricals


def one_pass_offer(
    program: Offer, lake: Lake, start_us: int | None, end_us: int | None, as_of_us: int
) -> tuple[pl.DataFrame, pl.Series, pl.Series] | None:
    """The offer's round-1 frame (user_id, e_tu, e_eid, dl_tu, s_tu, s_eid), its audience's
    user ids and those of the audience never enrolled; None when the one pass does not
    apply (the caller runs the Ibis passes)."""
    if not fits_one_pass(program) or lake.engine.kind != "duckdb" or not lake.user_keys_exact():
        return None
    leaves = _leaves(program)
    typed = lake.layout.pinned_keys()
    starters = {leaf.event for leaf in (leaves["aud"], leaves["ent"]) if leaf is not None}
    names: list[_Name] = []
    for name in relevant_names(program):
        need: set[tuple[str, str]] = set()
        for _, leaf in _on(leaves, name):
            need |= where_kinds(parse_where(leaf.where))
        ids = leaves["aud"] is None or name in starters
        names.append(_Name(name, typed_reads(typed, need), ids))
    from_files = [n for n in names if n.reads is not None]
    got = keyed_read(lake.layout.snapshot(), [n.want() for n in from_files])
    if got is None:  # a file without user_key, or times in another unit
        return None
    frames: dict[str, pl.DataFrame] = {}
    for n, read in zip(from_files, got, strict=True):
        frame = _rows(n, read, leaves, as_of_us) if read is not None else None
        if frame is not None:  # else a file lacks a column, or a value only data holds
            frames[n.name] = frame
    for n in names:
        if n.name not in frames:
            frames[n.name] = _engine_rows(lake, n, leaves, as_of_us)
    return _decide(program, frames, start_us, end_us)


def _engine_rows(
    lake: Lake, n: _Name, leaves: dict[str, Event | None], as_of_us: int
) -> pl.DataFrame:
    """As :func:`_rows`, through the engine: each leaf's filter is the Ibis expression the
    Ibis passes compile (a typed column where there is one, ``data`` otherwise)."""
    import ibis

    from journeylab.dialects import epoch_us
    from journeylab.where import where_expr

    ev = lake.events()
    rows = ev.filter(ev.name == n.name)
    cols = {"k": rows.user_key, "t": epoch_us(rows.event_at), "eid": rows.event_id}
    if n.ids:
        cols["uid"] = rows.user_id
    on = _on(leaves, n.name)
    for tag, leaf in on:
        where = parse_where(leaf.where)
        cols[tag] = where_expr(rows.data, where) if where else ibis.literal(True)
    frame = lake.execute(rows.select(**cols))
    frame = frame.with_columns(
        pl.col("k", "t").cast(pl.Int64),
        *[pl.col(tag).fill_null(False) for tag, _ in on],
    ).filter(pl.col("t") <= as_of_us)
    return _in_order(frame.sort("k", "t"))


def _on(leaves: dict[str, Event | None], name: str) -> list[tuple[str, Event]]:
    """The leaves (aud, ent, sat) on the events named ``name``, with their tags."""
    return [(t, leaf) for t, leaf in leaves.items() if leaf is not None and leaf.event == name]


def _in_order(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` sorted by (k, t) in (k, t, eid) order: sorted again only when a user's
    rows share an instant."""
    k, t = frame["k"].to_numpy(), frame["t"].to_numpy()
    if len(k) > 1 and bool(np.any((k[1:] == k[:-1]) & (t[1:] == t[:-1]))):
        return frame.sort(_ROW)  # a user's rows at one instant: event_id decides
    return frame


def _rows(
    n: _Name,
    read: tuple[np.ndarray, np.ndarray, pl.DataFrame],
    leaves: dict[str, Event | None],
    as_of_us: int,
) -> pl.DataFrame | None:
    """One name's rows up to the cut, in (key, time, event_id) order, with a boolean
    column per leaf on that name (its filter); None when the guard finds a row needing
    ``data``."""
    keys, at, extra = read
    assert n.reads is not None
    cols = ["k", "t", "eid", *(["uid"] if n.ids else [])]
    on = _on(leaves, n.name)
    if not len(keys):
        schema = {"k": pl.Int64, "t": pl.Int64, "eid": pl.String, "uid": pl.String}
        return pl.DataFrame(
            schema={**{c: schema[c] for c in cols}, **{tag: pl.Boolean for tag, _ in on}}
        )
    frame = extra.with_columns(pl.Series("k", keys), pl.Series("t", at)).rename(
        {"event_id": "eid", **({"user_id": "uid"} if n.ids else {})}
    )
    if int(at.max()) > as_of_us:
        frame = frame.filter(pl.col("t") <= as_of_us)
    if n.reads.needs_data(frame):
        return None
    frame = _in_order(frame)
    hits = {}
    for tag, leaf in on:
        where = parse_where(leaf.where)
        hit = n.reads.keep(where, frame) if where else np.ones(frame.height, bool)
        hits[tag] = pl.Series(tag, hit)
    return frame.select(cols).with_columns(**hits)


def _nth(frame: pl.DataFrame, mask: str | None, n: int) -> np.ndarray:
    """Positions in ``frame`` (sorted by user) of each user's ``n``-th row (1-based) where
    ``mask``."""
    pos = np.flatnonzero(frame[mask].to_numpy()) if mask is not None else np.arange(frame.height)
    return pos[_nth_of(frame["k"].to_numpy()[pos], n)]


def _nth_of(keys: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n``-th element (1-based) of each run of equal ``keys`` (sorted)
    that has that many: from the runs' starts, no pass over every element's rank."""
    if not len(keys):
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    if n == 1:
        return starts
    ends = np.r_[starts[1:], len(keys)]
    return starts[ends - starts >= n] + (n - 1)


def _common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``a`` and in ``b`` (both sorted, without repeats) of their common
    values, in order: a binary search each (``np.intersect1d`` sorts both again)."""
    if not len(a) or not len(b):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    j = np.minimum(np.searchsorted(b, a), len(b) - 1)
    ia = np.flatnonzero(b[j] == a)
    return ia, j[ia]


def _earliest(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Per user, the earliest in (time, event_id) of the rows in ``parts``."""
    rows = pl.concat(parts).sort(_ROW)
    return rows.unique("k", keep="first", maintain_order=True)


def _in_range(
    rows: pl.DataFrame, starts: pl.DataFrame | None, start_us: int | None, end_us: int | None
) -> pl.DataFrame:
    """Per user, the first row at or after their row in ``rows`` inside [start, end): that
    row when it is not before the start, else their first row of any name from the start
    on (``starts``: k, t_s, eid_s; every such row is after one before the start); sorted
    by user."""
    if start_us is not None:
        assert starts is not None
        early = pl.col("t") < start_us
        rows = rows.join(starts, on="k", how="left").with_columns(
            pl.when(early).then(pl.col("t_s")).otherwise(pl.col("t")).alias("t"),
            pl.when(early).then(pl.col("eid_s")).otherwise(pl.col("eid")).alias("eid"),
        )
        rows = rows.drop("t_s", "eid_s").filter(pl.col("t").is_not_null())
    rows = rows if end_us is None else rows.filter(pl.col("t") < end_us)
    k = rows["k"].to_numpy()
    return rows if bool(np.all(k[1:] > k[:-1])) else rows.sort("k")


def _decide(
    program: Offer,
    frames: dict[str, pl.DataFrame],
    start_us: int | None,
    end_us: int | None,
) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    leaves = _leaves(program)
    aud, ent, sat = leaves["aud"], leaves["ent"], leaves["sat"]
    assert ent is not None and sat is not None
    cols = [*_ROW, "uid"]
    starts = None
    if start_us is not None:
        later = [f.filter(pl.col("t") >= start_us).select(_ROW) for f in frames.values()]
        starts = _earliest([f[_nth(f, None, 1)] for f in later])
        starts = starts.rename({"t": "t_s", "eid": "eid_s"})
    rows = frames[ent.event]
    entered = _nth(rows, "ent", ent.need)
    unpaired: np.ndarray | None = None  # audience users without an entry row, when known
    if aud is None:  # everyone with a row; the entry's row is never before the first
        first = _earliest([f.select(cols)[_nth(f, None, 1)] for f in frames.values()])
        moment = rows.select(cols)[entered]
    elif aud.event == ent.event:  # one name: the later row is the one further down
        held = _nth(rows, "aud", aud.need)
        keys = rows["k"].to_numpy()
        user = np.cumsum(np.r_[True, keys[1:] != keys[:-1]]) - 1  # each row's user, 0..n-1
        entry_at = np.full(int(user[-1]) + 1 if len(user) else 0, -1)
        entry_at[user[entered]] = entered
        paired = entry_at[user[held]]  # the user's entry row, or -1
        both = paired >= 0
        unpaired = ~both
        first = rows.select(cols)[held]
        moment = rows.select(cols)[np.maximum(held[both], paired[both])]
    else:
        audience_rows = frames[aud.event]
        first = audience_rows.select(cols)[_nth(audience_rows, "aud", aud.need)]
        both = rows.select(cols)[entered].join(first.select(_ROW), on="k", suffix="_a")
        a_later = (pl.col("t_a") > pl.col("t")) | (
            (pl.col("t_a") == pl.col("t")) & (pl.col("eid_a") > pl.col("eid"))
        )
        moment = both.select(
            "k",
            pl.when(a_later).then(pl.col("t_a")).otherwise(pl.col("t")).alias("t"),
            pl.when(a_later).then(pl.col("eid_a")).otherwise(pl.col("eid")).alias("eid"),
            "uid",
        )
    audience = _in_range(first, starts, start_us, end_us)
    enrolled = _in_range(moment, starts, start_us, end_us)
    if unpaired is not None and start_us is None and end_us is None:
        never = first.filter(pl.Series(unpaired))["uid"]  # no range: nothing else drops
    else:
        ia, _ = _common(audience["k"].to_numpy(), enrolled["k"].to_numpy())
        out = np.ones(audience.height, bool)
        out[ia] = False
        never = audience.filter(pl.Series(out))["uid"]
    return _satisfy(program, sat, frames[sat.event], enrolled), audience["uid"], never


def _satisfy(
    program: Offer, sat: Event, rows: pl.DataFrame, enrolled: pl.DataFrame
) -> pl.DataFrame:
    """enrolled (k, t, eid, uid; sorted by k) → user_id, e_tu, e_eid, dl_tu, s_tu, s_eid:
    each user's ``need``-th matching row after the enrolling one, within the window."""
    dl = program_deadline(program)
    dl_us = None if dl is None else dl // _MICRO
    within = None if sat.within is None else sat.within // _MICRO
    ek, et = enrolled["k"].to_numpy(), enrolled["t"].to_numpy()
    pos = np.flatnonzero(rows["sat"].to_numpy())
    j = np.minimum(np.searchsorted(ek, rows["k"].to_numpy()[pos]), max(len(ek) - 1, 0))
    if len(ek):
        mine = ek[j] == rows["k"].to_numpy()[pos]  # the row's user is enrolled
        pos, j = pos[mine], j[mine]
    else:
        pos, j = pos[:0], j[:0]
    t = rows["t"].to_numpy()[pos]
    keep = t > et[j]
    tie = np.flatnonzero(t == et[j])
    if len(tie):  # the enrolling row's instant: event_id decides
        later = rows["eid"].gather(pos[tie]) > enrolled["eid"].gather(j[tie])
        keep[tie] = later.to_numpy()
    if within is not None:
        keep &= t <= et[j] + within
    pos, j, t = pos[keep], j[keep], t[keep]
    nth = _nth_of(j, sat.need)  # j: the user's place among the enrolled, sorted
    if dl_us is not None:
        nth = nth[t[nth] <= et[j[nth]] + dl_us]
    s_tu = pl.repeat(None, enrolled.height, dtype=pl.Int64, eager=True)
    s_eid = pl.repeat(None, enrolled.height, dtype=pl.String, eager=True)
    if len(nth):
        s_tu.scatter(j[nth], t[nth])
        s_eid.scatter(j[nth], rows["eid"].gather(pos[nth]))
    deadline = pl.col("e_tu") + dl_us if dl_us is not None else pl.lit(None, pl.Int64)
    out = enrolled.select(
        pl.col("uid").alias("user_id"), pl.col("t").alias("e_tu"), pl.col("eid").alias("e_eid")
    ).with_columns(s_tu.alias("s_tu"), s_eid.alias("s_eid"))
    # in user id order, the order of the result's rounds (make_result then sorts nothing)
    out = out[_id_order(out["user_id"])]
    return out.select("user_id", "e_tu", "e_eid", deadline.alias("dl_tu"), "s_tu", "s_eid")


def _id_order(ids: pl.Series) -> pl.Series:
    """The permutation sorting ``ids`` (unique): sorted as a struct with their positions,
    which polars 2.1 does in half the time of ``arg_sort`` or a frame sort on strings
    (1.68M ids: 0.21 s against 0.42-0.45 s, docs/performance.md)."""
    at = pl.int_range(pl.len(), dtype=pl.UInt32).alias("i")
    pairs = ids.to_frame("u").select(pl.struct("u", at).sort().struct.field("i"))
    return pairs.to_series()
