"""Named points where the crash tests kill a writer (docs/lake.md, "Crash safety").

``JOURNEYLAB_FAILPOINT=<stage>`` makes the process SIGKILL itself when it first reaches that
stage, ``<stage>@<n>`` the n-th time (a later chunk, a later file) — read when the stage is
reached, never at import, and a no-op otherwise. The stages
are listed in :data:`STAGES`; tests/test_lake_crash.py kills the real CLI at each one.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

__all__ = ["STAGES", "failpoint"]

#: every stage of an ingest and of a compaction, in the order they are reached
STAGES = (
    "ingest.locked",  # the writer lock is held, nothing written yet
    "ingest.chunk-validated",  # a chunk is validated, de-duplicated and sorted, not written
    "ingest.events-written",  # the chunk's events file is complete under _tmp/
    "ingest.events-landed",  # ... renamed into the generation; its sidecars not yet written
    "ingest.ids-landed",  # ... its id and users sidecars landed too; its rejects not yet
    "ingest.rejects-landed",  # the chunk's rejected file landed too (the chunk is complete)
    "compact.locked",  # the writer lock is held, nothing written yet
    "compact.file-written",  # the new generation holds its first complete file
    "compact.filled",  # the new generation is complete; `events` still points at the old
    "compact.switched",  # `events` points at the new generation; the old one not removed
)


_REACHED: Counter[str] = Counter()


def failpoint(stage: str) -> None:
    """SIGKILL this process if ``JOURNEYLAB_FAILPOINT`` names ``stage`` (and, with ``@n``,
    this is the n-th time it is reached)."""
    wanted = os.environ.get("JOURNEYLAB_FAILPOINT")
    if not wanted or not wanted.startswith(stage):
        return
    name, _, nth = wanted.partition("@")
    if name != stage:
        return
    _REACHED[stage] += 1
    if _REACHED[stage] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
