"""What every `npvi` command shares: the consoles, bad input as exit 2 with one line per
problem, and Ctrl-C / SIGTERM as exit 130 / 143 with a message.

Exit codes: 0 success; 1 a regression check found differences; 2 bad input; 3 the solver did
not reach an optimal solution; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from npvi_model.errors import InputError, Problem

console = Console(stderr=False)
err_console = Console(stderr=True)

SET_HELP = "change a scenario value, e.g. --set parameters.discount_rate=0.05 (repeatable)"
FORCE_HELP = "replace an npvi-made folder of another kind (never a folder npvi did not make)"


def fail_input(err: InputError) -> None:
    """Print one line per problem and exit 2."""
    for problem in err.problems:
        err_console.print(
            f"[red]error[/red] {escape(str(problem))}", markup=True, highlight=False, soft_wrap=True
        )
    raise typer.Exit(2)


def overrides(items: list[str] | None) -> dict:
    """The `--set KEY=VALUE` options as a nested dict (exit 2 on a bad one)."""
    from npvi_model.scenario import parse_set_options

    try:
        return parse_set_options(items or [])
    except InputError as err:
        fail_input(err)
        raise  # pragma: no cover - fail_input exits


def is_day_count(text: str) -> bool:
    """True for plain ASCII digits 1-365 ('²' and other Unicode digits are refused)."""
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 365


def option_problem(option: str, value: str, expected: str) -> Problem:
    return Problem("command line", option, f"value {value!r}: {expected}")


def check_output(out: Path, kind: str, force: bool, inputs: list[Path]) -> None:
    from npvi_model.output_dirs import check_output_dir

    check_output_dir(out, kind, force, inputs)


def require_results(folders: list[Path]) -> None:
    """Every folder is a result folder whose results.nc opens (not truncated, empty or some
    other NetCDF file); else InputError naming each bad one."""
    from npvi_model.results_io import check_results_file

    problems = [p for f in folders for p in check_results_file(f)]
    if problems:
        raise InputError(problems)


_terminated = False


def on_sigterm(signum, frame) -> None:  # noqa: ANN001
    """SIGTERM is handled like Ctrl-C: the work stops, staging folders are removed, and the
    command exits 143 with a message."""
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


def terminated() -> bool:
    """True once SIGTERM arrived (then an interruption exits 143, else 130)."""
    return _terminated


def interrupt_code() -> int:
    return 143 if _terminated else 130


def fail_interrupted(what: str) -> None:
    word = "terminated (SIGTERM)" if _terminated else "interrupted"
    err_console.print(f"[red]{word}[/red]: {what}", highlight=False)
    raise typer.Exit(interrupt_code())
