"""HiGHS options of a scenario: an allow-list checked against HiGHS's own option table.

A scenario's `solver.options` are passed to HiGHS by name, but only after three checks, made at
scenario validation time (`npvi validate`, and before any solve):
- the name is a HiGHS option (HiGHS's `getOptionType`; an unknown name gets a did-you-mean hint);
- it is not an option that reads or writes files (`log_file`, `solution_file`,
  `write_model_to_file`, `read_basis_file`, ...): npvi writes only its own result folders;
  nor one npvi sets itself (`time_limit`: use `solver.time_limit_s`; `threads`: use
  `solver.threads`; `solver`: use `solver.algorithm`);
- the value has the option's type (bool, integer, number or text) and HiGHS accepts it: each
  value is set on a scratch HiGHS instance and the status HiGHS returns is checked, so ranges
  (e.g. `primal_feasibility_tolerance` > 0) and the allowed words of text options are HiGHS's own.

`apply_options(highs, options)` sets options on a real `highspy.Highs` and raises InputError on
any status other than OK; the solve stage uses it (or Pyomo's `solver_options`, after this check).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from npvi_model.errors import InputError, Problem, did_you_mean

#: options npvi sets from other scenario keys
OWNED_BY_NPVI = {
    "time_limit": "set solver.time_limit_s instead (the one way to limit time)",
    "threads": "set solver.threads instead",
    "solver": "set solver.algorithm instead",
}
#: the only options that may name a file are refused; matched by these name parts
FILE_WORDS = ("file", "write_", "read_", "glpsol")
#: options npvi itself manages for the log (`--tee`)
LOG_OPTIONS = ("output_flag", "log_to_console", "log_dev_level")


def _highs():  # noqa: ANN202 - highspy.Highs, imported lazily (it loads the HiGHS library)
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)  # no "ERROR: unknown option" on the console
    highs.setOptionValue("log_to_console", False)
    return highs


def _option_names(highs) -> list[str]:  # noqa: ANN001
    options = highs.getOptions()
    return [n for n in dir(options) if not n.startswith("_")]


def is_file_option(name: str) -> bool:
    return any(word in name for word in FILE_WORDS)


def option_problems(options: Mapping[str, Any]) -> dict[str, str]:
    """{option name: what is wrong} for every option HiGHS or npvi would not accept."""
    import highspy

    if not options:
        return {}
    highs = _highs()
    kinds = highspy.HighsOptionType
    problems: dict[str, str] = {}
    for name, value in options.items():
        name = str(name)
        if name in OWNED_BY_NPVI:
            problems[name] = f"not allowed in solver.options: {OWNED_BY_NPVI[name]}"
            continue
        if is_file_option(name):
            problems[name] = (
                "not allowed: HiGHS options that read or write files are refused "
                "(npvi writes only its result folders)"
            )
            continue
        if name in LOG_OPTIONS:
            problems[name] = "not allowed: the HiGHS log is shown with `npvi run --tee`"
            continue
        status, kind = highs.getOptionType(name)
        if status != highspy.HighsStatus.kOk:
            hint = did_you_mean(name, _option_names(highs))
            problems[name] = f"unknown HiGHS option{hint}"
            continue
        expected = {
            kinds.kBool: ("true or false", lambda v: isinstance(v, bool)),
            kinds.kInt: (
                "an integer",
                lambda v: isinstance(v, int) and not isinstance(v, bool),
            ),
            kinds.kDouble: (
                "a number",
                lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            ),
            kinds.kString: ("text", lambda v: isinstance(v, str)),
        }[kind]
        if not expected[1](value):
            problems[name] = f"value {value!r}: expected {expected[0]}"
            continue
        if kind == kinds.kDouble:
            value = float(value)
        if highs.setOptionValue(name, value) != highspy.HighsStatus.kOk:
            problems[name] = (
                f"value {value!r}: refused by HiGHS (outside its range or allowed values)"
            )
    return problems


def check_options(options: Mapping[str, Any], file: str = "scenario") -> None:
    """Raise InputError with one problem per bad option, each naming `file` and the key."""
    problems = option_problems(options)
    if problems:
        raise InputError(
            [Problem(file, f"solver.options.{name}", msg) for name, msg in problems.items()]
        )


def highs_options(config) -> dict:  # noqa: ANN001 - scenario.SolverConfig
    """The HiGHS options of a scenario: algorithm, then the (checked) verbatim options."""
    options: dict = {"solver": config.algorithm, "log_to_console": False, "output_flag": False}
    if config.algorithm == "ipm":
        options["run_crossover"] = "on"  # a basic solution: vertex values and clean duals
    options.update(config.options)
    return options


def apply_options(highs, options: Mapping[str, Any]) -> None:  # noqa: ANN001
    """Set each option on a `highspy.Highs`; raise InputError naming the first option whose
    status is not OK (HiGHS refused the name, type or value)."""
    import highspy

    for name, value in options.items():
        status = highs.setOptionValue(name, value)
        if status != highspy.HighsStatus.kOk:
            raise InputError(
                [
                    Problem(
                        "solver options",
                        str(name),
                        f"value {value!r}: HiGHS returned {status.name} when setting it",
                    )
                ]
            )
