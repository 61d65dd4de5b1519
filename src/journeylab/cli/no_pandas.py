"""pyarrow without pandas, for a command that never gives it pandas objects.

pyarrow looks for pandas once a process, the first time it builds an array from Python
objects or numpy (``pa.array``: a pandas Series or Categorical would be read otherwise),
and imports it when installed — always, here: Ibis' DuckDB extra depends on it. For
``journeylab ingest`` that import is 0.3–0.45 s of a fresh process's 1.5–2 s before and
after the events (and more modules torn down at exit), for nothing: an ingest builds its
arrays from numpy and plain Python values (docs/performance.md, "Ingest").

:func:`pyarrow_without_pandas` lets pyarrow's one look find no pandas, as in an environment
without it, which pyarrow supports. A pandas conversion asked for later (``to_pandas``)
imports pandas then, as pyarrow always does; only pandas objects handed to pyarrow's
constructors would be read as plain sequences, which is why only commands that make none
call it (``ingest``), never the library.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["pyarrow_without_pandas"]


class _NoPandas:
    """A finder that says pandas is not installed."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def pyarrow_without_pandas() -> None:
    """Let pyarrow's look for pandas find none (see the module docstring); nothing when
    pandas is imported already (pyarrow would find it) or pyarrow has looked already."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([0])  # the look: pyarrow records that pandas is absent
    finally:
        sys.meta_path.remove(finder)
