"""The fast path for JSON lines (lake/fast.py, lake/scan.py, ADR 0002) gives exactly what the
record-by-record Validator gives: same accepted rows (every column but received_at), same
duplicates, same rejects (record numbers, raw text, reasons, details), same report — on
hypothesis-generated nasty JSON lines."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeylab import open_lake
from journeylab.errors import LakeError
from journeylab.lake import fast
from journeylab.lake import sources as feed
from journeylab.lake.layout import FORMAT_VERSION
from journeylab.lake.model import canonical_data, parse_rfc3339
from journeylab.lake.scan import line_offsets, scan_lines
from validator_block import validator_block

RECEIVED = datetime(2030, 1, 1, tzinfo=UTC)


def _state(lake_dir: Path) -> tuple[Any, ...]:
    lake = open_lake(lake_dir)
    events = lake.execute(lake.events().drop("received_at").order_by("event_id")).to_dicts()
    rejected = lake.rejected().drop("received_at").sort("record").to_dicts()
    return events, rejected


def _both(root: Path, text: bytes, chunk_rows: int) -> tuple[Any, Any]:
    """(reference, fast path) reports and lake states for the same input."""
    path = root / "in.jsonl"
    path.write_bytes(text)
    out = []
    with pytest.MonkeyPatch.context() as mp:
        for label, on in (("ref", False), ("fast", True)):
            mp.setattr(feed, "FAST", on)
            if not on:
                mp.setattr(feed, "validate_block", validator_block)
                mp.setattr(feed, "WORKERS", 1)
            else:
                mp.undo()
                mp.setattr(feed, "FAST", True)
            report = open_lake(root / label).ingest(
                path, received_at=RECEIVED, chunk_rows=chunk_rows
            )
            got = report.to_dict()
            got.pop("seconds"), got.pop("files_written")
            out.append((got, _state(root / label)))
    return out[0], out[1]


# -- generating nasty lines ---------------------------------------------------------------

_NUMBERS = [
    "0",
    "-0",
    "1",
    "-7",
    "1.50",
    "1.5",
    "150.0",
    "1e5",
    "1E5",
    "-1e-07",
    "1e-07",
    "0.0001",
    "0.00001",
    "12345678901234567890",
    "123456789012345678",
    "9999999.99999999",
    "0.1",
    "1234567.1234567",
    "-0.0",
    "3.14159265358979",
    "1e16",
    "2.5e-3",
    "100000000000000000000.0",
]
_TEXTS = ["", "a", "é", "x,}", 'q"uote', "back\\slash", "/p/1", "Sign Up", "a b", "!", "~", "\x7f"]
_KEYS = ["a", "b", "B", "", "a b", "!x", "z", "é", "userId", "price", "sku", "aa", "a!"]
_STAMPS = [
    "2025-03-07T09:27:44.087Z",
    "2025-03-07T09:27:44.087+02:00",
    "2025-03-07T09:27:44",
    "2025-03-07T09:27:44.1-00:30",
    "2024-02-29T23:59:59.999999+05:30",
    "2024-02-30T00:00:00Z",
    "2025-01-01t00:00:00z",
    "2025-01-01 10:00:00Z",
    "2025-01-01T24:00:00Z",
    "2025-01-01T00:00:00.1234567Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
    "1999-12-31T23:59:60Z",
    "2025-01-01T00:00:00+24:00",
    "2025-1-01T00:00:00Z",
    "2025-01-01",
    "nope",
    "",
]


class Raw:
    """A JSON text written as is (numbers in a chosen spelling, bad tokens)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _dump(value: Any, draw: Any) -> str:
    sep = draw(st.sampled_from([(",", ":"), (", ", ": "), (" , ", " :\t")]))
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
        return text.replace("/", "\\/") if draw(st.booleans()) else text
    if isinstance(value, list):
        return "[" + sep[0].join(_dump(v, draw) for v in value) + "]"
    if isinstance(value, dict):
        items = [_dump(k, draw) + sep[1] + _dump(v, draw) for k, v in value.items()]
        if isinstance(value, _Dup):
            items.append(_dump(value.dup[0], draw) + sep[1] + _dump(value.dup[1], draw))
        tail = "," if draw(st.integers(0, 30)) == 0 else ""  # a trailing comma: invalid
        return "{" + sep[0].join(items) + tail + "}"
    return json.dumps(value)


class _Dup(dict):  # type: ignore[type-arg]
    """An object that repeats one key."""

    dup: tuple[str, Any] = ("", None)


