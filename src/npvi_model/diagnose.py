"""Infeasibility diagnosis by an elastic re-solve.

Every constraint gets two non-negative slacks (one each way); the objective becomes the sum of
slacks. The constraints whose slacks are non-zero at the optimum form a smallest-violation set
that makes the model feasible: they are reported by family with their (cluster, year) indices.
"""

from __future__ import annotations

from collections import defaultdict

import highspy
import pyomo.environ as pyo

from npvi_model.handoff import compile_lp, load_primal, pass_model

MAX_INDICES_SHOWN = 6


def diagnose_infeasibility(
    model: pyo.ConcreteModel, config, time_limit_s: float | None = None
) -> list[str]:
    """Lines naming the conflicting constraint families and their indices.

    `time_limit_s`: what is left of the run's budget (default: the scenario's whole limit)."""
    limit = config.time_limit_s if time_limit_s is None else max(time_limit_s, 1e-3)
    elastic = model.clone()
    for obj in elastic.component_data_objects(pyo.Objective, active=True):
        obj.deactivate()
    cons = list(elastic.component_data_objects(pyo.Constraint, active=True))
    elastic.elastic_index = pyo.RangeSet(0, len(cons) - 1)
    elastic.slack_up = pyo.Var(elastic.elastic_index, domain=pyo.NonNegativeReals)
    elastic.slack_down = pyo.Var(elastic.elastic_index, domain=pyo.NonNegativeReals)
    for i, con in enumerate(cons):
        body = con.body + elastic.slack_up[i] - elastic.slack_down[i]
        con.set_value((con.lower, body, con.upper))
    elastic.total_slack = pyo.Objective(
        expr=sum(elastic.slack_up[i] + elastic.slack_down[i] for i in elastic.elastic_index)
    )
    compiled = compile_lp(elastic)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    pass_model(highs, compiled)
    highs.setOptionValue("time_limit", float(limit))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return ["the elastic re-solve found no diagnosis either"]
    load_primal(compiled, highs.getSolution().col_value)
    families: dict[str, list[str]] = defaultdict(list)
    for i, con in enumerate(cons):
        violation = pyo.value(elastic.slack_up[i]) + pyo.value(elastic.slack_down[i])
        if violation > 1e-6:
            family = con.parent_component().local_name
            index = con.index()
            label = ", ".join(map(str, index)) if isinstance(index, tuple) else str(index)
            families[family].append(f"({label}) by {violation:.4g}")
    lines = []
    for family, items in sorted(families.items(), key=lambda kv: -len(kv[1])):
        shown = "; ".join(items[:MAX_INDICES_SHOWN])
        more = (
            f"; and {len(items) - MAX_INDICES_SHOWN} more" if len(items) > MAX_INDICES_SHOWN else ""
        )
        lines.append(f"constraint family '{family}' must be relaxed at {shown}{more}")
    return lines
