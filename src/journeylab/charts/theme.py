"""One look for every journeylab chart: palette, fonts, number formats, titles in words.

Every chart function in :mod:`journeylab.charts` builds its encodings from the helpers here
(so the palette and the formats are in each chart's own spec, whatever theme is active) and
the ``journeylab`` Altair theme sets the rest (fonts, title placement, grid). ``import
journeylab`` enables that theme when the active one is Altair's ``default``; the report and
the saved HTML files enable it explicitly.

The palette is Okabe & Ito's (2008), chosen to stay distinguishable with the common forms
of colour blindness; sequential values use single-hue ``blues`` (lightness alone carries
the value, which every form of colour vision reads).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Final

import altair as alt

__all__ = [
    "FONT",
    "PALETTE",
    "PCT",
    "PCT_EXACT",
    "ROW_MARK",
    "SEQUENTIAL",
    "SEQUENTIAL_HEAT",
    "NEUTRAL",
    "INK",
    "THEME",
    "color",
    "config",
    "enable",
    "in_words",
    "interval_tooltips",
    "palette",
    "pct_axis",
    "use_theme",
]

THEME = "journeylab"
# Okabe-Ito, blue first; the yellow (#F0E442) is left out: too faint on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
SEQUENTIAL: Final = "blues"
SEQUENTIAL_HEAT: Final = "blues"
NEUTRAL = "#4D4D4D"  # interval whiskers, reference rules
INK = "#222222"  # text
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
PCT = ".0%"  # axis labels
PCT_EXACT = ".2%"  # tooltips: two decimals, the table beside the chart has the rest
# The layer drawing one mark per row of the chart's data is named ``rows``; Vega names its
# mark group ``rows_marks`` (the report's browser test counts those marks).
ROW_MARK = "rows"


def palette(n: int) -> list[str]:
    """The first ``n`` colours of the palette (cycled when more are needed)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def color(field: str, domain: Sequence[str] | None = None, title: str | None = None) -> alt.Color:
    """A categorical colour encoding on the palette; ``domain`` fixes which value gets
    which colour (and the legend order)."""
    scale = (
        alt.Scale(domain=list(domain), range=palette(len(domain)))
        if domain is not None
        else alt.Scale(range=list(PALETTE))
    )
    return alt.Color(field, scale=scale, title=title)


def pct_axis() -> alt.Axis:
    return alt.Axis(format=PCT)


def interval_tooltips(
    field: str,
    title: str,
    fmt: str = PCT_EXACT,
    low: str = "ci_low",
    high: str = "ci_high",
) -> list[alt.Tooltip]:
    """A value and its 95% interval, for a chart's tooltip."""
    return [
        alt.Tooltip(f"{field}:Q", title=title, format=fmt),
        alt.Tooltip(f"{low}:Q", title="95% interval from", format=fmt),
        alt.Tooltip(f"{high}:Q", title="95% interval to", format=fmt),
    ]


def _unit(n: float, word: str) -> str:
    value = f"{n:g}"
    return f"{value} {word}" if value == "1" else f"{value} {word}s"


def in_words(td: timedelta) -> str:
    """A window as people say it: ``14 days``, ``1 day``, ``36 hours``, ``90 minutes``."""
    seconds = td.total_seconds()
    if seconds == 0:
        return "0 seconds"
    for size, word in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            return _unit(seconds / size, word)
    return _unit(seconds, "second")


def config() -> dict[str, Any]:
    """The ``journeylab`` theme (Altair ThemeConfig): fonts, titles, axes, legends, ranges."""
    label = {"labelFont": FONT, "labelFontSize": 11, "labelColor": "#333333"}
    title = {
        "titleFont": FONT,
        "titleFontSize": 12,
        "titleFontWeight": 500,
        "titleColor": "#222222",
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "title": {
                "anchor": "start",
                "font": FONT,
                "fontSize": 14,
                "fontWeight": 600,
                "color": "#111111",
                "subtitleFont": FONT,
                "subtitleFontSize": 12,
                "subtitleColor": "#555555",
                "offset": 12,
            },
            "axis": {
                **label,
                **title,
                "gridColor": "#E6E6E6",
                "domainColor": "#999999",
                "tickColor": "#999999",
                "labelLimit": 220,
            },
            "legend": {**label, **title, "symbolType": "square"},
            "header": {"labelFont": FONT, "labelFontSize": 12, "titleFont": FONT},
            "range": {"category": list(PALETTE), "ramp": {"scheme": SEQUENTIAL}},
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 260},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
            "point": {"color": PALETTE[0], "filled": True},
            "area": {"color": PALETTE[0]},
            "rect": {"color": PALETTE[0]},
            "rule": {"color": NEUTRAL},
            "text": {"font": FONT, "fontSize": 11, "color": "#222222"},
        }
    }


def _theme() -> alt.theme.ThemeConfig:
    return config()  # type: ignore[return-value]


alt.theme.register(THEME, enable=False)(_theme)


def enable(force: bool = False) -> bool:
    """Enable the ``journeylab`` theme when Altair's ``default`` is active (or always with
    ``force``). Returns whether it is active. A user's own choice of theme is kept."""
    if force or alt.theme.active == "default":
        alt.theme.enable(THEME)
    return bool(alt.theme.active == THEME)


@contextmanager
def use_theme() -> Iterator[None]:
    """The ``journeylab`` theme for the duration of a block (the report, saved files)."""
    before = alt.theme.active
    alt.theme.enable(THEME)
    try:
        yield
    finally:
        alt.theme.enable(before)
