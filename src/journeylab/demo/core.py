"""What every demo section gets (:class:`Demo`), the console, and building the lake."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from journeylab.lake import Lake, open_lake
from journeylab.sample import ACTIVATIONS, SampleFiles, sample_files

__all__ = ["FUNNEL", "LABELS", "PROGRAMS", "Demo", "build_lake", "console", "header"]

console = Console()

# The sample's real definitions (sample_data/README.md): the onboarding funnel, the three
# activation moments (labelled as in notebook 03 and the README) and the example programs.
FUNNEL = ("signup", "onboarding_started", "tutorial_completed", "profile_completed")
LABELS = {
    "profile_completed": "profile",
    "payment_method_updated": "payment",
    "first_widget_purchase": "purchase",
}
PROGRAMS = ("offer_three_purchases.yaml", "referral_invite_a_friend.yaml")


@dataclass
class Demo:
    """The lake, the sample's files, the output folder, the examples folder, and what the
    sections wrote (``outputs``; the report's path once written)."""

    lake: Lake
    files: SampleFiles
    out: Path
    examples: Path
    outputs: list[str] = field(default_factory=list)
    report: Path | None = None

    def save(self, chart: Any, name: str) -> None:
        """Save ``chart`` as a self-contained HTML page in the output folder."""
        from journeylab.charts.offline import save_html

        path = save_html(chart, self.out / name)
        self.outputs.append(str(path))

    @property
    def activations(self) -> dict[str, str]:
        return {LABELS.get(name, name): name for name in ACTIVATIONS}

    @property
    def programs(self) -> list[Path]:
        """The example offer and referral (none when the examples folder is missing)."""
        return [p for p in (self.examples / n for n in PROGRAMS) if p.exists()]

    @property
    def ingest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.out / "ingest_report.json").read_text())
        return data


def header(title: str) -> None:
    console.rule(f"[bold]{title}")


def build_lake(sample: Path | None, out: Path) -> tuple[Lake, SampleFiles]:
    """Unpack the sample into ``out/raw`` and ingest it into ``out/lake`` (once); the
    ingest report is kept in ``out/ingest_report.json``."""
    files = sample_files(out / "raw", sample)
    lake_dir = out / "lake"
    report_path = out / "ingest_report.json"
    if (lake_dir / "journeylab-lake.json").exists() and report_path.exists():
        console.print(f"sample lake already built at {lake_dir} (delete it to rebuild)")
        return open_lake(lake_dir), files
    lake = open_lake(lake_dir, create=True)
    console.print(f"ingesting {files.events} into {lake_dir} ...")
    report = lake.ingest(files.events)
    report_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    return lake, files
