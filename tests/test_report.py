"""The one-file HTML report (issue #11): its sections, defaults, checks and the page itself.
What the page looks like in a browser is tests/test_browser.py."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import journeylab as jl
from journeylab.errors import InputError, SpecError
from journeylab.report import SECTIONS, Report, SectionBuilder, register_section
from journeylab.report.model import Paragraph, Section, Table
from journeylab.report.tables import cell

MAX_BYTES = 5_000_000
FETCH = re.compile(
    r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import"""
)


class _Page(HTMLParser):
    """Figures with their declared rows and the rows of the table beside each chart."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, int] = {}
        self.table_rows: dict[str, int] = {}
        self.scripts_with_src: list[str] = []
        self._table: str | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "figure" and a.get("data-key"):
            self.figures[str(a["data-key"])] = int(str(a["data-rows"]))
        elif tag == "table" and a.get("data-table"):
            self._table = str(a["data-table"])
            self.table_rows[self._table] = 0
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self.table_rows[self._table] += 1
        elif tag in ("script", "link", "img", "iframe") and (a.get("src") or a.get("href")):
            self.scripts_with_src.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
            self._in_body = False


@pytest.fixture(scope="module")
def page(demo_run: Any) -> tuple[str, _Page]:
    text = Path(demo_run.report).read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(text)
    return text, parsed


def test_the_demo_writes_the_report_with_every_section(demo_run: Any) -> None:
    report = Path(demo_run.report)
    assert report == Path(demo_run.out) / "report.html" and report.exists()
    text = report.read_text(encoding="utf-8")
    keys = re.findall(r'data-section="([^"]+)"', text)
    assert keys[:5] == ["ingest", "catalog", "funnel", "activation", "backtests"]
    assert {"program-three-purchases-30d", "program-invite-a-friend"} <= set(keys)


def test_the_report_is_one_self_contained_file_under_5_mb(page: tuple[str, _Page]) -> None:
    text, parsed = page
    assert len(text.encode("utf-8")) < MAX_BYTES
    assert not parsed.scripts_with_src
    assert not FETCH.search(text), FETCH.search(text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "window.vegaEmbed" in text  # Vega inlined


def test_every_chart_has_a_table_of_the_rows_it_draws(page: tuple[str, _Page]) -> None:
    _, parsed = page
    assert len(parsed.figures) >= 12
    for key, rows in parsed.figures.items():
        assert rows > 0, key
        assert parsed.table_rows.get(key) == rows, key


def test_every_chart_says_how_to_read_it(page: tuple[str, _Page]) -> None:
    text, parsed = page
    assert text.count("How to read this:") == len(parsed.figures)


def test_header_names_the_lake_and_its_numbers(demo_run: Any, page: tuple[str, _Page]) -> None:
    text, _ = page
    summary = demo_run.lake.summary()
    header = text[: text.index("</header>")]
    assert str(Path(demo_run.lake.path).resolve()) in header
    assert f"{summary.events:,}" in header and f"{summary.users:,}" in header
    assert cell(summary.first_event_at, "time") in header
    assert "as of" in header and cell(demo_run.lake.last_event_at(), "time") in header


def test_ingest_numbers_and_quarantine_in_the_report(demo_run: Any) -> None:
    report = jl.report(demo_run.lake, ingest=demo_run.ingest)
    ingest = next(s for s in report.sections if s.key == "ingest")
    keys = [f.key for f in ingest.figures()]
    assert keys == ["ingest", "quarantine"]
    quarantine = next(f for f in ingest.figures() if f.key == "quarantine")
    by_reason = dict(quarantine.table.frame.select("reason", "records").iter_rows())
    assert by_reason == demo_run.ingest["rejected_by_reason"]


def test_misspelt_fields_of_the_ingest_are_a_warning_in_the_report(demo_run: Any) -> None:
    ingest = {**demo_run.ingest, "unknown_field_names": {"evntAt": 3, "utm": 1}}
    report = jl.report(demo_run.lake, ingest=ingest)
    section = next(s for s in report.sections if s.key == "ingest")
    warnings = [b for b in section.blocks if getattr(b, "tone", None) == "warning"]
    assert [w.items for w in warnings] == [  # type: ignore[attr-defined]
        (
            "ignored fields that are not Events API fields (userId, name, eventAt, data, "
            "eventId): 'evntAt' (3 records, did you mean 'eventAt'?), 'utm' (1 record).",
        )
    ]
    plain = jl.report(demo_run.lake, ingest=demo_run.ingest)
    section = next(s for s in plain.sections if s.key == "ingest")
    assert not [b for b in section.blocks if getattr(b, "tone", None) == "warning"]


def test_defaults_never_guess_activations(demo_run: Any) -> None:
    report = jl.report(demo_run.lake)
    sections = {s.key: s for s in report.sections}
    assert [f.key for f in sections["funnel"].figures()] == []
    texts = [b.text for b in sections["activation"].blocks if isinstance(b, Paragraph)]
    assert any("--activation LABEL=EVENT" in t for t in texts)
    candidates = next(b for b in sections["activation"].blocks if isinstance(b, Table))
    assert "signup" not in candidates.frame["name"].to_list()
    assert any("--offer" in b.text for b in sections["backtests"].blocks)  # type: ignore[union-attr]


def test_funnel_defaults_to_the_start_then_the_activations(demo_run: Any) -> None:
    report = jl.report(demo_run.lake, activations=["profile=profile_completed"])
    funnel = next(s for s in report.sections if s.key == "funnel")
    frame = funnel.figures()[0].table.frame
    assert frame["name"].to_list() == ["signup", "profile_completed"]
    activation = next(s for s in report.sections if s.key == "activation")
    # one definition, no spend: the rates, and who is still active in week 4 (the default)
    assert [f.key for f in activation.figures()] == ["activation", "retained"]


def test_activation_quality_in_the_report(demo_run: Any) -> None:
    report = jl.report(
        demo_run.lake,
        activations={"profile": "profile_completed", "purchase": "first_widget_purchase"},
        spend=demo_run.files.spend,
        retained=jl.retention_spec(period="week", periods=2),
    )
    activation = next(s for s in report.sections if s.key == "activation")
    quality = next(f for f in activation.figures() if f.key == "retained")
    frame = quality.table.frame
    assert frame["group"].to_list() == ["activated", "not_activated"] * 2
    assert frame.filter(pl.col("group") == "activated")["cac_retained"].min() > 0
    assert "cac_retained" in [c.name for c in quality.table.columns]
    off = jl.report(demo_run.lake, activations={"buy": "purchase"}, retained=False)
    activation = next(s for s in off.sections if s.key == "activation")
    assert "retained" not in [f.key for f in activation.figures()]
    with pytest.raises(SpecError, match="retained"):
        jl.report(demo_run.lake, activations={"buy": "purchase"}, retained="week")  # type: ignore[arg-type]


def test_unknown_names_warn_with_the_nearest(demo_run: Any) -> None:
    report = jl.report(demo_run.lake, activations={"buy": "first_widgt_purchase"})
    # once per analysis that was given the name (the funnel and the activation comparison)
    assert {(w.name, w.suggestions[0]) for w in report.warnings} == {
        ("first_widgt_purchase", "first_widget_purchase")
    }
    assert any(
        "'first_widgt_purchase'" in m and "'first_widget_purchase'" in m for m in report.messages
    )
    assert "first_widgt_purchase" in report.html()  # shown in the page, not only returned


def test_time_bounds_reach_every_analysis(demo_run: Any) -> None:
    report = jl.report(
        demo_run.lake,
        activations=demo_run.activations,
        offers=demo_run.programs[:1],
        start_date="2025-02-01",
        end_date="2025-02-28",
        as_of="2025-03-31T00:00:00Z",
    )
    activation = next(s for s in report.sections if s.key == "activation")
    assert "from 2025-02-01 to 2025-02-28" in (activation.intro or "")
    header = report.html()[: report.html().index("</header>")]
    assert "2025-03-31 00:00:00 UTC" in header


def test_options_are_checked_before_any_query(demo_run: Any) -> None:
    lake = demo_run.lake
    with pytest.raises(InputError, match="offers"):
        jl.report(lake, offers=["missing.yaml"])
    with pytest.raises(InputError, match="end_date"):
        jl.report(lake, start_date="2025-03-01", end_date="2025-02-01")
    with pytest.raises(SpecError, match="distinct labels"):
        jl.report(lake, activations=["a=signup", "a=purchase"])
    with pytest.raises(SpecError, match="at least two steps"):
        jl.report(lake, funnel=["signup"])
    with pytest.raises(InputError, match="within"):
        jl.report(lake, within="a fortnight")
    with pytest.raises(InputError, match="spend"):
        jl.report(lake, spend="missing.csv")


def test_a_section_can_be_added_and_jl_report_stays_callable(demo_run: Any, tmp_path: Path) -> None:
    import journeylab.report.html  # noqa: F401  (importing submodules keeps jl.report callable)

    def journeys(ctx: Any) -> Section:
        return Section("journeys", "Journeys", (Paragraph(f"{ctx.summary.users} users"),))

    before = list(SECTIONS)
    try:
        register_section(SectionBuilder("journeys", journeys), before="backtests")
        keys = [b.key for b in SECTIONS]
        assert keys.index("journeys") == keys.index("backtests") - 1
        result = jl.report(demo_run.lake, tmp_path / "r.html")
        assert isinstance(result, Report)
        assert [s.key for s in result.sections][-2:] == ["journeys", "backtests"]
        assert "5000 users" in (tmp_path / "r.html").read_text(encoding="utf-8")
        with pytest.raises(InputError, match="before"):
            register_section(SectionBuilder("x", journeys), before="nope")
    finally:
        SECTIONS[:] = before


def test_cli_writes_the_report(demo_run: Any, tmp_path: Path) -> None:
    out = tmp_path / "cli.html"
    cli = Path(sys.executable).parent / "journeylab"
    args = [str(cli), "report", "--lake", str(demo_run.lake.path), "--out", str(out)]
    args += ["--activation", "profile=profile_completed", "--spend", str(demo_run.files.spend)]
    args += ["--offer", str(demo_run.programs[0]), "--from", "2025-01-10", "--to", "2025-03-01"]
    proc = subprocess.run(args, capture_output=True, text=True, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert f"report: {out}" in proc.stdout and out.exists()
    bad = subprocess.run(
        [*args[:5], "--offer", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert bad.returncode == 2 and "nope.yaml" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "cli.html.tmp").exists()


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
