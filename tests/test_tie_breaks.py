"""Tie-breakers (model/tie_breaks.py): a micro-model whose tie is broken by hand, and the
tie-break cost kept out of the reported system cost."""

from __future__ import annotations

import json

import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.model import build_model
from npvi_model.model.tie_breaks import DEFAULTS, discounted_tie_break_meur
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve


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

    Tie-breakers (defaults: flow 0.01, cluster spread 0.01, hour spread 0.001 on green supply,
    fallback 0.02 EUR/MWh; rank A = 1/2, B = 2/2 for green supply, reversed for the fallback:
    A 2/2, B 1/2; the one slice has hour rank 1/1 both ways), per hour, in EUR/MWh x GW:
    - fallback at A: corridor carries 0.6 GW -> 0.01 x 0.6 + (0.01 x 1/2 + 0.001 x 1) x 1 wind
      used + (0.01 x 1 + 0.001 + 0.02) x 0.2 = 0.006 + 0.006 + 0.0062 = 0.0182;
    - fallback at B: corridor carries 0.4 GW -> 0.01 x 0.4 + 0.006
      + (0.01 x 1/2 + 0.001 + 0.02) x 0.2 = 0.004 + 0.006 + 0.0052 = 0.0152.
    So the fallback is at B. Tie-break cost = 0.0152 x 8760 h x 1e-3 = 0.133152 MEUR; the
    system cost stays 87.6 MEUR.
    """
    ds = _shared_wind(DEFAULTS)
    m, duals = solve_micro(ds)
    assert val(m.electricity_fallback, "B", 2030, 0) == pytest.approx(0.2)
    assert val(m.electricity_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert val(m.corridor_forward, "electricity_corridor:AB", 2030, 0) == pytest.approx(0.4)
    assert discounted_tie_break_meur(m) == pytest.approx(0.133152)
    assert m.total_cost() == pytest.approx(87.6 + 0.133152)
    res = extract(m, ds, duals)
    costs = res["cost"].sel(year=2030)
    assert float(costs.sel(cost_component="tie_break")) == pytest.approx(133_152.0)
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


def _import_at(price_eur_per_mwh: float, slice_weights=(8760.0,)):
    """One cluster A; hydrogen demand 1 GW flat (8.76 TWh); an import terminal of 2 GW with
    imports at `price_eur_per_mwh`; the fossil fallback at 50 EUR/MWh. Tie-breakers on."""
    ds = micro_inputs(
        slice_weights=slice_weights,
        wind_cf=(0.0,) * len(slice_weights),
        assets=[{"tech": "h2_import_terminal", "loc": "A", "existing": 2.0}],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_hydrogen_import"][:] = price_eur_per_mwh
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    return ds


def test_fallback_tie_breaker_keeps_the_delivery_gap_smallest():
    """Imports cost 50 EUR/MWh, as much as the fallback: 438 MEUR whether the 8.76 TWh are
    imported or fall back. Tie-break cost per hour: on 1 GW of import, cluster spread 0.01 x 1
    + hour spread 0.001 x 1 (rank 1 of 1) = 0.011 EUR/MWh; on 1 GW of fallback, the same
    spreads + fallback 0.02 = 0.031 EUR/MWh. So all is imported and the delivery gap is 0;
    tie-break cost 0.011 x 8760 GWh x 1e-3 = 0.09636 MEUR (falling back: 0.27156)."""
    ds = _import_at(50.0)
    m, duals = solve_micro(ds)
    assert val(m.h2_import, "A", 2030, 0) == pytest.approx(1.0)
    assert val(m.h2_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert discounted_tie_break_meur(m) == pytest.approx(0.09636)
    assert m.total_cost() == pytest.approx(438.0 + 0.09636)
    res = extract(m, ds, duals)
    assert float(res["delivery_gap"].sum()) == pytest.approx(0.0, abs=1e-9)


def test_hour_spread_draws_green_supply_in_the_earlier_hour():
    """Two slices of 4380 h; imports at 10 EUR/MWh may be at most half the year's hydrogen
    demand (path rule, 4.38 TWh), the rest falls back. Importing 1 GW in slice 0 or in slice 1
    costs the same (4.38 TWh x 10 + 4.38 TWh x 50 = 262.8 MEUR). The hour spread ranks slice 0
    1/2 and slice 1 2/2 for green supply, and the other way round for the fallback (slice 0
    2/2, slice 1 1/2), so the import comes in slice 0 and the fallback in slice 1. Tie-break
    cost: import (0.01 + 0.001 x 1/2) x 1 GW x 4380 h + fallback (0.01 + 0.001 x 1/2 + 0.02)
    x 1 GW x 4380 h = 45.99 + 133.59 = 179.58 kEUR = 0.17958 MEUR (the other way round:
    48.18 + 135.78 = 183.96)."""
    ds = _import_at(10.0, slice_weights=(4380.0, 4380.0))
    ds["h2_import_max_share"] = ("year", [0.5])
    m, _ = solve_micro(ds)
    assert val(m.h2_import, "A", 2030, 0) == pytest.approx(1.0)
    assert val(m.h2_import, "A", 2030, 1) == pytest.approx(0.0, abs=1e-9)
    assert val(m.h2_fallback, "A", 2030, 1) == pytest.approx(1.0)
    assert m.total_cost() == pytest.approx(262.8 + 0.17958)


def _windy_then_calm(tie_breaks: dict):
    """Two representative days of 24 h: windy (CF 1) for calendar days 0-181, calm (CF 0) for
    days 182-364. Wind 3 GW feeds a 4 GW electrolyser (efficiency 0.5): 1.5 GW of hydrogen on
    windy days against a demand of 1 GW flat; a 3000 GWh store (as in test_micro_models, but
    larger than the surplus it can carry)."""
    ds = micro_inputs(
        slice_weights=[182.0] * 24 + [183.0] * 24,
        wind_cf=[1.0] * 24 + [0.0] * 24,
        hours_per_period=24,
        day_period=[0] * 182 + [1] * 183,
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 3.0},
            {"tech": "electrolyser", "loc": "A", "existing": 4.0},
            {"tech": "h2_storage", "loc": "A", "existing": 3000.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds.attrs["tie_breaks"] = json.dumps(tie_breaks)
    return ds


def test_holding_tie_breaker_keeps_the_store_no_fuller_than_needed():
    """The windy days' surplus, 0.5 GW x 24 h x 182 days = 2184 GWh, is carried to the calm
    days: every windy day adds 12 GWh, every calm day takes 2184/183 GWh (the rest of the calm
    days' 4392 GWh falls back). The store (3000 GWh) has 816 GWh to spare, so the level is fixed
    up to a constant that the system cost does not see (shown: starting day 0 at 500 GWh costs
    the same system cost). The holding tie-breaker makes it as low as it can be: empty at the
    start of day 0 (after the last calm day), 1092 GWh at the start of day 91, 2184 GWh at the
    start of day 182. Held in all: the sum of the day-start levels, 12 x (0 + ... + 181) =
    197,652 over the windy days + 2184 x (183 - 91) = 200,928 over the calm days = 398,580
    GWh-days (0.039858 MEUR of tie-break cost at 1e-4 EUR/MWh per day). Starting at 500 GWh
    holds 500 x 365 GWh-days more: 0.01825 MEUR more tie-break cost, nothing else."""
    m, _ = solve_micro(_windy_then_calm(DEFAULTS))
    levels = [val(m.level_at_day_start, "A", 2030, day) for day in range(365)]
    assert levels[0] == pytest.approx(0.0, abs=1e-6)
    assert levels[91] == pytest.approx(1092.0)
    assert levels[182] == pytest.approx(2184.0)
    assert levels[364] == pytest.approx(2184.0 / 183)
    assert sum(levels) == pytest.approx(398_580.0)
    system_cost = m.total_cost() - discounted_tie_break_meur(m)

    shifted = build_model(_windy_then_calm(DEFAULTS))
    shifted.level_at_day_start["A", 2030, 0].fix(500.0)
    solve(shifted, SolverConfig(algorithm="simplex", time_limit_s=60))
    assert val(shifted.level_at_day_start, "A", 2030, 182) == pytest.approx(2684.0)
    shifted_cost = shifted.total_cost() - discounted_tie_break_meur(shifted)
    assert shifted_cost == pytest.approx(system_cost, rel=1e-12)
    assert shifted.total_cost() - m.total_cost() == pytest.approx(0.01825, rel=1e-6)


def test_reverse_rank_gives_scarce_grid_to_the_earlier_cluster():
    """Clusters A and B, one slice of 8760 h, electricity demand 1 GW flat at each; grid
    connections of 2 GW; the national grid offers 1 GW in all (30 EUR/MWh). One cluster gets
    the grid, the other falls back (50 EUR/MWh): 262.8 + 438 = 700.8 MEUR either way.

    Per hour (rank A 1/2, B 2/2 on green supply; the fallback reversed, A 2/2, B 1/2; hour
    rank 1/1), in EUR/MWh x GW:
    - grid to A: (0.01 x 1/2 + 0.001) x 1 + (0.01 x 1/2 + 0.001 + 0.02) x 1 fallback at B
      = 0.006 + 0.026 = 0.032;
    - grid to B: (0.01 x 1 + 0.001) x 1 + (0.01 x 1 + 0.001 + 0.02) x 1 fallback at A
      = 0.011 + 0.031 = 0.042.
    So A gets the grid. Were the fallback ranked like green supply, both would cost 0.037
    (0.006 + 0.031, 0.011 + 0.026) and the tie would stay. Tie-break cost 0.032 x 8760 h x 1e-3
    = 0.28032 MEUR."""
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 2.0},
            {"tech": "grid_connection", "loc": "B", "existing": 2.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 8.76
    ds["grid_step_volume_gw"].loc[{"grid_step": "renewable_surplus"}] = 1.0
    ds["grid_step_price_eur_per_mwh"].loc[{"grid_step": "renewable_surplus"}] = 30.0
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    m, _ = solve_micro(ds)
    assert val(m.grid_supply, "A", 2030, 0) == pytest.approx(1.0)
    assert val(m.electricity_fallback, "B", 2030, 0) == pytest.approx(1.0)
    assert val(m.electricity_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert discounted_tie_break_meur(m) == pytest.approx(0.28032)
    assert m.total_cost() == pytest.approx(700.8 + 0.28032)
