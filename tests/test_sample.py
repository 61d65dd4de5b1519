"""The sample generator: determinism, shape, planted defects, and planted rates recovered.

Rates are recovered from the lake with plain Ibis counting (not journeylab's funnels), and
each estimate must hold the planted value inside its Wilson interval.
"""

from __future__ import annotations

import gzip
import json
import math
from datetime import date
from pathlib import Path

import ibis
import polars as pl
import pytest

from journeylab import Lake, open_lake
from journeylab.sample import (
    ACTIVATIONS,
    CHANNELS,
    JOURNEY_EVENTS,
    SampleManifest,
    generate,
    read_manifest,
    sample_data_dir,
)
from journeylab.where import json_number, json_string

REPO = Path(__file__).resolve().parents[1]
# ~20 interval checks per sample: z = 3.29 (99.9% each) keeps a family-wise error near 2%.
Z = 3.29


def wilson(k: int, n: int, z: float = Z) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = k / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return mid - half, mid + half


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleManifest, Lake]:
    out = tmp_path_factory.mktemp("sample")
    manifest = generate(out / "raw", users=3_000, seed=11, days=60)
    lake = open_lake(out / "lake", create=True)
    lake.ingest(manifest.events_path)
    return manifest, lake


def activation_counts(lake: Lake, manifest: SampleManifest, window_days: int = 14) -> pl.DataFrame:
    """Per channel and definition: matured signups and those activated within the window."""
    events = lake.events()
    cutoff = ibis.timestamp(manifest.end.replace(tzinfo=None)) - ibis.interval(days=window_days)
    signups = events.filter(events.name == "signup")
    first = signups.group_by("user_id").agg(
        signup_at=signups.event_at.min(), data=signups.data.arbitrary()
    )
    first = first.mutate(channel=json_string(first.data, "channel"))
    matured = first.filter(first.signup_at <= cutoff).select("user_id", "signup_at", "channel")
    frames = []
    for definition in ACTIVATIONS:
        hits = events.filter(events.name == definition).select("user_id", "event_at")
        joined = matured.left_join(
            hits,
            (matured.user_id == hits.user_id)
            & (hits.event_at >= matured.signup_at)
            & (hits.event_at <= matured.signup_at + ibis.interval(days=window_days)),
        )
        per = joined.group_by("channel").agg(
            started=joined.user_id.nunique(), activated=joined.user_id_right.nunique()
        )
        frames.append(lake.execute(per).with_columns(definition=pl.lit(definition)))
    return pl.concat(frames)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", users=400, seed=5, days=30, chunk_users=150)
    b = generate(tmp_path / "b", users=400, seed=5, days=30, chunk_users=150)
    c = generate(tmp_path / "c", users=400, seed=6, days=30, chunk_users=150)
    for name in ("events.jsonl", "spend.csv", "planted.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.events_path.read_bytes() != c.events_path.read_bytes()
    assert a.to_dict() == b.to_dict()


def test_gzip_holds_the_same_lines(tmp_path: Path) -> None:
    plain = generate(tmp_path / "p", users=200, seed=2, days=20)
    packed = generate(tmp_path / "z", users=200, seed=2, days=20, compress=True)
    assert packed.events_path.name == "events.jsonl.gz"
    assert gzip.decompress(packed.events_path.read_bytes()) == plain.events_path.read_bytes()


def test_counts_and_shape(small: tuple[SampleManifest, Lake]) -> None:
    m, _ = small
    lines = m.events_path.read_text().splitlines()
    assert len(lines) == m.lines == m.events + m.duplicates + sum(m.malformed.values())
    assert sum(m.events_by_name.values()) == m.events
    assert m.events_by_name["signup"] == m.users
    assert 0.07 <= m.journey_fraction <= 0.13
    assert m.events_by_name["page_view"] > m.events / 2
    for name in (*JOURNEY_EVENTS, "session_start", "button_clicked", "search"):
        assert m.events_by_name.get(name, 0) > 0, name
    assert m.duplicates > 0 and all(v > 0 for v in m.malformed.values())
    assert m.self_referrals > 0 and m.existing_user_referrals > 0
    ok = [json.loads(x) for x in lines[:2000] if x.startswith('{"') and x.endswith("}")]
    assert {"userId", "name", "eventAt"} <= set().union(*(o.keys() for o in ok))
    assert any("eventId" in o for o in ok)
    spend = pl.read_csv(m.spend_path)
    assert spend.columns == ["date", "channel", "amount"]
    assert spend.height == m.days * len(CHANNELS)
    assert set(spend["channel"]) == set(CHANNELS)


def test_defects_are_quarantined_or_deduplicated(small: tuple[SampleManifest, Lake]) -> None:
    m, lake = small
    report = lake.ingest(m.events_path)  # a second ingest adds nothing
    assert report.accepted == 0 and report.duplicates == m.events + m.duplicates
    assert lake.count() == m.events
    rejected = lake.rejected()
    assert rejected.height == sum(m.malformed.values())
    by_reason = dict(rejected.group_by("reason").len().iter_rows())
    assert by_reason == {k: v for k, v in m.malformed.items() if v}
    cat = {r["name"]: r["events"] for r in lake.catalog().to_records()}
    assert cat == m.events_by_name
    kinds = {(w.name, w.other) for w in lake.catalog().warnings}
    assert ("page_view", "page_veiw") in kinds and ("signup", "Sign Up") in kinds


def test_first_ingest_report_matches_manifest(tmp_path: Path) -> None:
    m = generate(tmp_path / "raw", users=300, seed=3, days=20)
    report = open_lake(tmp_path / "lake", create=True).ingest(m.events_path)
    assert report.records == m.lines
    assert report.accepted == m.events
    assert report.duplicates == m.duplicates
    assert report.rejected_by_reason == {k: v for k, v in m.malformed.items() if v}
    assert report.naive_timestamps > 0


def test_activation_rates_recovered(small: tuple[SampleManifest, Lake]) -> None:
    m, lake = small
    counts = activation_counts(lake, m)
    assert counts.height == len(CHANNELS) * len(ACTIVATIONS)
    for row in counts.iter_rows(named=True):
        lo, hi = wilson(row["activated"], row["started"])
        planted = m.rates.p(row["channel"], row["definition"])
        assert lo <= planted <= hi, (row, planted)


# -- the committed sample_data/ --------------------------------------------------------------


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleManifest, Lake]:
    from journeylab.sample import sample_lake

    lake = sample_lake(tmp_path_factory.mktemp("committed") / "lake", REPO / "sample_data")
    return read_manifest(REPO / "sample_data"), lake


