"""The regression check: `compare` on hand-made references, `npvi check` end to end on a small
scenario, and the check of every shipped scenario against tests/reference/."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from scenario_texts import INFEASIBLE

from npvi_model.check import (
    ALTERNATIVE,
    FAIL,
    INFO,
    TOLERANCES,
    Tolerance,
    compare,
    run_check,
    shipped_scenarios,
)
from npvi_model.errors import InputError, SolveError
from npvi_model.scenario import resolve

ROOT = Path(__file__).resolve().parents[1]
YEARS = ("2030", "2035")
CLUSTERS = ("RM", "ZWB", "NN")


def make_reference(objective: float = 8.0e10) -> dict:
    """A small reference by hand: 2 technologies x 3 clusters x 2 years, national totals that
    are the sums of the per-cluster values, and a 3-family fingerprint."""
    capacity = {
        "electrolyser|RM|2030": 1.0,
        "electrolyser|ZWB|2030": 0.5,
        "electrolyser|NN|2030": 0.0,
        "electrolyser|RM|2035": 2.0,
        "electrolyser|ZWB|2035": 1.0,
        "electrolyser|NN|2035": 0.25,
        "offshore_wind|RM|2030": 3.0,
        "offshore_wind|ZWB|2030": 2.0,
        "offshore_wind|NN|2030": 0.5,
        "offshore_wind|RM|2035": 4.0,
        "offshore_wind|ZWB|2035": 3.0,
        "offshore_wind|NN|2035": 1.0,
    }
    unmet = {
        f"{c}|{k}|{y}": v
        for (c, v) in (("hydrogen", 10.0), ("co2", 0.5))
        for k in CLUSTERS
        for y in YEARS
    }
    headline = {}
    for y in YEARS:
        elec = sum(v for k, v in capacity.items() if k.startswith("electrolyser") and y in k)
        wind = sum(v for k, v in capacity.items() if k.startswith("offshore_wind") and y in k)
        headline[y] = {
            "unmet": {"electricity": 0.0, "hydrogen": 30.0, "co2": 1.5},
            "emissions_mt": 30.0,
            "emission_gap_mt": 0.0,
            "electrolysis_gw": elec,
            "offshore_wind_gw": wind,
        }
    return {
        "format": 1,
        "scenario": "hand",
        "status": "optimal",
        "objective_eur": objective,
        "headline": headline,
        "tables": {
            "capacity": {
                "dims": ["technology", "cluster", "year"],
                "units": "GW",
                "values": capacity,
            },
            "unmet": {"dims": ["carrier", "cluster", "year"], "units": "TWh | Mt", "values": unmet},
            "emissions": {"dims": ["year"], "units": "Mt", "values": {"2030": 30.0, "2035": 20.0}},
        },
        "fingerprint": {
            "variables": {"build": 36, "flow": 1200},
            "constraints": {"balance": 600, "cap": 36, "limit": 1200},
            "n_variables": 1236,
            "n_constraints": 1836,
            "nonzeros": {"balance": 2400, "cap": 72, "limit": 2400},
            "n_nonzeros": 4872,
        },
        "metadata": {"input_sha256": "abc", "n_slices": 48},
    }


def failures(diffs):
    return [d for d in diffs if d.severity == FAIL]


# -- compare on hand-made references ---------------------------------------------------------


def test_identical_reference_has_no_differences():
    assert compare(make_reference(), make_reference(), "hand") == []


def test_solver_tolerance_objective_difference_passes():
    fresh = make_reference(objective=8.0e10 * (1 + 1e-9))
    assert compare(make_reference(), fresh, "hand") == []


def test_one_percent_objective_change_fails_and_is_named():
    fresh = make_reference(objective=8.0e10 * 1.01)
    diffs = compare(make_reference(), fresh, "hand")
    assert len(diffs) == 1
    (d,) = diffs
    assert (d.scenario, d.quantity, d.severity) == ("hand", "objective_eur", FAIL)
    assert d.old == 8.0e10 and d.new == pytest.approx(8.08e10)
    assert d.rel_change == pytest.approx(0.01)


def test_objective_tolerance_boundary():
    # 1e-6 relative is the stated tolerance: just inside passes, 5e-6 fails
    assert compare(make_reference(), make_reference(8.0e10 * (1 + 0.9e-6)), "hand") == []
    assert failures(compare(make_reference(), make_reference(8.0e10 * (1 + 5e-6)), "hand"))


def test_alternative_optimum_is_reported_but_not_a_failure():
    fresh = make_reference(objective=8.0e10 * (1 + 1e-10))
    values = fresh["tables"]["capacity"]["values"]
    values["electrolyser|RM|2030"] -= 0.4  # 0.4 GW moved from RM to ZWB at equal cost:
    values["electrolyser|ZWB|2030"] += 0.4  # national total, headline and objective unchanged
    diffs = compare(make_reference(), fresh, "hand")
    assert failures(diffs) == []
    assert {(d.quantity, d.index, d.severity) for d in diffs} == {
        ("capacity", "technology=electrolyser cluster=RM year=2030", ALTERNATIVE),
        ("capacity", "technology=electrolyser cluster=ZWB year=2030", ALTERNATIVE),
    }
    rm = next(d for d in diffs if "RM" in d.index)
    assert rm.old == 1.0 and rm.new == pytest.approx(0.6) and rm.rel_change == pytest.approx(-0.4)


def test_unmet_moved_between_clusters_is_an_alternative_optimum():
    fresh = make_reference()
    values = fresh["tables"]["unmet"]["values"]
    values["hydrogen|RM|2035"] += 2.0
    values["hydrogen|NN|2035"] -= 2.0
    diffs = compare(make_reference(), fresh, "hand")
    assert len(diffs) == 2 and all(d.severity == ALTERNATIVE for d in diffs)


def test_cluster_change_with_a_new_national_total_fails():
    fresh = make_reference()
    fresh["tables"]["capacity"]["values"]["offshore_wind|NN|2035"] += 1.0  # not moved: added
    diffs = compare(make_reference(), fresh, "hand")
    assert [(d.quantity, d.index) for d in failures(diffs)] == [
        ("capacity", "technology=offshore_wind cluster=NN year=2035")
    ]


def test_cluster_move_with_a_changed_objective_fails():
    fresh = make_reference(objective=8.0e10 * 1.002)
    values = fresh["tables"]["capacity"]["values"]
    values["electrolyser|RM|2030"] -= 0.4
    values["electrolyser|ZWB|2030"] += 0.4
    diffs = compare(make_reference(), fresh, "hand")
    assert {d.quantity for d in failures(diffs)} == {"objective_eur", "capacity"}
    assert not [d for d in diffs if d.severity == ALTERNATIVE]


def test_fingerprint_change_fails():
    fresh = make_reference()
    fresh["fingerprint"]["constraints"]["limit"] += 1
    fresh["fingerprint"]["n_constraints"] += 1
    diffs = compare(make_reference(), fresh, "hand")
    assert {(d.quantity, d.index) for d in failures(diffs)} == {
        ("fingerprint.constraints", "family=limit"),
        ("fingerprint.n_constraints", ""),
    }


def test_new_constraint_family_and_nonzeros_fail():
    fresh = make_reference()
    fresh["fingerprint"]["constraints"]["ramp"] = 10
    fresh["fingerprint"]["nonzeros"]["balance"] = 2401
    diffs = compare(make_reference(), fresh, "hand")
    named = {(d.quantity, d.index, d.old, d.new) for d in failures(diffs)}
    assert ("fingerprint.constraints", "family=ramp", None, 10) in named
    assert ("fingerprint.nonzeros", "family=balance", 2400, 2401) in named


def test_national_aggregates_fail_beyond_both_tolerances():
    fresh = make_reference()
    fresh["headline"]["2030"]["unmet"]["hydrogen"] += 0.3  # 1 % of 30 TWh
    fresh["headline"]["2035"]["unmet"]["hydrogen"] += 5e-5  # below the absolute tolerance
    fresh["headline"]["2035"]["emission_gap_mt"] = 0.01  # from zero: absolute rules
    fresh["tables"]["emissions"]["values"]["2035"] = 20.5
    diffs = compare(make_reference(), fresh, "hand")
    assert {(d.quantity, d.index) for d in failures(diffs)} == {
        ("unmet (national)", "carrier=hydrogen year=2030"),
        ("emission_gap_mt (national)", "year=2035"),
        ("emissions (national)", "year=2035"),
    }


#: national tables compared value by value: dims, units, a value changed beyond both
#: tolerances (key, old, new) and one changed within them (key, old); path_rule_value, domestic
#: 2050: 328.8 EUR/MWh at the old vertex against 52.4 one-sided
NATIONAL_CASES = {
    "grid_supply_by_step": (
        ["grid_step", "year"],
        "TWh",
        ("dispatchable|2030", 10.0, 11.0),
        ("renewable_surplus|2030", 20.0),
    ),
    "scope2_emissions": (["year"], "Mt", ("2035", 2.0, 2.5), ("2030", 3.7)),
    "path_rule_value": (
        ["path_rule", "year"],
        "EUR/MWh",
        ("h2_domestic_min_share|2050", 52.385, 328.8),
        ("h2_domestic_min_share|2045", 118.99),
    ),
}


@pytest.mark.parametrize("name", sorted(NATIONAL_CASES))
def test_national_tables_are_compared_value_by_value(name):
    """Grid supply by step, scope 2 (national aggregates of the power system) and the path
    rules' values (one-sided, so the same at every vertex): a change beyond both tolerances
    fails, named by its index; one within them (5e-5 on a value above 1) passes."""
    dims, units, (changed, old, new), (kept, value) = NATIONAL_CASES[name]
    ref = make_reference()
    ref["tables"][name] = {"dims": dims, "units": units, "values": {changed: old, kept: value}}
    fresh = json.loads(json.dumps(ref))
    fresh["tables"][name]["values"][changed] = new
    fresh["tables"][name]["values"][kept] = value + 5e-5
    diffs = compare(ref, fresh, "hand")
    index = " ".join(f"{d}={k}" for d, k in zip(dims, changed.split("|"), strict=True))
    assert {(d.quantity, d.index) for d in failures(diffs)} == {(f"{name} (national)", index)}


def test_missing_year_and_status_fail():
    fresh = make_reference()
    del fresh["headline"]["2035"]
    fresh["status"] = "time_limit"
    diffs = compare(make_reference(), fresh, "hand")
    quantities = {d.quantity for d in failures(diffs)}
    assert "status" in quantities and "electrolysis_gw (national)" in quantities
    gone = next(d for d in diffs if d.quantity == "electrolysis_gw (national)")
    assert gone.new is None and gone.rel_change == math.inf


def test_changed_input_hash_is_info_only():
    fresh = make_reference()
    fresh["metadata"]["input_sha256"] = "def"
    diffs = compare(make_reference(), fresh, "hand")
    assert [(d.quantity, d.severity) for d in diffs] == [("metadata.input_sha256", INFO)]


def test_differences_are_sorted_by_size():
    fresh = make_reference(objective=8.0e10 * 1.001)  # +0.1 %
    fresh["headline"]["2030"]["unmet"]["co2"] = 3.0  # +100 %
    fresh["headline"]["2035"]["unmet"]["electricity"] = 1.0  # from 0: new
    fresh["fingerprint"]["variables"]["flow"] = 1260  # +5 %
    fresh["metadata"]["input_sha256"] = "def"  # not numeric
    diffs = compare(make_reference(), fresh, "hand")
    assert [d.quantity for d in diffs] == [
        "unmet (national)",
        "unmet (national)",
        "fingerprint.variables",
        "objective_eur",
        "metadata.input_sha256",
    ]
    assert diffs[0].index == "carrier=electricity year=2035"


def test_tolerance_needs_both_bounds_exceeded():
    tol = Tolerance(rel=1e-6, abs=1e-4)
    assert not tol.differs(0.0, 5e-5)  # absolute bound not exceeded
    assert tol.differs(0.0, 2e-4)
    assert not tol.differs(1000.0, 1000.0005)  # 5e-4 > abs, but 5e-7 relative
    assert tol.differs(1000.0, 1000.002)
    assert TOLERANCES["objective"].rel == 1e-6


# -- run_check / npvi check end to end ---------------------------------------------------------


def test_update_without_reason_is_bad_input_before_solving(tmp_path):
    with pytest.raises(InputError, match="--reason"):
        run_check([ROOT / "scenarios" / "base.yaml"], tmp_path, update=True, reason="  ")
    assert not list(tmp_path.iterdir())


def test_shipped_scenarios_skip_scratch_files(tmp_path):
    for name in ("a.yaml", "_scratch.yaml", "b.yml.bak"):
        (tmp_path / name).write_text("")
    assert [p.name for p in shipped_scenarios(tmp_path)] == ["a.yaml"]


def npvi(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "npvi_model.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture()
def small_project(tmp_path):
    """base.yaml + domestic.yaml + a 2-year, 2-day child in tmp_path; a copy of data/."""
    for name in ("base.yaml", "domestic.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    (tmp_path / "small.yaml").write_text(
        "extends: domestic.yaml\nname: small\nyears: [2025, 2030]\ntime: {typical_days: 2}\n"
    )
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def test_check_cli_bad_input(small_project):
    no_ref = npvi(
        "check", "small.yaml", "--reference", "ref", "--data-dir", "data", cwd=small_project
    )
    assert no_ref.returncode == 2, no_ref.stdout + no_ref.stderr
    assert "no reference file" in no_ref.stderr and "--update" in no_ref.stderr
    no_reason = npvi("check", "small.yaml", "--reference", "ref", "--update", cwd=small_project)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    assert not (small_project / "ref").exists()


@pytest.mark.scenario
def test_check_side_by_side_matches_one_after_another(small_project):
    """Two scenarios: references written one after another (jobs 1), then checked side by side
    in two worker processes (jobs 2): every value matches. With an infeasible scenario among
    them (`scenario_texts.INFEASIBLE`: the wind roadmap must be built but no wind may land),
    the solver's error comes back from its worker (status infeasible) and nothing is written."""
    (small_project / "late.yaml").write_text(
        "extends: small.yaml\nname: late\nparameters: {offshore_wind_delay_years: 2}\n"
    )
    files = [small_project / "small.yaml", small_project / "late.yaml"]
    ref, data = small_project / "ref", small_project / "data"
    made = run_check(files, ref, update=True, reason="one after another", data_dir=data, jobs=1)
    assert made.ok and sorted(made.updated) == ["late", "small"]
    again = run_check(files, ref, data_dir=data, jobs=2, report_path=small_project / "two.md")
    assert again.ok and not again.differences, again.markdown
    (small_project / "infeasible.yaml").write_text(INFEASIBLE)
    with pytest.raises(SolveError) as failed:
        run_check(
            [*files, small_project / "infeasible.yaml"],
            ref,
            data_dir=data,
            jobs=2,
            allow_missing_reference=True,
            report_path=small_project / "three.md",
        )
    assert failed.value.status == "infeasible"
    assert not (small_project / "three.md").exists()


