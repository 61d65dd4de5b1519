"""Condition commands: backtest, explain, check (golden users for CI), compare, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from journeylab.cli.common import (
    AsOfOpt,
    EngineChoice,
    FromOpt,
    JsonOpt,
    LakeOpt,
    StrictOpt,
    ToOpt,
    alias,
    console,
    engine_options,
    fail_cleanly,
    print_json,
    print_warnings,
    readable_file,
)
from journeylab.cli.tables import Table
from journeylab.errors import JourneylabError, SpecError
from journeylab.times import as_utc, time_range

__all__ = ["check_expectations", "load_expectations", "register"]

SpecArg = Annotated[Path, typer.Argument(help="Offer or referral YAML/JSON file.")]
OldStartOpt = Annotated[
    str | None, typer.Option("--start", hidden=True, help="Old name of --from (an instant).")
]
OldEndOpt = Annotated[
    str | None, typer.Option("--end", hidden=True, help="Old name of --to (an instant).")
]


def _times(
    from_: str | None, to: str | None, as_of: str | None, start: str | None, end: str | None
) -> dict[str, Any]:
    """--from/--to/--as-of (and the old --start/--end instants) as the library's
    start_date, end_date (half-open UTC instants) and as_of."""
    lo_in: Any = alias("--start", start, "--from", from_)
    hi_in: Any = alias("--end", end, "--to", to)
    if start is not None:  # the old options were instants (the end excluded)
        lo_in = as_utc(lo_in, "--start")
    if end is not None:
        hi_in = as_utc(hi_in, "--end")
    lo, hi = time_range(lo_in, hi_in, ("--from", "--to"))
    return {"start_date": lo, "end_date": hi, "as_of": as_utc(as_of, "--as-of")}


SUMMARY_KEYS = (
    "audience",
    "enrolled",
    "satisfied",
    "expired",
    "pending",
    "ineligible",
    "capped",
    "not_enrolled",
    "satisfactions",
    "reward_total",
    "reward_unearned",
    "median_seconds_to_satisfy",
)


def _one_line(exc: JourneylabError) -> JourneylabError:
    """Spec errors may quote multi-line parser output: keep the reason on one line."""
    return type(exc)(" ".join(str(exc).split()))


def _load(path: Path) -> Any:
    from journeylab.conditions.io import load_program

    readable_file(path, "SPEC", "an offer or referral YAML/JSON file")
    try:
        return load_program(path)
    except JourneylabError as exc:
        raise _one_line(exc) from None


def summary(result: Any) -> dict[str, Any]:
    """The backtest's numbers (the CLI contract), plus name, kind and the time range."""
    from journeylab.conditions.describe import fmt_t

    s = result.summary()
    out: dict[str, Any] = {"name": result.program.name, "kind": result.program.kind}
    out.update({k: s.get(k) for k in SUMMARY_KEYS})
    out["as_of"] = fmt_t(result.as_of) if result.as_of else None
    return out