def test_committed_sample_is_what_its_readme_says(tmp_path: Path) -> None:
    """sample_data/README.md: `journeylab sample --users 5000 --seed 42 --out sample_data --gzip`."""
    assert sample_data_dir() == REPO / "sample_data"
    readme = (REPO / "sample_data" / "README.md").read_text()
    assert "journeylab sample --users 5000 --seed 42 --out sample_data --gzip" in readme
    m = generate(tmp_path, users=5_000, seed=42, start=date(2025, 1, 6), days=90, compress=True)
    committed = REPO / "sample_data"
    assert gzip.decompress(m.events_path.read_bytes()) == gzip.decompress(
        (committed / "events.jsonl.gz").read_bytes()
    )
    assert m.spend_path.read_bytes() == (committed / "spend.csv").read_bytes()
    assert m.planted_path.read_bytes() == (committed / "planted.json").read_bytes()
    assert f"{m.lines:,} lines" in readme and f"duplicate lines ({m.duplicates:,})" in readme


def test_committed_lake_counts(committed: tuple[SampleManifest, Lake]) -> None:
    m, lake = committed
    assert lake.count() == m.events
    names = lake.execute(lake.events().group_by("name").agg(n=ibis._.count()))
    steps = names.filter(pl.col("name").is_in(list(JOURNEY_EVENTS)))["n"].sum()
    assert 0.08 <= steps / m.events <= 0.12  # funnel-step events are about 10% of rows


