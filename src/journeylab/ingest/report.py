"""``IngestReport``: what one ingest did (its ``to_dict()`` keys are the ``--json`` contract)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from journeylab.times import from_us

if TYPE_CHECKING:
    import altair as alt

__all__ = ["IngestReport", "Tally"]


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did. ``records == accepted + duplicates + rejected``."""

    records: int
    accepted: int
    duplicates: int
    rejected: int
    rejected_by_reason: dict[str, int]
    naive_timestamps: int
    unknown_fields: int
    first_event_at: datetime | None
    last_event_at: datetime | None
    sources: tuple[str, ...]
    files_written: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "naive_timestamps": self.naive_timestamps,
            "unknown_fields": self.unknown_fields,
            "first_event_at": _iso(self.first_event_at),
            "last_event_at": _iso(self.last_event_at),
            "sources": list(self.sources),
            "files_written": self.files_written,
            "seconds": round(self.seconds, 3),
        }

    def chart(self) -> alt.TopLevelMixin:
        """Bar chart: accepted, duplicates and each rejection reason."""
        from journeylab.charts.ingest import ingest_chart

        return ingest_chart(self)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@dataclass
class Tally:
    """Counts an ingest adds up chunk by chunk."""

    records: int = 0
    accepted: int = 0
    duplicates: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    naive: int = 0
    unknown: int = 0
    first: int | None = None
    last: int | None = None
    files: int = 0

    def report(self, sources: tuple[str, ...], seconds: float) -> IngestReport:
        return IngestReport(
            records=self.records,
            accepted=self.accepted,
            duplicates=self.duplicates,
            rejected=sum(self.reasons.values()),
            rejected_by_reason=dict(self.reasons),
            naive_timestamps=self.naive,
            unknown_fields=self.unknown,
            first_event_at=None if self.first is None else from_us(self.first),
            last_event_at=None if self.last is None else from_us(self.last),
            sources=sources,
            files_written=self.files,
            seconds=seconds,
        )
