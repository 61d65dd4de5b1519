"""SeenIds: the hashes of a lake's ids, probed by each chunk an ingest commits, and kept
beside each events file in a sidecar that the next ingest reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab import IngestOptions, open_lake
from journeylab.errors import InputError
from journeylab.lake import overflow as overflow_module
from journeylab.lake import seen as seen_module
from journeylab.lake import sorted_runs
from journeylab.lake.overflow import Overflow
from journeylab.lake.seen import BUCKET_BITS, SeenIds, fingerprints
from journeylab.lake.sidecars import ids_path, users_path
from seen_spies import spy_exact_checks

#: small values (one bucket, many repeats) and any 64-bit value (every bucket)
values = st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1))
hashes = st.lists(values, max_size=12).map(lambda xs: np.array(xs, np.uint64))


def test_empty_runs_hold_nothing() -> None:
    """An empty chunk leaves no run to index; an empty probe hits nothing."""
    seen = SeenIds(None, None, [], [])
    seen.add(np.array([], np.uint64))
    assert seen.runs == []
    probe = np.array([1, 2, 2**63], np.uint64)
    assert not seen._hits(probe).any()
    seen.add(np.array([2, 2**63], np.uint64))
    assert seen._hits(probe).tolist() == [False, True, True]
    assert [len(runs) for runs in seen.buckets if runs] == [1, 1]  # two buckets
    assert seen._hits(np.array([], np.uint64)).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(hashes, max_size=30), hashes)
def test_hits_equal_a_set(chunks: list[np.ndarray], probe: np.ndarray) -> None:
    """Whatever the merging, a probe hits exactly the fingerprints (bucket and low 32 bits)
    of the hashes added — never misses one; the runs of each bucket stay few, sorted,
    non-empty, 4 bytes an id, and hold only their bucket's fingerprints."""
    seen = SeenIds(None, None, [], [])
    added: dict[int, set[int]] = {}
    for chunk in chunks:
        seen.add(chunk)
        for h in chunk.tolist():
            added.setdefault(h >> (64 - BUCKET_BITS), set()).add(h & 0xFFFFFFFF)
        assert all(len(r) and r.dtype == np.uint32 for r in seen.runs)
        assert all((r[1:] >= r[:-1]).all() for r in seen.runs)
    want = [h & 0xFFFFFFFF in added.get(h >> (64 - BUCKET_BITS), set()) for h in probe.tolist()]
    assert seen._hits(probe).tolist() == want
    for b, runs in enumerate(seen.buckets):
        assert {int(v) for run in runs for v in run.tolist()} == added.get(b, set())
        total = sum(len(r) for r in runs)
        assert len(runs) <= 2 + max(total, 1).bit_length()


def test_fingerprints_sort_by_bucket_then_low_bits() -> None:
    h = np.array([2**64 - 1, 5, 2**63 + 7, 2**32 + 5], np.uint64)
    assert fingerprints(h).tolist() == [(255 << 32) | 0xFFFFFFFF, 5, (128 << 32) | 7, 5]


# -- sidecars: each events file's sorted hashes, read when an ingest starts -----------------
def _ingest_lines(n: int, start: int = 0) -> str:
    return "".join(
        json.dumps({"eventId": f"e{i}", "userId": f"u{i % 13}", "name": "a"}) + "\n"
        for i in range(start, start + n)
    )


def _sidecars(lake_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(lake_dir.glob("events.g*/_ids/*.ids"))}


def test_each_events_file_gets_its_sidecar_and_the_next_ingest_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(50))
    lake = open_lake(tmp_path / "lake", create=True)
    assert lake.ingest(src, chunk_rows=10).accepted == 50
    files = sorted(Path(f) for f in lake.layout.event_files())
    sidecars = _sidecars(tmp_path / "lake")
    assert sorted(sidecars) == sorted(f"{f.stem}.ids" for f in files)
    for f in files:  # the file's ids' hashes, sorted, after a 32-byte header
        body = np.frombuffer(sidecars[f"{f.stem}.ids"][32:], "<u8")
        assert (body[1:] >= body[:-1]).all()
        assert len(body) == pq.ParquetFile(f).metadata.num_rows

    def no_hashing(*_: object) -> None:
        raise AssertionError("a file was hashed again although its sidecar is whole")

    monkeypatch.setattr(SeenIds, "_hash_file", no_hashing)
    src.write_text(_ingest_lines(20, start=40))  # 10 landed already, 10 new
    again = open_lake(tmp_path / "lake").ingest(src, chunk_rows=10)
    assert (again.accepted, again.duplicates) == (10, 10)


