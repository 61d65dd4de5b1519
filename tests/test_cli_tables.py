"""The commands' tables as a person reads them: at any terminal width no cell is cut
short (a value too wide for its column folds onto the next line, where rich would end it
with "…"), and every table writes durations and instants the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeylab import open_lake
from journeylab.cli import app
from journeylab.cli.common import console
from journeylab.cli.tables import Table, duration, instant, interval, pct

LONG = ("signup_from_the_landing_page", "payment_method_updated_in_settings")


def _cli(monkeypatch: pytest.MonkeyPatch, *argv: str, columns: int) -> str:
    """The command's output at a terminal of ``columns``. The commands' console is made
    once, at import, and under pytest-xdist COLUMNS=80 is in the environment then, which
    fixes its width: the width is set on the console itself (restored after the test)."""
    monkeypatch.setattr(console, "_width", columns)
    result = CliRunner().invoke(app, list(argv))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tables")
    rows = [
        {"userId": f"u{u}", "name": name, "eventAt": f"2025-01-0{u + 1}T00:{k}0:00Z"}
        for u in range(3)
        for k, name in enumerate(LONG)
    ]
    events = root / "events.jsonl"
    events.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    open_lake(root / "lake", create=True).ingest(events)
    return root / "lake"


def _cells(out: str, column: int, anchor: int) -> list[str]:
    """The values of a table's ``column``, each cell's lines joined (spaces dropped: a
    wrapped cell loses the space it broke at); a row starts on the line where its
    ``anchor`` column (one that never wraps) has a value."""
    cells: list[str] = []
    for line in out.splitlines():
        parts = line.split("│")
        if not line.startswith("│") or len(parts) <= max(column, anchor) + 1:
            continue
        text = parts[column + 1].strip().replace(" ", "")
        if parts[anchor + 1].strip() or not cells:
            cells.append(text)
        else:
            cells[-1] += text
    return cells


#: each command, with (the column to read, the column that starts a row)
COMMANDS = [
    (("catalog",), [(0, 1)]),
    (("transitions",), [(0, 2), (1, 2)]),
    (("funnel", "--steps", ",".join(LONG), "--within", "2d"), [(0, 1)]),
    (("paths", "--start", LONG[0], "--depth", "2"), [(1, 3)]),
]


@pytest.mark.parametrize("columns", [60, 80])
@pytest.mark.parametrize(("argv", "read"), COMMANDS, ids=[c[0][0] for c in COMMANDS])
def test_no_cell_is_cut_short_at_any_width(
    monkeypatch: pytest.MonkeyPatch,
    lake: Path,
    argv: tuple[str, ...],
    read: list[tuple[int, int]],
    columns: int,
) -> None:
    out = _cli(monkeypatch, *argv, "--lake", str(lake), columns=columns)
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= columns
    cells = " ".join(" ".join(_cells(out, column, anchor)) for column, anchor in read)
    for name in LONG:  # each name whole, read across its folded lines
        assert name in cells, (name, out)


def test_catalog_writes_instants_to_the_second(monkeypatch: pytest.MonkeyPatch, lake: Path) -> None:
    out = _cli(monkeypatch, "catalog", "--lake", str(lake), columns=120)
    assert "2025-01-01 00:00:00" in out and "2025-01-03 00:10:00" in out
    assert "T00:00:00" not in out


def test_every_column_wraps_and_folds() -> None:
    """Whatever a command asks of a column (no wrap, an ellipsis), it wraps and folds."""
    from rich.console import Console
    from rich.table import Column

    table = Table("a", Column("b", no_wrap=True))
    table.add_column("c", overflow="ellipsis", no_wrap=True)
    table.add_row("x" * 30, "12.2%", "y" * 30)
    console = Console(width=30)
    with console.capture() as captured:
        console.print(table)
    out = captured.get()
    assert [(c.overflow, c.no_wrap) for c in table.columns] == [("fold", False)] * 3
    assert "12.2%" in out
    assert "…" not in out and max(len(line) for line in out.splitlines()) <= 30


def test_duration_and_instant() -> None:
    assert pct(None) == "—"
    assert pct(0.8456) == "84.6%"
    assert interval(0.987, 1.0) == "98.7%–100.0%"
    assert interval(None, None) == "—" and interval(0.1, None) == "—"
    assert duration(None) == "—"
    assert duration(0.4) == "0s"
    assert duration(512) == "512s"
    assert duration(3599) == "3,599s"
    assert duration(3600) == "1.0h"
    assert duration(32_067) == "8.9h"
    assert duration(400_000) == "111.1h"
    assert instant(None) == "—"
    assert instant("2025-01-06T02:54:34.166000Z") == "2025-01-06 02:54:34"
    assert instant("2025-01-06T02:54:34Z") == "2025-01-06 02:54:34"
    assert instant("2025-01-06T02:54:34.166000Z", fraction=True) == "2025-01-06 02:54:34.166"
    assert instant("2025-01-06T02:54:34.000100Z", fraction=True) == "2025-01-06 02:54:34.0001"
    assert instant("2025-01-06T02:54:34Z", fraction=True) == "2025-01-06 02:54:34"
    assert instant("2025-01-06T02:54:34.000000Z", fraction=True) == "2025-01-06 02:54:34"


def _render(table: Table, columns: int) -> str:
    from rich.console import Console

    console = Console(width=columns)
    with console.capture() as captured:
        console.print(table)
    return captured.get()


def test_columns_narrow_at_spaces_before_a_word_folds() -> None:
    """At 80 columns (any piped output) the catalog's names stay whole and its instants
    wrap at their space; rich alone narrowed the widest columns alike and folded the
    names ("onboarding_sta" over "rted")."""
    table = Table("name", "events", "users", "first seen", "last seen", "declared")
    for name in ("onboarding_started", "payment_method_updated"):
        table.add_row(name, "8,582", "298", "2025-01-06 02:55:34", "2025-04-05 23:21:01", "")
    out = _render(table, 80)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "payment_method_updated" in out and "onboarding_started" in out
    assert "2025-01-06 " in out and " 02:55:34 " in out  # wrapped at the space
    assert "declared" in out and "first seen" in out


def test_a_header_folds_before_a_cell() -> None:
    """When the words of headers and cells do not all fit, a header word folds (onto two
    lines at most), never a name or a number."""
    table = Table("step", "users", "conversion", "95% CI", "step conv.", "median from previous")
    table.add_row("payment_method_updated", "300", "100.0%", "98.7%–100.0%", "100.0%", "43.7h")
    out = _render(table, 80)
    assert max(len(line) for line in out.splitlines()) <= 80
    for cell in ("payment_method_updated", "98.7%–100.0%", "43.7h", "100.0%"):
        assert cell in out
    assert "conversion" not in out  # the header that gave way
    assert "median" in out and "previous" in out


def test_narrowed_takes_from_the_widest_above_its_floor() -> None:
    from journeylab.cli.tables import narrowed

    assert narrowed([20, 10, 14], [20, 4, 6], 38) == [20, 9, 9]
    assert narrowed([10, 10], [2, 2], 20) == [10, 10]
    assert narrowed([12, 12, 3], [12, 2, 3], 20) == [12, 5, 3]


def test_a_header_wraps_before_a_cell() -> None:
    """A column wide only for its header ("median to last step" over "531s") gives its
    room first: the header wraps at its spaces, and the paths keep the rest."""
    table = Table("#", "path", "users", "share", "median to last step", "in progress")
    path = "signup → page_view → onboarding_started → tutorial_completed → ended"
    table.add_row("1", path, "56", "18.7%", "531s", "0")
    out = _render(table, 80)
    assert max(len(line) for line in out.splitlines()) <= 80
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 3  # the path on three lines (rich alone: on four)
    assert "median" in out and "progress" in out and "531s" in out


def test_the_longest_words_fold_first() -> None:
    """When even the cells' words do not fit, the longest fold to one cap and the other
    columns keep theirs: at 70 columns an interval and a short name stay whole, where
    rich alone folded both ("98.7%–100" over ".0%")."""
    table = Table("step", "users", "conversion", "95% CI", "step conv.", "median from previous")
    table.add_row("onboarding_started", "250", "83.3%", "78.7%–87.1%", "83.3%", "315s")
    table.add_row("payment_method_updated", "300", "100.0%", "98.7%–100.0%", "100.0%", "43.7h")
    out = _render(table, 70)
    assert max(len(line) for line in out.splitlines()) <= 70
    for cell in ("onboarding_started", "98.7%–100.0%", "78.7%–87.1%", "43.7h", "100.0%"):
        assert cell in out, out
    assert "payment_method_updated" not in out  # the longest word gave way


def test_capped_lowers_the_largest_floors_to_one_cap() -> None:
    from journeylab.cli.tables import capped

    assert capped([24, 7, 8, 14], [3, 3, 3, 3], 45) == [16, 7, 8, 14]
    assert capped([24, 7, 8, 14], [3, 3, 3, 3], 35) == [10, 7, 8, 10]
    assert capped([5, 5], [3, 3], 20) == [5, 5]
    assert capped([9, 9], [3, 3], 4) == [3, 3]  # cannot fit: the least
