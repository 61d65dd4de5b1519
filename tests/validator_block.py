"""The record-by-record ingest path (``model.Validator``) over one block of JSON lines: the
reference that the fast paths (worker blocks, DuckDB) are held equal to in the tests."""

from __future__ import annotations

import msgspec

from journeylab.lake.batch import Block, events_table
from journeylab.lake.model import Rejection, Validator
from journeylab.lake.readers import raw_text


def validator_block(block: bytes, first_no: int, recv_us: int) -> Block:
    """The record-by-record path (model.Validator) over the lines of a block."""
    val, rejects, records = Validator(recv_us), [], 0
    for no, line in enumerate(block.split(b"\n")[:-1], first_no):
        if not line.strip():
            continue
        records += 1
        try:
            try:
                obj = msgspec.json.decode(line)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:
                raise Rejection("invalid_json", str(exc)) from None
            val.add(obj)
        except Rejection as rej:
            rejects.append((no, raw_text(line), rej.reason, rej.detail))
    table = events_table(val.event_id, val.user_id, val.name, val.event_at, recv_us, val.data)
    return Block(table, rejects, records, val.naive_timestamps, val.unknown_fields)
