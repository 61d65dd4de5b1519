"""Sections → one self-contained HTML page.

Every script and style is inlined (Vega, Vega-Lite and vega-embed from vl-convert's
bundle; no web font: the system's sans-serif), and a Content-Security-Policy forbids the
page any request, so it renders the same on a machine with no network. Charts are drawn as
SVG (``?renderer=canvas`` in the address switches).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from journeylab.charts.offline import EMBED_OPTIONS, javascript_bundle, script_json
from journeylab.charts.theme import use_theme
from journeylab.report.model import (
    Block,
    Figure,
    Notes,
    Paragraph,
    Preformatted,
    Section,
    Table,
)
from journeylab.report.style import CSS, EMBED_JS
from journeylab.report.tables import table_html

__all__ = ["CSP", "render_page"]

# No request of any kind: scripts and styles only inline (Vega compiles expressions with
# Function(), hence 'unsafe-eval'); images only from data:/blob: (the PNG/SVG export).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'"
)


class _Ids:
    """Unique, safe element ids from section and figure keys."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, prefix: str, key: str) -> str:
        base = prefix + "-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x")
        out, n = base, 1
        while out in self.seen:
            n += 1
            out = f"{base}-{n}"
        self.seen.add(out)
        return out


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _figure(fig: Figure, ids: _Ids) -> str:
    fid = ids("fig", fig.key)
    with use_theme():
        spec = fig.chart.to_dict()
    title = spec.get("title")
    label = title.get("text") if isinstance(title, dict) else title
    return (
        f'<figure class="jl-figure" id="{fid}" data-key="{_esc(fig.key)}" '
        f'data-rows="{fig.rows}">'
        f'<p class="how"><strong>How to read this:</strong> {_esc(fig.how_to_read)}</p>'
        '<div class="jl-figure-body">'
        f'<div class="jl-chart" role="img" aria-label="{_esc(str(label or fig.key))}"></div>'
        f"{table_html(fig.table, fig.key)}"
        "</div>"
        f'<script type="application/json" class="jl-spec">{script_json(spec)}</script>'
        "</figure>"
    )


def _block(block: Block, ids: _Ids) -> str:
    if isinstance(block, Figure):
        return _figure(block, ids)
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Paragraph):
        return f"<p>{_esc(block.text)}</p>"
    if isinstance(block, Preformatted):
        caption = _esc(block.caption or "details")
        state = "" if block.collapsed else " open"
        return (
            f"<details{state}><summary>{caption}</summary><pre>{_esc(block.text)}</pre></details>"
        )
    if isinstance(block, Notes):
        head = f'<p class="notes-title">{_esc(block.title)}</p>' if block.title else ""
        items = "".join(f"<li>{_esc(i)}</li>" for i in block.items)
        return f'<div class="notes {block.tone}">{head}<ul>{items}</ul></div>'
    raise TypeError(f"unknown report block: {type(block).__name__}")


def _section(section: Section, ids: _Ids, level: int = 2, sid: str | None = None) -> str:
    sid = sid or ids("sec", section.key)
    parts = [f'<section id="{sid}" data-section="{_esc(section.key)}">']
    parts.append(f"<h{level}>{_esc(section.title)}</h{level}>")
    if section.intro:
        parts.append(f'<p class="intro">{_esc(section.intro)}</p>')
    parts += [_block(b, ids) for b in section.blocks]
    parts += [_section(c, ids, min(level + 1, 4)) for c in section.children]
    parts.append("</section>")
    return "".join(parts)


def _nav(sections: Sequence[Section], sids: Sequence[str]) -> str:
    links = [
        f'<li><a href="#{sid}">{_esc(s.title)}</a></li>'
        for s, sid in zip(sections, sids, strict=True)
    ]
    return f'<nav aria-label="sections"><ul>{"".join(links)}</ul></nav>'


def render_page(sections: Sequence[Section], title: str) -> str:
    """The whole page. The first section (the overview) becomes the page's header."""
    ids = _Ids()
    head, rest = (sections[0], sections[1:]) if sections else (None, [])
    header = ""
    if head is not None:
        header = (
            f'<header id="{ids("sec", head.key)}"><h1>{_esc(head.title)}</h1>'
            + "".join(_block(b, ids) for b in head.blocks)
            + "</header>"
        )
    sids = [ids("sec", s.key) for s in rest]
    nav = _nav(rest, sids)
    body = "".join(_section(s, ids, sid=sid) for s, sid in zip(rest, sids, strict=True))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head>"
        '<body data-charts-ready="false">'
        f"{header}{nav}<main>{body}</main>"
        "<footer>Written by journeylab. This file is self-contained: every script and "
        "style is inside it and it makes no request, so it opens the same offline.</footer>"
        "<noscript><p>The charts need JavaScript; every number is also in the tables."
        "</p></noscript>"
        f"<script>{_inline_js(javascript_bundle())}</script>"
        f'<script type="application/json" id="jl-embed-options">{script_json(EMBED_OPTIONS)}'
        "</script>"
        f"<script>{EMBED_JS}</script>"
        "</body></html>\n"
    )


def _inline_js(source: str) -> str:
    """A script's text safe inside ``<script>``: no ``</script`` can end it early."""
    return re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
