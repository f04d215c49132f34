"""`npvi compare`, `npvi report` and `npvi check`: the commands that read result folders or
re-solve against the references (the command bodies; `cli.py` registers them)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from npvi_model.cli_common import (
    FORCE_HELP,
    check_output,
    console,
    err_console,
    fail_input,
    fail_interrupted,
    interrupt_code,
    option_problem,
    require_results,
)
from npvi_model.errors import InputError, SolveError


def compare(
    folders: list[Path] = typer.Argument(..., help="result folders"),
    out: Path = typer.Option(Path("results/comparison"), help="folder for the CSV tables"),
    wide: bool = typer.Option(False, "--wide", help="print tables wider than 80 columns"),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
) -> None:
    """Compare runs: access timeline, targets, bottlenecks, no-regret set, vollooprisico."""
    from npvi_model import analysis

    try:
        check_output(out, "comparison", force, folders)
        require_results(folders)
        datasets = [analysis.load_results(d) for d in analysis.find_result_dirs(folders)]
        tables = analysis.comparison_tables(datasets)  # once: written, then printed
        written = analysis.write_comparison(folders, out, force=force, tables=tables)
    except InputError as err:
        fail_input(err)
    except KeyboardInterrupt:
        fail_interrupted("nothing half-written was left")
    shown = Console(width=max(console.width, 200)) if wide else console
    analysis.print_comparison(tables, shown)
    console.print(f"[green]wrote[/green] {len(written)} tables to {out}", highlight=False)


def report(
    folders: list[Path] = typer.Argument(..., help="result folders"),
    out: Path = typer.Option(Path("results/report"), help="folder for figures and report.html"),
    lang: str = typer.Option("en", help="language of the report: en or nl"),
    svg: bool = typer.Option(False, "--svg", help="also write every figure as SVG"),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    sweep: list[Path] = typer.Option(None, help="sweep folders (npvi sweep --out) to add"),
) -> None:
    """Write a self-contained HTML report (key messages first) and its figures (PNG)."""
    from npvi_model.report import build_report

    if lang not in ("en", "nl"):
        fail_input(InputError([option_problem("--lang", lang, "expected 'en' or 'nl'")]))
    try:
        check_output(out, "report", force, folders)
        require_results(folders)
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
        fail_input(err)
    except KeyboardInterrupt:
        fail_interrupted("nothing half-written was left")
    console.print(f"[green]wrote[/green] {path}", highlight=False, soft_wrap=True)


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
        fail_input(err)
    except SolveError as err:
        err_console.print(f"[red]solver: {err.status}[/red] {err}", highlight=False)
        raise typer.Exit(interrupt_code() if err.status == "interrupted" else 3) from None
    except KeyboardInterrupt:
        fail_interrupted("references unchanged")
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
    console.print(f"wrote {report_path}", highlight=False, soft_wrap=True)
    if update:
        console.print(
            f"[green]updated[/green] {len(result.updated)} references in {reference} "
            f"and {reference / 'CHANGELOG.md'}",
            highlight=False,
        )
        return
    if not result.ok:
        raise typer.Exit(1)
