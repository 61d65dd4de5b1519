"""The wire shape: what a reader hands the validation, whatever the input format.

A reader turns bytes (a file, an HTTP body) into :class:`WireBatch` es — Arrow tables of
records in input order, each with its record number — in one of two shapes:

- ``text``: one JSON text a record (JSON lines, the members of a JSON body, in-memory
  records), columns ``rn, text, recv``; the validation extracts the Events API fields.
- ``typed``: the fields already apart (CSV cells, Parquet columns), normalised by
  :func:`typed_table` into fixed columns: for each field (``u`` userId, ``n`` name, ``a``
  eventAt, ``d`` data, ``e`` eventId) its value and its kind (one of :data:`KINDS` —
  ``text`` for data given as JSON text, ``instant`` for a typed timestamp — or null when
  absent; a dictionary column), ``a_us``/``a_naive`` for instants that came typed,
  ``unknown`` (fields that are not Events API fields) and ``pre`` (a reason the reader
  already knows, or ``check``).

``recv`` is each record's receive time (µs), so a batch of HTTP requests can carry its own.
``decode(rows)`` gives those records as the record-level :class:`~.model.Validator` sees
them (each one's raw text, and the decoded record or the :class:`~.model.Rejection` the
reader met): the validation calls it only for the records its vectorised rules flag.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "FIELDS",
    "KIND",
    "KINDS",
    "Reject",
    "WireBatch",
    "as_text",
    "kind_of",
    "kinds",
    "plain_string",
    "string_values",
    "text_table",
    "typed_table",
]

#: the Events API fields and their wire keys (a typed table's columns)
FIELDS = {"userId": "u", "name": "n", "eventAt": "a", "data": "d", "eventId": "e"}
#: the kinds a typed field's value may have, and their column's type (a dictionary: DuckDB
#: reads it as text)
KINDS = ("string", "object", "other", "text", "instant")
KIND = pa.dictionary(pa.int8(), pa.string())
#: a quarantined record: record number, raw text, reason, detail, receive time (µs)
Reject = tuple[int, str, str, str, int]
TYPED = pa.schema(
    [
        ("rn", pa.int64()),
        ("recv", pa.int64()),
        ("pre", pa.string()),
        ("u_t", KIND),
        ("u", pa.large_string()),
        ("n_t", KIND),
        ("n", pa.large_string()),
        ("a_t", KIND),
        ("a", pa.large_string()),
        ("a_us", pa.int64()),
        ("a_naive", pa.bool_()),
        ("d_t", KIND),
        ("d", pa.large_string()),
        ("d_bad", pa.string()),
        ("e_t", KIND),
        ("e", pa.large_string()),
        ("unknown", pa.int32()),
    ]
)


@dataclass
class WireBatch:
    """Records of one input, in input order (see the module docstring)."""

    source: str
    kind: str  # "text" | "typed"
    table: pa.Table
    record: np.ndarray  # the record number of each row (int64)
    decode: Callable[[list[int]], list[tuple[str, Any]]]
    #: records the reader refused itself (not in ``table``), with their reasons
    rejects: list[Reject] = field(default_factory=list)
    #: ``data`` given as an Arrow struct (Parquet): the validation writes it as JSON text
    data_struct: pa.Array | None = None
    #: another tool's records (importers): maps ``table`` onto the typed shape in the
    #: validation's connection (``mapper(con, table)``)
    mapper: Callable[[Any, pa.Table], pa.Table] | None = None
    #: typed batches: each field that is not an Events API field (a CSV column, a Parquet
    #: column), and the rows that give it a value (``text`` batches: the rules find them)
    unknown_masks: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return self.table.num_rows + len(self.rejects)


def _recv(n: int, recv: int | np.ndarray) -> pa.Array:
    return pa.array(np.broadcast_to(np.asarray(recv, np.int64), (n,)), pa.int64())


def text_table(text: pa.Array, recv: int | np.ndarray) -> pa.Table:
    """The ``text`` shape: one JSON text a record (null: not UTF-8)."""
    n = len(text)
    return pa.table(
        {
            "rn": pa.array(np.arange(n, dtype=np.int64)),
            "text": text.cast(pa.large_string()),
            "recv": _recv(n, recv),
        }
    )


def string_values(arr: pa.Array | None, n: int, empty_is_absent: bool) -> tuple[Any, Any]:
    """(values, kinds) of a field given as an Arrow column: strings are ``string``; other
    types ``other``; nulls (and, for CSV cells, empty strings) absent."""
    if arr is None or pa.types.is_null(arr.type):
        return pa.nulls(n, pa.large_string()), pa.nulls(n, KIND)
    if not kind_of(arr.type) == "string":
        return pa.nulls(n, pa.large_string()), kinds(arr, "other")
    values = as_text(arr)
    if empty_is_absent:
        values = _empty_as_null(values)
    return values, kinds(values, "string")


def _empty_as_null(values: pa.Array) -> pa.Array:
    """``values`` (strings) with the empty ones null: a new validity bitmap over the same
    offsets and bytes (pc.if_else copied every string: 36 ms a 500k-row CSV chunk)."""
    keep = pc.invert(pc.fill_null(pc.equal(pc.binary_length(values), 0), True))
    if pc.all(keep).as_py():
        return values
    if values.offset or keep.offset:  # bitmaps that do not line up: copy
        return pc.if_else(keep, values, pa.scalar(None, values.type))
    return pa.Array.from_buffers(
        values.type, len(values), [keep.buffers()[1], *values.buffers()[1:]]
    )


def kinds(arr: Any, kind: str) -> pa.Array:
    """``kind`` where ``arr`` has a value, null where it has none: a :data:`KIND` array
    sharing ``arr``'s validity bitmap (strings built per row took 2-4 ms a column of a
    500k-row chunk; this, a tenth of that)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n, code = len(arr), KINDS.index(kind)
    if arr.null_count == n:
        return pa.nulls(n, KIND)
    if pa.types.is_union(arr.type):  # no validity bitmap of its own
        valid = pc.is_valid(arr)
        codes = pc.if_else(valid, pa.scalar(code, pa.int8()), pa.scalar(None, pa.int8()))
    else:
        validity = arr.buffers()[0] if arr.null_count else None
        data = pa.py_buffer(np.full(n + arr.offset, code, np.int8))
        codes = pa.Array.from_buffers(
            pa.int8(), n, [validity, data], null_count=arr.null_count, offset=arr.offset
        )
    return pa.DictionaryArray.from_arrays(codes, _kind_values())


