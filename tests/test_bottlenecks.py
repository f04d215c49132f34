"""Bottlenecks that mean something (analysis/bottlenecks.py): micro-models whose duals are
worked out by hand, a zero-capacity asset kept out of the ranking, wording, and the "why" of a
missed target."""

from __future__ import annotations

import json

import pytest
from fake_results import FakeLimit, make_results, set_policy_targets
from micro import micro_inputs, solve_micro

from npvi_model import analysis
from npvi_model.extract import extract
from npvi_model.model.tie_breaks import DEFAULTS


def _grid_and_no_terminal():
    """One cluster A, one slice of 8760 h. Electricity demand 2 GW flat (17.52 TWh), grid
    connection 1 GW at a grid price of 30 EUR/MWh, the rest from the fossil fallback at
    50 EUR/MWh. Hydrogen demand 1 GW flat (8.76 TWh); an import terminal of 0 GW that cannot
    be built (import price 10 EUR/MWh), so all hydrogen falls back (50 EUR/MWh).
    Tie-breakers on (defaults)."""
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "grid_connection", "loc": "A", "existing": 1.0},
            {"tech": "h2_import_terminal", "loc": "A", "existing": 0.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 17.52
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["grid_step_price_eur_per_mwh"][:] = 30.0  # the unlimited CO2-free step
    ds["price_hydrogen_import"][:] = 10.0
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    model, duals = solve_micro(ds)
    return extract(model, ds, duals)


def test_full_grid_connection_is_ranked_with_its_hand_derived_value():
    """One more MW of grid connection replaces 1 MW of fallback in all 8760 h:
    (50 - 30) EUR/MWh x 8760 h = 175,200 EUR per MW per year. The tie-breakers (rank 1 of 1)
    move it by a little: the grid supply pays the cluster and hour spreads (0.01 + 0.001), the
    fallback it replaces saved its own (0.01 + 0.001 + 0.02): (0.031 - 0.011) x 8760 = 175.2,
    so 175,375.2 EUR per MW per year, 0.1 % above the cost difference. The sentence says it in
    words."""
    res = _grid_and_no_terminal()
    ranking = analysis.bottleneck_ranking(res)
    assert list(ranking["limit"]) == ["grid_connection:A"]
    row = ranking.iloc[0]
    assert row["marginal_value_eur_per_unit_yr"] == pytest.approx(175_375.2)
    assert row["limit_capacity"] == pytest.approx(1.0)
    assert row["sentence"] == (
        "the grid connection of A is full in 2030; one more MW would save 175,375 EUR/yr"
    )


def test_zero_capacity_terminal_is_not_a_bottleneck_but_a_first_connection():
    """The terminal of 0 GW cannot be built: it must not be ranked. A first MW would replace
    1 MW of grey hydrogen (50 EUR/MWh) by imports (10 EUR/MWh): up to (50 - 10) x 8760 =
    350,400 EUR per MW per year, plus the tie-breakers as for the grid connection above
    ((0.031 - 0.011) x 8760 = 175.2): 350,575.2, reported apart and worded as such."""
    res = _grid_and_no_terminal()
    assert "h2_import_terminal:A" not in set(analysis.bottleneck_ranking(res)["limit"])
    first = analysis.first_connection_values(res)
    assert list(first["limit"]) == ["h2_import_terminal:A"]
    row = first.iloc[0]
    assert row["marginal_value_eur_per_unit_yr"] == pytest.approx(350_575.2)
    assert not row["can_grow"]
    assert row["sentence"] == (
        "there is no hydrogen import terminal at A in 2030 (none can be built that year); "
        "a first MW would be worth up to 350,575 EUR/yr"
    )


def _limits_ds():
    limits = (
        FakeLimit("grid_connection", "RM", "MW"),
        FakeLimit("grid_connection", "C6", "MW"),
        FakeLimit("h2_import_terminal", "CH", "MW"),
        FakeLimit("electricity_corridor", "DRC_DC", "MW"),
        FakeLimit("electrolyser_build_rate", "NN", "MW"),
    )
    ds = make_results(years=(2030, 2035), clusters=("NN", "RM", "CH", "C6"), limits=limits)
    mv = ds["limit_marginal_value"]
    mv.loc[dict(year=2030)] = [300_000.0, 900_000.0, 800_000.0, 850_000.0, 200_000.0]
    mv.loc[dict(year=2035)] = [500.0, 0.0, 0.0, 0.0, 0.0]  # RM 2035 under the 1,000 floor
    size = ds["limit_capacity"]
    size.loc[dict(limit="h2_import_terminal:CH")] = 0.0  # no terminal at Chemelot
    size.loc[dict(limit="electricity_corridor:DRC_DC")] = 0.0  # corridor opens after 2035
    ds["capacity"].loc[dict(technology="electrolyser", cluster="C6")] = 0.0
    return ds


def test_ranking_keeps_only_limits_that_exist_and_pass_the_floor():
    """Ranked in 2030: C6 grid (900,000), RM grid (300,000), NN electrolyser build rate
    (200,000). Left out: the Chemelot terminal and the DRC DC corridor (size 0) and RM in 2035
    (500 EUR/MW/yr, under the 1,000 floor that keeps tie-breaker duals out)."""
    ranking = analysis.bottleneck_ranking(_limits_ds())
    assert list(zip(ranking["limit"], ranking["year"], strict=True)) == [
        ("grid_connection:C6", 2030),
        ("grid_connection:RM", 2030),
        ("electrolyser_build_rate:NN", 2030),
    ]
    assert ranking["sentence"].iloc[2] == (
        "building electrolysers at Noord-Nederland goes at its maximum rate in 2030; one more "
        "MW built would save 200,000 EUR/yr"
    )
    first = analysis.first_connection_values(_limits_ds())
    assert list(first["limit"]) == ["electricity_corridor:DRC_DC", "h2_import_terminal:CH"]


def test_why_short_names_only_limits_that_hold_electrolysis_back():
    """Electrolysis in 2030 (1 GW in NN, RM and CH; none in C6) is short of a 40 GW
    target. Of the binding limits in 2030, the C6 grid connection (900,000) is the most
    valuable but C6 has no electrolyser; the DRC DC corridor (850,000) and the Chemelot
    terminal (800,000) do not exist (and a corridor does not build electrolysers): none is
    named. Named, by value: the RM grid connection (300,000; RM has electrolysers), then the NN
    electrolyser build rate (200,000)."""
    ds = _limits_ds()
    set_policy_targets(ds, {"electrolysis_gw": {2030: 40.0}})
    why = (
        analysis.capacity_vs_targets(ds)
        .set_index(["target", "year"])
        .loc[("electrolysis_gw", 2030), "why"]
    )
    assert why.startswith("held back by binding limits: ")
    assert "Cluster 6" not in why and "DRC" not in why and "terminal" not in why
    assert why.index("grid connection Rotterdam-Moerdijk, 2030") < why.index("Noord-Nederland")


def test_a_limit_that_may_grow_says_so():
    """The RM grid connection may be expanded in 2030 (limit_can_grow 1): its value (300,000
    EUR/MW/yr) is then at most what one more MW costs unless a build limit holds building back;
    the sentence says more may be built; a build-rate limit is worded as building already."""
    ds = _limits_ds()
    ds["limit_can_grow"].loc[dict(limit="grid_connection:RM", year=2030)] = 1.0
    ds["limit_can_grow"].loc[dict(limit="electrolyser_build_rate:NN", year=2030)] = 1.0
    ranking = analysis.bottleneck_ranking(ds, year=2030).set_index("limit")
    assert ranking.loc["grid_connection:RM", "sentence"] == (
        "the grid connection of Rotterdam-Moerdijk is full in 2030; one more MW would save "
        "300,000 EUR/yr (more may be built that year, within its build limits)"
    )
    assert "may be built" not in ranking.loc["grid_connection:C6", "sentence"]
    assert "may be built" not in ranking.loc["electrolyser_build_rate:NN", "sentence"]


def test_expansion_limit_by_hand():
    """One cluster A, one slice of 8760 h, year 2030. Hydrogen demand 1 GW flat; wind 10 GW at
    A with CF 1; an electrolyser (efficiency 0.5) may be built up to 1 GW in total (capex 0,
    life 30 yr), so it makes 0.5 GW of hydrogen and 0.5 GW falls back at 50 EUR/MWh.
    One more MW of expansion allowed: 1 MW more input, 0.5 MW more hydrogen, 0.5 MWh less
    fallback each hour: 0.5 x 50 x 8760 = 219,000 EUR/yr. The tie-breakers (rank 1 of 1) move
    it by: the build cost (-10 EUR/MW/yr); the cluster and hour spreads on 1 MW more input and
    1 MW more wind used ((0.01 + 0.001) x 2 x 8760 = -192.72); the spreads and the fallback
    tie-breaker on the 0.5 MW of fallback saved ((0.01 + 0.001 + 0.02) x 0.5 x 8760 = +135.78):
    219,000 - 10 - 192.72 + 135.78 = 218,933.06 EUR per MW per year.
    The limit is named in words and, as the only year is 2030, spread over one year."""
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 10.0},
            {"tech": "electrolyser", "loc": "A", "max_new": 1.0, "capex": 0.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds.attrs["tie_breaks"] = json.dumps(DEFAULTS)
    model, duals = solve_micro(ds)
    res = extract(model, ds, duals)
    ranking = analysis.bottleneck_ranking(res).set_index("limit")
    row = ranking.loc["electrolyser_expansion_limit:A"]
    assert row["marginal_value_eur_per_unit_yr"] == pytest.approx(218_933.06)
    assert row["sentence"].startswith(
        "the total expansion allowed for electrolysers at A is used up by 2030; one more MW "
        "allowed would save 218,933 EUR/yr"
    )
