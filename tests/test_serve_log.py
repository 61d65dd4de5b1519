"""The endpoint's durable log: frames, torn tails, segments, the checkpoint, replay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from journeylab import open_lake
from journeylab.serve import ServeConfig, serving
from journeylab.serve.appender import Appender, LogFailed
from journeylab.serve.batch import decode_entry, parse_members, validate
from journeylab.serve.log import EventLog, Position
from journeylab.serve.server import LOG_FOLDER
from serve_helpers import post, wait_landed


def _log(path: Path, segment_bytes: int = 1 << 20) -> EventLog:
    log = EventLog(path, segment_bytes)
    log.open()
    return log


def test_frames_read_back_across_segments(tmp_path: Path) -> None:
    log = _log(tmp_path / "log", segment_bytes=100)
    payloads = [bytes([i]) * (10 + i) for i in range(30)]
    for i in range(0, 30, 3):
        log.append(payloads[i : i + 3])
    assert len(log.segments()) > 3
    got = [p for p, _ in log.read(log.checkpoint(), log.end)]
    assert got == payloads
    # from a position in the middle: the frames after it
    middle = list(log.read(log.checkpoint(), log.end))[11][1]
    assert [p for p, _ in log.read(middle, log.end)] == payloads[12:]
    log.set_checkpoint(middle)
    assert log.segments()[0] == middle.segment  # the segments before it are gone
    assert [p for p, _ in log.read(log.checkpoint(), log.end)] == payloads[12:]
    log.close()


@pytest.mark.parametrize("tail", [b"J", b"JLF1\x05\x00", b"JLF1\x05\x00\x00\x00\x00\x00\x00\x00ab"])
def test_a_torn_tail_is_cut_off_on_open(tmp_path: Path, tail: bytes) -> None:
    log = _log(tmp_path / "log")
    log.append([b"one", b"two"])
    end = log.end
    log.close()
    (segment,) = (tmp_path / "log" / "log").iterdir()
    with open(segment, "ab") as fh:
        fh.write(tail)
    log = _log(tmp_path / "log")
    assert log.end == end and segment.stat().st_size == end.offset
    log.append([b"three"])
    assert [p for p, _ in log.read(Position(1, 0), log.end)] == [b"one", b"two", b"three"]
    log.close()


def test_a_frame_failing_its_checksum_ends_the_log(tmp_path: Path) -> None:
    log = _log(tmp_path / "log")
    log.append([b"one"])
    log.append([b"two"])
    log.close()
    (segment,) = (tmp_path / "log" / "log").iterdir()
    data = bytearray(segment.read_bytes())
    data[-1] ^= 0xFF
    segment.write_bytes(bytes(data))
    log = _log(tmp_path / "log")
    assert [p for p, _ in log.read(Position(1, 0), log.end)] == [b"one"]
    log.close()


def test_entries_round_trip_with_ids_and_receive_time_fixed() -> None:
    members = parse_members(
        b'{"events": [{"userId": "u", "name": "a", "data": {"b": 1, "a": [2]}}, {"name": 3}]}',
        500,
    )
    entry = validate(members, "http:r1", 1_700_000_000_000_000)
    back = decode_entry(entry.encode())
    assert back == entry
    assert back.event_at == [1_700_000_000_000_000] and back.data == ['{"a":[2],"b":1}']
    assert back.rejects == [(1, '{"name":3}', "missing_user_id", "userId is required")]


def test_a_failed_write_refuses_every_later_request(tmp_path: Path) -> None:
    log = _log(tmp_path / "log")
    appender = Appender(log, lambda end, n: None)
    appender.start()
    assert appender.submit(b"fine", 1).result(5) == log.end
    assert log._fd is not None
    os.close(log._fd)  # the next write fails (EBADF)
    with pytest.raises(LogFailed, match="could not be written"):
        appender.submit(b"lost", 1).result(5)
    with pytest.raises(LogFailed):
        appender.submit(b"later", 1).result(5)
    assert appender.failure is not None
    log._fd = None
    appender.stop()
    log.close()


def test_a_restart_lands_what_the_log_holds(tmp_path: Path) -> None:
    lake_dir = tmp_path / "lake"
    open_lake(lake_dir, create=True)
    # frames written and synced, as by a server killed before its flusher ran
    log = _log(lake_dir / LOG_FOLDER)
    entries = [
        validate(parse_members(f'{{"userId": "u{i}", "name": "n"}}'.encode(), 500), f"http:{i}", i)
        for i in range(5)
    ]
    entries.append(validate(parse_members(b'{"name": "bad"}', 500), "http:bad", 9))
    log.append([e.encode() for e in entries])
    log.close()
    config = ServeConfig(lake_dir, port=0, flush_seconds=0.05)
    with serving(config) as url:
        wait_landed(url)
        lake = open_lake(lake_dir, create=False)
        assert lake.count() == 5
        assert lake.rejected()["source"].to_list() == ["http:bad"]
        assert post(url, {"userId": "u0", "name": "n"})[0] == 200  # its id: known already
        wait_landed(url)
    lake = open_lake(lake_dir, create=False)
    assert lake.count() == 5
    # landing the same frames again (a crash before the checkpoint moved) changes nothing
    (lake_dir / LOG_FOLDER / "checkpoint.json").unlink()
    with serving(config) as url:
        wait_landed(url)
    lake = open_lake(lake_dir, create=False)
    assert lake.count() == 5 and len(lake.rejected()) == 1
