"""Where things live in a lake folder, and the only code that writes files.

    LAKE/
      journeylab-lake.json          format marker and version
      events -> events.g000001/     symlink to the current generation (swapped atomically)
      events.g000001/part-*.parquet events, each file sorted by (name, user_id, event_at)
      rejected/part-*.parquet       quarantined records with raw text and reason
      declared.json                 names declared before they are fired
      _tmp/                         files being written (never read)
      .lock                         one writer at a time (flock)

Every file is written under ``_tmp/`` and renamed into place, so a reader never sees a
half-written file; see docs/lake.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from journeylab.errors import LakeError

__all__ = [
    "Layout",
    "EVENT_SCHEMA",
    "EVENT_SCHEMA_V2",
    "REJECTED_SCHEMA",
    "ROW_GROUP_ROWS",
    "FORMAT_VERSION",
]

#: 2: derived event ids are MD5 (version 1: BLAKE2b-128); see docs/adr/0002.
#: 3: events carry ``user_key`` (64-bit MD5 prefix of user_id); see docs/adr/0003.
FORMAT_VERSION = 3
#: whether two user ids share a ``user_key`` in this lake (kept up to date by ingest)
COLLISIONS = "user_key_collisions"
FORMAT = {"format": "journeylab-lake", "version": FORMAT_VERSION, COLLISIONS: False}
ROW_GROUP_ROWS = 128 * 1024
_TS = pa.timestamp("us", tz="UTC")
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("user_id", pa.string()),
        ("name", pa.string()),
        ("event_at", _TS),
        ("received_at", _TS),
        ("data", pa.string()),
        ("user_key", pa.int64()),
    ]
)
#: the events of lakes written before format 3 (no ``user_key``)
EVENT_SCHEMA_V2 = pa.schema([f for f in EVENT_SCHEMA if f.name != "user_key"])
REJECTED_SCHEMA = pa.schema(
    [
        ("reject_id", pa.string()),
        ("source", pa.string()),
        ("record", pa.int64()),
        ("raw", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("received_at", _TS),
    ]
)


class Layout:
    """Paths of one lake folder plus atomic file operations."""

    def __init__(self, root: str | os.PathLike[str], create: bool = True) -> None:
        self.root = Path(root).resolve()
        marker = self.root / "journeylab-lake.json"
        if not marker.exists():
            if not create:
                raise LakeError(
                    f"Invalid value for lake: {str(root)!r} is not a journeylab lake "
                    "(no journeylab-lake.json). Create one with `journeylab ingest FILE "
                    "--lake DIR` or journeylab.open_lake(DIR)."
                )
            if self.root.exists() and any(self.root.iterdir()):
                raise LakeError(
                    f"Invalid value for lake: {str(root)!r} exists, is not empty and is not "
                    "a journeylab lake. Pick an empty or new folder."
                )
            self.root.mkdir(parents=True, exist_ok=True)
            self._write_bytes(marker, json.dumps(FORMAT).encode())
        self.version = int(json.loads(marker.read_text("utf-8")).get("version", 1))
        (self.root / "rejected").mkdir(exist_ok=True)
        if not self.events_dir.is_symlink():
            with self.locked():
                if not self.events_dir.is_symlink():
                    self.switch_generation(self._new_generation(1))

    def check_ingest_version(self) -> None:
        """Refuse to add events to a lake of an older format that holds events (its derived
        ids or its columns differ); an empty old lake is simply upgraded."""
        if self.version >= FORMAT_VERSION:
            return
        if self.event_files():
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
        self._write_bytes(self.root / "journeylab-lake.json", json.dumps(FORMAT).encode())
        self.version = FORMAT_VERSION

    @property
    def event_schema(self) -> pa.Schema:
        """The schema of this lake's event files (format 3 added ``user_key``)."""
        return EVENT_SCHEMA if self.version >= 3 else EVENT_SCHEMA_V2

    def user_keys_exact(self) -> bool:
        """True when every ``user_key`` in the lake belongs to one user id (so grouping by
        the key equals grouping by the id); read fresh from the marker each time."""
        if self.version < 3:
            return False
        marker = json.loads((self.root / "journeylab-lake.json").read_text("utf-8"))
        return marker.get(COLLISIONS) is False

    def set_user_key_collisions(self, collisions: bool) -> None:
        """Record whether two user ids share a key (written before any file that holds
        them, so a crash never leaves a lake that claims exact keys it does not have)."""
        marker = json.loads((self.root / "journeylab-lake.json").read_text("utf-8"))
        marker[COLLISIONS] = collisions
        self._write_bytes(self.root / "journeylab-lake.json", json.dumps(marker).encode())

    # -- paths ---------------------------------------------------------------------
    @property
    def events_dir(self) -> Path:
        return self.root / "events"

    @property
    def rejected_dir(self) -> Path:
        return self.root / "rejected"

    @property
    def tmp_dir(self) -> Path:
        path = self.root / "_tmp"
        path.mkdir(exist_ok=True)
        return path

    def event_files(self) -> list[str]:
        return sorted(str(p) for p in self.events_dir.glob("*.parquet"))

    def rejected_files(self) -> list[str]:
        return sorted(str(p) for p in self.rejected_dir.glob("*.parquet"))

    # -- locking -------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lake's writer lock; also clears what a killed writer left in _tmp."""
        fd = os.open(self.root / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            shutil.rmtree(self.root / "_tmp", ignore_errors=True)
            self._drop_stale_generations()
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

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

    def write_parquet(self, table: pa.Table, dest_dir: Path, stem: str) -> Path:
        """Write ``table`` to ``dest_dir/stem.parquet`` atomically (tmp + fsync + rename)."""
        tmp = self.tmp_dir / f"{stem}.parquet"
        pq.write_table(
            table,
            tmp,
            compression="zstd",
            row_group_size=ROW_GROUP_ROWS,
            write_statistics=True,
            use_dictionary=_dictionary_columns(table.schema),
        )
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        dest = dest_dir / f"{stem}.parquet"
        os.replace(tmp, dest)
        _fsync_dir(dest_dir)
        return dest

    def write_parquet_stream(
        self, tables: Iterable[pa.Table], dest_dir: Path, file_rows: int, prefix: str
    ) -> int:
        """Stream ``tables`` (already ordered) into files of ``file_rows`` rows, each written
        under _tmp and renamed into ``dest_dir``; memory stays at about one row group."""
        state: dict[str, Any] = {"writer": None, "rows": 0, "files": 0, "tmp": None}

        def close() -> None:
            if state["writer"] is None:
                return
            state["writer"].close()
            tmp: Path = state["tmp"]
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest_dir / tmp.name)
            state.update(writer=None, rows=0, files=state["files"] + 1)

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
                state["rows"] += part.num_rows
                if state["rows"] >= file_rows:
                    close()
        close()
        _fsync_dir(dest_dir)
        return int(state["files"])

    # -- generations (compaction swaps the whole events folder at once) -------------
    def _generation(self) -> int:
        target = os.readlink(self.events_dir)
        return int(target.rsplit(".g", 1)[1])

    def _new_generation(self, number: int) -> Path:
        gen = self.root / f"events.g{number:06d}"
        gen.mkdir(exist_ok=True)
        return gen

    def next_generation(self) -> Path:
        """A fresh, empty generation folder to fill before :meth:`switch_generation`."""
        return self._new_generation(self._generation() + 1)

    def switch_generation(self, gen: Path) -> None:
        """Point ``events`` at ``gen`` in one rename; the old generation is removed."""
        old = self.root / os.readlink(self.events_dir) if self.events_dir.is_symlink() else None
        link = self.root / f".events.{uuid.uuid4().hex}.lnk"
        os.symlink(gen.name, link)
        os.replace(link, self.events_dir)
        _fsync_dir(self.root)
        if old is not None and old != gen:
            shutil.rmtree(old, ignore_errors=True)

    def _drop_stale_generations(self) -> None:
        if not self.events_dir.is_symlink():
            return
        current = os.readlink(self.events_dir)
        for path in self.root.glob("events.g*"):
            if path.name != current:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob(".events.*.lnk"):
            path.unlink(missing_ok=True)


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
    return [c for c in _DICTIONARY if c in schema.names]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
