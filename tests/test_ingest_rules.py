"""The vectorised rules (journeylab.ingest.rules) equal the record-level Validator, for every
format: row by row (a reason the pass names is the Validator's, a row it computes is the
Validator's row), and end to end (the same report, accepted rows with every column,
duplicates, rejects with reasons, details, raw text and record numbers) on
hypothesis-generated nasty inputs."""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest_reference import lake_state, reference, rule_vs_validator
from ingest_strategies import NUMBERS, STAMPS, csv_files, json_bodies, jsonl_files, parquet_tables
from journeylab import InputError, open_lake
from journeylab.ingest.json_readers import body_batches, jsonl_batches
from journeylab.ingest.preflight import preflight
from journeylab.ingest.readers import read_batches

RECV = 1_893_456_000_000_000  # 2030-01-01
FAST = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(FAST, max_examples=100)


def _write(root: Path, fmt: str, content: Any) -> Path:
    path = root / f"in.{fmt}"
    if fmt == "parquet":
        pq.write_table(content, path)
    else:
        path.write_bytes(content)
    return path


def end_to_end(fmt: str, content: Any, chunk_rows: int) -> None:
    from datetime import UTC, datetime

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = _write(root, fmt, content)
        for batch in read_batches(path, fmt, RECV, chunk_rows, lambda n: None):
            rule_vs_validator(batch)
        lake = open_lake(root / "lake", create=True)
        received = datetime(2030, 1, 1, tzinfo=UTC)
        try:
            preflight(path, fmt)
        except InputError as exc:  # refused whole (test_ingest_preflight): nothing lands
            with pytest.raises(InputError, match=re.escape(str(exc))):
                lake.ingest(path, received_at=received, chunk_rows=chunk_rows)
            assert lake.count() == 0 and len(lake.rejected()) == 0
            return
        want = reference([path], None, RECV, chunk_rows)
        report = lake.ingest(path, received_at=received, chunk_rows=chunk_rows)
        assert lake_state(lake, report) == want
        again = lake.ingest(path, received_at=received, chunk_rows=chunk_rows)
        assert (again.accepted, again.duplicates) == (0, want["accepted"] + want["duplicates"])
        assert len(lake.rejected()) == len(want["rejects"])


CHUNKS = st.sampled_from([1, 3, 1000])


@FAST
@given(content=jsonl_files(), chunk_rows=CHUNKS)
def test_json_lines(content: bytes, chunk_rows: int) -> None:
    end_to_end("jsonl", content, chunk_rows)


@FAST
@given(content=json_bodies(), chunk_rows=CHUNKS)
def test_json_bodies(content: bytes, chunk_rows: int) -> None:
    end_to_end("json", content, chunk_rows)


@FAST
@given(content=csv_files(), chunk_rows=CHUNKS)
def test_csv(content: bytes, chunk_rows: int) -> None:
    end_to_end("csv", content, chunk_rows)


@FAST
@given(content=parquet_tables(), chunk_rows=CHUNKS)
def test_parquet(content: Any, chunk_rows: int) -> None:
    end_to_end("parquet", content, chunk_rows)


