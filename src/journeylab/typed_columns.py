"""The names of typed property columns (docs/adr/0009): ``data__KIND__KEY``.

Apart from :mod:`journeylab.dialects` (which swaps a JSON reader of ``data`` for the
column) so that the lake's writers and readers name the columns without loading Ibis.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["is_typed_column", "typed_column", "typed_column_prefix"]

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,47}")


def typed_column(key: str, kind: str) -> str:
    """The lake column holding ``kind`` (number, string, bool, present) of ``data[key]``
    (:mod:`journeylab.lake.typed`): the key itself when it is a plain identifier, else a
    hash of it after an extra ``_`` (plain keys never start with one)."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{typed_column_prefix(kind)}{key}"
    return f"{typed_column_prefix(kind)}_{hashlib.blake2b(key.encode(), digest_size=8).hexdigest()}"


def is_typed_column(name: str) -> bool:
    """Whether ``name`` is a typed property column (:func:`typed_column`)."""
    return name.startswith("data__")


def typed_column_prefix(kind: str) -> str:
    """What the names of ``kind``'s columns start with (:func:`typed_column`)."""
    return f"data__{kind}__"