def test_committed_activation_rates_recovered(committed: tuple[SampleManifest, Lake]) -> None:
    m, lake = committed
    for row in activation_counts(lake, m).iter_rows(named=True):
        lo, hi = wilson(row["activated"], row["started"])
        assert lo <= m.rates.p(row["channel"], row["definition"]) <= hi, row


def test_purchases_recovered(committed: tuple[SampleManifest, Lake]) -> None:
    m, lake = committed
    ev = lake.events()
    buys = ev.filter(ev.name == "purchase").mutate(amount=json_number(ev.data, "amount"))
    frame = lake.execute(buys.select("user_id", "event_at", "amount")).sort(["user_id", "event_at"])
    # the amount is log-normal: its log has a known mean and sigma
    logs = frame["amount"].log()
    mu, sigma, n = math.log(m.rates.amount_median), m.rates.amount_sigma, frame.height
    assert abs(logs.mean() - mu) <= Z * sigma / math.sqrt(n) + 0.01  # cents rounding
    # a buyer's second purchase within 30 days of the first
    cutoff = m.end.replace(tzinfo=None) - pl.duration(days=30)
    firsts = frame.group_by("user_id", maintain_order=True).agg(
        first=pl.col("event_at").first(), second=pl.col("event_at").get(1, null_on_oob=True)
    )
    firsts = firsts.filter(pl.col("first").dt.replace_time_zone(None) <= cutoff)
    hit = (pl.col("second") - pl.col("first")) <= pl.duration(days=30)
    k = firsts.select(hit.fill_null(False).sum()).item()
    lo, hi = wilson(k, firsts.height)
    assert lo <= m.rates.second_purchase_within(30.0) <= hi


def test_first_widget_purchase_comes_with_a_purchase(
    committed: tuple[SampleManifest, Lake],
) -> None:
    _, lake = committed
    ev = lake.events()
    fwp = ev.filter(ev.name == "first_widget_purchase").select("user_id", "event_at")
    pur = ev.filter(ev.name == "purchase").select("user_id", "event_at")
    assert lake.execute(fwp.anti_join(pur, ["user_id", "event_at"])).height == 0
    assert lake.execute(fwp).height > 0


def test_referrals(committed: tuple[SampleManifest, Lake]) -> None:
    m, lake = committed
    ev = lake.events()
    refs = ev.filter(ev.name == "referral").mutate(referrer=json_string(ev.data, "referrerId"))
    signups = ev.filter(ev.name == "signup").select(user_id="user_id", signup_at="event_at")
    joined = refs.join(signups, "user_id")
    frame = lake.execute(joined.select("user_id", "referrer", "event_at", "signup_at"))
    assert frame["referrer"].null_count() == 0
    assert frame.filter(pl.col("referrer") == pl.col("user_id")).height == m.self_referrals
    before = frame.filter(pl.col("event_at") < pl.col("signup_at"))
    assert before.height == m.referral_links  # new referees: linked, then sign up
    assert frame.height - before.height == m.existing_user_referrals  # not new
    referrers = set(before["referrer"].to_list())
    signed = set(lake.execute(signups.select("user_id"))["user_id"].to_list())
    assert referrers <= signed


def test_reactivation_follows_dormancy(committed: tuple[SampleManifest, Lake]) -> None:
    """`reactivated` opens a session after 30+ days without any event from that user."""
    _, lake = committed
    ev = lake.events()
    frame = lake.execute(ev.select("user_id", "name", "event_at"))
    back = frame.filter(pl.col("name") == "reactivated").select("user_id", back="event_at")
    assert back.height > 0
    before = frame.join(back, on="user_id").filter(
        pl.col("event_at") < pl.col("back") - pl.duration(seconds=121)
    )
    last = before.group_by("user_id").agg(pl.col("event_at").max(), pl.col("back").first())
    assert last.height == back.height
    gaps = last.select(pl.col("back") - pl.col("event_at"))
    assert gaps.select((pl.col("back") >= pl.duration(days=30)).all()).item()
    first_session = frame.join(back, on="user_id").filter(
        (pl.col("name") == "session_start")
        & (pl.col("event_at") <= pl.col("back"))
        & (pl.col("event_at") >= pl.col("back") - pl.duration(seconds=121))
    )
    assert first_session["user_id"].n_unique() == back.height


