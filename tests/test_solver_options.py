"""Solver options are an allow-list checked against HiGHS's own option table
(`npvi_model.solver_options`); the bad-input corpus covers the command-line messages."""

from __future__ import annotations

import highspy
import pytest

from npvi_model.errors import InputError
from npvi_model.scenario import SolverConfig
from npvi_model.solver_options import (
    apply_options,
    check_options,
    highs_options,
    is_file_option,
    option_problems,
)


def test_algorithm_and_tolerance_options_pass():
    good = {
        "presolve": "off",
        "primal_feasibility_tolerance": 1e-8,
        "dual_feasibility_tolerance": 1,  # an integer is a fine number
        "simplex_strategy": 4,
        "run_crossover": "on",
        "random_seed": 7,
    }
    assert option_problems(good) == {}
    check_options(good)  # no exception


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"time_limt": 5}, "did you mean 'time_limit'?"),
        ({"simplex_iteration_limit": 1.5}, "expected an integer"),
        ({"simplex_iteration_limit": True}, "expected an integer"),
        ({"primal_feasibility_tolerance": "small"}, "expected a number"),
        ({"mip_detect_symmetry": 1}, "expected true or false"),
        ({"presolve": 1}, "expected text"),
        ({"primal_feasibility_tolerance": -1.0}, "refused by HiGHS"),
        ({"simplex_strategy": 99}, "refused by HiGHS"),
        ({"presolve": "maybe"}, "refused by HiGHS"),
        ({"time_limit": 5}, "solver.time_limit_s"),
        ({"threads": 2}, "solver.threads"),
        ({"solver": "ipm"}, "solver.algorithm"),
        ({"output_flag": True}, "--tee"),
    ],
)
def test_bad_options_are_named(options, fragment):
    problems = option_problems(options)
    assert list(problems) == list(options)
    assert fragment in next(iter(problems.values()))
    with pytest.raises(InputError) as info:
        check_options(options, "s.yaml")
    assert str(info.value.problems[0]).startswith(f"s.yaml [solver.options.{next(iter(options))}]")


def test_every_file_option_of_highs_is_refused():
    """Every option in HiGHS's table whose name mentions a file, or reading or writing, is
    refused: none can send output anywhere on disk."""
    names = [n for n in dir(highspy.Highs().getOptions()) if not n.startswith("_")]
    file_like = [n for n in names if "file" in n or n.startswith(("write_", "read_"))]
    assert {"log_file", "solution_file", "write_model_to_file", "write_solution_to_file"} <= set(
        file_like
    )
    for name in file_like:
        assert is_file_option(name), name
        assert "read or write files" in option_problems({name: "x"})[name]


def test_highs_options_of_a_scenario():
    options = highs_options(SolverConfig(algorithm="ipm", options={"presolve": "off"}))
    assert options["solver"] == "ipm" and options["run_crossover"] == "on"
    assert options["presolve"] == "off" and options["output_flag"] is False


def test_apply_options_checks_each_status():
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    apply_options(highs, {"presolve": "off", "primal_feasibility_tolerance": 1e-8})
    assert highs.getOptionValue("presolve")[-1] == "off"
    with pytest.raises(InputError, match="primal_feasibility_tolerance"):
        apply_options(highs, {"primal_feasibility_tolerance": -1.0})
    with pytest.raises(InputError, match="no_such_option"):
        apply_options(highs, {"no_such_option": 1})
