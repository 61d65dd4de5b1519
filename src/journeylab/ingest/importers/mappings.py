"""Each vendor's export record mapped onto the Events API fields, twice: as one SQL pass
over a batch of JSON texts (the vectorised path, :data:`SQL`) and record by record in
Python (:data:`REFERENCE`, what the Validator sees for the records the pass flags). Tests
hold the two equal (tests/test_importers.py); docs/importers.md states the mapping.

The SQL reads the table ``jl_vendor`` (``rn, text, recv``: one JSON line a record) on the
ingest's private connection and yields the ``typed`` wire shape (:mod:`..wire`). A record
it does not decide exactly — not JSON, not an object, JSON DuckDB reads more leniently
than msgspec, a key given twice, a row that is not an event — gets a ``pre`` reason, so the
reference maps it and the Validator names the reason. Constant SQL; the one value
(Mixpanel's time zone) is a DuckDB variable set with a bound value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from journeylab.ingest.model import Rejection, identity_rejection

__all__ = ["MIXPANEL_MACRO", "MS_FROM", "NOT_EVENTS", "REFERENCE", "SQL", "mixpanel_instant"]

#: rows of these kinds are not events: quarantined as ``not_an_event``
NOT_EVENTS = {
    "segment": ("identify", "alias", "group"),  # and any type other than track/page/screen
    "amplitude": ("$identify", "$groupidentify"),
}
_SEGMENT_NAMES = {"track": None, "page": "Loaded a Page", "screen": "Loaded a Screen"}
_OFFSET = re.compile(r"([Zz]|[+-][0-9]{2}:[0-9]{2})\Z", re.ASCII)
_MIXPANEL_KEYS = ("distinct_id", "time", "$insert_id")
#: Mixpanel times at or above this are milliseconds (as seconds: the year 5138)
MS_FROM = 100_000_000_000


# -- the reference, record by record ---------------------------------------------------
def _present(out: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in out.items() if v is not None}


def _utc(value: Any) -> Any:
    """Amplitude and PostHog write UTC times without an offset: say so (``Z``)."""
    if isinstance(value, str) and not _OFFSET.search(value):
        return value + "Z"
    return value


def segment(rec: dict[str, Any], tz: str | None) -> Any:
    kind = rec.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _SEGMENT_NAMES):
        return Rejection("not_an_event", f"a Segment {_shown(kind)} call is not an event")
    user = rec.get("userId")
    name = _SEGMENT_NAMES.get(kind) if isinstance(kind, str) else None
    return _present(
        {
            "userId": rec.get("anonymousId") if user is None else user,
            "name": rec.get("event") if name is None else name,
            "eventAt": rec.get("timestamp"),
            "data": rec.get("properties"),
            "eventId": rec.get("messageId"),
        }
    )


def amplitude(rec: dict[str, Any], tz: str | None) -> Any:
    kind = rec.get("event_type")
    if isinstance(kind, str) and kind in NOT_EVENTS["amplitude"]:
        return Rejection("not_an_event", f"an Amplitude {kind!r} row is not an event")
    user, insert = rec.get("user_id"), rec.get("$insert_id")
    return _present(
        {
            "userId": rec.get("device_id") if user is None else user,
            "name": kind,
            "eventAt": _utc(rec.get("event_time")),
            "data": rec.get("event_properties"),
            "eventId": rec.get("uuid") if insert is None else insert,
        }
    )


def posthog(rec: dict[str, Any], tz: str | None) -> Any:
    props = rec.get("properties")
    if isinstance(props, str):  # batch exports write properties as JSON text
        import msgspec

        try:
            props = msgspec.json.decode(props)
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            return Rejection("invalid_data", f"properties is text but not JSON: {exc}")
    return _present(
        {
            "userId": rec.get("distinct_id"),
            "name": rec.get("event"),
            "eventAt": _utc(rec.get("timestamp")),
            "data": props,
            "eventId": rec.get("uuid"),
        }
    )


def mixpanel(rec: dict[str, Any], tz: str | None) -> Any:
    props = rec.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        return Rejection("invalid_data", "properties must be a JSON object")
    at = props.get("time")
    if at is not None:
        at = mixpanel_instant(at, tz)
        if isinstance(at, Rejection):  # userId and name come first in the rule order
            return identity_rejection(props.get("distinct_id"), rec.get("event")) or at
    rest = {k: v for k, v in props.items() if k not in _MIXPANEL_KEYS}
    return _present(
        {
            "userId": props.get("distinct_id"),
            "name": rec.get("event"),
            "eventAt": at,
            "data": rest or None,
            "eventId": props.get("$insert_id"),
        }
    )


def mixpanel_instant(value: Any, tz: str | None) -> datetime | Rejection:
    """Mixpanel's ``time`` (seconds or milliseconds since the epoch; with ``tz``, of the
    project's wall clock there) as a UTC datetime. A wall time a clock change skips or
    repeats takes the smaller of the two offsets (as DuckDB's ICU time zones do)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Rejection("invalid_event_at", f"time must be a number, got {_shown(value)}")
    try:
        us = int(value * 1000) if abs(value) >= MS_FROM else int(value * 1_000_000)
        moment = datetime(1970, 1, 1) + timedelta(microseconds=us)
    except (OverflowError, ValueError):
        return Rejection("invalid_event_at", f"time {value!r} is out of range")
    if tz is None:
        return moment.replace(tzinfo=UTC)
    zone = ZoneInfo(tz)
    offsets = [moment.replace(fold=f, tzinfo=zone).utcoffset() or timedelta() for f in (0, 1)]
    try:
        return (moment - min(offsets)).replace(tzinfo=UTC)
    except OverflowError:
        return Rejection("invalid_event_at", f"time {value!r} is out of range in {tz}")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


REFERENCE: dict[str, Callable[[dict[str, Any], str | None], Any]] = {
    "segment": segment,
    "amplitude": amplitude,
    "posthog": posthog,
    "mixpanel": mixpanel,
}

# -- the vectorised pass ---------------------------------------------------------------
#: per vendor: its top-level fields (read as JSON values), and the wire fields from them
_FIELDS = {
    "segment": ("type", "event", "userId", "anonymousId", "timestamp", "properties", "messageId"),
    "amplitude": (
        "event_type",
        "user_id",
        "device_id",
        "event_time",
        "event_properties",
        "$insert_id",
        "uuid",
    ),
    "posthog": ("uuid", "event", "distinct_id", "timestamp", "properties"),
    "mixpanel": ("event", "properties"),
}
_UTC_TEXT = (
    "CASE WHEN regexp_matches(jl_str({v}), '([Zz]|[+-][0-9]{{2}}:[0-9]{{2}})$') "
    "THEN jl_str({v}) ELSE jl_str({v}) || 'Z' END"
)


def _or(first: str, second: str) -> str:
    return f"CASE WHEN jl_kind({first}) IS NULL THEN {second} ELSE {first} END"


#: per vendor: (u, n, a, d, e) as JSON values of ``f``, and the vendor's own pre reasons
_WIRE: dict[str, dict[str, str]] = {
    "segment": {
        "u": _or("f.userId", "f.anonymousId"),
        "n": "CASE jl_str(f.type) WHEN 'page' THEN '\"Loaded a Page\"' "
        "WHEN 'screen' THEN '\"Loaded a Screen\"' ELSE f.event END",
        "a": "f.timestamp",
        "d": "f.properties",
        "e": "f.messageId",
        "pre": "WHEN jl_kind(f.type) IS NOT NULL AND coalesce(jl_str(f.type) NOT IN "
        "('track', 'page', 'screen'), true) THEN 'not_an_event' ",
    },
    "amplitude": {
        "u": _or("f.user_id", "f.device_id"),
        "n": "f.event_type",
        "a": "f.event_time",
        "d": "f.event_properties",
        "e": _or('f."$insert_id"', "f.uuid"),
        "pre": "WHEN jl_str(f.event_type) IN ('$identify', '$groupidentify') THEN 'not_an_event' ",
        "utc": "1",
    },
    "posthog": {
        "u": "f.distinct_id",
        "n": "f.event",
        "a": "f.timestamp",
        "d": "f.properties",
        "e": "f.uuid",
        "pre": "",
        "utc": "1",
    },
    "mixpanel": {
        "u": "g.distinct_id",
        "n": "f.event",
        "a": "g.time",
        "d": "rest",
        "e": 'g."$insert_id"',
        # properties not an object, keys twice in it, a time that is not a whole number
        "pre": "WHEN jl_kind(f.properties) = 'other' OR jl_kind(f.properties) = 'string' "
        "OR len(pkeys) <> len(list_distinct(pkeys)) THEN 'check' "
        "WHEN jl_kind(g.time) IS NOT NULL AND NOT regexp_full_match(g.time, '-?[0-9]{1,15}') "
        "THEN 'check' ",
    },
}


def _sql(vendor: str) -> str:
    spec = _WIRE[vendor]
    struct = "{" + ",".join(f'"{name}":"JSON"' for name in _FIELDS[vendor]) + "}"
    a = spec["a"]
    if vendor == "mixpanel":
        a_text = "NULL::VARCHAR"
        a_kind = "CASE WHEN jl_kind(g.time) IS NULL THEN NULL ELSE 'instant' END"
        a_us = (
            "CASE WHEN regexp_full_match(g.time, '-?[0-9]{1,15}') THEN jl_mixpanel_us("
            "CASE WHEN abs(g.time::BIGINT) >= 100000000000 THEN g.time::BIGINT * 1000 "
            "ELSE g.time::BIGINT * 1000000 END) END"
        )
    else:
        a_text = _UTC_TEXT.format(v=a) if spec.get("utc") else f"jl_str({a})"
        a_kind = f"jl_kind({a})"
        a_us = "NULL::BIGINT"
    d = spec["d"]
    if vendor == "posthog":  # properties as an object, or as JSON text
        d_text = f"CASE WHEN jl_kind({d}) = 'string' THEN jl_str({d}) ELSE {d}::VARCHAR END"
    else:
        d_text = f"{d}::VARCHAR"
    extra = ""
    if vendor == "mixpanel":
        extra = (
            ", g AS (SELECT *, CASE WHEN jl_kind(f.properties) = 'object' THEN json_transform("
            'f.properties, \'{"distinct_id":"JSON","time":"JSON","$insert_id":"JSON"}\')'
            " END AS g, CASE WHEN jl_kind(f.properties) = 'object' THEN json_keys(f.properties)"
            " END AS pkeys, CASE WHEN jl_kind(f.properties) = 'object' THEN (SELECT CASE WHEN "
            "len(x) = 0 THEN NULL ELSE to_json(map_from_entries(x))::VARCHAR END FROM (SELECT "
            "list_filter(map_entries(json_transform(f.properties, '\"MAP(VARCHAR, JSON)\"')), "
            "lambda e: e.key NOT IN ('distinct_id', 'time', '$insert_id')) AS x)) END AS rest "
            "FROM k)"
        )
    source = "g" if vendor == "mixpanel" else "k"
    # joined once, at import, from this module's constants: no value is ever spliced in
    return (
        "WITH p AS (SELECT rn, recv, text, "  # noqa: S608
        "CASE WHEN json_valid(text) THEN json(text)::VARCHAR END AS m FROM jl_vendor), "
        "k AS (SELECT *, CASE WHEN starts_with(m, '{') THEN json_keys(m) END AS keys, "
        f"CASE WHEN starts_with(m, '{{') THEN json_transform(m, '{struct}') END AS f FROM p)"
        f"{extra} "
        "SELECT rn, recv, CASE WHEN m IS NULL THEN 'invalid_json' "
        "WHEN NOT starts_with(m, '{') THEN 'not_an_object' "
        "WHEN jl_lenient_text(text) OR contains(m, 'NaN') OR contains(m, 'Infinity') "
        "THEN 'check' "
        "WHEN len(keys) <> len(list_distinct(keys)) THEN 'check' "
        f"{spec['pre']}END AS pre, "
        f"jl_kind({spec['u']}) AS u_t, jl_str({spec['u']}) AS u, "
        f"jl_kind({spec['n']}) AS n_t, jl_str({spec['n']}) AS n, "
        f"{a_kind} AS a_t, {a_text} AS a, {a_us} AS a_us, "
        f"CASE WHEN jl_kind({a}) IS NULL THEN NULL ELSE false END AS a_naive, "
        f"CASE WHEN jl_kind({d}) IS NULL THEN NULL ELSE 'text' END AS d_t, {d_text} AS d, "
        "'invalid_data' AS d_bad, "
        f"jl_kind({spec['e']}) AS e_t, jl_str({spec['e']}) AS e, 0 AS unknown "
        f"FROM {source}"
    )


#: the vectorised mapping of each vendor
SQL = {vendor: _sql(vendor) for vendor in _WIRE}
#: wall-clock µs of Mixpanel's project time zone (jl_tz; empty: UTC) → UTC µs
MIXPANEL_MACRO = (
    "CREATE OR REPLACE TEMP MACRO jl_mixpanel_us(us) AS CASE "
    "WHEN us NOT BETWEEN getvariable('jl_min_us') AND getvariable('jl_max_us') THEN NULL "
    "WHEN getvariable('jl_tz') = '' THEN us "
    "ELSE epoch_us(timezone(getvariable('jl_tz'), make_timestamp(us))) END"
)
