"""Hypothesis strategies for ingest inputs in every format: nasty on purpose (number
spellings, escapes, unicode, control characters, repeated and unknown keys, nested and
unsorted data, lenient JSON, bad timestamps, quoting, short and long CSV rows, typed Parquet
columns)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pyarrow as pa
from hypothesis import strategies as st

NUMBERS = [
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
    "0.000001",
    "0.0000012345",
    "12345678901234567890",
    "123456789012345678901234567890",
    "9999999.99999999",
    "-0.0",
    "3.14159265358979",
    "1e16",
    "1e15",
    "12345678901234567.0",
    "2.5e-3",
    "100000000000000000000.0",
    "1e21",
    "1e999",
    "1E+400",  # overflows: DuckDB keeps it as written, msgspec refuses it
    "-12.5e0400",
    "1e300",  # three-digit exponents that fit, or underflow to zero
    "1e-400",
    "-1e-400",
    "123e-310",
    "NaN",
    "-Infinity",
    "1.7976931348623157e308",
    "1" + "0" * 310,  # overflows a double, no exponent: the 300-digit rule
    "9" * 299 + ".5",  # 299 digits: fits
]
TEXTS = [
    "",
    "a",
    "é",
    "x,}",
    'q"uote',
    "back\\slash",
    "/p/1",
    "Sign Up",
    "a b",
    "~",
    "\x7f",
    "\x0b",
    "\x1f",
    "\n",
    "tab\there",
    "💥",
    "info",
    ":nan",
    "\u2028",
]
KEYS = ["a", "b", "B", "", "a b", "!x", "z", "é", "userId", "price", "aa", "a!", "💥", "\x1f"]
STAMPS = [
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
    "2025-01-01T00:00:00.9999999999Z",
    "0001-01-01T00:30:00+01:00",
    "0001-01-01T00:00:00Z",
    "0000-12-31T23:30:00-01:00",
    "9999-12-31T23:30:00-01:00",
    "9999-12-31T23:59:59.999999Z",
    "1999-12-31T23:59:60Z",
    "2025-01-01T00:00:00+24:00",
    "2025-01-01T00:00:00+23:59",
    "2025-1-01T00:00:00Z",
    "2025-01-01",
    "2025-01-01T00:00:00Z\n",
    "٢٠٢٤-01-01T00:00:00Z",
    "nope",
    "",
    # the shape the rules prove by writing the instant back (24 characters, ms, Z)
    "2024-02-29T23:59:59.999Z",
    "2024-02-30T00:00:00.000Z",
    "1999-12-31T23:59:60.000Z",
    "0000-12-31T23:59:59.999Z",
    "0999-01-01T00:00:00.000Z",
    "2025-01-01T00:00:00.000z",
    "2025-01-01 00:00:00.000Z",
    "2025-01-01T24:00:00.000Z",
    "10000-01-01T00:00:00.00Z",
    "+2025-01-01T00:00:00.00Z",
    "2025-01-01T00:00:00.000+",
]
IDENTS = ["u1", "u2", "Sign Up", "a/b", "x" * 255, "x" * 256, "", "é", "ü" * 255, "a\x0bb", "💥"]


class Raw:
    """A JSON text written as is (numbers in a chosen spelling, bad tokens)."""

    def __init__(self, text: str) -> None:
        self.text = text


class Dup(dict):  # type: ignore[type-arg]
    """An object that repeats one key."""

    dup: tuple[str, Any] = ("", None)


def dump(value: Any, draw: Any) -> str:
    """JSON text of ``value`` with drawn spacing, escapes and the odd trailing comma."""
    sep = draw(st.sampled_from([(",", ":"), (", ", ": "), (" , ", " :\t")]))
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=draw(st.booleans()))
        return text.replace("/", "\\/") if draw(st.booleans()) else text
    if isinstance(value, list):
        return "[" + sep[0].join(dump(v, draw) for v in value) + "]"
    if isinstance(value, dict):
        items = [dump(k, draw) + sep[1] + dump(v, draw) for k, v in value.items()]
        if isinstance(value, Dup):
            items.append(dump(value.dup[0], draw) + sep[1] + dump(value.dup[1], draw))
        tail = "," if draw(st.integers(0, 40)) == 0 else ""  # a trailing comma: invalid
        return "{" + sep[0].join(items) + tail + "}"
    if isinstance(value, float):
        return repr(value) if draw(st.booleans()) else json.dumps(value)
    return json.dumps(value)


scalars = st.one_of(
    st.sampled_from(NUMBERS).map(Raw),
    st.sampled_from(TEXTS),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**70), 2**70),
)
flat = st.dictionaries(st.sampled_from(KEYS), scalars, max_size=4)


def _repeating(obj: dict[str, Any], key: str, value: Any) -> Dup:
    out = Dup(obj)
    out.dup = (key, value)
    return out


#: a flat object that gives a key twice (its value the last one, for msgspec)
flat_dup = st.builds(_repeating, flat, st.sampled_from(KEYS), scalars)
#: what a member of data nested one level may be (the rules make it canonical), and what
#: only the Validator reads: an object deeper, arrays holding arrays of objects, a key twice
member = st.one_of(
    scalars,
    flat,
    st.lists(st.one_of(scalars, flat, st.lists(scalars, max_size=2)), max_size=3),
    st.dictionaries(st.sampled_from(KEYS), st.one_of(flat, st.lists(flat, max_size=2)), max_size=2),
    st.lists(st.lists(flat, min_size=1, max_size=2), min_size=1, max_size=2),
    flat_dup,
    st.lists(flat_dup, min_size=1, max_size=2),
)
data = st.one_of(
    st.none(),
    flat,
    flat,
    flat,
    st.dictionaries(st.sampled_from(KEYS), st.one_of(scalars, flat, st.lists(scalars)), max_size=3),
    st.dictionaries(st.sampled_from(KEYS), member, max_size=3),
    st.lists(scalars, max_size=2),
    st.sampled_from(["s", 5]),
    st.just({"big": "x" * 33_000}),
    st.just({"s": "x" * 32_760}),
)
idents = st.one_of(st.sampled_from(IDENTS), st.sampled_from([7, None]))
event_ids = st.one_of(st.none(), st.sampled_from(["e1", "e2", "e3", "", "x" * 256, 3, "e\x1f"]))


@st.composite
def records(draw: Any) -> dict[str, Any]:
    """An Events API object (fields may be missing, null, of another type, repeated)."""
    rec: dict[str, Any] = {}
    for key, strat in (
        ("userId", idents),
        ("name", idents),
        ("eventAt", st.one_of(st.sampled_from(STAMPS), st.none(), st.just(5))),
        ("data", data),
        ("eventId", event_ids),
    ):
        if draw(st.integers(0, 9)) > 0:
            rec[key] = draw(strat)
    if draw(st.integers(0, 15)) == 0:
        rec[draw(st.sampled_from(["extra", "user\u0049d", "nAme"]))] = draw(scalars)
    keys = draw(st.permutations(list(rec)))
    if keys and draw(st.integers(0, 20)) == 0:
        obj = Dup({k: rec[k] for k in keys})
        obj.dup = (keys[0], draw(idents))
        return obj
    return {k: rec[k] for k in keys}


@st.composite
def json_texts(draw: Any) -> str:
    """One record's JSON text (sometimes not an object, or not JSON at all)."""
    if draw(st.integers(0, 30)) == 0:
        return draw(
            st.sampled_from(["{bad", "[1]", '"s"', "{}", "null", "7", '{"a":"\\ud800"}', "{} {}"])
        )
    text = dump(draw(records()), draw)
    if draw(st.integers(0, 40)) == 0:  # keys written with escapes
        text = text.replace('"userId"', '"user\\u0049d"')
    return text


