"""A lake at a URI (object storage), read through Spark: the layout of docs/lake.md as a
copy leaves it on storage without symlinks (``events/`` a real folder next to the
generation it was copied from), read with ``file://`` here as Spark reads ``s3a://``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from journeylab import Lake, open_lake
from journeylab.errors import LakeError
from test_spark_support import assert_frames_same, build_lake, small_records, spark_engine

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake, str]:
    root = tmp_path_factory.mktemp("remote")
    local = build_lake(root / "lake", small_records(seed=5))
    bad = root / "bad.jsonl"
    bad.write_text('{"userId": "u1"}\nnot json\n')
    open_lake(local).ingest(bad, progress=False)
    open_lake(local).declare("upgrade", "declared, never fired")
    copy = root / "bucket" / "lake"
    shutil.copytree(local, copy, symlinks=False)  # what a sync to object storage leaves
    assert (copy / "events").is_dir() and not (copy / "events").is_symlink()
    uri = copy.as_uri()  # file:///...
    return open_lake(local), open_lake(uri, engine=spark_engine()), uri


def test_a_lake_at_a_uri_reads_like_the_local_one(lakes: tuple[Lake, Lake, str]) -> None:
    duck, remote, uri = lakes
    assert remote.path == uri and "file:" in repr(remote)
    assert remote.count() == duck.count() > 0
    assert remote.last_event_at() == duck.last_event_at()
    assert remote.declared() == duck.declared()
    assert remote.user_keys_exact() == duck.user_keys_exact()
    order = ["event_id"]
    assert_frames_same(
        duck.execute(duck.events().order_by(order)),
        remote.execute(remote.events().order_by(order)),
        "events",
    )
    assert_frames_same(duck.rejected(), remote.rejected(), "rejected")
    assert duck.rejected().height == 2
    assert duck.catalog().to_records(warnings=True) == remote.catalog().to_records(warnings=True)
    kw = {"steps": ["signup", "view_item", "purchase"], "within": "7d", "by": "channel"}
    assert_frames_same(duck.funnel(**kw).table(), remote.funnel(**kw).table(), "funnel")


def test_a_lake_at_a_uri_is_read_only(lakes: tuple[Lake, Lake, str], tmp_path: Path) -> None:
    _, remote, uri = lakes
    src = tmp_path / "e.jsonl"
    src.write_text('{"userId": "u1", "name": "signup"}\n')
    for write in (
        lambda: remote.ingest(src),
        lambda: remote.declare("x"),
        lambda: remote.compact(),
        lambda: remote.verify_user_keys(),
    ):
        with pytest.raises(LakeError, match="remote storage.*local lake folder"):
            write()
    with pytest.raises(LakeError, match="creates and writes local lake folders only"):
        open_lake(uri, engine=spark_engine(), create=True)


def test_uri_errors_name_the_path_and_the_fix(lakes: tuple[Lake, Lake, str]) -> None:
    _, _, uri = lakes
    with pytest.raises(LakeError, match="through Spark.*engine='pyspark'"):
        open_lake(uri)
    missing = uri.rsplit("/", 1)[0] + "/nothing"
    with pytest.raises(LakeError, match="no journeylab-lake.json"):
        open_lake(missing, engine=spark_engine())
