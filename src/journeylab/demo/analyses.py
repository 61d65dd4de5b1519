"""Demo sections on the analyses: funnel, activation definitions with CAC, the example offer
and referral backtested with one user explained, and the report that gathers them all."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from journeylab.cli.tables import Table, interval, pct
from journeylab.conditions.describe import fmt_num
from journeylab.demo.core import FUNNEL, Demo, console, header
from journeylab.sample import ACTIVATION_WINDOW_DAYS

__all__ = [
    "report_options",
    "section_activation",
    "section_backtests",
    "section_funnel",
    "section_report",
]

WITHIN = f"{ACTIVATION_WINDOW_DAYS}d"


def section_funnel(demo: Demo) -> None:
    header(f"5. Funnel: signup to a completed profile within {ACTIVATION_WINDOW_DAYS} days")
    result = demo.lake.funnel(list(FUNNEL), within=WITHIN)
    table = Table("step", "users", "conversion", "95% interval", "from previous")
    for r in result.table().iter_rows(named=True):
        table.add_row(
            f"{r['step']}. {r['name']}",
            f"{r['users']:,}",
            pct(r["conversion"]),
            interval(r["ci_low"], r["ci_high"]),
            pct(r["step_conversion"]),
        )
    console.print(table)
    console.print(f"{result.in_progress:,} users still in progress (window open at the as-of time)")
    demo.save(result.chart(), "funnel.html")


def section_activation(demo: Demo) -> None:
    header("6. Activation definitions compared, with CAC per channel")
    cmp = demo.lake.compare_activations(
        start="signup", activations=demo.activations, within=WITHIN, spend=demo.files.spend
    )
    table = Table("definition", "activated", "rate (matured)", "95% interval", "CAC")
    for r in cmp.table().iter_rows(named=True):
        table.add_row(
            r["definition"],
            f"{r['activated']:,}",
            pct(r["rate_matured"]),
            interval(r["ci_low_matured"], r["ci_high_matured"]),
            "—" if r["cac"] is None else f"{r['cac']:,.2f}",
        )
    console.print(table)
    wide = cmp.cac().pivot(on="definition", index="channel", values="cac")
    by_channel = Table("channel", *[c for c in wide.columns if c != "channel"])
    for row in wide.iter_rows():
        by_channel.add_row(row[0], *("—" if v is None else f"{v:,.2f}" for v in row[1:]))
    console.print("CAC per channel (spend ÷ activated users):")
    console.print(by_channel)
    demo.save(cmp.chart(), "activation.html")
    demo.save(cmp.cac_chart(), "cac.html")


def section_backtests(demo: Demo) -> None:
    header("7. The example offer and referral, backtested; one user explained each")
    from journeylab.conditions.io import load_program
    from journeylab.report.context import EXPLAIN_ORDER, explained_user

    if not demo.programs:
        console.print(f"no examples in {demo.examples}: skipped")
        return
    for path in demo.programs:
        program = load_program(path)
        result = program.backtest(demo.lake)
        s = result.summary()
        stages = ", ".join(f"{k} {s[k]:,}" for k in ("audience", "enrolled", *EXPLAIN_ORDER))
        console.print(f"[bold]{program.kind} {program.name!r}[/bold] ({path.name})")
        console.print(f"  {stages}", highlight=False)
        console.print(
            f"  rewards {fmt_num(result.reward_total)} "
            f"(not yet earned at the as-of time: {fmt_num(result.reward_unearned)})",
            highlight=False,
        )
        user = explained_user(result)
        if user is not None:
            console.print(escape(str(result.explain(user, demo.lake))), highlight=False)
        demo.save(result.chart("stages"), f"backtest_{program.name}.html")


def report_options(demo: Demo) -> dict[str, Any]:
    """What the demo's report is asked for: the sample's real definitions."""
    return {
        "activations": demo.activations,
        "funnel": FUNNEL,
        "within": WITHIN,
        "spend": demo.files.spend,
        "offers": demo.programs,
        "ingest": demo.ingest,
        "title": "journeylab report: the sample app",
    }


def section_report(demo: Demo) -> None:
    header("8. The report: every analysis above in one page that opens offline")
    from journeylab.report import report

    path = demo.out / "report.html"
    result = report(demo.lake, path, **report_options(demo))
    for warning in result.messages:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    demo.report = path
    console.print(
        f"{len(result.figures())} charts, each with a table of its numbers; "
        f"{path.stat().st_size / 1e6:.1f} MB; no request leaves the page",
        highlight=False,
    )
