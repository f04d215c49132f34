"""One-sided values of the path rules (`one_sided.py`): what relaxing a rule by one unit saves,
the same at every optimal vertex, worked out by hand on a micro-model."""

from __future__ import annotations

import json

import pytest
from micro import micro_inputs

from npvi_model.extract import extract
from npvi_model.extract_gaps import path_rule_rows
from npvi_model.model import build_model
from npvi_model.model.tie_breaks import DEFAULTS
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve

CONFIG = SolverConfig(algorithm="simplex", time_limit_s=60)


def _all_domestic(terminal_gw: float):
    """One cluster, one slice of 8760 h, hydrogen demand 1 GW flat (8.76 TWh). An electrolyser
    of 0.5 GW fed by 1 GW of wind (CF 1) makes 0.5 GW; imports cost 10 EUR/MWh through a
    terminal of `terminal_gw`; the fallback costs 50 EUR/MWh. Path rule: all hydrogen made in
    the Netherlands (domestic share >= 1, i.e. imports <= 0 GWh). Tie-breakers on."""
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "electrolyser", "loc": "A", "existing": 1.0},
            {"tech": "h2_import_terminal", "loc": "A", "existing": terminal_gw},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_hydrogen_import"][:] = 10.0
    ds["h2_domestic_min_share"] = ("year", [1.0])
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    return ds


def _rule_value(ds, relax: bool, config: SolverConfig = CONFIG) -> float:
    model = build_model(ds)
    rows = path_rule_rows(model) if relax else ()
    result = solve(model, config, relax_rows=rows)
    res = extract(model, ds, result.duals)
    return float(res["path_rule_value"].sel(path_rule="h2_domestic_min_share", year=2030))


def test_relaxing_the_rule_with_a_terminal_saves_the_import_margin():
    """With a 2 GW terminal, relaxing the rule by 1 GWh lets 1 GWh be imported instead of
    falling back: 50 - 10 = 40 EUR/MWh, plus the tie-breakers' difference between fallback
    (0.01 + 0.001 + 0.02) and import (0.01 + 0.001): 40.02 EUR/MWh. Here the vertex's dual is
    the same number (nothing else holds imports back)."""
    ds = _all_domestic(terminal_gw=2.0)
    assert _rule_value(ds, relax=True) == pytest.approx(40.02, rel=1e-6)
    assert _rule_value(ds, relax=False) == pytest.approx(40.02, rel=1e-6)


def test_relaxing_the_rule_without_a_terminal_saves_nothing():
    """With no terminal (0 GW) the rule and the terminal both hold imports at 0: at the optimum
    any rule dual from 0 to 40.02 EUR/MWh is optimal, and a vertex reports one of them. Without
    presolve, simplex and interior point report 40.02 for the rule (the terminal's limit gets
    0); with presolve, 0 (the vertex's own dual: `dual_headroom` 0, see unique_duals.py).
    Relaxing the rule allows no import at all, so it saves nothing: 0, whichever way it is
    solved."""
    ds = _all_domestic(terminal_gw=0.0)
    no_presolve = SolverConfig(
        algorithm="simplex", time_limit_s=60, options={"presolve": "off"}, dual_headroom=0.0
    )
    assert _rule_value(ds, relax=False, config=no_presolve) == pytest.approx(40.02, rel=1e-6)
    for config in (CONFIG, no_presolve, no_presolve.model_copy(update={"algorithm": "ipm"})):
        assert _rule_value(ds, relax=True, config=config) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("terminal_gw", "value"), [(0.0, 0.0), (2.0, 40.02)])
def test_the_robust_plan_s_re_solve_reports_the_one_sided_value(terminal_gw, value):
    """The robust plan re-solves each path under the plan (`robust/evaluate.cost_under_plan`,
    here with nothing to build, so an empty plan); its path-rule value is the one-sided one of
    `npvi run`, worked out above: 0 without a terminal (the vertex would say 40.02 without
    presolve and without the unique-duals step), 40.02 EUR/MWh with a 2 GW terminal."""
    from npvi_model.robust.evaluate import cost_under_plan

    ds = _all_domestic(terminal_gw=terminal_gw)
    vertex = SolverConfig(
        algorithm="simplex", time_limit_s=60, options={"presolve": "off"}, dual_headroom=0.0
    )
    model = build_model(ds)
    _, duals = cost_under_plan(model, {}, vertex)
    res = extract(model, ds, duals)
    rule = res["path_rule_value"].sel(path_rule="h2_domestic_min_share", year=2030)
    assert float(rule) == pytest.approx(value, rel=1e-6, abs=1e-9)
