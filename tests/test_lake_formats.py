"""Input formats: jsonl/ndjson, json batch (body and list), csv (data JSON or data.*), parquet."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeylab import InputError, Lake, open_lake

EVENTS = [
    {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z", "data": {"plan": "pro"}},
    {"userId": "u2", "name": "purchase", "eventAt": "2024-01-02T00:00:00Z", "eventId": "p-1"},
]


def _rows(lake: Lake) -> list[tuple[str, str, datetime, str | None]]:
    frame = lake.execute(lake.events().select("user_id", "name", "event_at", "data"))
    return sorted(tuple(r.values()) for r in frame.to_dicts())  # type: ignore[misc]


EXPECTED = [
    ("u1", "signup", datetime(2024, 1, 1, tzinfo=UTC), '{"plan":"pro"}'),
    ("u2", "purchase", datetime(2024, 1, 2, tzinfo=UTC), None),
]


@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".JSONL"])
def test_json_lines(lake: Lake, write_jsonl, suffix: str) -> None:
    report = lake.ingest(write_jsonl(EVENTS, "e" + suffix))
    assert report.accepted == 2
    assert _rows(lake) == EXPECTED
    assert "p-1" in lake.execute(lake.events().select("event_id"))["event_id"].to_list()


@pytest.mark.parametrize("body", [{"events": EVENTS}, EVENTS])
def test_json_batch_body_and_list(lake: Lake, tmp_path: Path, body: object) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(body))
    assert lake.ingest(path).accepted == 2
    assert _rows(lake) == EXPECTED


def test_json_batch_with_bad_members_lands_the_good_ones(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"events": [*EVENTS, 5, {"userId": "u"}]}))
    report = lake.ingest(path)
    assert (report.accepted, report.rejected_by_reason) == (
        2,
        {"not_an_object": 1, "missing_name": 1},
    )
    assert lake.rejected()["raw"].to_list() == ["5", '{"userId":"u"}']


def test_json_batch_not_json(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text("{oops")
    assert lake.ingest(path).rejected_by_reason == {"invalid_json": 1}


def test_csv_with_data_json_column(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "userId,name,eventAt,data,eventId\n"
        'u1,signup,2024-01-01T00:00:00Z,"{""plan"": ""pro""}",\n'
        "u2,purchase,2024-01-02T00:00:00Z,,p-1\n"
    )
    assert lake.ingest(path).accepted == 2
    assert _rows(lake) == EXPECTED


def test_csv_with_flat_data_columns_and_type_coercion(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "userId,name,eventAt,data.amount,data.qty,data.ok,data.label,data.code,data.n\n"
        "u1,buy,2024-01-01T00:00:00Z,12.5,3,true,pro,007,nan\n"
        "u2,buy,2024-01-01T00:00:00Z,,-4,FALSE,1_000,1e3, 5 \n"
    )
    report = lake.ingest(path)
    assert report.accepted == 2
    datas = {
        r["user_id"]: json.loads(r["data"])
        for r in lake.execute(lake.events().select("user_id", "data")).to_dicts()
    }
    assert datas["u1"] == {
        "amount": 12.5,
        "qty": 3,
        "ok": True,
        "label": "pro",
        "code": "007",
        "n": "nan",
    }
    assert datas["u2"] == {"qty": -4, "ok": False, "label": "1_000", "code": 1000.0, "n": " 5 "}
    assert isinstance(datas["u2"]["code"], float)


def test_csv_without_any_data(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("userId,name,eventAt\nu1,a,2024-01-01T00:00:00Z\n,a,2024-01-01T00:00:00Z\n")
    report = lake.ingest(path)
    assert (report.accepted, report.rejected_by_reason) == (1, {"missing_user_id": 1})
    assert lake.execute(lake.events().select("data"))["data"].to_list() == [None]


def test_parquet_camel_case(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table(
            {
                "userId": ["u1", "u2"],
                "name": ["signup", "purchase"],
                "eventAt": ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"],
                "data": ['{"plan": "pro"}', None],
                "eventId": [None, "p-1"],
            }
        ),
        path,
    )
    assert lake.ingest(path).accepted == 2
    assert _rows(lake) == EXPECTED


def test_parquet_snake_case_with_timestamp_column(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    at = pa.array(
        [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)],
        pa.timestamp("us", tz="UTC"),
    )
    pq.write_table(
        pa.table(
            {
                "user_id": ["u1", "u2"],
                "name": ["signup", "purchase"],
                "event_at": at,
                "data": ['{"plan":"pro"}', None],
                "event_id": [None, "p-1"],
            }
        ),
        path,
    )
    report = lake.ingest(path)
    assert (report.accepted, report.naive_timestamps) == (2, 0)
    assert _rows(lake) == EXPECTED


def test_parquet_naive_timestamps_are_counted(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table({"user_id": ["u1"], "name": ["a"], "event_at": [datetime(2024, 1, 1)]}), path
    )
    report = lake.ingest(path)
    assert (report.accepted, report.naive_timestamps) == (1, 1)
    assert report.first_event_at == datetime(2024, 1, 1, tzinfo=UTC)


def test_a_lake_file_round_trips_through_parquet_import(
    lake: Lake, write_jsonl, tmp_path: Path
) -> None:
    from journeylab import open_lake

    lake.ingest(write_jsonl(EVENTS))
    other = open_lake(tmp_path / "other", create=True)
    for f in lake.layout.event_files():
        other.ingest(f)
    cols = ["event_id", "user_id", "name", "event_at", "data"]
    assert lake.execute(lake.events().select(cols).order_by("event_id")).equals(
        other.execute(other.events().select(cols).order_by("event_id"))
    )


def test_format_flag_forces_the_reader(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("\n".join(json.dumps(e) for e in EVENTS))
    with pytest.raises(InputError, match="--format"):
        lake.ingest(path)
    assert lake.ingest(path, format="ndjson").accepted == 2
    batch = tmp_path / "looks.jsonl"
    batch.write_text(json.dumps({"events": EVENTS}))
    assert lake.ingest(batch, format="json").duplicates == 2


def test_unknown_format_and_missing_file_are_errors(lake: Lake, tmp_path: Path) -> None:
    good = tmp_path / "e.jsonl"
    good.write_text(json.dumps(EVENTS[0]))
    with pytest.raises(InputError, match=r"Invalid value for --format: 'xml'.*Valid choices"):
        lake.ingest(good, format="xml")
    with pytest.raises(InputError, match="does not exist"):
        lake.ingest([good, tmp_path / "missing.jsonl"])
    assert lake.count() == 0  # nothing landed: inputs are checked before anything is written


@pytest.mark.parametrize("name", ["events.jsonl.gz", "batch.json.gz", "rows.csv.gz"])
def test_gzipped_inputs_read_like_plain_ones(lake: Lake, tmp_path: Path, name: str) -> None:
    import gzip

    events = [
        {"userId": "u1", "name": "signup", "eventAt": "2024-01-01T00:00:00Z"},
        {"userId": "u2", "name": "purchase", "eventAt": "2024-01-02T00:00:00Z"},
    ]
    if name.startswith("events"):
        text = "".join(json.dumps(e) + "\n" for e in events) + "not json\n"
    elif name.startswith("batch"):
        text = json.dumps({"events": events + [[1]]})
    else:
        text = "userId,name,eventAt\n" + "".join(
            f"{e['userId']},{e['name']},{e['eventAt']}\n" for e in events
        )
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))
    report = lake.ingest(path)
    assert report.accepted == 2
    assert report.rejected == (0 if name.startswith("rows") else 1)
    got = lake.execute(lake.events().order_by("user_id"))["user_id"].to_list()
    assert got == ["u1", "u2"]


def test_gzipped_parquet_is_refused(lake: Lake, tmp_path: Path) -> None:
    path = tmp_path / "x.parquet.gz"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="format"):
        lake.ingest(path)


def _texts() -> dict[str, str]:
    """EVENTS in each text format, a bad record after them (CSV: too many fields)."""
    lines = "".join(json.dumps(e) + "\r\n" for e in EVENTS)
    return {
        "e.jsonl": lines + "not json\r\n",
        "e.json": json.dumps({"events": [*EVENTS, 5]}),
        "e.csv": "userId,name,eventAt,data,eventId\r\n"
        'u1,signup,2024-01-01T00:00:00Z,"{""plan"": ""pro""}",\r\n'
        "u2,purchase,2024-01-02T00:00:00Z,,p-1\r\n"
        "u3,a,b,c,d,e\r\n",
    }


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("name", sorted(_texts()))
def test_a_byte_order_mark_is_not_part_of_the_first_record(
    tmp_path: Path, name: str, gz: bool
) -> None:
    """Excel's "CSV UTF-8" and Windows tools start a file with a UTF-8 byte order mark: it
    lands exactly as the same file without one (it made every CSV row missing_user_id)."""
    import gzip

    text = _texts()[name]
    lakes = []
    for kind, body in (("plain", text.encode()), ("marked", b"\xef\xbb\xbf" + text.encode())):
        lake = open_lake(tmp_path / kind, create=True)
        path = tmp_path / (kind + "-" + name + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(body) if gz else body)
        report = lake.ingest(path)
        assert (report.accepted, report.rejected) == (2, 1)
        lakes.append(lake)
    plain, marked = lakes
    assert _rows(marked) == _rows(plain) == EXPECTED
    assert marked.rejected()["raw"].to_list() == plain.rejected()["raw"].to_list()


def test_a_byte_order_mark_only_at_the_start_is_dropped(lake: Lake, tmp_path: Path) -> None:
    """Only a stream's leading mark is dropped: one at the start of a later line is that
    record's text, quarantined as it came."""
    path = tmp_path / "e.jsonl"
    second = "\ufeff" + json.dumps(EVENTS[1])
    path.write_text("\ufeff" + json.dumps(EVENTS[0]) + "\n" + second + "\n", encoding="utf-8")
    report = lake.ingest(path)
    assert (report.accepted, report.rejected_by_reason) == (1, {"invalid_json": 1})
    assert lake.rejected()["raw"].to_list() == [second]
