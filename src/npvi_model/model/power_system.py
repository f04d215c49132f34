"""Power system: what the rest of the country's power system delivers to industry through the
grid connections, nationally limited per year and time slice, with a price and CO2 per step.

The supply steps s (`renewable_surplus`, `dispatchable`; built in `power_system_inputs.py`)
have a volume per year and slice [GW], a price per year [EUR/MWh] and a CO2 factor per year
[t CO2/MWh]:

    national_grid_balance[y, t]:
        sum over clusters c of grid supply[c, y, t] = sum over steps s of step supply[s, y, t]  [GW]

    national_grid_limit[s, y, t]:
        step supply[s, y, t] <= step volume[s, y, t]                                          [GW]

So all clusters together can take no more from the grid than the rest of the power system can
deliver in that slice (each cluster also within its own connection, `electricity.py`).

    grid electricity cost[y] = sum over s, t of weight[t] [h] x price[s, y] [EUR/MWh]
                               x step supply[s, y, t] [GW] x 1e-3                         [MEUR/yr]
    scope-2 emissions[y]     = sum over s, t of weight[t] x CO2 factor[s, y] [t/MWh]
                               x step supply[s, y, t] x 1e-3                                  [Mt]

    electrolysis_low_carbon_power[y, t]  (scenario parameter
    `electrolysis_low_carbon_power_only`, default on):
        sum over c of electrolyser input[c, y, t]
        <= sum over c of offshore wind used[c, y, t]
           + sum over CO2-free steps s of step supply[s, y, t]                               [GW]

so hydrogen from onshore electrolysers is made from CO2-free power in the same hour (matched
nationally, as certificates are), never from the gas-fired step.

Scope-2 emissions are the power sector's, reported apart: they are not part of the industry
emissions that the caps constrain (`emissions.py`).
The hourly grid price [EUR/MWh] is the dual of `national_grid_balance` divided by
(weight[t] x discount weight[y] x 1e-3): the price of the dearest step in use, plus the
scarcity rent (dual of `national_grid_limit`) when all steps are used up.
"""

from __future__ import annotations

import pyomo.environ as pyo

from npvi_model.model.core import MEUR_PER_EUR_PER_MWH_GWH, MT_PER_T_PER_MWH_GWH


def add_power_system(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    volume = p["grid_step_volume_gw"]
    price = p["grid_step_price_eur_per_mwh"]
    factor = p["grid_step_emission_factor_t_per_mwh"]
    m.GRID_STEPS = pyo.Set(initialize=d.grid_steps, ordered=True, doc="grid supply steps")
    m.grid_step_supply = pyo.Var(
        m.GRID_STEPS,
        m.Y,
        m.T,
        domain=pyo.NonNegativeReals,
        doc="grid electricity delivered to industry from each supply step [GW]",
    )
    m.national_grid_limit = pyo.Constraint(
        m.GRID_STEPS,
        m.Y,
        m.T,
        rule=lambda m, s, y, t: m.grid_step_supply[s, y, t] <= volume[(s, y, t)],
        doc="step supply <= what the power system can deliver in the slice [GW]",
    )
    m.national_grid_balance = pyo.Constraint(
        m.Y,
        m.T,
        rule=lambda m, y, t: (
            sum(m.grid_step_supply[s, y, t] for s in d.grid_steps)
            == sum(m.grid_supply[c, y, t] for c in d.clusters)
        ),
        doc="grid supply of all clusters = supply of all steps [GW]",
    )

    if d.attrs.get("electrolysis_low_carbon_power_only", 0):
        m.electrolysis_low_carbon_power = pyo.Constraint(
            m.Y,
            m.T,
            rule=lambda m, y, t: (
                sum(m.electrolyser_input[c, y, t] for c in d.clusters)
                <= sum(m.wind_used[c, y, t] for c in d.clusters)
                + sum(m.grid_step_supply[s, y, t] for s in d.grid_steps if factor[(s, y)] == 0)
            ),
            doc="electrolysers take CO2-free electricity only, hour by hour, nationally [GW]",
        )

    def weighted(y, per_step: dict, scale: float):
        return scale * sum(
            d.slice_weight[t] * per_step[(s, y)] * m.grid_step_supply[s, y, t]
            for s in d.grid_steps
            for t in d.slices
        )

    m.grid_electricity_cost = pyo.Expression(
        m.Y, rule=lambda m, y: weighted(y, price, MEUR_PER_EUR_PER_MWH_GWH), doc="[MEUR/yr]"
    )
    m.scope2_emissions = pyo.Expression(
        m.Y,
        rule=lambda m, y: weighted(y, factor, MT_PER_T_PER_MWH_GWH),
        doc="CO2 of grid electricity, power sector (scope 2) [Mt]",
    )
