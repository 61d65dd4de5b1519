"""One request's events: its body read within the limits, its members validated, and the
log entry that fixes what lands.

Validation is the ingest's record-level :class:`~journeylab.ingest.model.Validator` (the
reference the vectorised rules are held equal to): the same reasons, the same derived ids.
It runs when the request arrives, so the reply can name each event's id and each
rejection's reason, and the log holds each event as it will land — its id, its receive
time, its canonical ``data`` — so replaying the log lands exactly the same events.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import msgspec

from journeylab.ingest.model import Rejection, Validator

__all__ = ["BodyError", "Entry", "decode_entry", "gunzip", "parse_members", "validate"]

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.encode
_packer = msgspec.msgpack.Encoder()
_unpack = msgspec.msgpack.Decoder().decode
_Doc = dict[str, msgspec.Raw] | list[msgspec.Raw]


class BodyError(Exception):
    """A request that is refused whole: an HTTP status, a reason code and a detail."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


def gunzip(body: bytes, limit: int) -> bytes:
    """A gzip body decompressed, refused (413) beyond ``limit`` bytes, without ever
    holding more than that (a small body may expand enormously)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise BodyError(
                413, "too_large", f"the body is larger than {limit} bytes once decompressed"
            )
        out += inflater.flush()
    except zlib.error as exc:
        raise BodyError(400, "invalid_gzip", f"Content-Encoding is gzip but: {exc}") from None
    if not inflater.eof:
        raise BodyError(400, "invalid_gzip", "the gzip stream is cut short")
    if len(out) > limit:
        raise BodyError(413, "too_large", f"the body is larger than {limit} bytes")
    return out


def parse_members(body: bytes, max_events: int) -> list[bytes]:
    """The events of a body: one event (a JSON object), ``{"events": [...]}`` or a list.
    Each member is kept as its JSON text; the members are validated one by one."""
    try:
        doc = msgspec.json.decode(body, type=_Doc)
    except msgspec.ValidationError:
        raise BodyError(
            400, "invalid_batch", "the body is neither an event, {'events': [...]} nor a list"
        ) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise BodyError(400, "invalid_json", f"the body is not JSON: {exc}") from None
    if isinstance(doc, dict):
        if "events" not in doc:
            members: list[bytes] = [body]
        else:
            try:
                events = msgspec.json.decode(doc["events"], type=list[msgspec.Raw])
            except msgspec.ValidationError:
                raise BodyError(400, "invalid_batch", "'events' is not a JSON list") from None
            members = [bytes(m) for m in events]
    else:
        members = [bytes(m) for m in doc]
    if len(members) > max_events:
        raise BodyError(
            413, "too_many_events", f"{len(members)} events; at most {max_events} a request"
        )
    return members


@dataclass
class Entry:
    """One request as the log holds it (and as it lands)."""

    source: str  # the quarantine's source: ``http:<request id>``
    received_at: int  # µs
    event_id: list[str] = field(default_factory=list)
    user_id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    event_at: list[int] = field(default_factory=list)
    data: list[str | None] = field(default_factory=list)
    #: rejected members: index (from 0), raw text, reason, detail
    rejects: list[tuple[int, str, str, str]] = field(default_factory=list)

    def encode(self) -> bytes:
        return _packer.encode(
            (
                self.source,
                self.received_at,
                self.event_id,
                self.user_id,
                self.name,
                self.event_at,
                self.data,
                self.rejects,
            )
        )

    def reply(self, request_id: str) -> dict[str, Any]:
        """The response body: accepted ids in order, rejections with index and reason."""
        return {
            "request_id": request_id,
            "accepted": self.event_id,
            "rejected": [
                {"index": i, "reason": reason, "detail": detail}
                for i, _, reason, detail in self.rejects
            ],
        }


def decode_entry(payload: bytes) -> Entry:
    source, recv, eid, uid, name, at, data, rejects = _unpack(payload)
    return Entry(source, recv, eid, uid, name, at, data, [tuple(r) for r in rejects])


def validate(members: list[bytes], source: str, received_at: int) -> Entry:
    """Validate each member (the Validator), fixing ids and the receive time."""
    val = Validator(received_at)
    entry = Entry(source, received_at)
    for i, raw in enumerate(members):
        try:
            rec = _decode(raw)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # not after parse_members
            entry.rejects.append(
                (i, raw.decode("utf-8", "backslashreplace"), "invalid_json", str(exc))
            )
            continue
        try:
            val.add(rec)
        except Rejection as rej:  # as file ingest keeps a body's member: minified
            entry.rejects.append((i, _encode(rec).decode(), rej.reason, rej.detail))
    entry.event_id, entry.user_id, entry.name = val.event_id, val.user_id, val.name
    entry.event_at, entry.data = val.event_at, val.data
    return entry
