"""The endpoint over real HTTP on loopback (a server on a background thread, a free port):
auth, limits, malformed bodies, mixed batches, gzip, CORS, the catalog, the live page."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeylab import open_lake
from journeylab.errors import InputError, LakeError
from journeylab.serve import EventServer, ServeConfig, serving
from serve_helpers import get_json, post, request, wait_landed

KEY = "k3y-For-tests_0123456789"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    lake = tmp_path / "lake"
    with serving(ServeConfig(lake, port=0, flush_seconds=0.05)) as url:
        yield url, lake


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    lake = tmp_path / "lake"
    config = ServeConfig(lake, port=0, write_key=KEY, flush_seconds=0.05)
    with serving(config) as url:
        yield url, lake


def _events(lake: Path) -> list[dict[str, Any]]:
    lk = open_lake(lake, create=False)
    return lk.execute(lk.events()).sort("event_id").to_dicts()


def test_one_event_lands_with_the_id_file_ingest_derives(served: Any, tmp_path: Path) -> None:
    url, lake = served
    record = {"userId": "u1", "name": "signup", "eventAt": "2025-03-01T10:00:00+02:00"}
    status, reply = post(url, {**record, "data": {"b": [1, {"z": 1, "a": 2}], "a": None}})
    assert status == 200 and reply["rejected"] == []
    wait_landed(url)
    (event,) = _events(lake)
    other = open_lake(tmp_path / "other", create=True)
    other.ingest_records([{**record, "data": {"a": None, "b": [1, {"a": 2, "z": 1}]}}])
    (same,) = other.execute(other.events()).to_dicts()
    assert reply["accepted"] == [event["event_id"]] == [same["event_id"]]
    assert event["data"] == same["data"] == '{"a":null,"b":[1,{"a":2,"z":1}]}'
    assert event["event_at"] == same["event_at"]


def test_mixed_batch_lands_good_events_and_quarantines_the_rest(
    served: Any, tmp_path: Path
) -> None:
    url, lake = served
    batch = [
        {"userId": "u1", "name": "view", "eventId": "e1"},
        {"name": "view"},
        "not an object",
        {"userId": "u2", "name": "view", "eventAt": "yesterday"},
        {"userId": "u3", "name": "x" * 256},
        {"userId": "u4", "name": "buy", "data": [1]},
        {"userId": "u5", "name": "buy", "eventId": ""},
        {"userId": "u6", "name": "buy", "data": {"s": "x" * 40_000}},
        {"userId": "u7", "name": "buy", "eventId": "e7"},
    ]
    status, reply = post(url, {"events": batch})
    assert status == 200
    assert reply["accepted"] == ["e1", "e7"]
    got = [(r["index"], r["reason"]) for r in reply["rejected"]]
    # the same reasons file ingest gives the same body
    body = tmp_path / "batch.json"
    body.write_text(json.dumps({"events": batch}))
    other = open_lake(tmp_path / "other", create=True)
    other.ingest(body)
    expected = [(r["record"] - 1, r["reason"]) for r in other.rejected().to_dicts()]
    assert (
        got
        == expected
        == [
            (1, "missing_user_id"),
            (2, "not_an_object"),
            (3, "invalid_event_at"),
            (4, "invalid_name"),
            (5, "invalid_data"),
            (6, "invalid_event_id"),
            (7, "data_too_large"),
        ]
    )
    wait_landed(url)
    assert [e["event_id"] for e in _events(lake)] == ["e1", "e7"]
    rejected = open_lake(lake, create=False).rejected().to_dicts()
    assert [(r["record"] - 1, r["reason"]) for r in rejected] == got
    assert {r["source"] for r in rejected} == {f"http:{reply['request_id']}"}
    assert rejected[1]["raw"] == '"not an object"'


def test_a_list_body_and_an_empty_batch(served: Any) -> None:
    url, lake = served
    assert post(url, [{"userId": "u", "name": "a"}, {"userId": "u", "name": "b"}])[0] == 200
    status, reply = post(url, {"events": []})
    assert status == 200 and reply["accepted"] == [] and reply["rejected"] == []
    wait_landed(url)
    assert len(_events(lake)) == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"userId": "u", "name":', 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (b'"an event"', 400, "invalid_batch"),
        (b"42", 400, "invalid_batch"),
        (b'{"events": {"userId": "u"}}', 400, "invalid_batch"),
        (b'{"events": [' + b'{"userId":"u","name":"n"},' * 500 + b"{}]}", 413, "too_many_events"),
        (b'{"events": ["' + b"x" * (1024 * 1024) + b'"]}', 413, "too_large"),
    ],
)
def test_bodies_refused_whole(served: Any, body: bytes, status: int, code: str) -> None:
    url, lake = served
    got, reply = post(url, body)
    assert (got, reply["error"]) == (status, code)
    assert reply["detail"]
    _, live = get_json(url, "/v1/live")
    assert live["refused_by_reason"] == {code: 1} and live["accepted"] == 0


def test_exactly_500_events_and_1_mib_are_accepted(served: Any) -> None:
    url, _ = served
    batch = [{"userId": f"u{i}", "name": "n"} for i in range(500)]
    status, reply = post(url, {"events": batch})
    assert status == 200 and len(reply["accepted"]) == 500
    pad = "x" * (1024 * 1024 - 200)
    body = json.dumps({"userId": "u", "name": "n", "pad": pad}).encode()
    body += b" " * (1024 * 1024 - len(body))
    assert len(body) == 1024 * 1024
    assert post(url, body)[0] == 200


def test_gzip_bodies(served: Any) -> None:
    url, lake = served
    status, reply = post(url, {"events": [{"userId": "g", "name": "zipped"}]}, compress=True)
    assert status == 200 and len(reply["accepted"]) == 1
    bomb = gzip.compress(b'{"events": ["' + b"0" * (8 * 1024 * 1024) + b'"]}')
    assert len(bomb) < 64 * 1024
    assert post(url, bomb, headers={"Content-Encoding": "gzip"}) == (
        413,
        {"error": "too_large", "detail": "the body is larger than 1048576 bytes once decompressed"},
    )
    status, reply = post(url, b"not gzip", headers={"Content-Encoding": "gzip"})
    assert (status, reply["error"]) == (400, "invalid_gzip")
    cut = gzip.compress(b'{"userId": "u", "name": "n"}')[:-6]
    assert post(url, cut, headers={"Content-Encoding": "gzip"})[1]["error"] == "invalid_gzip"
    status, reply = post(url, b"{}", headers={"Content-Encoding": "br"})
    assert (status, reply["error"]) == (415, "unsupported_encoding")
    wait_landed(url)
    assert [e["name"] for e in _events(lake)] == ["zipped"]


def _basic(user: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong-key-0123456789",
        f"Bearer {KEY}x",
        f"Bearer {KEY[:-1]}",
        f"Token {KEY}",
        _basic("someone", KEY),
        _basic(KEY[:-1]),
        "Basic !!!not-base64!!!",
        "Basic " + base64.b64encode(KEY.encode()).decode() + "=",
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Bearer " + "k" * 10_000,
    ],
)
def test_writes_without_the_key_are_401(keyed: Any, auth: str | None) -> None:
    url, _ = keyed
    headers = {} if auth is None else {"Authorization": auth}
    status, reply = post(url, {"userId": "u", "name": "n"}, headers=headers)
    assert (status, reply["error"]) == (401, "unauthorized")
    status, hdrs, _ = request(url, "POST", "/v1/events", b"{}", headers)
    assert status == 401 and hdrs["www-authenticate"].startswith("Bearer")


def test_non_latin1_authorization_bytes_are_401(keyed: Any) -> None:
    url, _ = keyed
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        body = b'{"userId":"u","name":"n"}'
        sock.sendall(
            b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc3\xa9\xff\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 401")


def test_the_key_as_bearer_or_as_basic_user(keyed: Any) -> None:
    url, lake = keyed
    assert post(url, {"userId": "u", "name": "bearer"}, key=KEY)[0] == 200
    basic = {"Authorization": _basic(KEY)}
    assert post(url, {"userId": "u", "name": "basic"}, headers=basic)[0] == 200
    segment_style = {"Authorization": _basic(KEY, "ignored")}
    assert post(url, {"userId": "u", "name": "basic2"}, headers=segment_style)[0] == 200
    assert (
        post(url, {"userId": "u", "name": "scheme"}, headers={"Authorization": f"bearer {KEY}"})[0]
        == 200
    )
    wait_landed(url)
    assert sorted(e["name"] for e in _events(lake)) == ["basic", "basic2", "bearer", "scheme"]


def test_reads_need_the_key_too_but_not_healthz(keyed: Any) -> None:
    url, _ = keyed
    assert get_json(url, "/v1/event-names")[0] == 401
    assert get_json(url, "/v1/live")[0] == 401
    assert get_json(url, "/v1/event-names", key=KEY)[0] == 200
    status, hdrs, _ = request(url, "GET", "/")
    assert status == 401 and hdrs["www-authenticate"].startswith('Basic realm="journeylab"')
    status, _, page = request(url, "GET", "/", headers={"Authorization": _basic(KEY)})
    assert status == 200 and b"journeylab serve" in page
    status, health = get_json(url, "/healthz")
    assert status == 200 and health["status"] == "ok"


HOSTILE = [
    "../../etc/passwd",
    "'; DROP TABLE events; --",
    '"quoted" name',
    "<script>alert(1)</script>",
    "名前 with spaces",
    "tab\tand\nnewline",
    "\u0000nul",
    "x" * 255,
    "Sign Up",
    "sign_up",
]


def test_hostile_names_land_exactly_and_the_catalog_shows_them(served: Any) -> None:
    url, lake = served
    batch = [{"userId": name, "name": name, "data": {name: name}} for name in HOSTILE]
    status, reply = post(url, {"events": batch})
    assert status == 200 and len(reply["accepted"]) == len(HOSTILE), reply
    wait_landed(url)
    events = _events(lake)
    assert sorted(e["name"] for e in events) == sorted(HOSTILE)
    assert all(e["user_id"] == e["name"] for e in events)
    assert all(json.loads(e["data"]) == {e["name"]: e["name"]} for e in events)
    status, doc = get_json(url, "/v1/event-names")
    assert status == 200 and sorted(n["name"] for n in doc["names"]) == sorted(HOSTILE)
    assert any("'Sign Up'" in w for w in doc["warnings"])
    assert sorted(p.name for p in lake.iterdir()) == sorted(
        [".lock", "_serve", "_tmp", "events", "events.g000001", "journeylab-lake.json", "rejected"]
    )


def test_the_live_page_is_offline_and_shows_live_counts(served: Any) -> None:
    url, _ = served
    status, hdrs, page = request(url, "GET", "/")
    assert status == 200 and hdrs["content-type"].startswith("text/html")
    html = page.decode()
    for external in ("src=", "href=", "@import", "url(", "https://", "//cdn"):
        assert external not in html
    assert 'innerHTML = ""' in html and html.count("innerHTML") == 1  # data: textContent
    post(url, {"events": [{"userId": "u", "name": "live"}, {"name": "bad"}]})
    status, live = get_json(url, "/v1/live")
    assert status == 200
    assert live["accepted"] == 1 and live["rejected_by_reason"] == {"missing_user_id": 1}
    assert live["last_events"][0]["name"] == "live" and live["events_per_second"] > 0


def test_cors_for_configured_origins(tmp_path: Path) -> None:
    config = ServeConfig(tmp_path / "lake", port=0, cors_origins=("http://app.test",))
    with serving(config) as url:
        pre = {
            "Origin": "http://app.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, content-encoding, authorization",
        }
        status, hdrs, _ = request(url, "OPTIONS", "/v1/events", None, pre)
        assert status == 200 and hdrs["access-control-allow-origin"] == "http://app.test"
        evil = {**pre, "Origin": "http://evil.test"}
        status, hdrs, _ = request(url, "OPTIONS", "/v1/events", None, evil)
        assert status == 400 and "access-control-allow-origin" not in hdrs
        body = json.dumps({"userId": "u", "name": "n"}).encode()
        status, hdrs, _ = request(url, "POST", "/v1/events", body, {"Origin": "http://app.test"})
        assert status == 200 and hdrs["access-control-allow-origin"] == "http://app.test"
    with serving(ServeConfig(tmp_path / "lake2", port=0)) as url:  # none by default
        status, hdrs, _ = request(url, "POST", "/v1/events", body, {"Origin": "http://app.test"})
        assert status == 200 and "access-control-allow-origin" not in hdrs


def test_resending_changes_nothing(served: Any) -> None:
    url, lake = served
    batch = [
        {"userId": "u1", "name": "a", "eventId": "given"},
        {"userId": "u1", "name": "b", "eventAt": "2025-01-01T00:00:00Z", "data": {"k": 1}},
        {"userId": "u1", "name": "c"},  # no eventAt: its id does not depend on receive time
    ]
    first = post(url, {"events": batch})[1]
    wait_landed(url)
    second = post(url, {"events": batch})[1]
    assert first["accepted"] == second["accepted"]
    wait_landed(url)
    events = _events(lake)
    assert len(events) == 3
    _, live = get_json(url, "/v1/live")
    assert live["landed"] == 3 and live["duplicates"] == 3


def test_event_names_on_an_empty_lake_and_declared_names(tmp_path: Path) -> None:
    lake = open_lake(tmp_path / "lake", create=True)
    lake.declare("checkout_started", "a user opened the checkout")
    with serving(ServeConfig(lake.path, port=0)) as url:
        status, doc = get_json(url, "/v1/event-names")
    assert status == 200
    assert [(n["name"], n["declared"], n["events"]) for n in doc["names"]] == [
        ("checkout_started", True, 0)
    ]


def test_non_loopback_needs_a_key() -> None:
    for host in ("0.0.0.0", "::", "192.0.2.1", "example.invalid"):
        with pytest.raises(InputError, match="not a loopback address") as err:
            ServeConfig(Path("lake"), host=host)
        assert "--write-key" in str(err.value)
    ServeConfig(Path("lake"), host="0.0.0.0", write_key=KEY)
    for host in ("127.0.0.1", "::1", "localhost", "127.8.9.10"):
        ServeConfig(Path("lake"), host=host)


@pytest.mark.parametrize(
    "key", ["short", "has:colon-in-it", "spaces in the key", "é-not-ascii-key", "k" * 257, ""]
)
def test_unusable_keys_are_refused(key: str) -> None:
    with pytest.raises(InputError, match="--write-key") as err:
        ServeConfig(Path("lake"), write_key=key)
    assert key not in str(err.value) or not key


def test_one_server_per_lake(tmp_path: Path) -> None:
    first = EventServer(ServeConfig(tmp_path / "lake", port=0))
    first.open()
    try:
        second = EventServer(ServeConfig(tmp_path / "lake", port=0))
        with pytest.raises(LakeError, match="already served"):
            second.open()
    finally:
        first.stop()
