"""``journeylab paths | transitions | retention | lifecycle | timeline``: journeys over a lake.

Thin wrappers over :mod:`journeylab.journeys`: each prints a table (or ``--json``, the
result's ``to_dict()``), name warnings on stderr, and a user error as one line (exit 2).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from journeylab.cli.common import (
    AsOfOpt,
    EngineChoice,
    FromOpt,
    JsonOpt,
    LakeOpt,
    StrictOpt,
    ToOpt,
    console,
    engine_options,
    fail_cleanly,
    print_json,
    print_warnings,
)
from journeylab.cli.tables import Table, duration, instant, interval, pct
from journeylab.errors import InputError, invalid

__all__ = ["register"]

TzOpt = Annotated[str, typer.Option("--timezone", help="Calendar periods' time zone (IANA name).")]
WeekOpt = Annotated[
    str, typer.Option("--week-start", help="First day of a week: monday .. sunday.")
]
PeriodOpt = Annotated[str, typer.Option("--period", help="day | week | month.")]


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    out = [s.strip() for s in value.split(",") if s.strip()]
    return out or None


def _optional(value: str | None) -> str | None:
    """'none' (any case) -> None."""
    return None if value is None or value.strip().lower() == "none" else value


def _depth(value: str) -> int | None:
    if value.strip().lower() in ("all", "none"):
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid("--depth", value, "a number of steps, or 'all'") from None


def _groups(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    out: dict[str, str] = {}
    for v in values:
        pattern, sep, alias = v.rpartition("=")
        if not sep or not pattern or not alias:
            raise InputError(
                f"Invalid value for --group: {v!r}. Expected REGEX=ALIAS, e.g. 'page_.*=page'."
            )
        out[pattern] = alias
    return out


def _times(
    date_from: str | None, date_to: str | None, as_of: str | None, timezone: str = "UTC"
) -> None:
    """Check --from/--to/--as-of first, so that their errors name the flags."""
    from journeylab.journeys.clock import CLI_PARAMS, make_clock

    make_clock(date_from, date_to, as_of, timezone, CLI_PARAMS)


def _finish(result: Any, as_json: bool) -> bool:
    print_warnings(result.warnings)
    if as_json:
        print_json(result.to_dict())
    return as_json


@engine_options
def paths(
    lake: LakeOpt,
    start: Annotated[str | None, typer.Option("--start", help="Paths after this event.")] = None,
    end: Annotated[
        str | None,
        typer.Option("--end", help="Paths leading to this event (an anchor event, not a time)."),
    ] = None,
    between: Annotated[
        str | None, typer.Option("--between", help="A,B: paths from A to the first B.")
    ] = None,
    occurrence: Annotated[str, typer.Option("--occurrence", help="first | any.")] = "first",
    depth: Annotated[str, typer.Option("--depth", help="Steps after the anchor, or 'all'.")] = "5",
    top: Annotated[int, typer.Option("--top", help="Paths shown; the rest pooled as other.")] = 20,
    within: Annotated[str | None, typer.Option("--within", help="Window from the anchor.")] = None,
    exclude: Annotated[
        str | None, typer.Option("--exclude", help="Comma-separated event names to leave out.")
    ] = None,
    collapse: Annotated[
        bool, typer.Option("--collapse/--no-collapse", help="Repeats of one event are one step.")
    ] = True,
    session_gap: Annotated[
        str, typer.Option("--session-gap", help="A longer gap ends the path: 30m, 1h, or none.")
    ] = "30m",
    group: Annotated[
        list[str] | None, typer.Option("--group", help="REGEX=ALIAS: rename matching events.")
    ] = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """The most common paths after (or before, or between) events, with users and shares;
    every step column sums to the users who started."""
    with fail_cleanly():
        _times(date_from, date_to, as_of)
        pair = _names(between)
        if between is not None and (pair is None or len(pair) != 2):
            raise invalid("--between", between, "two event names: A,B")
        result = engine.open(lake).paths(
            start=start,
            end=end,
            between=tuple(pair) if pair else None,
            occurrence=occurrence,
            depth=_depth(depth),
            top=top,
            within=within,
            exclude=_names(exclude),
            collapse_repeats=collapse,
            session_gap=_optional(session_gap),
            group=_groups(group),
            start_date=date_from,
            end_date=date_to,
            as_of=as_of,
            strict=strict,
        )
    if _finish(result, as_json):
        return
    table = Table("#", "path", "users", "share", "median to last step", "in progress")
    for row in result.table().iter_rows(named=True):
        table.add_row(
            "" if row["rank"] is None else str(row["rank"]),
            row["path_text"],
            "" if row["users"] is None else f"{row['users']:,}",
            pct(row["share"]),
            duration(row["median_seconds"]),
            f"{row['in_progress']:,}",
        )
    console.print(table)
    console.print(f"{result.cohort_paths:,} paths from {result.cohort_users:,} users")


@engine_options
def transitions(
    lake: LakeOpt,
    names: Annotated[
        str | None, typer.Option("--names", help="Comma-separated events to keep (default all).")
    ] = None,
    within: Annotated[
        str | None, typer.Option("--within", help="Longest gap for a transition (default any).")
    ] = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Which event follows which: counts, probabilities out and in, times between."""
    with fail_cleanly():
        _times(date_from, date_to, as_of)
        result = engine.open(lake).transitions(
            names=_names(names),
            within=within,
            start_date=date_from,
            end_date=date_to,
            as_of=as_of,
            strict=strict,
        )
    if _finish(result, as_json):
        return
    table = Table("from", "to", "events", "users", "p(out)", "p(of all)", "p(in)", "median", "p95")
    for r in result.table().iter_rows(named=True):
        table.add_row(
            r["from"], r["to"], f"{r['events']:,}", f"{r['users']:,}", pct(r["p_out"]),
            pct(r["p_out_all"]), pct(r["p_in"]), duration(r["median_seconds"]), duration(r["p95_seconds"]),
        )  # fmt: skip
    console.print(table)


