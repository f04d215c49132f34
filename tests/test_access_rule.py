"""Access years under the pro rata allocation rule (analysis/access.py), on micro-models whose
answers are worked out by hand."""

from __future__ import annotations

import json

import pytest
from micro import micro_inputs, solve_micro

from npvi_model import analysis
from npvi_model.extract import extract
from npvi_model.model.tie_breaks import DEFAULTS


def _shared_import(tie_breaks: dict | None):
    """Clusters A and B, years 2030 and 2035, one slice of 8760 h. Hydrogen demand 1 GW flat at
    A and at B (8.76 TWh each). An import terminal at A (import price 0) of 1.0 GW in 2030 and
    1.9 GW in 2035; a backbone section A-B of 10 GW. No other hydrogen than the fallback."""
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2030, 2035),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "h2_import_terminal", "loc": "A", "existing": {2030: 1.0, 2035: 1.9}},
            {"tech": "h2_pipeline", "loc": "AB", "from": "A", "to": "B", "existing": 10.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    if tie_breaks is not None:
        ds.attrs["tie_breaks"] = json.dumps(tie_breaks)
    model, duals = solve_micro(ds)
    return extract(model, ds, duals)


@pytest.mark.parametrize("tie_breaks", [None, DEFAULTS])
def test_shared_import_gives_both_clusters_access_in_the_same_year(tie_breaks):
    """A and B form one hydrogen network (the section has capacity). Pro rata:
    2030: 1.0 GW green for 2 GW demand -> share 0.5 for A and for B: below 0.9;
    2035: 1.9 / 2 = 0.95 >= 0.9 -> both get access in 2035.
    How the solver routes the 1.0 GW in 2030 (all to A, all to B, or split) does not matter;
    as routed, one cluster could show access in 2030 (share 1.0) and the other not."""
    res = _shared_import(tie_breaks)
    tl = analysis.access_timeline(res, threshold=0.9)
    h2 = tl[tl["carrier"] == "hydrogen"].set_index(["cluster", "year"])
    for cluster in ("A", "B"):
        assert h2.loc[(cluster, 2030), "green_share"] == pytest.approx(0.5)
        assert h2.loc[(cluster, 2035), "green_share"] == pytest.approx(0.95)
        assert h2.loc[(cluster, 2035), "first_access"] == "2035"
    assert set(h2["rule"]) == {"pro_rata"}


def test_without_a_link_each_cluster_keeps_its_own_supply():
    """With the section at 0 GW, A and B are separate networks: A's share is min(1, 1.0/1) = 1
    in 2030 (access 2030), B has no green hydrogen: share 0, never access."""
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2030, 2035),
        slice_weights=(8760.0,),
        wind_cf=(0.0,),
        assets=[
            {"tech": "h2_import_terminal", "loc": "A", "existing": {2030: 1.0, 2035: 1.9}},
            {"tech": "h2_pipeline", "loc": "AB", "from": "A", "to": "B", "existing": 0.0},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    model, duals = solve_micro(ds)
    first = analysis.first_access_table(analysis.access_timeline(extract(model, ds, duals)))
    h2 = first[first["carrier"] == "hydrogen"].set_index("cluster")
    assert h2.loc["A", "first_access"] == "2030"
    assert h2.loc["B", "first_access"] == "never"


def test_pooled_electricity_makes_electrolysis_green_pro_rata():
    """One cluster A, one slice of 8760 h, year 2030. Wind 1 GW (CF 1) and a grid connection of
    1 GW behind which the power system offers 0.5 GW CO2-free (renewable surplus) and 0.5 GW
    gas-fired (0.4 t/MWh), both at 0 EUR/MWh, so the grid's low-carbon share is 0.5 once the
    connection is full; electricity demand 1 GW; electrolyser 1 GW
    (efficiency 0.5); hydrogen demand 0.5 GW. All 2 GW used: green f_e = (1 + 0.5 x 1) / 2 =
    0.75 for every MWh, whichever MWh the solver sends to the electrolyser. Hydrogen: 0.5 GW
    from electrolysis x 0.75 = 0.375 GW green of 0.5 GW demand: share 0.75."""
    ds = micro_inputs(
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 1.0},
            {"tech": "grid_connection", "loc": "A", "existing": 1.0},
            {"tech": "electrolyser", "loc": "A", "existing": 1.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 8.76
    ds["hydrogen_demand_twh"][:] = 4.38
    ds["grid_step_volume_gw"][:] = 0.5
    ds["grid_step_emission_factor_t_per_mwh"].loc[{"grid_step": "dispatchable"}] = 0.4
    model, duals = solve_micro(ds)
    share = analysis.allocated_green_share(extract(model, ds, duals))
    assert float(share.sel(carrier="electricity", cluster="A", year=2030)) == pytest.approx(0.75)
    assert float(share.sel(carrier="hydrogen", cluster="A", year=2030)) == pytest.approx(0.75)
