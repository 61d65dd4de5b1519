"""``IngestReport``: what one ingest did (its ``to_dict()`` keys are the ``--json`` contract)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from journeylab.times import from_us

if TYPE_CHECKING:
    import altair as alt

__all__ = ["IngestReport", "Tally", "unknown_fields_message"]


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
    #: of the accepted records, how many carry each field that is not an Events API field
    #: (ignored: often a misspelt one, e.g. ``evntAt``, whose events took the receive time)
    unknown_field_names: dict[str, int] = field(default_factory=dict)
    #: the first rejected record of each reason: source, record number, detail
    rejected_examples: dict[str, tuple[str, int, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "naive_timestamps": self.naive_timestamps,
            "unknown_fields": self.unknown_fields,
            "unknown_field_names": dict(sorted(self.unknown_field_names.items())),
            "rejected_examples": {
                reason: {"source": source, "record": record, "detail": detail}
                for reason, (source, record, detail) in sorted(self.rejected_examples.items())
            },
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


def unknown_fields_message(names: dict[str, int], shown: int = 5) -> str:
    """The fields that are not Events API fields (``unknown_field_names``), most carried
    first, each with the field it may misspell."""
    from journeylab.ingest.wire import FIELDS
    from journeylab.lake.catalog import nearest_names

    top = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = []
    for name, n in top[:shown]:
        near = nearest_names(name, list(FIELDS), 1)
        hint = f", did you mean {near[0]!r}?" if near else ""
        parts.append(f"{name!r} ({n:,} record{'s' if n != 1 else ''}{hint})")
    more = f", and {len(top) - shown} more" if len(top) > shown else ""
    return (
        "ignored fields that are not Events API fields (userId, name, eventAt, data, "
        "eventId): " + ", ".join(parts) + more
    )


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
    unknown_names: Counter[str] = field(default_factory=Counter)
    examples: dict[str, tuple[str, int, str]] = field(default_factory=dict)
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
            unknown_field_names=dict(self.unknown_names),
            rejected_examples=dict(self.examples),
        )
