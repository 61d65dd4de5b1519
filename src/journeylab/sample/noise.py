"""Sessions and their page views, clicks and searches: the noise that dominates volume."""

from __future__ import annotations

import numpy as np
import polars as pl

from journeylab.sample.planted import PLATFORMS
from journeylab.sample.users import CODE, DATA, DAY_MS, FRAME_SCHEMA, Chunk, Plan, nulls

__all__ = ["sessions"]

PATHS = (
    "/home",
    "/feed",
    "/widgets",
    "/widgets/gizmo",
    "/widgets/sprocket",
    "/cart",
    "/settings",
    "/profile",
    "/help",
)
PATH_SHARE = (0.28, 0.22, 0.14, 0.08, 0.06, 0.08, 0.05, 0.06, 0.03)
BUTTONS = ("share", "like", "save", "follow", "close")
QUERIES = ("widget", "gizmo", "red sprocket", "gift ideas", "sale")


def _json(key: str, values: tuple[str, ...]) -> pl.Series:
    return pl.Series([DATA + f'{{"{key}":"{v}"}}' for v in values], dtype=pl.String)


_PATH_JSON = _json("path", PATHS)
_BUTTON_JSON = _json("button", BUTTONS)
_QUERY_JSON = _json("query", QUERIES)
_PLATFORM_JSON = _json("platform", PLATFORMS)


def _gather(values: pl.Series, idx: np.ndarray) -> pl.Series:
    return values.gather(pl.Series(idx.astype(np.int64)))


def sessions(plan: Plan, rng: np.random.Generator, chunk: Chunk) -> list[pl.DataFrame]:
    """Session events over each user's active periods (one session opens each period)."""
    r = plan.rates
    n = len(chunk.uid)
    rate = rng.gamma(2.0, r.sessions_per_day / 2.0, n)
    owners: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    for rows, a, b in chunk.active:
        b = np.minimum(b, plan.end_ms)
        span = np.maximum(b - a, 0)
        k = rng.poisson(rate[rows] * span / DAY_MS)
        owners.append(rows)
        starts.append(a - rng.integers(1_000, 120_000, len(rows)))
        rep = np.repeat(np.arange(len(rows)), k)
        owners.append(rows[rep])
        starts.append(a[rep] + np.floor(rng.random(len(rep)) * span[rep]).astype(np.int64))
    owner = np.concatenate(owners)
    start = np.concatenate(starts)
    keep = start < plan.end_ms
    owner, start = owner[keep], start[keep]
    m = len(owner)
    duration = 60_000 + rng.exponential(360_000, m)

    frames = [
        _frame(
            chunk.uid[owner], "session_start", start, _gather(_PLATFORM_JSON, chunk.platform[owner])
        )
    ]

    def spread(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        which = np.repeat(np.arange(m), counts)
        at = start[which] + 1_000 + np.floor(rng.random(len(which)) * duration[which])
        return which, at.astype(np.int64)

    which, at = spread(rng.poisson(r.page_views_per_session, m))
    path = rng.choice(len(PATHS), len(which), p=np.array(PATH_SHARE))
    typo = rng.random(len(which)) < r.typo_page_view
    data = _gather(_PATH_JSON, path)
    frames.append(_frame(chunk.uid[owner[which]], "page_view", at, data, ~typo))
    frames.append(_frame(chunk.uid[owner[which]], "page_veiw", at, data, typo))
    which, at = spread(rng.poisson(r.clicks_per_session, m))
    data = _gather(_BUTTON_JSON, rng.choice(len(BUTTONS), len(which)))
    frames.append(_frame(chunk.uid[owner[which]], "button_clicked", at, data))
    which, at = spread((rng.random(m) < r.search_per_session).astype(np.int64))
    data = _gather(_QUERY_JSON, rng.choice(len(QUERIES), len(which)))
    frames.append(_frame(chunk.uid[owner[which]], "search", at, data))
    return frames


def _frame(
    uid: np.ndarray, name: str, t: np.ndarray, data: pl.Series, mask: np.ndarray | None = None
) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "uid": uid.astype(np.int64),
            "code": np.full(len(uid), CODE[name], np.uint8),
            "t": t.astype(np.int64),
            "data": data,
            "eid": nulls(len(uid)),
        },
        schema=FRAME_SCHEMA,
    )
    return frame if mask is None else frame.filter(pl.Series(mask))
