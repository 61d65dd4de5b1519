"""The rows a one-pass funnel reads (docs/adr/0007): per step, ``user_key`` and ``event_at``
(µs) sorted by both; for a breakdown, the start step's values beside them.

A plain named step is read straight from the Parquet files (:func:`~journeylab.lake.keyed.
keyed_rows`). A step with a ``where`` filter, and the start step of a breakdown, are read
through the engine with the filter and the breakdown's readers as Ibis expressions — the
very ones the SQL paths compile, so a typed property (docs/adr/0009) is read as a column
and anything else from ``data``, with identical semantics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from journeylab.funnels.spec import FunnelSpec
from journeylab.lake.keyed import key_time_order, keyed_rows
from journeylab.steps import Step
from journeylab.where import json_number, json_string, where_expr

if TYPE_CHECKING:
    from journeylab.lake.core import Lake

__all__ = ["StepRows", "one_pass_rows"]

#: per step: (user_key int64, event_at µs int64) sorted by both
StepRows = list[tuple[np.ndarray, np.ndarray]]


def one_pass_rows(lake: Lake, spec: FunnelSpec) -> tuple[StepRows, pl.DataFrame | None] | None:
    """Each step's rows and, with a breakdown, the start step's ``vs``/``vn`` aligned with
    its rows; None when the files cannot be read this way (no ``user_key``, or times stored
    in another unit)."""
    plain = [s.name for s in spec.steps if not s.where]
    files = lake.layout.snapshot()
    by_name = keyed_rows(files, plain) if plain else {}
    if by_name is None:
        return None
    steps: StepRows = []
    values = None
    for k, st in enumerate(spec.steps):
        breakdown = spec.by if k == 0 else None
        if not st.where and breakdown is None:
            steps.append(by_name[st.name])
            continue
        keys, at, vals = _engine_rows(lake, st, breakdown)
        steps.append((keys, at))
        values = vals if k == 0 else values
    return steps, values


def _engine_rows(
    lake: Lake, step: Step, by: str | None
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame | None]:
    """One step's rows through the engine (its filter applied), with the breakdown's
    values when ``by``; sorted by (user_key, event_at), ties kept in the files' order."""
    ev = lake.events()
    rows = ev.filter(ev.name == step.name)
    if step.where:
        rows = rows.filter(where_expr(rows.data, step.where))
    from journeylab.dialects import epoch_us

    cols = {"k": rows.user_key, "t": epoch_us(rows.event_at)}
    if by is not None:
        cols |= {"vs": json_string(rows.data, by), "vn": json_number(rows.data, by)}
    frame = lake.execute(rows.select(**cols))
    keys = frame["k"].to_numpy().astype(np.int64, copy=False)
    at = frame["t"].to_numpy().astype(np.int64, copy=False)
    order = key_time_order(keys, at)  # None in a compacted lake: stored in that order
    if order is not None:
        keys, at, frame = keys[order], at[order], frame[order]
    values = frame.select("vs", "vn") if by is not None else None
    return np.ascontiguousarray(keys), np.ascontiguousarray(at), values
