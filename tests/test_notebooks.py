"""Every notebook in notebooks/ runs top to bottom (nbclient, kernel "python3").

Each runs from a copy in a temporary folder, with ``JOURNEYLAB_REPO`` pointing at this
repository and ``JOURNEYLAB_WORK`` at a fresh folder for its lake, so nothing is written into
the repository. New notebooks are picked up automatically.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
TIMEOUT_PER_CELL = 600


def test_there_are_notebooks() -> None:
    assert any(p.name.startswith("01_") for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat  # here, not at collection: jsonschema's import is seconds a worker
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    nb = nbformat.read(path, as_version=4)
    prose = [c for c in nb.cells if c.cell_type == "markdown"]
    assert len(prose) >= 3, f"{path.name}: explain the steps in markdown cells"
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    shutil.copy(path, run_dir / path.name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("JOURNEYLAB_REPO", str(REPO))
    monkeypatch.setenv("JOURNEYLAB_WORK", str(work))
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    # the kernel's channels on sockets of this test's own: TCP ports, picked free then
    # bound, raced between workers ("Address already in use": the kernel died)
    ipc = Config()
    ipc.KernelManager.transport = "ipc"
    ipc.KernelManager.ip = str(tmp_path / "kernel")
    client = NotebookClient(
        nb,
        config=ipc,
        timeout=TIMEOUT_PER_CELL,
        kernel_name="python3",
        resources={"metadata": {"path": str(run_dir)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:  # pragma: no cover - the message is the report
        pytest.fail(f"{path.name} failed:\n{exc}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
    assert not (REPO / "notebooks" / "lake").exists()
