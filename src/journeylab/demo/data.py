"""Demo sections on the data itself: ingest, quarantine, catalog, planted vs observed."""

from __future__ import annotations

import ibis

from journeylab.charts.ingest import ingest_chart
from journeylab.cli.tables import Table
from journeylab.demo.core import Demo, console, header
from journeylab.lake import REASONS
from journeylab.sample import ACTIVATIONS, CHANNELS
from journeylab.where import json_string

__all__ = ["section_catalog", "section_ingest", "section_planted", "section_quarantine"]


def section_ingest(demo: Demo) -> None:
    header("1. Ingest report: nothing lost, every bad line explained")
    d = demo.ingest
    console.print(
        f"{d['records']:,} records → [green]{d['accepted']:,} accepted[/green], "
        f"{d['duplicates']:,} duplicates dropped, [red]{d['rejected']:,} quarantined[/red] "
        f"(accepted + duplicates + rejected = "
        f"{d['accepted'] + d['duplicates'] + d['rejected']:,})",
        highlight=False,
    )
    for reason, n in d["rejected_by_reason"].items():
        console.print(f"  {reason:<18} {n:>5,}  {REASONS.get(reason, '')}", highlight=False)
    console.print(
        f"  {d['naive_timestamps']:,} timestamps had no offset and were read as UTC; "
        f"events from {d['first_event_at']} to {d['last_event_at']}",
        highlight=False,
    )
    m = demo.files.manifest
    console.print(
        f"  the generator planted {m.duplicates:,} duplicate lines and "
        f"{sum(m.malformed.values()):,} malformed ones",
        highlight=False,
    )
    demo.save(ingest_chart(d), "ingest.html")


def section_quarantine(demo: Demo) -> None:
    header("2. The quarantine: rejected lines, kept with their raw text and reason")
    rejected = demo.lake.rejected()
    table = Table("line", "reason", "detail", "raw (start)")
    for row in rejected.group_by("reason", maintain_order=True).head(1).iter_rows(named=True):
        table.add_row(str(row["record"]), row["reason"], row["detail"][:70], row["raw"][:40])
    console.print(table)
    console.print(f"{rejected.height:,} rejected records in all: lake.rejected()")


def section_catalog(demo: Demo) -> None:
    header("3. Catalog: every event name, and names that look like mistakes")
    demo.lake.declare("referral_reward_paid", description="Reward paid to a referrer (planned)")
    catalog = demo.lake.catalog()
    table = Table("name", "events", "users", "declared")
    for row in catalog.to_records():
        table.add_row(row["name"], f"{row['events']:,}", f"{row['users']:,}", str(row["declared"]))
    console.print(table)
    for warning in catalog.warnings:
        console.print(f"[yellow]near miss:[/yellow] {warning.message()}", highlight=False)
    demo.save(catalog.chart(), "catalog.html")


def section_planted(demo: Demo) -> None:
    header("4. Planted vs observed: activation within 14 days of signup, per channel")
    events = demo.lake.events()
    manifest = demo.files.manifest
    cutoff = ibis.timestamp(manifest.end.replace(tzinfo=None)) - ibis.interval(days=14)
    signups = events.filter(events.name == "signup")
    first = signups.group_by("user_id").agg(
        signup_at=signups.event_at.min(), data=signups.data.arbitrary()
    )
    first = first.mutate(channel=json_string(first.data, "channel"))
    matured = first.filter(first.signup_at <= cutoff)
    table = Table("channel", "users", *(d.replace("_", "_\n", 1) for d in ACTIVATIONS))
    rows: dict[str, list[str]] = {c: [] for c in CHANNELS}
    users: dict[str, int] = {}
    for definition in ACTIVATIONS:
        hits = events.filter(events.name == definition)
        joined = matured.left_join(
            hits,
            (matured.user_id == hits.user_id)
            & (hits.event_at >= matured.signup_at)
            & (hits.event_at <= matured.signup_at + ibis.interval(days=14)),
        )
        per = joined.group_by("channel").agg(
            users=joined.user_id.nunique(), active=joined.user_id_right.nunique()
        )
        for row in demo.lake.execute(per).iter_rows(named=True):
            users[row["channel"]] = row["users"]
            planted = manifest.rates.p(row["channel"], definition)
            rows[row["channel"]].append(f"{row['active'] / row['users']:.1%} ({planted:.0%})")
    for channel in CHANNELS:
        table.add_row(channel, f"{users.get(channel, 0):,}", *rows[channel])
    console.print(table)
    console.print("observed (planted) — plain Ibis counting over users whose 14 days are over")
