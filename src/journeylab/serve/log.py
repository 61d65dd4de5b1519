"""The endpoint's durable log: append-only segments of checksummed frames, and a checkpoint.

``LAKE/_serve/`` holds ``log/<segment>.seg`` files and ``checkpoint.json``. Each accepted
request is one frame — ``JLF1``, the payload's length and CRC-32 (little-endian), the
payload — appended and fsynced before the request is answered (group commit: the frames of
every request waiting are written and synced together). The flusher reads frames from the
checkpoint on, lands them in the lake, then moves the checkpoint; segments wholly before it
are deleted. A frame cut short or failing its checksum can only be the tail of a write
that was never acknowledged (a crash mid-append): :meth:`EventLog.open` cuts it off.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from journeylab.errors import LakeError

__all__ = ["EventLog", "Position"]

MAGIC = b"JLF1"
_HEAD = struct.Struct("<4sII")  # magic, payload length, CRC-32 of the payload
#: a new segment is started once the current one is larger than this
SEGMENT_BYTES = 64 * 1024 * 1024
_SUFFIX = ".seg"


@dataclass(frozen=True, order=True)
class Position:
    """A place in the log: a segment number and a byte offset in it."""

    segment: int
    offset: int


class EventLog:
    """One server's log folder (held exclusively: one server per lake)."""

    def __init__(self, folder: Path, segment_bytes: int = SEGMENT_BYTES) -> None:
        self.folder = folder
        self.segments_dir = folder / "log"
        self.segment_bytes = segment_bytes
        self._lock_fd: int | None = None
        self._fd: int | None = None
        self.end = Position(1, 0)  # where the next frame goes (everything before is synced)

    # -- opening -----------------------------------------------------------------------
    def open(self) -> None:
        """Take the folder's lock, cut a torn tail off the last segment, open it to append."""
        self.segments_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LakeError(
                f"Invalid value for lake: {str(self.folder.parent)!r} is already served by "
                "another `journeylab serve` (its log is locked). Stop that server first, or "
                "serve another lake."
            ) from None
        self._lock_fd = fd
        segments = self.segments()
        if not segments:
            segments = [self.checkpoint().segment]
            self._create(segments[0])
        last = segments[-1]
        good = self._valid_end(last)
        path = self._path(last)
        if path.stat().st_size != good:  # a torn tail: never acknowledged
            with open(path, "r+b") as fh:
                fh.truncate(good)
                fh.flush()
                os.fsync(fh.fileno())
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        self.end = Position(last, good)

    def close(self) -> None:
        for fd in (self._fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._lock_fd = None

    def segments(self) -> list[int]:
        return sorted(int(p.stem) for p in self.segments_dir.glob("*" + _SUFFIX))

    def _path(self, segment: int) -> Path:
        return self.segments_dir / f"{segment:012d}{_SUFFIX}"

    def _create(self, segment: int) -> None:
        fd = os.open(self._path(segment), os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o644)
        os.fsync(fd)
        os.close(fd)
        _fsync_dir(self.segments_dir)

    def _valid_end(self, segment: int) -> int:
        end = 0
        for _, after in self._frames(segment, 0):
            end = after
        return end

    # -- appending (one thread) ----------------------------------------------------------
    def append(self, payloads: list[bytes]) -> Position:
        """Write ``payloads`` as frames, fsync, and return the new end (all durable)."""
        assert self._fd is not None, "log not open"
        data = b"".join(
            _HEAD.pack(MAGIC, len(p), zlib.crc32(p)) + p for p in payloads
        )  # one write: one syscall for the whole group
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fdatasync(self._fd)
        end = Position(self.end.segment, self.end.offset + len(data))
        if end.offset >= self.segment_bytes:  # the next group goes to a new segment
            os.close(self._fd)
            self._fd = None
            self._create(end.segment + 1)
            self._fd = os.open(self._path(end.segment + 1), os.O_WRONLY | os.O_APPEND)
            end = Position(end.segment + 1, 0)
        self.end = end
        return end

    # -- reading (the flusher) -----------------------------------------------------------
    def read(self, start: Position, stop: Position) -> Iterator[tuple[bytes, Position]]:
        """The payloads of the frames from ``start`` up to ``stop``, each with the position
        after it."""
        for segment in self.segments():
            if segment < start.segment or segment > stop.segment:
                continue
            first = start.offset if segment == start.segment else 0
            for payload, after in self._frames(segment, first):
                if segment == stop.segment and after > stop.offset:
                    return
                yield payload, Position(segment, after)

    def _frames(self, segment: int, offset: int) -> Iterator[tuple[bytes, int]]:
        """Whole, intact frames of one segment from ``offset``; stops at the first that is
        cut short or fails its checksum."""
        with open(self._path(segment), "rb") as fh:
            fh.seek(offset)
            while True:
                head = fh.read(_HEAD.size)
                if len(head) < _HEAD.size:
                    return
                magic, size, crc = _HEAD.unpack(head)
                if magic != MAGIC:
                    return
                payload = fh.read(size)
                if len(payload) < size or zlib.crc32(payload) != crc:
                    return
                offset += _HEAD.size + size
                yield payload, offset

    # -- the checkpoint ------------------------------------------------------------------
    def checkpoint(self) -> Position:
        """Where the lake's copy ends: every frame before it has landed."""
        path = self.folder / "checkpoint.json"
        if not path.exists():
            first = self.segments()
            return Position(first[0] if first else 1, 0)
        doc = json.loads(path.read_text("utf-8"))
        return Position(int(doc["segment"]), int(doc["offset"]))

    def set_checkpoint(self, at: Position) -> None:
        """Record ``at`` durably (write, fsync, rename), then delete the segments before it."""
        path = self.folder / "checkpoint.json"
        tmp = path.with_name(f".checkpoint.{uuid.uuid4().hex}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"segment": at.segment, "offset": at.offset}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(self.folder)
        for segment in self.segments():
            if segment < at.segment:
                self._path(segment).unlink(missing_ok=True)

    def size(self) -> int:
        """Bytes held in the log's segments."""
        return sum(p.stat().st_size for p in self.segments_dir.glob("*" + _SUFFIX))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
