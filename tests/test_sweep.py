"""`npvi sweep`: sweep files, designs, re-solve on a persistent HiGHS instance, and the Dask
runner on a 2-worker LocalCluster (a small scenario: one model year, one representative day).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from micro import micro_inputs
from typer.testing import CliRunner

from npvi_model.cli import app
from npvi_model.errors import InputError
from npvi_model.model import build_model
from npvi_model.pipeline import run_scenario
from npvi_model.results_io import load_results
from npvi_model.scenario import SolverConfig
from npvi_model.sweep.resolve_lp import ReSolver
from npvi_model.sweep.results import load_sweep_results
from npvi_model.sweep.runner import run_sweep
from npvi_model.sweep.sampling import VariantMaker, design_table
from npvi_model.sweep.spec import load_sweep
from npvi_model.sweep.worker import headline

BASE = {"name": "sweep_base", "years": [2030], "time": {"typical_days": 1}}
GAS = {
    "data": {"table": "prices", "where": {"commodity": "natural_gas"}, "column": "value"},
    "mode": "scale",
    "flag": "A",
    "note": "test range",
}
DELAY = {"parameter": "offshore_wind_delay_years", "flag": "A", "note": "test range"}


def write_sweep(folder: Path, design: dict, factors: dict, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(yaml.safe_dump(BASE))
    spec = {"name": "t", "base": "base.yaml", "hours": 1, "design": design, "factors": factors}
    spec.update(extra)
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def list_sweep(folder: Path, gas=(1.0, 1.6, 0.6), delay=(0, 3, 1)) -> Path:
    return write_sweep(
        folder,
        {"method": "list"},
        {"gas": {**GAS, "values": list(gas)}, "delay": {**DELAY, "values": list(delay)}},
    )


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    with Client(cluster) as c:
        yield c
    cluster.close()


# ------------------------------------------------------------------ re-solve (micro model)


def test_resolve_warm_start_gives_the_hand_answer():
    """Micro model of test_one_cluster_two_hours_one_electrolyser: 4.38 TWh of H2 falls back at
    1 MWh gas per MWh, gas 50 EUR/MWh -> 4380 GWh x 50 = 219 MEUR. The gas price enters the
    objective only, so doubling it keeps the structure: the persistent HiGHS instance gets
    the new costs and re-solves warm, 4380 GWh x 100 = 438 MEUR. Without wind the fallback is
    the only H2: 8760 GWh x 100 = 876 MEUR; without its assets the LP has fewer columns, so
    the pattern differs and the LP is passed whole (cold)."""
    assets = [
        {"tech": "offshore_wind", "loc": "A", "existing": 2.0},
        {"tech": "electrolyser", "loc": "A", "existing": 2.0},
    ]
    resolver, config = ReSolver(), SolverConfig(algorithm="simplex")
    ds = micro_inputs(assets=assets)
    ds["hydrogen_demand_twh"][:] = 8.76
    first = resolver.solve(build_model(ds), config)
    assert (first.warm, first.objective_meur) == (False, pytest.approx(219.0))
    ds["price_natural_gas"][:] = 100.0
    second = resolver.solve(build_model(ds), config)
    assert second.warm and second.changed_numbers > 0
    assert second.objective_meur == pytest.approx(438.0)
    ds = micro_inputs(clusters=("A", "B"), assets=assets)
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_natural_gas"][:] = 100.0
    third = resolver.solve(build_model(ds), config)
    assert (third.warm, third.objective_meur) == (False, pytest.approx(1314.0))


# ------------------------------------------------------------------ designs


def test_grid_list_and_latin_hypercube_designs(tmp_path):
    """Grid of 3 x 2 values = 6 samples, every combination once. LHS with 8 samples: each of
    the 8 equal strata of [0.5, 1.5] holds exactly one gas value, the delay (values 0..3) is
    an integer, each value 2 times; the same seed gives the same table."""
    grid = write_sweep(
        tmp_path / "g",
        {"method": "grid"},
        {"gas": {**GAS, "values": [0.5, 1.0, 1.5]}, "delay": {**DELAY, "values": [0, 2]}},
    )
    table = design_table(load_sweep(grid))
    assert len(table) == 6
    assert set(map(tuple, table.values.tolist())) == {
        (g, d) for g in (0.5, 1.0, 1.5) for d in (0, 2)
    }
    lhs = write_sweep(
        tmp_path / "l",
        {"method": "lhs", "samples": 8, "seed": 7},
        {"gas": {**GAS, "range": [0.5, 1.5]}, "delay": {**DELAY, "values": [0, 1, 2, 3]}},
    )
    table = design_table(load_sweep(lhs))
    strata = np.floor((table["gas"] - 0.5) / (1.0 / 8)).astype(int)
    assert sorted(strata) == list(range(8))
    assert table["delay"].value_counts().to_dict() == {0: 2, 1: 2, 2: 2, 3: 2}
    assert table.equals(design_table(load_sweep(lhs)))


def test_latin_hypercube_distributions_stay_in_their_bounds(tmp_path):
    """Triangular (0.5, 1, 2) and truncated normal (mean 1, sd 0.5, within 0.8-1.1) draws stay
    inside their bounds; 40 stratified normal draws (mean 5, sd 2) have a mean within 0.1 of 5
    (a stratified sample of the inverse CDF is nearly exact: the strata midpoints alone give
    exactly 5 by symmetry)."""
    dists = {
        "tri": {"kind": "triangular", "low": 0.5, "mode": 1.0, "high": 2.0},
        "tn": {"kind": "truncnormal", "low": 0.8, "high": 1.1, "mean": 1.0, "sd": 0.5},
        "n": {"kind": "normal", "mean": 5.0, "sd": 2.0},
    }
    path = write_sweep(
        tmp_path,
        {"method": "lhs", "samples": 40, "seed": 3},
        {name: {**GAS, "distribution": d} for name, d in dists.items()},
    )
    table = design_table(load_sweep(path))
    assert table["tri"].between(0.5, 2.0).all() and table["tn"].between(0.8, 1.1).all()
    assert table["n"].mean() == pytest.approx(5.0, abs=0.1)


def test_variant_scales_every_matched_row(tmp_path):
    """gas x 1.6 sets each natural_gas price row to 1.6 x its value (53.2 -> 85.12 in 2023);
    the delay parameter is set; provenance names the sweep file."""
    maker = VariantMaker(load_sweep(list_sweep(tmp_path)))
    variant = maker.variant(1, {"gas": 1.6, "delay": 3.0})
    assert variant.scenario.parameters.offshore_wind_delay_years == 3
    gas = [o for o in variant.scenario.data_overrides if o.where.get("commodity") == "natural_gas"]
    assert {o.where["year"]: o.set["value"] for o in gas}[2023] == pytest.approx(53.2 * 1.6)
    assert "factors.delay" in variant.provenance["parameters.offshore_wind_delay_years"]


# ------------------------------------------------------------------ the Dask runner


def test_each_sample_equals_a_separate_run(tmp_path, client):
    """Three samples on 2 workers (so at least one warm re-solve): each sample's headline
    outputs equal those of `npvi run` on the variant written out as its own scenario file,
    the delivery and cost gaps (read from the duals) included."""
    sweep_file = list_sweep(tmp_path / "s")
    out = tmp_path / "out"
    outcome = run_sweep(sweep_file, out, client=client)
    assert sorted(outcome.done) == [0, 1, 2] and not outcome.failed
    result = load_sweep_results(out)
    assert list(result["status"].values) == ["done"] * 3
    assert float(result["warm_start"].sum()) >= 1  # 3 samples on 2 workers, one structure
    maker = VariantMaker(load_sweep(sweep_file))
    for sample in (0, 1, 2):
        values = {k: float(result[f"input_{k}"].sel(sample=sample)) for k in ("gas", "delay")}
        variant = maker.variant(sample, values)
        scenario_file = tmp_path / "variants" / f"v{sample}.yaml"
        scenario_file.parent.mkdir(exist_ok=True)
        scenario_file.write_text(yaml.safe_dump(variant.scenario.model_dump(mode="json")))
        folder = run_scenario(scenario_file, tmp_path / "runs", hours="1")
        ds = load_results(folder)
        alone = headline(ds, ds.attrs["objective_eur"])
        got = result.sel(sample=sample)
        assert float(got["objective_eur"]) == pytest.approx(float(alone["objective_eur"]), 1e-7)
        for name in ("unmet", "capacity", "emissions", "emission_gap"):
            np.testing.assert_allclose(got[name].values, alone[name].values, rtol=1e-6, atol=1e-6)
        assert {"delivery_gap", "cost_gap"} <= set(alone.data_vars)
        for name in ("delivery_gap", "cost_gap"):  # the cost gap reads the duals
            np.testing.assert_allclose(got[name].values, alone[name].values, rtol=1e-6, atol=1e-6)


def test_killed_worker_loses_no_sample(tmp_path, client):
    """The worker running sample 1 dies mid-task (os._exit, no clean-up); the scheduler gives
    the task to a worker again and every sample finishes."""
    import sweep_faults

    sweep_file = list_sweep(tmp_path / "s", gas=(1.0, 1.2, 1.4), delay=(0, 0, 1))
    (tmp_path / "kill_1").touch()
    pids_before = set(client.run(lambda: __import__("os").getpid()).values())
    outcome = run_sweep(
        sweep_file, tmp_path / "out", client=client, task=sweep_faults.kill_worker_once
    )
    assert not (tmp_path / "kill_1").exists()  # the worker was killed
    assert sorted(outcome.done) == [0, 1, 2] and not outcome.failed
    assert list(load_sweep_results(tmp_path / "out")["status"].values) == ["done"] * 3
    client.wait_for_workers(2, timeout=60)
    assert set(client.run(lambda: __import__("os").getpid()).values()) != pids_before
    assert not list((tmp_path / "out" / "samples").glob(".*"))  # no staged file left behind


def test_failed_sample_is_recorded_and_resume_skips_completed_samples(tmp_path, client):
    """Sample 1 always raises: it runs twice (one retry), is recorded as failed with its
    reason, and samples 0 and 2 are solved. `--resume` then runs sample 1 only; the folder
    refuses a second sweep without --resume, and a resume with a changed definition."""
    import sweep_faults

    sweep_file = list_sweep(tmp_path / "s")
    out = tmp_path / "out"
    outcome = run_sweep(sweep_file, out, client=client, task=sweep_faults.fail_sample_one)
    assert sorted(outcome.done) == [0, 2]
    assert "deliberate failure of sample 1" in outcome.failed[1]
    assert len(list(tmp_path.glob("attempt_1_*"))) == 2
    result = load_sweep_results(out)
    assert list(result["status"].values) == ["done", "failed", "done"]
    assert "deliberate failure" in str(result["failure_reason"].sel(sample=1).values)
    assert np.isnan(float(result["objective_eur"].sel(sample=1)))

    outcome = run_sweep(sweep_file, out, client=client, resume=True, task=sweep_faults.count_runs)
    assert sorted(outcome.skipped) == [0, 2] and outcome.done == [1]
    assert sorted(p.name for p in tmp_path.glob("ran_*")) == ["ran_1"]
    assert list(load_sweep_results(out)["status"].values) == ["done"] * 3
    with pytest.raises(InputError, match="already holds a sweep"):
        run_sweep(sweep_file, out, client=client)
    changed = list_sweep(tmp_path / "s", gas=(1.0, 1.6, 0.5))
    with pytest.raises(InputError, match="another definition"):
        run_sweep(changed, out, client=client, resume=True)


# ------------------------------------------------------------------ bad sweep files


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"factorz": {}}, "[factorz]: unknown key 'factorz' (did you mean 'factors'?)"),
        ({"design": {"method": "lhs"}}, "[design]: value {'method': 'lhs'}: a Latin-hypercube"),
        (
            {"factors": {"gas": {**GAS, "values": [1.0], "flag": "V"}}},
            "[factors.gas]: value",
        ),
        (
            {"factors": {"gas": {**GAS, "values": [1.0], "sorce": "x"}}},
            "[factors.gas.sorce]: unknown key 'sorce' (did you mean 'source'?)",
        ),
        (
            {"factors": {"d": {**DELAY, "parameter": "offshore_wind_dlay", "values": [1]}}},
            "[factors.d.parameter]: unknown parameter 'offshore_wind_dlay' (did you mean",
        ),
        (
            {"factors": {"gas": {**GAS, "values": [-1.0]}}},
            "[sample 0]: data_overrides",
        ),
        ({"base": "missing.yaml"}, "[base]: value 'missing.yaml': file not found"),
        ({"hours": 0}, "[hours]: value 0: expected a number of representative days 1-365 or"),
    ],
)
def test_bad_sweep_file_exits_2_naming_file_key_value(tmp_path, change, expected):
    path = list_sweep(tmp_path / "s")
    spec = yaml.safe_load(path.read_text())
    spec.update(change)
    path.write_text(yaml.safe_dump(spec))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "sweep.yaml" in result.output and expected in " ".join(result.output.split())
    assert not out.exists()
