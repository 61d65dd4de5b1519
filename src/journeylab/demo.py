"""``make demo``: build the sample lake if missing and walk through it, printing results."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from journeylab.lake import open_lake

console = Console()


def build_lake(sample: Path, out: Path) -> Path:
    lake_dir = out / "lake"
    if (lake_dir / "journeylab-lake.json").exists():
        console.print(f"sample lake already built at {lake_dir}")
        return lake_dir
    lake = open_lake(lake_dir)
    sources = sorted(sample.glob("*.jsonl"))
    report = lake.ingest(sources)
    d = report.to_dict()
    console.print(
        f"ingested {d['records']:,} records from {len(sources)} file(s): "
        f"{d['accepted']:,} accepted, {d['duplicates']:,} duplicates, "
        f"{d['rejected']:,} rejected {d['rejected_by_reason']}"
    )
    return lake_dir


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=Path, default=Path("sample_data"))
    parser.add_argument("--out", type=Path, default=Path("demo_out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    lake_dir = build_lake(args.sample, args.out)
    lake = open_lake(lake_dir)
    catalog = lake.catalog()
    console.print(catalog.frame.head(12))
    for warning in catalog.warnings:
        console.print(f"[yellow]near miss:[/yellow] {warning.message()}", highlight=False)
    catalog.chart().save(str(args.out / "catalog.html"))
    console.print(f"\noutputs: lake at {lake_dir}, charts in {args.out}/*.html")


if __name__ == "__main__":
    main()