@pytest.mark.parametrize("memory", [None, 0])
@pytest.mark.parametrize("damage", ["missing", "truncated", "zeroed", "other hash", "longer"])
def test_a_damaged_sidecar_is_rebuilt_and_never_loses_a_duplicate(
    tmp_path: Path, damage: str, memory: int | None
) -> None:
    """A sidecar that is not whole, or was made by another hash function, is not used: the
    file's ids are hashed again, duplicates are still caught, and the sidecar is rewritten
    — with the ids held in memory, or probed on disk (``ids_memory=0``)."""
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(30))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)
    good = _sidecars(tmp_path / "lake")
    victim = sorted((tmp_path / "lake").glob("events.g*/_ids/*.ids"))[1]
    raw = victim.read_bytes()
    if damage == "missing":
        victim.unlink()
    elif damage == "truncated":
        victim.write_bytes(raw[:-8])
    elif damage == "zeroed":  # the right size, its pages never written
        victim.write_bytes(raw[:32] + bytes(len(raw) - 32))
    elif damage == "other hash":
        victim.write_bytes(
            raw[:8] + (int.from_bytes(raw[8:16], "little") ^ 1).to_bytes(8, "little") + raw[16:]
        )
    else:
        victim.write_bytes(raw + raw[-8:])
    options = IngestOptions(ids_memory=memory)
    again = open_lake(tmp_path / "lake").ingest(src, chunk_rows=7, options=options)
    assert (again.accepted, again.duplicates) == (0, 30)
    assert _sidecars(tmp_path / "lake") == good


def test_compaction_writes_the_sidecars_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file compaction writes gets its id sidecar, and the first one the users of the
    whole lake (empty ones for the others): the next ingest hashes nothing again and still
    catches every duplicate, and the user key check still holds every user."""
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(30))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)
    lake.compact(file_rows=12)  # three files
    files = sorted(open_lake(tmp_path / "lake").layout.event_files())
    assert len(files) == 3
    sidecars = _sidecars(tmp_path / "lake")
    assert sorted(sidecars) == sorted(f"{Path(f).stem}.ids" for f in files)
    con = duckdb.connect()
    for f in files:  # the file's own ids' hashes, sorted
        body = np.frombuffer(sidecars[f"{Path(f).stem}.ids"][32:], "<u8")
        ids = pq.read_table(f, columns=["event_id"])["event_id"]
        assert body.tolist() == sorted(seen_module.id_hashes(con, ids).tolist())
    users = [pq.read_table(users_path(f)) for f in files]
    assert sorted(users[0]["u"].to_pylist()) == [f"u{i}" for i in sorted(range(13), key=str)]
    assert [t.num_rows for t in users[1:]] == [0, 0]

    def no_hashing(*_: object) -> None:
        raise AssertionError("a file was hashed again although compaction wrote its sidecar")

    monkeypatch.setattr(SeenIds, "_hash_file", no_hashing)
    src.write_text(_ingest_lines(35))
    again = open_lake(tmp_path / "lake").ingest(src)
    assert (again.accepted, again.duplicates) == (5, 30)
    assert open_lake(tmp_path / "lake").user_keys_exact()


@pytest.mark.parametrize("missing", [0, 1, 3])
def test_compaction_reads_the_users_of_files_without_a_users_sidecar(
    tmp_path: Path, missing: int
) -> None:
    """The whole lake's users, whether the old files have users sidecars, some, or none."""
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(30))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)
    for f in sorted(lake.layout.event_files())[:missing]:
        users_path(f).unlink()
    lake.compact(file_rows=12)
    first = sorted(open_lake(tmp_path / "lake").layout.event_files())[0]
    got = pq.read_table(users_path(first)).sort_by("u")
    assert got["u"].to_pylist() == sorted(f"u{i}" for i in range(13))
    assert len(set(got["k"].to_pylist())) == 13


