"""Micro-models: one feature each, with the answer worked out by hand in the docstring.

Conventions of `micro_inputs`: fallback = 1 MWh gas per MWh carrier at 50 EUR/MWh gas and
0.2 t CO2/MWh; CO2 price 0; year and discount weights 1; money in MEUR inside the model.
"""

from __future__ import annotations

import numpy as np
import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.inputs import discount_weights, year_weights
from npvi_model.model.investment import capital_recovery_factor


def test_one_cluster_two_hours_one_electrolyser():
    """One cluster, two slices of 4380 h, wind 2 GW with CF 1 then 0, electrolyser 2 GW at
    efficiency 0.5, flat H2 demand 1 GW (8.76 TWh/yr).

    Slice 0: 2 GW wind -> 2 GW into the electrolyser -> 1 GW H2 = demand; no fallback.
    Slice 1: no wind, no grid -> 1 GW grey H2: 4380 GWh = 4.38 TWh unmet.
    Cost: 4380 GWh x 1 x 50 EUR/MWh = 219 MEUR. Emissions: 4380 GWh x 0.2 t/MWh = 0.876 Mt.
    H2 price in slice 1 = the fallback's 50 EUR/MWh.
    """
    ds = micro_inputs(
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 2.0},
            {"tech": "electrolyser", "loc": "A", "existing": 2.0},
        ]
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    m, duals = solve_micro(ds)
    assert val(m.electrolyser_input, "A", 2030, 0) == pytest.approx(2.0)
    assert val(m.h2_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert val(m.h2_fallback, "A", 2030, 1) == pytest.approx(1.0)
    assert m.total_cost() == pytest.approx(219.0)
    res = extract(m, ds, duals)
    assert float(res["unmet"].sel(carrier="hydrogen", cluster="A", year=2030)) == pytest.approx(
        4.38
    )
    assert float(res["emissions"].sel(year=2030)) == pytest.approx(0.876)
    price_slice_1 = duals[m.h2_balance["A", 2030, 1]] / (4380 * 1e-3)
    assert abs(price_slice_1) == pytest.approx(50.0)


def test_corridor_binds_and_its_marginal_value():
    """Wind 3 GW at A with CF 1 all year; electricity demand 2 GW flat at B (17.52 TWh);
    corridor A-B 1 GW; no grid. B gets 1 GW over the corridor and 1 GW from the fallback.
    One more MW of corridor saves 1 MWh of fallback every hour: 50 EUR/MWh x 8760 h =
    438,000 EUR per MW per year.
    """
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 3.0},
            {"tech": "electricity_corridor", "loc": "AB", "from": "A", "to": "B", "existing": 1.0},
        ],
    )
    ds["electricity_demand_twh"].loc[{"cluster": "B"}] = 17.52
    m, duals = solve_micro(ds)
    assert val(m.corridor_forward, "electricity_corridor:AB", 2030, 0) == pytest.approx(1.0)
    assert val(m.electricity_fallback, "B", 2030, 0) == pytest.approx(1.0)
    res = extract(m, ds, duals)
    mv = res["limit_marginal_value"].sel(limit="electricity_corridor:AB", year=2030)
    assert float(mv) == pytest.approx(438_000.0)
    assert str(res["limit_unit"].sel(limit="electricity_corridor:AB").item()) == "MW"


def test_backbone_section_opens_in_2030():
    """H2 import terminal 2 GW at A (import price 0); H2 demand 1 GW at B; the section A-B
    (2 GW) opens in 2030. In 2025 B has no access: 8.76 TWh falls back; in 2030 none does.
    """
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2025, 2030),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "h2_import_terminal", "loc": "A", "existing": 2.0},
            {
                "tech": "h2_pipeline",
                "loc": "AB",
                "from": "A",
                "to": "B",
                "existing": {2025: 0.0, 2030: 2.0},
            },
        ],
    )
    ds["hydrogen_demand_twh"].loc[{"cluster": "B"}] = 8.76
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    unmet = res["unmet"].sel(carrier="hydrogen", cluster="B")
    assert float(unmet.sel(year=2025)) == pytest.approx(8.76)
    assert float(unmet.sel(year=2030)) == pytest.approx(0.0, abs=1e-9)
    assert float(res["green_share"].sel(carrier="hydrogen", cluster="B", year=2030)) == (
        pytest.approx(1.0)
    )


