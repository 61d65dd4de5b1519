"""HTTP on loopback for the endpoint's tests: plain http.client, no client library."""

from __future__ import annotations

import gzip
import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit


def request(
    url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection: status, headers (lower-case names), body."""
    parts = urlsplit(url)
    con = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        con.request(method, path, body=body, headers=headers or {})
        resp = con.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        con.close()


def post(
    url: str,
    payload: Any,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    compress: bool = False,
) -> tuple[int, Any]:
    """POST /v1/events: ``payload`` (bytes as they are, anything else as JSON); the status
    and the decoded JSON reply."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    if compress:
        body = gzip.compress(body)
        sent["Content-Encoding"] = "gzip"
    status, _, data = request(url, "POST", "/v1/events", body, sent)
    return status, json.loads(data) if data else None


def get_json(url: str, path: str, key: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    status, _, data = request(url, "GET", path, None, headers)
    return status, json.loads(data)


def wait_landed(url: str, timeout: float = 30) -> dict[str, Any]:
    """Wait until everything the server acknowledged has landed in the lake."""
    deadline = time.monotonic() + timeout
    while True:
        status, doc = get_json(url, "/healthz")
        if status == 200 and doc["caught_up"]:
            return doc
        if time.monotonic() > deadline:
            raise AssertionError(f"the log did not land in {timeout}s: {doc}")
        time.sleep(0.05)
