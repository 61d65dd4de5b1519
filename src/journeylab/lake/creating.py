"""Creating a lake folder: whether a path holds a lake, and whether one may be created
there (:class:`~.layout.Layout` creates it, under the writer lock, its marker last)."""

from __future__ import annotations

import os
from pathlib import Path

from journeylab.errors import LakeError
from journeylab.lake.generations import PREFIX

__all__ = ["MARKER", "is_lake", "refuse"]

MARKER = "journeylab-lake.json"
#: what a lake folder holds while it is being created (a creator may have been killed)
_CREATING = {".lock", "_tmp", "rejected", "events", MARKER}


def _create(path: str) -> str:
    """How to create a lake at ``path``: the CLI, Python, or an ingest."""
    return (
        f"`journeylab init {path}` (Python: journeylab.open_lake({path!r}, create=True)), or "
        f"ingest into it (`journeylab ingest FILE --lake {path}`)"
    )


def is_lake(given: str | os.PathLike[str], root: Path, marker: Path) -> bool:
    """Whether ``root`` holds a lake; a folder that cannot be read is a LakeError."""
    try:
        return marker.is_file()
    except OSError as exc:
        raise LakeError(
            f"Invalid value for lake: {str(given)!r} cannot be read ({exc.strerror}). "
            "Check the path and its permissions."
        ) from None


def refuse(given: str | os.PathLike[str], root: Path, create: bool) -> None:
    """Raise unless a new lake may be created at ``root`` (``create`` and a new or empty
    folder); the message says what the path is and how to go on."""
    where = f"Invalid value for lake: {str(given)!r}"
    try:
        if root.exists() and not root.is_dir():
            what = "a file" if root.is_file() else "a pipe or a device"
            raise LakeError(f"{where} is {what}, not a lake folder. Pass the lake's folder.")
        empty = not root.exists() or _creatable(root)
    except OSError as exc:
        raise LakeError(
            f"{where} cannot be read ({exc.strerror}). Check the path and its permissions."
        ) from None
    if not empty:
        raise LakeError(
            f"{where} is a folder that is not a journeylab lake (no journeylab-lake.json) and "
            "not empty. Pass the lake's folder, or create a lake in a new or empty folder."
        )
    if not create:
        what = "does not exist" if not root.exists() else "is an empty folder, not a lake yet"
        raise LakeError(
            f"{where} {what}. Opening a lake never creates one; create it with "
            f"{_create(str(given))}."
        )


def _creatable(root: Path) -> bool:
    """Whether ``root`` holds nothing but what creating a lake writes before its marker."""
    return all(
        p.name in _CREATING or p.name.startswith((PREFIX, ".events.", f".{MARKER}."))
        for p in root.iterdir()
    )
