"""Shared fixtures. `shipped_results` solves every shipped scenario once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from npvi_model.check import run_check, shipped_scenarios
from npvi_model.scenario import resolve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def private_basis_cache(tmp_path_factory) -> Path:
    """The session's own basis cache (`NPVI_CACHE_DIR`), never the developer's own
    `~/.cache/npvi-model/bases`: a stored basis from an earlier run cannot make a test pass or
    fail. Session scope and autouse, so it is set before the session fixtures solve (the
    regression check of `shipped_results` solves cold anyway: `run_check`)."""
    folder = tmp_path_factory.mktemp("basis-cache")
    previous = os.environ.get("NPVI_CACHE_DIR")
    os.environ["NPVI_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("NPVI_CACHE_DIR", None)
    else:
        os.environ["NPVI_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def empty_basis_cache(private_basis_cache, tmp_path_factory, monkeypatch) -> Path:
    """Each test starts with an empty basis cache of its own: a solve in one test never starts
    from a basis another test stored."""
    folder = tmp_path_factory.mktemp("basis-cache-test")
    monkeypatch.setenv("NPVI_CACHE_DIR", str(folder))
    return folder


REFERENCE_DIR = ROOT / "tests" / "reference"
PATHS = ("domestic", "import_intermediates", "reduced_base")


@pytest.fixture(scope="session")
def shipped_results(tmp_path_factory) -> dict:
    """Every shipped scenario (`scenarios/*.yaml` not starting with '_'), solved once per session.

    This is the regression check of `make test`: `run_check` re-solves each scenario at its
    own resolution (~50 s each), compares it with `tests/reference/<scenario>.json` and writes
    the result folders into a session temporary folder. Tests that need real model output
    (invariants, notebooks) use this fixture rather than solve again. It is a dict:

    - `folders`: scenario name -> result folder (`results.nc`, `csv/`, `summary.json`), e.g.
      `load_results(shipped_results["folders"]["domestic"])`;
    - `scenarios`: scenario name -> its scenario file (a Path, for `resolve`/`prepare`);
    - `results_dir`: the folder holding all result folders (for `NPVI_RESULTS_DIR`);
    - `report`: the `npvi_model.check.CheckReport` (differences, Markdown, timings).

    The folders are shared: treat them as read-only. A missing reference does not stop the
    session (it is a failing difference, reported by `test_shipped_scenarios_match_reference`);
    a scenario that does not solve raises SolveError in every test using the fixture.
    """
    base = tmp_path_factory.mktemp("shipped")
    paths = shipped_scenarios(ROOT / "scenarios")
    report = run_check(
        paths,
        REFERENCE_DIR,
        update=False,
        keep_results=base / "results",
        report_path=base / "check.md",
        allow_missing_reference=True,
    )
    names = {resolve(path).scenario.name: path for path in paths}
    return {
        "folders": dict(report.results),
        "scenarios": names,
        "results_dir": base / "results",
        "report": report,
    }


@pytest.fixture(scope="session")
def shipped_results_with_robust(shipped_results) -> dict:
    """`shipped_results` plus `robust/` in its results folder: `npvi robust` of the three
    development paths at 1 representative day without the VSS (the notebook of the robust plan
    reads it; about a minute)."""
    from typer.testing import CliRunner

    from npvi_model.cli import app

    out = shipped_results["results_dir"]
    if not (out / "robust" / "summary.json").is_file():
        files = [str(ROOT / "scenarios" / f"{p}.yaml") for p in PATHS]
        result = CliRunner().invoke(
            app, ["robust", *files, "--hours", "1", "--no-vss", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    return shipped_results
