"""The pipeline, one stage after another: resolve -> inputs -> time slices -> build -> compile ->
hand-off -> solve -> extract -> write, all before the write inside the run's time budget
(`budget.py`). `run_scenario` is what `npvi run` calls for each scenario file; `--hours full`
goes through `full_hourly.py` (two steps) unless `time.full_hourly: direct`.
"""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyomo.environ as pyo
import xarray as xr

import npvi_model
from npvi_model.budget import TimeBudget
from npvi_model.data_io import default_data_dir
from npvi_model.errors import SolveError
from npvi_model.extract import extract
from npvi_model.extract_gaps import national_gaps, path_rule_rows
from npvi_model.handoff import CompiledLP, compile_lp
from npvi_model.inputs import build_inputs
from npvi_model.model import build_model
from npvi_model.model.tie_breaks import discounted_tie_break_meur
from npvi_model.results_io import write_results
from npvi_model.scenario import ResolvedScenario, resolve
from npvi_model.solve import solve_within
from npvi_model.timeslices import reduce_time


def prepare(
    resolved: ResolvedScenario, data_dir: Path | None = None, hours: str | None = None
) -> xr.Dataset:
    """Inputs after time reduction, for a resolved scenario (`hours`: None, 'full' or a number
    of representative days)."""
    scenario = resolved.scenario
    inputs = build_inputs(resolved, data_dir or default_data_dir())
    resolution, days = scenario.time.resolution, scenario.time.typical_days
    if hours == "full":
        resolution = "full"
    elif hours is not None:
        text = str(hours)
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 365):
            from npvi_model.errors import InputError, Problem

            raise InputError(
                [Problem("hours", "", f"value {hours!r}: expected 'full' or days 1-365")]
            )
        resolution, days = "representative", int(text)
    return reduce_time(inputs, resolution, days)


#: above this many constraints the non-zero count (a standard-form compile) is skipped when the
#: model is not compiled anyway (the `pyomo` solver interface)
NONZERO_COUNT_MAX_CONSTRAINTS = 1_000_000


def model_fingerprint(model: pyo.ConcreteModel, compiled: CompiledLP | None = None) -> dict:
    """Counts of variables, constraints and non-zeros per family (component), and in total.

    Non-zeros come from `compiled` (the matrix the solver gets, so no second compile); without
    it the model is compiled here if it has at most NONZERO_COUNT_MAX_CONSTRAINTS rows.
    Variables fixed while building (constants: no column in the LP) are not counted."""
    variables = {
        v.local_name: sum(not x.fixed for x in v.values())
        for v in model.component_objects(pyo.Var, active=True)
    }
    constraints = {
        c.local_name: len(c) for c in model.component_objects(pyo.Constraint, active=True)
    }
    out = {
        "variables": dict(sorted(variables.items())),
        "constraints": dict(sorted(constraints.items())),
        "n_variables": sum(variables.values()),
        "n_constraints": sum(constraints.values()),
    }
    if compiled is None and out["n_constraints"] <= NONZERO_COUNT_MAX_CONSTRAINTS:
        compiled = compile_lp(model)
    if compiled is not None:
        out["nonzeros"] = compiled.nonzeros_per_family()
        out["n_nonzeros"] = compiled.n_nonzeros
    return out


def versions() -> dict:
    from importlib.metadata import version

    import highspy

    return {
        "npvi_model": npvi_model.__version__,
        "pyomo": pyo.__version__ if hasattr(pyo, "__version__") else version("pyomo"),
        "highspy": version("highspy"),
        "xarray": xr.__version__,
        "python": platform.python_version(),
        "highs": getattr(highspy, "__version__", version("highspy")),
    }


