"""The record-level reference of ingest: every record of a reader's batches through
``model.Validator`` (no vectorised rule), first occurrence of each event id wins. The
vectorised pipeline (journeylab.ingest.rules) is held equal to it for every format."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

from journeylab import Lake
from journeylab.ingest.model import REASONS, Rejection, Validator
from journeylab.ingest.readers import read_batches
from journeylab.ingest.validate import Checker
from journeylab.ingest.wire import WireBatch
from journeylab.lake.hashing import user_key

Row = tuple[Any, ...]


def reference(paths: list[Path], fmt: str | None, recv_us: int, chunk_rows: int) -> dict[str, Any]:
    """What ingesting ``paths`` must give: report counts, event rows, rejects."""
    from journeylab.ingest.readers import detect_format

    seen: set[str] = set()
    rows: list[Row] = []
    rejects: list[Row] = []
    counts: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for path in paths:
        for batch in read_batches(path, detect_format(path, fmt), recv_us, chunk_rows, _nop):
            counts["records"] += batch.records
            for no, raw, reason, detail, _ in batch.rejects:
                rejects.append((batch.source, no, raw, reason, detail))
            every = list(range(batch.table.num_rows))
            for i, (raw, rec) in zip(every, batch.decode(every), strict=True):
                val = Validator(recv_us)
                try:
                    if isinstance(rec, Rejection):
                        raise rec
                    val.add(rec)
                except Rejection as rej:
                    no = int(batch.record[i])
                    rejects.append((batch.source, no, raw, rej.reason, rej.detail))
                    continue
                counts["naive"] += val.naive_timestamps
                counts["unknown"] += val.unknown_fields
                names.update(val.unknown_names)
                if val.event_id[0] in seen:
                    counts["duplicates"] += 1
                    continue
                seen.add(val.event_id[0])
                uid = val.user_id[0]
                rows.append(
                    (val.event_id[0], uid, val.name[0], val.event_at[0], val.data[0], user_key(uid))
                )
    return {
        "records": counts["records"],
        "accepted": len(rows),
        "duplicates": counts["duplicates"],
        "rejected_by_reason": dict(Counter(r[3] for r in rejects)),
        "naive_timestamps": counts["naive"],
        "unknown_fields": counts["unknown"],
        "unknown_field_names": dict(sorted(names.items())),
        "rows": sorted(rows),
        "rejects": sorted(rejects),
    }


def _nop(n: int) -> None:
    return None


def lake_state(lake: Lake, report: Any) -> dict[str, Any]:
    """The same view of a lake an ingest built, and of its report."""
    d = report.to_dict()
    frame = lake.execute(lake.events())
    rows = sorted(
        (
            r["event_id"],
            r["user_id"],
            r["name"],
            _us(r["event_at"]),
            r["data"],
            r["user_key"],
        )
        for r in frame.to_dicts()
    )
    rejected = sorted(
        (r["source"], r["record"], r["raw"], r["reason"], r["detail"])
        for r in lake.rejected().to_dicts()
    )
    keys = ("records", "accepted", "duplicates", "rejected_by_reason")
    return {
        **{k: d[k] for k in keys},
        "naive_timestamps": d["naive_timestamps"],
        "unknown_fields": d["unknown_fields"],
        "unknown_field_names": d["unknown_field_names"],
        "rows": rows,
        "rejects": rejected,
    }


def _us(moment: Any) -> int:
    from journeylab.times import to_us

    return to_us(moment)


@functools.cache
def _checker() -> Checker:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return Checker(con)


def rule_vs_validator(batch: WireBatch) -> None:
    """Row by row, the vectorised pass against the Validator: a reason it names is the
    Validator's; a row it computes is the Validator's row."""
    out = _checker().reasons(batch).to_pylist()
    recv = batch.table["recv"].to_pylist()
    decoded = batch.decode(list(range(len(out))))
    for i, got in enumerate(out):
        raw, rec = decoded[i]
        val = Validator(recv[i])
        try:
            if isinstance(rec, Rejection):
                raise rec
            val.add(rec)
        except Rejection as rej:
            assert got["reason"] is not None, (raw, rej.reason)
            if got["reason"] != "check":
                assert got["reason"] == rej.reason, (raw, got["reason"], rej.reason)
            continue
        assert got["reason"] in (None, "check"), (raw, got["reason"])
        if got["reason"] is None:
            want = (val.event_id[0], val.user_id[0], val.name[0], val.event_at[0], val.data[0])
            row = (got["event_id"], got["user_id"], got["name"], got["event_at"], got["data"])
            assert row == want, raw
            assert got["naive"] == (val.naive_timestamps == 1), raw
            assert got["unknown"] == val.unknown_fields, raw
    assert set(r["reason"] for r in out) - {None, "check"} <= set(REASONS)
