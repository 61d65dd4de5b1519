"""The guards of issue 12: opening is not creating, one time vocabulary with warned aliases,
and the review's findings (durations, funnel method, from_step, execute names, catalog
--json warnings, full step names)."""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import journeylab as jl
from journeylab import InputError, JourneylabDeprecationWarning, Lake, LakeError, SpecError
from journeylab.cli import app
from journeylab.times import time_range

runner = CliRunner()
ROWS = [
    {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T10:00:00Z", "data": {"channel": "ads"}},
    {"userId": "u1", "name": "purchase", "eventAt": "2025-01-02T00:00:00Z"},
    {"userId": "u2", "name": "signup", "eventAt": "2025-01-31T23:00:00Z", "data": {"channel": "seo"}},
    {"userId": "u2", "name": "purchase", "eventAt": "2025-02-01T01:00:00Z"},
    {"userId": "u3", "name": "signup", "eventAt": "2025-02-01T00:00:00Z"},
    {"userId": "u3", "name": "Sign Up", "eventAt": "2025-02-02T00:00:00Z"},
]  # fmt: skip


@pytest.fixture
def small(lake: Lake, write_jsonl: Callable[..., Path]) -> Lake:
    lake.ingest(write_jsonl(ROWS))
    return lake


# -- opening is not creating ----------------------------------------------------------------
def test_open_lake_on_a_missing_path_raises_with_the_fixes(tmp_path: Path) -> None:
    path = tmp_path / "lkae"
    with pytest.raises(LakeError) as info:
        jl.open_lake(path)
    msg = str(info.value)
    assert str(path) in msg and "does not exist" in msg
    assert "create=True" in msg and f"journeylab init {path}" in msg and "journeylab ingest" in msg
    assert not path.exists()  # nothing was created


def test_open_lake_refuses_empty_and_foreign_folders_and_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(LakeError, match="empty folder, not a lake yet"):
        jl.open_lake(tmp_path / "empty")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    for create in (False, True):
        with pytest.raises(LakeError, match="not a journeylab lake"):
            jl.open_lake(tmp_path / "other", create=create)
    (tmp_path / "f").write_text("x")
    with pytest.raises(LakeError, match="is a file"):
        jl.open_lake(tmp_path / "f", create=True)


def test_create_makes_a_lake_in_a_new_or_empty_folder(tmp_path: Path) -> None:
    assert jl.open_lake(tmp_path / "new" / "lake", create=True).count() == 0
    assert jl.open_lake(tmp_path / "new" / "lake").count() == 0  # now it opens
    assert jl.open_lake(tmp_path / "empty", create=True).count() == 0


def test_cli_init_declare_and_ingest(tmp_path: Path, write_jsonl: Callable[..., Path]) -> None:
    lake = tmp_path / "lake"
    declared = runner.invoke(app, ["declare", "checkout", "--lake", str(lake)])
    assert declared.exit_code == 2 and "does not exist" in declared.stderr and not lake.exists()
    made = runner.invoke(app, ["init", str(lake)])
    assert made.exit_code == 0 and "created an empty lake" in made.stdout
    again = runner.invoke(app, ["init", str(lake)])
    assert again.exit_code == 0 and "already a journeylab lake" in again.stdout
    assert runner.invoke(app, ["declare", "checkout", "--lake", str(lake)]).exit_code == 0
    assert "checkout" in jl.open_lake(lake).declared()
    # ingest still creates a lake in a new (or empty) folder: users land events that way
    fresh = tmp_path / "fresh"
    out = runner.invoke(app, ["ingest", str(write_jsonl(ROWS)), "--lake", str(fresh)])
    assert out.exit_code == 0 and jl.open_lake(fresh).count() == len(ROWS)


# -- time ranges: one parser, one vocabulary ------------------------------------------------
def test_time_range_dates_are_whole_days_and_datetimes_instants() -> None:
    jan = time_range("2025-01-01", "2025-01-31")
    assert jan == (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    assert time_range(date(2025, 1, 1), date(2025, 1, 1))[1] == datetime(2025, 1, 2, tzinfo=UTC)
    noon = time_range(None, "2025-01-31T12:00:00+01:00")
    assert noon == (None, datetime(2025, 1, 31, 11, tzinfo=UTC))
    with pytest.raises(InputError, match="end_date"):
        time_range("2025-02-01", "2025-01-31")
    with pytest.raises(InputError, match="9999-12-31"):
        time_range(None, "9999-12-31")


def test_funnel_start_date_end_date_and_the_old_spellings(small: Lake) -> None:
    jan = small.funnel(["signup", "purchase"], start_date="2025-01-01", end_date="2025-01-31")
    assert jan.entrants == 2  # u2 signed up on Jan 31 at 23:00: the end date is included
    with pytest.warns(JourneylabDeprecationWarning) as caught:
        old = small.funnel(["signup", "purchase"], start="2025-01-01", end="2025-01-31")
    ours = [w for w in caught if w.category is JourneylabDeprecationWarning]
    assert [str(w.message).split(";")[0] for w in ours] == [
        "start= is deprecated",
        "end= is deprecated",
    ]
    assert "removed in journeylab 0.3.0" in str(ours[0].message)
    assert old.entrants == 1  # the old end= was an instant, excluded: Jan 31 left out
    with pytest.raises(InputError, match="Pass only start_date="):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            small.funnel(["signup", "purchase"], start="2025-01-01", start_date="2025-01-01")


def test_backtest_start_date_and_the_old_spellings(small: Lake) -> None:
    offer = jl.offer("o", entry="signup", satisfy=jl.event("purchase"), reward=1)
    jan = offer.backtest(small, start_date="2025-01-01", end_date="2025-01-31")
    assert jan.stage("enrolled") == 2
    with pytest.warns(JourneylabDeprecationWarning, match="end= is deprecated"):
        old = offer.backtest(small, end="2025-01-31")
    assert old.stage("enrolled") == 1
    with pytest.warns(JourneylabDeprecationWarning):
        jl.compare(offer, offer, small, start="2025-01-01")


def test_activation_start_date_end_date(small: Lake) -> None:
    cmp = small.compare_activations(
        "signup", {"buy": "purchase"}, start_date="2025-01-01", end_date="2025-01-31"
    )
    assert cmp.table()["started"][0] == 2
    assert cmp.date_range == (date(2025, 1, 1), date(2025, 1, 31))
    mid = small.compare_activations(
        "signup", {"buy": "purchase"}, start_date=datetime(2025, 1, 1, 12, tzinfo=UTC)
    )
    assert mid.table()["started"][0] == 2  # u2 and u3; u1 started at 10:00


def test_cli_time_options_and_their_old_spellings(small: Lake, tmp_path: Path) -> None:
    lake = str(small.path)
    new = runner.invoke(
        app,
        ["activation", "--lake", lake, "--activation", "buy=purchase", "--from", "2025-01-01",
         "--to", "2025-01-31", "--json"],
    )  # fmt: skip
    assert new.exit_code == 0 and json.loads(new.stdout)["definitions"][0]["started"] == 2
    old = runner.invoke(
        app,
        ["activation", "--lake", lake, "--activation", "buy=purchase", "--start-date",
         "2025-01-01", "--end-date", "2025-01-31", "--json"],
    )  # fmt: skip
    assert old.exit_code == 0 and json.loads(old.stdout) == json.loads(new.stdout)
    assert "warning: --start-date is deprecated; use --from" in old.stderr
    help_text = runner.invoke(app, ["activation", "--help"]).stdout
    assert "--from" in help_text and "--start-date" not in help_text  # aliases are hidden
    spec = tmp_path / "o.yaml"
    spec.write_text("kind: offer\nname: o\nentry: {event: signup}\nsatisfy: {event: purchase}\n")
    got = runner.invoke(
        app, ["backtest", str(spec), "--lake", lake, "--to", "2025-01-31", "--json"]
    )
    assert json.loads(got.stdout)["enrolled"] == 2
    was = runner.invoke(
        app, ["backtest", str(spec), "--lake", lake, "--end", "2025-01-31", "--json"]
    )
    assert json.loads(was.stdout)["enrolled"] == 1 and "--end is deprecated" in was.stderr
    funnel = runner.invoke(
        app,
        ["funnel", "--lake", lake, "--steps", "signup,purchase", "--from", "2025-02-01",
         "--as-of", "2025-02-03", "--json"],
    )  # fmt: skip
    assert json.loads(funnel.stdout)["steps"][0]["users"] == 1


# -- the review's findings ------------------------------------------------------------------
@pytest.mark.parametrize("value", [math.nan, math.inf, 1e20, "99999999999d", -1.0])
def test_parse_duration_refuses_without_leaking_python_errors(value: object) -> None:
    with pytest.raises(InputError, match="Invalid value for within") as info:
        jl.parse_duration(value, "within")  # type: ignore[arg-type]
    assert type(info.value) is InputError
    assert jl.parse_duration("36525d") == timedelta(days=36525)


def test_unknown_funnel_method_raises(small: Lake) -> None:
    with pytest.raises(SpecError, match=r"method: 'fast'.*'auto', 'greedy', 'dp'"):
        small.funnel(["signup", "purchase"], method="fast")


def test_from_step_errors_name_from_step(small: Lake) -> None:
    f = small.funnel(["signup", "purchase"], within="7d")
    with pytest.raises(InputError, match="from_step: 2"):
        f.time_to_convert(from_step=2)
    with pytest.raises(InputError, match="to_step: 1"):
        f.time_to_convert(to_step=1)


def test_execute_names_the_column_after_the_expression(small: Lake) -> None:
    ev = small.events()
    assert small.execute(ev.filter(ev.name == "signup").count().name("n")).columns == ["n"]
    assert small.execute(ev.user_id.name("who")).columns == ["who"]
    assert small.execute(ev.count()).columns == ["value"]


def test_catalog_json_rows_carry_their_near_miss_warnings(small: Lake) -> None:
    rows = json.loads(runner.invoke(app, ["catalog", "--lake", str(small.path), "--json"]).stdout)
    assert isinstance(rows, list)  # the shape scripts read is kept
    by = {r["name"]: r for r in rows}
    (w,) = by["Sign Up"]["warnings"]
    assert (w["kind"], w["name"], w["other"]) == ("case_or_separator", "Sign Up", "signup")
    assert by["signup"]["warnings"][0]["other"] == "Sign Up"
    assert by["purchase"]["warnings"] == []


def test_funnel_table_prints_full_step_names_when_piped(tmp_path: Path) -> None:
    names = ["signup_completed_via_marketing_landing_page", "first_widget_purchase_with_code"]
    path = tmp_path / "long.jsonl"
    path.write_text(
        "".join(
            json.dumps({"userId": "u1", "name": n, "eventAt": f"2025-01-0{i + 1}T00:00:00Z"}) + "\n"
            for i, n in enumerate(names)
        )
    )
    jl.open_lake(tmp_path / "lake", create=True).ingest(path)
    out = runner.invoke(
        app, ["funnel", "--lake", str(tmp_path / "lake"), "--steps", ",".join(names)]
    )
    assert out.exit_code == 0 and "…" not in out.stdout
    assert max(len(line) for line in out.stdout.splitlines()) <= 80
    cells = [
        re.split(r"[│┃]", ln)[1].strip() for ln in out.stdout.splitlines() if ln.startswith("│")
    ]
    assert "".join(cells) == "".join(names)  # folded, never cut


ANALYSES = ("activation", "backtest", "compare", "explain", "funnel", "lifecycle", "paths",
            "retention", "timeline", "transitions")  # fmt: skip


def test_one_cli_vocabulary_across_commands() -> None:
    """Every analysis has --from/--to/--as-of; --start (and paths' --end) is an event where
    it is shown; the old time spellings are hidden (they still work, with a warning)."""
    import typer

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        shown = {o for p in command.params if not getattr(p, "hidden", False) for o in p.opts}
        hidden = {o for p in command.params if getattr(p, "hidden", False) for o in p.opts}
        if name in ANALYSES:
            assert {"--from", "--to", "--as-of"} <= shown, name
            assert "--strict" in shown, name
        assert not shown & {"--start-date", "--end-date"}, name
        for anchor in ("--start", "--end"):
            if anchor in shown:
                help_text = next(p.help for p in command.params if anchor in p.opts)
                assert "event" in help_text.lower(), f"{name} {anchor} must be an anchor event"
        assert hidden <= {"--start-date", "--end-date", "--start", "--end", "--chunk-rows",
                          "--file-rows"}, name  # fmt: skip