def test_co2_sink_full():
    """A cluster plans to capture 3 Mt; its sink takes 2 Mt/yr. CO2 price 100 EUR/t, T&S 20
    EUR/t. It captures and stores 2 Mt, emits 1 Mt. Cost: 2 x 20 + 1 x 100 = 140 MEUR.
    One more t/yr of sink saves 100 - 20 = 80 EUR per t/yr.
    """
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "co2_sink", "loc": "S1", "from": "A", "to": "A", "existing": 2.0},
        ],
    )
    ds["co2_capture_plan_mt"][:] = 3.0
    ds["price_co2_emission"][:] = 100.0
    ds["price_co2_transport_storage"][:] = 20.0
    m, duals = solve_micro(ds)
    assert val(m.co2_stored, "co2_sink:S1", 2030) == pytest.approx(2.0)
    assert m.total_cost() == pytest.approx(140.0)
    res = extract(m, ds, duals)
    assert float(res["emissions"].sel(year=2030)) == pytest.approx(1.0)
    assert float(res["limit_marginal_value"].sel(limit="co2_sink:S1", year=2030)) == (
        pytest.approx(80.0)
    )
    # nothing stored that was not captured
    assert (
        float(res["co2_stored"].sum())
        <= float(res["supply"].sel(carrier="co2", source="captured").sum()) + 1e-9
    )


def test_lifetime_retires_capacity_and_annuity():
    """Years 2025, 2035, 2045 (each standing for 10 years). Grid 10 GW at price 0; H2 demand
    1 GW; an electrolyser (efficiency 0.5, capex 1000 EUR/kW, life 15 yr, WACC 0) may be built
    from 2025. The 2025 vintage serves 2025 and 2035 (2025 <= y < 2040) and is gone in 2045,
    so a second vintage of 2 GW is built in 2045.
    Annuity = 2 GW x 1000 MEUR/GW / 15 yr = 133.33 MEUR/yr in every year a vintage serves.
    """
    ds = micro_inputs(
        years=(2025, 2035, 2045),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 10.0},
            {
                "tech": "electrolyser",
                "loc": "A",
                "max_new": 10.0,
                "earliest": 2025,
                "capex": 1000.0,
                "life": 15.0,
                "lifetime": 15.0,
            },
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_natural_gas"][:] = 1000.0  # grey H2 far dearer than building
    m, _ = solve_micro(ds)
    new = {y: val(m.new_capacity, "electrolyser:A", y) for y in (2025, 2035, 2045)}
    assert new[2025] == pytest.approx(2.0)
    assert new[2035] == pytest.approx(0.0, abs=1e-9)
    assert new[2045] == pytest.approx(2.0)
    assert val(m.capacity, "electrolyser:A", 2045) == pytest.approx(2.0)
    assert val(m.investment_annuity, 2035) == pytest.approx(2 * 1000 / 15)
    assert capital_recovery_factor(0.07, 25) == pytest.approx(0.085811, rel=1e-4)


