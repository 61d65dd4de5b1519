"""How each way of showing Altair charts in a notebook fares offline (docs/adr/0004).

For every renderer: run a committed notebook top to bottom (nbclient) with that renderer
enabled first, then measure the saved notebook (bytes, output MIME types: what a code host
such as GitHub can show is image/png or image/svg+xml) and open it from disk in JupyterLab
on loopback, in headless Chromium with every other request blocked, to count the charts
drawn (from disk: no kernel has run in that page, as when a colleague opens the file).

Run by hand (minutes): ``.venv/bin/python benchmarks/notebook_renderers.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import description  # noqa: E402

import browser  # noqa: E402  (tests/browser.py: the browser code the tests use)

SETUPS = {
    "journeylab (vega v5 + svg)": "",
    "altair default html (CDN)": "import altair as alt; alt.renderers.enable('html')",
    "altair html, inline bundle": (
        "import altair as alt; alt.renderers.enable('html', template='inline')"
    ),
    "altair mimetype (vega-lite v6)": "import altair as alt; alt.renderers.enable('mimetype')",
    "altair jupyter offline (widget)": (
        "import altair as alt; alt.renderers.enable('jupyter', offline=True)"
    ),
    "altair png": "import altair as alt; alt.renderers.enable('png')",
    "altair svg": "import altair as alt; alt.renderers.enable('svg')",
}


def run(notebook: Path, setup: str, out: Path) -> dict[str, object]:
    nb = nbformat.read(notebook, as_version=4)
    if setup:
        nb.cells.insert(0, nbformat.v4.new_code_cell(setup))
    work = out.parent / (out.stem + "-work")
    work.mkdir()
    os.environ.update({"JOURNEYLAB_REPO": str(REPO), "JOURNEYLAB_WORK": str(work)})
    started = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600).execute()
    seconds = time.perf_counter() - started
    nbformat.write(nb, out)
    mimes: Counter[str] = Counter()
    charts = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = str(data.get("text/html", ""))
            if (
                any("vega" in m or "widget-view" in m for m in data)
                or "image/png" in data
                or "image/svg+xml" in data
                or "vegaEmbed" in html
            ):
                charts += 1
                mimes.update(list(data))
    static = mimes["image/png"] + mimes["image/svg+xml"]
    return {
        "bytes": out.stat().st_size,
        "chart_outputs": charts,
        "mime_types": dict(mimes),
        "seconds": round(seconds, 1),
        "code_host_shows": f"{min(static, charts)} of {charts}",
    }


def drawn_in_jupyterlab(root: Path, names: list[str], state: Path) -> dict[str, int]:
    """Charts drawn per notebook when JupyterLab opens it from disk, offline."""
    out: dict[str, int] = {}
    with browser.jupyterlab(root, state) as (base, token), browser.chromium() as chromium:
        for name in names:
            page, _watch = browser.offline_page(chromium, allow=f"{base}/")
            page.goto(f"{base}/lab/tree/{name}?reset&token={token}")
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").wait_for()
            page.wait_for_timeout(15_000)  # let every output render (or fail)
            drawn = page.evaluate(
                "() => document.querySelectorAll('.jp-OutputArea-output .vega-embed "
                "svg.marks, .jp-OutputArea-output .vega-embed canvas, "
                ".jp-OutputArea-output img, .jp-OutputArea-output svg.marks').length"
            )
            out[name] = int(drawn)
            page.context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=description(__doc__))
    parser.add_argument("--notebook", default="02_signup_to_activation.ipynb")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="journeylab-renderers-") as tmp:
        root = Path(tmp) / "nb"
        root.mkdir()
        results: dict[str, dict[str, object]] = {}
        names: dict[str, str] = {}
        for i, (label, setup) in enumerate(SETUPS.items()):
            name = f"{i}.ipynb"
            try:
                results[label] = run(REPO / "notebooks" / args.notebook, setup, root / name)
            except Exception as exc:  # a renderer whose output the notebook cannot hold
                results[label] = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
                print(label, json.dumps(results[label]), flush=True)
                continue
            names[label] = name
            for extra in root.glob("*-work"):
                shutil.rmtree(extra)
            print(label, json.dumps(results[label]), flush=True)
        drawn = drawn_in_jupyterlab(root, list(names.values()), Path(tmp) / "jupyter")
        for label, name in names.items():
            results[label]["jupyterlab_from_disk_offline"] = drawn[name]
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
