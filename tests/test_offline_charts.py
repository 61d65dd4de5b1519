"""Charts render offline (docs/adr/0004-offline-charts.md): the notebook renderer's output,
who enables it, and the HTML files the library writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import altair as alt
import polars as pl
import pytest

from journeylab.charts import offline

FRAME = pl.DataFrame({"step": ["a", "b", "c"], "users": [10, 7, 3]})
# Anything the page would fetch: a script/link/img source or a CSS url() over the network.
FETCH = re.compile(
    r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import"""
)


def _chart() -> alt.Chart:
    return (
        alt.Chart(FRAME, title="three steps")
        .mark_bar()
        .encode(x="step:N", y="users:Q", tooltip=["step", "users"])
    )


def test_renderer_sends_vega_for_jupyter_and_svg_for_the_rest() -> None:
    bundle, meta = offline.renderer(_chart().to_dict())
    assert set(bundle) == {offline.MIME_VEGA, "image/svg+xml", "text/plain"}
    vega = bundle[offline.MIME_VEGA]
    assert vega["$schema"].endswith("/vega/v5.json")  # the version JupyterLab renders
    assert vega["marks"] and "data" in vega  # compiled by vl-convert, data inline
    assert [d["values"] for d in vega["data"] if d.get("values")]
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")
    assert bundle["text/plain"] == "<journeylab chart: three steps>"
    embed = meta[offline.MIME_VEGA]["embed_options"]
    assert embed["actions"]["editor"] is False  # no link to a web site
    assert embed["renderer"] == "svg"


def test_renderer_passes_the_users_embed_options() -> None:
    _, meta = offline.renderer(_chart().to_dict(), embed_options={"renderer": "canvas"})
    assert meta[offline.MIME_VEGA]["embed_options"]["renderer"] == "canvas"


def test_enable_keeps_a_users_choice() -> None:
    before = alt.renderers.active
    try:
        alt.renderers.enable("svg")
        assert offline.enable() is False and alt.renderers.active == "svg"
        assert offline.enable(force=True) is True
        alt.renderers.enable("default")
        assert offline.enable() is True and alt.renderers.active == offline.RENDERER
    finally:
        alt.renderers.enable(before)


def test_an_environment_variable_leaves_altairs_choice_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = alt.renderers.active
    monkeypatch.setenv("JOURNEYLAB_RENDERER", "altair")
    try:
        alt.renderers.enable("default")
        assert offline.enable() is False and alt.renderers.active == "default"
    finally:
        alt.renderers.enable(before)


def test_renderer_is_registered_as_an_entry_point() -> None:
    """``alt.renderers.enable("journeylab")`` works before journeylab is imported."""
    code = (
        "import sys, altair as alt; alt.renderers.enable('journeylab'); "
        "print(alt.renderers.active, 'journeylab' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["journeylab", "True"]  # loaded through the entry point


@pytest.mark.parametrize("in_ipython", [True, False])
def test_import_journeylab_enables_offline_charts_in_ipython_only(in_ipython: bool) -> None:
    """In a notebook, ``import journeylab`` is all it takes; the CLI and scripts do not
    pay for importing Altair."""
    setup = (
        "from IPython.core.interactiveshell import InteractiveShell; InteractiveShell.instance(); "
        if in_ipython
        else ""
    )
    code = (
        setup + "import sys, journeylab; "
        "alt = sys.modules.get('altair'); "
        "print(alt.renderers.active if alt else None, alt.theme.active if alt else None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = ["journeylab", "journeylab"] if in_ipython else ["None", "None"]
    assert out.stdout.split() == expected


def test_save_html_is_self_contained(tmp_path: Path) -> None:
    path = offline.save_html(_chart(), tmp_path / "chart.html")
    page = path.read_text(encoding="utf-8")
    assert not FETCH.search(page), FETCH.search(page)
    assert "window.vegaEmbed" in page and '"three steps"' in page
    assert "cdn.jsdelivr" not in page


def test_javascript_bundle_is_cached_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEYLAB_CACHE_DIR", str(tmp_path))
    offline.javascript_bundle.cache_clear()
    try:
        first = offline.javascript_bundle()
        cached = list(tmp_path.glob("vega-bundle-*.js"))
        assert len(cached) == 1 and cached[0].read_text(encoding="utf-8") == first
        offline.javascript_bundle.cache_clear()
        cached[0].write_text("// cached", encoding="utf-8")
        assert offline.javascript_bundle() == "// cached"  # read back, not rebuilt
    finally:
        offline.javascript_bundle.cache_clear()


def test_script_json_cannot_close_its_script_element() -> None:
    text = offline.script_json({"a": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script> & <!--"}
