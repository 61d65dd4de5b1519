"""The examples in docstrings run (issue 12): every module of the package is searched for
doctests, and they run against a tiny lake built here (``lake``), with ``jl`` (journeylab)
and ``tmp`` (an empty folder) in their namespace."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import journeylab as jl

ROWS = [
    {"userId": "u1", "name": "signup", "eventAt": "2025-01-01T00:00:00Z", "data": {"channel": "ads"}},
    {"userId": "u1", "name": "purchase", "eventAt": "2025-01-02T00:00:00Z", "data": {"amount": 20}},
    {"userId": "u2", "name": "signup", "eventAt": "2025-01-03T00:00:00Z", "data": {"channel": "seo"}},
    {"userId": "u2", "name": "purchase", "eventAt": "2025-01-05T00:00:00Z", "data": {"amount": 5}},
    {"userId": "u3", "name": "signup", "eventAt": "2025-01-04T00:00:00Z", "data": {"channel": "ads"}},
]  # fmt: skip
#: the entry points whose examples must exist (and run)
MUST_HAVE = (
    "journeylab.funnels.funnel",
    "journeylab.activation.compare.compare_activations",
    "journeylab.conditions.methods.ProgramMethods.backtest",
    "journeylab.lake.core.open_lake",
    "journeylab.names.check_names",
    "journeylab.times.time_range",
)


def _tests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    out: list[doctest.DocTest] = []
    for info in pkgutil.walk_packages(jl.__path__, "journeylab."):
        if info.name.endswith(".__main__"):  # importing it runs the program (the demo)
            continue
        module = importlib.import_module(info.name)
        out += [t for t in finder.find(module) if t.examples]
    return out


TESTS = _tests()


def test_the_main_entry_points_have_examples() -> None:
    names = {t.name for t in TESTS}
    assert not [m for m in MUST_HAVE if m not in names]


@pytest.fixture(scope="module")
def globs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("doctest")
    path = Path(root / "events.jsonl")
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    lake = jl.open_lake(root / "lake", create=True)
    lake.ingest(path)
    tmp = root / "tmp"
    tmp.mkdir()
    return {"jl": jl, "lake": lake, "tmp": tmp}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_docstring_examples(test: doctest.DocTest, globs: dict[str, object]) -> None:
    test.globs = {**test.globs, **globs}
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    failures: list[str] = []

    def report(out: str) -> None:
        failures.append(out)

    result = runner.run(test, out=report, clear_globs=False)
    assert result.failed == 0, "".join(failures)
