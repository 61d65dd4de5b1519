"""The compiled scanner (lake/scan.py, ADR 0002): every line it takes gives exactly what the
record-by-record Validator gives for that line; everything else is left to the Python path.
Hypothesis generates nasty lines (whitespace, unsorted and repeated keys, escapes, unicode,
numbers of every shape, bad dates, offsets, nulls, unknown keys, blank lines, one-byte
mutations of real lines); unit tests pin each acceptance rule."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeylab.lake.hashing import user_key
from journeylab.lake.model import Rejection, Validator
from journeylab.lake.scan import event_id_hashes, scan_block, scan_lines
from journeylab.lake.scan_md5 import md5_one, pad
from journeylab.lake.scan_md5_pair import md5_pair
from test_ingest_fast import _NUMBERS, _STAMPS
from test_ingest_fast import _line as nasty_line

RECV = 1_893_456_000_000_000

REAL = [
    '{"userId":"u0060616","name":"add_to_cart","eventAt":"2025-03-19T00:40:33.442Z",'
    '"data":{"sku":"SKU-324","price":151.3}}',
    '{"eventId":"evt-0","userId":"u0002493","name":"screen_view",'
    '"eventAt":"2025-02-28T01:16:13.937Z"}',
    '{"userId":"u0012225","name":"page_view","eventAt":"2025-03-07T09:27:44.087+02:00",'
    '"data":{"path":"/p/2425","referrer":"search","title":"Product 2425"}}',
    '{"userId":"u1","name":"purchase","eventAt":"2025-01-01T00:00:00",'
    '"data":{"amount":150.0,"currency":"EUR","items":2,"ok":true,"n":null}}',
]


def _reference(line: bytes) -> dict[str, Any] | None:
    """What the Validator makes of one line: the row, or None (rejected or blank)."""
    if not line.strip():
        return None
    try:
        rec = msgspec.json.decode(line)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    val = Validator(RECV)
    try:
        val.add(rec)
    except Rejection:
        return None
    at = rec.get("eventAt")
    return {
        "event_id": val.event_id[0],
        "user_id": val.user_id[0],
        "name": val.name[0],
        "event_at": None if at is None else val.event_at[0],
        "data": val.data[0],
        "naive": val.naive_timestamps == 1,
        "user_key": user_key(val.user_id[0]),
        "unknown": val.unknown_fields,
    }


def _check(block: bytes) -> tuple[list[int], list[int]]:
    """Scan ``block``; every taken line must equal the Validator's row for it. Returns the
    taken and the rest line indices."""
    table, rest, offs = scan_block(block)
    lines = [block[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]
    assert b"".join(lines) == block
    rows = table.to_pylist()
    assert event_id_hashes(table["event_id"]).tolist() == table["idh"].to_pylist()
    taken = [r["no"] for r in rows]
    assert sorted(taken + rest.tolist()) == list(range(len(lines)))
    assert taken == sorted(taken)
    by_id: dict[str, int] = {}
    for row in rows:
        line = lines[row["no"]].removesuffix(b"\n")
        want = _reference(line)
        assert want is not None, line
        assert want.pop("unknown") == 0, line
        got = {k: row[k] for k in want}
        assert got == want, line
        assert by_id.setdefault(row["event_id"], row["idh"]) == row["idh"]
    return taken, rest.tolist()


def _spaced(text: str, draw: Any) -> str:
    """JSON whitespace around the line (CR last, as from a CRLF file)."""
    ws = st.sampled_from(["", " ", "\t", "  ", "\r"])
    return draw(ws).replace("\r", "") + text + draw(ws)


@st.composite
def _mutated(draw: Any) -> str:
    """A real line with one byte replaced, inserted or deleted."""
    line = draw(st.sampled_from(REAL))
    at = draw(st.integers(0, len(line) - 1))
    byte = draw(st.sampled_from(list(' "{}[],:.-+eE0129aZz\\\tnulltrue') + ["é", "\x01"]))
    op = draw(st.integers(0, 2))
    if op == 0:
        return line[:at] + byte + line[at + 1 :]
    if op == 1:
        return line[:at] + byte + line[at:]
    return line[:at] + line[at + 1 :]


_number = st.one_of(
    st.sampled_from(_NUMBERS),
    st.builds(
        lambda sign, whole, frac, exp: sign + whole + frac + exp,
        st.sampled_from(["", "-"]),
        st.sampled_from(["0", "1", "12", "1234567", "12345678", "123456789012345678", "00"]),
        st.sampled_from(["", ".0", ".5", ".50", ".05", ".0001", ".00001", ".12345678", ".123"]),
        st.sampled_from(["", "", "", "e5", "E-2"]),
    ),
)
_text = st.text(st.sampled_from('ab Z~!#"\\/\x7f'), max_size=4)


@st.composite
def _plausible(draw: Any) -> str:
    """A line that is mostly valid: the scanner takes most of them, so the comparison bites
    (numbers of every spelling, timestamps, key orders, whitespace, nulls)."""
    rec: dict[str, str] = {}
    rec["userId"] = json.dumps(draw(st.sampled_from(["u1", "u2", "x" * 40, "a b"])))
    rec["name"] = json.dumps(draw(st.sampled_from(["n", "page_view", "/p"])))
    if draw(st.booleans()):
        rec["eventAt"] = json.dumps(draw(st.sampled_from(_STAMPS)))
    if draw(st.booleans()):
        rec["eventId"] = json.dumps(draw(st.sampled_from(["e1", "e2"])))
    for key in ("eventAt", "eventId", "data"):
        if draw(st.integers(0, 9)) == 0:
            rec[key] = "null"
    if draw(st.integers(0, 3)):
        members = draw(
            st.dictionaries(
                st.sampled_from(["a", "b", "B", "", "a b", "!", "ab", "~"]),
                st.one_of(_number, _text.map(json.dumps), st.sampled_from(["true", "null"])),
                max_size=5,
            )
        )
        colon = draw(st.sampled_from([":", " : "]))
        rec["data"] = "{" + ",".join(json.dumps(k) + colon + v for k, v in members.items()) + "}"
    keys = draw(st.permutations(list(rec)))
    sep = draw(st.sampled_from([",", ", ", " ,\t"]))
    return "{" + sep.join(json.dumps(k) + ":" + rec[k] for k in keys) + "}"


@st.composite
def _block(draw: Any) -> bytes:
    lines = draw(
        st.lists(
            st.one_of(nasty_line(), _mutated(), _plausible(), _plausible(), st.sampled_from(REAL)),
            min_size=1,
            max_size=25,
        )
    )
    lines = [_spaced(x, draw) for x in lines]
    for _ in range(draw(st.integers(0, 2))):  # repeats, and an explicit id equal to a derived
        lines.append(draw(st.sampled_from(lines)))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text.encode("utf-8", errors="surrogatepass")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=_block())
def test_taken_lines_equal_the_validator(block: bytes) -> None:
    _check(block)


def test_the_real_shapes_are_taken() -> None:
    taken, rest = _check(("\n".join(REAL) + "\n").encode())
    assert rest == []
    spaced = [json.dumps(json.loads(x)) for x in REAL]  # ", " and ": "
    taken, rest = _check(("\r\n".join(spaced) + "\r\n").encode())
    assert rest == []


def test_a_big_block_over_all_slices_equals_line_by_line() -> None:
    """Thousands of lines (several slices, the user key cache hit and missed, long user
    ids that are never cached): the same rows as scanning each line alone."""
    rng = np.random.default_rng(3)
    lines = []
    for i in range(6000):
        user = f"u{rng.integers(0, 50)}" if i % 7 else "long" * 20 + str(i % 3)
        rec: dict[str, Any] = {"userId": user, "name": "n", "eventAt": "2025-01-01T00:00:00Z"}
        if i % 2:
            rec["eventId"] = f"e{i % 100}"
        if i % 3 == 0:
            rec["data"] = {"b": int(i), "a": "x"}
        lines.append(json.dumps(rec, separators=(",", ":")))
        if i % 500 == 0:
            lines.append("{bad")
    block = ("\n".join(lines)).encode()  # no trailing newline
    taken, rest = _check(block)
    assert len(rest) == 12 and len(taken) == 6000
    table, _ = scan_lines(block)
    alone = [scan_lines(block.split(b"\n")[i])[0].to_pylist() for i in taken[:300]]
    assert [a[0] | {"no": i} for a, i in zip(alone, taken[:300], strict=True)] == (
        table.slice(0, 300).to_pylist()
    )


@pytest.mark.parametrize("tail", ["", "\n", "\n\n", "\r\n"])
def test_a_long_last_line_spans_the_later_slices(tail: str) -> None:
    """Slices are cut after a newline: a long last line leaves the later slices empty."""
    last = json.dumps({"userId": "u", "name": "n", "data": {"k": "x" * 5000}})
    block = ('{"userId":"u","name":"n"}\n' * 3 + last + tail).encode()
    taken, rest = _check(block)
    assert taken == [0, 1, 2, 3]


def test_empty_and_blank_blocks() -> None:
    table, rest, offs = scan_block(b"")
    assert table.num_rows == 0 and rest.tolist() == [] and offs.tolist() == [0]
    table, rest, offs = scan_block(b"\n  \n\t\r\n")
    assert table.num_rows == 0 and rest.tolist() == [0, 1, 2]  # blank: the Python path
    assert offs.tolist() == [0, 1, 4, 7]


_OK = '{"userId":"u","name":"n"}'


@pytest.mark.parametrize(
    ("line", "taken"),
    [
        (_OK, True),
        (' {\t"userId" : "u" , "name":"n" }\r', True),
        ('{"userId":"u","name":"n",}', False),  # trailing comma
        ('{"userId":"u","name":"n"} x', False),  # trailing text
        ('{"userId":"u","name":"n"', False),  # unterminated
        ('[{"userId":"u","name":"n"}]', False),  # not an object
        ('{"userId":"u","name":"n","x":1}', False),  # unknown key: counted by Python
        ('{"userId":"u","name":"n","name":"m"}', False),  # repeated key
        ('{"userId":"u","name":null}', False),  # missing name
        ('{"name":"n"}', False),  # missing userId
        ('{"userId":"u","name":"n","eventAt":null,"eventId":null,"data":null}', True),
        ('{"userId":"","name":"n"}', False),  # empty
        ('{"userId":"' + "x" * 255 + '","name":"n"}', True),
        ('{"userId":"' + "x" * 256 + '","name":"n"}', False),  # too long
        ('{"userId":"u","name":"n","eventId":"' + "e" * 256 + '"}', False),
        ('{"userId":7,"name":"n"}', False),  # not a string
        ('{"userId":"u\\u0041","name":"n"}', False),  # an escape
        ('{"userId":"\u00e9","name":"n"}', False),  # non-ASCII
        ('{"userId":"a\x7fb","name":"n"}', True),  # DEL is plain text for JSON and msgspec
        ('{"userId":"a\x01b","name":"n"}', False),  # a control character: invalid JSON
        ('{"userId":"u","name":"n","eventAt":"2024-02-29T23:59:59.999999+05:30"}', True),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01t00:00:00z"}', True),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01 00:00:00.1234567"}', True),
        ('{"userId":"u","name":"n","eventAt":"2024-02-30T00:00:00Z"}', False),  # no such day
        ('{"userId":"u","name":"n","eventAt":"2023-02-29T00:00:00Z"}', False),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01T24:00:00Z"}', False),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01T00:00:60Z"}', False),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01T00:00:00+24:00"}', False),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01T00:00:00.Z"}', False),
        ('{"userId":"u","name":"n","eventAt":"9999-12-31T23:30:00-01:00"}', False),  # edge
        ('{"userId":"u","name":"n","eventAt":"0999-06-01T00:00:00Z"}', True),
        ('{"userId":"u","name":"n","eventAt":"2025-01-01"}', False),
        ('{"userId":"u","name":"n","eventAt":5}', False),
        ('{"userId":"u","name":"n","data":{}}', True),
        ('{"userId":"u","name":"n","data":{"b":1,"a":2,"":null," ":true,"!":false}}', True),
        ('{"userId":"u","name":"n","data":{"a":1,"a":2}}', False),  # repeated data key
        ('{"userId":"u","name":"n","data":{"a":{"b":1}}}', False),  # nested
        ('{"userId":"u","name":"n","data":{"a":[1]}}', False),
        ('{"userId":"u","name":"n","data":[1]}', False),
        ('{"userId":"u","name":"n","data":"s"}', False),
        ('{"userId":"u","name":"n","data":{"a":1,}}', False),
        ('{"userId":"u","name":"n","data":{"big":"' + "x" * 32_758 + '"}}', True),  # 32768
        ('{"userId":"u","name":"n","data":{"big":"' + "x" * 32_759 + '"}}', False),
    ],
)
def test_each_rule(line: str, taken: bool) -> None:
    got, rest = _check((line + "\n").encode("utf-8", errors="surrogatepass"))
    assert got == ([0] if taken else [])


@pytest.mark.parametrize(
    ("number", "taken"),
    [
        ("0", True),
        ("-0", False),  # msgspec writes 0
        ("123456789012345678", True),
        ("1234567890123456789", False),  # more than 18 digits
        ("1.5", True),
        ("150.0", True),
        ("1.50", False),  # msgspec writes 1.5
        ("-0.0", False),
        ("0.0", False),
        ("0.0001", True),
        ("0.00001", False),  # msgspec writes 1e-05
        ("0.12345", True),
        ("0.123456", False),
        ("1234567.1234567", True),
        ("12345678.5", False),
        ("1e5", False),
        ("01", False),
        ("1.", False),
        ("-", False),
        ("1-2", False),
    ],
)
def test_number_spellings(number: str, taken: bool) -> None:
    line = '{"userId":"u","name":"n","data":{"k":' + number + "}}\n"
    got, _ = _check(line.encode())
    assert got == ([0] if taken else [])


def test_derived_ids_and_user_keys() -> None:
    lines = [
        '{"userId":"u","name":"n"}',
        '{"userId":"u","name":"n","eventAt":"1969-12-31T23:59:59.5Z"}',
        '{"userId":"u","name":"n","data":{"q":"a b","p":-1.25}}',
    ]
    table, _ = scan_lines(("\n".join(lines)).encode())
    payloads = [
        b'["u","n",null,null]',
        b'["u","n",-500000,null]',
        b'["u","n",null,"{\\"p\\":-1.25,\\"q\\":\\"a b\\"}"]',
    ]
    assert table["event_id"].to_pylist() == [hashlib.md5(p).hexdigest() for p in payloads]
    assert table["user_key"].to_pylist() == [user_key("u")] * 3
    # an explicit id equal to a derived one: the same id hash (repeats are found by it)
    again = '{"userId":"x","name":"y","eventId":"' + hashlib.md5(payloads[0]).hexdigest() + '"}'
    table, _ = scan_lines((lines[0] + "\n" + again).encode())
    assert table["idh"][0] == table["idh"][1]


def test_md5_one_and_pair_equal_hashlib() -> None:
    def digest(words: Any) -> bytes:
        return b"".join(int(w).to_bytes(4, "little") for w in words)

    rng = np.random.default_rng(1)
    for n in range(0, 200, 3):
        a = np.zeros(n + 72, np.uint8)
        a[:n] = rng.integers(0, 256, n)
        m = (n * 7) % 150
        b = np.zeros(m + 72, np.uint8)
        b[:m] = rng.integers(0, 256, m)
        want_a, want_b = (
            hashlib.md5(a[:n].tobytes()).digest(),
            hashlib.md5(b[:m].tobytes()).digest(),
        )
        ka, kb = pad(a, n), pad(b, m)
        assert digest(md5_one(a, ka)) == want_a
        got_a, got_b = md5_pair(a, ka, b, kb)
        assert (digest(got_a), digest(got_b)) == (want_a, want_b)


def test_scan_md5_is_the_generators_output() -> None:
    import shutil
    import subprocess
    from pathlib import Path

    from journeylab.lake import scan_md5, scan_md5_gen

    ruff = shutil.which("ruff") or str(Path(__file__).parents[1] / ".venv" / "bin" / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    texts = scan_md5_gen.sources()
    assert sorted(texts) == ["scan_md5.py", "scan_md5_pair.py"]
    for name, text in texts.items():
        formatted = subprocess.run(
            [ruff, "format", "--stdin-filename", name, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert formatted == (Path(scan_md5.__file__).parent / name).read_text(), name


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["", "a", "b", "ab", "é", "z" * 20]),
            st.sampled_from(["u1", "u10", "u2", "", "é", "ü", "U"]),
            st.sampled_from([-(2**62), -1, 0, 1, 2**40, 2**62, 1_740_000_000_000_000]),
            st.sampled_from(["e1", "e10", "e2", "", "é", "E"]),
        ),
        max_size=60,
    )
)
def test_lake_order_equals_sort_order(rows: list[tuple[str, str, int, str]]) -> None:
    from journeylab.lake.batch import sort_order
    from journeylab.lake.scan_order import lake_order

    ts = pa.timestamp("us", tz="UTC")
    events = pa.table(
        {
            "name": pa.array([r[0] for r in rows], pa.string()),
            "user_id": pa.array([r[1] for r in rows], pa.string()),
            "event_at": pa.array([r[2] for r in rows], pa.int64()).cast(ts),
            "event_id": pa.array([r[3] for r in rows], pa.string()),
        }
    )
    want = sort_order(events) if rows else pa.array([], pa.uint64())
    assert lake_order(events).to_pylist() == want.to_pylist()


@settings(max_examples=80, deadline=None)
@given(
    batches=st.lists(
        st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)), max_size=50),
        max_size=6,
    ),
    probe=st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)), max_size=50),
)
def test_hash_set_equals_a_python_set(batches: list[list[int]], probe: list[int]) -> None:
    from journeylab.lake.scan_seen import HashSet

    hs, added = HashSet(4), set()
    for batch in batches:
        hs.add(np.array(batch, np.uint64))
        added |= set(batch)
        got = hs.contains(np.array(probe + batch, np.uint64)).tolist()
        zero_or_one = bool(added & {0, 1})  # 0 is stored as 1: the filter may say "maybe"
        want = [x in added or (x in (0, 1) and zero_or_one) for x in probe + batch]
        assert got == want
    assert len(hs) == len({1 if x == 0 else x for x in added})
