"""Emissions: national industry CO2 per year, and the soft caps.

    emissions[y] = sum over clusters of (
        other processes[c, y]
        + sum over slices of weight[t] x (electricity fallback x EF_el + hydrogen fallback x EF_h2)
        + (planned capture - captured) )                                                  [Mt]

EF in t CO2/MWh of carrier replaced; GW x h = GWh; GWh x t/MWh = 1e-3 Mt.

`other processes[c, y]` (an input, `inputs._add_emissions`) carries two assumed abatements that no
decision of the model makes; `extract.py` reports them as their own, negative, emission causes:
- `assumed_process_abatement` = - other_emissions_abatement[y] x gross other processes [Mt];
- `electrification_credit` = - (electricity demand - 2025 electricity demand, >= 0) [TWh]
  x EF_el [t/MWh] [Mt]: the fossil energy that extra electricity replaces is taken off the
  reference, since grid electricity's emissions are the power sector's (scope 2).
`other_processes` in the results is before both, so the causes add up to emissions[y].
`emission_gap[y] >= emissions[y] - cap[y]` (only where the scenario sets a cap), gap >= 0: the
cap is soft, its violation is reported as the target gap and priced at the penalty.
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from npvi_model.model.core import MT_PER_T_PER_MWH_GWH


def add_emissions(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    ef_e = d.attrs["fallback_electricity_t_co2_per_mwh"]
    ef_h = d.attrs["fallback_hydrogen_t_co2_per_mwh"]

    def electricity_fallback_mt(m, c, y):
        return (
            ef_e
            * MT_PER_T_PER_MWH_GWH
            * sum(d.slice_weight[t] * m.electricity_fallback[c, y, t] for t in d.slices)
        )

    def hydrogen_fallback_mt(m, c, y):
        return (
            ef_h
            * MT_PER_T_PER_MWH_GWH
            * sum(d.slice_weight[t] * m.h2_fallback[c, y, t] for t in d.slices)
        )

    m.emissions_electricity_fallback = pyo.Expression(m.C, m.Y, rule=electricity_fallback_mt)
    m.emissions_hydrogen_fallback = pyo.Expression(m.C, m.Y, rule=hydrogen_fallback_mt)
    m.emissions_not_captured = pyo.Expression(
        m.C, m.Y, rule=lambda m, c, y: p["co2_capture_plan_mt"][(c, y)] - m.co2_captured[c, y]
    )
    m.emissions_cluster = pyo.Expression(
        m.C,
        m.Y,
        rule=lambda m, c, y: (
            p["other_emissions_mt"][(c, y)]
            + m.emissions_electricity_fallback[c, y]
            + m.emissions_hydrogen_fallback[c, y]
            + m.emissions_not_captured[c, y]
        ),
        doc="[Mt]",
    )
    m.emissions = pyo.Var(m.Y, domain=pyo.NonNegativeReals, doc="national industry CO2 [Mt]")
    m.emissions_total = pyo.Constraint(
        m.Y, rule=lambda m, y: m.emissions[y] == sum(m.emissions_cluster[c, y] for c in d.clusters)
    )
    capped = [y for y in d.years if not math.isnan(p["emission_cap_mt"][y])]
    m.CAPPED_YEARS = pyo.Set(initialize=capped, ordered=True)
    m.emission_gap = pyo.Var(m.CAPPED_YEARS, domain=pyo.NonNegativeReals, doc="[Mt]")
    m.emission_cap = pyo.Constraint(
        m.CAPPED_YEARS,
        rule=lambda m, y: m.emissions[y] - m.emission_gap[y] <= p["emission_cap_mt"][y],
    )