@engine_options
def backtest(
    spec: SpecArg,
    lake: LakeOpt,
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    start: OldStartOpt = None,
    end: OldEndOpt = None,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Backtest an offer or referral on the lake's history: stage counts, reward, timing."""
    with fail_cleanly():
        program = _load(spec)
        times = _times(from_, to, as_of, start, end)
        result = program.backtest(engine.open(lake), strict=strict, **times)
    from journeylab.conditions.describe import fmt_num, fmt_span
    from journeylab.conditions.validate import warning_dict

    print_warnings(result.warnings)
    warnings = [warning_dict(w) for w in result.warnings]
    out = summary(result)
    if as_json:
        print_json({**out, "warnings": warnings})
        return
    console.print(f"{out['kind']} {out['name']!r} as of {out['as_of']}", highlight=False)
    table = Table("stage", "users")
    for stage in ("audience", "enrolled", "satisfied", "expired", "pending", "capped"):
        table.add_row(stage, f"{out[stage]:,}")
    table.add_row("ineligible", f"{out['ineligible']:,}")
    table.add_row("not_enrolled", f"{out['not_enrolled']:,}")
    console.print(table)
    median = out["median_seconds_to_satisfy"]
    from datetime import timedelta

    med = fmt_span(timedelta(seconds=median)) if median is not None else "—"
    console.print(
        f"reward_total {fmt_num(out['reward_total'])} "
        f"(not yet earned at as-of: {fmt_num(out['reward_unearned'])}); "
        f"median time to satisfy {med}",
        highlight=False,
    )


@engine_options
def explain(
    spec: SpecArg,
    lake: LakeOpt,
    user: Annotated[str, typer.Option("--user", help="The user id to explain.")],
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    start: OldStartOpt = None,
    end: OldEndOpt = None,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Why one user was (not) enrolled, satisfied, expired, capped or ineligible."""
    from journeylab.conditions.explain import explain as explain_user

    with fail_cleanly():
        program = _load(spec)
        times = _times(from_, to, as_of, start, end)
        expl = explain_user(program, engine.open(lake), user, strict=strict, **times)
    print_warnings(expl.warnings)
    if as_json:
        print_json(expl.to_dict())
        return
    console.print(expl.text(), highlight=False, soft_wrap=True, markup=False)


# -- check: golden users -----------------------------------------------------------------
def load_expectations(path: Path) -> dict[str, Any]:
    """Read an expect file: ``users: {id: status | {status, reason, reward}}`` and optional
    ``as_of``, ``start``, ``end`` (pin them so the check does not drift as the lake grows)."""
    readable_file(path, "--expect", "a golden-users YAML file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(
            " ".join(f"Invalid expect file {path}: not YAML ({exc}).".split())
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("users"), dict) or not data["users"]:
        raise SpecError(
            f"Invalid expect file {path} at users: expected a mapping of user id to status, "
            "e.g. users: {{u1: satisfied, u2: {{status: ineligible, reason: self_referral}}}}."
        )
    from journeylab.conditions.result import STATUSES

    users: dict[str, dict[str, Any]] = {}
    for uid, want in data["users"].items():
        want = {"status": want} if isinstance(want, str) else want
        if not isinstance(want, dict) or want.get("status") not in STATUSES:
            got = want.get("status") if isinstance(want, dict) else want
            raise SpecError(
                f"Invalid value at users.{uid}.status in {path}: {got!r}. Valid choices: "
                + ", ".join(repr(s) for s in STATUSES)
                + "."
            )
        extra = set(want) - {"status", "reason", "reward"}
        if extra:
            raise SpecError(
                f"Invalid key at users.{uid} in {path}: {sorted(extra)[0]!r}. "
                "Valid keys: 'status', 'reason', 'reward'."
            )
        users[str(uid)] = want
    unknown = set(data) - {"users", "as_of", "start", "end", "spec", "description"}
    if unknown:
        raise SpecError(
            f"Invalid key in {path}: {sorted(unknown)[0]!r}. "
            "Valid keys: 'users', 'as_of', 'start', 'end', 'spec', 'description'."
        )
    return {
        "users": users,
        **{k: as_utc(data.get(k), f"{k} (in {path})") for k in ("as_of", "start", "end")},
    }


def check_expectations(result: Any, users: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per golden user whose status (or reason, reward) differs."""
    got = {r["user_id"]: r for r in result.users.iter_rows(named=True)}
    diffs = []
    for uid, want in users.items():
        row = got.get(uid, {"status": "not_enrolled", "reason": None, "reward": 0.0})
        bad = {
            k: {"expected": v, "actual": row.get(k)}
            for k, v in want.items()
            if (float(row.get(k) or 0.0) != float(v) if k == "reward" else row.get(k) != v)
        }
        if bad:
            diffs.append({"user_id": uid, **bad})
    return diffs


@engine_options
def check(
    spec: SpecArg,
    lake: LakeOpt,
    expect: Annotated[Path, typer.Option("--expect", help="Golden users YAML.")],
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Gate a condition change in CI: exit 1 with a diff when a golden user's status differs."""
    with fail_cleanly():
        program = _load(spec)
        want = load_expectations(expect)
        result = program.backtest(
            engine.open(lake), want["start"], want["end"], want["as_of"], strict=strict
        )
        diffs = check_expectations(result, want["users"])
    print_warnings(result.warnings)
    n = len(want["users"])
    if as_json:
        print_json({"ok": not diffs, "checked": n, "differences": diffs})
    elif diffs:
        console.print(
            f"[red]{len(diffs)} of {n} golden user(s) differ[/red] ({spec} vs {expect}):",
            soft_wrap=True,
            highlight=False,
        )
        for d in diffs:
            parts = [
                f"{k}: expected {v['expected']!r}, got {v['actual']!r}"
                for k, v in d.items()
                if k != "user_id"
            ]
            console.print(
                f"  {d['user_id']}: " + "; ".join(parts),
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        console.print(
            f"explain one: journeylab explain {spec} --lake {lake} --user USER_ID",
            soft_wrap=True,
            highlight=False,
        )
    else:
        console.print(
            f"[green]all {n} golden users match[/green] ({spec} vs {expect})",
            soft_wrap=True,
            highlight=False,
        )
    if diffs:
        raise typer.Exit(1)


@engine_options
def compare(
    a: Annotated[Path, typer.Argument(help="Program A (YAML/JSON).")],
    b: Annotated[Path, typer.Argument(help="Program B (YAML/JSON).")],
    lake: LakeOpt,
    from_: FromOpt = None,
    to: ToOpt = None,
    as_of: AsOfOpt = None,
    strict: StrictOpt = False,
    as_json: JsonOpt = False,
    start: OldStartOpt = None,
    end: OldEndOpt = None,
    engine: EngineChoice = EngineChoice(),
) -> None:
    """Two programs side by side: stages, users satisfied under one only, reward difference."""
    from journeylab.conditions.compare import compare as compare_programs

    with fail_cleanly():
        pa, pb = _load(a), _load(b)
        times = _times(from_, to, as_of, start, end)
        cmp = compare_programs(pa, pb, engine.open(lake), strict=strict, **times)
    print_warnings(cmp.warnings)
    if as_json:
        print_json(cmp.to_dict())
        return
    console.print(cmp.text(), highlight=False, soft_wrap=True, markup=False)


def schema() -> None:
    """Print the JSON Schema of offer/referral files (for editor completion and checks)."""
    from journeylab.conditions.io import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


def register(app: typer.Typer) -> None:
    app.command()(backtest)
    app.command()(explain)
    app.command()(check)
    app.command()(compare)
    app.command()(schema)
