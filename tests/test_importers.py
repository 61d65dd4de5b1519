"""Importers (--format segment | amplitude | posthog | mixpanel): each vendor's fixture,
written from its documented export format, lands as docs/importers.md says; importing it
twice changes nothing; rows that are not events are quarantined; the vectorised mapping
equals the record-level reference on hypothesis-generated records; a vendor file ingested
without --format is refused with the --format to use."""

from __future__ import annotations

import gzip
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest_reference import lake_state, reference, rule_vs_validator
from ingest_strategies import STAMPS, data, dump, event_ids, idents, scalars
from journeylab import IngestOptions, InputError, open_lake
from journeylab.ingest.importers import vendor_batches
from journeylab.ingest.importers.mappings import mixpanel_instant
from journeylab.ingest.model import Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
FILES = {
    "segment": FIXTURES / "segment.jsonl",
    "amplitude": FIXTURES / "amplitude.json",
    "posthog": FIXTURES / "posthog.jsonl",
    "mixpanel": FIXTURES / "mixpanel.jsonl",
}
RECV = 1_893_456_000_000_000  # 2030-01-01
FAST = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(FAST, max_examples=120)


def _rows(lake: Any) -> list[tuple[Any, ...]]:
    frame = lake.execute(lake.events()).sort("event_id")
    return [
        (r["event_id"], r["user_id"], r["name"], r["event_at"].isoformat(), r["data"])
        for r in frame.to_dicts()
    ]


def _reasons(lake: Any) -> list[tuple[int, str]]:
    return sorted((r["record"], r["reason"]) for r in lake.rejected().to_dicts())


EXPECTED = {
    "segment": (
        [
            (
                "022bb90c-bbac-11e4-8dfc-aa07a5b093db",
                "97980cfea0067",
                "Order Completed",
                "2015-12-12T19:11:01.249000+00:00",
                '{"currency":"USD","products":[{"price":19,"sku":"45790-32"}],"revenue":39.95}',
            ),
            (
                "ajs-next-1",
                "23adfd82-aa0f-45a7-a756-24f2a7a4c895",  # userId null: anonymousId
                "Product Viewed",
                "2015-12-12T19:12:00+00:00",
                '{"name":"Monopoly","product_id":"507f1f77bcf86cd799439011"}',
            ),
            (
                "ajs-next-2",
                "97980cfea0067",
                "Loaded a Page",
                "2015-12-12T19:12:01+00:00",
                '{"path":"/","title":"Welcome","url":"https://example.com/"}',
            ),
            (
                "ios-1",
                "97980cfea0067",
                "Loaded a Screen",
                "2015-12-12T18:12:02+00:00",
                '{"variation":"blue signup button"}',
            ),
        ],
        [(5, "not_an_event"), (6, "not_an_event"), (7, "not_an_event"), (8, "missing_user_id")],
        1,  # the re-sent messageId
    ),
    "amplitude": (
        [
            (
                "5f0adeff-6668-4427-8d02-57d803a2b841",
                "john_doe@gmail.com",
                "watch_tutorial",
                "2015-08-10T12:00:00+00:00",
                '{"load_time":0.8371,"source":"notification"}',
            ),
            (
                "a7b3c9d2-0002-4bd9-95c6-8e5357df2002",  # no $insert_id: Amplitude's uuid
                "C8F9E604-F01A-4BD9-95C6-8E5357DF265D",  # no user_id: device_id
                "Open App",
                "2015-08-10T12:05:00.123000+00:00",
                "{}",
            ),
            (
                "c2b6c9e0-0004",
                "john_doe@gmail.com",
                "Purchase",
                "2015-08-10T13:00:00+00:00",
                '{"plan":"pro","seats":3}',
            ),
        ],
        [(3, "not_an_event"), (5, "missing_user_id")],
        0,
    ),
    "posthog": (
        [
            (
                "0188d2c4-3a7e-7b5b-9a0e-000000000001",
                "user-1",
                "$pageview",
                "2023-06-01T12:34:56.789000+00:00",
                '{"$browser":"Chrome","$current_url":"https://app.example.com/","$lib":"web"}',
            ),
            (
                "0188d2c4-3a7e-7b5b-9a0e-000000000002",
                "user-1",
                "signed_up",
                "2023-06-01T12:40:00+00:00",  # no offset: UTC
                '{"$lib":"posthog-python","plan":"free"}',  # properties as JSON text
            ),
            (
                "0188d2c4-3a7e-7b5b-9a0e-000000000003",
                "anon-7",
                "$autocapture",
                "2023-06-01T12:40:00+00:00",
                '{"$el_text":"Buy","$event_type":"click"}',
            ),
            (
                "0188d2c4-3a7e-7b5b-9a0e-000000000004",
                "user-2",
                "$identify",
                "2023-06-01T12:41:00+00:00",
                '{"$set":{"email":"a@example.com"}}',
            ),
        ],
        [(5, "missing_user_id")],
        0,
    ),
    "mixpanel": (
        [
            (
                "a1b2c3d4e5f6",
                "13793",
                "Signed Up",
                "2020-10-13T17:48:31+00:00",
                '{"$browser":"Chrome","$city":"Paris","mp_lib":"web","plan":"free"}',
            ),
            (
                "a1b2c3d4e5f7",
                "13793",
                "Played Song",
                "2020-10-13T17:49:32.123000+00:00",  # milliseconds
                '{"song":"Wonderwall"}',
            ),
        ],
        [(4, "missing_user_id"), (5, "invalid_event_at")],
        0,
    ),
}


