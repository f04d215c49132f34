"""The robust plan and what it is worth: perfect-foresight optima, the extensive form, each path
re-solved under the plan, regret, EVPI and VSS. All money in MEUR, discounted (the objective's
unit); capacities in GW, GWh or Mt/yr.

    own optimum[s]   = min cost of path s alone (perfect foresight; "wait and see")
    robust cost[s]   = min cost of path s with the stage-1 plan fixed at the robust plan
    regret[s]        = robust cost[s] - own optimum[s]              (>= 0)
    EVPI             = sum_s w[s] robust cost[s] - sum_s w[s] own optimum[s]
    EEV              = sum_s w[s] x cost of path s with stage 1 fixed at the plan of the
                       mean-value problem (every input averaged over the paths with weights w)
    VSS              = EEV - sum_s w[s] robust cost[s]

With `--objective expected`, EVPI and VSS are the textbook values (Birge and Louveaux). With
`minmax-regret` they are measured against the minmax-regret plan, so the VSS can be negative:
that plan gives up expected cost to cap the worst regret.
"""

from __future__ import annotations

import math
import resource
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
import xarray as xr

from npvi_model.errors import SolveError
from npvi_model.extract import extract
from npvi_model.extract_gaps import path_rule_rows
from npvi_model.model import build_model
from npvi_model.robust.extensive import ExtensiveFormResult, solve_extensive_form
from npvi_model.robust.scenarios import fix_stage1, stage1_keys, stage1_plan
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve


@dataclass
class RobustOutcome:
    names: list[str]
    weights: dict[str, float]
    decide_until: int
    objective: str
    keys: list[tuple[str, int]]
    plan: dict
    own_plans: dict[str, dict]
    own_cost_meur: dict[str, float]
    robust_cost_meur: dict[str, float]
    regret_meur: dict[str, float]
    evpi_meur: float
    extensive_form: ExtensiveFormResult
    eev_cost_meur: dict[str, float] | None = None
    mean_value_plan: dict | None = None
    vss_meur: float | None = None
    vss_note: str = ""
    under_plan: dict[str, xr.Dataset] = field(default_factory=dict, repr=False)
    asset_info: dict[str, dict] = field(default_factory=dict, repr=False)
    timing_s: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: float = 0.0


def normalised_weights(names, weights: Mapping[str, float] | None) -> dict[str, float]:
    """Weights per path summing to 1; equal when none are given."""
    if not weights:
        return {s: 1.0 / len(names) for s in names}
    total = sum(float(weights[s]) for s in names)
    return {s: float(weights[s]) / total for s in names}


def cost_under_plan(
    model: pyo.ConcreteModel, plan: Mapping, solver: SolverConfig
) -> tuple[float, dict]:
    """Re-solve a path with its stage-1 decisions fixed at `plan`; return its cost [MEUR] and
    the duals, the path rules' as their one-sided values (`one_sided.py`), as in `npvi run`.
    The decisions are freed again afterwards."""
    fix_stage1(model, plan)
    try:
        result = solve(model, solver, relax_rows=path_rule_rows(model))
    finally:
        for k in plan:
            if k in model.BUILD:
                model.new_capacity[k].unfix()
    return float(result.objective_meur), result.duals


def mean_inputs(inputs: Mapping[str, xr.Dataset], weights: Mapping[str, float]):
    """The mean-value problem's inputs: every numeric input averaged over the paths with their
    weights; None when the paths' inputs are not on the same coordinates."""
    datasets = list(inputs.values())
    first = datasets[0]
    for ds in datasets[1:]:
        if set(ds.data_vars) != set(first.data_vars) or any(
            ds.sizes.get(d) != n or not np.array_equal(ds[d].values, first[d].values)
            for d, n in first.sizes.items()
        ):
            return None
    out = first.copy(deep=True)
    for var in first.data_vars:
        if np.issubdtype(first[var].dtype, np.number):
            out[var] = sum(weights[s] * inputs[s][var] for s in inputs)
    out.attrs["scenario"] = "mean_value"
    return out


def _asset_info(inputs: xr.Dataset) -> dict[str, dict]:
    return {
        str(a): {
            "technology": str(inputs.asset_technology.values[i]),
            "location": str(inputs.asset_location.values[i]),
            "unit": str(inputs.asset_unit.values[i]),
        }
        for i, a in enumerate(inputs.asset.values)
    }


