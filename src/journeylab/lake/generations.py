"""Generations of the events folder and the readers that hold them.

``LAKE/events`` is a symlink to ``events.gNNNNNN/``. Compaction fills a new generation and
swaps the symlink; the old folder must stay until no reader can still be reading it. A
reader *pins* the generation it lists: it holds a shared ``flock`` on the generation's
folder (released when it pins a newer one, when its :class:`Pin` is closed, or when its
process ends, SIGKILL included). A writer removes an old generation only if it can take
the exclusive lock without waiting, so a pinned generation is never removed under a
reader; the next writer tries again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

__all__ = ["Pin", "generation_number", "remove_unpinned"]

PREFIX = "events.g"


def generation_number(name: str) -> int:
    return int(name.rsplit(".g", 1)[1])


class Pin:
    """A reader's hold on one generation folder (see the module docstring)."""

    def __init__(self) -> None:
        self._name: str | None = None
        self._fd: int | None = None

    def pin(self, root: Path) -> Path:
        """The current generation's folder, held until a newer one is pinned or
        :meth:`close`; waits only while a writer is removing the generation it found."""
        while True:
            name = os.readlink(root / "events")
            if name == self._name:
                return root / name
            try:
                fd = os.open(root / name, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:  # removed between readlink and open: look again
                continue
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                alive = os.path.samestat(os.fstat(fd), os.stat(root / name))
            except FileNotFoundError:
                alive = False
            if not alive:  # a writer removed it while we waited: look again
                os.close(fd)
                continue
            self.close()
            self._name, self._fd = name, fd
            return root / name

    @property
    def name(self) -> str | None:
        """The pinned generation folder's name (None before the first pin)."""
        return self._name

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._name = self._fd = None

    def __del__(self) -> None:
        # no contextlib here: at interpreter exit module globals may already be None
        try:  # noqa: SIM105
            self.close()
        except Exception:  # noqa: S110 - a finaliser must not raise
            pass


def remove_unpinned(root: Path, current: str) -> None:
    """Remove every generation folder but ``current`` that no reader pins (called by a
    writer holding the lake's lock); pinned ones are left for a later writer."""
    for path in root.glob(PREFIX + "*"):
        if path.name == current:
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a reader holds it
            os.close(fd)
            continue
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)
    for link in root.glob(".events.*.lnk"):
        link.unlink(missing_ok=True)