@st.composite
def jsonl_files(draw: Any) -> bytes:
    lines = draw(st.lists(json_texts(), min_size=1, max_size=25))
    lines += draw(st.lists(st.sampled_from(["", "   ", "\t", "\r", "\x0c"]), max_size=2))
    for _ in range(draw(st.integers(0, 3))):  # re-sends, verbatim or with other content
        lines.append(draw(st.sampled_from(lines)))
    lines = draw(st.permutations(lines))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    raw = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 10)) == 0:  # a line that is not UTF-8
        raw += b'{"userId":"\xff","name":"n"}\n'
    return raw


@st.composite
def json_bodies(draw: Any) -> bytes:
    members = draw(st.lists(json_texts(), max_size=20))
    members = [m for m in members if _decodes(m)] if draw(st.integers(0, 8)) else members
    body = "[" + ",".join(members) + "]"
    if draw(st.booleans()):
        body = '{"events": ' + body + ', "other": 1}'
    if draw(st.integers(0, 20)) == 0:
        body = draw(st.sampled_from(['{"events": 5}', '"text"', "{oops", '{"records": []}']))
    return body.encode("utf-8", errors="surrogatepass")


def _decodes(text: str) -> bool:
    import msgspec

    try:
        msgspec.json.decode(text.encode("utf-8", errors="surrogatepass"))
    except (msgspec.DecodeError, UnicodeDecodeError):
        return False
    return True


