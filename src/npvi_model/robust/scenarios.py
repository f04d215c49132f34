"""The scenario creator mpi-sppy calls: one path's own LP, with its stage-1 decisions marked.

Stage 1 (decided now, the same in every path): the new capacity `new_capacity[a, v]` of every
asset a with a build year v <= the decision year (default 2030). Stage 2: everything else of
the path (later builds, all operation), with its own demand and data.

Every path must offer the same list of stage-1 decisions, in the same order (mpi-sppy ties them
together by position). The list is the union over the paths of their buildable (asset, year)
pairs up to the decision year; a pair that one path cannot build gets a stand-in variable fixed
at 0 in that path, so non-anticipativity forces it to 0 everywhere (what cannot be built in one
path is not a no-regret decision).

Stage-1 cost of a path [MEUR, discounted]: the annuities of its stage-1 builds in every model
year they are in service, times that year's discount weight; used by mpi-sppy's tree node.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyomo.environ as pyo
import xarray as xr

from npvi_model.model import build_model
from npvi_model.model.investment import capital_recovery_factor

#: name of the component holding stand-ins for stage-1 pairs a path cannot build
STAND_IN = "robust_stage1_stand_in"


def stage1_keys(models: Sequence[pyo.ConcreteModel], decide_until: int) -> list[tuple[str, int]]:
    """The (asset, build year) pairs of stage 1: the union over the models of `m.BUILD` with
    build year <= decide_until, sorted by year, then asset."""
    keys = {(str(a), int(v)) for m in models for (a, v) in m.BUILD if int(v) <= decide_until}
    return sorted(keys, key=lambda k: (k[1], k[0]))


def stage1_variables(m: pyo.ConcreteModel, keys: Sequence[tuple[str, int]]) -> list:
    """The model's variable for each stage-1 key, in key order; a stand-in fixed at 0 where the
    model cannot build that pair (added to the model once)."""
    missing = [k for k in keys if k not in m.BUILD]
    if missing and not hasattr(m, STAND_IN):
        stand_in = pyo.Var(pyo.Any, dense=False, domain=pyo.NonNegativeReals)
        m.add_component(STAND_IN, stand_in)
        for k in missing:
            stand_in[k].fix(0.0)
    out = []
    for k in keys:
        out.append(m.new_capacity[k] if k in m.BUILD else getattr(m, STAND_IN)[k])
    return out


def stage1_cost(m: pyo.ConcreteModel, keys: Sequence[tuple[str, int]]):
    """Discounted annuities of the stage-1 builds [MEUR]: sum over keys (a, v) and model years y
    with v <= y < v + life of new[a, v] x capex x CRF(wacc, life) x discount weight[y]."""
    d = m.data
    p = d.params
    wacc = d.attrs["investment_wacc"]
    terms = []
    for a, v in keys:
        if (a, v) not in m.BUILD:
            continue
        life = p["lifetime"][(a, v)]
        annuity = p["capex"][(a, v)] * capital_recovery_factor(wacc, life)
        weight = sum(d.discount_weight[y] for y in d.years if v <= y < v + life)
        if annuity * weight:
            terms.append(annuity * weight * m.new_capacity[a, v])
    return sum(terms) if terms else 0.0


def mpisppy_sputils():
    """mpi-sppy's `sputils`, imported without its start-up line on standard output."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        from mpisppy.utils import sputils
    return sputils


def attach_stage1(
    m: pyo.ConcreteModel, keys: Sequence[tuple[str, int]], probability: float
) -> pyo.ConcreteModel:
    """Mark the model as an mpi-sppy scenario: root node with the stage-1 variables, its cost,
    and the path's probability (weight)."""
    sputils = mpisppy_sputils()
    m._mpisppy_probability = float(probability)
    sputils.attach_root_node(m, stage1_cost(m, keys), stage1_variables(m, keys))
    return m


def scenario_creator(
    name: str,
    inputs: Mapping[str, xr.Dataset] | None = None,
    keys: Sequence[tuple[str, int]] = (),
    weights: Mapping[str, float] | None = None,
    built: Mapping[str, pyo.ConcreteModel] | None = None,
) -> pyo.ConcreteModel:
    """mpi-sppy's scenario creator: the path `name` built by the project's own `build_model`
    from its prepared inputs (or taken from `built`, models made earlier for the stage-1 keys),
    with its stage-1 decisions attached."""
    model = built[name] if built and name in built else build_model(inputs[name])
    return attach_stage1(model, keys, (weights or {}).get(name, 1.0 / len(inputs or built)))


def fix_stage1(m: pyo.ConcreteModel, plan: Mapping[tuple[str, int], float]) -> None:
    """Fix the model's stage-1 variables at the plan's values (GW, GWh or Mt/yr); a pair the
    model cannot build must be 0 in the plan."""
    for k, value in plan.items():
        if k in m.BUILD:
            m.new_capacity[k].fix(max(float(value), 0.0))
        elif abs(value) > 1e-9:
            raise ValueError(f"stage-1 decision {k} = {value} cannot be built in {m.name}")


def stage1_plan(m: pyo.ConcreteModel, keys: Sequence[tuple[str, int]]) -> dict:
    """The solved values of a model's stage-1 decisions, by key (0 where it cannot build)."""
    return {k: (float(pyo.value(m.new_capacity[k])) if k in m.BUILD else 0.0) for k in keys}