def test_the_exact_check_reads_only_the_files_whose_sidecar_holds_a_hit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated id is checked against the files whose sidecars hold its hash (and those
    without a sidecar), never the whole lake."""
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(40))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)  # four files: e0-e9, e10-e19, ...
    files = lake.layout.event_files()
    holder = next(f for f in files if "e13" in str(pq.read_table(f)["event_id"].to_pylist()))
    read = spy_exact_checks(monkeypatch)
    src.write_text(_ingest_lines(1, start=13) + _ingest_lines(2, start=100))
    again = open_lake(tmp_path / "lake").ingest(src)
    assert (again.accepted, again.duplicates) == (2, 1)
    assert read == [[holder]]
    # a file whose sidecar went missing (or holds another row count) is read too
    con = duckdb.connect()
    rows = [pq.ParquetFile(f).metadata.num_rows for f in files]
    seen = SeenIds(con, lake.layout, files, rows)
    wanted = np.sort(np.memmap(ids_path(files[2]), "<u8", mode="r")[4:5])  # one of its hashes
    holding = seen._holding(files, wanted)
    assert len(holding) == 1
    ids_path(files[0]).unlink()
    seen.rows[files[1]] += 1
    assert seen._holding(files, wanted) == sorted({files[0], files[1], *holding})


def test_fingerprint_collisions_never_drop_an_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fingerprints narrowed to nothing (every id of a bucket collides), re-sends are
    still caught and new ids still land: the full hashes and the exact check decide."""

    def land(lake_dir: Path) -> tuple[tuple[int, int], tuple[int, int], list[str]]:
        lake = open_lake(lake_dir, create=True)
        src = tmp_path / "in.jsonl"
        src.write_text(_ingest_lines(60) + _ingest_lines(10, start=25))  # 10 re-sends
        first = lake.ingest(src, chunk_rows=9)
        src.write_text(_ingest_lines(40, start=50))  # 10 known, 30 new
        second = open_lake(lake_dir).ingest(src, chunk_rows=7)
        ids = sorted(lake.sql("SELECT event_id FROM events")["event_id"].to_list())
        return (first.accepted, first.duplicates), (second.accepted, second.duplicates), ids

    exact = land(tmp_path / "exact")
    monkeypatch.setattr(seen_module, "FINGERPRINT_MASK", 0)
    checked: list[int] = []
    real = seen_module.SeenIds._holding

    def spy(self: SeenIds, files: list[str], wanted: np.ndarray) -> list[str]:
        checked.append(len(wanted))
        return real(self, files, wanted)

    monkeypatch.setattr(SeenIds, "_holding", spy)
    assert land(tmp_path / "narrow") == exact
    assert exact[:2] == ((60, 10), (30, 10))
    assert sum(checked) > 20  # the collisions were looked up in the sidecars


@pytest.mark.parametrize("memory", [0, 4 * 25])
def test_ids_probed_on_disk_give_the_same_lake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory: int
) -> None:
    """Past ``ids_memory`` (0: from the first id; 25 ids: mid-way through the first ingest)
    no more fingerprints are held and each chunk is also probed in the sidecars of the
    files past it, read in blocks (of 4 hashes here): the same accepted rows, duplicates
    and event ids as with the ids in memory."""

    def land(lake_dir: Path, options: IngestOptions) -> tuple[object, ...]:
        lake = open_lake(lake_dir, create=True)
        src = tmp_path / "in.jsonl"
        src.write_text(_ingest_lines(60) + _ingest_lines(10, start=25))  # 10 re-sends
        first = lake.ingest(src, chunk_rows=9, options=options)
        src.write_text(_ingest_lines(40, start=50) + _ingest_lines(3, start=1))  # 13 known
        second = open_lake(lake_dir).ingest(src, chunk_rows=7, options=options)
        ids = sorted(lake.sql("SELECT event_id FROM events")["event_id"].to_list())
        return (first.accepted, first.duplicates), (second.accepted, second.duplicates), ids

    exact = land(tmp_path / "memory", IngestOptions())
    probes: list[bool] = []  # each search on disk: whether of the lake's files (early)
    held: list[int] = []
    real = SeenIds.on_disk

    def spy(self: SeenIds, hashes: np.ndarray, files: list[str]) -> object:
        probes.append(bool(self.started_on_disk) and files == self.started_on_disk)
        held.append(self.held)
        return real(self, hashes, files)

    runs: list[int] = []  # each search of the files this ingest landed past the budget
    real_spilled = SeenIds.spilled

    def spy_spilled(self: SeenIds, overflow: Overflow, hashes: np.ndarray) -> object:
        runs.append(len(overflow.runs))
        held.append(self.held)
        return real_spilled(self, overflow, hashes)

    monkeypatch.setattr(SeenIds, "on_disk", spy)
    monkeypatch.setattr(SeenIds, "spilled", spy_spilled)
    monkeypatch.setattr(seen_module, "IDS_BLOCK", 4)
    monkeypatch.setattr(overflow_module, "IDS_BLOCK", 4)
    assert land(tmp_path / "disk", IngestOptions(ids_memory=memory)) == exact
    assert exact[:2] == ((60, 10), (30, 13))
    assert max(held) <= memory // 4  # never more fingerprints than the budget
    # the first ingest (8 chunks) searches its own files past the budget as it commits, in
    # their merged runs: with 0, from its second chunk (its first probed an empty set in
    # memory: 0 bytes); with 25 ids, from its fourth (27 ids after the third). The second
    # (7 chunks) searches each in the first's files past the budget as it prepares it
    # (early), and in its own runs as it commits, from its third (its first chunk is all
    # known: it writes no file)
    first = 7 if memory == 0 else 5
    assert probes == [True] * 7
    assert len(runs) == first + 5
    assert max(runs) <= 3  # 7 files of about 9 ids: runs at least twice the next


