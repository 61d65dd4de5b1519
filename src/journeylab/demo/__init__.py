"""``make demo``: build the sample lake if missing, run every analysis on it, print the
results and end with ``demo_out/report.html`` (one self-contained page of all of them).

The walkthrough is a list of small sections (:data:`SECTIONS`); each takes the
:class:`Demo` context, prints what it shows and may save charts into ``demo_out/`` (as
self-contained HTML: they open offline). To add one, write ``def section_x(demo: Demo) ->
None`` and insert it in ``SECTIONS`` before the report.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from journeylab.demo.analyses import (
    report_options,
    section_activation,
    section_backtests,
    section_funnel,
    section_report,
)
from journeylab.demo.core import Demo, build_lake, console, header
from journeylab.demo.data import (
    section_catalog,
    section_ingest,
    section_planted,
    section_quarantine,
)

__all__ = ["SECTIONS", "Demo", "main", "report_options"]

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

SECTIONS: list[Callable[[Demo], None]] = [
    section_ingest,
    section_quarantine,
    section_catalog,
    section_planted,
    section_funnel,
    section_activation,
    section_backtests,
    section_report,
]


def main(argv: list[str] | None = None) -> Demo:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=None, help="sample folder")
    parser.add_argument("--out", type=Path, default=Path("demo_out"))
    parser.add_argument(
        "--examples", type=Path, default=EXAMPLES, help="folder of the example programs"
    )
    parser.add_argument("--quiet", action="store_true", help="print only the report's path")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    console.quiet = args.quiet
    try:
        lake, files = build_lake(args.sample, args.out)
        demo = Demo(lake=lake, files=files, out=args.out, examples=args.examples)
        for section in SECTIONS:
            section(demo)
        header("Outputs")
        console.print(f"lake:    {lake.path}", highlight=False)
        console.print(f"raw:     {files.events}", highlight=False)
        console.print(f"spend:   {files.spend}", highlight=False)
        for path in demo.outputs:
            console.print(f"chart:   {path}", highlight=False)
        console.print("next:    make lab (JupyterLab on notebooks/)")
    finally:
        console.quiet = False
    console.print(f"report:  {demo.report}", highlight=False)
    return demo