@pytest.mark.parametrize("vendor", sorted(FILES))
def test_fixture_lands_as_documented_and_twice_changes_nothing(vendor: str, tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(FILES[vendor], format=vendor)
    rows, reasons, duplicates = EXPECTED[vendor]
    got = _rows(lake)
    if vendor == "mixpanel":  # the event without $insert_id: a derived id
        derived = [r for r in got if r[0] not in {row[0] for row in rows}]
        assert [r[1:] for r in derived] == [
            ("13794", "Played Song", "2020-10-13T17:50:00+00:00", '{"song":"Yellow"}')
        ]
        assert len(derived[0][0]) == 32
        got = [r for r in got if r not in derived]
    assert got == sorted(rows)
    assert _reasons(lake) == reasons
    assert report.duplicates == duplicates and report.unknown_fields == 0
    assert report.naive_timestamps == 0
    before = (lake.execute(lake.events()).sort("event_id"), lake.rejected())
    again = lake.ingest(FILES[vendor], format=vendor)
    assert (again.accepted, again.duplicates) == (0, report.accepted + report.duplicates)
    after = (lake.execute(lake.events()).sort("event_id"), lake.rejected())
    assert before[0].equals(after[0]) and before[1].equals(after[1])


def test_an_amplitude_zip_of_gzipped_files(tmp_path: Path) -> None:
    lines = FILES["amplitude"].read_bytes().splitlines(keepends=True)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("187520/187520_2015-08-10_12#0.json.gz", gzip.compress(b"".join(lines[:2])))
        zf.writestr("187520/187520_2015-08-10_13#0.json.gz", gzip.compress(b"".join(lines[2:])))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(archive, format="amplitude")
    rows, reasons, _ = EXPECTED["amplitude"]
    assert _rows(lake) == sorted(rows)
    sources = sorted((r["source"], r["record"]) for r in lake.rejected().to_dicts())
    assert sources == [
        ("export.zip/187520/187520_2015-08-10_13#0.json.gz", 1),
        ("export.zip/187520/187520_2015-08-10_13#0.json.gz", 3),
    ]
    again = lake.ingest(archive, format="amplitude")
    assert again.accepted == 0 and len(lake.rejected()) == 2
    # a single gzipped file, named as Amplitude names them (.json.gz holding JSON lines)
    single = tmp_path / "187520_2015-08-10_12#0.json.gz"
    single.write_bytes(gzip.compress(FILES["amplitude"].read_bytes()))
    other = open_lake(tmp_path / "other", create=True)
    other.ingest(single, format="amplitude")
    assert _rows(other) == sorted(rows)


def test_posthog_parquet_export(tmp_path: Path) -> None:
    records = [json.loads(line) for line in FILES["posthog"].read_text().splitlines()]
    for rec in records:  # as PostHog writes Parquet: times typed, properties as JSON text
        rec["timestamp"] = datetime.fromisoformat(rec["timestamp"]).astimezone(UTC)
        rec["timestamp"] = rec["timestamp"].replace(tzinfo=None)
        if not isinstance(rec["properties"], str):
            rec["properties"] = json.dumps(rec["properties"])
    table = pa.Table.from_pylist(
        [
            {k: r.get(k) for k in ("uuid", "event", "distinct_id", "timestamp", "properties")}
            | {"team_id": 1}
            for r in records
        ]
    )
    path = tmp_path / "posthog.parquet"
    pq.write_table(table, path)
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(path, format="posthog")
    rows, reasons, _ = EXPECTED["posthog"]
    assert _rows(lake) == sorted(rows)
    assert _reasons(lake) == reasons
    assert report.naive_timestamps == 0 and report.unknown_fields == 0
    assert lake.ingest(path, format="posthog").accepted == 0
    with pytest.raises(InputError, match="--format posthog"):  # without --format: the hint
        open_lake(tmp_path / "plain", create=True).ingest(path)


@pytest.mark.parametrize("vendor", sorted(FILES))
def test_an_export_ingested_as_plain_events_names_the_format(vendor: str, tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    path = FILES[vendor]
    if path.suffix == ".json":  # Amplitude: .json files holding JSON lines
        path = tmp_path / "export.jsonl"
        path.write_bytes(FILES[vendor].read_bytes())
    with pytest.raises(InputError, match=f"Pass --format {vendor} to import it") as err:
        lake.ingest(path)
    assert "export" in str(err.value) and lake.count() == 0
    with pytest.raises(InputError, match=f"--format {vendor}"):
        lake.ingest(FILES[vendor], format="json" if path.suffix == ".json" else "jsonl")


def test_events_api_records_with_extra_fields_are_not_taken_for_exports(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps({"userId": "u", "name": "n", "event": "x", "messageId": "m"}))
    assert open_lake(tmp_path / "lake", create=True).ingest(path).accepted == 1


# -- Mixpanel times ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("time", "tz", "utc"),
    [
        (1602611311, None, "2020-10-13T17:48:31+00:00"),
        (1602611311123, None, "2020-10-13T17:48:31.123000+00:00"),
        # the project's wall clock: 2020-10-13 17:48:31 in Los Angeles (PDT, -7)
        (1602611311, "America/Los_Angeles", "2020-10-14T00:48:31+00:00"),
        # wall times a clock change skips (02:30) or repeats (01:30): the smaller offset
        (1615689000, "America/New_York", "2021-03-14T07:30:00+00:00"),
        (1636248600, "America/New_York", "2021-11-07T06:30:00+00:00"),
    ],
)
def test_mixpanel_times(tmp_path: Path, time: int, tz: str | None, utc: str) -> None:
    rec = {"event": "e", "properties": {"distinct_id": "u", "time": time, "$insert_id": "i"}}
    path = tmp_path / "mp.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(path, format="mixpanel", options=IngestOptions(timezone=tz))
    assert _rows(lake)[0][3] == utc
    got = mixpanel_instant(time, tz)
    assert not isinstance(got, Rejection) and got.isoformat() == utc


def test_timezone_is_for_mixpanel_and_must_exist(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    with pytest.raises(InputError, match="--timezone.*Mixpanel exports only"):
        lake.ingest(FILES["segment"], format="segment", options=IngestOptions(timezone="UTC"))
    with pytest.raises(InputError, match="--timezone.*'Mars/Olympus'.*IANA"):
        lake.ingest(
            FILES["mixpanel"], format="mixpanel", options=IngestOptions(timezone="Mars/Olympus")
        )
    assert lake.count() == 0


# -- the vectorised mapping equals the reference --------------------------------------
def _value(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy, scalars)


stamps = st.one_of(st.sampled_from(STAMPS), st.sampled_from(["2015-08-10 12:00:00.000000"]))
mp_times = st.one_of(
    st.integers(-(10**12), 10**14),
    st.sampled_from([0, 1602611311, 1602611311123, 10**15, -(10**15), 1.5, "1602611311", True]),
)


@st.composite
def _data_text(draw: Any) -> str:
    """``data`` written as JSON text (PostHog's batch exports write properties so)."""
    return dump(draw(data), draw)


def _object(draw: Any, fields: dict[str, Any]) -> dict[str, Any]:
    rec = {k: draw(v) for k, v in fields.items() if draw(st.integers(0, 7)) > 0}
    keys = draw(st.permutations(list(rec)))
    return {k: rec[k] for k in keys}


RECORDS = {
    "segment": lambda draw: _object(
        draw,
        {
            "type": _value(st.sampled_from(["track", "page", "screen", "identify", "alias"])),
            "event": _value(idents),
            "userId": _value(idents),
            "anonymousId": _value(idents),
            "timestamp": _value(stamps),
            "properties": data,
            "messageId": event_ids,
            "context": st.just({"ip": "8.8.8.8"}),
        },
    ),
    "amplitude": lambda draw: _object(
        draw,
        {
            "event_type": _value(st.one_of(idents, st.sampled_from(["$identify"]))),
            "user_id": _value(idents),
            "device_id": _value(idents),
            "event_time": _value(stamps),
            "event_properties": data,
            "$insert_id": event_ids,
            "uuid": event_ids,
            "user_properties": st.just({"age": 3}),
        },
    ),
    "posthog": lambda draw: _object(
        draw,
        {
            "uuid": event_ids,
            "event": _value(idents),
            "distinct_id": _value(idents),
            "timestamp": _value(stamps),
            "properties": st.one_of(data, _data_text(), st.just("{bad")),
            "team_id": st.just(2),
        },
    ),
    "mixpanel": lambda draw: _object(
        draw,
        {
            "event": _value(idents),
            "properties": st.one_of(
                st.builds(
                    lambda base, extra: {**extra, **base},
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "distinct_id": _value(idents),
                            "time": _value(mp_times),
                            "$insert_id": event_ids,
                        },
                    ),
                    data.filter(lambda d: isinstance(d, dict)),
                ),
                scalars,
            ),
        },
    ),
}


