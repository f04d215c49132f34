"""Tie-breakers: tiny documented costs that pick one answer among equally cheap ones.

The LP is degenerate: many plans have the same system cost (which cluster builds the
electrolyser, which way a link carries flow, which cluster's demand falls back to fossil first).
Without a rule, the answer depends on the vertex the solver happens to return (simplex and
interior point disagree). The tie-break cost makes the optimum unique in practice:

    tie_break_cost[y] [MEUR/yr] =
        flow x 1e-3 x sum over t of weight[t] x (
            corridor forward + backward + backbone forward + backward + storage charge)  [GW]
      + flow x (CO2 pipeline flow)                                                     [Mt]
      + cluster spread x 1e-3 x sum over c, t of weight[t] x rank[c] x (
            grid supply + electrolyser input + H2 import
            + electricity fallback + H2 fallback)                                      [GW]
      + cluster spread x sum over sinks s of rank[s's cluster] x CO2 stored[s]          [Mt]
      + sum over assets a, builds v in service of new[a, v] x (
            capex spread x rank[a] x capex[a, v] x CRF(wacc, life[a, v]) + build)

- `flow` (EUR/MWh, EUR/t for CO2; default 0.01): no flow goes round in circles or both ways at
  once, and storage is not charged and discharged in the same hour;
- `cluster spread` (EUR/MWh, EUR/t; default 0.01) with rank[c] = k/n for the k-th of n
  clusters in the order of `sets.CLUSTERS` (1/n ... 1): of two clusters that could equally use
  shared supply, the earlier one does;
- `capex spread` (relative; default 1e-4) with rank[a] = i/n for the i-th of n assets in data
  order: of two equally cheap builds, the earlier asset is built;
- `build` (MEUR per GW, GWh or Mt/yr of new capacity per year in service; default 0.01, i.e.
  10 EUR per MW per year): no capacity is built that is not used, even where its capex is 0
  (CO2 sinks and pipelines when the tariff pays for them).

Sizes: 0.01 EUR/MWh is 1/5000 of the fossil fallback's ~50 EUR/MWh; 1e-4 of capex is 0.01 %.
The term sits in the objective (see `objective.py`) as its own cost component `tie_break`; the
reported system cost (`objective_eur`) excludes it, and `tie_break_cost_eur` gives its size.
Settings come from the scenario (`parameters.tie_breaks`); inputs without them (micro-models)
get no tie-breakers, and `enabled: false` switches them off.
"""

from __future__ import annotations

import json

import pyomo.environ as pyo

from npvi_model.model.investment import capital_recovery_factor

#: defaults when the scenario switches tie-breakers on without sizes
DEFAULTS = {
    "enabled": True,
    "flow_eur_per_mwh": 0.01,
    "cluster_spread_eur_per_mwh": 0.01,
    "capex_relative_spread": 1e-4,
    "build_meur_per_unit_yr": 0.01,
}


def settings(m: pyo.ConcreteModel) -> dict:
    """The tie-break settings of the model's inputs (attribute `tie_breaks`, JSON); all zero
    (off) when absent or disabled."""
    raw = m.data.attrs.get("tie_breaks")
    if not raw:
        return {**DEFAULTS, "enabled": False}
    values = {**DEFAULTS, **(json.loads(raw) if isinstance(raw, str) else dict(raw))}
    return values


def add_tie_breaks(m: pyo.ConcreteModel) -> None:
    """Add `tie_break_cost[y]` [MEUR/yr] (zero when tie-breakers are off)."""
    d = m.data
    p = d.params
    cfg = settings(m)
    if not cfg["enabled"]:
        m.tie_break_cost = pyo.Expression(m.Y, rule=lambda m, y: 0.0, doc="[MEUR/yr]")
        return
    flow = cfg["flow_eur_per_mwh"]
    spread = cfg["cluster_spread_eur_per_mwh"]
    capex_spread = cfg["capex_relative_spread"]
    build = cfg["build_meur_per_unit_yr"]
    n_c = len(d.clusters)
    rank = {c: (k + 1) / n_c for k, c in enumerate(d.clusters)}
    n_a = len(d.assets)
    asset_rank = {a: (i + 1) / n_a for i, a in enumerate(d.assets)}
    wacc = d.attrs["investment_wacc"]
    builds = list(m.BUILD)

    def slice_flows(y, t):
        total = sum(
            m.corridor_forward[lk, y, t] + m.corridor_backward[lk, y, t] for lk in m.E_LINKS
        )
        total += sum(
            m.backbone_forward[lk, y, t] + m.backbone_backward[lk, y, t] for lk in m.H_LINKS
        )
        total += sum(m.storage_charge[c, y, t] for c in m.STORE_C)
        return total

    def cluster_use(c, y, t):
        return (
            m.grid_supply[c, y, t]
            + m.electrolyser_input[c, y, t]
            + m.h2_import[c, y, t]
            + m.electricity_fallback[c, y, t]
            + m.h2_fallback[c, y, t]
        )

    def rule(m, y):
        energy = sum(
            d.slice_weight[t]
            * (
                flow * slice_flows(y, t)
                + spread * sum(rank[c] * cluster_use(c, y, t) for c in d.clusters)
            )
            for t in d.slices
        )
        co2 = flow * sum(m.co2_pipeline_flow[a, y] for a in m.CO2_PIPES) + spread * sum(
            rank.get(d.asset_from[a], 1.0) * m.co2_stored[a, y] for a in m.CO2_SINKS
        )
        capex = sum(
            m.new_capacity[a, v]
            * (
                capex_spread
                * asset_rank[a]
                * p["capex"][(a, v)]
                * capital_recovery_factor(wacc, p["lifetime"][(a, v)])
                + build
            )
            for a, v in builds
            if v <= y < v + p["lifetime"][(a, v)]
        )
        return 1e-3 * energy + co2 + capex

    m.tie_break_cost = pyo.Expression(m.Y, rule=rule, doc="tie-break cost [MEUR/yr]")


def discounted_tie_break_meur(m: pyo.ConcreteModel) -> float:
    """The tie-break part of the solved objective: sum over years of discount weight x
    tie_break_cost [MEUR]."""
    d = m.data
    return float(sum(d.discount_weight[y] * pyo.value(m.tie_break_cost[y]) for y in d.years))
