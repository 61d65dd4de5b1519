"""The footers prove names and fields without a query (journeylab.lake.footers): a row
group of one name proves the name, and, with a typed ``present`` column whose max is true,
the key; names.py asks them first and probes only the rest, with the same warnings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import journeylab as jl
from journeylab import names
from journeylab.lake import layout as layout_module
from journeylab.lake.footers import proven
from journeylab.names import check_names


def _records() -> list[dict[str, Any]]:
    out = []
    for i in range(40):
        name = ["signup", "purchase", "view"][i % 3]
        data: dict[str, Any] = {"page": "/"}
        if name == "signup":
            data["channel"] = "ads" if i % 2 else "organic"
        if name == "purchase":
            data["amount"] = i
        out.append(
            {
                "eventId": f"e{i:02d}",
                "userId": f"u{i % 5}",
                "name": name,
                "eventAt": f"2025-01-01T00:{i:02d}:00Z",
                "data": data,
            }
        )
    return out


@pytest.fixture
def small_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> jl.Lake:
    """A compacted lake with typed properties and row groups of 4 rows: most hold one
    name, a few (at a name's edges) two."""
    monkeypatch.setattr(layout_module, "ROW_GROUP_ROWS", 4)
    lake = jl.open_lake(tmp_path / "lake", create=True)
    lake.ingest_records(_records())
    lake.compact(properties=["channel", "amount", "page"])
    return lake


def test_groups_of_one_name_prove_names_and_present_keys(small_groups: jl.Lake) -> None:
    files = small_groups.layout.snapshot()
    fields = [
        ("channel", ("signup",)),
        ("channel", ("purchase", "view")),  # present on signups only
        ("amount", ("view", "purchase")),
        ("nope", ("signup",)),  # no such column: never proven
    ]
    fired, carried = proven(files, ["signup", "purchase", "view", "refund"], fields)
    assert fired == {"signup", "purchase", "view"}
    assert carried == {("channel", ("signup",)), ("amount", ("view", "purchase"))}


def test_a_group_of_several_names_proves_none_of_them(
    small_groups: jl.Lake, tmp_path: Path
) -> None:
    """The same rows in one row group: nothing proven, everything left to the probes."""
    one = tmp_path / "one-group.parquet"
    pl.read_parquet(small_groups.layout.snapshot()).write_parquet(one, statistics=True)
    fields = [("channel", ("signup",))]
    assert proven([str(one)], ["signup", "view"], fields) == (set(), set())


def test_check_names_needs_no_query_when_the_footers_prove_all(
    small_groups: jl.Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = [("steps[1]", "signup"), ("steps[2]", "purchase")]
    fields = [("by", "channel", ("signup",)), ("steps[2].where.amount", "amount", ("purchase",))]

    def refuse(*_: Any) -> Any:
        raise AssertionError("a probe query ran")

    monkeypatch.setattr(names, "_run_probe", refuse)
    assert check_names(small_groups, refs, fields) == ()


def test_what_the_footers_leave_is_probed_with_the_same_warnings(
    small_groups: jl.Lake, tmp_path: Path
) -> None:
    """Unknown names and fields (never proven) warn as from a lake without typed columns."""
    refs = [("steps[1]", "signup"), ("steps[2]", "purchse")]
    fields = [("by", "chanel", ("signup",)), ("steps[1].where.amount", "amount", ("signup",))]
    plain = jl.open_lake(tmp_path / "plain", create=True)
    plain.ingest_records(_records())
    got, want = check_names(small_groups, refs, fields), check_names(plain, refs, fields)
    assert [w.to_dict() for w in got] == [w.to_dict() for w in want]
    assert [w.kind for w in got] == ["unknown_event", "unknown_field", "unknown_field"]


def test_a_filtered_broken_down_one_pass_funnel_loads_neither_ibis_nor_duckdb(
    small_groups: jl.Lake,
) -> None:
    """Typed columns read from the files (ADR 0007) and names proven by the footers: no
    query layer, no DuckDB connection."""
    code = (
        "import sys\n"
        "import journeylab as jl\n"
        f"lake = jl.open_lake({str(small_groups.layout.root)!r})\n"
        "f = lake.funnel(['signup', jl.step('purchase', where={'amount': {'gte': 3}})], "
        "within='1d', by='channel')\n"
        "assert f.to_sql().startswith('--'), f.to_sql()\n"
        "assert f.table().height > 2, f.table()\n"
        "assert 'ibis' not in sys.modules and 'duckdb' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
