"""Tie-breakers: tiny documented costs that pick one answer among equally cheap ones.

The LP is degenerate: many plans have the same system cost (which cluster builds the
electrolyser, which way a link carries flow, which cluster's demand falls back to fossil first,
in which hour an import arrives, how full a store is). Without a rule, the answer depends on the
vertex the solver happens to return (simplex and interior point disagree, and so does a simplex
started from another path's basis). The tie-break cost makes the optimum unique in practice:

    tie_break_cost[y] [MEUR/yr] =
        flow x 1e-3 x sum over t of weight[t] x (
            corridor forward + backward + backbone forward + backward + storage charge)  [GW]
      + flow x (CO2 pipeline flow)                                                     [Mt]
      + 1e-3 x sum over c, t of weight[t] x (
            (cluster spread x rank[c] + hour spread x rank[t]) x green[c, t]
            + (cluster spread x reverse rank[c] + hour spread x reverse rank[t]
               + fallback) x fossil[c, t])                                             [GW]
        with green = wind used + grid supply + electrolyser input + H2 import
        and fossil = electricity fallback + H2 fallback
      + holding x 1e-3 x sum over stores c, calendar days d of level at day start[c, d] [GWh]
      + cluster spread x sum over sinks s of rank[s] x CO2 stored[s]                    [Mt]
      + sum over assets a, builds v in service of new[a, v] x (
            capex spread x rank[a] x capex[a, v] x CRF(wacc, life[a, v]) + build)

- `flow` (EUR/MWh, EUR/t for CO2; default 0.01): no flow goes round in circles or both ways at
  once, and storage is not charged and discharged in the same hour;
- `cluster spread` (EUR/MWh, EUR/t; default 0.01) with rank[c] = k/n for the k-th of n
  clusters in the order of `sets.CLUSTERS` (1/n ... 1): of two clusters that could equally use
  shared supply (or land the same wind), the earlier one does. The fallback is ranked the
  other way round, reverse rank[c] = 1 + 1/n - rank[c] (1 ... 1/n): where scarce supply goes
  to one cluster and the other falls back, giving it to the earlier cluster is cheaper on both
  counts (ranked alike, the two would cancel and leave the tie);
- `hour spread` (EUR/MWh; default 0.001) with rank[t] = k/n for the k-th of the year's n time
  slices: of two hours in which green energy could equally be drawn, the earlier one; the
  fallback again the other way round, reverse rank[t] = 1 + 1/n - rank[t], so that moving green
  supply to an earlier hour and the fallback to a later one is cheaper on both counts;
- `fallback` (EUR/MWh; default 0.02, more than the cluster and hour spreads on green supply
  together): of two
  equally cheap plans, the one with the smaller fossil fallback, so the delivery gap is not
  larger than the cost makes it (green supply brought over links also pays their flow cost,
  so over three links or more it can still lose such a tie);
- `holding` (EUR per MWh per day; default 1e-4): a hydrogen store holds no more than its plan
  needs (the level is otherwise free to shift up and down by a constant);
- sink rank[s] = i/n for the i-th of n assets in data order (as for capex): of two sinks that
  could equally store CO2, the earlier one does;
- `capex spread` (relative; default 1e-4) with rank[a] = i/n for the i-th of n assets in data
  order: of two equally cheap builds, the earlier asset is built;
- `build` (MEUR per GW, GWh or Mt/yr of new capacity per year in service; default 0.01, i.e.
  10 EUR per MW per year): no capacity is built that is not used, even where its capex is 0
  (CO2 sinks and pipelines when the tariff pays for them).

Sizes: 0.01 EUR/MWh is 1/5000 of the fossil fallback's ~50 EUR/MWh fuel cost (and 1/100,000
of its delivery-first value); 1e-4 of capex is 0.01 %;
holding 1 MWh for a whole year costs 0.0365 EUR. The hour spread is a tenth of the cluster
spread, so it orders hours without overturning the order of clusters. Between two adjacent
slices its step (0.001/288 EUR/MWh at 12 days) is about HiGHS's dual tolerance; the polish
step after the solve (`polish.py`, at 1e-9) makes it count.
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
    "hour_spread_eur_per_mwh": 0.001,
    "fallback_eur_per_mwh": 0.02,
    "holding_eur_per_mwh_day": 1e-4,
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
    hour_spread = cfg["hour_spread_eur_per_mwh"]
    fallback = cfg["fallback_eur_per_mwh"]
    holding = cfg["holding_eur_per_mwh_day"]
    capex_spread = cfg["capex_relative_spread"]
    build = cfg["build_meur_per_unit_yr"]
    n_c = len(d.clusters)
    rank = {c: (k + 1) / n_c for k, c in enumerate(d.clusters)}
    reverse_rank = {c: 1 + 1 / n_c - rank[c] for c in d.clusters}
    n_a = len(d.assets)
    asset_rank = {a: (i + 1) / n_a for i, a in enumerate(d.assets)}
    n_t = len(d.slices)
    hour_rank = {t: (k + 1) / n_t for k, t in enumerate(d.slices)}
    reverse_hour_rank = {t: 1 + 1 / n_t - hour_rank[t] for t in d.slices}
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

    def fallbacks(c, y, t):
        return m.electricity_fallback[c, y, t] + m.h2_fallback[c, y, t]

    def green_use(c, y, t):
        return (
            m.wind_used[c, y, t]
            + m.grid_supply[c, y, t]
            + m.electrolyser_input[c, y, t]
            + m.h2_import[c, y, t]
        )

    def rule(m, y):
        energy = sum(
            d.slice_weight[t]
            * (
                flow * slice_flows(y, t)
                + sum(
                    (spread * rank[c] + hour_spread * hour_rank[t]) * green_use(c, y, t)
                    + (spread * reverse_rank[c] + hour_spread * reverse_hour_rank[t] + fallback)
                    * fallbacks(c, y, t)
                    for c in d.clusters
                )
            )
            for t in d.slices
        )
        stored = sum(m.level_at_day_start[c, y, day] for c in m.STORE_C for day in m.DAYS)
        co2 = flow * sum(m.co2_pipeline_flow[a, y] for a in m.CO2_PIPES) + spread * sum(
            asset_rank[a] * m.co2_stored[a, y] for a in m.CO2_SINKS
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
        return 1e-3 * (energy + holding * stored) + co2 + capex

    m.tie_break_cost = pyo.Expression(m.Y, rule=rule, doc="tie-break cost [MEUR/yr]")


def discounted_tie_break_meur(m: pyo.ConcreteModel) -> float:
    """The tie-break part of the solved objective: sum over years of discount weight x
    tie_break_cost [MEUR]."""
    d = m.data
    return float(sum(d.discount_weight[y] * pyo.value(m.tie_break_cost[y]) for y in d.years))
