"""Funnels: spec -> Ibis expression -> engine -> FunnelResult (see docs/funnels.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from journeylab.durations import Duration
from journeylab.errors import LakeError, SpecError, invalid
from journeylab.funnels.one_pass import fits_one_pass, one_pass_frame
from journeylab.funnels.one_pass_rows import one_pass_rows
from journeylab.funnels.reference import format_value, reference_funnel
from journeylab.funnels.result import (
    NONE,
    OTHER,
    FunnelResult,
    FunnelTrend,
    TimeToConvert,
    summarize,
    summarize_by,
)
from journeylab.funnels.spec import ExcludeLike, Exclusion, FunnelSpec, MaxGapLike, make_spec
from journeylab.names import EventRef, FieldRef, NameWarning, check_names, step_refs
from journeylab.steps import Step, StepLike
from journeylab.times import TimeLike, as_utc, renamed

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

#: ``funnel(method=...)``: the same result; "dp" forces the general algorithm
METHODS = ("auto", "greedy", "dp")
#: what ``FunnelResult.to_sql()`` says when no SQL ran (docs/adr/0007)
ONE_PASS = (
    "-- no SQL: one pass over the steps' rows sorted by (user_key, event_at) "
    "(journeylab.funnels.one_pass; method='greedy' runs the same funnel as SQL)"
)

__all__ = [
    "METHODS",
    "Exclusion",
    "FunnelResult",
    "FunnelSpec",
    "FunnelTrend",
    "TimeToConvert",
    "funnel",
    "make_spec",
    "reference_funnel",
    "build_result",
    "funnel_names",
]


def _normalize(frame: pl.DataFrame, spec: FunnelSpec) -> pl.DataFrame:
    """Per-user frame: user_id, reached, t1..tn (chain order), in_progress, matured,
    segment. Rows in the engine's order: sorting millions of string ids is left to the
    few callers that need an order (``FunnelResult.users`` sorts what it returns)."""
    n = spec.n
    tcols = [f"t{k}" for k in range(1, n + 1)]
    if frame.height and frame.schema["t1"] != pl.Datetime("us", "UTC"):
        frame = frame.with_columns(
            [pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("UTC") for c in tcols]
        )
    if spec.order == "any" and frame.height:
        # reached-k time = k-th smallest of the start and the counted steps' times
        srt = frame.select(pl.concat_list(tcols).list.drop_nulls().list.sort().alias("ts"))
        frame = frame.with_columns(
            [srt["ts"].list.get(k - 1, null_on_oob=True).alias(f"t{k}") for k in range(1, n + 1)]
        )
    cols: list[Any] = [
        pl.col("user_id" if "user_id" in frame.columns else "user_key"),
        pl.col("reached").cast(pl.Int64),
        *[pl.col(c) for c in tcols],
        pl.col("in_progress").cast(pl.Boolean),
        pl.col("matured").cast(pl.Boolean),
    ]
    if spec.by is not None:
        cols.append(_segment(frame, spec.top))
    return frame.select(cols)


def _segment(frame: pl.DataFrame, top: int) -> pl.Series:
    """Each user's segment: the breakdown's value (a string, a number as the reference
    formats it, NONE without one) when it is among the ``top`` most frequent (ties by
    value), else OTHER. An Enum whose categories are the segments in the table's order
    (the most frequent first, OTHER last). The values are counted and mapped as
    categorical codes (a string per user is hashed at most once, and the one-pass funnel
    reads them as categoricals and hashes none): a ``bincount`` of the codes and a lookup
    table, 18 ms for 2.4M users against 35 ms for polars' ``value_counts`` and
    ``replace_strict``."""
    vs, vn = frame["vs"], frame["vn"].cast(pl.Float64)
    nums = vn.drop_nulls().unique().to_list()
    if nums:  # numbers are shown as the reference formats them
        text = vn.replace_strict(nums, [format_value(v) for v in nums], return_dtype=pl.String)
        raw = pl.select(pl.coalesce(vs.cast(pl.String), text)).to_series()
    else:
        raw = vs
    if raw.dtype != pl.Categorical:
        raw = raw.cast(pl.Categorical)
    raw = raw.fill_null(NONE) if raw.null_count() else raw
    codes = raw.to_physical().to_numpy()
    counts = _code_counts(codes)
    counts = counts.with_columns(v=pl.col("code").cat.to(raw.dtype).cast(pl.String))
    counts = counts.sort(["c", "v"], descending=[True, False])
    values = counts["v"].to_list()
    order = [v for v in values[:top] if v != OTHER] + [OTHER]
    labels = pl.Series("segment", order, pl.Enum(order))
    if not values:  # no entrant
        return labels.clear()
    # category code -> position of its segment in ``order`` (the rest: OTHER, the last)
    lut = np.full(int(codes.max()) + 1, len(order) - 1, labels.to_physical().to_numpy().dtype)
    index = {v: i for i, v in enumerate(order)}
    kept = counts["code"].to_numpy()[:top]
    lut[kept] = [index[v] for v in values[:top]]
    return pl.Series("segment", lut[codes]).cat.to(labels.dtype)


def _code_counts(codes: np.ndarray) -> pl.DataFrame:
    """code (UInt32), c: each categorical code present in ``codes`` and its count. A
    ``bincount`` when the codes are dense, polars' ``value_counts`` otherwise (a column's
    codes index its categories, which may hold many values it does not use)."""
    if len(codes) and int(codes.max()) <= 4 * len(codes) + 1024:
        per_code = np.bincount(codes)
        present = np.flatnonzero(per_code)
        return pl.DataFrame({"code": present.astype(np.uint32), "c": per_code[present]})
    got = pl.Series("code", codes, pl.UInt32).value_counts(name="c")
    return got.with_columns(pl.col("c").cast(pl.Int64))


def build_result(
    spec: FunnelSpec,
    frame: pl.DataFrame,
    as_of: datetime | None,
    sql: str,
    id_lookup: Callable[[], pl.DataFrame] | None = None,
    warnings: tuple[NameWarning, ...] = (),
) -> FunnelResult:
    """The result of a per-user frame (user_id, or user_key with ``id_lookup``: a callable
    returning user_key, user_id for at least the frame's keys)."""
    users = _normalize(frame, spec)
    by_segment = None
    if spec.by is None:
        steps = summarize(users, spec)
    else:
        parts = []
        seg = users["segment"]  # an Enum of the segments in table order (_segment)
        cats = seg.dtype.categories  # type: ignore[attr-defined]
        held = np.bincount(seg.to_physical().to_numpy(), minlength=len(cats))
        order = [v for v, c in zip(cats, held, strict=True) if c]
        steps, tables = summarize_by(users, spec, "segment", order)
        for seg in order:
            part = tables[seg]
            parts.append(part.with_columns(segment=pl.lit(seg)).select("segment", *part.columns))
        by_segment = pl.concat(parts) if parts else None
    return FunnelResult(spec, as_of, users, steps, by_segment, sql, id_lookup, warnings)


def funnel(
    lake: Lake,
    steps: Sequence[StepLike],
    within: Duration = "7d",
    order: str = "ordered",
    exclude: ExcludeLike | None = None,
    max_gap: MaxGapLike | None = None,
    by: str | None = None,
    attribution: str = "first_touch",
    as_of: TimeLike | None = None,
    start_date: TimeLike | None = None,
    end_date: TimeLike | None = None,
    top: int = 10,
    method: str = "auto",
    strict: bool = False,
    *,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
) -> FunnelResult:
    """A conversion funnel over ``lake``; see docs/funnels.md for every parameter.

    - ``steps``: two or more event names, :func:`journeylab.step` objects or
      ``{"event", "where"}`` mappings, in order; ``within``: the window from step 1.
    - ``order``: ``"ordered"`` | ``"strict"`` | ``"any"``; ``exclude``: events that void a
      chain; ``max_gap``: per-transition limits; ``by``: a ``data`` field to break down by,
      attributed by ``attribution`` (``"first_touch"`` | ``"last_touch"`` | ``"step:N"``),
      the ``top`` values kept (the rest is ``(other)``).
    - ``start_date``/``end_date``: the entry (step 1) time range: a date is its whole UTC
      day, both ends included; a datetime is an instant, the end excluded. ``as_of``: the
      clock (default: the lake's last ``event_at``).
    - ``method``: ``"auto"`` | ``"greedy"`` | ``"dp"`` (the same result; ``"dp"`` forces the
      general algorithm, ``"greedy"`` the SQL of plain ordered funnels, which ``"auto"``
      runs in one pass over key-sorted rows on DuckDB lakes, docs/adr/0007).
      ``start``/``end``: deprecated aliases of ``start_date``/``end_date``
      (instants, as before).

    Step, exclusion and breakdown names are checked against the lake: unknown ones are in
    ``result.warnings`` (with the nearest known names), or raise with ``strict=True``.

    >>> f = lake.funnel(["signup", "purchase"], within="7d")
    >>> f.table().select("step", "name", "users").rows()
    [(1, 'signup', 3), (2, 'purchase', 2)]
    >>> [w.message() for w in lake.funnel(["signup", "purchse"]).warnings]  # doctest: +ELLIPSIS
    ["steps[2]: event 'purchse' is not in the lake's catalog ...; nearest: 'purchase'"]
    """
    if method not in METHODS:
        raise invalid("method", method, METHODS, cls=SpecError)
    start_date = renamed("start", as_utc(start, "start", SpecError), "start_date", start_date)
    end_date = renamed("end", as_utc(end, "end", SpecError), "end_date", end_date)
    spec = make_spec(
        steps,
        within=within,
        order=order,
        exclude=exclude,
        max_gap=max_gap,
        by=by,
        attribution=attribution,
        as_of=as_of,
        start_date=start_date,
        end_date=end_date,
        top=top,
    )
    events_refs, field_refs = funnel_names(spec)
    fast = _one_pass(lake, spec, method, strict, events_refs, field_refs)
    if fast is not None:
        return fast
    warnings = check_names(lake, events_refs, field_refs, strict=strict)
    cut = spec.as_of or lake.last_event_at()
    if cut is None:  # empty lake: no entrants
        empty = pl.DataFrame(
            {"user_id": [], "reached": [], "in_progress": [], "matured": [], "vs": [], "vn": []},
            schema={
                "user_id": pl.String,
                "reached": pl.Int64,
                "in_progress": pl.Boolean,
                "matured": pl.Boolean,
                "vs": pl.String,
                "vn": pl.Float64,
            },
        ).with_columns(
            [pl.lit(None, pl.Datetime("us", "UTC")).alias(f"t{k}") for k in range(1, spec.n + 1)]
        )
        return build_result(spec, empty, None, "", warnings=warnings)
    from journeylab.funnels.compile import compile_funnel
    from journeylab.funnels.compile_greedy import id_lookup
    from journeylab.journeys.reactivation import derived_steps

    events = lake.events()
    # breakdowns attribute events by user id; other funnels may run on exact integer keys
    exact = (
        spec.by is None
        and not derived_steps([*spec.steps, *[x.step for x in spec.exclude]])
        and "user_key" in events.columns
        and lake.user_keys_exact()
    )
    expr = compile_funnel(
        events,
        spec,
        cut,
        filter_as_of=spec.as_of is not None,
        method=method,
        key="user_key" if exact else "user_id",
    )
    keyed = "user_key" in expr.columns  # only the greedy path uses the key
    sql = lake.to_sql(expr)  # compile once (Ibis compilation dominates small funnels)
    with lake.engine.unordered():  # per-user rows: their order carries no meaning
        frame = lake.engine.sql(sql)
    lookup = _lookup(lake, lambda: id_lookup(events, spec)) if keyed else None
    return build_result(spec, frame, cut, sql, lookup, warnings=warnings)


def _one_pass(
    lake: Lake,
    spec: FunnelSpec,
    method: str,
    strict: bool,
    events_refs: list[EventRef],
    field_refs: list[FieldRef],
) -> FunnelResult | None:
    """The funnel in one pass over key-sorted step rows (docs/adr/0007), or None when it
    does not apply: a plain ordered funnel (:func:`fits_one_pass`), ``method="auto"``, on
    local files with exact user keys (no collision recorded, format 3 or later). The names
    are checked from the rows read: a step with rows was fired (its name is known), so the
    catalog is probed only when a step has none, or when a filter or a breakdown names
    ``data`` fields (LIMIT 1 probes)."""
    if not (
        method == "auto"
        and lake.engine.kind == "duckdb"
        and fits_one_pass(spec)
        and lake.user_keys_exact()
    ):
        return None
    cut = spec.as_of or lake.last_event_at()
    if cut is None:
        return None
    read = one_pass_rows(lake, spec)
    if read is None:  # a file without user_key, or times in another unit
        return None
    rows, values = read
    frame = one_pass_frame(spec, rows, cut, spec.as_of is not None, values)
    if frame is None:  # a breakdown's start is ambiguous: the SQL paths decide it
        return None
    fired = all(len(keys) for keys, _ in rows)
    if not fired or field_refs:  # LIMIT 1 probes; a filtered step may have no rows
        warnings = check_names(lake, events_refs, field_refs, strict=strict)
    else:
        warnings = ()
    ids = _lookup(lake, lambda: _ids_expr(lake, spec))
    return build_result(spec, frame, cut, ONE_PASS, ids, warnings=warnings)


def funnel_names(spec: FunnelSpec) -> tuple[list[EventRef], list[FieldRef]]:
    """Every event name and ``data`` field the funnel refers to, with where it was given."""
    events: list[EventRef] = []
    fields: list[FieldRef] = []
    named = [(f"steps[{k}]", st) for k, st in enumerate(spec.steps, start=1)]
    for i, x in enumerate(spec.exclude):
        named.append(("exclude" if len(spec.exclude) == 1 else f"exclude[{i}]", x.step))
    for param, st in named:
        if _derived(st):  # a derived moment: check the activity it reads
            from journeylab.journeys.reactivation import return_refs

            events += return_refs(f"{param}.returned", st.ret)  # type: ignore[attr-defined]
            continue
        ev, fi = step_refs(param, st)
        events += ev
        fields += fi
    if spec.by is not None:
        carriers = [s.name for s in spec.steps if not _derived(s)]
        fields.append(("by", spec.by, tuple(dict.fromkeys(carriers))))
    return events, fields


def _ids_expr(lake: Lake, spec: FunnelSpec) -> Any:
    """The key → id query of a one-pass funnel (Ibis loads when it is first run)."""
    from journeylab.funnels.compile_greedy import id_lookup

    return id_lookup(lake.events(), spec)


def _derived(step: Any) -> bool:
    """Whether ``step`` is a derived moment (a ``returned`` step of
    :mod:`journeylab.journeys.reactivation`, loaded only when a funnel has one)."""
    if type(step) is Step:
        return False
    from journeylab.journeys.reactivation import ReturnStep

    return isinstance(step, ReturnStep)


def _lookup(lake: Lake, expr: Callable[[], Any]) -> Callable[[], pl.DataFrame]:
    """The deferred key → id query of a keyed funnel (``expr`` builds it when first run);
    refuses keys that stopped being exact (a later ingest recorded a collision)."""

    def run() -> pl.DataFrame:
        ids = lake.execute(expr())
        if ids.height and int(ids["ids"].max()) > 1:  # type: ignore[arg-type]
            raise LakeError(
                "The lake changed since this funnel ran: two user ids now share a user_key. "
                "Run the funnel again (it will group by user_id)."
            )
        return ids.select("user_key", "user_id")

    return run
