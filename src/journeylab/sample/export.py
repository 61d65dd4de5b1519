"""Events → raw export lines (Events API wire shape), with the planted defects.

Formatting is vectorised with polars string expressions: no per-event Python code.
Defects are extra lines (never edits of real events), so the planted rates are untouched:
exact duplicates of real lines (client retries) and malformed copies — bad JSON, no userId,
``data`` as an array, unusable timestamps — each counted by the reason ingest will give.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from journeylab.sample.planted import PlantedRates
from journeylab.sample.users import CODE, NAMES, uid_text

__all__ = ["MALFORMED", "format_chunk", "to_bytes"]

#: Malformed kinds, keyed by the quarantine reason ingest gives them.
MALFORMED: tuple[str, ...] = ("invalid_json", "missing_user_id", "invalid_data", "invalid_event_at")
BAD_TIMES = ("2025-02-30T10:00:00Z", "03/01/2025 10:00", "yesterday", "")
_NAMES = pl.Series(list(NAMES), dtype=pl.String)
_BAD_TIMES = pl.Series(list(BAD_TIMES), dtype=pl.String)
OFFSET_MS = 3_600_000  # users whose client sends local time write +01:00


def _pieces(frame: pl.DataFrame) -> dict[str, pl.Expr]:
    """Expressions for each piece of a line: head (eventId), uid, name, at, data."""
    t = frame["t"].to_numpy()
    local = pl.Series(t + np.where(frame["tz"].to_numpy() == 2, OFFSET_MS, 0))
    at = pl.from_epoch(pl.lit(local), time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3f")
    suffix = pl.col("tz").replace_strict([0, 1, 2], ['Z"', '"', '+01:00"'], return_dtype=pl.String)
    name = pl.col("code").replace_strict(list(range(len(NAMES))), _NAMES, return_dtype=pl.String)
    return {
        "head": pl.concat_str([pl.lit("{"), pl.col("eid")], ignore_nulls=True),
        "uid": pl.concat_str([pl.lit('"userId":"'), uid_text(pl.col("uid")), pl.lit('",')]),
        "name": pl.concat_str([pl.lit('"name":"'), name, pl.lit('",')]),
        "at": pl.concat_str([pl.lit('"eventAt":"'), at, suffix]),
        "data": pl.concat_str([pl.col("data"), pl.lit("}")], ignore_nulls=True),
        # the whole line in one pass (what almost every row needs)
        "line": pl.concat_str(
            [
                pl.lit("{"),
                pl.col("eid"),
                pl.lit('"userId":"'),
                uid_text(pl.col("uid")),
                pl.lit('","name":"'),
                name,
                pl.lit('","eventAt":"'),
                at,
                suffix,
                pl.col("data"),
                pl.lit("}\n"),
            ],
            ignore_nulls=True,
        ),
    }


def _line(p: dict[str, pl.Expr]) -> pl.Expr:
    return pl.concat_str([p["head"], p["uid"], p["name"], p["at"], p["data"]])


def format_chunk(
    events: pl.DataFrame, rng: np.random.Generator, rates: PlantedRates
) -> tuple[pl.Series, int, dict[str, int]]:
    """``events`` (uid, code, t, data, eid) → (lines sorted by time, duplicates, malformed).

    Each line ends with a newline. The timestamp style is chosen here: a few users' clients
    send a +01:00 offset, and a few page views come without any offset (read as UTC).
    """
    n = events.height
    offset_user = (events["uid"].to_numpy() * 2_654_435_761 % 1_000) < (
        rates.offset_timestamp_users * 1_000
    )
    naive = (events["code"].to_numpy() == CODE["page_view"]) & (
        rng.random(n) < rates.naive_timestamp
    )
    tz = np.where(offset_user, 2, np.where(naive, 1, 0)).astype(np.int8)
    framed = events.with_columns(tz=pl.Series(tz))
    lines = framed.select("t", line=_pieces(framed)["line"])

    dup_n = int(rng.binomial(n, rates.duplicate_lines)) if n else 0
    bad_n = int(rng.binomial(n, rates.malformed_lines)) if n else 0
    by_kind: Any = rng.multinomial(bad_n, [1 / len(MALFORMED)] * len(MALFORMED)) if n else []
    extras = [lines[rng.integers(0, n, dup_n)]] if dup_n else []
    malformed: dict[str, int] = {}
    for kind, k in zip(MALFORMED, by_kind, strict=False):
        if not k:
            continue
        malformed[kind] = int(k)
        src = framed[rng.integers(0, n, int(k))]
        bad = _malformed(kind, _pieces(src), src.height, rng)
        extras.append(src.select("t", line=pl.concat_str([bad, pl.lit("\n")])))
    if extras:
        more = pl.concat(extras)
        more = more.with_columns(
            t=pl.col("t") + pl.Series(rng.integers(1_000, 3_600_000, more.height))
        )
        lines = pl.concat([lines, more])
    order = np.argsort(lines["t"].to_numpy(), kind="stable")
    return lines["line"].gather(pl.Series(order)), dup_n, malformed


def to_bytes(lines: pl.Series) -> memoryview:
    """The lines' bytes back to back (they end with newlines), without a CSV writer."""
    arr = lines.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    if len(arr) == 0:
        return memoryview(b"")
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)
    lo, hi = offsets[arr.offset], offsets[arr.offset + len(arr)]
    return memoryview(arr.buffers()[2])[lo:hi]


def _malformed(kind: str, p: dict[str, pl.Expr], rows: int, rng: np.random.Generator) -> pl.Expr:
    if kind == "invalid_json":
        full = _line(p)
        return full.str.slice(0, full.str.len_chars() // 2)
    if kind == "missing_user_id":
        return pl.concat_str([p["head"], p["name"], p["at"], p["data"]])
    if kind == "invalid_data":
        return pl.concat_str([p["head"], p["uid"], p["name"], p["at"], pl.lit(',"data":[1,2]}')])
    bad = _BAD_TIMES.gather(pl.Series(rng.integers(0, len(BAD_TIMES), rows)))
    return pl.concat_str(
        [
            p["head"],
            p["uid"],
            p["name"],
            pl.lit('"eventAt":"') + pl.lit(bad) + pl.lit('"'),
            p["data"],
        ]
    )
