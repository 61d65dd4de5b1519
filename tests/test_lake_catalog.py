"""Catalog (counts, declared names, near-miss warnings) and compaction."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from journeylab import InputError, Lake, open_lake
from journeylab.lake.catalog import near_misses, nearest_names, squash
from journeylab.lake.schema import EVENT_SCHEMA


def _ev(user: str, name: str, day: int) -> dict[str, str]:
    return {"userId": user, "name": name, "eventAt": f"2024-01-{day:02d}T00:00:00Z"}


def test_catalog_counts_and_declared(lake: Lake, write_jsonl) -> None:
    lake.ingest(
        write_jsonl([_ev("u1", "a", 1), _ev("u1", "a", 3), _ev("u2", "a", 2), _ev("u2", "b", 5)])
    )
    lake.declare("b", description="bought")
    lake.declare("future_event", description="not fired yet")
    cat = lake.catalog()
    rows = {r["name"]: r for r in cat.to_records()}
    assert rows["a"] == {
        "name": "a",
        "events": 3,
        "users": 2,
        "first_seen": "2024-01-01T00:00:00Z",
        "last_seen": "2024-01-03T00:00:00Z",
        "declared": False,
        "description": None,
    }
    assert rows["b"]["declared"] is True and rows["b"]["description"] == "bought"
    assert rows["future_event"]["events"] == 0 and rows["future_event"]["first_seen"] is None
    assert cat.names()[0] == "a"  # most events first
    kinds = {(w.name, w.kind) for w in cat.warnings}
    assert ("future_event", "declared_never_seen") in kinds
    assert not any(w.kind != "declared_never_seen" for w in cat.warnings)


def test_declare_persists_in_the_lake(lake: Lake) -> None:
    lake.declare("Purchase Completed")
    again = open_lake(lake.path, create=False)
    assert "Purchase Completed" in again.declared()
    assert (lake.path / "declared.json").is_file()
    with pytest.raises(InputError, match="name"):
        lake.declare("")
    with pytest.raises(InputError, match="name"):
        lake.declare("x" * 256)


def test_near_miss_warnings(lake: Lake, write_jsonl) -> None:
    names = ["signup", "sign_up", "Sign Up", "purchase_completed", "purchase_complete", "view"]
    lake.ingest(write_jsonl([_ev("u", n, 1) for n in names]))
    cat = lake.catalog()
    pairs = {frozenset((w.name, w.other)): w.kind for w in cat.warnings}
    assert pairs[frozenset(("signup", "sign_up"))] == "case_or_separator"
    assert pairs[frozenset(("signup", "Sign Up"))] == "case_or_separator"
    assert pairs[frozenset(("sign_up", "Sign Up"))] == "case_or_separator"
    assert pairs[frozenset(("purchase_completed", "purchase_complete"))] == "edit_distance"
    assert not any("view" in p for p in pairs)
    assert all("must match exactly" in w.message() for w in cat.warnings)


def test_near_miss_helpers() -> None:
    assert squash("Sign-Up") == squash("sign up") == squash("SIGNUP") == "signup"
    assert near_misses(["abc", "abd", "close"]) == []  # names of 3 or fewer need an exact squash
    assert [m.kind for m in near_misses(["open", "opens"])] == ["edit_distance"]
    assert [(m.name, m.other) for m in near_misses(["checkout", "checkuot"])] == [
        ("checkout", "checkuot")
    ]
    assert nearest_names("signp", ["signup", "purchase", "sign_up"]) == ["sign_up", "signup"]


def test_empty_lake_catalog(lake: Lake) -> None:
    cat = lake.catalog()
    assert cat.to_records() == [] and cat.warnings == ()


def _content(lake: Lake) -> list[dict[str, object]]:
    """The events (their own columns: compaction adds typed properties beside them)."""
    events = lake.events().select(*EVENT_SCHEMA.names)
    return lake.execute(events.order_by(["event_id"])).to_dicts()


def test_compaction_keeps_content_and_swaps_generation(
    lake: Lake, write_jsonl, tmp_path: Path
) -> None:
    for i in range(6):
        lake.ingest(
            write_jsonl(
                [
                    {**_ev(f"u{j}", f"n{j % 3}", 1 + j % 9), "data": {"i": i, "j": j}}
                    for j in range(i, i + 40)
                ],
                f"f{i}.jsonl",
            )
        )
    before = _content(lake)
    gen_before = (lake.path / "events").resolve()
    assert len(lake.layout.event_files()) == 6
    n = lake.compact(file_rows=100)
    assert n == 3  # 240 rows in files of at most 100
    assert _content(lake) == before
    gen_after = (lake.path / "events").resolve()
    assert gen_after != gen_before and not gen_before.exists()
    # files are ordered by name then user_key, event_at (ADR 0007)
    files = lake.layout.event_files()
    import pyarrow.parquet as pq

    keys = []
    for f in files:
        t = pq.read_table(f, columns=["name", "user_key", "event_at", "event_id"])
        keys += list(zip(*(t[c].to_pylist() for c in t.column_names), strict=True))
    assert keys == sorted(keys)
    # compaction is idempotent, re-ingest after it still dedupes
    assert lake.compact(file_rows=100) == 3
    assert lake.ingest(tmp_path / "f0.jsonl").duplicates == 40
    assert _content(lake) == before


def test_row_groups_carry_statistics(lake: Lake, write_jsonl) -> None:
    import pyarrow.parquet as pq

    lake.ingest(write_jsonl([_ev("u", n, 1) for n in ("b", "a", "c")]))
    (f,) = lake.layout.event_files()
    meta = pq.ParquetFile(f).metadata
    stats = meta.row_group(0).column(2).statistics
    assert meta.schema.column(2).name == "name"
    assert (stats.min, stats.max) == ("a", "c")
    assert pq.read_table(f)["name"].to_pylist() == ["a", "b", "c"]
    assert datetime(2024, 1, 1, tzinfo=UTC) == lake.last_event_at()


def test_compaction_streams_into_row_groups(
    lake: Lake, write_jsonl, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    from journeylab.lake import layout

    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 16)
    for i in range(3):
        lake.ingest(write_jsonl([_ev(f"u{j}", f"n{j % 4}", 1) for j in range(i * 50, i * 50 + 50)]))
    before = _content(lake)
    assert lake.compact(file_rows=64) == 3  # 150 rows: 64 + 64 + 22
    files = lake.layout.event_files()
    sizes = [[rg.num_rows for rg in _groups(f)] for f in files]
    assert sizes == [[16, 16, 16, 16], [16, 16, 16, 16], [16, 6]]
    assert _content(lake) == before
    assert all(pq.ParquetFile(f).metadata.row_group(0).column(2).statistics for f in files)


def _groups(path: str) -> list:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i) for i in range(meta.num_row_groups)]


def test_last_event_at_from_footers_equals_the_query(lake: Lake, write_jsonl) -> None:
    assert lake.last_event_at() is None
    for i, stamps in enumerate(
        [["2024-03-01T10:00:00.000001Z", "2024-01-01T00:00:00Z"], ["2024-02-29T23:59:59+01:00"]]
    ):
        lake.ingest(write_jsonl([_ev("u", "a", 1) | {"eventAt": s} for s in stamps], f"{i}.jsonl"))
    want = lake.sql("select max(event_at) as m from events")["m"][0]
    assert lake.last_event_at() == want == datetime(2024, 3, 1, 10, 0, 0, 1, tzinfo=UTC)
    lake.compact()
    assert lake.last_event_at() == want
