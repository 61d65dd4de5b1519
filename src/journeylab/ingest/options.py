"""``IngestOptions``: how an ingest runs (never what it means: that is semantics.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeylab.errors import invalid

__all__ = ["CHUNK_ROWS", "MEMORY_POOLS", "IngestOptions", "size_bytes"]

#: records validated and committed together (one events file per chunk): 500k took less
#: time and memory than 1M or 250k on every format (docs/performance.md, "Ingest")
CHUNK_ROWS = 500_000
#: IngestOptions.memory_pool: the C library's allocator, or pyarrow's pool as it is
#: (:mod:`journeylab.arrow_pool`)
MEMORY_POOLS = ("system", "pyarrow")


@dataclass(frozen=True)
class IngestOptions:
    """Options of one ingest, passed in (nothing is read from the environment).

    - ``chunk_rows``: records per commit (about; JSON lines are cut by lines). Each chunk
      becomes one events file and one rejected file; a crash loses at most the chunk being
      written, and memory grows with it (at 500k, 10M events peaked at 1.0 GB from JSON
      lines, 1.2 GB from Parquet, 1.8 GB from CSV; at 1M: 1.5, 1.7, 2.5 GB).
    - ``threads``: DuckDB threads for validation (None: one per core).
    - ``memory_limit``: DuckDB's memory limit for the ingest's private connection
      (DuckDB syntax, e.g. ``"1GB"``; None: DuckDB's default).
    - ``strict``: a rejected record stops the ingest with an error naming it, before its
      chunk is committed (chunks committed earlier stay, as after a kill); by default
      rejected records are quarantined and the ingest goes on.
    - ``progress``: show a progress bar (None: on a terminal, for inputs of 32 MiB or more).
    - ``timezone``: the project time zone of a Mixpanel export whose times are wall-clock
      times there (older projects; IANA name, e.g. ``"America/Los_Angeles"``).
    - ``ids_memory``: bytes the lake's event ids may take in memory, for de-duplication (4
      an event; None: 256 MiB, 67M events). A larger lake's ids are probed in their
      sidecars on disk instead, chunk by chunk: memory stays bounded at any lake size,
      and each chunk reads 8 bytes an event past the budget (docs/lake.md, "Id sidecars").
    - ``memory_pool``: the Arrow memory pool the ingest allocates from: ``"system"`` (the
      C library's allocator: 11–19% less wall than pyarrow's default on the 10M-event
      Parquet and CSV files, ~4% more on one ingest of 104M; :mod:`journeylab.arrow_pool`)
      or ``"pyarrow"`` (the process's pool as it is: pyarrow's choice, or the one Arrow's
      ``ARROW_DEFAULT_MEMORY_POOL`` names).
    """

    chunk_rows: int = CHUNK_ROWS
    threads: int | None = None
    memory_limit: str | None = None
    strict: bool = False
    progress: bool | None = None
    timezone: str | None = None
    ids_memory: int | None = None
    memory_pool: str = "system"

    def __post_init__(self) -> None:
        if not isinstance(self.chunk_rows, int) or self.chunk_rows < 1:
            raise invalid("chunk_rows", self.chunk_rows, "a whole number of at least 1")
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise invalid("threads", self.threads, "None or a whole number of at least 1")
        if self.memory_limit is not None:
            from journeylab.engine import check_memory_limit

            check_memory_limit(self.memory_limit)
        if self.ids_memory is not None and (
            not isinstance(self.ids_memory, int)
            or isinstance(self.ids_memory, bool)
            or self.ids_memory < 0
        ):
            raise invalid("ids_memory", self.ids_memory, "None or a number of bytes (0 or more)")
        if self.timezone is not None and not isinstance(self.timezone, str):
            raise invalid("timezone", self.timezone, "None or an IANA name such as 'Europe/Paris'")
        if self.memory_pool not in MEMORY_POOLS:
            raise invalid("memory_pool", self.memory_pool, MEMORY_POOLS)


_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4}
_UNITS |= {"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}


def size_bytes(text: str, param: str) -> int:
    """A size as bytes: a whole number with an optional unit, as DuckDB writes them
    (``"256MB"``, ``"1.5GiB"``, ``"0"``; KB = 1000 bytes, KiB = 1024)."""
    got = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", text)
    unit = got.group(2).lower() if got else ""
    if got is None or unit not in _UNITS:
        raise invalid(
            param,
            text,
            "a size such as '256MB', '1GB' or '512MiB' (a number of bytes with a unit: "
            "B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)",
        )
    return int(float(got.group(1)) * _UNITS[unit])
