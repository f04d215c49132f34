"""The `npvi` command line: validate, run, compare, report, check, and data helpers.

This module holds the app, the small commands and the entry point; `cli_run.py` holds `run`,
`cli_results.py` compare, report and check, `cli_common.py` what they share.

Exit codes: 0 success; 1 a regression check found differences; 2 bad input; 3 the solver did
not reach an optimal solution; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from npvi_model.cli_common import (
    SET_HELP,
    console,
    err_console,
    fail_input,
    fail_interrupted,
    interrupt_code,
    is_day_count,
    on_sigterm,
    option_problem,
    overrides,
    terminated,
)
from npvi_model.errors import InputError

# the names other modules and scripts use
_fail_input, _fail_interrupted, _interrupt_code = fail_input, fail_interrupted, interrupt_code
_on_sigterm, _overrides, _is_day_count, _option_problem = (
    on_sigterm,
    overrides,
    is_day_count,
    option_problem,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="npvi-model: confront industrial energy demand with supply, 2025-2050.",
)


def _version(value: bool) -> None:
    if value:
        from npvi_model import __version__

        console.print(f"npvi-model {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _every_command(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Runs before every command: SIGTERM is handled like Ctrl-C (see `_on_sigterm`)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, _on_sigterm)
    ):
        signal.signal(signal.SIGTERM, _on_sigterm)


def validate(
    files: list[Path] = typer.Argument(..., help="scenario YAML files"),
    data_dir: Path = typer.Option(None, help="data folder (default: the project's data/)"),
    allow_outside_extends: bool = typer.Option(
        False, "--allow-outside-extends", help="allow extends outside the folder"
    ),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
) -> None:
    """Validate scenarios and the data they use; exit 2 with one line per problem."""
    from npvi_model.data_io import default_data_dir
    from npvi_model.inputs import build_inputs
    from npvi_model.scenario import resolve

    overrides = _overrides(set_)
    problems = []
    for path in files:
        try:
            resolved = resolve(path, allow_outside=allow_outside_extends, overrides=overrides)
            build_inputs(resolved, data_dir or default_data_dir())
            console.print(f"[green]ok[/green] {path}", highlight=False, soft_wrap=True)
        except InputError as err:
            problems += err.problems
    if problems:
        _fail_input(InputError(problems))


def sweep(
    sweep_file: Path = typer.Argument(..., help="sweep YAML file (see docs/sweeps.md)"),
    workers: int = typer.Option(None, help="local worker processes (default: one per core)"),
    scheduler: str = typer.Option(None, help="address of an existing Dask scheduler"),
    out: Path = typer.Option(None, help="output folder (default: results/sweeps/<name>)"),
    resume: bool = typer.Option(False, help="continue a sweep: skip finished samples"),
    hours: str = typer.Option(None, help="'full' or a number of representative days"),
    data_dir: Path = typer.Option(None, help="data folder (default: the project's data/)"),
) -> None:
    """Solve every variant of a sweep on Dask; write sweep.nc and sweep.csv."""
    from npvi_model.sweep.cli_progress import run_with_progress

    if hours is not None and hours != "full" and not (hours.isdigit() and 1 <= int(hours) <= 365):
        _fail_input(
            InputError(
                [_option_problem("--hours", hours, "expected 'full' or a number of days 1-365")]
            )
        )
    if workers is not None and workers < 1:
        _fail_input(InputError([_option_problem("--workers", str(workers), "expected >= 1")]))
    try:
        outcome = run_with_progress(
            console, sweep_file, out, workers, scheduler, resume, hours, data_dir
        )
    except InputError as err:
        _fail_input(err)
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/red]: finished samples are kept; use --resume")
        raise typer.Exit(130) from None
    if outcome.failed:
        raise typer.Exit(3)


def derive_demand(data_dir: Path = typer.Option(None, help="data folder")) -> None:
    """Rebuild data/demand_baseline.csv from the CES anchors and check the published totals."""
    from npvi_model import derive_demand as dd
    from npvi_model.data_io import default_data_dir

    folder = data_dir or default_data_dir()
    try:
        path = dd.write_baseline_demand(folder)
    except InputError as err:
        _fail_input(err)
    console.print(f"wrote {path}", soft_wrap=True)
    failed = False
    for check in dd.check_published_totals(folder):
        mark = "[green]ok[/green]" if check.ok else "[red]FAIL[/red]"
        failed |= not check.ok
        console.print(
            f"{mark} {check.quantity} {check.year}: derived {check.derived:.1f} vs "
            f"published {check.published:.1f} {check.unit} "
            f"({check.rel_deviation:+.0%}, tolerance {check.tolerance_rel:.0%})"
        )
    if failed:
        raise typer.Exit(1)


#: the line every file `npvi docs` writes carries (its own files may be replaced)
DOCS_SIGNATURE = "Generated by `npvi docs`"


def docs(out: Path = typer.Option(Path("docs"), help="folder for the generated docs")) -> None:
    """Write docs/data_dictionary.md and docs/outputs.md from the code that defines them."""
    from npvi_model import outputs, tables
    from npvi_model.generated_files import check_replaceable, write_whole

    texts = {"data_dictionary.md": tables.markdown(), "outputs.md": outputs.markdown()}
    try:  # both files are checked before either is written
        for name in texts:
            check_replaceable(out / name, lambda text: DOCS_SIGNATURE in text, "npvi docs")
    except InputError as err:
        _fail_input(err)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        write_whole(out / name, text)
    console.print(f"wrote {out / 'data_dictionary.md'} and {out / 'outputs.md'}", soft_wrap=True)


cache_app = typer.Typer(
    no_args_is_help=True, help="the basis cache: where it is, and clearing it (see README)"
)


@cache_app.command("path")
def cache_path() -> None:
    """Print the basis cache folder ($NPVI_CACHE_DIR, else $XDG_CACHE_HOME/npvi-model/bases,
    else ~/.cache/npvi-model/bases) and how many entries it holds."""
    from npvi_model import basis_cache

    folder = basis_cache.cache_dir()
    entries = [p for p in folder.glob("*.npz") if basis_cache.ENTRY.match(p.name)]
    console.print(f"{folder} ({len(entries)} entries)", highlight=False, soft_wrap=True)


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every stored basis (only the files the cache wrote; the folder stays)."""
    from npvi_model import basis_cache

    removed = basis_cache.clear()
    console.print(
        f"removed {len(removed)} entries from {basis_cache.cache_dir()}",
        highlight=False,
        soft_wrap=True,
    )


def _register_commands() -> None:
    """Every command, in the order `npvi --help` lists them; the bodies of run, compare,
    report, check and robust live in their own modules."""
    from npvi_model import cli_results, cli_run
    from npvi_model.robust.command import robust

    for name, command in (
        ("validate", validate),
        ("run", cli_run.run),
        ("compare", cli_results.compare),
        ("report", cli_results.report),
        ("check", cli_results.check),
        ("sweep", sweep),
        ("derive-demand", derive_demand),
        ("docs", docs),
        ("robust", robust),
    ):
        app.command(name)(command)
    app.add_typer(cache_app, name="cache")


_register_commands()


def main() -> None:  # pragma: no cover - console entry (`npvi`)
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except KeyboardInterrupt:
        word = "terminated (SIGTERM)" if terminated() else "interrupted"
        err_console.print(f"[red]{word}[/red]: nothing half-written was left", highlight=False)
        sys.exit(_interrupt_code())


if __name__ == "__main__":  # pragma: no cover
    main()
