"""The event model: wire (camelCase) → lake row (snake_case), or a quarantine reason.

Rules are those of ``shared/reference/semantics.md`` ("Events"); docs/lake.md restates them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from journeylab.times import to_us

__all__ = [
    "MAX_ID_CHARS",
    "MAX_DATA_BYTES",
    "REASONS",
    "Validator",
    "Rejection",
    "canonical_bytes",
    "canonical_data",
    "derive_event_id",
    "identity_rejection",
    "parse_rfc3339",
]

MAX_ID_CHARS = 255
MAX_DATA_BYTES = 32 * 1024
#: The instants an event_at may hold (Python's datetime range, in UTC).
MIN_EVENT_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
MAX_EVENT_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z

#: Every quarantine reason code, with what it means.
REASONS: dict[str, str] = {
    "invalid_json": "the record is not valid JSON (or not valid UTF-8)",
    "not_an_object": "the record is JSON but not an object",
    "missing_user_id": "userId is absent or null",
    "invalid_user_id": "userId is not a non-empty string of at most 255 characters",
    "missing_name": "name is absent or null",
    "invalid_name": "name is not a non-empty string of at most 255 characters",
    "invalid_event_at": "eventAt is not an RFC 3339 date-time",
    "invalid_event_id": "eventId is not a non-empty string of at most 255 characters",
    "invalid_data": "data is not a JSON object (arrays and scalars are rejected)",
    "data_too_large": "data is larger than 32 KiB once serialized",
    "invalid_batch": "the JSON body is neither {'events': [...]} nor a list of events",
    "invalid_row": "the CSV row has a malformed data column or too many fields",
    "not_an_event": "an imported row that is not an event (e.g. a Segment identify call)",
}

#: date and time of day, the offset left out (RFC 3339 digits are ASCII: re.ASCII below)
_DATE_TIME = r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
_RFC3339 = re.compile(_DATE_TIME + r"(Z|z|[+-]\d{2}:\d{2})?", re.ASCII)
_encoder = msgspec.json.Encoder(order="sorted")


class Rejection(Exception):
    """Raised by the validator for one record; ``reason`` is a key of REASONS."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def parse_rfc3339(value: object, reason: str, what: str) -> tuple[int, bool]:
    """Return (microseconds since epoch, UTC, was_naive) or raise Rejection."""
    if isinstance(value, datetime):
        naive = value.tzinfo is None
        dt = value.replace(tzinfo=UTC) if naive else value
        return to_us(dt), naive
    if not isinstance(value, str):
        number = isinstance(value, int | float) and not isinstance(value, bool)
        detail = f"{what} must be an RFC 3339 string, got {type(value).__name__}"
        raise Rejection(reason, detail + (_EPOCH_HINT if number else ""))
    m = _RFC3339.fullmatch(value)
    if not m:
        detail = f"{what} {value[:64]!r} is not RFC 3339 (YYYY-MM-DDTHH:MM:SS[.f]Z)"
        raise Rejection(reason, detail + _rfc3339_hint(value))
    y, mo, d, h, mi, s, frac, off = m.groups()
    micros = int((frac or "0")[:6].ljust(6, "0"))
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micros, tzinfo=UTC)
    except ValueError as exc:
        raise Rejection(reason, f"{what} {value[:64]!r}: {exc}") from None
    if off and off not in ("Z", "z"):
        sign = 1 if off[0] == "+" else -1
        oh, om = int(off[1:3]), int(off[4:6])
        if oh > 23 or om > 59:
            raise Rejection(reason, f"{what} {value[:64]!r}: offset out of range")
        try:
            dt -= sign * timedelta(hours=oh, minutes=om)
        except OverflowError:
            detail = f"{what} {value[:64]!r}: before year 1 or after 9999 in UTC"
            raise Rejection(reason, detail) from None
    return to_us(dt), off is None


#: the near misses of RFC 3339 that exports write: an offset without minutes or colon
#: (PostgreSQL's text output writes ``+00``), a number since 1970
_SHORT_OFFSET = re.compile(_DATE_TIME + r"([+-]\d{2}(?:\d{2})?)", re.ASCII)
_EPOCH = re.compile(r"-?\d{9,16}(?:\.\d+)?", re.ASCII)
_EPOCH_HINT = (
    "; it looks like a count since 1970: write the instant in RFC 3339 (2025-01-31T12:00:00Z)"
)


def _rfc3339_hint(value: str) -> str:
    """How to fix a common near miss of RFC 3339, as the end of the rejection's detail."""
    m = _SHORT_OFFSET.fullmatch(value)
    if m:
        off = m.groups()[-1]
        return f"; its offset {off!r} needs hours and minutes: '{off[:3]}:{off[3:5] or '00'}'"
    if _EPOCH.fullmatch(value):
        return _EPOCH_HINT
    return ""


