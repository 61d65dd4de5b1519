"""The API reference page is generated from the docstrings, offline (docs/build_api.py)."""

from __future__ import annotations

import html
import re
import runpy
from pathlib import Path

import journeylab as jl

BUILD = runpy.run_path(str(Path(__file__).parents[1] / "docs" / "build_api.py"))["build"]


def test_api_reference_builds_offline_with_every_public_name(tmp_path: Path) -> None:
    page = BUILD(tmp_path / "api")
    text = page.read_text(encoding="utf-8")
    # nothing loaded from the network: no external scripts or stylesheets
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", text)
    ids = set(re.findall(r'id="([^"]+)"', text))
    assert not [n for n in jl.__all__ if n not in ids], "public names missing from the page"
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    m = re.search(r"def\s+funnel\(\s*lake: Lake,", plain)  # jl.funnel, with its types
    assert m is not None
    funnel = plain[m.start() : m.start() + 1500]
    assert "start_date:" in funnel and "strict: bool = False" in funnel
    assert "Opening never creates" in plain  # docstrings are rendered
