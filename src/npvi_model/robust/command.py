"""`npvi robust SCENARIO...`: options, input checks (exit 2, one line each, nothing written),
the solve, the write, and the terminal summary."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from npvi_model.errors import InputError, Problem, SolveError

console = Console()
err_console = Console(stderr=True)


def parse_weights(text: str | None, names: list[str]) -> dict[str, float] | None:
    """'0.5,0.3,0.2' (in scenario order) or 'domestic=0.5,reduced_base=0.5' -> weights."""
    if not text:
        return None

    def bad(expected: str) -> InputError:
        return InputError([Problem("command line", "--weights", f"value {text!r}: {expected}")])

    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        if all("=" in p for p in parts):
            weights = {k.strip(): float(v) for k, v in (p.split("=", 1) for p in parts)}
        else:
            weights = dict(zip(names, (float(p) for p in parts), strict=True))
    except ValueError:
        raise bad(f"expected {len(names)} numbers or name=number pairs for {names}") from None
    if set(weights) != set(names):
        raise bad(f"expected a weight for each of {names}")
    if any(not w >= 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise bad("expected non-negative weights with a positive sum")
    return weights


def prepare_paths(files, data_dir, hours, allow_outside) -> tuple[dict, object]:
    """Resolve and prepare every scenario (all checked before any solve); return the inputs
    by scenario name and the first scenario's solver settings."""
    from npvi_model.pipeline import prepare
    from npvi_model.scenario import resolve

    problems, inputs, solver = [], {}, None
    for path in files:
        try:
            resolved = resolve(path, allow_outside=allow_outside)
            name = resolved.scenario.name
            if name in inputs:
                problems.append(Problem(str(path), "name", f"value {name!r}: used twice"))
                continue
            inputs[name] = prepare(resolved, data_dir, hours)
            solver = solver or resolved.scenario.solver
        except InputError as err:
            problems += err.problems
    if len(files) < 2:
        problems.append(Problem("command line", "SCENARIO", "expected at least two scenarios"))
    if problems:
        raise InputError(problems)
    return inputs, solver


def robust(
    files: list[Path] = typer.Argument(..., help="scenario YAML files (the paths)"),
    decide_until: int = typer.Option(2030, help="last build year decided now (stage 1)"),
    weights: str = typer.Option(None, help="'0.5,0.3,0.2' or 'name=0.5,...' (default equal)"),
    objective: str = typer.Option("expected", help="'expected' or 'minmax-regret'"),
    out: Path = typer.Option(Path("results"), help="output folder; writes <out>/robust/"),
    hours: str = typer.Option(None, help="number of representative days (default: scenario's)"),
    method: str = typer.Option("ef", help="'ef' extensive form, or 'ph' progressive hedging"),
    ranks: int = typer.Option(2, min=1, help="MPI ranks for --method ph"),
    vss: bool = typer.Option(True, help="solve the mean-value problem for the VSS"),
    data_dir: Path = typer.Option(None, help="data folder (default: the project's data/)"),
    allow_outside_extends: bool = typer.Option(False, help="allow extends outside the folder"),
    tee: bool = typer.Option(False, help="show the HiGHS log"),
    force: bool = typer.Option(False, help="replace an npvi folder of another kind at robust/"),
) -> None:
    """One no-regret plan for the builds up to --decide-until, shared by all paths."""
    from npvi_model.robust.evaluate import robust_plan
    from npvi_model.robust.extensive import OBJECTIVES
    from npvi_model.robust.results import check_robust_out, write_robust

    try:
        if objective not in OBJECTIVES:
            expected = f"expected one of {', '.join(OBJECTIVES)}"
            raise InputError([Problem("command line", "--objective", f"{objective!r}: {expected}")])
        if hours is not None and not (hours.isdigit() and 1 <= int(hours) <= 365):
            expected = "expected a number of representative days 1-365"
            raise InputError([Problem("command line", "--hours", f"{hours!r}: {expected}")])
        check_robust_out(out, force)
        inputs, solver = prepare_paths(files, data_dir, hours, allow_outside_extends)
        w = parse_weights(weights, list(inputs))
        with console.status("robust: starting") as status:
            try:
                outcome = robust_plan(
                    inputs,
                    decide_until=decide_until,
                    weights=w,
                    objective=objective,
                    solver=solver,
                    value_of_stochastic_solution=vss,
                    method=method,
                    ranks=ranks,
                    progress=lambda msg: status.update(f"robust: {msg}"),
                    tee=tee,
                )
            except ValueError as err:
                option = "--decide-until" if "model year" in str(err) else "--method"
                raise InputError([Problem("command line", option, str(err))]) from None
        folder = write_robust(out, outcome, force)
    except InputError as err:
        for problem in err.problems:
            err_console.print(f"[red]error[/red] {escape(str(problem))}", highlight=False)
        raise typer.Exit(2) from None
    except SolveError as err:
        if err.status == "interrupted":
            _interrupted()
        err_console.print(f"[red]solver: {err.status}[/red] {escape(str(err))}", highlight=False)
        raise typer.Exit(3) from None
    except RuntimeError as err:  # progressive hedging's MPI processes failed
        err_console.print(f"[red]solver: error[/red] {escape(str(err))}", highlight=False)
        raise typer.Exit(3) from None
    except KeyboardInterrupt:
        _interrupted()
    console.print(f"[green]solved[/green] robust plan -> {folder}", highlight=False)
    print_summary(outcome)


def _interrupted() -> None:
    """Ctrl-C (exit 130) or SIGTERM (exit 143), as every npvi command."""
    from npvi_model.cli import _fail_interrupted

    _fail_interrupted("nothing half-written was left")


def print_summary(outcome) -> None:
    """Costs and regret per path, EVPI and VSS (bn EUR, discounted)."""
    table = Table(title=f"robust plan ({outcome.objective}), builds up to {outcome.decide_until}")
    for col in ("path", "weight", "own optimum", "under plan", "regret"):
        table.add_column(col, justify="left" if col == "path" else "right")
    for s in outcome.names:
        table.add_row(
            s,
            f"{outcome.weights[s]:.2f}",
            f"{outcome.own_cost_meur[s] / 1e3:,.2f}",
            f"{outcome.robust_cost_meur[s] / 1e3:,.2f}",
            f"{outcome.regret_meur[s] / 1e3:,.3f}",
        )
    console.print(table)
    built = [(k, v) for k, v in outcome.plan.items() if v > 1e-6]
    if built:
        plan = Table(title=f"stage-1 plan: new capacity by {outcome.decide_until}, every path")
        for col in ("asset", "build year", "new capacity", "unit"):
            plan.add_column(col, justify="left" if col == "asset" else "right")
        for (asset, year), value in built:
            unit = outcome.asset_info.get(asset, {}).get("unit", "")
            plan.add_row(asset, str(year), f"{value:,.3f}", unit)
        console.print(plan)
    else:
        console.print(f"stage-1 plan: no new capacity by {outcome.decide_until}", highlight=False)
    vss = "n/a" if outcome.vss_meur is None else f"{outcome.vss_meur / 1e3:,.3f}"
    console.print(
        f"bn EUR, discounted. EVPI {outcome.evpi_meur / 1e3:,.3f}; VSS {vss}", highlight=False
    )
