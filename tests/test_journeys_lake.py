"""Journeys on a lake: Lake methods, contracts of ``to_dict``, name checks (warnings and
strict mode), empty lakes, charts (``chart.to_dict()``) and the curated public names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import journeylab.journeys as jj
from journeylab import Lake, open_lake
from journeylab.charts.theme import NEUTRAL
from journeylab.journeys.timeline import SIMILAR_IDS_SCANNED
from journeylab.names import UnknownNameError
from journeys_lake import build


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    return open_lake(build(tmp_path_factory.mktemp("journeys_lake")), create=False)


def _marks(chart_dict: dict[str, Any]) -> list[str]:
    out = []

    def walk(d: Any) -> None:
        if isinstance(d, dict):
            mark = d.get("mark")
            if mark is not None:
                out.append(mark if isinstance(mark, str) else mark["type"])
            for v in d.values():
                walk(v)
        elif isinstance(d, list):
            for v in d:
                walk(v)

    walk(chart_dict)
    return out


def test_public_names_are_curated() -> None:
    assert jj.__all__ == sorted(jj.__all__)
    assert {
        "paths",
        "transitions",
        "retention",
        "lifecycle",
        "timeline",
        "retention_spec",
        "RetentionSpec",
    } <= set(jj.__all__)


def test_paths_on_a_lake(lake: Lake) -> None:
    res = lake.paths(start="signup", depth=3, session_gap="1h")
    assert res.cohort_paths == res.cohort_users == 8
    d = res.to_dict()
    assert set(d) == {"spec", "as_of", "cohort", "paths", "other", "columns", "warnings"}
    assert d["paths"][0]["path"][0] == "view"
    assert set(d["paths"][0]) == {
        "path",
        "paths",
        "users",
        "share",
        "median_seconds",
        "ended",
        "in_progress",
        "reached",
    }
    marks = _marks(res.chart().to_dict())
    assert {"area", "rect", "text"} <= set(marks)
    assert "SELECT" in res.to_sql()
    only = lake.paths(start="signup", users=["u1", "u2"], depth=2)
    assert only.cohort_paths == 2


def test_transitions_retention_lifecycle_timeline(lake: Lake) -> None:
    tr = lake.transitions(names=["signup", "view", "cart"], within="1d")
    assert set(tr.to_dict()) == {"spec", "as_of", "transitions", "nodes", "warnings"}
    assert tr.table().filter(pl.col("from") == "signup")["p_out_all"].sum() == pytest.approx(1)
    assert "rect" in _marks(tr.chart().to_dict())

    ret = lake.retention(start="signup", period="week", periods=4, by="channel")
    d = ret.to_dict()
    assert set(d) == {"spec", "as_of", "cohorts", "summary", "warnings"}
    assert {c["segment"] for c in d["cohorts"]} == {"ads", "seo"}
    assert any(
        p["status"] == "censored" and p["rate"] is None for c in d["cohorts"] for p in c["periods"]
    )
    cells = ret.chart().to_dict()["vconcat"][1]["encoding"]["color"]
    # censored cells are grey, never a colour of the rate's scale
    assert cells["condition"] == {"test": "datum.status == 'censored'", "value": NEUTRAL}

    lc = lake.lifecycle(period="week")
    t = lc.table()
    assert t["new"].sum() == 8 and not t["complete"][-1]
    datasets = lc.chart().to_dict()["datasets"].values()
    values = [v["value"] for rows in datasets for v in rows if v.get("status") == "dormant"]
    assert all(v <= 0 for v in values) and any(v < 0 for v in values)

    tl = lake.timeline("u1")
    assert tl.table()["name"].to_list()[:2] == ["signup", "view"]
    assert tl.to_dict()["events"][0]["event_at"].endswith("Z")
    assert "circle" in _marks(tl.chart().to_dict())


def test_names_are_checked(lake: Lake) -> None:
    res = lake.paths(start="sigup", exclude=["veiw"], group={"vi.*": "v", "zz+": "z"})
    kinds = {(w.param, w.kind) for w in res.warnings}
    assert ("start", "unknown_event") in kinds and ("exclude", "unknown_event") in kinds
    assert ("group['zz+']", "unknown_pattern") in kinds
    assert any("signup" in w.suggestions for w in res.warnings if w.param == "start")
    ret = lake.retention(start="signup", returning="purchse", by="chanel")
    assert {w.param for w in ret.warnings} == {"returning", "by"}
    assert lake.transitions(names=["view", "crt"]).warnings[0].param == "names[1]"
    assert lake.lifecycle(active="purchase").warnings == ()
    with pytest.raises(UnknownNameError, match="strict"):
        lake.retention(start="sign_up", strict=True)
    assert lake.timeline("U1").warnings[0].suggestions == ("u1",)


def test_an_unknown_user_gets_the_nearest_ids_among_many(tmp_path: Path) -> None:
    """1,000 ids share the first half of the typo: the nearest are found whichever
    SIMILAR_IDS_SCANNED of them a scan would meet first."""
    lake = open_lake(tmp_path / "lake", create=True)
    lake.ingest_records([{"userId": f"user{i:04d}", "name": "view"} for i in range(1000)])
    assert SIMILAR_IDS_SCANNED < 1000
    (warning,) = lake.timeline("user09990").warnings
    assert warning.suggestions[:2] == ("user0990", "user0999")  # one edit each


def test_empty_lake(tmp_path: Path) -> None:
    empty = open_lake(tmp_path / "empty", create=True)
    assert empty.paths(start="signup").cohort_paths == 0
    assert empty.paths(start="signup").table().height == 0
    assert empty.transitions().table().height == 0
    assert empty.retention().table().height == 0
    assert empty.lifecycle().table().height == 0
    assert empty.timeline("u1").table().height == 0


def test_docs_snippet_runs(lake: Lake) -> None:
    """docs/journeys.md's Python block runs as written (names it does not find warn)."""
    import re

    doc = (Path(__file__).resolve().parents[1] / "docs" / "journeys.md").read_text("utf-8")
    code = re.findall(r"```python\n(.*?)```", doc, flags=re.S)[0]
    scope: dict[str, Any] = {}
    exec(code.replace('jl.open_lake("lake")', f"jl.open_lake({str(lake.path)!r})"), scope)  # noqa: S102
    assert scope["p"].cohort_paths == 8
