"""The lake format (docs/lake.md "Format versions"): derived event ids and user keys are those
the format-3 code wrote (so no migration: lakes written before the ingest rewrite are
ingested into as before), and older formats are read but refused for ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeylab import LakeError, open_lake
from journeylab.lake.layout import FORMAT_VERSION

GOLDEN = Path(__file__).parent / "golden"


def test_derived_ids_and_user_keys_equal_those_of_the_format_3_scanner(tmp_path: Path) -> None:
    """tests/golden/derived_ids.jsonl: valid records with derived ids (nasty data, spellings,
    offsets, escapes, unicode), landed by journeylab's previous ingest (its numba scanner
    and its Python path gave the same lake); this ingest gives the same ids and keys."""
    want = json.loads((GOLDEN / "derived_ids.expected.json").read_text())["event_id_user_key"]
    lake = open_lake(tmp_path / "lake", create=True)
    report = lake.ingest(GOLDEN / "derived_ids.jsonl")
    assert (report.accepted, report.duplicates, report.rejected) == (len(want), 14, 0)
    got = lake.execute(lake.events().select("event_id", "user_key")).rows()
    assert sorted(map(list, got)) == want


def test_old_lake_version_refuses_ingest_but_reads(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"userId":"u","name":"n"}\n')
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest(src)
    marker = tmp_path / "lake" / "journeylab-lake.json"
    marker.write_text(json.dumps({"format": "journeylab-lake", "version": 1}))
    old = open_lake(tmp_path / "lake")
    assert old.count() == 1
    with pytest.raises(LakeError, match="version 1.*new lake folder"):
        old.ingest(src)
    open_lake(tmp_path / "empty", create=True)
    (tmp_path / "empty" / "journeylab-lake.json").write_text(marker.read_text())
    open_lake(tmp_path / "empty").ingest(src)  # an empty old lake is upgraded
    upgraded = json.loads((tmp_path / "empty" / "journeylab-lake.json").read_text())
    assert upgraded["version"] == FORMAT_VERSION
