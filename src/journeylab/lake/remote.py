"""A lake at a URI Spark reads (``s3a://``, ``abfss://``, ``gs://``, ``hdfs://``,
``file://``): the read side of :class:`~journeylab.lake.layout.Layout`, through Spark.

The layout is docs/lake.md's: ``journeylab-lake.json``, ``events/*.parquet`` (on object
storage a real folder: a copy of a local lake follows the ``events`` symlink),
``rejected/*.parquet`` and ``declared.json``. Every file is read by the Spark engine
itself, so only Spark needs the storage's credentials (with Spark Connect, only the
cluster). journeylab writes local lakes only: ingest, declare and compact refuse here.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from journeylab.errors import LakeError
from journeylab.lake.layout import COLLISIONS, EVENT_SCHEMA, EVENT_SCHEMA_V2
from journeylab.lake.typed import PROPERTIES, Typed, parse_typed, typed_schema

if TYPE_CHECKING:
    from journeylab.engine import Engine

__all__ = ["RemoteLayout", "is_uri"]

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_uri(path: object) -> bool:
    """Whether ``path`` is a URI (``scheme://...``) rather than a local path."""
    return isinstance(path, str) and bool(_URI.match(path))


class RemoteLayout:
    """Where things are in a lake at ``uri``; the files are read by ``engine`` (Spark)."""

    local = False

    def __init__(self, uri: str, engine: Engine) -> None:
        if engine.kind != "pyspark":
            raise LakeError(
                f"Invalid value for lake: {uri!r} is a URI; journeylab reads lakes on object "
                "storage through Spark. Pass engine='pyspark' (or spark='sc://host:port'); "
                "in the CLI, --engine pyspark or --spark-remote."
            )
        self.root = uri.rstrip("/")
        self._engine = engine
        text = engine.read_text(f"{self.root}/journeylab-lake.json")
        if text is None:
            raise LakeError(
                f"Invalid value for lake: {uri!r} holds no journeylab-lake.json, so it is not "
                "a lake (or Spark cannot see it). Pass the lake's folder: the one holding "
                "journeylab-lake.json, events/ and rejected/."
            )
        try:
            self._marker: dict[str, Any] = json.loads(text)
        except ValueError:
            raise LakeError(
                f"Invalid value for lake: {uri!r} has a journeylab-lake.json that is not JSON."
            ) from None
        self.version = int(self._marker.get("version", 1))

    @property
    def base_schema(self) -> pa.Schema:
        return EVENT_SCHEMA if self.version >= 3 else EVENT_SCHEMA_V2

    def pinned_keys(self) -> Typed:
        """The typed properties of the events' files (``events/properties.json``)."""
        text = self._engine.read_text(f"{self.root}/events/{PROPERTIES}")
        return parse_typed({} if text is None else json.loads(text))

    def pinned_schema(self) -> pa.Schema:
        """The schema of the events' files, typed properties included."""
        return typed_schema(self.base_schema, self.pinned_keys())

    def user_keys_exact(self) -> bool:
        return self.version >= 3 and self._marker.get(COLLISIONS) is False

    def event_files(self) -> list[str]:
        return self._engine.list_files(f"{self.root}/events", ".parquet")

    def snapshot(self) -> list[str]:
        """The event files to read (no pinning: journeylab never writes a remote lake)."""
        return self.event_files()

    def rejected_files(self) -> list[str]:
        return self._engine.list_files(f"{self.root}/rejected", ".parquet")

    def read_json(self, name: str, default: Any) -> Any:
        text = self._engine.read_text(f"{self.root}/{name}")
        return default if text is None else json.loads(text)

    def read_only(self) -> LakeError:
        """The error of any write (ingest, declare, compact): journeylab writes local lakes."""
        return LakeError(
            f"Invalid value for lake: {self.root!r} is on remote storage, which journeylab "
            "reads but does not write. Ingest into a local lake folder, then copy it there "
            "(docs/scale.md)."
        )
