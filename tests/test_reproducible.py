"""Reproducible runs: the same inputs give the same figures and the same input hash; two
processes writing different scenarios into one output folder at once both succeed; results.nc
carries what is needed to reproduce the run.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from npvi_model.output_dirs import MARKER
from npvi_model.results_io import load_results, load_summary

ROOT = Path(__file__).resolve().parents[1]

SCENARIO_A = """\
name: repro_a
description: small scenario A
years: [2025, 2030]
time: {resolution: representative, typical_days: 2}
"""
SCENARIO_B = """\
name: repro_b
description: small scenario B, a higher discount rate
years: [2025, 2030]
time: {resolution: representative, typical_days: 2}
parameters: {discount_rate: 0.06}
"""


def start(scenario: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "npvi_model.cli",
            "run",
            str(scenario),
            "--out",
            str(out),
            "--hours",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen) -> None:
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stdout + stderr
    assert "Traceback" not in stdout + stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """A and B at the same time into one folder, then A again on its own into another."""
    base = tmp_path_factory.mktemp("repro")
    a, b = base / "a.yaml", base / "b.yaml"
    a.write_text(SCENARIO_A)
    b.write_text(SCENARIO_B)
    shared = base / "shared"
    procs = [start(a, shared), start(b, shared)]  # concurrently, same output folder
    for proc in procs:
        finish(proc)
    again = start(a, base / "again")
    finish(again)
    return {
        "shared": shared,
        "a1": shared / "repro_a",
        "b": shared / "repro_b",
        "a2": base / "again" / "repro_a",
    }


def figures(summary: dict) -> dict:
    return {
        "objective_eur": summary["objective_eur"],
        "years": summary["years"],
        "input_sha256": summary["metadata"]["input_sha256"],
    }


def test_same_inputs_same_figures_and_hash(runs):
    one, two = load_summary(runs["a1"]), load_summary(runs["a2"])
    assert len(one["metadata"]["input_sha256"]) == 64
    assert one["years"].keys() == {"2025", "2030"}
    f1, f2 = figures(one), figures(two)
    assert f1["input_sha256"] == f2["input_sha256"]
    assert math.isclose(f1["objective_eur"], f2["objective_eur"], rel_tol=1e-9)
    assert f1["years"] == f2["years"]
    # the hash in results.nc is the one in summary.json
    assert load_results(runs["a1"]).attrs["input_sha256"] == f1["input_sha256"]


def test_different_inputs_differ(runs):
    """Control: B differs from A in a parameter, so its hash and objective differ."""
    a, b = figures(load_summary(runs["a1"])), figures(load_summary(runs["b"]))
    assert a["input_sha256"] != b["input_sha256"]
    assert a["objective_eur"] != b["objective_eur"]


def test_concurrent_runs_do_not_interfere(runs):
    shared = runs["shared"]
    # nothing hidden but npvi's marker of the folder it made
    assert sorted(p.name for p in shared.iterdir()) == [MARKER, "repro_a", "repro_b"]
    for name in ("repro_a", "repro_b"):
        folder = shared / name
        summary = load_summary(folder)
        assert summary["scenario"] == name and summary["status"] == "optimal"
        assert load_results(folder).attrs["scenario"] == name
        assert any((folder / "csv").glob("*.csv"))
    # each folder holds its own scenario's settings, not the other's
    assert load_summary(runs["b"])["resolved_scenario"]["parameters"]["discount_rate"] == 0.06
    assert load_summary(runs["a1"])["resolved_scenario"]["parameters"]["discount_rate"] == 0.04


def test_results_attrs_describe_the_run(runs):
    attrs = load_results(runs["a1"]).attrs
    resolved = json.loads(attrs["resolved_scenario"])
    assert resolved["name"] == "repro_a" and resolved["years"] == [2025, 2030]
    assert resolved["description"] == "small scenario A"
    assert len(attrs["input_sha256"]) == 64
    versions = json.loads(attrs["versions"])
    assert {"npvi_model", "pyomo", "highspy", "xarray", "python"} <= versions.keys()
    options = json.loads(attrs["solver_options"])
    assert options["solver"] == resolved["solver"]["algorithm"] in ("ipm", "simplex")
    assert attrs["solver_status"] == "optimal"
    assert attrs["solver_termination"] == "convergenceCriteriaSatisfied"
    assert json.loads(attrs["scenario_files"])[-1].endswith("a.yaml")


def test_input_sha256_follows_the_hourly_series(tmp_path):
    """A changed hourly value (one hour of the offshore wind series used) changes input_sha256;
    the data tables alone (data_sha256) do not see it."""
    import shutil

    import pandas as pd

    from npvi_model.inputs import build_inputs
    from npvi_model.scenario import resolve

    root = Path(__file__).resolve().parents[1]
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    resolved = resolve(root / "scenarios" / "domestic.yaml")
    before = build_inputs(resolved, data).attrs
    path = data / "timeseries" / "nl_wind_offshore_cf_hourly.csv"
    table = pd.read_csv(path)
    column = f"wy{resolved.scenario.time.weather_year}"
    table.loc[100, column] = 0.5 if table.loc[100, column] != 0.5 else 0.4
    table.to_csv(path, index=False)
    after = build_inputs(resolved, data).attrs
    assert after["data_sha256"] == before["data_sha256"]
    assert after["input_sha256"] != before["input_sha256"]