@functools.cache
def _kind_values() -> pa.Array:
    # built on first use, not at import: the CLI's ingest keeps pyarrow from importing
    # pandas, which the first array built from Python objects would (cli/no_pandas.py)
    return pa.array(KINDS, pa.string())


def kind_of(dtype: pa.DataType) -> str:
    """``string`` for Arrow's string types, dictionary-encoded ones (pandas' categories)
    and UUIDs (their text: :func:`as_text`), ``json`` for Arrow's JSON extension (JSON
    text, as DuckDB writes a JSON column to Parquet), ``timestamp``, ``struct``, ``map`` or
    ``other``."""
    if isinstance(dtype, pa.BaseExtensionType):
        return _EXTENSIONS.get(dtype.extension_name, "other")
    if pa.types.is_dictionary(dtype):
        return "string" if plain_string(dtype.value_type) else "other"
    if plain_string(dtype):
        return "string"
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    if pa.types.is_struct(dtype):
        return "struct"
    if pa.types.is_map(dtype):
        return "map"
    return "other"


#: Arrow's canonical extension types a Parquet file brings (pyarrow reads DuckDB's JSON
#: and UUID columns so), by their kind
_EXTENSIONS = {"arrow.json": "json", "arrow.uuid": "string"}


def plain_string(dtype: pa.DataType) -> bool:
    """Whether ``dtype`` is one of Arrow's string types (not encoded, not an extension)."""
    return (
        pa.types.is_string(dtype)
        or pa.types.is_large_string(dtype)
        or pa.types.is_string_view(dtype)
    )


def as_text(arr: pa.Array) -> pa.Array:
    """The large strings of a ``string`` or ``json`` column (:func:`kind_of`): decoded from
    a dictionary, a JSON extension's storage, a UUID's canonical text (lower-case
    hexadecimal in 8-4-4-4-12 groups, as ``str(uuid.UUID)`` writes it)."""
    if isinstance(arr.type, pa.BaseExtensionType):
        if arr.type.extension_name == "arrow.uuid":
            return _uuid_text(arr.storage)
        arr = arr.storage
    return arr.cast(pa.large_string())


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
#: where each of a UUID's 32 hexadecimal digits goes in its 36 characters
_DIGIT_AT = np.array([i + (i >= 8) + (i >= 12) + (i >= 16) + (i >= 20) for i in range(32)])


def _uuid_text(storage: pa.Array) -> pa.Array:
    """16-byte UUIDs (a fixed-size binary array) as their canonical text, by numpy."""
    n = len(storage)
    data = storage.buffers()[1]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    raw = raw[16 * storage.offset : 16 * (storage.offset + n)].reshape(n, 16)
    text = np.full((n, 36), ord("-"), np.uint8)
    digits = np.empty((n, 32), np.uint8)
    digits[:, 0::2], digits[:, 1::2] = _HEX[raw >> 4], _HEX[raw & 15]
    text[:, _DIGIT_AT] = digits
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int64)
    out = pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())]
    )
    if storage.null_count:
        out = pc.if_else(pc.is_valid(storage), out, pa.scalar(None, pa.large_string()))
    return out


def typed_table(
    n: int,
    fields: Mapping[str, tuple[Any, Any]],
    recv: int | np.ndarray,
    *,
    pre: Any = None,
    a_us: Any = None,
    a_naive: Any = None,
    d_bad: str | None = None,
    unknown: Any = None,
) -> pa.Table:
    """The ``typed`` shape from per-field (values, kinds) pairs (keys u, n, a, d, e)."""
    cols: dict[str, Any] = {
        "rn": pa.array(np.arange(n, dtype=np.int64)),
        "recv": _recv(n, recv),
        "pre": pa.nulls(n, pa.string()) if pre is None else pre,
        "a_us": pa.nulls(n, pa.int64()) if a_us is None else a_us,
        "a_naive": pa.nulls(n, pa.bool_()) if a_naive is None else a_naive,
        "d_bad": pa.repeat(pa.scalar(d_bad, pa.string()), n),
        "unknown": pa.array(np.zeros(n, np.int32)) if unknown is None else unknown,
    }
    for key in ("u", "n", "a", "d", "e"):
        values, kinds = fields.get(key) or string_values(None, n, False)
        cols[key], cols[key + "_t"] = values, kinds
    return pa.Table.from_arrays([pa.array(cols[f.name]).cast(f.type) for f in TYPED], schema=TYPED)
