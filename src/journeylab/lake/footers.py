"""What a lake's file footers prove without reading a row: which event names the files
hold, and which ``data`` keys events of given names carry, where a typed ``present`` column
(docs/adr/0009) says so. :mod:`journeylab.names` asks this first and sends only what stays
unproven to its LIMIT 1 probes, so an analysis whose names and fields are all proven needs
no query (a one-pass funnel with a filter or a breakdown then loads neither Ibis nor
DuckDB: docs/adr/0007).

A row group proves a name when its ``name`` statistics have min = max (every row of the
group has that name; a compacted lake's groups hold one name each), and a key when, in
such a group of one of the names, the key's ``present`` column has max = true. Nothing is
ever disproven here: a name or key without such a group is left to the probes.

They also give the lake's last ``event_at`` (:func:`last_event_us`, the default as-of time
of analyses) from the raw integers of the statistics, in any time unit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow.parquet as pq

from journeylab.typed_columns import typed_column

__all__ = ["Field", "NoStats", "last_event_us", "proven"]

#: a data key and the event names that must carry it (one of them)
Field = tuple[str, tuple[str, ...]]


def proven(
    files: Sequence[str], names: Sequence[str], fields: Sequence[Field]
) -> tuple[set[str], set[Field]]:
    """The ``names`` some row of ``files`` has, and the ``fields`` carried by an event of
    one of their names, as far as the footers' statistics prove them (local files only)."""
    fired: set[str] = set()
    carried: set[Field] = set()
    if any("://" in f for f in files):  # a remote lake: its engine reads it
        return fired, carried
    wanted = set(names)
    for path in files:
        meta = pq.read_metadata(path)
        cols = meta.schema.names
        if "name" not in cols:
            return fired, carried
        at = cols.index("name")
        present = {
            f: cols.index(typed_column(f[0], "present"))
            for f in fields
            if typed_column(f[0], "present") in cols
        }
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            stats = group.column(at).statistics
            if not group.num_rows or stats is None or not stats.has_min_max:
                continue
            if stats.min != stats.max:
                continue
            name = stats.min
            if name in wanted:
                fired.add(name)
            for f, i in present.items():
                if f not in carried and name in f[1] and _has_true(group.column(i).statistics):
                    carried.add(f)
        if fired == wanted and len(carried) == len(set(fields)):
            break
    return fired, carried


def _has_true(stats: pq.Statistics | None) -> bool:
    """Whether a boolean column's statistics show a true value (max = true)."""
    return stats is not None and stats.has_min_max and stats.max is True


#: a Parquet timestamp unit's (multiplier, divisor) to microseconds
_PER_US = {"microseconds": (1, 1), "milliseconds": (1000, 1), "nanoseconds": (1, 1000)}


class NoStats(Exception):
    """A footer without usable ``event_at`` statistics."""


def last_event_us(files: Sequence[str]) -> int | None:
    """The largest ``event_at`` of ``files``, in µs (None: no rows), from their footers.
    Raises :class:`NoStats` when a row group has no statistics to read it from."""
    tops = [_footer_max_us(pq.read_metadata(f)) for f in files]
    return max((t for t in tops if t is not None), default=None)


def _footer_max_us(meta: pq.FileMetaData) -> int | None:
    """Largest ``event_at`` in one file's footer, in µs (None: no rows). Raw integers: no
    datetime (or pandas) conversion."""
    col = meta.schema.names.index("event_at")
    logical = meta.schema.column(col).logical_type.to_json()
    unit = next((u for u in _PER_US if f'"{u}"' in logical), None)
    if unit is None or '"Timestamp"' not in logical:
        raise NoStats
    mul, div = _PER_US[unit]
    best: int | None = None
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        if not group.num_rows:
            continue
        stats = group.column(col).statistics
        if stats is None or not stats.has_min_max or not isinstance(stats.max_raw, int):
            raise NoStats
        top = stats.max_raw * mul // div
        best = top if best is None or top > best else best
    return best
