"""CO2: capture, pipelines and sinks, at annual resolution (capture is flat within the year and
sinks are rated in Mt/yr).

    co2_balance[c, y]:  captured + pipeline inflow - pipeline outflow = stored in sinks at c  [Mt]

- capture limit: 0 <= captured[c, y] <= the CO2 the cluster plans to capture (its CO2
  demand), the bounds of the captured variable; what is not captured is emitted (the CO2
  fallback).
- `pipeline_limit`: flow on a pipeline <= its capacity (zero before it opens); flow is one-way.
- `sink_limit`: CO2 stored in a sink <= its injection capacity (zero before its start year).
So nothing is stored that was not captured: the balance has no other source.
Transport and storage cost: stored x the T&S tariff (EUR/t x Mt = MEUR), paid once: with
`co2_transport_storage_paid_by: tariff` the tariff covers the sinks and CO2 pipelines (their capex
and fixed O&M are 0 in the inputs); with `infrastructure` the tariff is 0 and the sinks and
pipelines are paid through their annuities and fixed O&M (`path_rules.py`).
"""

from __future__ import annotations

import pyomo.environ as pyo

from npvi_model.model.core import fix_where_zero


def add_co2(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    pipes = d.assets_of("co2_pipeline")
    sinks = d.assets_of("co2_sink")
    m.CO2_PIPES = pyo.Set(initialize=pipes, ordered=True)
    m.CO2_SINKS = pyo.Set(initialize=sinks, ordered=True)
    m.co2_captured = pyo.Var(
        m.C,
        m.Y,
        bounds=lambda m, c, y: (0.0, p["co2_capture_plan_mt"][(c, y)]),
        doc="CO2 captured, at most the capture plan [Mt]",
    )
    fix_where_zero(m.co2_captured)  # no capture plan: nothing captured
    m.co2_pipeline_flow = pyo.Var(m.CO2_PIPES, m.Y, domain=pyo.NonNegativeReals, doc="[Mt]")
    m.co2_stored = pyo.Var(m.CO2_SINKS, m.Y, domain=pyo.NonNegativeReals, doc="[Mt]")

    m.pipeline_limit = pyo.Constraint(
        m.CO2_PIPES, m.Y, rule=lambda m, a, y: m.co2_pipeline_flow[a, y] <= m.capacity[a, y]
    )
    m.sink_limit = pyo.Constraint(
        m.CO2_SINKS, m.Y, rule=lambda m, a, y: m.co2_stored[a, y] <= m.capacity[a, y]
    )

    def balance_rule(m, c, y):
        inflow = sum(m.co2_pipeline_flow[a, y] for a in pipes if d.asset_to[a] == c)
        outflow = sum(m.co2_pipeline_flow[a, y] for a in pipes if d.asset_from[a] == c)
        stored = sum(m.co2_stored[a, y] for a in sinks if d.asset_loc[a] and d.asset_from[a] == c)
        return m.co2_captured[c, y] + inflow - outflow == stored

    m.co2_balance = pyo.Constraint(m.C, m.Y, rule=balance_rule)
    m.co2_transport_storage_cost = pyo.Expression(
        m.Y,
        rule=lambda m, y: (
            p["price_co2_transport_storage"][y] * sum(m.co2_stored[a, y] for a in sinks)
        ),
        doc="[MEUR/yr]",
    )
