"""`npvi run`: check every scenario and the output folder, solve the scenarios (side by side
in worker processes with `--jobs`, see `parallel_runs.py`), print a headline table per path.

Exit codes as every npvi command (`cli_common`); with several scenarios solved side by side,
a scenario that fails does not stop the others, and the command exits with the code of the
first failing scenario in the order given (2 bad input, 3 not optimal)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from npvi_model.cli_common import (
    SET_HELP,
    console,
    err_console,
    fail_input,
    fail_interrupted,
    interrupt_code,
    is_day_count,
    option_problem,
    overrides,
)
from npvi_model.errors import InputError, Problem, SolveError


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
    jobs: int = typer.Option(
        None,
        "--jobs",
        help="scenarios solved side by side in worker processes (default: usable cores, "
        "at most one per scenario and per GB of free memory; 1: one after another)",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="do not use the basis cache (every solve starts cold)"
    ),
) -> None:
    """Solve scenarios and write one result folder per scenario."""
    from npvi_model.headline import headline_tables, run_targets
    from npvi_model.pipeline import check_run_output
    from npvi_model.results_io import load_summary

    if hours is not None and hours != "full" and not is_day_count(hours):
        fail_input(
            InputError(
                [option_problem("--hours", hours, "expected 'full' or a number of days 1-365")]
            )
        )
    if jobs is not None and jobs < 1:
        fail_input(InputError([option_problem("--jobs", str(jobs), "expected >= 1")]))
    set_values = overrides(set_)
    options = {
        "data_dir": data_dir,
        "hours": hours,
        "allow_outside": allow_outside_extends,
        "tee": tee,
        "overrides": set_values,
        "force": force,
        "basis_cache": not no_cache,
    }
    try:
        # check every scenario and the output folders before solving any: bad input writes
        # nothing and costs no solve time
        resolved = _check_scenarios(files, options)
        check_run_output(out, [r.scenario.name for r in resolved], force)
        n_jobs = _jobs(jobs, resolved, hours)
        starts = _without_cached(starts_from(resolved), resolved, options["basis_cache"])
        if n_jobs > 1:
            folders = _run_side_by_side(files, out, n_jobs, options, starts)
        else:
            folders = _run_one_after_another(files, out, options, solving_order(starts))
    except InputError as err:
        fail_input(err)
    except SolveError as err:
        _print_solve_error(err)
        raise typer.Exit(interrupt_code() if err.status == "interrupted" else 3) from None
    except KeyboardInterrupt:
        fail_interrupted("nothing half-written was left")
    for folder in folders:
        _print_headline(load_summary(folder))
    if folders:
        for table in headline_tables(
            [load_summary(f) for f in folders], [run_targets(f) for f in folders], wide=wide
        ):
            console.print(table)


def _check_scenarios(files: list[Path], options: dict) -> list:
    """Resolve every scenario (and, with several, build its inputs); InputError naming every
    problem, also two scenarios of the same name (they would write the same folder)."""
    from npvi_model.scenario import resolve

    resolved, problems = [], []
    for path in files:
        try:
            one = resolve(
                path, allow_outside=options["allow_outside"], overrides=options["overrides"]
            )
            resolved.append(one)
            if len(files) > 1:
                from npvi_model.data_io import default_data_dir
                from npvi_model.inputs import build_inputs

                build_inputs(one, options["data_dir"] or default_data_dir())
        except InputError as err:
            problems += err.problems
    seen: dict[str, Path] = {}
    for path, one in zip(files, resolved, strict=False) if not problems else ():
        name = one.scenario.name
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
        raise InputError(problems)
    return resolved


def _jobs(jobs: int | None, resolved: list, hours: str | None) -> int:
    """Worker processes for this run: 1 for one scenario or when a warm start needs the
    scenarios one after another (said on the console); else `--jobs` or the default."""
    from npvi_model.parallel_runs import default_jobs

    if len(resolved) < 2 or jobs == 1:
        return 1
    warm = [r.scenario.name for r in resolved if r.scenario.solver.warm_start]
    if warm:
        console.print(
            f"solver.warm_start is on ({', '.join(warm)}): solving the scenarios one after another",
            highlight=False,
        )
        return 1
    if jobs is not None:
        return min(jobs, len(resolved))
    return default_jobs(len(resolved), max(_slices(r, hours) for r in resolved))


def starts_from(resolved: list) -> list[int | None]:
    """For each scenario, the position of the scenario of this run that its
    `solver.warm_start_from` names, or None: no name, a name not in this run, or a chain of
    names that leads back to the scenario itself (each of a cycle then starts cold)."""
    position = {r.scenario.name: i for i, r in enumerate(resolved)}
    named = [position.get(r.scenario.solver.warm_start_from) for r in resolved]
    out = []
    for i, source in enumerate(named):
        seen, step = set(), source
        while step is not None and step != i and step not in seen:
            seen.add(step)
            step = named[step]
        out.append(None if step == i else source)
    return out


def _without_cached(starts: list[int | None], resolved: list, cache_on: bool) -> list:
    """`starts` without the waits of scenarios that have their own basis in the cache (a near
    entry, `basis_cache.py`): they start from it at once rather than after their source."""
    from npvi_model.solve import has_cached_start

    def own(r) -> bool:
        config = r.scenario.solver
        usable = cache_on and config.basis_cache and config.interface == "direct"
        return usable and has_cached_start(config, r.scenario.name)

    return [None if s is not None and own(r) else s for s, r in zip(starts, resolved, strict=True)]


def solving_order(starts: list[int | None]) -> list[int]:
    """Positions in the order given, except that a scenario comes after the one it starts
    from (`starts_from`, which has no cycles)."""
    order: list[int] = []

    def place(i: int) -> None:
        if i in order:
            return
        if starts[i] is not None:
            place(starts[i])
        order.append(i)

    for i in range(len(starts)):
        place(i)
    return order


def _slices(resolved, hours: str | None) -> int:
    """Time slices per year of a scenario at the run's resolution (for the memory cap)."""
    time_cfg = resolved.scenario.time
    if hours == "full" or (hours is None and time_cfg.resolution == "full"):
        return 8760
    return 24 * (int(hours) if hours is not None else time_cfg.typical_days)


