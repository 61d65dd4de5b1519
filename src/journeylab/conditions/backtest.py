"""The vectorised backtest: ``program.backtest(lake, start_date=, end_date=, as_of=)``.

Each round is two Ibis passes over the user's relevant events (only the program's event
names are read): an enrolment pass (first row where audience ∧ entry hold, inside
[start, end), after the previous exit and its cooldown) and a satisfaction pass (first row
strictly after the enrolling row, at or before the deadline, where satisfy holds). Rounds
repeat for re-entry up to ``reentry.max``. Caps (per user, budget) depend on the order of
satisfactions across users, so they are applied last, in polars, on the small per-round
table (docs/adr/0001-backtest-sequential-steps.md). Must equal the replay on every input.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import polars as pl

from journeylab.conditions.backtest_exprs import (
    CondCtx,
    add_condition,
    add_conditions,
    add_signup,
    after_row,
    mark_all_returns,
    needs_signup,
    part,
    us,
)
from journeylab.conditions.backtest_rounds import finish, rounds_frame, status
from journeylab.conditions.model import (
    Condition,
    Offer,
    Referral,
    program_deadline,
    relevant_names,
    return_specs,
)
from journeylab.conditions.result import BacktestResult, as_utc
from journeylab.conditions.validate import validate_program
from journeylab.dialects import epoch_us, is_typed_column
from journeylab.engine import Engine
from journeylab.errors import invalid
from journeylab.times import TimeLike, from_us, time_range, to_us
from journeylab.where import json_string, parse_where, where_expr

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["METHODS", "backtest", "backtest_events"]

#: backtest(method=...): one pass when it applies, or always the Ibis passes
METHODS = ("auto", "sql")

#: packed times have exactly 19 digits for every time within ±10**18 µs of the epoch
#: (years about -29,700 to 33,600; a lake's times are years 0 to 9999), so their text
#: sorts as they do without padding
_KEY_DIGITS = 19
_KEY_OFFSET = 2 * 10**18


def _to_us(value: datetime | str | None, param: str) -> int | None:
    moment = as_utc(value, param)
    return None if moment is None else to_us(moment)


def backtest(
    program: Offer | Referral,
    lake: Lake,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    as_of: TimeLike | None = None,
    strict: bool = False,
    method: str = "auto",
) -> BacktestResult:
    """Who ``program`` would have enrolled and satisfied on the lake's history, and when.

    ``start_date``/``end_date``: enrolments (referral links) only inside this range (a date
    is its whole UTC day, both ends included; a datetime is an instant, the end excluded);
    ``as_of``: the cut (default: the lake's last time on the program's basis). The
    program's event names and ``data`` fields are checked against the lake: unknown ones are
    in ``result.warnings``, or raise :class:`~journeylab.names.UnknownNameError` with
    ``strict=True``. ``method``: ``"auto"`` (an offer of the common shape in one pass
    over the files' rows, docs/adr/0010; the Ibis passes otherwise) or ``"sql"`` (always
    the Ibis passes, whose SQL runs on every engine); both give the same result."""
    if method not in METHODS:
        raise invalid(
            "method",
            method,
            list(METHODS),
            "Use 'auto' (the default) unless comparing the two paths.",
        )
    warnings = validate_program(program, lake, strict=strict)
    lo, hi = time_range(start_date, end_date)
    cut = as_utc(as_of, "as_of")
    if cut is None and program.time_basis == "event_at":
        cut = lake.last_event_at()  # from the files' footers, not a scan of every event
    result = _one_pass(program, lake, lo, hi, cut) if method == "auto" else None
    if result is None:
        events = lake.events()
        exact = "user_key" in events.columns and lake.user_keys_exact()
        result = backtest_events(program, events, lake.engine, lo, hi, cut, exact_keys=exact)
        result.extra["method"] = "sql"
    result = replace(result, warnings=tuple(warnings))
    result.extra["lake"] = lake  # for .explain(user_id), which reads that user's events
    return result


def _one_pass(
    program: Offer | Referral,
    lake: Lake,
    lo: datetime | None,
    hi: datetime | None,
    cut: datetime | None,
) -> BacktestResult | None:
    """The backtest in one pass over the files' rows (docs/adr/0010), or None when it does
    not apply (:func:`~journeylab.conditions.one_pass.fits_one_pass`)."""
    from journeylab.conditions.one_pass import one_pass_offer

    if cut is None or not isinstance(program, Offer):
        return None
    as_of_us = to_us(cut)
    got = one_pass_offer(program, lake, _to_us(lo, "start"), _to_us(hi, "end"), as_of_us)
    if got is None:
        return None
    frame, audience, never = got
    done = status(as_of_us, frame).with_columns(pl.lit(1, pl.Int32).alias("round"))
    result = finish(program, rounds_frame([done], program), audience, as_of_us, lo, hi, never)
    result.extra["method"] = "one_pass"
    return result


def backtest_events(
    program: Offer | Referral,
    events: ir.Table,
    engine: Engine,
    start: datetime | str | None = None,
    end: datetime | str | None = None,
    as_of: datetime | str | None = None,
    exact_keys: bool = False,
) -> BacktestResult:
    """As :func:`backtest` over any Ibis events table (columns as ``Lake.events()``);
    ``exact_keys``: its ``user_key`` identifies users exactly (no two ids share one), so
    the passes partition and group by it instead of the string ids."""
    start, end = as_utc(start, "start"), as_utc(end, "end")
    start_us, end_us = _to_us(start, "start"), _to_us(end, "end")
    as_of_us = _to_us(as_of, "as_of")
    basis = events[program.time_basis]
    if program.time_basis == "received_at":
        basis = basis.coalesce(events.event_at)
    ev = events.mutate(bt=basis)
    if as_of_us is None:
        # max of the timestamp itself (cheap, footer-friendly), converted once in Python
        last = engine.to_polars(ev.aggregate(last=ev.bt.max()))["last"][0]
        as_of_us = _to_us(last, "as_of") if last is not None else 0
    assert as_of_us is not None
    cut = ibis.literal(from_us(as_of_us), type="timestamp('UTC', 6)")
    specs = return_specs(program)
    names = relevant_names(program)
    if specs:  # return moments are decision times too: judged over every event first
        marked = mark_all_returns(ev.filter(ev.bt <= cut), specs, "bt")
        keep = marked.name.isin(names)
        for i in range(len(specs)):
            keep = keep | marked[f"ret{i}"]
        rel = marked.filter(keep)
    else:
        rel = ev.filter(ev.name.isin(names))
        rel = rel.filter(rel.bt <= cut)
    rets = [f"ret{i}" for i in range(len(specs))]
    typed = [c for c in rel.columns if is_typed_column(c)]  # typed properties (ADR 0009)
    pk = {"pk": rel.user_key} if exact_keys else {}
    rel = rel.select("user_id", "event_id", "name", "data", *typed, *rets, tu=_micros(rel.bt), **pk)
    ev = ev.filter(ev.bt <= cut)
    run = _Run(program, engine, rel, ev, (start_us, end_us), as_of_us)
    rounds, audience, never = run.offer() if isinstance(program, Offer) else run.referral()
    return finish(program, rounds, audience, as_of_us, start, end, never)


def _micros(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Microseconds since the epoch, exact (a placeholder each engine lowers to its own
    function: 30x faster on DuckDB than a date difference)."""
    return epoch_us(ts)