@engine_options
def retention(
    lake: LakeOpt,
    start: Annotated[str, typer.Option("--start", help="The cohort's event.")] = "signup",
    returning: Annotated[
        str, typer.Option("--returning", help="'any' event, or the event that counts.")
    ] = "any",
    period: PeriodOpt = "week",
    periods: Annotated[int, typer.Option("--periods", help="Last period shown (0..N).")] = 8,
    mode: Annotated[str, typer.Option("--mode", help="on | on_or_after.")] = "on",
    windows: Annotated[str, typer.Option("--windows", help="calendar | rolling.")] = "calendar",
    start_kind: Annotated[
        str, typer.Option("--start-kind", help="first_time | recurring.")
    ] = "first_time",
    by: Annotated[str | None, typer.Option("--by", help="Break down by this data field.")] = None,
    timezone: TzOpt = "UTC",
    week_start: WeekOpt = "monday",
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Cohort × period retention with 95% intervals; periods still running are censored."""
    with fail_cleanly():
        _times(date_from, date_to, as_of, timezone)
        result = engine.open(lake).retention(
            start=start, returning=returning, period=period, periods=periods, mode=mode,
            windows=windows, start_kind=start_kind, by=by, timezone=timezone,
            week_start=week_start, start_date=date_from, end_date=date_to, as_of=as_of,
            strict=strict,
        )  # fmt: skip
    if _finish(result, as_json):
        return
    seg = result.spec.by is not None
    table = Table(*(["segment"] if seg else []), "period", "users", "eligible", "retained",
                  "rate", "95% CI", "censored")  # fmt: skip
    for r in result.summary.iter_rows(named=True):
        ci = interval(r["ci_low"], r["ci_high"])
        table.add_row(
            *([r["segment"]] if seg else []), str(r["period"]), f"{r['users']:,}",
            f"{r['eligible']:,}", f"{r['retained']:,}", pct(r["rate"]), ci, f"{r['censored']:,}",
        )  # fmt: skip
    console.print(table)
    console.print("rates are over users whose period had ended at as-of; censored users are apart")


@engine_options
def lifecycle(
    lake: LakeOpt,
    period: PeriodOpt = "week",
    active: Annotated[
        str, typer.Option("--active", help="'any' event, or the event that means active.")
    ] = "any",
    timezone: TzOpt = "UTC",
    week_start: WeekOpt = "monday",
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """New, returning, resurrecting and dormant users per period."""
    with fail_cleanly():
        _times(date_from, date_to, as_of, timezone)
        result = engine.open(lake).lifecycle(
            period=period, active=active, timezone=timezone, week_start=week_start,
            start_date=date_from, end_date=date_to, as_of=as_of, strict=strict,
        )  # fmt: skip
    if _finish(result, as_json):
        return
    table = Table("period", "new", "returning", "resurrecting", "dormant", "active", "complete")
    for r in result.table().iter_rows(named=True):
        table.add_row(
            str(r["period_start"]), f"{r['new']:,}", f"{r['returning']:,}",
            f"{r['resurrecting']:,}", f"-{r['dormant']:,}" if r["dormant"] else "0", f"{r['active']:,}",
            "yes" if r["complete"] else "no (running)",
        )  # fmt: skip
    console.print(table)


@engine_options
def timeline(
    lake: LakeOpt,
    user_id: Annotated[
        str | None, typer.Argument(help="The user id (exactly as sent), or give it as --user.")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="The user id, as explain takes it.")
    ] = None,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    as_of: AsOfOpt = None,
    session_gap: Annotated[
        str, typer.Option("--session-gap", help="A longer gap starts a new session (or none).")
    ] = "30m",
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """One user's events in order, with their data, gaps and sessions."""
    with fail_cleanly():
        user_id = _one_user(user_id, user)
        _times(date_from, date_to, as_of)
        result = engine.open(lake).timeline(
            user_id, start_date=date_from, end_date=date_to, as_of=as_of,
            session_gap=_optional(session_gap), strict=strict,
        )  # fmt: skip
    if _finish(result, as_json):
        return
    from journeylab.journeys.clock import iso

    table = Table("session", "event_at", "name", "after", "data")
    for r in result.table().iter_rows(named=True):
        table.add_row(
            str(r["session"]), instant(iso(r["event_at"]), fraction=True), r["name"],
            duration(r["seconds_since_previous"]), _spaced(r["data"]),
        )  # fmt: skip
    console.print(table)
    console.print(f"{result.table().height:,} events")


def _spaced(data: str | None) -> str:
    """An event's ``data`` as the timeline's table writes it: a space after each comma and
    colon, so a long one wraps between its fields; the text is not parsed again, so every
    number reads as stored (``--json`` keeps the lake's text)."""
    import msgspec

    return "" if data is None else msgspec.json.format(data, indent=0)


def _one_user(user_id: str | None, user: str | None) -> str:
    """The user of ``timeline USER_ID`` or ``timeline --user USER_ID`` (as ``explain``)."""
    if user_id is None and user is None:
        raise InputError(
            "Missing argument 'user_id'. Give the user id as the argument "
            "(journeylab timeline u123 --lake DIR) or as --user u123."
        )
    if user_id is not None and user is not None and user_id != user:
        raise invalid(
            "--user", user, fix=f"The argument already names user {user_id!r}: give one of them."
        )
    return user_id if user_id is not None else str(user)


def register(app: typer.Typer) -> None:
    for command in (paths, transitions, retention, lifecycle, timeline):
        app.command()(command)