@pytest.mark.slow
@SLOW
@given(
    fmt_content=st.one_of(
        jsonl_files().map(lambda c: ("jsonl", c)),
        json_bodies().map(lambda c: ("json", c)),
        csv_files().map(lambda c: ("csv", c)),
        parquet_tables().map(lambda c: ("parquet", c)),
    ),
    chunk_rows=CHUNKS,
)
def test_every_format_many(fmt_content: tuple[str, Any], chunk_rows: int) -> None:
    end_to_end(*fmt_content, chunk_rows)


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["json", "repr"]))
def test_every_float_is_canonical_or_left_to_the_validator(value: float, spelling: str) -> None:
    """DuckDB and msgspec write some floats differently: the pass must notice each one."""
    number = json.dumps(value) if spelling == "json" else repr(value)
    line = '{"userId":"u","name":"n","data":{"a":' + number + ',"b":[' + number + "]}}\n"
    batch = next(jsonl_batches(io.BytesIO(line.encode()), "x", RECV, 10, lambda n: None))
    rule_vs_validator(batch)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_every_string_is_escaped_as_the_validator_does(user: str, key: str) -> None:
    body = json.dumps([{"userId": user or "u", "name": user + "n", "data": {key: user}}])
    batch = next(body_batches(body.encode("utf-8", "surrogatepass"), "x", RECV, 10))
    rule_vs_validator(batch)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_every_stamp_is_read_as_the_validator_reads_it(tmp_path: Path, fmt: str) -> None:
    """Each eventAt spelling of the strategies, once: the pass's instant (the fast path for
    toISOString's shape and the regex) or its reason is the Validator's."""
    stamps = [s for s in STAMPS if "\n" not in s or fmt == "jsonl"]
    if fmt == "jsonl":
        recs = [{"userId": "u", "name": "n", "eventAt": s} for s in stamps]
        path = _write(tmp_path, fmt, "".join(json.dumps(r) + "\n" for r in recs).encode())
    else:
        rows = "".join(f"u,n,{json.dumps(s)}\n" for s in stamps)
        path = _write(tmp_path, fmt, ("userId,name,eventAt\n" + rows).encode())
    (batch,) = read_batches(path, fmt, RECV, 1000, lambda n: None)
    assert batch.table.num_rows == len(stamps)
    rule_vs_validator(batch)


def test_common_shapes_are_decided_by_the_vectorised_pass(tmp_path: Path) -> None:
    """Real-world lines never reach the Validator: minified or json.dumps-spaced, any field
    order, flat data sorted or not, nested data (objects in objects and arrays, a key given
    twice at any depth: ``jl_canon``), offsets, naive times, derived and explicit ids, null
    fields, unknown fields, every number spelling that DuckDB writes as msgspec does."""
    recs = [
        {"userId": "u1", "name": "add", "eventAt": "2025-03-19T00:40:33.442Z", "data": {"p": 1.5}},
        {"eventId": "e1", "userId": "u2", "name": "v", "eventAt": "2025-03-07T09:27:44+02:00"},
        {"name": "s", "data": {"channel": "ads"}, "userId": "u3", "eventAt": "2025-01-01T00:00:00"},
        {"userId": "u4", "name": "p", "data": {"amount": 150.0, "items": 2, "n": None, "ok": True}},
        {"userId": "u5", "name": "x", "eventAt": None, "data": None, "eventId": None},
        {"userId": "u6", "name": "x", "data": {}, "context": {"ip": "1.2.3.4"}},
        {"userId": "ü7", "name": "été", "data": {"a": '\u00e9/"x"', "b": [1, "2"]}},
        {
            "userId": "u8",
            "name": "Order Completed",
            "data": {"products": [{"sku": "S1", "price": 12.5, "qty": 1}], "page": {"url": "/"}},
        },
        {"userId": "u9", "name": "n", "data": {"z": {"y": {"x": {"w": [[{"b": 1, "a": None}]]}}}}},
        {"userId": "u10", "name": "n", "data": {"é": {"b": 12345678901234567890123, "a": -0.5}}},
    ]
    lines = [json.dumps(r, separators=(",", ":")) for r in recs] + [json.dumps(r) for r in recs]
    lines += [json.dumps(r, ensure_ascii=False) for r in recs]
    lines += [  # a key given twice: the last one holds, as msgspec reads it
        '{"userId":"u11","name":"n","data":{"a":{"k":1,"k":[{"c":2,"c":3}]},"b":1,"b":{"x":1}}}',
        '{"userId":"u12","name":"n","data":{"b":2,"a":1,"b":3},"eventId":"e12"}',
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    import duckdb

    from journeylab.ingest.validate import Checker

    (batch,) = read_batches(path, "jsonl", RECV, 1000, lambda n: None)
    out = Checker(duckdb.connect()).reasons(batch)
    assert out["reason"].null_count == len(lines)
    rule_vs_validator(batch)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_typed_data_text_is_decided_by_the_vectorised_pass(tmp_path: Path, fmt: str) -> None:
    """``data`` given as JSON text in a typed input: minified (one regex stands for the
    lenient and the flat checks) or spaced (each on its own), sorted or not, nested or a key
    given twice (``jl_canon``) — decided by the pass; lenient or oddly written numbers go to
    the Validator, which agrees."""
    import csv

    import duckdb
    import pyarrow as pa

    from journeylab.ingest.validate import Checker

    common = [
        '{"p":1.5}',
        '{"amount":150.0,"items":2,"n":null,"ok":true}',
        '{"sku":"SKU-1","price":2.5}',
        "{}",
        '{"b": 1, "a": [1, "2"]}',
        '{"a":{"b":1}}',
        '{"z":[{"y":1,"b":[{"d":2,"c":1}]}],"a":{}}',
        '{"a": {"b": 1, "b": 2}}',
        '{"b":1,"a":2,"b":3}',
    ]
    odd = ['{"a":1,}', '{"a":NaN}', '{"a":1e400}', '{"a":{"b":1e400}}', '{"a":{"b":"\\u0001"}}']
    odd += ['{"a":12345678901234567.5}', '{"a":0.000001}', '{"a":[{"b":0.000001}]}']
    texts = common + odd + ['{"a":"x{y"}']  # either way: the Validator agrees
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["userId", "name", "data"])
        writer.writerows([f"u{i}", "n", t] for i, t in enumerate(texts))
        path = _write(tmp_path, fmt, out.getvalue().encode())
    else:
        users = [f"u{i}" for i in range(len(texts))]
        table = pa.table({"userId": users, "name": ["n"] * len(texts), "data": texts})
        path = _write(tmp_path, fmt, table)
    (batch,) = read_batches(path, fmt, RECV, 1000, lambda n: None)
    reasons = Checker(duckdb.connect()).reasons(batch)["reason"].to_pylist()
    assert reasons[: len(common)] == [None] * len(common)
    assert all(r is not None for r in reasons[len(common) : len(common) + len(odd)])
    rule_vs_validator(batch)


