"""Every reader notebook runs clean, top to bottom, on the shipped scenarios' results.

The notebooks read `NPVI_RESULTS_DIR` (else `results/` of `make run`); here it points at the
result folders the regression check solved once for the session, so no scenario is solved again:
each notebook must say it reads them, and leave no temporary folder and no file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.scenario
NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_three_policy_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean(path, request, monkeypatch):
    fixture = "shipped_results_with_robust" if "robust" in path.stem else "shipped_results"
    shipped_results = request.getfixturevalue(fixture)
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name} is stored with outputs; clear them before committing"
    )
    monkeypatch.setenv("NPVI_RESULTS_DIR", str(shipped_results["results_dir"]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    tmp_before = set(os.listdir(tempfile.gettempdir()))
    folder_before = sorted(os.listdir(path.parent))
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        out
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    streams = [
        out.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    ]
    assert any("Reading the results in" in text for text in streams), "the notebook solved"
    assert not any("Solving" in text for text in streams)
    new_tmp = {n for n in set(os.listdir(tempfile.gettempdir())) - tmp_before if "npvi" in n}
    assert not new_tmp, f"{path.name} left temporary folders: {sorted(new_tmp)}"
    assert sorted(os.listdir(path.parent)) == folder_before


def test_notebooks_open_with_prose_and_short_cells():
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown", f"{path.name} must open with prose"
        code = [c for c in cells if c.cell_type == "code"]
        longest = max(len(c.source.splitlines()) for c in code)
        assert longest <= 5, f"{path.name}: a code cell of {longest} lines"
