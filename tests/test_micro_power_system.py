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
    Grid price: 20 EUR/MWh in slice 0 (surplus not used up), 100 in slice 1 (the dispatchable
    step sets it; nothing is drawn, but the next MWh would come from it).
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
    assert float(res["grid_price"].sel(year=2030, slice=1)) == pytest.approx(100.0)
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
