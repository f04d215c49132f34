"""Full hourly in two steps (`full_hourly.py`): plan at representative days, dispatch hourly with
the plan fixed, and report what the representative days missed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from micro import micro_inputs

from npvi_model.budget import TimeBudget
from npvi_model.full_hourly import dispatch_inputs, solve_two_step
from npvi_model.scenario import SolverConfig


def wind_and_flat_demand(slice_weights, wind_cf):
    """One cluster, 2030, electricity demand 1 GW flat (8.76 TWh), no grid; offshore wind may
    be built up to 10 GW at 300 EUR/kW, life 30 years, WACC 0: 10 MEUR per GW per year."""
    ds = micro_inputs(
        slice_weights=slice_weights,
        wind_cf=wind_cf,
        assets=[{"tech": "offshore_wind", "loc": "A", "max_new": 10.0, "capex": 300.0}],
    )
    ds["electricity_demand_twh"][:] = 8.76
    return ds


def test_two_step_reports_what_the_representative_day_missed():
    """Representative: one slice of 8760 h at the average wind CF 0.5. Each GW of wind gives
    4.38 TWh and saves 4380 GWh x 50 EUR/MWh = 219 MEUR of fallback for 10 MEUR: the plan
    builds 2 GW (0.5 x 2 GW = 1 GW = demand); objective 2 x 10 = 20 MEUR, nothing unmet.

    Hourly truth: two slices of 4380 h, CF 1 then 0. With 2 GW fixed: slice 0 serves 1 GW (1 GW
    curtailed), slice 1 has no wind, so 1 GW x 4380 h = 4.38 TWh falls back at 219 MEUR.
    Two-step objective 20 + 219 = 239 MEUR; missed unmet electricity 4.38 TWh; the relative
    difference (239 - 20) / 20 = 10.95."""
    plan = wind_and_flat_demand((8760.0,), (0.5,))
    hourly = wind_and_flat_demand((4380.0, 4380.0), (1.0, 0.0))
    resolved = SimpleNamespace(
        scenario=SimpleNamespace(
            solver=SolverConfig(time_limit_s=60), time=SimpleNamespace(typical_days=1)
        )
    )
    asked = []

    def prepare(hours):
        asked.append(hours)
        return hourly if hours == "full" else plan

    ds, _, result, timing, report = solve_two_step(
        resolved, prepare, TimeBudget(60), lambda _msg: None
    )
    assert asked == ["1", "full"]
    assert report["representative_objective_eur"] == pytest.approx(20e6)
    assert report["two_step_objective_eur"] == pytest.approx(239e6)
    assert result.objective_meur == pytest.approx(239.0)
    assert report["relative_difference"] == pytest.approx(10.95)
    year = report["years"]["2030"]
    assert year["operating_cost_representative_eur"] == pytest.approx(0.0, abs=1e-3)
    assert year["operating_cost_hourly_eur"] == pytest.approx(219e6)
    assert year["unmet_representative"]["electricity"] == pytest.approx(0.0, abs=1e-9)
    assert year["unmet_missed_by_representative_days"]["electricity"] == pytest.approx(4.38)
    # the results: hourly dispatch, with the plan's new capacity and annuity
    assert ds.sizes["slice"] == 2
    assert float(ds["unmet"].sel(carrier="electricity").sum()) == pytest.approx(4.38)
    new = ds["new_capacity"].sel(technology="offshore_wind", cluster="A", year=2030)
    assert float(new) == pytest.approx(2.0)
    annuity = ds["cost"].sel(cost_component="investment_annuity", year=2030)
    assert float(annuity) == pytest.approx(20e6)
    assert {"build", "compile", "handoff", "highs", "extract"} <= timing.keys()


def test_dispatch_inputs_fix_the_plan():
    """Existing capacity of the year becomes the plan's; nothing may be built."""
    import xarray as xr

    ds = wind_and_flat_demand((4380.0, 4380.0), (1.0, 0.0))
    plan = xr.DataArray([[2.5]], coords={"asset": ["offshore_wind:A"], "year": [2030]})
    one = dispatch_inputs(ds, plan, 2030)
    assert float(one["existing_capacity"].sel(asset="offshore_wind:A", year=2030)) == 2.5
    assert float(one["max_new_capacity"].sum()) == 0.0
    assert float(ds["existing_capacity"].sum()) == 0.0  # the full inputs are left as they were


