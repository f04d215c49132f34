"""Full hourly in two steps (`--hours full` with `time.full_hourly: two_step`, the default):

1. **Plan**: solve the scenario at its representative days (`time.typical_days`): capacities
   cap[a, y] for every asset a and model year y (GW | GWh | Mt/yr).
2. **Dispatch**: for each model year y on its own, the 8760-hour model with
   existing capacity[a, y] = cap[a, y] and no expansion (max_new_capacity = 0), so the only
   decisions are hourly operation. This LP has no investment coupling the days and solves
   faster by interior point with crossover than by simplex (one year, 2030, on the 2-core
   machine under load: 142 s against 346 s), so step 2 uses `ipm` unless the scenario's
   `solver.options` name another `solver`. The years are independent: they are solved in
   `time.full_hourly_workers` processes, by default `auto` = the smallest of the cores this
   process may use, the number of years and the memory available / DISPATCH_YEAR_MEMORY_MB
   (one year at 8760 h peaks at about 1.9 GB in its process, measured); the workers are
   spawned (no memory or HiGHS threads shared with the parent), one year per process (its
   memory goes back to the system at its end), and each year gets what is left of the run's
   budget when it starts.

Where the time of one hourly year goes (domestic 2030: 551,898 variables, 692,065 constraints,
1.67 M non-zeros; quiet 2-core machine, before this version's extract): inputs 1.0 s, Pyomo build
9.5, compile 10.0, hand-off 0.3, HiGHS 28.8, load 0.2, extract 20.4, write 0.5. The extract
read solved values into arrays with a list search per key (`list.index` over 8760 slices, 1.7 M
times); it now places each value by a dict lookup (`extract_prices.indexed_array`), 10x faster
(55 s -> 5.5 s at load 6). The operating and tie-break costs of a year are read from the
extracted costs instead of evaluating the model's cost expressions again, and the dispatch keeps
no named basis (no other model starts from it). Build and compile are Pyomo's own work per
constraint (`model/*.py`, `LinearStandardFormCompiler`) and remain the largest Python stages.
Python's cyclic garbage collector is paused while a year is built, solved and extracted: it
walked the growing model again and again, and the build of one hourly year took 8.5-8.8 s of
CPU with it against 5.0-5.1 s without (measured on the 2-core machine, twice each). A Pyomo
model is cyclic garbage when done (4.6 M objects): in one process, one `gc.collect()` between
years frees it before the next year's build. Measured after (load 1.5-2.9, model before the
leaner LP): one year 51.8 s wall (build 5.3, compile 10.4, HiGHS 28.3, extract 1.7 s), peak
1.9 GB; all seven years with two workers 315 s, peak 3.7 GB for the whole process tree.

Cost of the plan, operated hourly [MEUR, discounted]:

    two-step objective = sum over y of discount weight[y] x (annuities[y] from step 1
                         + fixed O&M[y] + hourly operating cost[y] from step 2)

This plan is feasible for the full-hourly problem, so the two-step objective is an upper bound
of the full-hourly optimum. How far the plan could be from that optimum is reported per year in
`summary.json` under `full_hourly`: the representative-day operating cost against the hourly
one (EUR/yr), and the unmet energy per carrier (TWh, Mt) the representative days did not show
(hourly unmet - representative unmet). The direct full-hourly solve (`time.full_hourly: direct`)
remains available.

The results are the hourly dispatch of every year (concatenated along `year`), with new
capacity and investment annuities taken from step 1.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable

import numpy as np
import pyomo.environ as pyo
import xarray as xr
from pyomo.common.gc_manager import PauseGC

from npvi_model.budget import TimeBudget
from npvi_model.extract import extract
from npvi_model.extract_gaps import path_rule_rows
from npvi_model.handoff import compile_lp
from npvi_model.model import build_model
from npvi_model.model.objective import NOT_SYSTEM_COST
from npvi_model.scenario import ResolvedScenario
from npvi_model.solve import SolveResult, solve_within

#: HiGHS algorithm of the hourly dispatch (step 2), chosen by measurement (module docstring)
DISPATCH_ALGORITHM = "ipm"
#: memory one hourly dispatch year takes at its peak, with margin [MB] (module docstring)
DISPATCH_YEAR_MEMORY_MB = 2048


#: cost components of results.nc that are not operating costs: investment annuities, fixed O&M
#: (new and sunk) and the tie-break cost (not a system cost)
NOT_OPERATING = ("investment_annuity", "fixed_om", "sunk_fixed_om", *NOT_SYSTEM_COST)


def operating_cost_meur(results: xr.Dataset, year: int) -> float:
    """Annual cost of year y without investment annuities and fixed O&M [MEUR/yr, undiscounted]:
    grid electricity, imports, fallback fuel, CO2 price, CO2 transport and storage, penalties.
    Read from the extracted `cost` [EUR/yr] (the model's cost expressions are evaluated once,
    by the extract)."""
    cost = results["cost"].sel(year=year)
    keep = [c for c in cost.cost_component.values if c not in NOT_OPERATING]
    return float(cost.sel(cost_component=keep).sum()) * 1e-6


def discounted_tie_break_meur(results: xr.Dataset, inputs: xr.Dataset) -> float:
    """The tie-break part of the solved objective [MEUR]: sum over years of discount weight x
    tie-break cost, read from the extracted `cost` [EUR/yr] (model/tie_breaks.py)."""
    tie_break = results["cost"].sel(cost_component="tie_break") * 1e-6
    return float((tie_break * inputs["discount_weight"].sel(year=tie_break.year)).sum())


def planned_capacity(model: pyo.ConcreteModel, inputs: xr.Dataset) -> xr.DataArray:
    """Capacity in service per asset and year of the solved plan [GW | GWh | Mt/yr]."""
    assets, years = list(inputs.asset.values), [int(y) for y in inputs.year.values]
    values = np.array([[pyo.value(model.capacity[a, y]) for y in years] for a in assets])
    return xr.DataArray(values, coords={"asset": assets, "year": years}, dims=("asset", "year"))


def dispatch_inputs(full: xr.Dataset, capacity: xr.DataArray, year: int) -> xr.Dataset:
    """The 8760-hour inputs of one year with the planned capacity as existing, no expansion."""
    one = full.sel(year=[year]).copy(deep=True)
    one["existing_capacity"].loc[{"year": year}] = capacity.sel(year=year).values
    one["max_new_capacity"][:] = 0.0
    return one


def _solve(model, config, tee, budget, warm, stage, compiled_out=None, keep_basis=True):
    timing = {}
    with budget.guard(f"compiling the {stage} model"):
        compiled = compile_lp(model)
    timing["compile"] = compiled.seconds
    if compiled_out is not None:
        compiled_out.append(compiled)
    result, solve_timing = solve_within(
        budget,
        f"the {stage} model",
        model,
        config,
        tee=tee,
        compiled=compiled,
        warm_basis=warm,
        keep_basis=keep_basis,
        relax_rows=path_rule_rows(model),
    )
    timing.update(solve_timing)
    return result, timing


def solve_two_step(
    resolved: ResolvedScenario,
    prepare: Callable,
    budget: TimeBudget,
    say: Callable[[str], None],
    tee: bool = False,
    workers: int = 1,
) -> tuple[xr.Dataset, xr.Dataset, SolveResult, dict, dict]:
    """Plan at representative days, then dispatch each year hourly.

    `prepare(hours)`: the scenario's inputs at `hours` ('full' or a number of days).
    `workers`: processes for the yearly dispatches (1: one after another, in this process).
    Returns the combined results, the full-hourly inputs, the plan's SolveResult (objective: the
    two-step objective), the stage timing (s, summed over steps) and the `full_hourly` report
    for summary.json (with the fingerprint of one dispatch year)."""
    config = resolved.scenario.solver
    days = resolved.scenario.time.typical_days
    timing: dict[str, float] = {}

    def add(key: str, seconds: float) -> None:
        timing[key] = timing.get(key, 0.0) + seconds

    t = time.perf_counter()
    say(f"step 1: capacities at {days} representative days")
    with budget.guard("loading the inputs"):
        plan_inputs = prepare(str(days))
        full_inputs = prepare("full")
    add("inputs", time.perf_counter() - t)
    t = time.perf_counter()
    with budget.guard("building the planning model"), PauseGC():
        plan_model = build_model(plan_inputs)
    add("build", time.perf_counter() - t)
    plan, plan_timing = _solve(plan_model, config, tee, budget, None, "planning", keep_basis=False)
    for key, seconds in plan_timing.items():
        add(key, seconds)
    t = time.perf_counter()
    with budget.guard("extracting the plan"):
        plan_ds = extract(plan_model, plan_inputs, plan.duals)
        capacity = planned_capacity(plan_model, plan_inputs)
    add("extract", time.perf_counter() - t)
    years = [int(y) for y in plan_inputs.year.values]
    annuity_meur = {y: pyo.value(plan_model.investment_annuity[y]) for y in years}
    plan_tie_break_meur = discounted_tie_break_meur(plan_ds, plan_inputs)
    # the planning model is not needed any more: free it before the (large) hourly years
    del plan_model
    plan.duals = {}
    gc.collect()  # a Pyomo model is cyclic: freed by the collector only

    dispatch_config = config.model_copy(update={"algorithm": DISPATCH_ALGORITHM})
    jobs = [(y, dispatch_inputs(full_inputs, capacity, y)) for y in years]
    workers = dispatch_workers(workers, len(years))
    say(
        f"step 2: hourly dispatch of {len(years)} year(s) with the planned capacities"
        + (f", {workers} at a time" if workers > 1 else "")
    )
    outcomes = _dispatch_all(jobs, dispatch_config, tee, budget, workers)
    per_year, report_years = [], {}
    objective = 0.0
    for year, out in zip(years, outcomes, strict=True):
        for key, seconds in out["timing"].items():
            add(key, seconds)
        ds = out["results"]
        per_year.append(ds)
        discount = float(plan_inputs.discount_weight.sel(year=year))
        objective += out["objective_meur"] + discount * annuity_meur[year]
        unmet_rep = plan_ds["unmet"].sel(year=year).sum("cluster")
        unmet_hourly = ds["unmet"].sel(year=year).sum("cluster")
        report_years[str(year)] = {
            "operating_cost_representative_eur": operating_cost_meur(plan_ds, year) * 1e6,
            "operating_cost_hourly_eur": out["operating_cost_meur"] * 1e6,
            "unmet_representative": _by_carrier(unmet_rep),
            "unmet_hourly": _by_carrier(unmet_hourly),
            "unmet_missed_by_representative_days": _by_carrier(
                (unmet_hourly - unmet_rep).clip(min=0.0)
            ),
            "iterations": out["iterations"],
        }
    combined = _combine(per_year, plan_ds)
    # objectives without the tie-break costs (as the pipeline reports them for one LP)
    plan_meur = plan.objective_meur - plan_tie_break_meur
    two_step_meur = objective - sum(out["tie_break_meur"] for out in outcomes)
    report = {
        "strategy": "two_step",
        "typical_days": days,
        "representative_objective_eur": plan_meur * 1e6,
        "two_step_objective_eur": two_step_meur * 1e6,
        "relative_difference": (two_step_meur - plan_meur) / abs(plan_meur) if plan_meur else 0.0,
        "note": "two_step_objective_eur is the cost of the plan operated hour by hour: an upper "
        "bound of the full-hourly optimum; units of unmet: TWh (electricity, hydrogen), Mt (co2)",
        "years": report_years,
    }
    plan.objective_meur = objective
    plan.iterations = {
        k: plan.iterations.get(k, 0) + sum(y["iterations"].get(k, 0) for y in report_years.values())
        for k in ("simplex", "ipm", "crossover")
    }
    report["fingerprint_of_one_dispatch_year"] = outcomes[0]["fingerprint"]
    # the tie-break costs inside the dispatch objectives (the pipeline reports the objective
    # without them, as for one LP)
    report["tie_break_meur"] = sum(out["tie_break_meur"] for out in outcomes)
    return combined, full_inputs.sel(year=years), plan, timing, report


def dispatch_year(inputs: xr.Dataset, config, tee: bool, budget: TimeBudget) -> dict:
    """Build, solve and extract one year's hourly dispatch (plan fixed in `inputs`), with
    Python's cyclic garbage collector paused (module docstring: the build takes 40 % less CPU).
    The model is cyclic garbage afterwards: the caller frees it (`gc.collect`, or the end of a
    worker process)."""
    with PauseGC():
        return _dispatch_year(inputs, config, tee, budget)


def _dispatch_year(inputs: xr.Dataset, config, tee: bool, budget: TimeBudget) -> dict:
    from npvi_model.pipeline import model_fingerprint

    year = int(inputs.year.values[0])
    # the hourly dispatch's duals stay those of the vertex HiGHS ends at: the unique-duals step
    # (unique_duals.py) took 11.5 s on the 2030 dispatch, 260 s over seven years, and lifted the
    # peak memory of the seven-year run from 3.35 to 4.5 GB (issue 11's budget: 4 GB)
    config = config.model_copy(update={"dual_headroom": 0.0})
    timing: dict[str, float] = {}
    t = time.perf_counter()
    with budget.guard(f"building the {year} dispatch model"):
        model = build_model(inputs)
    timing["build"] = time.perf_counter() - t
    compiled: list = []
    result, solve_timing = _solve(
        model, config, tee, budget, None, f"{year} dispatch", compiled, keep_basis=False
    )
    timing.update(solve_timing)
    t = time.perf_counter()
    with budget.guard(f"extracting the {year} dispatch"):
        ds = extract(model, inputs, result.duals)
        fingerprint = model_fingerprint(model, compiled[0])
    timing["extract"] = time.perf_counter() - t
    return {
        "results": ds,
        "objective_meur": result.objective_meur,
        "operating_cost_meur": operating_cost_meur(ds, year),
        "tie_break_meur": discounted_tie_break_meur(ds, inputs),
        "iterations": result.iterations,
        "timing": timing,
        "fingerprint": fingerprint,
    }


def dispatch_workers(requested: int | str, n_years: int) -> int:
    """Processes for the yearly dispatches: `requested`, or with 'auto' the smallest of the
    cores this process may use, the number of years and the memory available now divided by
    DISPATCH_YEAR_MEMORY_MB (at least 1)."""
    if requested != "auto":
        return max(1, min(int(requested), n_years))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    by_memory = available_memory_mb() // DISPATCH_YEAR_MEMORY_MB
    return int(max(1, min(cores or 1, n_years, by_memory)))


def available_memory_mb() -> float:
    """MemAvailable of /proc/meminfo [MB]; infinite where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def _dispatch_in_worker(inputs, config, tee, deadline: float, limit_s: float) -> dict:
    """`dispatch_year` in a worker process, with what is left of the run's budget `limit_s` when
    this year starts (`deadline`: the run's end as time.time(), one clock for all processes); a
    SolveError comes back as data (it does not pickle) and is raised again by the parent."""
    from npvi_model.errors import SolveError

    budget = TimeBudget(limit_s)
    budget.start = time.perf_counter() - (limit_s - (deadline - time.time()))
    try:
        return dispatch_year(inputs, config, tee, budget)
    except SolveError as err:
        return {"error": (err.status, str(err), err.diagnosis)}


