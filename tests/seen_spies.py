"""A spy on the seen ids' exact check, shared by the tests of the ids past the budget."""

from __future__ import annotations

import pytest

from journeylab.lake import seen as seen_module


def spy_exact_checks(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files each exact check reads (sorted), as the checks run."""
    read: list[list[str]] = []
    real = seen_module.found_in_files

    def spy(con: object, paths: list[str], keys: object, column: str) -> object:
        read.append(sorted(paths))
        return real(con, paths, keys, column)

    monkeypatch.setattr(seen_module, "found_in_files", spy)
    return read