def _run_one_after_another(
    files: list[Path], out: Path, options: dict, order: list[int] | None = None
) -> list[Path]:
    """Solve the scenarios in `order` (positions in `files`; default as given); return their
    folders in the order of `files`."""
    from npvi_model.pipeline import run_scenario

    order = list(range(len(files))) if order is None else order
    folders: dict[int, Path] = {}
    warm_starts: dict = {}  # every optimal basis so far, by scenario name, and the last one
    for k, position in enumerate(order, start=1):
        path = files[position]
        prefix = f"{k} of {len(files)}: {path.name}"
        started = time.monotonic()
        with console.status(f"{prefix}: starting") as status:
            folder = run_scenario(
                path,
                out,
                progress=lambda msg, p=prefix, t0=started: status.update(
                    f"{p}: {msg} ({time.monotonic() - t0:.0f} s)"
                ),
                warm_starts=warm_starts,
                **options,
            )
        console.print(
            f"[green]solved[/green] {prefix} in {time.monotonic() - started:.0f} s -> {folder}",
            highlight=False,
            soft_wrap=True,  # a long folder name stays on one line (no break inside the path)
        )
        folders[position] = folder
    return [folders[i] for i in range(len(files))]


def _run_side_by_side(
    files: list[Path], out: Path, jobs: int, options: dict, starts: list[int | None]
) -> list[Path]:
    """Solve the scenarios in `jobs` worker processes; progress lines prefixed with each
    scenario's file name; a failing scenario does not stop the others, its error is printed
    and the first failure in file order decides the exit code."""
    from npvi_model.parallel_runs import run_parallel

    n = len(files)
    console.print(f"solving {n} scenarios in {jobs} worker processes", highlight=False)
    started = time.monotonic()
    lines: dict[int, str] = {}
    with console.status(f"starting {jobs} workers") as status:

        def progress(index: int, message: str) -> None:
            lines[index] = f"{files[index].name}: {message} ({time.monotonic() - started:.0f} s)"
            status.update("\n".join(lines[i] for i in sorted(lines)))

        def done(outcome) -> None:
            lines.pop(outcome.index, None)
            status.update("\n".join(lines[i] for i in sorted(lines)) or "finishing")
            prefix = f"{outcome.index + 1} of {n}: {files[outcome.index].name}"
            if outcome.kind == "ok":
                console.print(
                    f"[green]solved[/green] {prefix} in {outcome.seconds:.0f} s -> "
                    f"{outcome.folder}",
                    highlight=False,
                    soft_wrap=True,
                )
            else:
                err_console.print(f"[red]failed[/red] {prefix}", highlight=False)

        outcomes = run_parallel(
            files, out, jobs, options, progress=progress, done=done, starts_from=starts
        )
    failed = [o for o in outcomes if o.kind != "ok"]
    if any(o.kind == "interrupted" for o in failed):
        raise KeyboardInterrupt
    for outcome in failed:
        name = files[outcome.index].name
        if outcome.kind == "input":
            for problem in outcome.problems:
                err_console.print(
                    f"[red]error[/red] {escape(str(problem))}", highlight=False, soft_wrap=True
                )
        else:
            _print_solve_error(
                SolveError(outcome.status, f"{name}: {outcome.message}", outcome.diagnosis)
            )
    if failed:
        raise typer.Exit(2 if failed[0].kind == "input" else 3)
    return [o.folder for o in outcomes]


def _print_solve_error(err: SolveError) -> None:
    err_console.print(
        f"[red]solver: {err.status}[/red] {escape(str(err))}", highlight=False, soft_wrap=True
    )
    for line in err.diagnosis:
        err_console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)


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
