"""ingest/wire.py: a typed field's kinds share its validity bitmap, and CSV's empty cells
become absent by a new bitmap over the same bytes — equal to the plain definitions
(a kind where a value is, null where none is; an empty string absent) whatever the
array's offset, nulls, type or chunking."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.ingest.wire import KIND, KINDS, as_text, kind_of, kinds, string_values

CELLS = st.lists(st.one_of(st.none(), st.sampled_from(["", "a", "é💥", "  "])), max_size=40)


def _sliced(values: list[Any], cut: int, typ: pa.DataType) -> pa.Array:
    """``values`` as an array that starts ``cut`` rows into a larger one (an offset)."""
    return pa.array([None] * cut + values, typ).slice(cut)


@settings(max_examples=200, deadline=None)
@given(CELLS, st.integers(0, 13), st.sampled_from(KINDS))
def test_kinds_mark_exactly_the_values(cells: list[str | None], cut: int, kind: str) -> None:
    arr = _sliced(cells, cut, pa.string())
    got = kinds(arr, kind)
    assert got.type == KIND
    assert got.to_pylist() == [None if c is None else kind for c in cells]
    chunked = pa.chunked_array([arr.slice(0, len(arr) // 2), arr.slice(len(arr) // 2)], arr.type)
    assert kinds(chunked, kind).to_pylist() == got.to_pylist()


def test_kinds_of_other_types() -> None:
    structs = pa.array([{"a": 1}, None, {"a": 2}]).slice(1)
    assert kinds(structs, "text").to_pylist() == [None, "text"]
    assert kinds(pa.nulls(3), "other").to_pylist() == [None] * 3
    union = pa.UnionArray.from_sparse(
        pa.array([0, 1, 0], pa.int8()), [pa.array([1, None, None]), pa.array(["x", "y", "z"])]
    )
    assert kinds(union, "other").to_pylist() == ["other", "other", None]


@settings(max_examples=200, deadline=None)
@given(CELLS, st.integers(0, 13), st.sampled_from([pa.string(), pa.large_string()]))
def test_empty_cells_are_absent(cells: list[str | None], cut: int, typ: pa.DataType) -> None:
    values, kind = string_values(_sliced(cells, cut, typ), len(cells), empty_is_absent=True)
    want = [c or None for c in cells]
    assert values.to_pylist() == want
    assert kind.to_pylist() == [None if c is None else "string" for c in want]
    kept, _ = string_values(_sliced(cells, cut, typ), len(cells), empty_is_absent=False)
    assert kept.to_pylist() == cells


@pytest.mark.parametrize("typ", [None, pa.null()])
def test_an_absent_field_has_no_kind(typ: pa.DataType | None) -> None:
    arr = None if typ is None else pa.nulls(4, typ)
    values, kind = string_values(arr, 4, empty_is_absent=True)
    assert values.to_pylist() == [None] * 4 and kind.to_pylist() == [None] * 4
    assert kind.type == KIND


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.binary(min_size=16, max_size=16)), max_size=20),
    st.integers(0, 5),
)
def test_uuids_read_as_their_canonical_text(values: list[bytes | None], cut: int) -> None:
    arr = _sliced(values, cut, pa.uuid())
    assert kind_of(arr.type) == "string"
    got = as_text(arr)
    assert got.type == pa.large_string()
    assert got.to_pylist() == [None if v is None else str(UUID(bytes=v)) for v in values]
    values_, kind = string_values(arr, len(values), empty_is_absent=False)
    assert values_.to_pylist() == got.to_pylist()
    assert kind.to_pylist() == [None if v is None else "string" for v in values]


@pytest.mark.parametrize(
    ("typ", "kind"),
    [
        (pa.string(), "string"),
        (pa.string_view(), "string"),
        (pa.dictionary(pa.int32(), pa.string()), "string"),
        (pa.dictionary(pa.int32(), pa.int64()), "other"),
        (pa.uuid(), "string"),
        (pa.json_(), "json"),
        (pa.map_(pa.string(), pa.int64()), "map"),
        (pa.struct([("a", pa.int64())]), "struct"),
        (pa.timestamp("ms"), "timestamp"),
        (pa.binary(), "other"),
        (pa.binary(16), "other"),
    ],
)
def test_kind_of(typ: pa.DataType, kind: str) -> None:
    assert kind_of(typ) == kind
