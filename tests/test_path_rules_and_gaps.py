"""Micro-models of the path rules, the two gaps and the cost accounting, worked out by hand.

Conventions of `micro_inputs`: fallback = 1 MWh gas per MWh carrier at 50 EUR/MWh gas and
0.2 t CO2/MWh; CO2 price 0 (so the fossil route costs 50 EUR/MWh); year and discount weights 1;
money in MEUR inside the model.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.inputs import discount_weights, year_weights
from npvi_model.model.tie_breaks import DEFAULTS
from npvi_model.path_rules import emission_caps


def _import_case(years=(2030,)):
    """One cluster, one slice of 8760 h, H2 demand 1 GW (8.76 TWh); wind 1 GW (CF 1, free) feeds
    an electrolyser of 1 GW input at efficiency 0.5 (0.5 GW H2, free); import terminal 2 GW at
    20 EUR/MWh; grey hydrogen 50 EUR/MWh."""
    ds = micro_inputs(
        years=years,
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "electrolyser", "loc": "A", "existing": 1.0},
            {"tech": "h2_import_terminal", "loc": "A", "existing": 2.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["price_hydrogen_import"][:] = 20.0
    return ds


def test_import_share_rule_of_a_path():
    """Import share at most 0.3 of demand in 2030, no rule in 2035.

    2030: domestic 0.5 GW; imports <= 0.3 x 8760 GWh = 2628 GWh (0.3 GW); grey 0.2 GW.
    Cost 2030: 2628 GWh x 20 + 1752 GWh x 50 = 52.56 + 87.6 = 140.16 MEUR.
    2035: imports fill the rest, 0.5 GW: 4380 GWh x 20 = 87.6 MEUR; no grey.
    Value of the rule in 2030: one more MWh of import replaces one MWh of grey hydrogen:
    50 - 20 = 30 EUR/MWh; in 2035 there is no rule (0).
    """
    ds = _import_case(years=(2030, 2035))
    ds["h2_import_max_share"] = ("year", np.array([0.3, np.nan]))
    m, duals = solve_micro(ds)
    assert val(m.h2_import, "A", 2030, 0) == pytest.approx(0.3)
    assert val(m.h2_fallback, "A", 2030, 0) == pytest.approx(0.2)
    assert val(m.h2_import, "A", 2035, 0) == pytest.approx(0.5)
    assert val(m.h2_fallback, "A", 2035, 0) == pytest.approx(0.0, abs=1e-9)
    assert m.total_cost() == pytest.approx(140.16 + 87.6)
    res = extract(m, ds, duals)
    value = res["path_rule_value"].sel(path_rule="h2_import_max_share")
    assert float(value.sel(year=2030)) == pytest.approx(30.0)
    assert float(value.sel(year=2035)) == pytest.approx(0.0)


def test_domestic_share_rule_of_a_path():
    """At least 0.8 of the green hydrogen made at home: domestic 0.5 GW >= 0.8 x (0.5 + import)
    -> import <= 0.5 x 0.2 / 0.8 = 0.125 GW; grey 0.375 GW.
    Cost: 0.125 x 8760 x 20 + 0.375 x 8760 x 50 = 21.9 + 164.25 = 186.15 MEUR.
    Relaxing the rule by 1 MWh (0.2 x domestic - 0.8 x import >= -1) lets imports rise by
    1/0.8 MWh, each saving 50 - 20 = 30 EUR: 37.5 EUR/MWh.
    """
    ds = _import_case()
    ds["h2_domestic_min_share"] = ("year", np.array([0.8]))
    m, duals = solve_micro(ds)
    assert val(m.h2_import, "A", 2030, 0) == pytest.approx(0.125)
    assert val(m.h2_fallback, "A", 2030, 0) == pytest.approx(0.375)
    assert m.total_cost() == pytest.approx(186.15)
    res = extract(m, ds, duals)
    value = res["path_rule_value"].sel(path_rule="h2_domestic_min_share", year=2030)
    assert float(value) == pytest.approx(37.5)


def test_rfnbo_share_is_soft_and_priced():
    """RED III option: RFNBO (electrolytic + imported) >= 0.9 x demand, gap priced 500 EUR/MWh.
    No import terminal: domestic 0.5 GW = 4380 GWh; the rule asks 0.9 x 8760 = 7884 GWh, so the
    RFNBO gap is 3504 GWh at 500 EUR/MWh = 1752 MEUR; grey 4380 GWh x 50 = 219 MEUR.
    """
    ds = _import_case()
    ds["existing_capacity"].loc[{"asset": "h2_import_terminal:A"}] = 0.0
    ds["rfnbo_min_share"] = ("year", np.array([0.9]))
    ds.attrs["rfnbo_gap_penalty_eur_per_mwh"] = 500.0
    m, duals = solve_micro(ds)
    assert val(m.rfnbo_gap, 2030) == pytest.approx(3504.0)
    assert m.total_cost() == pytest.approx(1752.0 + 219.0)


def _gap_case(value_eur_per_mwh: float):
    """One cluster, two slices of 4380 h, H2 demand 1 GW flat. Wind 1 GW with CF 1 then 0 (free);
    grid connection 1.5 GW at 120 EUR/MWh; electrolyser 4 GW input at efficiency 0.5, so grid
    hydrogen costs 120 / 0.5 = 240 EUR/MWh against 50 for grey hydrogen."""
    ds = micro_inputs(
        wind_cf=(1.0, 0.0),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "grid_connection", "loc": "A", "existing": 1.5},
            {"tech": "electrolyser", "loc": "A", "existing": 4.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["grid_step_price_eur_per_mwh"][:] = 120.0  # every grid supply step (micro: unlimited)
    ds.attrs["green_shortfall_value_eur_per_mwh"] = value_eur_per_mwh
    return ds


def test_delivery_gap_versus_cost_gap_on_one_cluster():
    """Delivery-first (green shortfall valued at 1000 EUR/MWh):
    slice 0: wind 1 GW + grid 1 GW -> 2 GW input -> 1 GW H2, demand met; the next MWh comes from
    the grid at 120 / 0.5 = 240 EUR/MWh (the grid has 0.5 GW spare).
    slice 1: no wind; grid 1.5 GW -> 0.75 GW H2; 0.25 GW cannot be delivered (connection full).
    Delivery gap = 0.25 GW x 4380 h = 1095 GWh = 1.095 TWh; green delivered 7.665 TWh.
    Green marginal cost = 240 (slice 1, at the shortfall value 1050, is left out);
    fossil route 50 EUR/MWh; cost gap = 190 EUR/MWh.
    Cost = grid (4380 + 6570) GWh x 120 = 1314 + grey 1095 GWh x 50 = 54.75
    + valuation 1095 GWh x 1000 = 1095 MEUR: 2463.75 MEUR.

    Cost-only (value 0): grid hydrogen (240) loses to grey (50): the electrolyser runs on wind
    only, 0.5 GW H2 in slice 0; unmet = 0.5 x 4380 + 1 x 4380 = 6570 GWh = 6.57 TWh, which mixes
    the 1.095 TWh that cannot be delivered with 5.475 TWh that is only dearer. No delivery gap
    and no cost gap are reported then (NaN).
    """
    ds = _gap_case(1000.0)
    m, duals = solve_micro(ds)
    assert val(m.h2_fallback, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    assert val(m.h2_fallback, "A", 2030, 1) == pytest.approx(0.25)
    assert m.total_cost() == pytest.approx(2463.75)
    res = extract(m, ds, duals)
    at = {"carrier": "hydrogen", "cluster": "A", "year": 2030}
    assert float(res["delivery_gap"].sel(at)) == pytest.approx(1.095)
    assert float(res["green_delivered"].sel(at)) == pytest.approx(7.665)
    assert float(res["green_marginal_cost"].sel(at)) == pytest.approx(240.0)
    assert float(res["fossil_route_cost"].sel(carrier="hydrogen", year=2030)) == pytest.approx(50)
    assert float(res["cost_gap"].sel(at)) == pytest.approx(190.0)
    penalty = res["cost"].sel(cost_component="green_shortfall_penalty", year=2030)
    assert float(penalty) == pytest.approx(1095e6)
    assert res.attrs["gap_mode"] == "delivery_first"

    cost_only = _gap_case(0.0)
    m, duals = solve_micro(cost_only)
    res = extract(m, cost_only, duals)
    assert float(res["unmet"].sel(at)) == pytest.approx(6.57)
    assert math.isnan(float(res["delivery_gap"].sel(at)))
    assert math.isnan(float(res["cost_gap"].sel(at)))


def test_co2_transport_and_storage_paid_once():
    """CO2 plan 1 Mt at A; a sink of 1 Mt/yr existing with FOM 6 EUR/(t/yr)/yr (6 MEUR/yr);
    tariff 70 EUR/t; CO2 price 100 EUR/t, so storing (70 + 6 / t) beats emitting (100).
    Paid by tariff: the sink's FOM is covered by the tariff: 1 Mt x 70 = 70 MEUR, FOM 0.
    Paid by infrastructure: no tariff; FOM 6 MEUR (reported as sunk: the sink exists).
    The double count would be 76 MEUR.
    """
    from npvi_model.path_rules import pay_co2_transport_storage_once

    for paid_by, expected, sunk in (("tariff", 70.0, 0.0), ("infrastructure", 6.0, 6.0)):
        ds = micro_inputs(
            slice_weights=(8760.0,),
            wind_cf=(1.0,),
            assets=[{"tech": "co2_sink", "loc": "A", "existing": 1.0, "fom": 6.0}],
        )
        ds["co2_capture_plan_mt"][:] = 1.0
        ds["price_co2_emission"][:] = 100.0
        ds["price_co2_transport_storage"][:] = 70.0
        pay_co2_transport_storage_once(ds, paid_by)
        m, duals = solve_micro(ds)
        assert val(m.co2_stored, "co2_sink:A", 2030) == pytest.approx(1.0)
        assert m.total_cost() == pytest.approx(expected)
        res = extract(m, ds, duals)
        cost = res["cost"].sel(year=2030)
        assert float(cost.sel(cost_component="sunk_fixed_om")) == pytest.approx(sunk * 1e6)
        assert float(cost.sel(cost_component="fixed_om")) == pytest.approx(0.0, abs=1e-3)


def test_sunk_fixed_costs_apart_from_decision_costs():
    """Electrolyser 1 GW existing and up to 1 GW new, FOM 10 MEUR/GW/yr, capex 0; wind 2 GW CF 1
    free; H2 demand 1 GW. The model builds 1 GW (grey costs 50 EUR/MWh x 8760 GWh/2 more).
    Sunk FOM = 1 GW x 10 = 10 MEUR/yr; decision FOM = 1 GW new x 10 = 10 MEUR/yr.
    """
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 2.0},
            {
                "tech": "electrolyser",
                "loc": "A",
                "existing": 1.0,
                "max_new": 1.0,
                "fom": 10.0,
            },
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    cost = res["cost"].sel(year=2030)
    assert float(cost.sel(cost_component="sunk_fixed_om")) == pytest.approx(10e6)
    assert float(cost.sel(cost_component="fixed_om")) == pytest.approx(10e6)


def test_a_path_rule_starts_at_its_first_anchor():
    """RED III from 2030: {2030: 0.42, 2035: 0.60} -> 2025 none, 2030 0.42, 2032 0.492
    (0.42 + 0.18 x 2/5), 2035 0.60, 2040 0.60 (flat after the last anchor)."""
    from npvi_model.path_rules import _rule

    values = _rule({2030: 0.42, 2035: 0.60}, [2025, 2030, 2032, 2035, 2040])
    assert math.isnan(values[0])
    assert values[1:] == pytest.approx([0.42, 0.492, 0.60, 0.60])


def test_emission_caps_every_year_between_anchors():
    """Caps 35.3 Mt in 2030 and 0 in 2050, interpolated: 2032 -> 35.3 x 18/20 = 31.77;
    2035 -> 35.3 x 15/20 = 26.475; 2040 -> 17.65; 2025 (before the first anchor) -> none."""
    caps = emission_caps({2030: 35.3, 2050: 0.0}, [2025, 2030, 2032, 2035, 2040, 2050], True)
    assert math.isnan(caps[0])
    assert caps[1:] == pytest.approx([35.3, 31.77, 26.475, 17.65, 0.0])
    only = emission_caps({2030: 35.3, 2050: 0.0}, [2030, 2035, 2050], False)
    assert math.isnan(only[1]) and only[0] == 35.3 and only[2] == 0.0


def test_model_years_with_2032_stand_for_their_blocks():
    """Years 2025, 2030, 2032, 2035: each stands for the years until the next one: 5, 2, 3, and
    the last repeats the previous step: 3. Discount weights at r = 0.04 from 2025:
    2030 block = 1.04^-5 + 1.04^-6 = 0.821927 + 0.790315 = 1.612242."""
    years = [2025, 2030, 2032, 2035]
    w = year_weights(years)
    assert list(w) == [5.0, 2.0, 3.0, 3.0]
    dw = discount_weights(years, w, 0.04, 2025)
    assert dw[1] == pytest.approx(1.04**-5 + 1.04**-6)
    assert dw[1] == pytest.approx(1.612242, abs=1e-6)


def test_commissioning_inside_a_block_is_seen_at_its_model_year():
    """Build rate 1 GW/yr of electrolysis from 2027, years 2025, 2030, 2032. New capacity is in
    service from the model year that ends its block, and only the block's years from the
    earliest year on count: 2027-2030 = 4 years -> 4 GW by 2030 (not 5: 2026 is too early),
    then 2031-2032 -> 2 GW more by 2032. Demand 10 GW H2 at efficiency 0.5 with free wind: the
    model builds as fast as allowed: 4 GW in 2030, 6 GW in 2032.
    """
    ds = micro_inputs(
        years=(2025, 2030, 2032),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 100.0},
            {"tech": "electrolyser", "loc": "A", "max_new": 100.0, "earliest": 2027, "rate": 1.0},
        ],
    )
    ds["year_weight"] = ("year", year_weights([2025, 2030, 2032]))
    ds["hydrogen_demand_twh"][:] = 10 * 8.76
    m, _ = solve_micro(ds)
    assert float(m.capacity["electrolyser:A", 2025]()) == pytest.approx(0.0)
    assert float(m.capacity["electrolyser:A", 2030]()) == pytest.approx(4.0)
    assert float(m.capacity["electrolyser:A", 2032]()) == pytest.approx(6.0)


def test_gap_tables_national_weighting_and_fit():
    """Fake run, clusters RM and CH, hydrogen demand 5 TWh each in 2030.
    RM: green 4 TWh, delivery gap 1 TWh, cost gap 100 EUR/MWh; CH: green 5, gap 0, cost gap 40.
    National: delivery gap 1 TWh = 10 % of 10 TWh -> does not fit (tolerance 1 %);
    cost gap = (4 x 100 + 5 x 40) / 9 = 600 / 9 = 66.67 EUR/MWh;
    cost_gap_meur = 4 x 100 + 5 x 40 = 600 MEUR (EUR/MWh x TWh = MEUR).
    """
    from fake_results import make_results

    from npvi_model.analysis.gaps import delivery_fit, gaps_national

    ds = make_results(years=(2030,))
    for name in ("delivery_gap", "green_delivered", "cost_gap"):
        ds[name][:] = 0.0
    h2 = {"carrier": "hydrogen", "year": 2030}
    ds["green_delivered"].loc[{**h2, "cluster": "RM"}] = 4.0
    ds["green_delivered"].loc[{**h2, "cluster": "CH"}] = 5.0
    ds["delivery_gap"].loc[{**h2, "cluster": "RM"}] = 1.0
    ds["cost_gap"].loc[{**h2, "cluster": "RM"}] = 100.0
    ds["cost_gap"].loc[{**h2, "cluster": "CH"}] = 40.0
    row = gaps_national(ds).set_index("carrier").loc["hydrogen"]
    assert row["demand"] == pytest.approx(10.0)
    assert row["delivery_gap"] == pytest.approx(1.0)
    assert row["delivery_gap_share"] == pytest.approx(0.1)
    assert row["cost_gap"] == pytest.approx(600 / 9)
    assert row["cost_gap_meur"] == pytest.approx(600.0)
    fit = delivery_fit(ds).iloc[0]
    assert not fit["fits"]
    assert fit["short"].startswith("hydrogen 1.0 TWh (10 % of demand)")
    assert fit["where"] == "hydrogen: RM 1.00"


def test_assumed_abatement_is_named_not_netted():
    """Gross other processes 10 Mt, of which the scenario assumes 40 % abated (net 6 Mt); the
    electrification credit is 3 Mt (extra electricity x EF). The model carries the net 6 Mt.
    Causes: other_processes = 10 + 3 = 13; assumed_process_abatement = 6 - 10 = -4;
    electrification_credit = -3; they add up to the 6 Mt the model emits."""
    ds = micro_inputs(slice_weights=(8760.0,), wind_cf=(1.0,))
    ds["other_emissions_mt"][:] = 6.0
    ds["other_emissions_gross_mt"] = ds["other_emissions_mt"] * 0 + 10.0
    ds["electrification_credit_mt"] = ds["other_emissions_mt"] * 0 + 3.0
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    cause = res["emissions_by_cause"].sel(year=2030)
    assert float(cause.sel(cause="other_processes")) == pytest.approx(13.0)
    assert float(cause.sel(cause="assumed_process_abatement")) == pytest.approx(-4.0)
    assert float(cause.sel(cause="electrification_credit")) == pytest.approx(-3.0)
    assert float(res["emissions"].sel(year=2030)) == pytest.approx(6.0)
    assert float(cause.sum()) == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("scenario", "rule", "year", "expected"),
    [
        ("domestic", "h2_domestic_min_share", 2040, 1.0),
        ("import_intermediates", "h2_import_max_share", 2040, 0.7),
        ("import_intermediates", "h2_import_max_share", 2035, 0.5),
        ("reduced_base", "h2_import_max_share", 2040, 0.4),
    ],
)
def test_shipped_paths_carry_their_rules(scenario, rule, year, expected):
    """The path values of scenarios/*.yaml reach the inputs: import_intermediates 0.3 in 2030
    and 0.7 in 2040 -> 0.5 in 2035 (linear); caps every year (2032: 31.77 Mt); CO2 T&S paid by
    the tariff, so sinks and CO2 pipelines carry no capex or FOM."""
    from pathlib import Path

    from npvi_model.inputs import build_inputs
    from npvi_model.scenario import resolve

    root = Path(__file__).resolve().parents[1]
    ds = build_inputs(resolve(root / "scenarios" / f"{scenario}.yaml"), root / "data")
    assert float(ds[rule].sel(year=year)) == pytest.approx(expected)
    assert float(ds["emission_cap_mt"].sel(year=2032)) == pytest.approx(31.77)
    co2 = ds["asset_technology"].isin(["co2_sink", "co2_pipeline"])
    assert float(abs(ds["capex"].where(co2, 0.0)).sum()) == 0.0
    assert float(ds["price_co2_transport_storage"].sel(year=2030)) > 0


def test_a_domestic_path_rule_makes_a_delivery_gap():
    """Delivery-first (1000 EUR/MWh) with the domestic rule at 1.0: imports are not allowed,
    domestic electrolysis gives 0.5 GW, so 0.5 GW x 8760 h = 4.38 TWh cannot be delivered.
    Value of the rule: one MWh of import allowed replaces one MWh on the fallback:
    (50 + 1000) - 20 = 1030 EUR/MWh. Every MWh delivered sits in a slice at the shortfall
    value, so no cost gap can be priced (NaN)."""
    ds = _import_case()
    ds["h2_domestic_min_share"] = ("year", np.array([1.0]))
    ds.attrs["green_shortfall_value_eur_per_mwh"] = 1000.0
    m, duals = solve_micro(ds)
    assert val(m.h2_import, "A", 2030, 0) == pytest.approx(0.0, abs=1e-9)
    res = extract(m, ds, duals)
    at = {"carrier": "hydrogen", "cluster": "A", "year": 2030}
    assert float(res["delivery_gap"].sel(at)) == pytest.approx(4.38)
    rule = res["path_rule_value"].sel(path_rule="h2_domestic_min_share", year=2030)
    assert float(rule) == pytest.approx(1030.0)
    assert math.isnan(float(res["cost_gap"].sel(at)))


def test_cost_gap_is_not_read_from_a_dual_set_by_the_shortfall_valuation():
    """Two clusters, one slice of 8760 h, delivery-first (1000 EUR/MWh), tie-breakers on.
    B: grid connection 1 GW at 40 EUR/MWh, electrolyser 1 GW input (efficiency 0.5): 0.5 GW of
    green hydrogen at 80 EUR/MWh; B's demand 0.25 GW. A: demand 1 GW, no supply of its own, fed
    from B by a 10 GW pipeline that does not bind. So 0.25 GW goes to A and 0.75 GW of A's demand
    cannot be delivered: 0.75 x 8760 = 6570 GWh = 6.57 TWh of delivery gap.
    A's balance dual is fossil (50) + valuation (1000) = 1050 EUR/MWh; B's is the same less the
    0.01 EUR/MWh flow tie-breaker: one more MWh at B would replace missing green at A. That dual
    prices the delivery gap, not green supply (80 EUR/MWh), so no cost gap is read from it: NaN
    at both clusters (a dual within 0.01 of the valuation would otherwise give ~1000)."""
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "B", "existing": 1.0},
            {"tech": "electrolyser", "loc": "B", "existing": 1.0},
            {"tech": "h2_pipeline", "loc": "BA", "from": "B", "to": "A", "existing": 10.0},
        ],
    )
    ds["hydrogen_demand_twh"].loc[{"cluster": "A"}] = 8.76
    ds["hydrogen_demand_twh"].loc[{"cluster": "B"}] = 2.19
    ds["grid_step_price_eur_per_mwh"][:] = 40.0
    ds.attrs["green_shortfall_value_eur_per_mwh"] = 1000.0
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    m, duals = solve_micro(ds)
    res = extract(m, ds, duals)
    h2 = {"carrier": "hydrogen", "year": 2030}
    assert float(res["delivery_gap"].sel(h2).sum()) == pytest.approx(6.57)
    assert float(res["green_delivered"].sel(cluster="B", **h2)) == pytest.approx(2.19)
    assert math.isnan(float(res["cost_gap"].sel(cluster="B", **h2)))
    assert math.isnan(float(res["cost_gap"].sel(cluster="A", **h2)))
