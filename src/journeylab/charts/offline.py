"""Charts that render with the network off (docs/adr/0004-offline-charts.md).

- In notebooks: the ``journeylab`` Altair renderer. Each chart is compiled to Vega by
  vl-convert (the Vega-Lite version Altair targets, run in-process) and sent as
  ``application/vnd.vega.v5+json``, which JupyterLab, Notebook 7 and VS Code draw with the
  Vega they ship (interactive: tooltips, the actions menu), even in an untrusted notebook
  opened from disk; plus the same chart as ``image/svg+xml`` (drawn by vl-convert), which
  GitHub, nbviewer and any other front end show. Nothing is loaded from a CDN. ``import journeylab`` enables it when Altair's
  ``default`` renderer is active; ``journeylab.charts.offline.enable(force=True)`` (or
  ``alt.renderers.enable("journeylab")``) enables it after another choice.
- In files: :func:`save_html` writes one self-contained page (Vega, Vega-Lite and
  vega-embed inlined from vl-convert's bundle). The report uses :func:`javascript_bundle`.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt

from journeylab.charts import theme

__all__ = [
    "EMBED_OPTIONS",
    "MIME_VEGA",
    "RENDERER",
    "enable",
    "javascript_bundle",
    "renderer",
    "save_html",
    "script_json",
    "spec_json",
    "vega_spec",
    "vl_version",
]

RENDERER = "journeylab"
MIME_VEGA = "application/vnd.vega.v5+json"
VEGA5_SCHEMA = "https://vega.github.io/schema/vega/v5.json"
# vega-embed options for every chart we draw: no action links to a web site (the Vega
# editor), keep "save as SVG/PNG"; tooltips use vega-embed's own (bundled) handler.
# SVG: crisp at any zoom, prints well, and its marks can be counted by a test.
EMBED_OPTIONS: dict[str, Any] = {
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "renderer": "svg",
}


def _vlc() -> Any:
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError(
            "journeylab draws charts offline with vl-convert-python: "
            "pip install 'vl-convert-python>=1.7'"
        ) from exc
    return vl_convert


def vl_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert spells it (``v6_4``)."""
    from altair.utils._importers import vl_version_for_vl_convert

    return str(vl_version_for_vl_convert())


def _spec(chart: Any) -> dict[str, Any]:
    return chart if isinstance(chart, dict) else chart.to_dict()


def vega_spec(chart: Any) -> dict[str, Any]:
    """The chart compiled to Vega by vl-convert, labelled v5 (the Vega 6 runtime reads
    the same specification format; JupyterLab's renderer ships Vega 5)."""
    vega: dict[str, Any] = _vlc().vegalite_to_vega(_spec(chart), vl_version=vl_version())
    vega["$schema"] = VEGA5_SCHEMA
    return vega


def _cache_dir() -> Path:
    if os.environ.get("JOURNEYLAB_CACHE_DIR"):
        return Path(os.environ["JOURNEYLAB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "journeylab"


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (``window.vegaEmbed``), from
    vl-convert: no network, about 0.9 MB. vl-convert takes ~3 s to bundle it, so it is kept
    in ``$JOURNEYLAB_CACHE_DIR`` (default ``~/.cache/journeylab``), one file per
    vl-convert and Vega-Lite version; an unwritable cache only costs the time."""
    vlc = _vlc()
    version = getattr(vlc, "__version__", "unknown")
    path = _cache_dir() / f"vega-bundle-{version}-{vl_version()}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = str(vlc.javascript_bundle(vl_version=vl_version()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(bundle, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return bundle


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title) if title else "chart"


def renderer(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Altair renderer: Vega for Jupyter front ends, SVG for everything else."""
    svg = _vlc().vegalite_to_svg(spec, vl_version=vl_version())
    embed = {**EMBED_OPTIONS, **(metadata.get("embed_options") or {})}
    bundle = {
        MIME_VEGA: vega_spec(spec),
        "image/svg+xml": svg,
        "text/plain": f"<journeylab chart: {_title(spec)}>",
    }
    return bundle, {MIME_VEGA: {"embed_options": embed}}


alt.renderers.register(RENDERER, renderer)


def enable(force: bool = False) -> bool:
    """Use the offline renderer (and the journeylab theme) when Altair's defaults are
    active, or always with ``force``; returns whether the renderer is active.

    ``JOURNEYLAB_RENDERER=altair`` in the environment leaves Altair's choice alone."""
    if os.environ.get("JOURNEYLAB_RENDERER") == "altair" and not force:
        return False
    theme.enable(force=force)
    if force or alt.renderers.active == "default":
        alt.renderers.enable(RENDERER)
    return bool(alt.renderers.active == RENDERER)


def save_html(chart: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``chart`` as one self-contained HTML page (no request leaves the page)."""
    out = Path(path)
    with theme.use_theme():
        chart.save(str(out), format="html", inline=True, embed_options=EMBED_OPTIONS)
    return out


def spec_json(chart: Any) -> str:
    """The chart's Vega-Lite spec as JSON safe to put inside a ``<script>`` element."""
    return script_json(_spec(chart))


def script_json(value: Any) -> str:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>`` and ``&``
    written as unicode escapes (valid JSON; no ``</script>`` can close the element)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
