"""The `npvi` command line: validate, run, compare, report, check, and data helpers.

Exit codes: 0 success; 1 a regression check found differences; 2 bad input; 3 the solver did
not reach an optimal solution; 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from npvi_model.errors import InputError, Problem, SolveError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="npvi-model: confront industrial energy demand with supply, 2025-2050.",
)
console = Console(stderr=False)
err_console = Console(stderr=True)


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


def _overrides(items: list[str] | None) -> dict:
    from npvi_model.scenario import parse_set_options

    try:
        return parse_set_options(items or [])
    except InputError as err:
        _fail_input(err)
        raise  # pragma: no cover - _fail_input exits


SET_HELP = "change a scenario value, e.g. --set parameters.discount_rate=0.05 (repeatable)"


def _fail_input(err: InputError) -> None:
    for problem in err.problems:
        err_console.print(
            f"[red]error[/red] {escape(str(problem))}", markup=True, highlight=False, soft_wrap=True
        )
    raise typer.Exit(2)


@app.command()
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
            console.print(f"[green]ok[/green] {path}", highlight=False)
        except InputError as err:
            problems += err.problems
    if problems:
        _fail_input(InputError(problems))


@app.command()
def run(
    files: list[Path] = typer.Argument(..., help="scenario YAML files"),
    out: Path = typer.Option(Path("results"), help="output folder"),
    hours: str = typer.Option(None, help="'full' for 8760 h, or a number of representative days"),
    data_dir: Path = typer.Option(None, help="data folder (default: the project's data/)"),
    allow_outside_extends: bool = typer.Option(
        False, "--allow-outside-extends", help="allow extends outside the folder"
    ),
    tee: bool = typer.Option(False, "--tee", help="show the HiGHS log"),
    set_: list[str] = typer.Option(None, "--set", help=SET_HELP),
    wide: bool = typer.Option(
        False, "--wide", help="print the headline table wider than 80 columns"
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="replace npvi-made folders of another kind (never a folder npvi did not make)",
    ),
) -> None:
    """Solve scenarios and write one result folder per scenario."""
    from npvi_model.headline import headline_tables, run_targets
    from npvi_model.pipeline import check_run_output, run_scenario
    from npvi_model.results_io import load_summary

    if hours is not None and hours != "full" and not _is_day_count(hours):
        _fail_input(
            InputError(
                [_option_problem("--hours", hours, "expected 'full' or a number of days 1-365")]
            )
        )
    overrides = _overrides(set_)
    folders = []
    warm_starts: dict = {}  # the last optimal basis: each path starts from the previous one
    try:
        # check every scenario and the output folders before solving any: bad input writes
        # nothing and costs no solve time
        from npvi_model.scenario import resolve

        names, problems = [], []
        for path in files:
            try:
                resolved = resolve(path, allow_outside=allow_outside_extends, overrides=overrides)
                names.append(resolved.scenario.name)
                if len(files) > 1:
                    from npvi_model.data_io import default_data_dir
                    from npvi_model.inputs import build_inputs

                    build_inputs(resolved, data_dir or default_data_dir())
            except InputError as err:
                problems += err.problems
        seen: dict[str, Path] = {}
        for path, name in zip(files, names, strict=False) if not problems else ():
            if name in seen:
                problems.append(
                    Problem(
                        str(path),
                        "name",
                        f"value {name!r}: {seen[name]} has the same name; both would write "
                        f"the folder {name}",
                    )
                )
            seen.setdefault(name, path)
        if problems:
            _fail_input(InputError(problems))
        check_run_output(out, names, force)
        for k, path in enumerate(files, start=1):
            prefix = f"{k} of {len(files)}: {path.name}"
            started = time.monotonic()
            with console.status(f"{prefix}: starting") as status:
                folder = run_scenario(
                    path,
                    out,
                    data_dir=data_dir,
                    hours=hours,
                    allow_outside=allow_outside_extends,
                    progress=lambda msg, p=prefix, t0=started: status.update(
                        f"{p}: {msg} ({time.monotonic() - t0:.0f} s)"
                    ),
                    tee=tee,
                    warm_starts=warm_starts,
                    overrides=overrides,
                    force=force,
                )
            console.print(
                f"[green]solved[/green] {prefix} in {time.monotonic() - started:.0f} s -> {folder}",
                highlight=False,
            )
            folders.append(folder)
    except InputError as err:
        _fail_input(err)
    except SolveError as err:
        err_console.print(
            f"[red]solver: {err.status}[/red] {escape(str(err))}", highlight=False, soft_wrap=True
        )
        for line in err.diagnosis:
            err_console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
        raise typer.Exit(_interrupt_code() if err.status == "interrupted" else 3) from None
    except KeyboardInterrupt:
        _fail_interrupted("nothing half-written was left")
    for folder in folders:
        _print_headline(load_summary(folder))
    if folders:
        for table in headline_tables(
            [load_summary(f) for f in folders], [run_targets(f) for f in folders], wide=wide
        ):
            console.print(table)


def _is_day_count(text: str) -> bool:
    """True for plain ASCII digits 1-365 ('²' and other Unicode digits are refused)."""
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 365


def _option_problem(option: str, value: str, expected: str):
    from npvi_model.errors import Problem

    return Problem("command line", option, f"value {value!r}: {expected}")


def _print_headline(summary: dict) -> None:
    years = summary["years"]
    table = Table(
        title=f"{summary['scenario']}: system cost {summary['objective_eur'] / 1e9:,.1f} "
        "bn EUR (discounted)",
        title_justify="left",
    )
    table.add_column("year")
    for col in (
        "fossil\nelec.\nTWh",
        "fossil\nH2\nTWh",
        "CO2 not\ncaptured\nMt",
        "emis-\nsions\nMt",
        "electro-\nlysis\nGW",
        "offshore\nwind (in-\ndustry) GW",
    ):
        table.add_column(col, justify="right", no_wrap=True)
    for year, v in years.items():
        table.add_row(
            year,
            f"{v['unmet']['electricity']:.1f}",
            f"{v['unmet']['hydrogen']:.1f}",
            f"{v['unmet']['co2']:.2f}",
            f"{v['emissions_mt']:.1f}",
            f"{v['electrolysis_gw']:.2f}",
            f"{v['offshore_wind_gw']:.1f}",
        )
    console.print(table)


_FORCE_HELP = "replace an npvi-made folder of another kind (never a folder npvi did not make)"


@app.command()
def compare(
    folders: list[Path] = typer.Argument(..., help="result folders"),
    out: Path = typer.Option(Path("results/comparison"), help="folder for the CSV tables"),
    wide: bool = typer.Option(False, "--wide", help="print tables wider than 80 columns"),
    force: bool = typer.Option(False, "--force", help=_FORCE_HELP),
) -> None:
    """Compare runs: access timeline, targets, bottlenecks, no-regret set, vollooprisico."""
    from npvi_model import analysis

    try:
        _check_output(out, "comparison", force, folders)
        _require_results(folders)
        datasets = [analysis.load_results(d) for d in analysis.find_result_dirs(folders)]
        tables = analysis.comparison_tables(datasets)  # once: written, then printed
        written = analysis.write_comparison(folders, out, force=force, tables=tables)
    except InputError as err:
        _fail_input(err)
    except KeyboardInterrupt:
        _fail_interrupted("nothing half-written was left")
    shown = Console(width=max(console.width, 200)) if wide else console
    analysis.print_comparison(tables, shown)
    console.print(f"[green]wrote[/green] {len(written)} tables to {out}", highlight=False)


@app.command()
def report(
    folders: list[Path] = typer.Argument(..., help="result folders"),
    out: Path = typer.Option(Path("results/report"), help="folder for figures and report.html"),
    lang: str = typer.Option("en", help="language of the report: en or nl"),
    svg: bool = typer.Option(False, "--svg", help="also write every figure as SVG"),
    force: bool = typer.Option(False, "--force", help=_FORCE_HELP),
    sweep: list[Path] = typer.Option(None, help="sweep folders (npvi sweep --out) to add"),
) -> None:
    """Write a self-contained HTML report (key messages first) and its figures (PNG)."""
    from npvi_model.report import build_report

    if lang not in ("en", "nl"):
        _fail_input(InputError([_option_problem("--lang", lang, "expected 'en' or 'nl'")]))
    try:
        _check_output(out, "report", force, folders)
        _require_results(folders)
        extra = []
        if sweep:
            from npvi_model.errors import Problem
            from npvi_model.sweep.report_section import sweep_report_section

            missing = [
                Problem(str(d), "--sweep", "not a sweep folder (no sweep.nc)")
                for d in sweep
                if not (d / "sweep.nc").is_file()
            ]
            if missing:
                raise InputError(missing)
            extra = [sweep_report_section(d) for d in sweep]
        from npvi_model.robust.report import robust_sections_for

        extra = robust_sections_for(folders) + extra  # `<parent>/robust/` of npvi robust
        path = build_report(folders, out, lang=lang, svg=svg, force=force, extra_sections=extra)
    except InputError as err:
        _fail_input(err)
    except KeyboardInterrupt:
        _fail_interrupted("nothing half-written was left")
    console.print(f"[green]wrote[/green] {path}", highlight=False)


def _check_output(out: Path, kind: str, force: bool, inputs: list[Path]) -> None:
    from npvi_model.output_dirs import check_output_dir

    check_output_dir(out, kind, force, inputs)


def _require_results(folders: list[Path]) -> None:
    """Every folder is a result folder whose results.nc opens (not truncated, empty or some
    other NetCDF file); else InputError naming each bad one."""
    from npvi_model.results_io import check_results_file

    problems = [p for f in folders for p in check_results_file(f)]
    if problems:
        raise InputError(problems)


@app.command()
def check(
    scenarios: list[Path] = typer.Argument(
        None, help="scenario YAML files (default: every scenarios/*.yaml not starting with '_')"
    ),
    reference: Path = typer.Option(Path("tests/reference"), help="folder of the references"),
    update: bool = typer.Option(False, "--update", help="rewrite the references (needs --reason)"),
    reason: str = typer.Option(None, help="one line for tests/reference/CHANGELOG.md"),
    report_path: Path = typer.Option(
        Path("results/check.md"), "--report", help="Markdown diff report"
    ),
    keep_results: Path = typer.Option(None, help="also write the result folders here"),
    data_dir: Path = typer.Option(None, help="data folder (default: the project's data/)"),
) -> None:
    """Re-solve scenarios and compare with the committed references (exit 1 on differences)."""
    from rich.text import Text

    from npvi_model.check import difference_rows, run_check, shipped_scenarios

    files = list(scenarios) if scenarios else shipped_scenarios()
    try:
        if keep_results is not None:  # before any solve: a dangerous folder costs no time
            from npvi_model.output_dirs import check_run_parent

            check_run_parent(keep_results, option="--keep-results")
        with console.status("check: starting") as status:
            result = run_check(
                files,
                reference,
                update=update,
                reason=reason,
                keep_results=keep_results,
                report_path=report_path,
                data_dir=data_dir,
                progress=lambda msg: status.update(msg),
            )
    except InputError as err:
        _fail_input(err)
    except SolveError as err:
        err_console.print(f"[red]solver: {err.status}[/red] {err}", highlight=False)
        raise typer.Exit(_interrupt_code() if err.status == "interrupted" else 3) from None
    except KeyboardInterrupt:
        _fail_interrupted("references unchanged")
    if result.differences:
        ordered = [d for d in result.differences if d.is_failure] + [
            d for d in result.differences if not d.is_failure
        ]
        shown = ordered[:40]
        table = Table(title="differences: failures first, each sorted by size")
        for col in ("scenario", "severity", "quantity", "index", "old", "new", "rel. change"):
            table.add_column(
                col,
                justify="right" if col in ("old", "new", "rel. change") else "left",
                overflow="fold",
            )
        for row in difference_rows(shown):
            style = "red" if row[1] == "FAIL" else None
            table.add_row(*(Text(cell) for cell in row), style=style)
        console.print(table)
        if len(result.differences) > len(shown):
            console.print(
                f"... {len(result.differences) - len(shown)} more in {report_path}", highlight=False
            )
    for name in result.scenarios:
        n_fail = sum(d.is_failure for d in result.differences if d.scenario == name)
        mark = (
            "[green]new reference[/green]"
            if name in result.created
            else "[red]FAIL[/red]"
            if n_fail
            else "[green]match[/green]"
        )
        console.print(
            f"{mark} {name} ({result.seconds.get(name, 0):.0f} s)"
            + (f": {n_fail} failing differences" if n_fail else ""),
            highlight=False,
        )
    console.print(f"wrote {report_path}", highlight=False)
    if update:
        console.print(
            f"[green]updated[/green] {len(result.updated)} references in {reference} "
            f"and {reference / 'CHANGELOG.md'}",
            highlight=False,
        )
        return
    if not result.ok:
        raise typer.Exit(1)


@app.command()
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


@app.command("derive-demand")
def derive_demand(data_dir: Path = typer.Option(None, help="data folder")) -> None:
    """Rebuild data/demand_baseline.csv from the CES anchors and check the published totals."""
    from npvi_model import derive_demand as dd
    from npvi_model.data_io import default_data_dir

    folder = data_dir or default_data_dir()
    path = dd.write_baseline_demand(folder)
    console.print(f"wrote {path}")
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


@app.command("docs")
def docs(out: Path = typer.Option(Path("docs"), help="folder for the generated docs")) -> None:
    """Write docs/data_dictionary.md and docs/outputs.md from the code that defines them."""
    from npvi_model import outputs, tables

    out.mkdir(parents=True, exist_ok=True)
    (out / "data_dictionary.md").write_text(tables.markdown())
    (out / "outputs.md").write_text(outputs.markdown())
    console.print(f"wrote {out / 'data_dictionary.md'} and {out / 'outputs.md'}")


def _register_robust() -> None:
    from npvi_model.robust.command import robust

    app.command("robust")(robust)


_register_robust()


_terminated = False


def _on_sigterm(signum, frame) -> None:  # noqa: ANN001
    """SIGTERM is handled like Ctrl-C: the work stops, staging folders are removed, and the
    command exits 143 with a message."""
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


def _interrupt_code() -> int:
    return 143 if _terminated else 130


def _fail_interrupted(what: str) -> None:
    word = "terminated (SIGTERM)" if _terminated else "interrupted"
    err_console.print(f"[red]{word}[/red]: {what}", highlight=False)
    raise typer.Exit(_interrupt_code())


def main() -> None:  # pragma: no cover - console entry (`npvi`)
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except KeyboardInterrupt:
        word = "terminated (SIGTERM)" if _terminated else "interrupted"
        err_console.print(f"[red]{word}[/red]: nothing half-written was left", highlight=False)
        sys.exit(_interrupt_code())


if __name__ == "__main__":  # pragma: no cover
    main()