def _four_files(tmp_path: Path) -> tuple[Any, list[str], list[int]]:
    """A lake of four files of 10 events (e0-e9, e10-e19, ...), its files and row counts."""
    src = tmp_path / "in.jsonl"
    src.write_text(_ingest_lines(40))
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)
    files = sorted(lake.layout.event_files())
    return lake, files, [pq.ParquetFile(f).metadata.num_rows for f in files]


def test_a_probe_on_disk_reads_every_block_and_only_the_files_that_hold_a_hit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sidecar is read block by block (here 3 hashes a block): a hash is found
    whichever block holds it, the files to check exactly are those holding a hit, and a
    file without a usable sidecar makes every hash a candidate and is checked too."""
    lake, files, rows = _four_files(tmp_path)
    monkeypatch.setattr(seen_module, "IDS_BLOCK", 3)
    con = duckdb.connect()
    seen = SeenIds(con, lake.layout, files, rows, memory=0)
    assert not seen.in_memory and seen.held == 0 and seen.runs == []
    bodies = [np.memmap(ids_path(f), "<u8", mode="r")[4:] for f in files]
    probe = np.array([bodies[2][-1], 7, bodies[0][0], bodies[2][4], 7], np.uint64)
    hit, holding = seen.on_disk(probe, files)
    assert hit.tolist() == [True, False, True, True, False]
    assert holding == [files[0], files[2]]
    assert seen.on_disk(np.array([], np.uint64), files)[0].tolist() == []
    ids_path(files[3]).unlink()
    hit, holding = seen.on_disk(probe, files)
    assert hit.all() and holding == [files[0], files[2], files[3]]


def test_files_past_the_budget_are_probed_on_disk_the_others_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A budget of 15 ids holds the first file's 10 fingerprints; the next files are probed
    on disk. A chunk's known ids are found on either side, and the exact check reads only
    the files that hold them."""
    lake, files, rows = _four_files(tmp_path)
    holders = {f: set(pq.read_table(f)["event_id"].to_pylist()) for f in files}
    con = duckdb.connect()
    seen = SeenIds(con, lake.layout, files, rows, memory=4 * 15)
    assert seen.in_memory == {files[0]} and seen.held == 10
    read = spy_exact_checks(monkeypatch)
    one, other = sorted(holders[files[0]])[0], sorted(holders[files[2]])[0]
    ids = pa.array([one, "new-1", other, "new-2"])
    hashes = seen_module.id_hashes(con, ids)
    got = seen.known(ids, hashes, np.arange(4), files)
    assert got.tolist() == [True, False, True, False]
    assert read == [sorted([files[0], files[2]])]
    assert not seen.known(ids, hashes, np.array([1, 3]), files).any()
    assert len(read) == 1  # nothing found: nothing read
    # the files past the budget searched early (as a chunk is prepared): the same answer,
    # and those files are not searched again
    assert seen.started_on_disk == files[1:]
    early = seen.lake_on_disk(hashes)
    assert early is not None and early[0].tolist() == [False, False, True, False]
    searched: list[list[str]] = []
    real = SeenIds.on_disk

    def spy(self: SeenIds, hashes: np.ndarray, files: list[str]) -> object:
        searched.append(files)
        return real(self, hashes, files)

    monkeypatch.setattr(SeenIds, "on_disk", spy)
    assert seen.known(ids, hashes, np.arange(4), files, early).tolist() == got.tolist()
    assert searched == [] and read[-1] == sorted([files[0], files[2]])
    assert SeenIds(con, lake.layout, files, rows).lake_on_disk(hashes) is None  # all held


@settings(max_examples=200, deadline=None)
@given(hashes, hashes, st.data())
def test_a_block_marks_exactly_the_probes_it_holds(
    block: np.ndarray, probes: np.ndarray, data: st.DataObject
) -> None:
    """Either way round (the block searched for the probes, or the probes for the block's
    hashes), exactly the probes in [lo, hi) that the block holds are marked."""
    block, probes = np.sort(block), np.unique(probes)
    lo = data.draw(st.integers(0, len(probes)))
    hi = data.draw(st.integers(lo, len(probes)))
    found = np.zeros(len(probes), bool)
    if len(block):
        held = sorted_runs.mark(block, probes, lo, hi, found)
    else:
        held = False
    want = [lo <= i < hi and p in set(block.tolist()) for i, p in enumerate(probes.tolist())]
    assert found.tolist() == want
    assert held == any(want)


def test_ids_memory_is_checked() -> None:
    for bad in (-1, 1.5, "1GB", True):
        with pytest.raises(InputError, match="ids_memory"):
            IngestOptions(ids_memory=bad)  # type: ignore[arg-type]
