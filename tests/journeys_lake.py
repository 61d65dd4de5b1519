"""A small lake for the journeys lake/CLI/chart tests: 8 users over five weeks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from journeylab import open_lake

BASE = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


def records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(user: str, name: str, hours: float, data: dict[str, Any] | None = None) -> None:
        rec: dict[str, Any] = {
            "userId": user,
            "name": name,
            "eventAt": (BASE + timedelta(hours=hours)).isoformat(),
        }
        if data is not None:
            rec["data"] = data
        out.append(rec)

    for i in range(8):
        u = f"u{i}"
        start = i * 20
        add(u, "signup", start, {"channel": "ads" if i % 2 else "seo"})
        add(u, "view", start + 0.1)
        if i % 3:
            add(u, "view", start + 0.2)
            add(u, "cart", start + 0.3)
        if i % 4 == 0:
            add(u, "purchase", start + 0.4, {"amount": 20})
        for week in range(1, 5 - i % 3):
            add(u, "view", start + week * 24 * 7 + 1)
    return out


def build(tmp: Path) -> Path:
    src = tmp / "events.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records()))
    path = tmp / "lake"
    open_lake(path, create=True).ingest(src, progress=False)
    return path