def test_yearly_dispatches_in_worker_processes_give_the_same_answer():
    """Two model years (2030, 2035; year and discount weights 1) of the case above, dispatched
    in two processes: each year as in the one-year case, 219 MEUR of fallback on 20 MEUR of
    annuity, so 2 x 239 = 478 MEUR, the same as one after another."""

    def two_years(slice_weights, wind_cf):
        ds = micro_inputs(
            years=(2030, 2035),
            slice_weights=slice_weights,
            wind_cf=wind_cf,
            assets=[{"tech": "offshore_wind", "loc": "A", "max_new": 10.0, "capex": 300.0}],
        )
        ds["electricity_demand_twh"][:] = 8.76
        return ds

    plan = two_years((8760.0,), (0.5,))
    hourly = two_years((4380.0, 4380.0), (1.0, 0.0))
    resolved = SimpleNamespace(
        scenario=SimpleNamespace(
            solver=SolverConfig(time_limit_s=120), time=SimpleNamespace(typical_days=1)
        )
    )
    answers = {}
    for workers in (1, 2):
        _, _, result, _, report = solve_two_step(
            resolved,
            lambda hours: hourly if hours == "full" else plan,
            TimeBudget(120),
            lambda _msg: None,
            workers=workers,
        )
        answers[workers] = result.objective_meur
        missed = [
            y["unmet_missed_by_representative_days"]["electricity"]
            for y in report["years"].values()
        ]
        assert missed == pytest.approx([4.38, 4.38])
    assert answers[2] == pytest.approx(478.0)
    assert answers[1] == pytest.approx(answers[2])


def test_a_worker_counts_its_budget_from_the_run_s_deadline():
    """A year that starts in a worker after the run's deadline stops before its build, and the
    message names the run's limit (60 s), not what was left when the year was queued."""
    import time

    from npvi_model.full_hourly import _dispatch_in_worker

    inputs = wind_and_flat_demand((4380.0, 4380.0), (1.0, 0.0))
    out = _dispatch_in_worker(inputs, SolverConfig(), False, time.time() - 1.0, 60.0)
    status, message, _ = out["error"]
    assert status == "time_limit"
    assert "time limit of 60 s while building the 2030 dispatch model" in message


def test_auto_workers_take_the_smallest_of_cores_years_and_memory(monkeypatch):
    """auto: min(usable cores, years, available MB // DISPATCH_YEAR_MEMORY_MB), at least 1;
    a number is kept but never above the number of years."""
    import npvi_model.full_hourly as fh

    monkeypatch.setattr(fh.os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3}, raising=False)
    per_year = fh.DISPATCH_YEAR_MEMORY_MB
    monkeypatch.setattr(fh, "available_memory_mb", lambda: 100 * per_year)
    assert fh.dispatch_workers("auto", 7) == 4  # cores
    assert fh.dispatch_workers("auto", 2) == 2  # years
    monkeypatch.setattr(fh, "available_memory_mb", lambda: 3.5 * per_year)
    assert fh.dispatch_workers("auto", 7) == 3  # memory
    monkeypatch.setattr(fh, "available_memory_mb", lambda: 0.5 * per_year)
    assert fh.dispatch_workers("auto", 7) == 1  # at least one
    assert fh.dispatch_workers(3, 7) == 3
    assert fh.dispatch_workers(3, 2) == 2


@pytest.mark.parametrize("workers", [0, 17, 2.5, "many", True])
def test_workers_must_be_auto_or_a_whole_number(tmp_path, workers):
    """Bad input: one problem naming the key and the value, nothing solved."""
    from pathlib import Path

    from npvi_model.errors import InputError
    from npvi_model.scenario import resolve

    root = Path(__file__).resolve().parents[1]
    scenario = tmp_path / "workers.yaml"
    scenario.write_text(
        f"extends: {root / 'scenarios' / 'domestic.yaml'}\nname: workers\n"
        f"time: {{full_hourly_workers: {workers}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        resolve(scenario, allow_outside=True)
    text = str(caught.value)
    assert "full_hourly_workers" in text and "expected 'auto' or a whole number 1-16" in text