def canonical_data(data: dict[str, Any]) -> str:
    """Minified JSON with keys sorted at every level: the stored form of ``data``."""
    return canonical_bytes(data).decode("utf-8")


def canonical_bytes(data: dict[str, Any]) -> bytes:
    """:func:`canonical_data` as UTF-8 bytes."""
    return _encoder.encode(data)


def derive_event_id(user_id: str, name: str, event_at_us: int | None, data: str | None) -> str:
    """Deterministic id: the MD5 (hex) of the canonical JSON of (userId, name, eventAt,
    data) — MD5 because DuckDB computes it identically (the vectorised rules, ADR 0005).

    ``eventAt`` is the UTC instant in microseconds as sent (None when absent, so that
    re-ingesting the same input finds the same id); ``data`` is its canonical text.
    """
    payload = _encoder.encode([user_id, name, event_at_us, data])
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def identity_rejection(user_id: object, name: object) -> Rejection | None:
    """The rejection ``userId`` and ``name`` earn, checked first as :class:`Validator`
    checks them (for a reader that meets a later field's problem before the Validator)."""
    try:
        _check_id(user_id, "missing_user_id", "invalid_user_id", "userId")
        _check_id(name, "missing_name", "invalid_name", "name")
    except Rejection as rej:
        return rej.with_traceback(None)
    return None


def _check_id(
    value: object, missing: str, invalid: str, what: str, rec: dict[Any, Any] | None = None
) -> str:
    if value is None:
        raise Rejection(missing, f"{what} is required" + _near_key(rec or {}, what))
    if not isinstance(value, str):
        raise Rejection(invalid, f"{what} must be a string, got {type(value).__name__}")
    if not value:
        raise Rejection(invalid, f"{what} must not be empty")
    if len(value) > MAX_ID_CHARS:
        raise Rejection(invalid, f"{what} has {len(value)} characters, at most 255 allowed")
    return value


@dataclass
class Validator:
    """Turns wire records into lake columns, collecting rejections and counters."""

    received_at_us: int
    event_id: list[str] = field(default_factory=list)
    user_id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    event_at: list[int] = field(default_factory=list)
    received_at: list[int] = field(default_factory=list)
    data: list[str | None] = field(default_factory=list)
    naive_timestamps: int = 0
    unknown_fields: int = 0
    #: of the accepted records, how many carry each field that is not an Events API field
    unknown_names: Counter[str] = field(default_factory=Counter)

    def __len__(self) -> int:
        return len(self.event_id)

    def add(self, rec: object, received_at_us: int | None = None) -> None:
        """Validate one decoded record and append it, or raise Rejection (its receive
        time: ``received_at_us``, or the validator's)."""
        if not isinstance(rec, dict):
            raise Rejection("not_an_object", f"expected a JSON object, got {_kind(rec)}")
        user_id = _check_id(rec.get("userId"), "missing_user_id", "invalid_user_id", "userId", rec)
        name = _check_id(rec.get("name"), "missing_name", "invalid_name", "name", rec)
        naive = False
        raw_at = rec.get("eventAt")
        at_us: int | None = None
        if raw_at is not None:
            at_us, naive = parse_rfc3339(raw_at, "invalid_event_at", "eventAt")
        recv_us = self.received_at_us if received_at_us is None else received_at_us
        data = rec.get("data")
        text: str | None = None
        if data is not None:
            if not isinstance(data, dict):
                raise Rejection("invalid_data", f"data must be a JSON object, got {_kind(data)}")
            text = canonical_data(data)
            if len(text.encode("utf-8")) > MAX_DATA_BYTES:
                raise Rejection("data_too_large", f"data is {len(text.encode())} bytes, max 32768")
        eid = rec.get("eventId")
        if eid is None:
            eid = derive_event_id(user_id, name, at_us, text)
        else:
            eid = _check_id(eid, "invalid_event_id", "invalid_event_id", "eventId")
        if len(rec) > 5 or any(k not in _KNOWN for k in rec):
            extra = [k for k in rec if k not in _KNOWN]
            self.unknown_fields += len(extra)
            self.unknown_names.update(extra)
        self.naive_timestamps += naive
        self.event_id.append(eid)
        self.user_id.append(user_id)
        self.name.append(name)
        self.event_at.append(recv_us if at_us is None else at_us)
        self.received_at.append(recv_us)
        self.data.append(text)


_KNOWN = frozenset({"userId", "name", "eventAt", "data", "eventId"})


def _near_key(rec: dict[Any, Any], field: str) -> str:
    """For a record without the required ``field``: its key that looks like a misspelling
    of it (``userID``, ``user_id``, ``usrId``), as the end of the rejection's detail."""
    from journeylab.lake.catalog import nearest_names

    for key in rec:
        if isinstance(key, str) and key not in _KNOWN and nearest_names(key, [field]):
            return f"; the record has {key!r}: did you mean {field!r}?"
    return ""


def _kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number"}.get(
        type(value), "a number" if isinstance(value, float) else "null"
    )