_scalar = st.one_of(
    st.sampled_from(_NUMBERS).map(Raw),
    st.sampled_from(_TEXTS),
    st.booleans(),
    st.none(),
)
_flat = st.dictionaries(st.sampled_from(_KEYS), _scalar, max_size=4)
_data = st.one_of(
    st.none(),
    _flat,
    _flat,
    st.dictionaries(
        st.sampled_from(_KEYS), st.one_of(_scalar, _flat, st.lists(_scalar)), max_size=3
    ),
    st.lists(_scalar, max_size=2),
    st.sampled_from(["s", 5]),
    st.just({"big": "x" * 33_000}),
)
_ident = st.one_of(
    st.sampled_from(["u1", "u2", "Sign Up", "a/b", "x" * 255, "x" * 256, "", "é", "ü" * 255]),
    st.sampled_from([7, None]),
)


@st.composite
def _line(draw: Any) -> str:
    kind = draw(st.integers(0, 40))
    if kind == 0:
        return draw(st.sampled_from(["", "   ", "{bad", "[1]", '"s"', "{}", "\r", "null"]))
    rec: dict[str, Any] = {}
    for key, strat in (
        ("userId", _ident),
        ("name", _ident),
        ("eventAt", st.one_of(st.sampled_from(_STAMPS), st.none(), st.just(5))),
        ("data", _data),
        ("eventId", st.one_of(st.none(), st.sampled_from(["e1", "e2", "e3", "", "x" * 256, 3]))),
    ):
        if draw(st.integers(0, 9)) > 0:
            rec[key] = draw(strat)
    if draw(st.integers(0, 20)) == 0:
        rec["extra"] = 1
    keys = draw(st.permutations(list(rec)))
    obj = _Dup({k: rec[k] for k in keys}) if draw(st.integers(0, 20)) == 0 else {}
    if isinstance(obj, _Dup) and keys:
        obj.dup = (keys[0], draw(_ident))
    elif not isinstance(obj, _Dup):
        obj = {k: rec[k] for k in keys}
    return _dump(obj, draw)


@st.composite
def _input(draw: Any) -> bytes:
    lines = draw(st.lists(_line(), min_size=1, max_size=30))
    # verbatim re-sends and re-sends with other content (same eventId)
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(st.sampled_from(lines)))
    lines = draw(st.permutations(lines))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text.encode("utf-8", errors="surrogatepass")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_input(), chunk_rows=st.sampled_from([1, 3, 7, 1000]))
