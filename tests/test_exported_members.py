"""The public surface changes only on purpose: ``journeylab.__all__`` is grouped, each group
sorted, and equal to the module's public names (as httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import journeylab as jl


def _groups() -> dict[str, list[str]]:
    """``__all__`` as written: each ``# comment`` line opens a group of the names after it."""
    source = Path(jl.__file__).read_text(encoding="utf-8")
    block = source[source.index("__all__ = [") : source.index("]\n", source.index("__all__ = ["))]
    groups: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines()[1:]:
        line = line.strip()
        if line.startswith("#"):
            current = line.lstrip("# ")
            groups[current] = []
        elif (m := re.fullmatch(r'"(\w+)",', line)) is not None:
            assert current is not None, f"{m.group(1)} is before the first group comment"
            groups[current].append(m.group(1))
    return groups


def test_all_is_the_public_names() -> None:
    for name in jl.__all__:  # names load on first use (PEP 562): load them all
        getattr(jl, name)
    public = {
        name
        for name, value in vars(jl).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert len(jl.__all__) == len(set(jl.__all__)), "a name is listed twice"
    assert set(jl.__all__) == public


def test_all_is_grouped_and_each_group_sorted() -> None:
    groups = _groups()
    assert len(groups) >= 5
    assert [n for names in groups.values() for n in names] == jl.__all__
    for title, names in groups.items():
        assert names, f"empty group {title!r}"
        assert names == sorted(names, key=str.casefold), f"group {title!r} is not sorted"


def test_entry_points_have_real_signatures() -> None:
    """No ``**kwargs``, no untyped parameters and no ``Any`` returns on what users call."""
    for name in jl.__all__:
        obj = getattr(jl, name)
        fns = [obj] if inspect.isfunction(obj) else []
        if inspect.isclass(obj):  # its public methods, inherited ones of ours included
            fns = [
                f
                for attr, f in inspect.getmembers(obj, inspect.isfunction)
                if not attr.startswith("_") and f.__module__.startswith("journeylab")
            ]
        for fn in fns:
            sig = inspect.signature(fn)
            where = f"{name}.{fn.__name__}"
            assert sig.return_annotation is not inspect.Signature.empty, where
            assert str(sig.return_annotation) != "Any", f"{where} -> Any"
            for p in sig.parameters.values():
                assert p.kind is not p.VAR_KEYWORD, f"{where}(**{p.name})"
                if p.name not in ("self", "cls"):
                    assert p.annotation is not inspect.Parameter.empty, f"{where}({p.name})"
                    assert "Any" != str(p.annotation), f"{where}({p.name}: Any)"


def test_error_classes_that_mean_a_bad_value_are_value_errors() -> None:
    assert issubclass(jl.InputError, ValueError) and issubclass(jl.SpecError, ValueError)
    assert issubclass(jl.UnknownNameError, jl.SpecError)
    assert not issubclass(jl.LakeError, ValueError)  # a missing lake is not a bad value
    assert issubclass(jl.JourneylabDeprecationWarning, FutureWarning)
