"""The Python API: scenarios from a dict, overrides recorded in provenance, `--set` on the
command line, and Results over a result folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_results import make_three_paths
from typer.testing import CliRunner

import npvi_model
from npvi_model.cli import app
from npvi_model.errors import InputError
from npvi_model.scenario import parse_set_options, resolve, resolve_dict

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_set_options_are_read_as_yaml_values():
    parsed = parse_set_options(
        [
            "parameters.discount_rate=0.05",
            "years=[2030, 2035]",
            "parameters.offshore_wind_roadmap=max",
        ]
    )
    assert parsed == {
        "parameters": {"discount_rate": 0.05, "offshore_wind_roadmap": "max"},
        "years": [2030, 2035],
    }
    with pytest.raises(InputError) as err:
        parse_set_options(["discount_rate 0.05", "=3"])
    assert [p.where for p in err.value.problems] == ["--set", "--set"]


def test_overrides_win_and_are_recorded_in_provenance():
    resolved = resolve(SCENARIOS / "domestic.yaml", overrides={"parameters.discount_rate": 0.05})
    assert resolved.scenario.parameters.discount_rate == 0.05
    assert resolved.provenance["parameters.discount_rate"] == "--set"
    # a value the override does not touch keeps the file that set it
    assert resolved.provenance["parameters.investment_wacc"].endswith("base.yaml")


def test_scenario_from_a_dict_extends_a_file():
    resolved = resolve_dict(
        {"extends": "base.yaml", "name": "mine", "years": [2030, 2035]}, base_dir=SCENARIOS
    )
    assert resolved.scenario.name == "mine"
    assert resolved.scenario.years == [2030, 2035]
    assert resolved.provenance["years"] == "<dict>"
    assert resolved.files[-1] == "<dict>"


def test_bad_dict_value_names_the_key():
    with pytest.raises(InputError) as err:
        resolve_dict({"name": "x", "parameters": {"discount_rate": 3}})
    problem = err.value.problems[0]
    assert problem.file == "<dict>" and problem.where == "parameters.discount_rate"


def test_cli_set_with_a_bad_value_exits_2_with_one_line():
    result = CliRunner().invoke(
        app, ["validate", str(SCENARIOS / "domestic.yaml"), "--set", "parameters.discount_rate=3"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "--set" in lines[0] and "discount_rate" in lines[0]


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and npvi_model.__version__ in result.output


def test_results_answer_the_questions(tmp_path):
    folders = make_three_paths(tmp_path)
    res = npvi_model.load(folders[0])
    assert res.name == "domestic" and res.years == [2025, 2030, 2035, 2050]
    assert set(res.first_access()["carrier"]) == {"electricity", "hydrogen", "co2"}
    assert {"capacity_gw", "target_gw"} <= set(res.capacity_vs_targets().columns)
    questions = [q for q, _ in res.key_messages()]
    assert questions[0] == "Who gets green energy when" and len(questions) == 5
    everything = npvi_model.load_all(tmp_path)
    assert [r.name for r in everything] == ["domestic", "import_intermediates", "reduced_base"]
    assert len(npvi_model.compare(everything)["fit_in_time"]) == 3


def test_run_a_dict_scenario_with_overrides(tmp_path):
    """One model year, one representative day: a small solve that goes through every stage."""
    res = npvi_model.run(
        {"extends": "base.yaml", "name": "tiny", "years": [2030]},
        overrides={"parameters.discount_rate": 0.05},
        hours=1,
        base_dir=SCENARIOS,
        out=tmp_path,
    )
    assert res.name == "tiny" and res.years == [2030]
    assert set(res.gaps()["carrier"]) == {"electricity", "hydrogen", "co2"}
    assert list(res.delivery_fit()["year"]) == [2030]
    assert json.loads(res.ds.attrs["provenance"])["parameters.discount_rate"] == "--set"
    assert (tmp_path / "tiny" / "results.nc").is_file()
    assert npvi_model.load(tmp_path / "tiny").years == [2030]
