"""The lake's format: its version, the schemas of its files and the order of their rows
(docs/lake.md). :mod:`.layout` writes files of these schemas."""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "COLLISIONS",
    "EVENT_SCHEMA",
    "EVENT_SCHEMA_V2",
    "FORMAT",
    "FORMAT_VERSION",
    "KEYED_ORDER",
    "LAKE_ORDER",
    "REJECTED_SCHEMA",
    "ROW_GROUP_ROWS",
]

#: 2: derived event ids are MD5 (version 1: BLAKE2b-128); see docs/adr/0002.
#: 3: events carry ``user_key`` (64-bit MD5 prefix of user_id); see docs/adr/0003.
#: 4: a generation may carry typed properties beside ``data``; see docs/adr/0009.
FORMAT_VERSION = 4
#: whether two user ids share a ``user_key`` in this lake (kept up to date by ingest)
COLLISIONS = "user_key_collisions"
FORMAT = {"format": "journeylab-lake", "version": FORMAT_VERSION, COLLISIONS: False}
ROW_GROUP_ROWS = 128 * 1024
_TS = pa.timestamp("us", tz="UTC")
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("name", pa.string()),
        ("event_at", _TS),
        ("received_at", _TS),
        ("data", pa.string()),
        ("user_key", pa.int64()),
    ]
)
#: the events of lakes written before format 3 (no ``user_key``)
EVENT_SCHEMA_V2 = pa.schema([f for f in EVENT_SCHEMA if f.name != "user_key"])
REJECTED_SCHEMA = pa.schema(
    [
        ("reject_id", pa.string()),
        ("source", pa.string()),
        ("record", pa.int64()),
        ("raw", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("received_at", _TS),
    ]
)


#: the order of the rows in every events file (and of a compacted lake as a whole)
LAKE_ORDER = ("name", "user_id", "event_at", "event_id")
#: the order of a compacted lake of format 3 or later: by user key within a name, so a
#: funnel reads each step's rows already sorted by (user_key, event_at) (docs/adr/0007)
KEYED_ORDER = ("name", "user_key", "event_at", "event_id")