def test_every_number_in_a_plain_record_is_read_as_the_validator_reads_it(tmp_path: Path) -> None:
    """Each number spelling of the strategies, once, in the data of a plain record (minified,
    string fields: its text is not searched for three-digit exponents, its data is), in an
    array and in objects nested in objects and arrays (``jl_canon``), in JSON lines and in a
    JSON body, also where another rule would reject the record or data is no object: the
    pass's row or reason is the Validator's."""
    values = [f'{{"v":{n}}}' for n in NUMBERS] + [f'{{"v":[{n}],"w":1}}' for n in NUMBERS]
    values += [f'{{"w":1,"v":{{"y":[{{"x":{n}}}],"b":{n}}}}}' for n in NUMBERS]
    lines = [f'{{"userId":"u{i}","name":"n","data":{v}}}' for i, v in enumerate(values)]
    # a number that does not parse makes the record invalid_json before any other rule:
    # with a field missing, and in data that is not an object
    lines += [f'{{"name":"n","data":{v}}}' for v in values]
    lines += [f'{{"userId":"u","name":"","data":{v}}}' for v in values]
    lines += [f'{{"userId":"u","name":"n","data":{n}}}' for n in NUMBERS]
    lines += [f'{{"userId":"u","name":"n","data":[{n}]}}' for n in NUMBERS]
    path = _write(tmp_path, "jsonl", ("\n".join(lines) + "\n").encode())
    (batch,) = read_batches(path, "jsonl", RECV, 1000, lambda n: None)
    rule_vs_validator(batch)
    body = ("[" + ",".join(lines) + "]").encode()
    rule_vs_validator(next(body_batches(body, "x", RECV, 1000)))


def test_jl_canon_writes_what_the_validator_writes() -> None:
    """``jl_canon`` (the pass's Python function) writes each object as canonical_data does,
    and null for what msgspec does not read as an object: the pass then flags the record."""
    import pyarrow as pa

    from journeylab.ingest.model import canonical_data
    from journeylab.ingest.validate import canonical_texts

    objects = [{"b": {"d": [{"z": 1, "a": None}], "c": "é"}, "a": 12345678901234567890123}, {}]
    texts = [json.dumps(o) for o in objects] + ['{"k":1,"k":{"y":2,"x":1}}']
    texts += [None, "[1]", "5", '{"a":', '{"a":1e400}']
    out = canonical_texts(pa.array(texts, pa.string())).to_pylist()
    assert out[:2] == [canonical_data(o) for o in objects]
    assert out[2:] == ['{"k":{"x":1,"y":2}}', None, None, None, None, None]
