"""Validation rules of semantics.md "Events": every quarantine reason, timestamps, ids, dedupe."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeylab import REASONS, Lake, open_lake
from journeylab.ingest.model import derive_event_id

RECEIVED_AT = datetime(2030, 1, 1, tzinfo=UTC)

OK = {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z"}
LONG = "x" * 255
TOO_LONG = "x" * 256

# (record as written on a line, expected reason)
BAD_LINES: list[tuple[object, str]] = [
    ("not json at all", "invalid_json"),
    ('{"userId": "u1", "name": "a"', "invalid_json"),
    (b'{"userId": "\xff\xfe", "name": "a"}', "invalid_json"),
    ("[1, 2]", "not_an_object"),
    ('"just a string"', "not_an_object"),
    ("42", "not_an_object"),
    ("null", "not_an_object"),
    ({"name": "a"}, "missing_user_id"),
    ({"userId": None, "name": "a"}, "missing_user_id"),
    ({"userId": "", "name": "a"}, "invalid_user_id"),
    ({"userId": 17, "name": "a"}, "invalid_user_id"),
    ({"userId": TOO_LONG, "name": "a"}, "invalid_user_id"),
    ({"userId": "u"}, "missing_name"),
    ({"userId": "u", "name": None}, "missing_name"),
    ({"userId": "u", "name": ""}, "invalid_name"),
    ({"userId": "u", "name": ["a"]}, "invalid_name"),
    ({"userId": "u", "name": TOO_LONG}, "invalid_name"),
    ({**OK, "eventAt": "yesterday"}, "invalid_event_at"),
    ({**OK, "eventAt": 1704067200}, "invalid_event_at"),
    ({**OK, "eventAt": "2024-02-30T00:00:00Z"}, "invalid_event_at"),
    ({**OK, "eventAt": "2024-01-01T00:00:00+25:00"}, "invalid_event_at"),
    ({**OK, "eventAt": "2024-01-01"}, "invalid_event_at"),
    ({**OK, "eventAt": "0000-01-01T00:00:00Z"}, "invalid_event_at"),
    ({**OK, "eventAt": "0001-01-01T00:30:00+01:00"}, "invalid_event_at"),
    ({**OK, "eventAt": "9999-12-31T23:30:00-01:00"}, "invalid_event_at"),
    ({**OK, "eventAt": "٢٠٢٤-01-01T00:00:00Z"}, "invalid_event_at"),
    ({**OK, "eventId": ""}, "invalid_event_id"),
    ({**OK, "eventId": 7}, "invalid_event_id"),
    ({**OK, "eventId": TOO_LONG}, "invalid_event_id"),
    ({**OK, "data": [1, 2]}, "invalid_data"),
    ({**OK, "data": "text"}, "invalid_data"),
    ({**OK, "data": 3.5}, "invalid_data"),
    ({**OK, "data": True}, "invalid_data"),
    ({**OK, "data": {"s": "x" * 32761}}, "data_too_large"),
]


def _ingest(lake: Lake, write_jsonl, records, name: str = "events.jsonl"):
    return lake.ingest(write_jsonl(records, name), received_at=RECEIVED_AT)


def test_every_jsonl_reason_is_quarantined_with_raw_text(lake: Lake, write_jsonl) -> None:
    report = _ingest(lake, write_jsonl, [OK] + [rec for rec, _ in BAD_LINES])
    assert report.accepted == 1
    assert report.rejected == len(BAD_LINES)
    expected: dict[str, int] = {}
    for _, reason in BAD_LINES:
        expected[reason] = expected.get(reason, 0) + 1
    assert report.rejected_by_reason == expected
    rejected = lake.rejected()
    assert rejected["reason"].to_list() == [reason for _, reason in BAD_LINES]
    assert rejected["record"].to_list() == list(range(2, len(BAD_LINES) + 2))
    assert set(rejected["source"]) == {"events.jsonl"}
    for (rec, _), raw, detail in zip(
        BAD_LINES, rejected["raw"].to_list(), rejected["detail"].to_list(), strict=True
    ):
        if isinstance(rec, str):
            assert raw == rec
        elif isinstance(rec, dict):
            assert json.loads(raw) == rec
        assert detail  # a human explanation, never empty


def test_reason_codes_cover_all_formats(lake: Lake, write_jsonl, tmp_path: Path) -> None:
    """invalid_batch (json body) and invalid_row (csv) — the two codes JSONL cannot produce;
    not_an_event: an imported row that is not an event (a Segment identify call)."""
    body = tmp_path / "batch.json"
    body.write_text(json.dumps({"records": []}))
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text(
        "userId,name,eventAt,data\nu1,a,2024-01-01T00:00:00Z,{bad\nu1,a,x,{},extra\n"
    )
    identify = tmp_path / "segment.jsonl"
    identify.write_text(json.dumps({"type": "identify", "userId": "u1", "messageId": "m"}))
    r1 = lake.ingest(body)
    r2 = lake.ingest(csv_path)
    r3 = lake.ingest(identify, format="segment")
    assert r1.rejected_by_reason == {"invalid_batch": 1}
    assert r2.rejected_by_reason == {"invalid_row": 2}
    assert r3.rejected_by_reason == {"not_an_event": 1}
    seen = set(lake.rejected()["reason"]) | {reason for _, reason in BAD_LINES}
    assert seen == set(REASONS)


def test_limits_are_inclusive(lake: Lake, write_jsonl) -> None:
    exact = {"s": "x" * 32760}  # {"s":"…"} serializes to exactly 32 KiB
    assert len(json.dumps(exact, separators=(",", ":"))) == 32 * 1024
    records = [
        {"userId": LONG, "name": LONG, "eventId": LONG, "eventAt": "2024-01-01T00:00:00Z"},
        {**OK, "data": exact},
    ]
    report = _ingest(lake, write_jsonl, records)
    assert (report.accepted, report.rejected) == (2, 0)


def test_timestamps_are_stored_in_utc_microseconds(lake: Lake, write_jsonl) -> None:
    cases = {
        "a": ("2024-01-01T02:30:00+02:30", datetime(2024, 1, 1, 0, 0, tzinfo=UTC)),
        "b": ("2024-01-01T00:00:00.1234567Z", datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
        "c": ("2023-12-31T23:00:00-01:00", datetime(2024, 1, 1, 0, 0, tzinfo=UTC)),
        "d": ("2024-01-01t00:00:00.5z", datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)),
        "naive": ("2024-06-01T12:00:00", datetime(2024, 6, 1, 12, 0, tzinfo=UTC)),
        "naive_space": (
            "2024-06-01 12:00:00.25",
            datetime(2024, 6, 1, 12, 0, 0, 250000, tzinfo=UTC),
        ),
        "absent": (None, RECEIVED_AT),
        "first": ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        "last": ("9999-12-31T23:59:59.999999Z", datetime(9999, 12, 31, 23, 59, 59, 999999, UTC)),
    }
    records = []
    for name, (at, _) in cases.items():
        rec = {"userId": "u", "name": name}
        if at is not None:
            rec["eventAt"] = at
        records.append(rec)
    report = _ingest(lake, write_jsonl, records)
    assert report.accepted == len(cases)
    assert report.naive_timestamps == 2
    assert report.first_event_at == datetime(1, 1, 1, tzinfo=UTC)
    rows = lake.execute(lake.events().select("name", "event_at", "received_at"))
    got = {r["name"]: r["event_at"] for r in rows.to_dicts()}
    assert got == {name: want for name, (_, want) in cases.items()}
    assert set(rows["received_at"].to_list()) == {RECEIVED_AT}


def test_data_is_canonical_json(lake: Lake, write_jsonl) -> None:
    data = {"b": {"z": 1, "y": [3, {"k": 2, "j": 1}]}, "a": "é", "c": None, "d": 1.5}
    _ingest(lake, write_jsonl, [{**OK, "data": data}, {**OK, "name": "nodata"}])
    rows = lake.execute(lake.events().select("name", "data")).sort("name")
    assert rows["data"].to_list() == [
        None,
        '{"a":"é","b":{"y":[3,{"j":1,"k":2}],"z":1},"c":null,"d":1.5}',
    ]


# (records, the rows that land): the first of each eventId in the input wins
FIRST_WINS = {
    "the pass's rows": (
        [
            {**OK, "eventId": "e1", "data": {"v": 1}},
            {**OK, "eventId": "e1", "data": {"v": 2}, "name": "other"},
            {**OK, "eventId": "e2"},
            {**OK, "eventId": "e1", "data": {"v": 3}},
        ],
        [("e1", "signup", '{"v":1}'), ("e2", "signup", None)],
    ),
    # a float of 1e16 or more sends its record to the Validator, whose row follows the
    # pass's rows in the validated chunk: the first in the input wins either way round
    "the Validator's rows and the pass's": (
        [
            {**OK, "eventId": "e1", "data": {"v": 1.5e20}},  # the Validator's row, first
            {**OK, "eventId": "e1", "data": {"v": 2}, "name": "other"},
            {**OK, "eventId": "e2", "data": {"v": 3}},  # the pass's row, first
            {**OK, "eventId": "e2", "data": {"v": 2.5e20}, "name": "other"},
            {**OK, "eventId": "e3", "data": {"v": 3.5e20}},
            {**OK, "eventId": "e3", "data": {"v": 3.5e20}},
        ],
        [
            ("e1", "signup", '{"v":1.5e20}'),
            ("e2", "signup", '{"v":3}'),
            ("e3", "signup", '{"v":3.5e20}'),
        ],
    ),
}


@pytest.mark.parametrize("case", list(FIRST_WINS))
def test_dedupe_on_event_id_keeps_the_first(lake: Lake, write_jsonl, case: str) -> None:
    records, landed = FIRST_WINS[case]
    report = _ingest(lake, write_jsonl, records)
    want = (len(records), len(landed), len(records) - len(landed))
    assert (report.records, report.accepted, report.duplicates) == want
    rows = lake.execute(lake.events().order_by("event_id")).to_dicts()
    assert [(r["event_id"], r["name"], r["data"]) for r in rows] == landed


def test_derived_event_id_is_a_deterministic_content_hash(lake: Lake, write_jsonl) -> None:
    records = [
        {**OK, "data": {"a": 1, "b": 2}},
        {**OK, "data": {"b": 2, "a": 1}},  # same content, other key order: duplicate
        {**OK, "eventAt": "2024-01-01T01:00:00+01:00", "data": {"a": 1, "b": 2}},  # same instant
        {**OK, "data": {"a": 1, "b": 3}},  # different data: distinct
        {**OK, "data": {"a": 1.0, "b": 2}},  # 1.0 is not 1 in canonical JSON: distinct
        {"userId": "u1", "name": "signup"},  # no eventAt: hashed with eventAt absent
        {"userId": "u1", "name": "signup"},
    ]
    report = _ingest(lake, write_jsonl, records)
    assert (report.accepted, report.duplicates) == (4, 3)
    ids = lake.execute(lake.events().select("event_id"))["event_id"].to_list()
    assert len(set(ids)) == 4
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    micros = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000
    assert derive_event_id("u1", "signup", micros, '{"a":1,"b":2}') in ids
    assert derive_event_id("u1", "signup", None, None) in ids


def test_reingest_adds_nothing_and_quarantine_is_not_doubled(lake: Lake, write_jsonl) -> None:
    path = write_jsonl([OK, {"userId": "u2", "name": "x"}, "garbage", {**OK, "eventId": "k"}])
    first = lake.ingest(path)
    second = lake.ingest(path)
    assert (first.accepted, first.duplicates, first.rejected) == (3, 0, 1)
    assert (second.accepted, second.duplicates, second.rejected) == (0, 3, 1)
    assert lake.count() == 3
    assert len(lake.rejected()) == 1


def test_report_fields(lake: Lake, write_jsonl) -> None:
    records = [OK, OK, "x", {**OK, "eventAt": "2024-03-01T00:00:00", "extra": 1}]
    report = _ingest(lake, write_jsonl, records)
    d = report.to_dict()
    assert d["records"] == 4 == d["accepted"] + d["duplicates"] + d["rejected"]
    assert (d["accepted"], d["duplicates"], d["rejected"]) == (2, 1, 1)
    assert d["rejected_by_reason"] == {"invalid_json": 1}
    assert d["naive_timestamps"] == 1
    assert d["unknown_fields"] == 1
    assert (d["first_event_at"], d["last_event_at"]) == (
        "2024-01-01T00:00:00Z",
        "2024-03-01T00:00:00Z",
    )
    assert len(d["sources"]) == 1 and d["sources"][0].endswith("events.jsonl")
    json.dumps(d)  # serializable


def test_blank_lines_are_not_records(lake: Lake, write_jsonl) -> None:
    report = _ingest(lake, write_jsonl, [OK, "", "   ", {**OK, "name": "b"}])
    assert (report.records, report.accepted, report.rejected) == (2, 2, 0)


def test_quarantine_is_queryable_through_sql(lake: Lake, write_jsonl) -> None:
    _ingest(lake, write_jsonl, [OK, "nope", {"userId": "u"}, {"userId": "u"}])
    out = lake.sql(
        "select reason, count(*) as n from rejected where reason <> ? group by 1 order by 1",
        ["invalid_json"],
    )
    assert out.to_dicts() == [{"reason": "missing_name", "n": 2}]
    assert lake.sql("select count(*) as n from events")["n"][0] == 1


@pytest.mark.parametrize("chunk_rows", [1, 2, 1000])
def test_chunking_does_not_change_the_result(tmp_path: Path, write_jsonl, chunk_rows: int) -> None:
    records = [
        {**OK, "eventId": f"e{i % 7}", "name": f"n{i % 3}", "data": {"i": i}} for i in range(20)
    ] + ["bad"] * 3
    lk = open_lake(tmp_path / f"lake{chunk_rows}", create=True)
    report = lk.ingest(write_jsonl(records), chunk_rows=chunk_rows, received_at=RECEIVED_AT)
    assert (report.accepted, report.duplicates, report.rejected) == (7, 13, 3)
    rows = lk.execute(lk.events().order_by("event_id")).to_dicts()
    assert [(r["event_id"], r["data"]) for r in rows] == [
        (f"e{i}", f'{{"i":{i}}}') for i in range(7)
    ]


def test_misspelt_fields_are_named_with_the_field_they_may_mean(
    lake: Lake, write_jsonl, tmp_path: Path
) -> None:
    """A typo must not look like a result: ``evntAt`` lands the event at its receive time,
    ``Data`` drops its data, ``userID`` rejects it. The report names each field that is not
    an Events API field (per accepted record) and the rejection says what was meant."""
    records = [
        {"userId": "u1", "name": "signup", "evntAt": "2024-01-01T00:00:00Z"},
        {"userId": "u2", "name": "signup", "Data": {"plan": "pro"}, "evntAt": "x"},
        {"userID": "u3", "name": "signup", "evntAt": "y"},  # rejected: not counted
        {**OK, "data": {"b": 1, "a": [1]}, "extra": 1},  # nested data: the Validator's row
    ]
    report = _ingest(lake, write_jsonl, records)
    assert (report.accepted, report.rejected) == (3, 1)
    assert report.unknown_field_names == {"evntAt": 2, "Data": 1, "extra": 1}
    assert report.unknown_fields == sum(report.unknown_field_names.values())
    d = report.to_dict()
    assert d["unknown_field_names"] == {"Data": 1, "evntAt": 2, "extra": 1}
    assert d["rejected_examples"] == {
        "missing_user_id": {
            "source": "events.jsonl",
            "record": 3,
            "detail": "userId is required; the record has 'userID': did you mean 'userId'?",
        }
    }
    csv = tmp_path / "e.csv"
    csv.write_text("userId,name,evntAt,plan\nu9,a,2024-01-01T00:00:00Z,\n,a,x,pro\nu8,b,,pro\n")
    assert lake.ingest(csv).unknown_field_names == {"evntAt": 1, "plan": 1}
    pq.write_table(
        pa.table({"user_id": ["u7", "u6"], "name": ["a", "b"], "evnt_at": ["x", None]}),
        tmp_path / "e.parquet",
    )
    assert lake.ingest(tmp_path / "e.parquet").unknown_field_names == {"evnt_at": 1}


@pytest.mark.parametrize(
    ("at", "hint"),
    [
        ("2025-01-01 10:00:00+00", "; its offset '+00' needs hours and minutes: '+00:00'"),
        ("2025-01-01T10:00:00.5-0530", "; its offset '-0530' needs hours and minutes: '-05:30'"),
        ("1735725600", "; it looks like a count since 1970"),
        (1735725600123, "; it looks like a count since 1970"),
        ("01/02/2025 10:00", ""),
        (True, ""),
    ],
)
def test_near_misses_of_rfc3339_say_how_to_fix_them(
    lake: Lake, write_jsonl, at: object, hint: str
) -> None:
    """PostgreSQL's text output writes offsets as '+00'; exports write epoch numbers: the
    rejection's detail says what RFC 3339 wants instead."""
    lake.ingest(write_jsonl([{"userId": "u", "name": "n", "eventAt": at}]))
    (detail,) = lake.rejected()["detail"].to_list()
    assert detail.startswith("eventAt ")
    if hint:
        assert hint in detail
    else:
        assert "offset" not in detail and "1970" not in detail