def solve_scenario(
    resolved: ResolvedScenario,
    data_dir: Path | None = None,
    hours: str | None = None,
    progress: Callable[[str], None] | None = None,
    tee: bool = False,
    budget: TimeBudget | None = None,
    warm_starts: dict | None = None,
    basis_cache: bool = True,
) -> tuple[xr.Dataset, dict]:
    """Run every stage but the write; return the results and the summary.

    `budget`: the run's wall-clock budget (default: the scenario's `time_limit_s` from now);
    every stage up to the extract runs inside it. `warm_starts`: a dict shared by the scenarios
    of one command, holding the optimal basis (a handoff.WarmStart) of each scenario solved so
    far by name and of the last one as `"last"`; the model starts from the basis named by
    `solver.warm_start_from`, else from the last when `solver.warm_start` is on (mapped by
    variable and constraint name). This scenario's basis is added.
    `basis_cache`: False keeps the basis cache off whatever `solver.basis_cache` says (the
    regression check and `--no-cache` solve cold)."""
    say = progress or (lambda _msg: None)
    config = resolved.scenario.solver
    budget = budget or TimeBudget(config.time_limit_s)
    t0 = time.perf_counter()
    full = hours == "full" or (hours is None and resolved.scenario.time.resolution == "full")
    full_report = None
    if full and resolved.scenario.time.full_hourly == "two_step" and config.interface == "direct":
        from npvi_model.full_hourly import solve_two_step

        ds, inputs, result, timing, full_report = solve_two_step(
            resolved,
            lambda h: prepare(resolved, data_dir, h),
            budget,
            say,
            tee,
            workers=resolved.scenario.time.full_hourly_workers,
        )
        fingerprint = full_report.pop("fingerprint_of_one_dispatch_year")
        tie_break_meur = full_report.pop("tie_break_meur")
        timing["solve"] = sum(timing.get(k, 0.0) for k in ("compile", "handoff", "highs", "load"))
        warm = None
        cache_state = "off"
    else:
        use_cache = basis_cache and config.basis_cache and config.interface == "direct"
        ds, inputs, result, timing, fingerprint, warm, tie_break_meur = _solve_one(
            resolved, data_dir, hours, say, tee, budget, warm_starts, use_cache
        )
        cache_state = result.basis_cache
    if not math.isfinite(result.objective_meur):
        raise SolveError(
            "numerical",
            f"the objective is {result.objective_meur} (not a finite number): some input is "
            "far out of range; nothing was written",
        )
    timing["total"] = time.perf_counter() - t0
    meta = {
        "scenario": resolved.scenario.name,
        "description": resolved.scenario.description,
        "resolved_scenario": resolved.scenario.model_dump_json(),
        "scenario_files": json.dumps(resolved.files),
        "provenance": json.dumps(resolved.provenance),
        "data_overrides_applied": inputs.attrs["data_overrides_applied"],
        "input_sha256": inputs.attrs["input_sha256"],
        "versions": json.dumps(versions()),
        "solver_options": json.dumps(result.options),
        "solver_status": result.status,
        "solver_termination": result.termination,
        "objective_eur": (result.objective_meur - tie_break_meur) * 1e6,
        "tie_break_cost_eur": tie_break_meur * 1e6,
        "objective_with_tie_breaks_eur": result.objective_meur * 1e6,
        "time_resolution": inputs.attrs["time_resolution"],
        "n_slices": int(inputs.sizes["slice"]),
        "green_access_threshold": float(inputs.attrs["green_access_threshold"]),
        "model_fingerprint": json.dumps(fingerprint),
    }
    ds.attrs.update(meta)
    summary = make_summary(ds, timing, fingerprint)
    if full_report is not None:
        summary["full_hourly"] = full_report
    summary["solver"] = {
        "interface": config.interface,
        "iterations": result.iterations,
        "warm_start": warm is not None and cache_state in ("off", "miss"),
        "basis_cache": cache_state,
    }
    return ds, summary


def _solve_one(resolved, data_dir, hours, say, tee, budget, warm_starts, use_cache=False):
    """One LP: inputs, build, compile, hand-off, HiGHS, extract, each inside the budget."""
    config = resolved.scenario.solver
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    say("loading data")
    with budget.guard("loading the inputs"):
        inputs = prepare(resolved, data_dir, hours)
    timing["inputs"] = time.perf_counter() - t0
    say(f"building the model ({inputs.sizes['slice']} slices x {inputs.sizes['year']} years)")
    t1 = time.perf_counter()
    with budget.guard("building the model"):
        model = build_model(inputs)
    timing["build"] = time.perf_counter() - t1
    compiled = None
    if config.interface == "direct":
        with budget.guard("compiling the model"):
            compiled = compile_lp(model)
        timing["compile"] = compiled.seconds
    with budget.guard("counting the model"):
        fingerprint = model_fingerprint(model, compiled)
    warm = None
    if warm_starts is not None and config.interface == "direct":
        warm = warm_starts.get(config.warm_start_from) if config.warm_start_from else None
        if warm is None and config.warm_start:
            warm = warm_starts.get("last")
    say(
        f"solving ({fingerprint['n_variables']} variables, {fingerprint['n_constraints']} "
        "constraints" + (", warm start)" if warm is not None else ")")
    )
    result, solve_timing = solve_within(
        budget,
        "the model",
        model,
        config,
        tee=tee,
        compiled=compiled,
        warm_basis=warm,
        basis_cache=use_cache,
        relax_rows=path_rule_rows(model),
        cache_label=resolved.scenario.name,
    )
    if warm_starts is not None and result.basis is not None:
        warm_starts["last"] = warm_starts[resolved.scenario.name] = result.basis
    timing.update(solve_timing)
    timing["solve"] = result.solve_seconds + timing.get("compile", 0.0)
    say("extracting results")
    t2 = time.perf_counter()
    with budget.guard("extracting the results"):
        ds = extract(model, inputs, result.duals)
        tie_break_meur = discounted_tie_break_meur(model)
    timing["extract"] = time.perf_counter() - t2
    return ds, inputs, result, timing, fingerprint, warm, tie_break_meur