CELLS = [
    "",
    "1",
    "-0",
    "007",
    "1.50",
    "1e3",
    "1e400",
    "TRUE",
    "false",
    "nan",
    " 5 ",
    'say "hi"',
    "a,b",
    "multi\nline",
    "back\\slash",
    "é",
    "\x1f",
    "123456789012345678901234567890",
    "1e16",
    "0.000001",
]


@st.composite
def csv_files(draw: Any) -> bytes:
    fields = ["userId", "name", "eventAt", "eventId", "data", "data.a", "data.b", "data.é"]
    fields += ["data.a", "extra", "userId"]
    header = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=7))
    if draw(st.integers(0, 7)):  # mostly a header with the required columns (else refused)
        header = draw(st.permutations(["userId", "name", *header]))
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 15))):
        row = []
        for name in header:
            if name in ("userId", "name"):
                row.append(draw(st.sampled_from(["u1", "u2", "", "Sign Up", "x" * 256, "é"])))
            elif name == "eventAt":
                row.append(draw(st.sampled_from(STAMPS)))
            elif name == "eventId":
                row.append(draw(st.sampled_from(["", "", "e1", "e2"])))
            elif name == "data":
                choice = draw(st.integers(0, 5))
                row.append("" if choice == 0 else dump(draw(data), draw) if choice < 5 else "{x")
            else:
                row.append(draw(st.sampled_from(CELLS)))
        cut = draw(st.integers(0, 8))
        if cut == 0 and row:
            row = row[: draw(st.integers(0, len(row) - 1))]  # a short row
        elif cut == 1:
            row = row + ["more"]  # too many fields
        rows.append(row)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for row in rows:
        if draw(st.integers(0, 12)) == 0:
            buf.write("\n")  # a blank line
        writer.writerow(row)
    for _ in range(draw(st.integers(0, 2))):  # re-sends
        if rows:
            writer.writerow(draw(st.sampled_from(rows)))
    return buf.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def maps(draw: Any, n: int) -> pa.Array:
    """``n`` maps (or nulls) of one of a few shapes: string keys to numbers or strings, to
    structs holding maps, or integer keys; a key sometimes given twice, at any depth."""
    shape = draw(st.sampled_from(["flat", "nested", "int"]))
    keys = st.sampled_from(["b", "a", "é", "b"]) if shape != "int" else st.integers(-2, 2)
    if shape == "nested":
        inner = pa.map_(pa.string(), pa.int64())
        typ = pa.map_(pa.string(), pa.struct([("x", inner)]))
        value: Any = st.one_of(
            st.none(),
            st.builds(
                lambda pairs: {"x": pairs},
                st.lists(st.tuples(keys, st.integers(-3, 3)), max_size=3),
            ),
        )
    else:
        item = draw(st.sampled_from([pa.int64(), pa.float64(), pa.string()]))
        typ = pa.map_(pa.int64() if shape == "int" else pa.string(), item)
        value = (
            st.one_of(st.none(), st.sampled_from(TEXTS))
            if item == pa.string()
            else st.one_of(st.none(), st.integers(-5, 5))
            if item == pa.int64()
            else st.one_of(st.none(), st.floats(allow_nan=False, width=64))
        )
    pairs = st.one_of(st.none(), st.lists(st.tuples(keys, value), max_size=4))
    return pa.array([draw(pairs) for _ in range(n)], typ)


