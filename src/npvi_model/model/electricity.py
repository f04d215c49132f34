"""Electricity: the balance per cluster, year and time slice, and what feeds it.

    electricity_balance[c, y, t]:
        offshore wind used + grid supply + corridor inflow - corridor outflow + fallback
        = industrial demand x profile[t] + electrolyser input                         [GW]

- `wind_availability`: wind used <= capacity factor[t] x offshore wind capacity landing at c;
  the rest is curtailed. Where that capacity is a constant (no new park in service) the limit
  is the upper bound of wind used, and where c has no wind landing wind used is fixed at 0
  (`core.limit_by_capacity`).
- `grid_connection_limit`: grid supply <= the cluster's connection capacity (netcongestie);
  what all clusters take together is limited, and priced, by the power system
  (`power_system.py`).
- `corridor_limit_forward/backward`: flow on an inter-cluster link <= its capacity, each way.
- `electrolyser_input_limit`: electrolyser input <= onshore electrolyser capacity.
  The grid connection, corridor and electrolyser limits stay rows even on a constant capacity
  (or none: flow = 0): their duals are the limits' marginal values (`extract_limits.py`).
- electricity fallback limit: the fossil fallback serves industrial demand only (never an
  electrolyser): 0 <= fallback <= demand x profile[t], the bounds of the fallback variable.

Industrial demand in TWh/yr becomes GW as TWh x 1000 / 8760 x profile[t] (profile mean 1).
The balance dual, divided by slice weight x discount weight x 1e-3, is the price in EUR/MWh.
"""

from __future__ import annotations

import pyomo.environ as pyo

from npvi_model.model.core import (
    GW_PER_TWH_PER_YR,
    add_two_way_links,
    fix_where_zero,
    limit_by_capacity,
)


def demand_gw(m, c: str, y: int, t: int) -> float:
    """Industrial electricity demand in slice t [GW]."""
    d = m.data
    return d.params["electricity_demand_twh"][(c, y)] * GW_PER_TWH_PER_YR * d.elec_profile[t]


def add_electricity(m: pyo.ConcreteModel) -> None:
    d = m.data
    links = d.assets_of("electricity_corridor")
    corridor_net_inflow = add_two_way_links(m, links, "corridor", "E_LINKS")
    wind = {c: d.asset("offshore_wind", c) for c in d.clusters}
    grid = {c: d.asset("grid_connection", c) for c in d.clusters}
    ely = {c: d.asset("electrolyser", c) for c in d.clusters}

    m.wind_used = pyo.Var(m.C, m.Y, m.T, domain=pyo.NonNegativeReals, doc="offshore wind used [GW]")
    m.grid_supply = pyo.Var(
        m.C, m.Y, m.T, domain=pyo.NonNegativeReals, doc="from national grid [GW]"
    )
    m.electricity_fallback = pyo.Var(
        m.C,
        m.Y,
        m.T,
        bounds=lambda m, c, y, t: (0.0, demand_gw(m, c, y, t)),
        doc="demand left on the fossil route, at most the demand [GW]",
    )
    fix_where_zero(m.electricity_fallback)  # no demand: no fallback
    m.electrolyser_input = pyo.Var(
        m.C,
        m.Y,
        m.T,
        domain=pyo.NonNegativeReals,
        doc="electricity into onshore electrolysers [GW]",
    )

    limit_by_capacity(m, "wind_availability", m.wind_used, wind.get, lambda c, y, t: d.wind_cf[t])
    m.grid_connection_limit = pyo.Constraint(
        m.C, m.Y, m.T, rule=_capped_by_asset(m.grid_supply, grid)
    )
    m.electrolyser_input_limit = pyo.Constraint(
        m.C, m.Y, m.T, rule=_capped_by_asset(m.electrolyser_input, ely)
    )

    def balance_rule(m, c, y, t):
        net_import = corridor_net_inflow(c, y, t)
        supply = m.wind_used[c, y, t] + m.grid_supply[c, y, t] + net_import
        return supply + m.electricity_fallback[c, y, t] == (
            demand_gw(m, c, y, t) + m.electrolyser_input[c, y, t]
        )

    m.electricity_balance = pyo.Constraint(m.C, m.Y, m.T, rule=balance_rule)


def _capped_by_asset(flow, asset_of: dict, factor=lambda t: 1.0):
    """Rule: flow[c, y, t] <= factor(t) x capacity of the cluster's asset; = 0 where c has none."""

    def rule(m, c, y, t):
        if not asset_of[c]:
            return flow[c, y, t] == 0
        return flow[c, y, t] <= factor(t) * m.capacity[asset_of[c], y]

    return rule
