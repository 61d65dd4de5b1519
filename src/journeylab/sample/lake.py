"""The committed sample (``sample_data/``) as files and as a lake, for demos and notebooks."""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from journeylab.errors import InputError
from journeylab.lake import Lake, open_lake
from journeylab.sample.generator import PLANTED_FILE, SampleManifest, read_manifest

__all__ = ["SampleFiles", "sample_data_dir", "sample_files", "sample_lake"]


@dataclass(frozen=True)
class SampleFiles:
    """Paths ready to ingest: ``events`` (plain JSONL), ``spend`` (CSV), and the manifest."""

    events: Path
    spend: Path
    manifest: SampleManifest


def sample_data_dir(sample_dir: str | Path | None = None) -> Path:
    """Where the committed sample lives.

    ``sample_dir`` if given; else the first of ``$JOURNEYLAB_SAMPLE_DATA``,
    ``$JOURNEYLAB_REPO/sample_data``, the repository this package was installed from,
    ``./sample_data`` and ``../sample_data`` that holds a ``planted.json``.
    """
    candidates: list[Path] = []
    if sample_dir is not None:
        candidates.append(Path(sample_dir))  # asked for explicitly: nothing else will do
    else:
        if os.environ.get("JOURNEYLAB_SAMPLE_DATA"):
            candidates.append(Path(os.environ["JOURNEYLAB_SAMPLE_DATA"]))
        if os.environ.get("JOURNEYLAB_REPO"):
            candidates.append(Path(os.environ["JOURNEYLAB_REPO"]) / "sample_data")
        candidates += [
            Path(__file__).resolve().parents[3] / "sample_data",
            Path.cwd() / "sample_data",
            Path.cwd().parent / "sample_data",
        ]
    for candidate in candidates:
        if (candidate / PLANTED_FILE).is_file():
            return candidate
    raise InputError(
        "Invalid value for sample_dir: no sample_data/ with planted.json found in "
        + ", ".join(repr(str(c)) for c in candidates)
        + ". Set JOURNEYLAB_SAMPLE_DATA, or run `journeylab sample --out DIR` to make one."
    )


def sample_files(work_dir: str | Path, sample_dir: str | Path | None = None) -> SampleFiles:
    """The sample's files; a compressed export is unpacked once into ``work_dir``."""
    source = sample_data_dir(sample_dir)
    manifest = read_manifest(source)
    events = manifest.events_path
    if events.suffix == ".gz":
        work = Path(work_dir)
        work.mkdir(parents=True, exist_ok=True)
        plain = work / events.name.removesuffix(".gz")
        if not plain.is_file() or plain.stat().st_mtime < events.stat().st_mtime:
            partial = plain.with_suffix(".partial")
            with gzip.open(events, "rb") as src, open(partial, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            partial.replace(plain)
        events = plain
    return SampleFiles(events=events, spend=manifest.spend_path, manifest=manifest)


def sample_lake(lake_dir: str | Path, sample_dir: str | Path | None = None) -> Lake:
    """A lake holding the committed sample, ingested on first use (then reused)."""
    lake_path = Path(lake_dir)
    lake = open_lake(lake_path, create=True)
    if not lake.layout.event_files():
        files = sample_files(lake_path.parent / "sample_raw", sample_dir)
        lake.ingest(files.events, progress=False)
    return lake
