"""Overflow: the hashes of the files a writer lands past its ids budget, in a few merged
runs on disk, searched by each chunk it commits instead of every such file's sidecar."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab import open_lake
from journeylab.lake import overflow as overflow_module
from journeylab.lake.layout import Layout
from journeylab.lake.overflow import Overflow
from journeylab.lake.seen import SeenIds, id_hashes
from journeylab.lake.sidecars import ids_path
from seen_spies import spy_exact_checks

#: small values (many repeats) and any 64-bit value
values = st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1))
files = st.lists(st.lists(values, min_size=1, max_size=20), max_size=25)


@settings(max_examples=200, deadline=None)
@given(files, st.lists(values, max_size=30), st.integers(1, 5))
def test_runs_hold_every_hash_added_and_a_search_equals_a_set(
    added: list[list[int]], probe: list[int], block: int
) -> None:
    """Whatever the sizes and the block (1 to 5 hashes here), the runs together hold every
    hash added (repeats kept), each sorted and at least twice the size of the next; a search
    finds exactly the probes some file holds; nothing shows in the folder."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(overflow_module, "IDS_BLOCK", block)
        over = Overflow(Path(tmp))
        for i, hashes in enumerate(added):
            over.add(f"f{i}", np.sort(np.array(hashes, np.uint64)))
            held = [
                np.concatenate(list(run.blocks()) or [np.zeros(0, np.uint64)]) for run in over.runs
            ]
            assert all(
                (r[1:] >= r[:-1]).all() and len(r) == run.size
                for r, run in zip(held, over.runs, strict=True)
            )
            assert all(a.size >= 2 * b.size for a, b in zip(over.runs, over.runs[1:], strict=False))
        everything = sorted(h for hashes in added for h in hashes)
        assert (
            sorted(h for run in over.runs for b in run.blocks() for h in b.tolist()) == everything
        )
        assert sorted(f for run in over.runs for f in run.files) == sorted(over.files)
        assert len(over.files) == len(added)
        probes = np.unique(np.array(probe, np.uint64))
        assert over.search(probes).tolist() == [p in set(everything) for p in probes.tolist()]
        assert os.listdir(tmp) == []  # unlinked at once
        over.close()
        assert over.runs == [] and not over.search(probes).any()


def test_a_writer_past_its_budget_finds_its_own_files_ids_across_locks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that lands files past its budget (0 here: every file) across several holds
    of the writer lock — as the HTTP endpoint does, each clearing ``_tmp/`` — finds the ids
    of all of them in its runs, and the exact check reads only the files that hold one."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(
            f'{{"eventId": "e{i}", "userId": "u{i % 3}", "name": "a", '
            f'"eventAt": "2025-01-01T00:00:{i % 60:02d}Z"}}\n'
            for i in range(40)
        )
    )
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src, chunk_rows=10)  # four files: e0-e9, e10-e19, ...
    layout = lake.layout
    assert isinstance(layout, Layout)
    files = sorted(lake.layout.event_files(), key=lambda f: pq.read_table(f)["event_id"][0].as_py())
    con = duckdb.connect()
    seen = SeenIds(con, layout, [], [], memory=0)
    monkeypatch.setattr(overflow_module, "IDS_BLOCK", 3)
    for f in files:
        with layout.locked():  # clears _tmp/
            ids = pq.read_table(f)["event_id"].combine_chunks()
            seen.add(np.sort(id_hashes(con, ids)), f)
    assert seen.held == 0 and seen.overflow is not None and seen.overflow.files == set(files)
    assert len(seen.overflow.runs) <= 2  # 10, 10, 10, 10: merged into 40 (then none left)
    read = spy_exact_checks(monkeypatch)
    probe = pa.array(["e3", "new", "e27", "e29", "e3"])
    hashes = id_hashes(con, probe)
    with layout.locked():
        got = seen.known(probe, hashes, np.arange(5), files)
    assert got.tolist() == [True, False, True, True, True]
    assert read == [sorted([files[0], files[2]])]
    # a sidecar gone: its file is read for the hashes found (never a duplicate lost)
    ids_path(files[1]).unlink()
    assert seen.known(probe, hashes, np.arange(5), files).tolist() == got.tolist()
    assert read[-1] == sorted([files[0], files[1], files[2]])
    # a file of the runs no longer in the lake (another writer compacted it away): each
    # file is then searched on its own, as before the runs
    assert seen.known(probe, hashes, np.arange(5), files[2:]).tolist() == [
        False,
        False,
        True,
        True,
        False,
    ]
    seen.close()
    assert seen.overflow.runs == []
