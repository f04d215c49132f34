"""Objective: total discounted system cost [MEUR].

    minimise  sum over years y of discount weight[y] x annual cost[y]

    annual cost[y] = investment annuities + fixed O&M + grid electricity + hydrogen imports
                   + fallback fuel (gas per unit x gas price x fallback energy)
                   + CO2 price x emissions + CO2 transport and storage
                   + penalty x emission gap
                   + green shortfall value x green demand not delivered   (delivery-first)
                   + RFNBO penalty x RFNBO gap                               (RED III option)
    objective = sum over years y of discount weight[y] x (annual cost[y] + tie_break_cost[y])

`tie_break_cost` (model/tie_breaks.py) is a tiny cost that makes the optimum unique; it is not
part of the system cost that results report.

The discount weight of a model year is the sum of 1/(1+r)^(k - base year) over the calendar
years k it stands for, so each model year counts for its whole period.

Delivery-first (docs/gaps.md): `green_shortfall_penalty[y]` = V_MWh [EUR/MWh] x 1e-3 x sum over
c, t of W[t] x (electricity fallback + hydrogen fallback) [GW x h = GWh] + V_t [EUR/t] x sum over
c of (planned capture - captured) [Mt] -> MEUR/yr. With V far above any green cost, the fallback
is used only where green supply cannot be delivered: the delivery gap. The penalty is a
valuation, not a payment: it is reported as its own cost component, apart from the real costs.

Cost accounting: `fixed_om` is split into `sunk_fixed_om` (existing capacity x FOM, a constant
that no decision changes) and `fixed_om` of new capacity (a decision cost). CO2 transport and
storage is paid once, by the tariff or by the infrastructure (`path_rules.py`).
"""

from __future__ import annotations

import pyomo.environ as pyo


def add_objective(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    gas_e = d.attrs["fallback_electricity_gas_per_unit"]
    gas_h = d.attrs["fallback_hydrogen_gas_per_unit"]
    penalty = d.attrs["emission_cap_penalty_eur_per_t"]

    def fallback_fuel_rule(m, y):
        gas_price = p["price_natural_gas"][y] * 1e-3  # MEUR per GWh of gas
        return gas_price * sum(
            d.slice_weight[t]
            * (gas_e * m.electricity_fallback[c, y, t] + gas_h * m.h2_fallback[c, y, t])
            for c in d.clusters
            for t in d.slices
        )

    m.fallback_fuel_cost = pyo.Expression(m.Y, rule=fallback_fuel_rule, doc="[MEUR/yr]")
    m.co2_emission_cost = pyo.Expression(
        m.Y, rule=lambda m, y: p["price_co2_emission"][y] * m.emissions[y], doc="[MEUR/yr]"
    )
    m.emission_penalty_cost = pyo.Expression(
        m.Y, rule=lambda m, y: penalty * m.emission_gap[y] if y in m.CAPPED_YEARS else 0.0
    )

    _add_delivery_first_and_sunk_costs(m)

    def annual_cost(m, y):
        return (
            m.investment_annuity[y]
            + m.fixed_om[y]  # = fixed_om_new + sunk_fixed_om
            + m.grid_electricity_cost[y]
            + m.h2_import_cost[y]
            + m.fallback_fuel_cost[y]
            + m.co2_emission_cost[y]
            + m.co2_transport_storage_cost[y]
            + m.emission_penalty_cost[y]
            + m.green_shortfall_penalty[y]
            + m.rfnbo_gap_cost[y]
        )

    m.annual_cost = pyo.Expression(m.Y, rule=annual_cost, doc="[MEUR/yr]")
    tie_break = getattr(m, "tie_break_cost", None)  # model/tie_breaks.py; None: none added

    def objective_year(y):
        return m.annual_cost[y] + (tie_break[y] if tie_break is not None else 0.0)

    m.total_cost = pyo.Objective(
        expr=sum(d.discount_weight[y] * objective_year(y) for y in d.years), sense=pyo.minimize
    )


def _add_delivery_first_and_sunk_costs(m: pyo.ConcreteModel) -> None:
    """`green_shortfall_penalty[y]` and the split of fixed O&M into sunk and new [MEUR/yr]."""
    d = m.data
    p = d.params
    value_mwh = d.attrs.get("green_shortfall_value_eur_per_mwh", 0.0)
    value_t = d.attrs.get("green_shortfall_value_eur_per_t", 0.0)

    def shortfall_rule(m, y):
        energy_gwh = sum(
            d.slice_weight[t] * (m.electricity_fallback[c, y, t] + m.h2_fallback[c, y, t])
            for c in d.clusters
            for t in d.slices
        )
        co2_mt = sum(m.emissions_not_captured[c, y] for c in d.clusters)
        return value_mwh * 1e-3 * energy_gwh + value_t * co2_mt

    m.green_shortfall_penalty = pyo.Expression(m.Y, rule=shortfall_rule, doc="[MEUR/yr]")
    fom = {k: (0.0 if v != v else v) for k, v in p["fom"].items()}
    m.sunk_fixed_om = pyo.Expression(
        m.Y,
        rule=lambda m, y: sum(p["existing_capacity"][(a, y)] * fom[(a, y)] for a in d.assets),
        doc="fixed O&M of existing capacity, no decision changes it [MEUR/yr]",
    )
    m.fixed_om_new = pyo.Expression(
        m.Y, rule=lambda m, y: m.fixed_om[y] - m.sunk_fixed_om[y], doc="[MEUR/yr]"
    )


#: the cost components of results.nc, and the model expression each comes from
COST_EXPRESSIONS = {
    "investment_annuity": "investment_annuity",
    "fixed_om": "fixed_om_new",
    "sunk_fixed_om": "sunk_fixed_om",
    "grid_electricity": "grid_electricity_cost",
    "hydrogen_import": "h2_import_cost",
    "fallback_fuel": "fallback_fuel_cost",
    "co2_emission": "co2_emission_cost",
    "co2_transport_storage": "co2_transport_storage_cost",
    "emission_cap_penalty": "emission_penalty_cost",
    "green_shortfall_penalty": "green_shortfall_penalty",
    "rfnbo_gap_penalty": "rfnbo_gap_cost",
    "tie_break": "tie_break_cost",
}
#: cost components that are not part of the system cost (see model/tie_breaks.py)
NOT_SYSTEM_COST = ("tie_break",)

#: cost components that are valuations inside the optimisation, not payments
VALUATION_COMPONENTS = ("emission_cap_penalty", "green_shortfall_penalty", "rfnbo_gap_penalty")
