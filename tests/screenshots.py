"""``make screenshots``: refresh the pictures in docs/img/ with the browser code the tests
use (tests/browser.py): headless Chromium, every non-local request blocked.

- ``report.png``: the report ``make demo`` writes, at its funnel and activation sections;
- ``notebook-chart.png``: notebook 02 executed, open in JupyterLab, its first chart.

Tests never call this (they do not rewrite tracked files).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import browser

REPO = Path(__file__).resolve().parents[1]


def report_shot(report: Path, out: Path) -> Path:
    with browser.chromium() as chromium:
        page, watch = browser.offline_page(chromium, width=1440, height=1000)
        browser.open_report(page, report)
        page.locator('section[data-section="funnel"]').scroll_into_view_if_needed()
        top = page.evaluate(
            "() => document.querySelector('section[data-section=\"funnel\"]')"
            ".getBoundingClientRect().top + window.scrollY - 8"
        )
        page.evaluate(f"() => window.scrollTo(0, {top})")
        path = out / "report.png"
        page.screenshot(path=str(path))
        _check(watch, "report")
    return path


def notebook_shot(out: Path, notebook: str = "02_signup_to_activation.ipynb") -> Path:
    with tempfile.TemporaryDirectory(prefix="journeylab-shots-") as tmp:
        root = Path(tmp) / "notebooks"
        root.mkdir()
        shutil.copy(REPO / "notebooks" / notebook, root / notebook)
        work = Path(tmp) / "work"
        work.mkdir()
        env = {"JOURNEYLAB_REPO": str(REPO), "JOURNEYLAB_WORK": str(work)}
        browser.execute_notebook(root / notebook, env=env)
        with browser.jupyterlab(root, Path(tmp) / "jupyter") as (base, token):
            with browser.chromium() as chromium:
                page, watch = browser.offline_page(chromium, allow=f"{base}/", height=640)
                chart = browser.open_notebook(page, base, token, notebook)
                cell = chart.locator(
                    "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-CodeCell ')][1]"
                )
                cell.evaluate("c => c.scrollIntoView({block: 'center'})")
                page.mouse.move(0, 0)
                path = out / "notebook-chart.png"
                page.screenshot(path=str(path))
                _check(watch, "notebook")
    return path


def _check(watch: browser.Watch, what: str) -> None:
    if watch.errors or watch.blocked:
        sys.exit(f"{what}: console errors {watch.errors}, blocked requests {watch.blocked}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPO / "demo_out" / "report.html")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    reason = browser.missing()
    if reason:
        sys.exit(f"cannot take screenshots: {reason}")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (report_shot(args.report, args.out), notebook_shot(args.out)):
        print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