def _dispatch_all(jobs, config, tee, budget: TimeBudget, workers: int) -> list[dict]:
    """Every year's dispatch, one after another in this process (workers 1) or in `workers`
    fresh processes (spawned: they share no memory or HiGHS threads with this one). A year
    that fails stops the years not yet started."""
    from npvi_model.errors import SolveError

    if workers <= 1 or len(jobs) == 1:
        outcomes = []
        for _, inputs in jobs:
            if outcomes:  # free the previous year's model (cyclic) before building the next
                gc.collect()
            outcomes.append(dispatch_year(inputs, config, tee, budget))
        return outcomes
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    budget.check("starting the dispatch workers")
    deadline = time.time() + budget.remaining()
    context = multiprocessing.get_context("spawn")
    # one year per process: its memory goes back to the system when the year is done
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), mp_context=context, max_tasks_per_child=1
    ) as pool:
        futures = [
            pool.submit(_dispatch_in_worker, inputs, config, tee, deadline, budget.limit_s)
            for _, inputs in jobs
        ]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            failed = [f for f in done if f.exception() is not None or "error" in f.result()]
            if failed:
                for future in pending:
                    future.cancel()
                break
        outcomes = [f.result() if f.done() and not f.cancelled() else None for f in futures]
    for out in outcomes:
        if out is not None and "error" in out:
            raise SolveError(*out["error"])
    return outcomes


def _by_carrier(da: xr.DataArray) -> dict:
    return {str(c): float(da.sel(carrier=c)) for c in da.carrier.values}


def _combine(per_year: list[xr.Dataset], plan: xr.Dataset) -> xr.Dataset:
    """The yearly dispatch results along `year`; new capacity and annuities from the plan."""
    combined = xr.concat(
        per_year,
        dim="year",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        join="outer",  # years may bind different limits: a limit absent in a year reads NaN
    )
    for name in [v for v in combined.data_vars if "year" not in combined[v].dims]:
        combined[name] = per_year[0][name]
    combined["new_capacity"] = plan["new_capacity"]
    combined["cost"].loc[{"cost_component": "investment_annuity"}] = plan["cost"].sel(
        cost_component="investment_annuity"
    )
    combined.attrs = dict(per_year[0].attrs)
    return combined
