"""``user_key`` (docs/adr/0003-user-keys.md): every ingest path writes the documented key,
the lake records whether any two user ids share one (checked chunk by chunk and against
the lake's earlier files, before the file lands), and the funnel joins on the key only
when the lake says it is exact — with colliding keys it falls back to the ids and its
answer does not change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from journeylab import open_lake
from journeylab.errors import LakeError
from journeylab.lake import userkeys
from journeylab.lake.hashing import user_key

STEPS = ["signup", "view", "buy"]


def _lines(users: list[str]) -> str:
    out = []
    for i, u in enumerate(users):
        for k, name in enumerate(STEPS[: 1 + i % 3]):
            at = f"2025-01-0{1 + k}T10:00:00Z"
            out.append(json.dumps({"userId": u, "name": name, "eventAt": at}))
    out.append('{"userId": "bad"')  # a reject, and a slow-path line
    out.append(json.dumps({"userId": "ü-" + users[0], "name": "signup", "data": {"x": "é"}}))
    return "\n".join(out) + "\n"


def _ingest(root: Path, name: str, users: list[str], **kw: Any) -> Any:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}.jsonl"
    path.write_text(_lines(users), "utf-8")
    lake = open_lake(root / "lake", create=True)
    lake.ingest(path, **kw)
    return lake


def _patch_keys(mp: pytest.MonkeyPatch, keys: Any) -> None:
    """Make the lake compute (and check) ``user_key`` with ``keys``."""
    mp.setattr(userkeys, "distinct_keys", lambda con, ids: keys(ids))


def _collide(ids: Any) -> np.ndarray:
    """Keys that collide: every id maps to one of two keys."""
    return np.array([len(s) % 2 for s in pa.array(ids).cast(pa.string()).to_pylist()], np.int64)


@pytest.mark.parametrize("chunk_rows", [7, 1000])
def test_every_path_writes_the_documented_key(tmp_path: Path, chunk_rows: int) -> None:
    lake = _ingest(tmp_path, "a", [f"u{i}" for i in range(40)], chunk_rows=chunk_rows)
    rows = lake.execute(lake.events().select("user_id", "user_key")).to_dicts()
    assert len(rows) == 14 * 1 + 13 * 2 + 13 * 3 + 1
    assert all(r["user_key"] == user_key(r["user_id"]) for r in rows)
    assert lake.user_keys_exact()
    frame = lake.funnel(STEPS, within="7d").table()
    assert frame["users"].to_list() == [41, 26, 13]


@pytest.mark.parametrize("chunk_rows", [7, 1000])
def test_collisions_are_recorded_and_the_funnel_falls_back(tmp_path: Path, chunk_rows: int) -> None:
    users = [f"u{i}" for i in range(1, 31)]
    clean = _ingest(tmp_path / "clean", "a", users)
    want = clean.funnel(STEPS, within="7d")
    assert "user_key" in want.to_sql()
    with pytest.MonkeyPatch.context() as mp:
        _patch_keys(mp, _collide)
        lake = _ingest(tmp_path / "bad", "a", users, chunk_rows=chunk_rows)
    assert not lake.user_keys_exact()
    got = lake.funnel(STEPS, within="7d")
    assert "user_key" not in got.to_sql()
    assert got.table().equals(want.table())
    assert sorted(got.users(step=3)) == sorted(want.users(step=3))


@pytest.mark.parametrize("earlier", ["sidecars", "no sidecars", "compacted"])
def test_a_collision_with_an_earlier_ingest_is_found(tmp_path: Path, earlier: str) -> None:
    """The earlier users are read from the files' users sidecars, from the files themselves
    when the sidecars are gone, or after a compaction (whose files have none yet)."""
    lake = _ingest(tmp_path, "a", ["a1", "a2"])
    assert lake.user_keys_exact()
    if earlier == "no sidecars":
        for path in (tmp_path / "lake").glob("events.g*/_ids/*.users"):
            path.unlink()
    elif earlier == "compacted":
        lake.compact()
    with pytest.MonkeyPatch.context() as mp:  # b1 gets a1's key
        fake = {"b1": user_key("a1")}

        def keys(ids: Any) -> np.ndarray:
            texts = pa.array(ids).cast(pa.string()).to_pylist()
            return np.array([fake.get(s, user_key(s)) for s in texts], np.int64)

        _patch_keys(mp, keys)
        _ingest(tmp_path, "b", ["b2", "b3"])
        assert lake.user_keys_exact()  # new ids, new keys
        _ingest(tmp_path, "c", ["b1"])
    assert not lake.user_keys_exact()
    assert not open_lake(tmp_path / "lake", create=True).user_keys_exact()


def test_verify_rechecks_the_whole_lake(tmp_path: Path) -> None:
    lake = _ingest(tmp_path, "a", ["a1", "a2", "a3"])
    lake.layout.set_user_key_collisions(True)
    assert not lake.user_keys_exact()
    assert lake.verify_user_keys()
    assert lake.user_keys_exact()


def test_format_2_lakes_read_without_keys_and_refuse_ingest(tmp_path: Path) -> None:
    lake = _ingest(tmp_path, "a", ["a1", "a2"])
    marker = tmp_path / "lake" / "journeylab-lake.json"
    marker.write_text(json.dumps({"format": "journeylab-lake", "version": 2}))
    for file in lake.layout.event_files():  # what format 2 wrote: no user_key
        pq.write_table(pq.read_table(file).drop_columns(["user_key"]), file)
    old = open_lake(tmp_path / "lake", create=True)
    assert "user_key" not in old.events().columns
    assert not old.user_keys_exact()
    assert old.funnel(STEPS, within="7d").table()["users"].to_list() == [3, 1, 0]
    with pytest.raises(LakeError, match="version 2, which has no user_key column"):
        old.ingest(tmp_path / "a.jsonl")
    assert lake.count() == 4


def _sidecar_users(root: Path) -> list[tuple[int, str]]:
    tables = [pq.read_table(p) for p in sorted(root.glob("events.g*/_ids/*.users"))]
    rows = [r for t in tables for r in t.to_pylist()]
    return sorted((r["k"], r["u"]) for r in rows)


def _lake_users(lake: Any) -> list[tuple[int, str]]:
    frame = lake.execute(lake.events().select("user_key", "user_id").distinct())
    return sorted(frame.iter_rows())


@pytest.mark.parametrize("lose", ["nothing", "one sidecar", "every sidecar", "compacted"])
def test_users_sidecars_hold_every_user_once(tmp_path: Path, lose: str) -> None:
    """Each events file keeps the users its chunk brought; together, the sidecars hold each
    (user_key, user_id) of the lake once. Lost ones (or a compaction's new files) are
    rebuilt by the next ingest: the first file without one gets its users, the others an
    empty sidecar."""
    lake = _ingest(tmp_path, "a", [f"u{i}" for i in range(40)], chunk_rows=9)
    root = tmp_path / "lake"
    sidecars = sorted(root.glob("events.g*/_ids/*.users"))
    assert len(sidecars) == len(lake.layout.event_files()) > 3
    assert _sidecar_users(root) == _lake_users(lake)
    if lose == "one sidecar":
        sidecars[2].unlink()
    elif lose == "every sidecar":
        for path in sidecars:
            path.unlink()
    elif lose == "compacted":
        lake.compact()
    again = _ingest(tmp_path, "b", [f"v{i}" for i in range(5)] + ["u3"], chunk_rows=9)
    assert again.user_keys_exact()
    assert _sidecar_users(root) == _lake_users(again)
    files = again.layout.event_files()
    assert len(list(root.glob("events/_ids/*.users"))) == len(files)