def test_fast_path_equals_the_validator(text: bytes, chunk_rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        want, got = _both(Path(tmp), text, chunk_rows)
        if chunk_rows == 1000:  # one chunk in both paths: the very same Parquet bytes
            assert _file_bytes(Path(tmp) / "fast") == _file_bytes(Path(tmp) / "ref")
    assert got[0] == want[0]  # the report
    assert got[1] == want[1]  # events (all columns but received_at) and rejects


def _file_bytes(lake: Path) -> list[list[bytes]]:
    """The events and rejected files' bytes (their names hold a clock time). With several
    chunks the paths cut chunks differently (lines vs records), so only content compares."""
    return [
        sorted(p.read_bytes() for p in (lake / d).glob("*.parquet")) for d in ("events", "rejected")
    ]


def test_fast_path_takes_the_common_shapes(tmp_path: Path) -> None:
    """Real-world lines take the scanner, not the fallback: minified or json.dumps-spaced,
    any key order, unsorted data keys, offsets, naive times, derived and explicit ids."""
    recs = [
        {
            "userId": "u1",
            "name": "add_to_cart",
            "eventAt": "2025-03-19T00:40:33.442Z",
            "data": {"sku": "SKU-324", "price": 151.3},
        },
        {
            "eventId": "e1",
            "userId": "u2",
            "name": "page_view",
            "eventAt": "2025-03-07T09:27:44.087+02:00",
            "data": {"path": "/p/1", "referrer": "search", "title": "Product 1"},
        },
        {
            "name": "signup",
            "data": {"channel": "ads"},
            "userId": "u3",
            "eventAt": "2025-01-01T00:00:00",
        },
        {
            "userId": "u4",
            "name": "purchase",
            "data": {"items": 2, "amount": 150.0, "ok": True, "n": None},
        },
        {"userId": "u5", "name": "x", "eventAt": None, "data": None},
        {"userId": "u6", "name": "x", "data": {}},
    ]
    lines = [json.dumps(r, separators=(",", ":")) for r in recs] + [json.dumps(r) for r in recs]
    block = ("\n".join(lines) + "\n").encode()
    events, rest = scan_lines(block)
    assert rest.tolist() == []  # null-valued wire fields are absent ones
    want, got = _both(tmp_path, block, 1000)
    assert got == want
    datas = {e["data"] for e in got[1][0]}
    assert '{"price":151.3,"sku":"SKU-324"}' in datas
    assert '{"amount":150.0,"items":2,"n":null,"ok":true}' in datas
    assert got[0]["naive_timestamps"] == 2


@given(st.lists(st.sampled_from(_NUMBERS), min_size=1, max_size=3))
@settings(max_examples=100, deadline=None)
def test_numbers_the_fast_path_keeps_are_canonical(numbers: list[str]) -> None:
    body = ",".join(f'"k{i}":{n}' for i, n in enumerate(numbers))
    line = '{"userId":"u","name":"n","data":{' + body + "}}\n"
    events, rest = scan_lines(line.encode())
    if events.num_rows:
        assert events["data"][0].as_py() == canonical_data(json.loads(line)["data"])


@given(
    sign=st.sampled_from(["", "-"]),
    whole=st.one_of(st.integers(0, 99), st.integers(0, 10**9)),
    fraction=st.one_of(st.none(), st.text("0123456789", min_size=0, max_size=10)),
    exponent=st.one_of(st.none(), st.integers(-9, 17)),
)
@settings(max_examples=300, deadline=None)
def test_random_number_spellings(
    sign: str, whole: int, fraction: str | None, exponent: int | None
) -> None:
    text = sign + str(whole)
    if fraction:
        text += "." + fraction
    if exponent is not None:
        text += f"e{exponent}"
    line = '{"userId":"u","name":"n","data":{"b":' + text + ',"a":1}}\n'
    events, _ = scan_lines(line.encode())
    if events.num_rows:
        assert events["data"][0].as_py() == canonical_data(json.loads(line)["data"])


@pytest.mark.parametrize("stamp", _STAMPS)
def test_event_at_the_fast_path_keeps_is_the_validators(stamp: str) -> None:
    line = json.dumps({"userId": "u", "name": "n", "eventAt": stamp}) + "\n"
    events, _ = scan_lines(line.encode())
    if events.num_rows:
        micros, naive = parse_rfc3339(stamp, "invalid_event_at", "eventAt")
        assert (events["event_at"][0].as_py(), events["naive"][0].as_py()) == (micros, naive)


def test_line_offsets() -> None:
    assert line_offsets(b'{"a":1}\n{"b":"\xc3\xa9"}\n{"c":"\\n"}\n{"d":2}').tolist() == [
        0,
        8,
        19,
        30,
        37,
    ]
    assert line_offsets(b"").tolist() == [0]
    assert line_offsets(b"\n\n").tolist() == [0, 1, 2]
    big = b"".join(b"x" * (i % 7) + b"\n" for i in range(100_000)) + b"tail"
    want = [0] + [i + 1 for i, c in enumerate(big) if c == 10] + [len(big)]
    assert line_offsets(big).tolist() == want


def test_old_lake_version_refuses_ingest_but_reads(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"userId":"u","name":"n"}\n')
    lake = open_lake(tmp_path / "lake")
    lake.ingest(src)
    marker = tmp_path / "lake" / "journeylab-lake.json"
    marker.write_text(json.dumps({"format": "journeylab-lake", "version": 1}))
    old = open_lake(tmp_path / "lake")
    assert old.count() == 1
    with pytest.raises(LakeError, match="version 1.*new lake folder"):
        old.ingest(src)
    empty = open_lake(tmp_path / "empty")
    (tmp_path / "empty" / "journeylab-lake.json").write_text(marker.read_text())
    open_lake(tmp_path / "empty").ingest(src)  # an empty old lake is upgraded
    assert (
        json.loads((tmp_path / "empty" / "journeylab-lake.json").read_text())["version"]
        == FORMAT_VERSION
    )
    assert empty.count() == 1


def test_first_mask_compares_ids_that_share_a_hash() -> None:
    ids = pa.chunked_array([["a", "b", "a", "c", "b", "d"]])
    # "a" and "b" share a hash (a collision), "c" and "d" too, nothing else repeats
    hashes = np.array([1, 1, 1, 2, 1, 2], np.uint64)
    mask = fast._first_mask(ids, hashes)
    assert mask is not None and mask.to_pylist() == [True, True, False, True, False, True]
    assert fast._first_mask(ids, np.arange(6, dtype=np.uint64)) is None