def _packed(tu: ir.IntegerValue, eid: ir.StringValue) -> ir.StringValue:
    """A string whose min is the first row in (tu, event_id) order."""
    return (tu + _KEY_OFFSET).cast("string").concat(eid)


def _unpack(frame: pl.DataFrame, key: str, tu: str, eid: str) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col(key).str.slice(0, _KEY_DIGITS).cast(pl.Int64) - _KEY_OFFSET).alias(tu),
        pl.col(key).str.slice(_KEY_DIGITS).alias(eid),
    ).drop(key)


class _Run:
    def __init__(
        self,
        program: Offer | Referral,
        engine: Engine,
        rel: ir.Table,
        ev: ir.Table,
        bounds: tuple[int | None, int | None],
        as_of_us: int,
    ) -> None:
        self.p = program
        self.engine = engine
        self.rel = rel
        self.ev = ev
        self._bounds = bounds
        self.as_of_us = as_of_us
        conds: list[Condition | None] = [program.satisfy]
        if isinstance(program, Offer):
            conds += [program.audience, program.entry]
        self.signup = needs_signup(conds)
        self.returns = tuple(return_specs(program))
        dl = program_deadline(program)
        self.deadline_us = us(dl) if dl is not None else None
        #: the partition key (pk or user_id), and the per-user frames' keys: user_id, and
        #: pk when it is the partition key
        self._key = part(rel)
        self._keys = ("user_id", "pk") if self._key == "pk" else ("user_id",)

    def _base(self, state: pl.DataFrame | None) -> ir.Table:
        """The relevant rows (of the users in ``state``, joined on the partition key)."""
        if state is not None and self._key == "pk":
            state = state.drop("user_id")  # the rows have it
        t = self.rel if state is None else self.rel.inner_join(ibis.memtable(state), self._key)
        return add_signup(t, self.p.signup_event) if self.signup else t

    def _per_user(self, t: ir.Table, **aggs: ir.Value) -> pl.DataFrame:
        """``aggs`` per user (user_id, and pk when the rows have it)."""
        key = part(t)
        ids = {"user_id": t.user_id.arbitrary()} if key == "pk" else {}
        return self.engine.to_polars(t.group_by(key).agg(**ids, **aggs))

    # -- satisfaction pass (offers and referrals) -----------------------------------------
    def satisfy(self, enrolled: pl.DataFrame) -> pl.DataFrame:
        """enrolled: user_id, e_tu, e_eid, dl_tu → + s_tu, s_eid (first satisfying row)."""
        state = enrolled.select(
            *self._keys,
            pl.col("e_tu").alias("b_tu"),
            pl.col("e_eid").alias("b_eid"),
            pl.col("e_tu").alias("a_tu"),
            pl.col("dl_tu").cast(pl.Int64),
        )
        t = self._base(state)
        t, sat = add_condition(
            t, self.p.satisfy, CondCtx("sat", True, True, self.p.signup_event, self.returns)
        )
        cand = sat & after_row(t, "b_tu", "b_eid") & (t.dl_tu.isnull() | (t.tu <= t.dl_tu))
        t = t.filter(cand)
        found = _unpack(
            self._per_user(t, key=_packed(t.tu, t.event_id).min()), "key", "s_tu", "s_eid"
        )
        if self._key == "pk":
            found = found.drop("user_id")  # enrolled has it
        return enrolled.join(found, on=self._key, how="left")

    def _with_deadline(self, frame: pl.DataFrame) -> pl.DataFrame:
        dl = pl.col("e_tu") + self.deadline_us if self.deadline_us is not None else None
        return frame.with_columns((dl if dl is not None else pl.lit(None, pl.Int64)).alias("dl_tu"))

    # -- offers ---------------------------------------------------------------------------
    def _enrol(self, state: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
        """Enrolled users (user_id, e_tu, e_eid), the audience, and the audience not enrolled."""
        p = self.p
        assert isinstance(p, Offer)
        t = self._base(state)
        entry = CondCtx("ent", state is not None, False, p.signup_event, self.returns)
        if p.audience is not None:
            who = CondCtx("aud", False, False, p.signup_event, self.returns)
            t, (aud, ent) = add_conditions(t, [(p.audience, who), (p.entry, entry)])
        else:
            t, ent = add_condition(t, p.entry, entry)
            aud = ibis.literal(True)
        gate = self._gate(t)
        cand = aud & ent & gate
        if state is not None:
            cand = cand & after_row(t, "b_tu", "b_eid") & (t.tu >= t.gate_tu)
            cand = cand & (t.b_time.isnull() | (t.tu > t.b_time).fill_null(False))
        t = t.mutate(_cand=cand, _aud=aud & gate).filter(ibis._._cand | ibis._._aud)
        out = self._per_user(
            t, aud=t._aud.max(), key=ibis.ifelse(t._cand, _packed(t.tu, t.event_id), None).min()
        )
        audience = out.filter(pl.col("aud"))["user_id"]
        enrolled = _unpack(
            out.filter(pl.col("key").is_not_null()).drop("aud"), "key", "e_tu", "e_eid"
        )
        never = out.filter(pl.col("aud") & pl.col("key").is_null())["user_id"]
        return enrolled, audience, never

    def _gate(self, t: ir.Table) -> ir.BooleanValue:
        s, e = self._bounds
        gate = ibis.literal(True)
        if s is not None:
            gate = gate & (t.tu >= s)
        if e is not None:
            gate = gate & (t.tu < e)
        return gate

    def offer(self) -> tuple[pl.DataFrame, pl.Series, pl.Series | None]:
        p = self.p
        assert isinstance(p, Offer)
        cooldown = us(p.reentry.cooldown) if p.reentry.cooldown is not None else 0
        state: pl.DataFrame | None = None
        audience = never = pl.Series("user_id", [], pl.String)
        parts: list[pl.DataFrame] = []
        for r in range(1, p.reentry.max_rounds + 1):
            enrolled, aud, unenrolled = self._enrol(state)
            if r == 1:
                audience, never = aud, unenrolled
            if enrolled.height == 0:
                break
            done = status(self.as_of_us, self.satisfy(self._with_deadline(enrolled)))
            parts.append(done.with_columns(pl.lit(r, pl.Int32).alias("round")))
            left = done.filter(pl.col("exit_tu").is_not_null())
            if r == p.reentry.max_rounds or left.height == 0:
                break
            sat = pl.col("status") == "satisfied"
            state = left.select(
                *self._keys,
                pl.when(sat).then(pl.col("s_tu")).otherwise(pl.col("e_tu")).alias("b_tu"),
                pl.when(sat).then(pl.col("s_eid")).otherwise(pl.col("e_eid")).alias("b_eid"),
                pl.when(sat).then(None).otherwise(pl.col("dl_tu")).cast(pl.Int64).alias("b_time"),
                (pl.col("exit_tu") + cooldown).alias("gate_tu"),
            )
        return rounds_frame(parts, p), audience, never

    # -- referrals ------------------------------------------------------------------------
    def referral(self) -> tuple[pl.DataFrame, pl.Series, pl.Series | None]:
        p = self.p
        assert isinstance(p, Referral)
        t = self.rel
        ref = json_string(t.data, p.link.referrer_field)
        m = (t.name == p.link.event) & self._gate(t) & ref.notnull() & (ref != "")
        w = parse_where(p.link.where)
        if w:
            m = m & where_expr(t.data, w)
        t = t.filter(m).mutate(referrer_id=ref)
        first = ibis.row_number().over(group_by=part(t), order_by=["tu", "event_id"])
        links = t.mutate(_rn=first).filter(ibis._._rn == 0)
        q = links.select(
            *self._keys, e_tu=links.tu, e_eid=links.event_id, referrer_id=links.referrer_id
        )
        if p.rules.new_user_only:  # the referee's first event of any name
            key = self._key  # pk is the lake's user_key
            ev = self.ev.mutate(pk=self.ev.user_key) if key == "pk" else self.ev
            ev = ev.semi_join(q.select(key), key)  # only the linked users' events
            seen = ev.group_by(key).agg(first=ev.bt.min())
            seen = seen.select(key, first_tu=_micros(seen.first))
            q = q.left_join(seen, key).select(*q.columns, "first_tu")
        else:
            q = q.mutate(first_tu=ibis.null("int64"))
        linked = self.engine.to_polars(q)
        reason: Any = pl.when(
            pl.lit(p.rules.no_self_referral) & (pl.col("referrer_id") == pl.col("user_id"))
        ).then(pl.lit("self_referral"))
        reason = reason.when(
            pl.lit(p.rules.new_user_only) & (pl.col("first_tu") < pl.col("e_tu"))
        ).then(pl.lit("not_new_user"))
        linked = linked.with_columns(reason.alias("reason")).drop("first_tu")
        bad = linked.filter(pl.col("reason").is_not_null()).with_columns(
            pl.lit("ineligible").alias("status"), pl.lit(None, pl.Int64).alias("dl_tu")
        )
        ok = self._with_deadline(linked.filter(pl.col("reason").is_null()))
        done = status(self.as_of_us, self.satisfy(ok)) if ok.height else None
        parts = [
            f.with_columns(pl.lit(1, pl.Int32).alias("round")) for f in (bad, done) if f is not None
        ]
        return rounds_frame(parts, p), linked["user_id"], None
