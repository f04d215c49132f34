"""Shared fixtures. `shipped_results` solves every shipped scenario once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from npvi_model.check import CheckReport, run_check, shipped_scenarios

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "tests" / "reference"


class ShippedResults(dict):
    """scenario name -> result folder (results.nc, csv/, summary.json), plus `.report`."""

    report: CheckReport


@pytest.fixture(scope="session")
def shipped_results(tmp_path_factory) -> ShippedResults:
    """Every shipped scenario (`scenarios/*.yaml` not starting with '_'), solved once per session.

    This is the regression check of `make test`: `run_check` re-solves each scenario at its
    own resolution (~50 s each), compares it with `tests/reference/<scenario>.json` and writes
    the result folders into a session temporary folder. Tests that need real model output
    (invariants, notebooks) should use this fixture rather than solve again:

        def test_something(shipped_results):
            folder = shipped_results["domestic"]        # a pathlib.Path to the result folder
            ds = npvi_model.results_io.load_results(folder)
            summary = npvi_model.results_io.load_summary(folder)
            shipped_results.report                       # the npvi_model.check.CheckReport

    The folders are shared: treat them as read-only. A missing reference does not stop the
    session (it is a failing difference, reported by `test_shipped_scenarios_match_reference`);
    a scenario that does not solve raises SolveError in every test using the fixture.
    """
    base = tmp_path_factory.mktemp("shipped")
    report = run_check(shipped_scenarios(ROOT / "scenarios"), REFERENCE_DIR, update=False,
                       keep_results=base / "results", report_path=base / "check.md",
                       allow_missing_reference=True)
    results = ShippedResults(report.results)
    results.report = report
    return results
