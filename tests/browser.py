"""What a person sees, seen by a browser: Debian's headless Chromium (/usr/bin/chromium, no
browser download) driven by Playwright for Python, with every request that is not a local
file (or, for JupyterLab, the server on loopback) blocked and recorded.

Shared by tests/test_browser.py and tests/screenshots.py (``make screenshots``), so the
pictures in docs/img/ are taken by the code the tests check.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("JOURNEYLAB_CHROMIUM", "/usr/bin/chromium"))
# As root in a container: no sandbox; no GPU; and none of Chromium's own calls home.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 120_000


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (Debian: apt-get install -y chromium; .ci/run does)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@dataclass
class Watch:
    """What a page tried that it should not have: blocked requests and console errors."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(
    browser: Any, allow: str | None = None, width: int = 1280, height: int = 900
) -> tuple[Any, Watch]:
    """A page whose requests are aborted unless they are ``file:`` URLs or start with
    ``allow`` (the loopback JupyterLab server); console errors are recorded."""
    watch = Watch()
    context = browser.new_context(viewport={"width": width, "height": height})

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")) or (allow and url.startswith(allow)):
            r.continue_()
        else:
            watch.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"page error: {e}"))
    return page, watch


# -- the report --------------------------------------------------------------------------
def open_report(page: Any, path: Path, renderer: str = "svg") -> None:
    """Open a report and wait until every chart is drawn (or failed)."""
    query = "" if renderer == "svg" else f"?renderer={renderer}"
    page.goto(path.resolve().as_uri() + query)
    page.wait_for_selector("body[data-charts-ready='true']", state="attached")


FIGURES_JS = """
() => Array.from(document.querySelectorAll("figure.jl-figure")).map(f => ({
  key: f.dataset.key,
  rendered: f.dataset.rendered,
  rows: Number(f.dataset.rows),
  svg: f.querySelectorAll(".jl-chart svg.marks").length,
  marks: f.querySelectorAll(".jl-chart g.rows_marks > path, .jl-chart g.rows_marks > g")
    .length,
  tableRows: f.querySelectorAll("table tbody tr").length,
}))
"""


def figures(page: Any) -> list[dict[str, Any]]:
    """Per figure: key, rendered, rows (declared), svg count, marks drawn, table rows."""
    result: list[dict[str, Any]] = page.evaluate(FIGURES_JS)
    return result


def hover_tooltip(page: Any, figure_key: str, index: int = 0) -> str:
    """Hover the ``index``-th mark of a figure's ``rows`` layer; the tooltip's text."""
    fig = page.locator(f'figure.jl-figure[data-key="{figure_key}"]')
    fig.scroll_into_view_if_needed()
    mark = fig.locator(".jl-chart g.rows_marks > path").nth(index)
    box = mark.bounding_box()
    assert box is not None, f"{figure_key}: mark {index} has no box"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(state="visible", timeout=10_000)
    text: str = tooltip.inner_text()
    return text


# -- JupyterLab --------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def jupyterlab(root: Path, state: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab on loopback serving ``root`` with a token (no browser of its own, no news
    or update checks); its config, runtime, settings and workspaces live in ``state``.
    Yields (base URL, token)."""
    settings = state / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = state / "jupyterlab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start in 90 s") from None
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def execute_notebook(path: Path, env: dict[str, str] | None = None, timeout: int = 600) -> None:
    """Run a notebook top to bottom and save its outputs in place (nbclient, kernel
    ``python3``, working folder: the notebook's), in a subprocess: nbclient's event loop and
    Playwright's cannot share a thread."""
    code = (
        "import os, sys, tempfile, nbformat; from nbclient import NotebookClient; "
        "from traitlets.config import Config; "
        "p = sys.argv[1]; nb = nbformat.read(p, as_version=4); "
        # sockets of its own, not TCP ports raced between workers (tests/test_notebooks.py)
        "ipc = Config(); ipc.KernelManager.transport = 'ipc'; "
        "ipc.KernelManager.ip = os.path.join(tempfile.mkdtemp(), 'kernel'); "
        "NotebookClient(nb, config=ipc, kernel_name='python3', timeout=int(sys.argv[2]), "
        "resources={'metadata': {'path': sys.argv[3]}}).execute(); nbformat.write(nb, p)"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path), str(timeout), str(path.parent)],
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
    )


def open_notebook(page: Any, base: str, token: str, name: str) -> Any:
    """Open ``name`` (relative to the server's root) in JupyterLab; the first drawn
    Vega chart of its outputs (a locator)."""
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")  # reset: no tabs from before
    chart = page.locator(".jp-OutputArea-output .vega-embed svg.marks").first
    chart.wait_for(state="visible")
    return chart