@st.composite
def parquet_tables(draw: Any) -> pa.Table:
    n = draw(st.integers(1, 12))
    cols: dict[str, pa.Array] = {}

    def strings(pool: list[Any]) -> pa.Array:
        return pa.array([draw(st.sampled_from(pool)) for _ in range(n)], pa.string())

    def encoded(arr: pa.Array) -> pa.Array:
        """``arr``, or the same strings dictionary-encoded (pandas' categories)."""
        return arr.dictionary_encode() if draw(st.integers(0, 3)) == 0 else arr

    def uuids() -> pa.Array:
        pool = [None, UUID(int=0).bytes, UUID(int=(1 << 128) - 1).bytes, UUID(int=2**100).bytes]
        return pa.array([draw(st.sampled_from(pool)) for _ in range(n)], pa.uuid())

    user = draw(st.sampled_from(["userId", "user_id"]))
    user_kind = draw(st.integers(0, 9))
    cols[user] = (
        pa.array(list(range(n)), pa.int64())
        if user_kind == 0
        else uuids()
        if user_kind == 1
        else encoded(strings(["u1", "u2", None, "", "x" * 256]))
    )
    cols["name"] = encoded(strings(["a", "b", "Sign Up", None]))
    at_kind = draw(st.sampled_from(["text", "tz", "naive", "ns", "none", "date"]))
    moments = [
        draw(st.one_of(st.none(), st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1))))
        for _ in range(n)
    ]
    at_name = draw(st.sampled_from(["eventAt", "event_at"]))
    if at_kind == "text":
        cols[at_name] = strings([*STAMPS, None])
    elif at_kind in ("tz", "naive", "ns"):
        tz = "UTC" if at_kind == "tz" else None
        unit = "ns" if at_kind == "ns" else "us"
        values = [None if m is None else m.replace(tzinfo=UTC if tz else None) for m in moments]
        cols[at_name] = pa.array(values, pa.timestamp(unit, tz=tz))
    elif at_kind == "date":
        cols[at_name] = pa.array([None if m is None else m.date() for m in moments], pa.date32())
    data_kind = draw(st.sampled_from(["text", "json", "struct", "none", "list", "map"]))
    if data_kind in ("text", "json"):
        texts = [draw(st.one_of(st.none(), st.just("{x"), data)) for _ in range(n)]
        typ = pa.string() if data_kind == "text" else pa.json_()
        given = pa.array([t if t is None or t == "{x" else dump(t, draw) for t in texts], typ)
        cols["data"] = encoded(given) if data_kind == "text" else given
    elif data_kind == "struct":
        cols["data"] = pa.array(
            [
                draw(
                    st.one_of(
                        st.none(),
                        st.fixed_dictionaries(
                            {
                                "z": st.one_of(st.none(), st.integers(-5, 5)),
                                "b": st.one_of(st.none(), st.sampled_from(TEXTS)),
                                "f": st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
                            }
                        ),
                    )
                )
                for _ in range(n)
            ]
        )
    elif data_kind == "list":
        cols["data"] = pa.array([[1, 2]] * n)
    elif data_kind == "map":  # Spark's free-form columns; a key twice, keys not strings
        cols["data"] = draw(maps(n))
    if draw(st.booleans()):
        cols[draw(st.sampled_from(["eventId", "event_id"]))] = (
            uuids() if draw(st.integers(0, 3)) == 0 else encoded(strings(["e1", "e2", None, ""]))
        )
    if draw(st.integers(0, 4)) == 0:
        cols["extra"] = strings(["x", None])
    return pa.table(cols)
