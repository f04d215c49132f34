"""Micro-models of the power system behind the grid connections (model/power_system.py), with
the answers worked out by hand. Conventions of `micro_inputs`: 1 MWh gas per MWh of fallback
carrier, 0.2 t CO2/MWh, CO2 price 0, year and discount weights 1, money in MEUR in the model.
"""

from __future__ import annotations

import numpy as np
import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.power_system_inputs import grid_steps


def _steps(ds, surplus, dispatchable, price=(20.0, 100.0), factor=(0.0, 0.4)):
    """Step volumes per slice [GW] (same in every year), prices [EUR/MWh], CO2 [t/MWh]."""
    n_y = ds.sizes["year"]
    ds["grid_step_volume_gw"][:] = np.stack(
        [np.tile(surplus, (n_y, 1)), np.tile(dispatchable, (n_y, 1))]
    )
    ds["grid_step_price_eur_per_mwh"][:] = np.array(price)[:, None]
    ds["grid_step_emission_factor_t_per_mwh"][:] = np.array(factor)[:, None]


def test_national_electricity_limit_binds():
    """Clusters A and B each need 2 GW flat (17.52 TWh/yr) and each has a 3 GW connection, so
    the connections allow 6 GW; one slice of 8760 h. The power system can deliver 1 GW of
    surplus at 20 EUR/MWh (0 t/MWh) and 2 GW of dispatchable at 100 EUR/MWh (0.4 t/MWh).
    The fallback costs 150 EUR/MWh (gas price 150 x 1 MWh gas per MWh).

    National limit: 1 + 2 = 3 GW < 4 GW demand, so 1 GW (8.76 TWh) falls back.
    Cost per year: 8760 h x (1 GW x 20 + 2 GW x 100 + 1 GW x 150) EUR/MWh x 1e-3
                 = 8760 x 370 x 1e-3 = 3241.2 MEUR.
    Scope 2: 2 GW x 8760 h x 0.4 t/MWh = 7008 kt = 7.008 Mt (grid, reported apart).
    Industry emissions: 1 GW x 8760 h x 0.2 t/MWh = 1.752 Mt (fallback only, not scope 2).
    Grid price: one more MWh from the grid would replace a MWh of fallback: 150 EUR/MWh, the
    scarcity price, above the dearest step (100).
    """
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 3.0},
            {"tech": "grid_connection", "loc": "B", "existing": 3.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 17.52
    ds["price_natural_gas"][:] = 150.0
    _steps(ds, surplus=[1.0], dispatchable=[2.0])
    m, duals = solve_micro(ds)
    grid_total = val(m.grid_supply, "A", 2030, 0) + val(m.grid_supply, "B", 2030, 0)
    assert grid_total == pytest.approx(3.0)
    fallback = val(m.electricity_fallback, "A", 2030, 0) + val(m.electricity_fallback, "B", 2030, 0)
    assert fallback == pytest.approx(1.0)
    assert m.total_cost() == pytest.approx(3241.2)
    res = extract(m, ds, duals)
    assert float(res["scope2_emissions"].sel(year=2030)) == pytest.approx(7.008)
    assert float(res["emissions"].sel(year=2030)) == pytest.approx(1.752)
    by_step = res["grid_supply_by_step"].sel(year=2030)
    assert float(by_step.sel(grid_step="renewable_surplus")) == pytest.approx(8.76)
    assert float(by_step.sel(grid_step="dispatchable")) == pytest.approx(17.52)
    assert float(res["grid_price"].sel(year=2030, slice=0)) == pytest.approx(150.0)


def test_hourly_grid_price_and_a_flexible_electrolyser():
    """One cluster, two slices of 4380 h. Surplus 3 GW at 20 EUR/MWh in slice 0 and none in
    slice 1; dispatchable 5 GW at 100 EUR/MWh in both. Connection 3 GW; electrolyser 2 GW at
    efficiency 0.5; flat H2 demand 1 GW (8.76 TWh/yr); grey H2 costs 150 EUR/MWh (gas 150).

    Electrolytic H2 costs 20 / 0.5 = 40 EUR/MWh in slice 0 and 100 / 0.5 = 200 in slice 1,
    against 150 for grey. So the electrolyser runs at 2 GW in slice 0 only (1 GW H2 = demand)
    and is idle in slice 1, where 1 GW grey H2 serves demand.
    Cost: 4380 h x 2 GW x 20 x 1e-3 + 4380 h x 1 GW x 150 x 1e-3 = 175.2 + 657 = 832.2 MEUR.
    Grid price: 20 EUR/MWh in slice 0 (surplus not used up). In slice 1 nothing is drawn, so
    every price from 75 (what one more MWh is worth to the electrolyser: 0.5 MWh H2 replacing
    grey at 150) to 100 (what the dispatchable step asks for it) is an optimal dual; the
    unique-duals rule (unique_duals.py: what a little more room on a row is worth) gives 75.
    Full-load hours of the electrolyser: 4380 h.
    """
    ds = micro_inputs(
        slice_weights=(4380.0, 4380.0),
        wind_cf=(0.0, 0.0),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 3.0},
            {"tech": "electrolyser", "loc": "A", "existing": 2.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_natural_gas"][:] = 150.0
    _steps(ds, surplus=[3.0, 0.0], dispatchable=[5.0, 5.0])
    m, duals = solve_micro(ds)
    assert val(m.electrolyser_input, "A", 2030, 0) == pytest.approx(2.0)
    assert val(m.electrolyser_input, "A", 2030, 1) == pytest.approx(0.0, abs=1e-9)
    assert val(m.h2_fallback, "A", 2030, 1) == pytest.approx(1.0)
    assert m.total_cost() == pytest.approx(832.2)
    res = extract(m, ds, duals)
    assert float(res["grid_price"].sel(year=2030, slice=0)) == pytest.approx(20.0)
    assert float(res["grid_price"].sel(year=2030, slice=1)) == pytest.approx(75.0)
    assert float(res["scope2_emissions"].sel(year=2030)) == pytest.approx(0.0, abs=1e-12)


def test_supply_steps_from_residual_load():
    """Two hours, one year. Non-industry demand 8.76 TWh/yr = 1 GW average, load profile
    (0.5, 1.5); onshore 2 GW at cf (1, 0); solar 1 GW at cf (0.5, 0); offshore 1 GW at cf
    (0, 0.2); dispatchable 3 GW.
    Hour 0: residual = 0.5 - 2 - 0.5 - 0 = -2 GW -> surplus 2 GW, headroom 3 - 0 = 3 GW.
    Hour 1: residual = 1.5 - 0 - 0 - 0.2 = 1.3 GW -> surplus 0, headroom 3 - 1.3 = 1.7 GW.
    """
    residual, volume = grid_steps(
        [8.76],
        [2.0],
        [1.0],
        [1.0],
        [3.0],
        load_pu=np.array([0.5, 1.5]),
        cf_onshore=np.array([1.0, 0.0]),
        cf_solar=np.array([0.5, 0.0]),
        cf_offshore=np.array([0.0, 0.2]),
    )
    assert residual[0] == pytest.approx([-2.0, 1.3])
    assert volume[0, 0] == pytest.approx([2.0, 0.0])
    assert volume[1, 0] == pytest.approx([3.0, 1.7])


def test_offshore_wind_roadmap_schedule_is_built():
    """One cluster, no demand. Offshore wind 1 GW in service, up to 5 GW more may be built at
    2000 EUR/kW (life 20 yr, WACC 0, fom 0); industry's share of the roadmap is 2 GW.

    `max` mode: the roadmap only caps; wind has no use, so nothing is built: cost 0.
    `schedule` mode: capacity must equal 2 GW, so 1 GW is built:
    annuity 1 GW x 2000 MEUR/GW / 20 yr = 100 MEUR/yr.
    """
    for mode, built, cost in (("max", 0.0, 0.0), ("schedule", 1.0, 100.0)):
        ds = micro_inputs(
            slice_weights=(8760.0,),
            wind_cf=(0.5,),
            assets=[
                {
                    "tech": "offshore_wind",
                    "loc": "A",
                    "existing": 1.0,
                    "max_new": 5.0,
                    "capex": 2000.0,
                    "lifetime": 20.0,
                },
            ],
        )
        ds["industry_wind_gw"][:] = 2.0
        ds.attrs["offshore_wind_roadmap_mode"] = mode
        m, _ = solve_micro(ds)
        assert val(m.new_capacity, "offshore_wind:A", 2030) == pytest.approx(built, abs=1e-9)
        assert m.total_cost() == pytest.approx(cost, abs=1e-9)


def test_time_reduction_keeps_the_annual_energy_of_each_step():
    """On the shipped data at 2 representative days: for every supply step and year,
    sum over slices of weight x volume = the sum over the 8760 hours (each slice is the mean
    of the calendar days its representative day stands for). Also: the surplus is larger
    where more wind and solar stand against the same load (2050 vs 2025), and the step
    prices follow their formulas (surplus price + tariff; gas / efficiency + CO2 x factor +
    tariff)."""
    from npvi_model.data_io import default_data_dir
    from npvi_model.inputs import build_inputs
    from npvi_model.scenario import resolve
    from npvi_model.timeslices import reduce_time

    root = default_data_dir().parent
    hourly = build_inputs(resolve(root / "scenarios" / "base.yaml"), default_data_dir())
    reduced = reduce_time(hourly, "representative", 2)
    annual_hourly = hourly["grid_step_volume_gw"].sum("hour")
    annual_reduced = (reduced["grid_step_volume_gw"] * reduced["slice_weight_h"]).sum("slice")
    np.testing.assert_allclose(annual_reduced.values, annual_hourly.values, rtol=1e-9)
    full = reduce_time(hourly, "full", 0)  # --hours full: the 8760 hours as they are
    np.testing.assert_array_equal(
        full["grid_step_volume_gw"].values, hourly["grid_step_volume_gw"].values
    )
    surplus = annual_hourly.sel(grid_step="renewable_surplus")
    assert float(surplus.sel(year=2050)) > float(surplus.sel(year=2025)) > 0
    price = hourly["grid_step_price_eur_per_mwh"].sel(year=2030)
    gas, co2 = float(hourly["price_natural_gas"].sel(year=2030)), 127.83
    factor = float(
        hourly["grid_step_emission_factor_t_per_mwh"].sel(grid_step="dispatchable", year=2030)
    )
    assert float(hourly["price_co2_emission"].sel(year=2030)) == pytest.approx(co2)
    # data/power_system.csv: efficiency 0.55; tariff 10 (2025) -> 15 (2040): 11.67 in 2030
    tariff = 10.0 + 5.0 * 5 / 15
    assert float(price.sel(grid_step="dispatchable")) == pytest.approx(
        gas / 0.55 + co2 * factor + tariff
    )
    assert float(price.sel(grid_step="renewable_surplus")) == pytest.approx(10.0 + tariff)


def test_grid_expansion_not_before_the_reinforcement_and_lead_time():
    """Data rule for `expansion_limits.csv`: a cluster's grid connection may grow beyond its
    schedule no earlier than its last scheduled 380 kV reinforcement (`grid_connections.csv`)
    and no earlier than 2025 + 6 years (4 years of planning and permits + 2 of construction,
    TenneT)."""
    from npvi_model.data_io import default_data_dir, load_tables

    tables, _ = load_tables(default_data_dir())
    schedule = tables["grid_connections"].groupby("cluster")["from_year"].max()
    limits = tables["expansion_limits"]
    grid = limits[limits["technology"] == "grid_connection"].set_index("location")
    assert set(grid.index) == set(schedule.index)
    for cluster, earliest in grid["earliest_year"].items():
        assert earliest >= max(schedule[cluster], 2031), cluster


def test_national_limit_has_a_marginal_value():
    """The set-up of `test_national_electricity_limit_binds`: one more MW of the dispatchable
    step saves 1 MWh of fallback (150 EUR) and costs 100 EUR, every hour:
    (150 - 100) x 8760 = 438,000 EUR per MW per year; one more MW of surplus saves
    (150 - 20) x 8760 = 1,138,800 EUR per MW per year."""
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 3.0},
            {"tech": "grid_connection", "loc": "B", "existing": 3.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 17.52
    ds["price_natural_gas"][:] = 150.0
    _steps(ds, surplus=[1.0], dispatchable=[2.0])
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    mv = res["limit_marginal_value"].sel(year=2030)
    assert float(mv.sel(limit="power_system_dispatchable:NL")) == pytest.approx(438_000.0)
    assert float(mv.sel(limit="power_system_renewable_surplus:NL")) == pytest.approx(1_138_800.0)
    assert str(res["limit_unit"].sel(limit="power_system_dispatchable:NL").item()) == "MW"


def test_electrolysers_take_co2_free_power_only():
    """One cluster, two slices of 4380 h. Surplus 1 GW at 20 EUR/MWh (0 t/MWh) in slice 0, none
    in slice 1; gas-fired step 5 GW at 100 EUR/MWh (0.4 t/MWh) in both. Connection 5 GW,
    electrolyser 4 GW at efficiency 0.5, H2 demand 1 GW flat; grey H2 at 300 EUR/MWh (gas 300).

    Rule off: electrolytic H2 costs 40 (surplus) or 200 (gas-fired) < 300: the electrolyser
    makes all 1 GW H2 from 2 GW input in both slices (slice 0: 1 GW surplus + 1 GW gas-fired).
    Cost: 4380 x (1 x 20 + 1 x 100) x 1e-3 + 4380 x 2 x 100 x 1e-3 = 525.6 + 876 = 1401.6 MEUR.
    Rule on: input <= CO2-free power: 1 GW in slice 0 (0.5 GW H2, 0.5 GW grey), 0 in slice 1.
    Cost: 4380 x (1 x 20 + 0.5 x 300) x 1e-3 + 4380 x 1 x 300 x 1e-3 = 744.6 + 1314 = 2058.6.
    """
    for rule, input_0, input_1, cost in ((0, 2.0, 2.0, 1401.6), (1, 1.0, 0.0, 2058.6)):
        ds = micro_inputs(
            slice_weights=(4380.0, 4380.0),
            wind_cf=(0.0, 0.0),
            assets=[
                {"tech": "grid_connection", "loc": "A", "existing": 5.0},
                {"tech": "electrolyser", "loc": "A", "existing": 4.0},
            ],
        )
        ds["hydrogen_demand_twh"][:] = 8.76
        ds["price_natural_gas"][:] = 300.0
        _steps(ds, surplus=[1.0, 0.0], dispatchable=[5.0, 5.0])
        ds.attrs["electrolysis_low_carbon_power_only"] = rule
        m, _ = solve_micro(ds)
        assert val(m.electrolyser_input, "A", 2030, 0) == pytest.approx(input_0)
        assert val(m.electrolyser_input, "A", 2030, 1) == pytest.approx(input_1, abs=1e-9)
        assert m.total_cost() == pytest.approx(cost)
