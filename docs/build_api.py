"""Build the API reference (HTML, from the docstrings) with pdoc: ``make api``.

``python docs/build_api.py [OUT]`` writes ``OUT/journeylab.html`` (default ``build/api``):
every name in ``journeylab.__all__`` with its signature and docstring. Nothing is fetched:
the page carries its styles, and search (which would need a script) is off. The test suite
builds it (tests/test_api_docs.py).
"""

from __future__ import annotations

import sys
from pathlib import Path


def build(out: Path) -> Path:
    """Write the reference into ``out``; the path of the main page."""
    import pdoc
    import pdoc.render

    pdoc.render.configure(
        docformat="restructuredtext",  # our docstrings use ``code`` and :func:`roles`
        search=False,
        show_source=False,
        footer_text="journeylab API reference, generated from the docstrings",
    )
    _resolve_lazy_names()
    pdoc.pdoc("journeylab", output_directory=out)
    return out / "journeylab.html"


def _resolve_lazy_names() -> None:
    """Modules that load some public names on first use (a module ``__getattr__``, to keep
    ``import journeylab`` light) get them loaded now: pdoc reads a module's own names."""
    import journeylab  # noqa: F401

    done: set[str] = set()
    while True:  # loading names imports more modules (``journeylab`` loads all on use)
        todo = [
            (name, module)
            for name, module in list(sys.modules.items())
            if name.startswith("journeylab") and name not in done
        ]
        if not todo:
            return
        for name, module in todo:
            done.add(name)
            if hasattr(module, "__getattr__"):
                for public in getattr(module, "__all__", ()):
                    getattr(module, public)


if __name__ == "__main__":
    page = build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/api"))
    print(f"wrote {page}")
