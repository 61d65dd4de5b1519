"""Where things live in a lake folder, and the code that writes files (with :mod:`.sidecars`).

    LAKE/
      journeylab-lake.json          format marker and version
      events -> events.g000001/     symlink to the current generation (swapped atomically)
      events.g000001/part-*.parquet events, each file sorted by (name, user_id, event_at)
      events.g000001/properties.json  the data keys its files carry as typed columns (0009)
      rejected/part-*.parquet       quarantined records with raw text and reason
      declared.json                 names declared before they are fired
      properties.json               data keys declared as typed properties
      events.g000001/_ids/          each events file's sidecars for writers (lake/sidecars.py)
      _tmp/                         files being written (never read)
      .lock                         one writer at a time (flock)

Every file is written under ``_tmp/`` and renamed into place, so a reader never sees a
half-written file; see docs/lake.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.errors import LakeError
from journeylab.lake.creating import MARKER, is_lake, refuse
from journeylab.lake.failpoints import failpoint
from journeylab.lake.generations import PREFIX, Pin, generation_number, remove_unpinned
from journeylab.lake.schema import (
    COLLISIONS,
    EVENT_SCHEMA,
    EVENT_SCHEMA_V2,
    FORMAT,
    FORMAT_VERSION,
    KEYED_ORDER,
    LAKE_ORDER,
    REJECTED_SCHEMA,
    ROW_GROUP_ROWS,
)
from journeylab.lake.typed import PROPERTIES, Typed, generation_keys, typed_schema
from journeylab.typed_columns import typed_column_prefix

__all__ = [
    "Layout",
    "EVENT_SCHEMA",
    "EVENT_SCHEMA_V2",
    "REJECTED_SCHEMA",
    "ROW_GROUP_ROWS",
    "FORMAT_VERSION",
    "KEYED_ORDER",
    "LAKE_ORDER",
]


class Layout:
    """Paths of one lake folder plus atomic file operations. ``create``: make a new lake
    when ``root`` is a new or empty folder (otherwise that is a LakeError)."""

    def __init__(self, root: str | os.PathLike[str], create: bool = False) -> None:
        self.root = Path(root).resolve()
        self._pin = Pin()
        marker = self.root / MARKER
        if not is_lake(root, self.root, marker):
            self._make(str(root), create)
        self.version = int(json.loads(marker.read_text("utf-8")).get("version", 1))
        if not self.events_dir.is_symlink():  # a lake written before the symlink existed
            with self.locked():
                if not self.events_dir.is_symlink():
                    self.switch_generation(self._new_generation(1))

    def _make(self, given: str, create: bool) -> None:
        """Create the lake when ``create`` and the folder is new or empty, safely when other
        processes create it at the same time: under the writer lock, the marker last (a
        folder without it is not a lake yet; what a creator writes before it counts as
        empty, so a creator killed half-way leaves a folder the next one finishes)."""
        refuse(given, self.root, create)
        self.root.mkdir(parents=True, exist_ok=True)
        with self._flock():
            if (self.root / MARKER).exists():  # another process created it meanwhile
                return
            refuse(given, self.root, create)
            self.rejected_dir.mkdir(exist_ok=True)
            if not self.events_dir.is_symlink():
                self.switch_generation(self._new_generation(1))
            self._write_bytes(self.root / MARKER, json.dumps(FORMAT).encode())

    def check_ingest_version(self) -> None:
        """Refuse to add events to a lake of an older format that holds events (its derived
        ids or its columns differ) or of a newer one; an empty old lake, and a lake of
        format 3 (format 4 only adds typed properties), are simply upgraded."""
        if self.version == FORMAT_VERSION:
            return
        if self.version > FORMAT_VERSION:
            raise LakeError(
                f"Invalid value for lake: {str(self.root)!r} has lake format version "
                f"{self.version}, newer than this journeylab's ({FORMAT_VERSION}), which "
                "cannot write it. Upgrade journeylab (pip install -U journeylab)."
            )
        if self.version < 3 and self.event_files():
            why = (
                "derived event ids with BLAKE2b (this journeylab uses MD5, so re-sent events "
                "would not be recognised as duplicates)"
                if self.version < 2
                else "has no user_key column"
            )
            raise LakeError(
                f"Invalid value for lake: {str(self.root)!r} has lake format version "
                f"{self.version}, which {why}; this journeylab writes format "
                f"{FORMAT_VERSION}. Ingest the inputs into a new lake folder "
                "(`journeylab ingest FILE... --lake NEW_DIR`); reading this lake still works."
            )
        self._write_bytes(self.root / MARKER, json.dumps(FORMAT).encode())
        self.version = FORMAT_VERSION

    @property
    def base_schema(self) -> pa.Schema:
        """The schema of this lake's event files less typed properties (format 3 added
        ``user_key``)."""
        return EVENT_SCHEMA if self.version >= 3 else EVENT_SCHEMA_V2

    def schema_of(self, gen: Path) -> pa.Schema:
        """The schema of the event files of the generation folder ``gen``, typed
        properties included."""
        return typed_schema(self.base_schema, generation_keys(gen))

    def _pinned(self) -> Path:
        """The generation the last :meth:`snapshot` pinned (pinning the current one if
        none was)."""
        name = self._pin.name
        return self._pin.pin(self.root) if name is None else self.root / name

    def pinned_keys(self) -> Typed:
        """The typed properties (key → kinds) of the pinned generation."""
        return generation_keys(self._pinned())

    def pinned_schema(self) -> pa.Schema:
        """The schema of the pinned generation's event files."""
        return self.schema_of(self._pinned())

    def user_keys_exact(self) -> bool:
        """True when every ``user_key`` in the lake belongs to one user id (so grouping by
        the key equals grouping by the id); read fresh from the marker each time."""
        if self.version < 3:
            return False
        marker = json.loads((self.root / MARKER).read_text("utf-8"))
        return marker.get(COLLISIONS) is False

    def set_user_key_collisions(self, collisions: bool) -> None:
        """Record whether two user ids share a key (written before any file that holds
        them, so a crash never leaves a lake that claims exact keys it does not have)."""
        marker = json.loads((self.root / MARKER).read_text("utf-8"))
        marker[COLLISIONS] = collisions
        self._write_bytes(self.root / MARKER, json.dumps(marker).encode())

    # -- paths ---------------------------------------------------------------------
    @property
    def events_dir(self) -> Path:
        """The ``events`` symlink (readers outside journeylab glob through it)."""
        return self.root / "events"

    @property
    def rejected_dir(self) -> Path:
        return self.root / "rejected"

    @property
    def tmp_dir(self) -> Path:
        path = self.root / "_tmp"
        path.mkdir(exist_ok=True)
        return path

    def generation(self) -> Path:
        """The current generation's folder (its real path, not the symlink)."""
        return self.root / os.readlink(self.events_dir)

    def event_files(self) -> list[str]:
        """The current generation's files, for writers (under :meth:`locked`) and quick
        looks; readers that query the files use :meth:`snapshot`."""
        return sorted(str(p) for p in self.generation().glob("*.parquet"))

    def snapshot(self) -> list[str]:
        """The current generation's files, pinned: the generation stays on disk until this
        layout pins a newer one or is dropped, so a query over these paths never finds
        them removed by a compaction (docs/lake.md, "Readers and writers")."""
        return sorted(str(p) for p in self._pin.pin(self.root).glob("*.parquet"))

    def rejected_files(self) -> list[str]:
        return sorted(str(p) for p in self.rejected_dir.glob("*.parquet"))

    # -- locking -------------------------------------------------------------------
    @contextlib.contextmanager
    def _flock(self) -> Iterator[None]:
        fd = os.open(self.root / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lake's writer lock (writers queue on it); also clears what a killed
        writer left in _tmp and removes old generations no reader pins."""
        with self._flock():
            shutil.rmtree(self.root / "_tmp", ignore_errors=True)
            remove_unpinned(self.root, os.readlink(self.events_dir))
            yield

    # -- atomic writes ---------------------------------------------------------------
    def _write_bytes(self, dest: Path, payload: bytes) -> None:
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)

    def write_json(self, name: str, obj: Any) -> None:
        self._write_bytes(self.root / name, json.dumps(obj, indent=1, sort_keys=True).encode())

    def read_json(self, name: str, default: Any) -> Any:
        path = self.root / name
        return json.loads(path.read_text("utf-8")) if path.exists() else default

    def write_properties(self, gen: Path, typed: Typed) -> None:
        """Record the typed properties (key → kinds) the files of generation ``gen`` carry."""
        doc = {"keys": {k: list(kinds) for k, kinds in typed.items()}}
        self._write_bytes(gen / PROPERTIES, json.dumps(doc).encode())

    def write_events(self, parts: Iterable[pa.Table], key: bytes, stage: str = "") -> Path:
        """Write one events file into the current generation, atomically, from ``parts``
        (row groups of EVENT_SCHEMA, already in :data:`LAKE_ORDER`: only one part is in
        memory at a time; typed properties included, as :meth:`schema_of` says); ``key``
        (bytes that identify the content) names it."""
        gen = self.generation()
        return self._write_parquet(parts, self.schema_of(gen), gen, key, stage)

    def write_rejects(self, table: pa.Table, key: bytes) -> Path:
        """Write one file of quarantined records, atomically."""
        return self._write_parquet([table], REJECTED_SCHEMA, self.rejected_dir, key, "")

    def _write_parquet(
        self, parts: Iterable[pa.Table], schema: pa.Schema, dest_dir: Path, key: bytes, stage: str
    ) -> Path:
        digest = hashlib.blake2b(key, digest_size=10).hexdigest()
        stem = f"part-{int(time.time() * 1000):013d}-{digest}"
        tmp = self.tmp_dir / f"{stem}.parquet"
        with pq.ParquetWriter(
            tmp,
            schema,
            compression="zstd",
            write_statistics=True,
            use_dictionary=_dictionary_columns(schema),
        ) as writer:
            for part in parts:
                writer.write_table(part, row_group_size=ROW_GROUP_ROWS)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if stage:
            failpoint(stage + "-written")
        dest = dest_dir / f"{stem}.parquet"
        os.replace(tmp, dest)
        _fsync_dir(dest_dir)
        if stage:
            failpoint(stage + "-landed")
        return dest

    def write_parquet_stream(
        self,
        tables: Iterable[pa.Table],
        dest_dir: Path,
        file_rows: int,
        prefix: str,
        on_part: Callable[[pa.Table], None] | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> int:
        """Stream ``tables`` (already ordered) into files of ``file_rows`` rows, each written
        under _tmp and renamed into ``dest_dir``; memory stays at about one row group.
        ``on_part`` sees each piece written, ``on_file`` each file once it has landed."""
        state: dict[str, Any] = {"writer": None, "rows": 0, "files": 0, "tmp": None}

        def close() -> None:
            if state["writer"] is None:
                return
            state["writer"].close()
            tmp: Path = state["tmp"]
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest_dir / tmp.name)
            if on_file is not None:
                on_file(dest_dir / tmp.name)
            state.update(writer=None, rows=0, files=state["files"] + 1)
            failpoint("compact.file-written")

        for table in _row_groups(tables, min(ROW_GROUP_ROWS, file_rows)):
            while table.num_rows:
                if state["writer"] is None:
                    state["tmp"] = self.tmp_dir / f"{prefix}{state['files']:05d}.parquet"
                    state["writer"] = pq.ParquetWriter(
                        state["tmp"],
                        table.schema,
                        compression="zstd",
                        write_statistics=True,
                        use_dictionary=_dictionary_columns(table.schema),
                    )
                room = file_rows - state["rows"]
                part, table = table.slice(0, room), table.slice(room)
                state["writer"].write_table(part, row_group_size=ROW_GROUP_ROWS)
                if on_part is not None:
                    on_part(part)
                state["rows"] += part.num_rows
                if state["rows"] >= file_rows:
                    close()
        close()
        _fsync_dir(dest_dir)
        return int(state["files"])

    # -- generations (compaction swaps the whole events folder at once) -------------
    def _new_generation(self, number: int) -> Path:
        gen = self.root / f"{PREFIX}{number:06d}"
        gen.mkdir(exist_ok=True)
        return gen

    def next_generation(self) -> Path:
        """A fresh, empty generation folder to fill before :meth:`switch_generation`."""
        return self._new_generation(generation_number(os.readlink(self.events_dir)) + 1)

    def switch_generation(self, gen: Path) -> None:
        """Point ``events`` at ``gen`` in one rename; old generations are removed unless a
        reader still pins them (a later writer removes them then)."""
        link = self.root / f".events.{uuid.uuid4().hex}.lnk"
        os.symlink(gen.name, link)
        os.replace(link, self.events_dir)
        _fsync_dir(self.root)
        failpoint("compact.switched")
        self._pin.close()  # this process's own readers move on with their next query
        remove_unpinned(self.root, gen.name)


def _row_groups(tables: Iterable[pa.Table], rows: int) -> Iterator[pa.Table]:
    """Re-cut a stream of tables into tables of exactly ``rows`` rows (the last may be less)."""
    buf: list[pa.Table] = []
    size = 0
    for table in tables:
        buf.append(table)
        size += table.num_rows
        if size >= rows:
            whole = pa.concat_tables(buf).combine_chunks()
            cut = size - size % rows
            for start in range(0, cut, rows):
                yield whole.slice(start, rows)
            buf, size = [whole.slice(cut)], size - cut
    if size:
        yield pa.concat_tables(buf).combine_chunks()


#: Columns worth dictionary-encoding (few distinct values); unique ones like event_id are
#: written plain, which saves the writer a third of its time and gives smaller files.
_DICTIONARY = ("name", "user_id", "data", "source", "reason")


def _dictionary_columns(schema: pa.Schema) -> list[str]:
    """:data:`_DICTIONARY` and the typed string properties (docs/adr/0009): a breakdown
    reads those as categoricals, which a dictionary page hands over without hashing each
    value (Parquet falls back to plain pages for a column of too many distinct values)."""
    typed = [c for c in schema.names if c.startswith(typed_column_prefix("string"))]
    return [c for c in _DICTIONARY if c in schema.names] + typed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
