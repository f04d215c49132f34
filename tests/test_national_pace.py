"""Micro-models for the national build pace (model/investment.py `national_pace`)."""

from __future__ import annotations

import json

import pytest
from micro import micro_inputs, solve_micro, val

from npvi_model.extract import extract
from npvi_model.model.investment import national_pace_limit


def _two_clusters(pace_gw_per_year: float | None):
    """Clusters A and B, one year 2030 (year weight 1, so the block is the calendar year 2030),
    one slice of 8760 h with free wind (10 GW existing at each cluster, CF 1). Each cluster asks
    0.5 GW of H2 (4.38 TWh/yr); an electrolyser (efficiency 0.5) may be built at each from 2030,
    at most 2 GW/yr there; capex 30 EUR/kW over 30 yr at WACC 0 = an annuity of 1 MEUR/GW/yr.
    The fallback costs 50 EUR/MWh of H2."""
    assets = []
    for c in ("A", "B"):
        assets.append({"tech": "offshore_wind", "loc": c, "existing": 10.0})
        assets.append(
            {
                "tech": "electrolyser",
                "loc": c,
                "max_new": 10.0,
                "earliest": 2030,
                "rate": 2.0,
                "capex": 30.0,
                "lifetime": 30.0,
            }
        )
    ds = micro_inputs(clusters=("A", "B"), slice_weights=(8760.0,), wind_cf=(1.0,), assets=assets)
    ds["hydrogen_demand_twh"][:] = 4.38
    if pace_gw_per_year is not None:
        ds.attrs["national_build_limits"] = json.dumps({"electrolyser": [[2026, pace_gw_per_year]]})
    return ds


def test_without_national_pace_each_cluster_builds_what_it_needs():
    """Each cluster needs 0.5 GW H2 / 0.5 = 1 GW of electrolyser, within its 2 GW/yr: 2 GW in
    all, no fallback; cost = 2 GW x 1 MEUR/GW = 2 MEUR."""
    m, _ = solve_micro(_two_clusters(None))
    built = val(m.new_capacity, "electrolyser:A", 2030) + val(
        m.new_capacity, "electrolyser:B", 2030
    )
    assert built == pytest.approx(2.0)
    assert m.total_cost() == pytest.approx(2.0)


def test_national_pace_caps_the_sum_and_its_dual_is_the_fallback_saved():
    """National pace 1 GW/yr x 1 year in the block = 1 GW, though the clusters could build 2 + 2.

    Sum of new electrolysers = 1 GW (not 2): 1 GW electrolyser -> 0.5 GW H2 of the 1 GW asked
    by A and B together; the other 0.5 GW x 8760 h = 4380 GWh comes from the fallback:
    cost 4380 GWh x 50 EUR/MWh = 219 MEUR, plus 1 GW x 1 MEUR/GW annuity = 220 MEUR.
    One more GW of pace: 1 GW electrolyser -> 0.5 GW H2 x 8760 h = 4380 GWh less fallback
    = 219 MEUR/GW saved, less its 1 MEUR/GW annuity = 218 MEUR/GW; the dual is -218 MEUR/GW
    (a <= limit in a minimisation). In the bottleneck table: 218 MEUR/GW = 218,000 EUR/MW per
    year (discount weight 1), kind
    `electrolyser_national_pace` at "NL", which cannot grow.
    """
    ds = _two_clusters(1.0)
    m, duals = solve_micro(ds)
    built = val(m.new_capacity, "electrolyser:A", 2030) + val(
        m.new_capacity, "electrolyser:B", 2030
    )
    assert built == pytest.approx(1.0)
    assert m.total_cost() == pytest.approx(220.0)
    assert duals[m.national_pace["electrolyser", 2030]] == pytest.approx(-218.0)
    res = extract(m, ds, duals)
    row = res.sel(limit="electrolyser_national_pace:NL")
    assert str(row["limit_location"].values) == "NL"
    assert float(row["limit_marginal_value"].sel(year=2030)) == pytest.approx(218_000.0)
    assert float(row["limit_capacity"].sel(year=2030)) == pytest.approx(1.0)
    assert float(row["limit_can_grow"].sel(year=2030)) == 0.0


def test_pace_limit_counts_the_calendar_years_of_the_block():
    """Block after 2030 up to 2035 = calendar years 2031..2035; pace 1 GW/yr from 2026 and
    2 GW/yr from 2033: 1 + 1 + 2 + 2 + 2 = 8 GW. Block 2025..2030 with the first row in 2026:
    2025 has no pace, so no limit (None). Block 2026..2030: 5 x 1 = 5 GW."""
    schedule = [[2026, 1.0], [2033, 2.0]]
    assert national_pace_limit(schedule, 2031, 2035) == pytest.approx(8.0)
    assert national_pace_limit(schedule, 2025, 2030) is None
    assert national_pace_limit(schedule, 2026, 2030) == pytest.approx(5.0)


def test_committed_projects_use_the_national_pace_first():
    """Years 2025 and 2030 (year weight 1: the 2030 block is the calendar years 2026..2030, 5
    years); pace 0.2 GW/yr -> 5 x 0.2 = 1.0 GW in the block. A committed project of 0.4 GW at A
    comes into service in 2030 (existing 0 in 2025, 0.4 in 2030), so new builds may add at
    most 1.0 - 0.4 = 0.6 GW nationally, though A and B could build 2 GW/yr each and need
    2 x 1 GW of electrolyser in all."""
    assets = [
        {"tech": "offshore_wind", "loc": "A", "existing": 10.0},
        {"tech": "offshore_wind", "loc": "B", "existing": 10.0},
        {
            "tech": "electrolyser",
            "loc": "A",
            "existing": {2030: 0.4},
            "max_new": 10.0,
            "earliest": 2030,
            "rate": 2.0,
            "capex": 30.0,
        },
        {
            "tech": "electrolyser",
            "loc": "B",
            "max_new": 10.0,
            "earliest": 2030,
            "rate": 2.0,
            "capex": 30.0,
        },
    ]
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2025, 2030),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=assets,
    )
    ds["hydrogen_demand_twh"][:] = 4.38
    ds.attrs["national_build_limits"] = json.dumps({"electrolyser": [[2026, 0.2]]})
    m, _ = solve_micro(ds)
    built = val(m.new_capacity, "electrolyser:A", 2030) + val(
        m.new_capacity, "electrolyser:B", 2030
    )
    assert built == pytest.approx(0.6)
    assert m.national_pace["electrolyser", 2030].upper() == pytest.approx(0.6)
