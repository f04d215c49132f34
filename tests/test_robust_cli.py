"""`npvi robust` on the command line: bad options exit 2 with one line and write nothing; two
shipped paths at 1 representative day give a complete `robust/` folder whose numbers agree with
each other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr
from typer.testing import CliRunner

from npvi_model.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOMESTIC = str(ROOT / "scenarios" / "domestic.yaml")
REDUCED = str(ROOT / "scenarios" / "reduced_base.yaml")


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        (["--weights", "1,2,3"], "--weights"),
        (["--weights", "domestic=1,nowhere=1"], "--weights"),
        (["--weights", "-1,2"], "--weights"),
        (["--objective", "worst"], "--objective"),
        (["--hours", "0"], "--hours"),
        (["--decide-until", "2000"], "--decide-until"),
        (["--method", "ph", "--objective", "minmax-regret"], "--method"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(tmp_path, extra, option):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["robust", DOMESTIC, REDUCED, "--hours", "1", "--out", str(out), *extra]
    )
    assert result.exit_code == 2, result.output
    assert option in result.output
    assert not out.exists()


def test_one_scenario_is_not_enough(tmp_path):
    result = CliRunner().invoke(app, ["robust", DOMESTIC, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "at least two scenarios" in result.output


@pytest.mark.scenario
def test_two_paths_at_one_day_write_a_consistent_robust_folder(tmp_path):
    """Regret = cost under the plan - own optimum >= 0 per path (up to solver tolerance);
    EVPI = the weighted mean regret; the stage-1 plan in the CSV equals the NetCDF's."""
    result = CliRunner().invoke(
        app,
        ["robust", DOMESTIC, REDUCED, "--hours", "1", "--no-vss", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "robust"
    summary = json.loads((folder / "summary.json").read_text())
    for s in ("domestic", "reduced_base"):
        regret = summary["cost_under_robust_plan_meur"][s] - summary["own_optimum_meur"][s]
        assert summary["regret_meur"][s] == pytest.approx(regret)
        assert regret >= -1e-6 * abs(summary["own_optimum_meur"][s])
    assert summary["evpi_meur"] == pytest.approx(0.5 * sum(summary["regret_meur"].values()))
    with xr.open_dataset(folder / "results.nc") as ds:
        assert list(ds.path.values) == ["domestic", "reduced_base"]
        plan = ds["robust_new_capacity"].values
        assert (ds["decision_build_year"].values <= 2030).all()
    import pandas as pd

    csv = pd.read_csv(folder / "csv" / "stage1_plan.csv")
    assert csv["robust"].to_numpy() == pytest.approx(plan, abs=1e-5)
    assert not list(tmp_path.glob(".robust.*"))


def test_a_users_file_in_robust_stops_the_run_before_any_solve(tmp_path):
    """`<out>/robust/` holding a file npvi did not write: exit 2, the file untouched."""
    notes = tmp_path / "robust" / "notes.md"
    notes.parent.mkdir()
    notes.write_text("mine")
    result = CliRunner().invoke(app, ["robust", DOMESTIC, REDUCED, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "--out" in result.output
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robust"]