def make_summary(ds: xr.Dataset, timing: dict, fingerprint: dict) -> dict:
    """Headline figures per year, as summary.json gives them."""
    years = {}
    for y in ds.year.values:
        cap = ds["capacity"].sel(year=y).sum("cluster")
        years[str(int(y))] = {
            "unmet": {
                c: float(ds["unmet"].sel(carrier=c, year=y).sum()) for c in ds.carrier.values
            },
            **national_gaps(ds, y),
            "emissions_mt": float(ds["emissions"].sel(year=y)),
            "emission_gap_mt": float(ds["emission_gap"].sel(year=y)),
            "electrolysis_gw": float(
                cap.sel(technology=["electrolyser", "offshore_electrolysis"]).sum()
            ),
            "offshore_wind_gw": float(
                cap.sel(technology=["offshore_wind", "offshore_electrolysis"]).sum()
            ),
            **_power_system_summary(ds, y),
        }
    return {
        "scenario": ds.attrs["scenario"],
        "status": ds.attrs["solver_status"],
        "objective_eur": ds.attrs["objective_eur"],
        "tie_break_cost_eur": ds.attrs.get("tie_break_cost_eur", 0.0),
        "units": {
            "unmet": "TWh (electricity, hydrogen), Mt (co2)",
            "delivery_gap": "TWh (electricity, hydrogen), Mt (co2); null in a cost-only solve",
            "cost_gap": "EUR/MWh (electricity, hydrogen), EUR/t (co2); green minus fossil route",
            "emissions_mt": "Mt CO2",
            "electrolysis_gw": "GW electricity input",
            "offshore_wind_gw": "GW, industry share incl. offshore electrolysis",
            "grid_supply_twh": "TWh by supply step of the power system",
            "grid_price_eur_per_mwh": "EUR/MWh, mean / min / max over the hours of the year",
            "scope2_mt": "Mt CO2 of grid electricity (power sector, not in emissions_mt)",
        },
        "years": years,
        "timing_s": {k: round(v, 3) for k, v in timing.items()},
        "model": fingerprint,
        "metadata": {
            k: ds.attrs[k]
            for k in (
                "input_sha256",
                "versions",
                "solver_options",
                "solver_status",
                "time_resolution",
                "n_slices",
            )
        },
        "resolved_scenario": json.loads(ds.attrs["resolved_scenario"]),
    }


def _power_system_summary(ds: xr.Dataset, year) -> dict:
    """Grid supply by step, the hourly grid price (weighted mean, min, max) and scope 2."""
    price = ds["grid_price"].sel(year=year).values
    weight = ds["slice_weight_h"].values
    return {
        "grid_supply_twh": {
            str(s): float(ds["grid_supply_by_step"].sel(grid_step=s, year=year))
            for s in ds.grid_step.values
        },
        "grid_price_eur_per_mwh": {
            "mean": float((price * weight).sum() / weight.sum()),
            "min": float(price.min()),
            "max": float(price.max()),
        },
        "scope2_mt": float(ds["scope2_emissions"].sel(year=year)),
    }


def run_scenario(
    path: Path,
    out_dir: Path,
    data_dir: Path | None = None,
    hours: str | None = None,
    allow_outside: bool = False,
    progress: Callable[[str], None] | None = None,
    tee: bool = False,
    warm_starts: dict | None = None,
    overrides: dict | None = None,
    force: bool = False,
    basis_cache: bool = True,
) -> Path:
    """Resolve (with `overrides`, see `scenario.resolve`), solve and write one scenario;
    return its result folder.

    The output folders are checked before the solve (`output_dirs`): a dangerous `out_dir`
    costs no solve time. The scenario's `time_limit_s` bounds everything before the write
    (see `budget.py`), counted from the start of this scenario. `basis_cache=False` solves
    without the basis cache (`--no-cache`)."""
    start = time.perf_counter()
    resolved = resolve(path, allow_outside=allow_outside, overrides=overrides)
    check_run_output(Path(out_dir), [resolved.scenario.name], force)
    budget = TimeBudget(resolved.scenario.solver.time_limit_s)
    budget.start = start  # the budget counts from the start of this scenario, resolve included
    t0 = time.perf_counter()
    ds, summary = solve_scenario(
        resolved,
        data_dir,
        hours,
        progress,
        tee,
        budget=budget,
        warm_starts=warm_starts,
        basis_cache=basis_cache,
    )
    t_write = time.perf_counter()

    def finish(summary: dict) -> None:
        summary["timing_s"]["write"] = round(time.perf_counter() - t_write, 3)
        summary["timing_s"]["total"] = round(time.perf_counter() - t0, 3)

    return write_results(Path(out_dir), ds, summary, force=force, finish_summary=finish)


def check_run_output(out_dir: Path, names: Sequence[str], force: bool = False) -> None:
    """Raise InputError unless `out_dir` may hold result folders and each `<out_dir>/<name>`
    may be (re)written; creates nothing."""
    from npvi_model.output_dirs import check_output_dir, check_run_parent
    from npvi_model.results_io import SCENARIO_KIND

    check_run_parent(out_dir)
    for name in names:
        check_output_dir(Path(out_dir) / name, SCENARIO_KIND, force)


def run_scenarios(paths: Sequence[Path], out_dir: Path, **kwargs) -> list[Path]:
    """Run several scenarios one after another (each starting from the previous optimal basis
    when its `solver.warm_start` is on); return their result folders."""
    warm_starts: dict = kwargs.pop("warm_starts", {})
    return [run_scenario(Path(p), Path(out_dir), warm_starts=warm_starts, **kwargs) for p in paths]
