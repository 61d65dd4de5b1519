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
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow.parquet as pq

from journeylab.typed_columns import typed_column

__all__ = ["Field", "proven"]

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