def test_spend_matches_cost_per_signup(committed: tuple[SampleManifest, Lake]) -> None:
    m, lake = committed
    spend = pl.read_csv(m.spend_path).group_by("channel").agg(pl.col("amount").sum())
    ev = lake.events()
    su = ev.filter(ev.name == "signup").mutate(channel=json_string(ev.data, "channel"))
    per = lake.execute(su.group_by("channel").agg(n=ibis._.count()))
    joined = spend.join(per, on="channel")
    for row in joined.iter_rows(named=True):
        cps = m.rates.cost_per_signup[row["channel"]]
        assert abs(row["amount"] / row["n"] - cps) <= 0.05 * cps, row


def test_cli_sample(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from journeylab.cli import app

    runner = CliRunner()
    out = tmp_path / "s"
    result = runner.invoke(app, ["sample", "--users", "200", "--seed", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "events.jsonl" in result.output and "planted" in result.output
    result = runner.invoke(
        app,
        ["sample", "--users", "200", "--seed", "4", "--out", str(out), "--json", "--days", "20"],
    )
    d = json.loads(result.output)
    assert d["users"] == 200 and d["days"] == 20 and d["lines"] > 0
    bad = runner.invoke(app, ["sample", "--users", "0", "--out", str(out)])
    assert bad.exit_code == 2 and "users" in bad.output


def test_activation_delays_recovered(committed: tuple[SampleManifest, Lake]) -> None:
    """Half of the within-14-days delays lie below the planted median (a binomial check)."""
    m, lake = committed
    ev = lake.events()
    signups = ev.filter(ev.name == "signup")
    first = signups.group_by("user_id").agg(
        signup_at=signups.event_at.min(), data=signups.data.arbitrary()
    )
    first = first.mutate(channel=json_string(first.data, "channel")).drop("data")
    for definition in ACTIVATIONS:
        hits = ev.filter(ev.name == definition).select("user_id", act_at="event_at")
        joined = first.join(hits, "user_id")
        delays = (
            lake.execute(joined.select("channel", "signup_at", "act_at"))
            .select("channel", delay=pl.col("act_at") - pl.col("signup_at"))
            .filter(pl.col("delay") <= pl.duration(days=14))
        )
        for (channel,), group in delays.group_by("channel"):
            median = pl.duration(hours=m.rates.median_delay_hours(channel, definition))
            k = group.select((pl.col("delay") <= median).sum()).item()
            lo, hi = wilson(k, group.height)
            assert lo <= 0.5 <= hi, (channel, definition, k, group.height)


def test_sample_files_and_lake_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journeylab.errors import InputError
    from journeylab.sample import sample_files, sample_lake

    m = generate(tmp_path / "gen", users=150, seed=9, days=20, compress=True)
    monkeypatch.setenv("JOURNEYLAB_SAMPLE_DATA", str(tmp_path / "gen"))
    files = sample_files(tmp_path / "work")
    assert files.events == tmp_path / "work" / "events.jsonl"
    assert files.events.read_bytes() == gzip.decompress(m.events_path.read_bytes())
    lake = sample_lake(tmp_path / "lakes" / "lake")
    assert lake.count() == m.events
    assert sample_lake(tmp_path / "lakes" / "lake").count() == m.events  # reused, not re-landed
    with pytest.raises(InputError, match="planted.json"):
        sample_files(tmp_path / "w2", sample_dir=tmp_path / "nowhere")