@st.composite
def exports(draw: Any, vendor: str) -> bytes:
    lines = [dump(RECORDS[vendor](draw), draw) for _ in range(draw(st.integers(1, 12)))]
    if draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["{bad", "[1]", "7", '"s"'])))
    if lines and draw(st.booleans()):
        lines.append(draw(st.sampled_from(lines)))  # a re-sent row
    return ("\n".join(lines) + "\n").encode()


def _differential(vendor: str, content: bytes, tz: str | None = None, chunk: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{vendor}.jsonl"
        path.write_bytes(content)
        for batch in vendor_batches(path, vendor, RECV, chunk, lambda n: None, tz):
            rule_vs_validator(batch)
        if tz is not None:
            return
        lake = open_lake(Path(tmp) / "lake", create=True)
        want = reference([path], vendor, RECV, 5)
        report = lake.ingest(
            path,
            format=vendor,
            received_at=datetime(2030, 1, 1, tzinfo=UTC),
            options=IngestOptions(chunk_rows=5),
        )
        assert lake_state(lake, report) == want


@FAST
@given(content=exports("segment"))
def test_segment_mapping_equals_the_reference(content: bytes) -> None:
    _differential("segment", content)


@FAST
@given(content=exports("amplitude"))
def test_amplitude_mapping_equals_the_reference(content: bytes) -> None:
    _differential("amplitude", content)


@FAST
@given(content=exports("posthog"))
def test_posthog_mapping_equals_the_reference(content: bytes) -> None:
    _differential("posthog", content)


@FAST
@given(
    content=exports("mixpanel"),
    tz=st.sampled_from([None, "America/New_York", "Europe/Dublin", "Australia/Lord_Howe"]),
)
@example(  # userId missing and time out of range: missing_user_id comes first
    content=b'{"properties":{"distinct_id":null,"time":-62135596800001},"event":null}\n',
    tz=None,
)
def test_mixpanel_mapping_equals_the_reference(content: bytes, tz: str | None) -> None:
    _differential("mixpanel", content, tz)


@pytest.mark.slow
@SLOW
@given(
    vendor=st.sampled_from(sorted(RECORDS)),
    data=st.data(),
    tz=st.sampled_from([None, "America/New_York", "Europe/Dublin"]),
)
def test_mappings_equal_the_reference_long(vendor: str, data: Any, tz: str | None) -> None:
    content = data.draw(exports(vendor))
    _differential(vendor, content, tz if vendor == "mixpanel" else None)


def test_mixpanel_clock_changes_equal_duckdb() -> None:
    """Every half hour around four clock changes: DuckDB's zones and the reference agree."""
    lines = []
    for start in (1615680000, 1636243200, 1617454800, 1633183200):  # local wall clocks
        for step in range(24):
            t = start + 1800 * step
            lines.append(json.dumps({"event": "e", "properties": {"distinct_id": "u", "time": t}}))
    content = ("\n".join(lines) + "\n").encode()
    for tz in ("America/New_York", "Europe/Dublin", "Australia/Lord_Howe", "Asia/Kolkata"):
        _differential("mixpanel", content, tz, chunk=1000)
