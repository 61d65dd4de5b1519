"""Activation quality (``compare_activations(..., retained=RetentionSpec)``): the Ibis/DuckDB
counts equal the plain-Python reference on hypothesis-generated logs (both modes, both
window kinds, censoring), and the spec is refused where it would be silently ignored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journeylab as jl
from journeylab.activation import activation_spec, run_comparison
from journeylab.activation.reference import reference_comparison
from journeylab.activation.reference_retained import reference_retained
from journeylab.engine import Engine
from journeylab.errors import SpecError
from journeylab.lake import Lake
from test_activation_diff import _spend_frame, _table, event_logs

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ACTIVATIONS = {"a": "a", "big_c": {"event": "c", "where": {"amount": {"gte": 2}}}}
COUNTS = ("started", "users", "eligible", "retained", "censored", "in_progress")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.duckdb(threads=1)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    as_of = draw(
        st.one_of(st.none(), st.integers(0, 20).map(lambda h: T0 + timedelta(hours=6 * h)))
    )
    day = st.integers(0, 3).map(lambda d: (T0 + timedelta(days=d)).date())
    spend = draw(
        st.one_of(
            st.none(),
            st.lists(st.tuples(day, st.sampled_from(["ads", "seo", "unknown"]),
                               st.integers(1, 50)), min_size=1, max_size=5),
        )
    )  # fmt: skip
    return {
        "events": draw(event_logs()),
        "within": draw(st.sampled_from(["6h", "1d", "2d"])),
        "as_of": as_of,
        "spend": None if spend is None else [(d, c, float(a)) for d, c, a in spend],
        "retained": jl.retention_spec(
            start="signup",
            returning=draw(st.sampled_from(["any", "a", "b"])),
            period="day",
            periods=draw(st.integers(0, 3)),
            mode=draw(st.sampled_from(["on", "on_or_after"])),
            windows=draw(st.sampled_from(["calendar", "rolling"])),
            timezone=draw(st.sampled_from(["UTC", "America/New_York"])),
        ),
    }


def _check(engine: Engine, sc: dict[str, Any]) -> None:
    spec = activation_spec("signup", ACTIVATIONS, sc["within"], as_of=sc["as_of"])
    spend = None if sc["spend"] is None else _spend_frame(sc["spend"])
    got = run_comparison(
        engine, _table(engine, sc["events"]), spec, spend=spend, retained=sc["retained"]
    )
    ref = reference_comparison(sc["events"], spec, spend=sc["spend"])
    money = None
    if sc["spend"] is not None:
        first = spec.labels[0]
        money = {r["channel"]: r["spend"] for r in ref["by_channel"] if r["definition"] == first}
    want = reference_retained(sc["events"], spec, sc["retained"], ref, money)
    rows = [{**r, "channel": "*"} for r in got.retained().to_dicts()]
    rows += got.retained_by_channel().to_dicts()
    have = {(r["channel"], r["definition"], r["group"]): r for r in rows}
    assert set(have) == set(want)
    for key, w in want.items():
        g = have[key]
        assert {c: g[c] for c in COUNTS} == {c: w[c] for c in COUNTS}, key
        assert g["rate"] == pytest.approx(
            None if not w["eligible"] else w["retained"] / w["eligible"]
        )
        if money is not None and key[2] == "activated":
            assert g["retained_share"] == pytest.approx(w["retained_share"]), key
            assert g["cac_retained"] == pytest.approx(w["cac_retained"]), key


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_activation_quality_matches_the_reference(engine: Engine, sc: dict[str, Any]) -> None:
    _check(engine, sc)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_activation_quality_matches_the_reference_long(engine: Engine, sc: dict[str, Any]) -> None:
    _check(engine, sc)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    import json

    root = tmp_path_factory.mktemp("quality")
    rows = []
    for k in range(6):  # u0..u2 buy and come back in week 2; u3..u5 do neither
        t = datetime(2025, 1, 6, tzinfo=UTC) + timedelta(hours=k)
        rows.append({"userId": f"u{k}", "name": "signup", "eventAt": t.isoformat(),
                     "data": {"channel": "ads" if k % 2 else "seo"}})  # fmt: skip
        if k < 3:
            rows.append({"userId": f"u{k}", "name": "purchase",
                         "eventAt": (t + timedelta(days=1)).isoformat()})  # fmt: skip
            rows.append({"userId": f"u{k}", "name": "page_view",
                         "eventAt": (t + timedelta(days=15)).isoformat()})  # fmt: skip
    rows.append({"userId": "u9", "name": "page_view", "eventAt": "2025-03-01T00:00:00+00:00"})
    path = root / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    lake = jl.open_lake(root / "lake", create=True)
    lake.ingest(path, progress=False)
    return lake


def test_on_a_lake_with_spend_and_the_cli_shape(small: Lake, tmp_path: Any) -> None:
    spend = pl.DataFrame({"date": ["2025-01-06", "2025-01-06"], "channel": ["ads", "seo"],
                          "amount": [30.0, 60.0]}).with_columns(pl.col("date").str.to_date())  # fmt: skip
    r = small.compare_activations(
        "signup", {"buy": "purchase"}, within="7d", spend=spend,
        retained=jl.retention_spec(period="week", periods=2),
    )  # fmt: skip
    t = r.retained().to_dicts()
    assert [(x["group"], x["users"], x["eligible"], x["retained"]) for x in t] == [
        ("activated", 3, 3, 3),
        ("not_activated", 3, 3, 0),
    ]
    assert t[0]["cac_retained"] == pytest.approx(90 / 3) and t[1]["cac_retained"] is None
    by = {(x["channel"], x["group"]): x for x in r.retained_by_channel().to_dicts()}
    assert by[("seo", "activated")]["cac_retained"] == pytest.approx(60 / 2)  # u0, u2
    doc = r.to_dict()["retained"]
    assert doc["at_period"] == 2 and doc["spec"]["period"] == "week"
    assert "retained" in r.to_sql("retained").lower() or "bit_or" in r.to_sql("retained").lower()
    spec = r.retained_chart().to_dict()
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"].endswith("%")
    with pytest.raises(jl.InputError, match="retained"):
        small.compare_activations("signup", {"buy": "purchase"}).retained()


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"start": "purchase"}, "retained.start"),
        ({"by": "channel"}, "retained.by"),
        ({"start_kind": "recurring"}, "retained.start_kind"),
        ({"start_date": "2025-01-01"}, "retained"),
    ],
)
def test_a_spec_that_would_be_ignored_is_refused(
    small: Lake, kw: dict[str, Any], match: str
) -> None:
    with pytest.raises(SpecError, match=match):
        small.compare_activations("signup", {"buy": "purchase"},
                                  retained=jl.retention_spec(**kw))  # fmt: skip
    with pytest.raises(SpecError, match="RetentionSpec"):
        small.compare_activations("signup", {"buy": "purchase"}, retained="week")  # type: ignore[arg-type]


def test_the_returning_name_is_checked(small: Lake) -> None:
    r = small.compare_activations(
        "signup", {"buy": "purchase"}, retained=jl.retention_spec(returning="page_veiw")
    )
    assert [w.name for w in r.warnings] == ["page_veiw"]
    with pytest.raises(jl.UnknownNameError):
        small.compare_activations("signup", {"buy": "purchase"}, strict=True,
                                  retained=jl.retention_spec(returning="page_veiw"))  # fmt: skip