@pytest.mark.scenario
def test_check_end_to_end_detects_a_changed_input(small_project):
    common = ("small.yaml", "--reference", "ref", "--data-dir", "data")
    made = npvi(
        "check",
        *common,
        "--update",
        "--reason",
        "first reference",
        "--report",
        "update.md",
        cwd=small_project,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    reference = json.loads((small_project / "ref" / "small.json").read_text())
    assert reference["scenario"] == "small" and set(reference["headline"]) == {"2025", "2030"}
    assert reference["fingerprint"]["n_nonzeros"] > reference["fingerprint"]["n_constraints"]
    changelog = (small_project / "ref" / "CHANGELOG.md").read_text()
    assert "| small | first reference | new reference" in changelog

    same = npvi("check", *common, "--report", "same.md", cwd=small_project)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "# Regression check: OK" in (small_project / "same.md").read_text()

    # the national electrolyser build pace before 2031 cut by 0.2 GW/yr: less electrolysis in
    # service nationally by 2030 (a committed project elsewhere would only shift the builds
    # between clusters while the national pace binds)
    limits_csv = small_project / "data" / "national_build_limits.csv"
    limits = pd.read_csv(limits_csv)
    row = limits[(limits.technology == "electrolyser")].sort_values("from_year").index[0]
    limits.loc[row, "max_new_per_year"] -= 0.2
    limits.to_csv(limits_csv, index=False)

    changed = npvi("check", *common, "--report", "changed.md", cwd=small_project)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    report = (small_project / "changed.md").read_text()
    failing = report.split("## FAIL", 1)[1].split("## ", 1)[0]
    for text in (changed.stdout, failing):
        assert "electrolysis_gw (national)" in text
        assert "objective_eur" in text
    assert "| small | capacity | technology=electrolyser cluster=RM year=2030 |" in failing
    assert "metadata.input_sha256" in report  # the changed input is named as info
    old = reference["headline"]["2030"]["electrolysis_gw"]
    assert f"| small | electrolysis_gw (national) | year=2030 | {old:.10g} |" in failing
    # the reference itself is untouched by a check without --update
    assert json.loads((small_project / "ref" / "small.json").read_text()) == reference


@pytest.mark.scenario
def test_shipped_scenarios_match_reference(shipped_results):
    report = shipped_results["report"]
    assert len(report.scenarios) == len(shipped_scenarios(ROOT / "scenarios"))
    folders = shipped_results["folders"]
    assert set(folders) == set(report.scenarios) == set(shipped_results["scenarios"])
    assert all(
        (folder / "results.nc").is_file() and folder.parent == shipped_results["results_dir"]
        for folder in folders.values()
    )
    if not report.ok:
        pytest.fail(
            "scenario outputs differ from tests/reference (update with `npvi check "
            "--update --reason ...` if intended):\n\n" + report.markdown,
            pytrace=False,
        )


def test_reference_files_exist_for_every_shipped_scenario():
    """Cheap guard (no solve): every shipped scenario has a reference in the current format."""
    for path in shipped_scenarios(ROOT / "scenarios"):
        name = resolve(path).scenario.name
        ref = ROOT / "tests" / "reference" / f"{name}.json"
        assert ref.is_file(), f"{ref} missing: run `npvi check {path} --update --reason ...`"
        data = json.loads(ref.read_text())
        assert data["format"] == 1 and data["status"] == "optimal" and data["scenario"] == name
        assert data["fingerprint"]["n_nonzeros"] > data["fingerprint"]["n_constraints"] > 0