def robust_plan(
    inputs: Mapping[str, xr.Dataset],
    decide_until: int = 2030,
    weights: Mapping[str, float] | None = None,
    objective: str = "expected",
    solver: SolverConfig | None = None,
    value_of_stochastic_solution: bool = True,
    extract_results: bool = True,
    method: str = "ef",
    ranks: int = 2,
    ph_settings: dict | None = None,
    progress: Callable[[str], None] | None = None,
    tee: bool = False,
) -> RobustOutcome:
    """Solve the two-stage problem over the paths in `inputs` (name -> prepared inputs).

    `method`: "ef" (the extensive form, one process) or "ph" (progressive hedging over `ranks`
    MPI processes; `expected` objective only)."""
    if method not in ("ef", "ph"):
        raise ValueError(f"method {method!r}: expected 'ef' or 'ph'")
    if method == "ph" and objective != "expected":
        raise ValueError("progressive hedging solves the 'expected' objective only")
    say = progress or (lambda _msg: None)
    solver = solver or SolverConfig()
    names = list(inputs)
    w = normalised_weights(names, weights)
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    models = {s: build_model(inputs[s]) for s in names}
    keys = stage1_keys(list(models.values()), decide_until)
    if not keys:
        raise ValueError(f"no capacity can be built in a model year up to {decide_until}")
    own_cost, own_plans = {}, {}
    for s in names:
        say(f"{s}: perfect-foresight optimum")
        result = solve(models[s], solver)
        own_cost[s] = float(result.objective_meur)
        timing[f"own_optimum_solve_{s}"] = result.solve_seconds
        own_plans[s] = stage1_plan(models[s], keys)
    timing["own_optima"] = time.perf_counter() - t0

    if method == "ph":
        say(f"progressive hedging over {ranks} MPI ranks")
        ef = _progressive_hedging(inputs, keys, w, ranks, ph_settings)
        timing["progressive_hedging"] = ef.solve_seconds
    else:
        say(f"extensive form ({objective}) over {len(names)} paths")
        ef = solve_extensive_form(inputs, keys, w, objective, solver, own_cost, tee=tee)
        timing["extensive_form_build"] = ef.build_seconds
        timing["extensive_form_solve"] = ef.solve_seconds

    t1 = time.perf_counter()
    robust_cost, under_plan = {}, {}
    for s in names:
        say(f"{s}: re-solve under the robust plan")
        robust_cost[s], duals = cost_under_plan(models[s], ef.plan, solver)
        if extract_results:  # the solution under the plan is still loaded in the model
            under_plan[s] = extract(models[s], inputs[s], duals)
    timing["resolve_under_plan"] = time.perf_counter() - t1
    regret = {s: robust_cost[s] - own_cost[s] for s in names}
    if method == "ph":
        ef.objective_meur = sum(w[s] * robust_cost[s] for s in names)
        ef.costs_meur = dict(robust_cost)
    outcome = RobustOutcome(
        names=names,
        weights=w,
        decide_until=decide_until,
        objective=objective,
        keys=keys,
        plan=ef.plan,
        own_plans=own_plans,
        own_cost_meur=own_cost,
        robust_cost_meur=robust_cost,
        regret_meur=regret,
        evpi_meur=sum(w[s] * regret[s] for s in names),
        extensive_form=ef,
        under_plan=under_plan,
        asset_info={a: v for s in reversed(names) for a, v in _asset_info(inputs[s]).items()},
    )
    if value_of_stochastic_solution:
        t2 = time.perf_counter()
        _value_of_stochastic_solution(outcome, inputs, models, solver, say)
        timing["value_of_stochastic_solution"] = time.perf_counter() - t2
    else:
        outcome.vss_note = "not computed (--no-vss)"
    timing["total"] = time.perf_counter() - t0
    outcome.timing_s = {k: round(v, 3) for k, v in timing.items()}
    outcome.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return outcome


def _progressive_hedging(inputs, keys, weights, ranks, settings) -> ExtensiveFormResult:
    """The stage-1 plan by progressive hedging (xbar at convergence); costs are set later from
    the re-solves under the plan."""
    from npvi_model.robust.progressive_hedging import run_with_mpi

    out = run_with_mpi(inputs, keys, weights, ranks=ranks, settings=settings)
    plan = out.pop("plan")
    out["ranks"] = ranks
    return ExtensiveFormResult(
        plan=plan,
        objective_meur=float("nan"),
        costs_meur={},
        build_seconds=0.0,
        solve_seconds=out["seconds"],
        n_variables=0,
        n_constraints=0,
        method="progressive_hedging",
        ph=out,
    )


def _value_of_stochastic_solution(outcome, inputs, models, solver, say) -> None:
    """Solve the mean-value problem, fix its stage-1 plan in every path, and set EEV and VSS
    (VSS infinite when that plan is infeasible in a path)."""
    mean = mean_inputs(inputs, outcome.weights)
    if mean is None:
        outcome.vss_note = "not computed: the paths' inputs are not on the same coordinates"
        return
    say("mean-value problem")
    mean_model = build_model(mean)
    solve(mean_model, solver)
    outcome.mean_value_plan = stage1_plan(mean_model, outcome.keys)
    eev = {}
    for s in outcome.names:
        say(f"{s}: re-solve under the mean-value plan")
        try:
            eev[s], _ = cost_under_plan(models[s], outcome.mean_value_plan, solver)
        except (SolveError, ValueError) as err:
            eev[s] = math.inf
            outcome.vss_note = f"the mean-value plan is infeasible in {s}: {err}"
    outcome.eev_cost_meur = eev
    expected_robust = sum(outcome.weights[s] * outcome.robust_cost_meur[s] for s in outcome.names)
    outcome.vss_meur = sum(outcome.weights[s] * eev[s] for s in outcome.names) - expected_robust