def test_nothing_is_built_before_its_earliest_year():
    """Same as above but the electrolyser's earliest year is 2035: 2025 falls back to grey H2
    (8.76 TWh), from 2035 on the electrolyser serves the demand."""
    ds = micro_inputs(
        years=(2025, 2035),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 10.0},
            {"tech": "electrolyser", "loc": "A", "max_new": 10.0, "earliest": 2035, "capex": 100.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    assert ("electrolyser:A", 2025) not in m.new_capacity
    assert float(res["unmet"].sel(carrier="hydrogen", year=2025).sum()) == pytest.approx(8.76)
    assert float(res["unmet"].sel(carrier="hydrogen", year=2035).sum()) == pytest.approx(
        0, abs=1e-9
    )


def test_discount_weights_by_hand():
    """Years 2025 and 2030 at 4 %, base 2025: each stands for 5 years.
    2025: 1 + 1/1.04 + 1/1.04^2 + 1/1.04^3 + 1/1.04^4 = 4.629895;
    2030: the same x 1/1.04^5 = 4.629895 x 0.821927 = 3.805435.
    A constant cost of 100 MEUR/yr (1 Mt other emissions at 100 EUR/t) gives an objective of
    100 x (4.629895 + 3.805435) = 843.533 MEUR.
    """
    w = year_weights([2025, 2030])
    assert list(w) == [5.0, 5.0]
    dw = discount_weights([2025, 2030], w, 0.04, 2025)
    assert dw == pytest.approx([4.629895, 3.805435], rel=1e-6)
    ds = micro_inputs(
        years=(2025, 2030), slice_weights=(8760.0,), wind_cf=(0.0,), discount_rate=0.04
    )
    ds["other_emissions_mt"][:] = 1.0
    ds["price_co2_emission"][:] = 100.0
    m, _ = solve_micro(ds)
    assert m.total_cost() == pytest.approx(843.533, rel=1e-6)


def test_storage_carries_hydrogen_across_days():
    """Two representative days of 24 h: type 0 (CF 1) for the first 182 calendar days, type 1
    (CF 0) for the last 183. Wind 4 GW feeds a 4 GW electrolyser (efficiency 0.5) = 2 GW H2 on
    windy days; demand is 1 GW flat. Without storage the 183 calm days fall back:
    183 x 24 GWh = 4392 GWh. With a 2000 GWh cavern charged on windy days (surplus 1 GW x 4368 h
    is ample), the calm days draw 2000 GWh from it: 4392 - 2000 = 2392 GWh = 2.392 TWh unmet.
    """

    def case(storage_gwh):
        weights = [182.0] * 24 + [183.0] * 24
        ds = micro_inputs(
            slice_weights=weights,
            wind_cf=[1.0] * 24 + [0.0] * 24,
            hours_per_period=24,
            day_period=[0] * 182 + [1] * 183,
            assets=[
                {"tech": "offshore_wind", "loc": "A", "existing": 4.0},
                {"tech": "electrolyser", "loc": "A", "existing": 4.0},
                {"tech": "h2_storage", "loc": "A", "existing": storage_gwh},
            ],
        )
        ds["hydrogen_demand_twh"][:] = 8.76
        m, duals = solve_micro(ds)
        return m, extract(m, ds, duals)

    m, res = case(2000.0)
    assert float(res["unmet"].sel(carrier="hydrogen").sum()) == pytest.approx(2.392, rel=1e-6)
    levels = np.array([val(m.level_at_day_start, "A", 2030, d) for d in range(365)])
    assert levels.max() <= 2000.0 + 1e-6 and levels.min() >= -1e-9
    _, res_small = case(0.0)
    assert float(res_small["unmet"].sel(carrier="hydrogen").sum()) == pytest.approx(4.392)


def test_soft_emission_cap_reports_the_gap():
    """10 Mt of other emissions against a cap of 8 Mt: nothing can abate them, so the gap is
    2 Mt and the objective carries the penalty 2 Mt x 300 EUR/t = 600 MEUR."""
    ds = micro_inputs(slice_weights=(8760.0,), wind_cf=(0.0,))
    ds["other_emissions_mt"][:] = 10.0
    ds["emission_cap_mt"][:] = 8.0
    ds.attrs["emission_cap_penalty_eur_per_t"] = 300.0
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    assert float(res["emission_gap"].sel(year=2030)) == pytest.approx(2.0)
    assert m.total_cost() == pytest.approx(600.0)


def test_wind_is_landed_where_it_is_used_within_landing_limits():
    """Electricity demand 2 GW flat at A and at B, no grid, no corridor; wind CF 1; new wind free
    (capex 0) up to a national 3 GW; landing limit A 1 GW, B 5 GW.
    The model lands 1 GW at A (its limit) and 2 GW at B (all B needs): 3 GW, the roadmap.
    A is 1 GW short: 8.76 TWh falls back. One more MW of landing at A saves 1 MWh of fallback
    every hour: 50 EUR/MWh x 8760 h = 438,000 EUR per MW-year. The roadmap has no value at the
    margin: a 4th GW could land only at B, which needs no more.
    """
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "max_new": 10.0},
            {"tech": "offshore_wind", "loc": "B", "max_new": 10.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 17.52
    ds["industry_wind_gw"][:] = 3.0
    ds["landing_limit_gw"][:] = [1.0, 5.0]
    m, duals = solve_micro(ds)
    assert val(m.capacity, "offshore_wind:A", 2030) == pytest.approx(1.0)
    assert val(m.capacity, "offshore_wind:B", 2030) == pytest.approx(2.0)
    res = extract(m, ds, duals)
    unmet = res["unmet"].sel(carrier="electricity", year=2030)
    assert float(unmet.sel(cluster="A")) == pytest.approx(8.76)
    assert float(unmet.sel(cluster="B")) == pytest.approx(0.0, abs=1e-9)
    values = res["limit_marginal_value"].sel(year=2030)
    assert float(values.sel(limit="offshore_wind_landing:A")) == pytest.approx(438_000.0)
    assert "national_offshore_wind:NL" not in set(res["limit"].values)


def test_capacity_is_a_variable_with_one_defining_row():
    """Years 2025, 2035, 2045 (weights 1). Grid 10 GW at price 0; H2 demand 1 GW flat
    (8.76 TWh); an electrolyser (efficiency 0.5) of 1 GW exists in 2025 and 2035 and is gone in
    2045; new ones (capex 1500 EUR/kW, life 15 yr, WACC 0: annuity 1500 / 15 = 100 MEUR per GW
    per year in service) may be built from 2035.

    capacity[2025] has no build in service: it is the constant 1 GW (fixed, no row), so 2 GW of
    input cannot be had: 1 GW in -> 0.5 GW H2, 0.5 GW grey: 4380 GWh x 50 EUR/MWh = 219 MEUR.
    capacity[2035] = 1 + new[2035] and capacity[2045] = 0 + new[2035] + new[2045] (the 2035
    vintage serves 2035 <= y < 2050): both need 2 GW. new[2035] = 1 and new[2045] = 1 costs
    100 (2035) + 2 x 100 (2045) = 300 MEUR; new[2035] = 2 would cost 200 + 200 = 400 MEUR.
    Total 219 + 300 = 519 MEUR. One more GW of existing capacity in 2045 saves new[2045]:
    100 MEUR, the dual of capacity_definition[2045]; in 2035 it saves a GW of the 2035 vintage
    (2 x 100) but needs a GW more of the 2045 one (100): also 100 MEUR.
    """
    ely = "electrolyser:A"
    ds = micro_inputs(
        years=(2025, 2035, 2045),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 10.0},
            {
                "tech": "electrolyser",
                "loc": "A",
                "existing": {2025: 1.0, 2035: 1.0},
                "max_new": 10.0,
                "earliest": 2035,
                "capex": 1500.0,
                "lifetime": 15.0,
            },
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    m, duals = solve_micro(ds)
    assert m.capacity[ely, 2025].fixed and val(m.capacity, ely, 2025) == 1.0
    assert list(m.capacity_definition) == [(ely, 2035), (ely, 2045)]
    assert not m.capacity[ely, 2035].fixed
    assert val(m.new_capacity, ely, 2035) == pytest.approx(1.0)
    assert val(m.new_capacity, ely, 2045) == pytest.approx(1.0)
    assert val(m.capacity, ely, 2035) == pytest.approx(2.0)
    assert val(m.capacity, ely, 2045) == pytest.approx(2.0)
    assert val(m.h2_fallback, "A", 2025, 0) == pytest.approx(0.5)
    assert m.total_cost() == pytest.approx(519.0)
    for y in (2035, 2045):
        assert abs(duals[m.capacity_definition[ely, y]]) == pytest.approx(100.0)
