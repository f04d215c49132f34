"""Tie-breakers (model/tie_breaks.py): a micro-model whose tie is broken by hand, and the
tie-break cost kept out of the reported system cost."""

from __future__ import annotations

import json

import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.model.tie_breaks import DEFAULTS, discounted_tie_break_meur


def _shared_wind(tie_breaks: dict | None):
    """Clusters A and B, one slice of 8760 h; wind 1 GW at A with CF 1; corridor A-B 10 GW;
    electricity demand 0.6 GW flat at A and at B (5.256 TWh each)."""
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "electricity_corridor", "loc": "AB", "from": "A", "to": "B", "existing": 10.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 5.256
    if tie_breaks is not None:
        ds.attrs["tie_breaks"] = json.dumps(tie_breaks)
    return ds


def test_cluster_spread_and_flow_cost_pick_one_answer():
    """1 GW of wind serves 1 of the 1.2 GW demand; 0.2 GW falls back to fossil, at A or at B:
    the same system cost, 0.2 GW x 8760 h x 50 EUR/MWh = 87.6 MEUR.

    Tie-breakers (0.01 EUR/MWh flow, 0.01 EUR/MWh cluster spread; rank A = 1/2, rank B = 2/2),
    per hour, in EUR/MWh x GW:
    - fallback at A: corridor carries 0.6 GW -> 0.01 x 0.6 + 0.01 x 1/2 x 0.2 = 0.0070;
    - fallback at B: corridor carries 0.4 GW -> 0.01 x 0.4 + 0.01 x 1 x 0.2 = 0.0060.
    So the fallback is at B. The cluster spread also charges the fallback (0.2 GW) only, as
    there is no grid, electrolyser or import. Tie-break cost = 0.0060 x 8760 h x 1e-3 =
    0.05256 MEUR; the system cost stays 87.6 MEUR.
    """
    ds = _shared_wind(DEFAULTS)
    m, duals = solve_micro(ds)
    assert val(m.electricity_fallback, "B", 2030, 0) == pytest.approx(0.2)
    assert val(m.electricity_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert val(m.corridor_forward, "electricity_corridor:AB", 2030, 0) == pytest.approx(0.4)
    assert discounted_tie_break_meur(m) == pytest.approx(0.05256)
    assert m.total_cost() == pytest.approx(87.6 + 0.05256)
    res = extract(m, ds, duals)
    costs = res["cost"].sel(year=2030)
    assert float(costs.sel(cost_component="tie_break")) == pytest.approx(52_560.0)
    system = float(costs.drop_sel(cost_component="tie_break").sum())
    assert system == pytest.approx(87.6e6)


def test_without_tie_breaks_no_cost_is_added():
    """Inputs without `tie_breaks` (or with enabled: false) get a zero tie-break cost and the
    objective is the system cost, 87.6 MEUR, whichever cluster falls back."""
    for settings in (None, {**DEFAULTS, "enabled": False}):
        m, _ = solve_micro(_shared_wind(settings))
        assert discounted_tie_break_meur(m) == 0.0
        assert m.total_cost() == pytest.approx(87.6)
        fallback = val(m.electricity_fallback, "A", 2030, 0) + val(
            m.electricity_fallback, "B", 2030, 0
        )
        assert fallback == pytest.approx(0.2)


def test_capex_spread_builds_the_earlier_asset():
    """Two clusters each may build an electrolyser (capex 100 MEUR/GW, life 10 yr, wacc 0:
    annuity 10 MEUR/GW/yr); H2 demand 0.5 GW at A and none at B; wind 1 GW at A and B with
    CF 1 all year; H2 pipeline A-B 10 GW. Building 1 GW at A or at B (and piping) costs the same
    10 MEUR/yr without tie-breakers. The capex spread (1e-4 x rank; the electrolysers are assets
    3 and 4 of 5: rank 3/5 and 4/5) adds 1e-4 x 3/5 x 10 = 0.0006 MEUR/yr at A against 0.0008
    at B; the cluster spread on electrolyser input (rank A 1/2, B 2/2) and the flow cost of
    piping from B also favour A: the electrolyser is built at A.
    """
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "offshore_wind", "loc": "B", "existing": 1.0},
            {"tech": "electrolyser", "loc": "A", "max_new": 5.0, "capex": 100.0, "lifetime": 10.0},
            {"tech": "electrolyser", "loc": "B", "max_new": 5.0, "capex": 100.0, "lifetime": 10.0},
            {"tech": "h2_pipeline", "loc": "AB", "from": "A", "to": "B", "existing": 10.0},
        ],
    )
    ds["hydrogen_demand_twh"].loc[{"cluster": "A"}] = 4.38
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    m, _ = solve_micro(ds)
    assert val(m.new_capacity, "electrolyser:A", 2030) == pytest.approx(1.0)
    assert val(m.new_capacity, "electrolyser:B", 2030) == pytest.approx(0.0, abs=1e-9)


def test_build_cost_builds_no_unused_capacity_where_capex_is_zero():
    """A CO2 sink at A that may be built up to 5 Mt/yr at capex 0 (the tariff pays for it);
    1 Mt/yr of capture planned; CO2 price 100 EUR/t, tariff 0. Capturing and storing all 1 Mt
    saves 100 MEUR/yr, so it is stored; without tie-breakers any sink size from 1 to 5 Mt/yr
    costs the same. The build tie-breaker (0.01 MEUR per Mt/yr per year) makes it exactly
    1 Mt/yr, adding 0.01 MEUR to the tie-break cost (plus 0.01 EUR/t x 1 Mt x rank 1 of the
    cluster spread on CO2 stored = 0.01 MEUR): 0.02 MEUR."""
    ds = micro_inputs(
        assets=[{"tech": "co2_sink", "loc": "A", "max_new": 5.0, "capex": 0.0}],
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
    )
    ds["co2_capture_plan_mt"][:] = 1.0
    ds["price_co2_emission"][:] = 100.0
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    m, _ = solve_micro(ds)
    assert val(m.new_capacity, "co2_sink:A", 2030) == pytest.approx(1.0)
    assert discounted_tie_break_meur(m) == pytest.approx(0.02)
