"""``generate``: a deterministic, streaming sample app export (events, spend, planted rates).

Users are processed in fixed-size chunks, each with its own random stream derived from
``(seed, chunk number)``; a chunk's lines are formatted and written before the next one is
drawn, so memory stays flat however many events are asked for.
"""

from __future__ import annotations

import gzip
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from journeylab.errors import invalid
from journeylab.sample.export import MALFORMED, format_chunk, to_bytes
from journeylab.sample.noise import sessions
from journeylab.sample.planted import CHANNELS, JOURNEY_EVENTS, PlantedRates
from journeylab.sample.users import DAY_MS, NAMES, Plan, journeys

__all__ = [
    "CHUNK_USERS",
    "DEFAULT_START",
    "SampleManifest",
    "generate",
    "make_plan",
    "read_manifest",
]

DEFAULT_START = date(2025, 1, 6)
CHUNK_USERS = 20_000
EVENTS_FILE = "events.jsonl"
SPEND_FILE = "spend.csv"
PLANTED_FILE = "planted.json"


@dataclass(frozen=True)
class SampleManifest:
    """What :func:`generate` wrote, and the truth an analysis should recover."""

    out_dir: Path
    events_file: str
    spend_file: str
    seed: int
    users: int
    start: date
    days: int
    lines: int
    events: int
    duplicates: int
    malformed: dict[str, int]
    events_by_name: dict[str, int]
    referral_links: int
    self_referrals: int
    existing_user_referrals: int
    rates: PlantedRates = field(default_factory=PlantedRates)
    seconds: float = 0.0

    @property
    def events_path(self) -> Path:
        return self.out_dir / self.events_file

    @property
    def spend_path(self) -> Path:
        return self.out_dir / self.spend_file

    @property
    def planted_path(self) -> Path:
        return self.out_dir / PLANTED_FILE

    @property
    def end(self) -> datetime:
        """End of the horizon (exclusive): no event is at or after it."""
        return datetime.combine(self.start, datetime.min.time(), UTC) + timedelta(days=self.days)

    @property
    def journey_fraction(self) -> float:
        """Share of (valid) events that are journey/funnel-step events."""
        steps = sum(self.events_by_name.get(n, 0) for n in JOURNEY_EVENTS)
        return steps / self.events if self.events else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Everything but the machine-dependent out_dir and seconds (planted.json)."""
        return {
            "generator": "journeylab.sample",
            "events_file": self.events_file,
            "spend_file": self.spend_file,
            "seed": self.seed,
            "users": self.users,
            "start": self.start.isoformat(),
            "days": self.days,
            "lines": self.lines,
            "events": self.events,
            "duplicates": self.duplicates,
            "malformed": dict(sorted(self.malformed.items())),
            "events_by_name": dict(sorted(self.events_by_name.items())),
            "journey_fraction": round(self.journey_fraction, 6),
            "referral_links": self.referral_links,
            "self_referrals": self.self_referrals,
            "existing_user_referrals": self.existing_user_referrals,
            "planted": self.rates.to_dict(),
        }


def read_manifest(directory: str | Path) -> SampleManifest:
    """Load ``planted.json`` written by :func:`generate` (e.g. for ``sample_data/``)."""
    out = Path(directory)
    d = json.loads((out / PLANTED_FILE).read_text())
    rates = PlantedRates.from_dict({k: v for k, v in d["planted"].items() if k != "derived"})
    return SampleManifest(
        out_dir=out,
        events_file=d["events_file"],
        spend_file=d["spend_file"],
        seed=d["seed"],
        users=d["users"],
        start=date.fromisoformat(d["start"]),
        days=d["days"],
        lines=d["lines"],
        events=d["events"],
        duplicates=d["duplicates"],
        malformed=d["malformed"],
        events_by_name=d["events_by_name"],
        referral_links=d["referral_links"],
        self_referrals=d["self_referrals"],
        existing_user_referrals=d["existing_user_referrals"],
        rates=rates,
    )


def _signup_table(rates: PlantedRates, users: int, days: int, rng: np.random.Generator) -> Any:
    """signups[d, c] — weekly rhythm for ads, growth for organic and referral, partner bursts."""
    d = np.arange(days)
    weekday = (d + DEFAULT_START.weekday()) % 7
    weights = {
        "ads": np.where(weekday < 5, 1.1, 0.75),
        "organic": 1.0 + 0.5 * d / max(days, 1),
        "referral": np.where(d >= rates.referral_launch_day, 1.0 + d / max(days, 1), 0.0),
        "partner": np.where((d // 7) % 4 == 1, 2.0, 0.8),
    }
    p = np.stack(
        [rates.channel_share[c] * weights[c] / max(weights[c].sum(), 1e-12) for c in CHANNELS],
        axis=1,
    )
    return rng.multinomial(users, (p / p.sum()).reshape(-1)).reshape(days, len(CHANNELS))


def _spend(rates: PlantedRates, signups: Any, start: date, rng: np.random.Generator) -> str:
    sigma = rates.spend_noise_sigma
    noise = rng.lognormal(-(sigma**2) / 2.0, sigma, signups.shape)
    cps = np.array([rates.cost_per_signup[c] for c in CHANNELS])
    amount = np.round(signups * cps[None, :] * noise, 2)
    out = io.StringIO()
    out.write("date,channel,amount\n")
    for day in range(signups.shape[0]):
        when = (start + timedelta(days=day)).isoformat()
        for c, channel in enumerate(CHANNELS):
            out.write(f"{when},{channel},{amount[day, c]:.2f}\n")
    return out.getvalue()


def _distinct_instants(frame: pl.DataFrame, lo: int, start_ms: int) -> pl.DataFrame:
    """Move the rare same-user, same-name, same-millisecond events apart by 1 ms each.

    Otherwise two random page views could share an instant and ingest would (rightly) see
    one event, making the planted duplicate count off by one.
    """
    while True:
        key = (
            ((frame["uid"].to_numpy() - lo) << 40)
            | (frame["code"].to_numpy().astype(np.int64) << 36)
            | (frame["t"].to_numpy() - start_ms)
        )
        ordered = np.sort(key)
        if not (ordered[1:] == ordered[:-1]).any():
            return frame
        clash = pl.Series(key).is_duplicated()
        rank = (
            frame.with_row_index("row")
            .filter(clash)
            .select("row", bump=pl.int_range(pl.len()).over(["uid", "code", "t"]))
        )
        bump = np.zeros(frame.height, np.int64)
        bump[rank["row"].to_numpy()] = rank["bump"].to_numpy()
        frame = frame.with_columns(t=pl.col("t") + pl.Series(bump))


def make_plan(
    rates: PlantedRates, users: int, seed: int, start: date, days: int
) -> tuple[Plan, np.random.Generator]:
    """The signup layout and horizon (and the root generator, for the spend draws next):
    what every chunk of users is drawn from."""
    root = np.random.default_rng([seed, 0])
    signups = _signup_table(rates, users, days, root)
    start_ms = int(datetime.combine(start, datetime.min.time(), UTC).timestamp() * 1000)
    return Plan(rates, users, start_ms, start_ms + days * DAY_MS, signups), root


def generate(
    out_dir: str | Path,
    users: int = 5_000,
    seed: int = 0,
    start: date = DEFAULT_START,
    days: int = 90,
    rates: PlantedRates | None = None,
    compress: bool = False,
    chunk_users: int = CHUNK_USERS,
    on_chunk: Callable[[int, int], None] | None = None,
) -> SampleManifest:
    """Write ``events.jsonl`` (or ``.jsonl.gz``), ``spend.csv`` and ``planted.json``.

    Deterministic: the same arguments give byte-identical files. ``on_chunk(users_done,
    lines_written)`` is called after each chunk (for progress bars).
    """
    if not isinstance(users, int) or not 1 <= users < 100_000_000:
        raise invalid("users", users, "an integer from 1 to 99,999,999")
    if not isinstance(days, int) or not 15 <= days <= 730:
        raise invalid("days", days, "an integer from 15 (the activation window is 14d) to 730")
    if not 1 <= chunk_users <= 1_000_000:
        raise invalid("chunk_users", chunk_users, "an integer from 1 to 1,000,000")
    if not isinstance(seed, int) or seed < 0:
        raise invalid("seed", seed, "a non-negative integer")
    began = time.perf_counter()
    rates = rates or PlantedRates()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan, root = make_plan(rates, users, seed, start, days)
    (out / SPEND_FILE).write_text(_spend(rates, plan.signups, start, root))

    events_file = EVENTS_FILE + (".gz" if compress else "")
    lines = events = duplicates = links = selfs = existing = 0
    malformed = dict.fromkeys(MALFORMED, 0)
    by_code = np.zeros(len(NAMES), np.int64)
    tmp = out / (events_file + ".partial")
    with open(tmp, "wb") as raw:
        sink: Any = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if compress else raw
        for number, lo in enumerate(range(0, users, chunk_users)):
            hi = min(lo + chunk_users, users)
            rng = np.random.default_rng([seed, 1, number])
            chunk = journeys(plan, rng, lo, hi)
            frame = pl.concat(chunk.frames + sessions(plan, rng, chunk))
            frame = frame.filter((pl.col("t") >= plan.start_ms) & (pl.col("t") < plan.end_ms))
            frame = _distinct_instants(frame, lo, plan.start_ms)
            by_code += np.bincount(frame["code"].to_numpy(), minlength=len(NAMES))
            text, dups, bad = format_chunk(frame, rng, rates)
            sink.write(to_bytes(text))
            events += frame.height
            lines += len(text)
            duplicates += dups
            for k, v in bad.items():
                malformed[k] += v
            links += chunk.referral_links
            selfs += chunk.self_referrals
            existing += chunk.existing_user_referrals
            if on_chunk is not None:
                on_chunk(hi, lines)
        if compress:
            sink.close()
    tmp.replace(out / events_file)
    manifest = SampleManifest(
        out_dir=out,
        events_file=events_file,
        spend_file=SPEND_FILE,
        seed=seed,
        users=users,
        start=start,
        days=days,
        lines=lines,
        events=events,
        duplicates=duplicates,
        malformed=malformed,
        events_by_name={NAMES[i]: int(c) for i, c in enumerate(by_code) if c},
        referral_links=links,
        self_referrals=selfs,
        existing_user_referrals=existing,
        rates=rates,
        seconds=time.perf_counter() - began,
    )
    (out / PLANTED_FILE).write_text(json.dumps(manifest.to_dict(), indent=2) + "\n")
    return manifest
