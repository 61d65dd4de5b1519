"""``make demo``: build the sample lake if missing and walk through it, printing results.

The walkthrough is a list of small sections (:data:`SECTIONS`); each takes the
:class:`Demo` context, prints what it shows and may save charts into ``demo_out/``.
To add one, write ``def section_x(demo: Demo) -> None`` and append it to ``SECTIONS``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
from rich.console import Console
from rich.table import Table

from journeylab.lake import REASONS, Lake, open_lake
from journeylab.sample import ACTIVATIONS, CHANNELS, SampleFiles, sample_files
from journeylab.where import json_string

console = Console()

__all__ = ["Demo", "SECTIONS", "main"]


@dataclass
class Demo:
    """What every section gets: the lake, the sample's files and the output folder."""

    lake: Lake
    files: SampleFiles
    out: Path
    outputs: list[str] = field(default_factory=list)

    def save(self, chart: Any, name: str) -> None:
        path = self.out / name
        chart.save(str(path))
        self.outputs.append(str(path))


def header(title: str) -> None:
    console.rule(f"[bold]{title}")


def build_lake(sample: Path | None, out: Path) -> tuple[Lake, SampleFiles]:
    """Unpack the sample into ``out/raw`` and ingest it into ``out/lake`` (once)."""
    files = sample_files(out / "raw", sample)
    lake_dir = out / "lake"
    report_path = out / "ingest_report.json"
    if (lake_dir / "journeylab-lake.json").exists() and report_path.exists():
        console.print(f"sample lake already built at {lake_dir} (delete it to rebuild)")
        return open_lake(lake_dir), files
    lake = open_lake(lake_dir)
    console.print(f"ingesting {files.events} into {lake_dir} ...")
    report = lake.ingest(files.events)
    report_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    report.chart().save(str(out / "ingest.html"))
    return lake, files


def section_ingest(demo: Demo) -> None:
    header("1. Ingest report: nothing lost, every bad line explained")
    d = json.loads((demo.out / "ingest_report.json").read_text())
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
    demo.outputs.append(str(demo.out / "ingest.html"))


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


SECTIONS: list[Callable[[Demo], None]] = [
    section_ingest,
    section_quarantine,
    section_catalog,
    section_planted,
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=Path, default=None, help="sample folder")
    parser.add_argument("--out", type=Path, default=Path("demo_out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    lake, files = build_lake(args.sample, args.out)
    demo = Demo(lake=lake, files=files, out=args.out)
    for section in SECTIONS:
        section(demo)
    header("Outputs")
    console.print(f"lake:    {lake.path}", highlight=False)
    console.print(f"raw:     {files.events}", highlight=False)
    console.print(f"spend:   {files.spend}", highlight=False)
    for path in demo.outputs:
        console.print(f"chart:   {path}", highlight=False)
    console.print("next:    notebooks/01_getting_started.ipynb (jupyter lab notebooks/)")


if __name__ == "__main__":
    main()
