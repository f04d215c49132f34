"""The extensive form (all paths in one LP, stage 1 shared) and its two objectives.

mpi-sppy's `sputils.create_EF` puts each path's model in a block of one Pyomo model and adds the
non-anticipativity constraints `_C_EF_`: every path's stage-1 variable equals the first path's.

- `expected`: minimise sum over paths s of weight[s] x cost[s] [MEUR, discounted]; weights
  sum to 1 (mpi-sppy's own EF objective).
- `minmax-regret`: minimise R [MEUR] subject to, for every path s,
      cost[s] - own optimum[s] <= R,
  own optimum[s] being the path's perfect-foresight cost, solved first. R is the largest regret.
  Stage-2 decisions of the paths whose regret is below R are not pinned by this objective; the
  costs reported per path therefore come from re-solving each path with the stage-1 plan fixed
  (`evaluate.cost_under_plan`), which gives each path its best operation under the plan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyomo.environ as pyo
import xarray as xr

from npvi_model.robust.scenarios import mpisppy_sputils, scenario_creator, stage1_plan
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve

OBJECTIVES = ("expected", "minmax-regret")


@dataclass
class ExtensiveFormResult:
    plan: dict  # (asset, build year) -> stage-1 new capacity [GW | GWh | Mt/yr]
    objective_meur: float  # expected cost, or the largest regret
    costs_meur: dict  # path -> its cost inside the EF solution [MEUR]
    build_seconds: float
    solve_seconds: float
    n_variables: int
    n_constraints: int
    method: str = "extensive_form"  # or "progressive_hedging"
    ph: dict | None = None  # PH's iterations, convergence, ranks


def build_extensive_form(
    inputs: Mapping[str, xr.Dataset],
    keys: Sequence[tuple[str, int]],
    weights: Mapping[str, float],
) -> pyo.ConcreteModel:
    """All paths in one model, by mpi-sppy, from the project's own `build_model`."""
    sputils = mpisppy_sputils()

    return sputils.create_EF(
        list(inputs),
        scenario_creator,
        scenario_creator_kwargs={"inputs": inputs, "keys": list(keys), "weights": weights},
        EF_name="npvi_robust",
        suppress_warnings=True,
    )


def scenario_cost(block: pyo.ConcreteModel):
    """A path's total discounted cost [MEUR] as an expression (its own objective)."""
    return block.total_cost.expr


def add_minmax_regret(ef: pyo.ConcreteModel, own_cost_meur: Mapping[str, float]) -> None:
    """Replace the expected-cost objective by the largest regret R (epigraph form):
    R >= cost[s] - own optimum[s] for every path s; minimise R [MEUR]."""
    sputils = mpisppy_sputils()

    ef.EF_Obj.deactivate()
    ef.max_regret = pyo.Var(domain=pyo.Reals, doc="largest regret over the paths [MEUR]")
    names = [name for name, _ in sputils.ef_scenarios(ef)]
    ef.regret_bound = pyo.Constraint(
        names,
        rule=lambda ef, s: scenario_cost(getattr(ef, s)) - float(own_cost_meur[s]) <= ef.max_regret,
        doc="regret of path s <= largest regret [MEUR]",
    )
    ef.regret_objective = pyo.Objective(expr=ef.max_regret, sense=pyo.minimize)


def solve_extensive_form(
    inputs: Mapping[str, xr.Dataset],
    keys: Sequence[tuple[str, int]],
    weights: Mapping[str, float],
    objective: str,
    solver: SolverConfig,
    own_cost_meur: Mapping[str, float] | None = None,
    tee: bool = False,
) -> ExtensiveFormResult:
    """Build and solve the extensive form with HiGHS (the project's solve path)."""
    sputils = mpisppy_sputils()

    if objective not in OBJECTIVES:
        raise ValueError(f"objective {objective!r}: expected one of {', '.join(OBJECTIVES)}")
    t0 = time.perf_counter()
    ef = build_extensive_form(inputs, keys, weights)
    if objective == "minmax-regret":
        add_minmax_regret(ef, own_cost_meur or {})
    build_seconds = time.perf_counter() - t0
    n_var = sum(len(v) for v in ef.component_objects(pyo.Var, active=True, descend_into=True))
    n_con = sum(
        len(c) for c in ef.component_objects(pyo.Constraint, active=True, descend_into=True)
    )
    result = solve(ef, solver, tee=tee)
    blocks = dict(sputils.ef_scenarios(ef))
    first = next(iter(blocks.values()))
    return ExtensiveFormResult(
        plan=stage1_plan(first, keys),
        objective_meur=float(result.objective_meur),
        costs_meur={s: float(pyo.value(scenario_cost(b))) for s, b in blocks.items()},
        build_seconds=build_seconds,
        solve_seconds=result.solve_seconds,
        n_variables=n_var,
        n_constraints=n_con,
    )
