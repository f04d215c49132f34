"""Analysis functions on small fake result sets whose right answers are worked out by hand."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from fake_results import make_results, set_policy_targets, write_results

from npvi_model import analysis
from npvi_model.errors import InputError
from npvi_model.output_dirs import MARKER, npvi_output_dir
from npvi_model.outputs import OUTPUT_VARIABLES


def _zero_capacity(ds):
    ds["capacity"][:] = 0.0
    return ds


def _set_cap(ds, tech, cluster, year, value):
    ds["capacity"].loc[dict(technology=tech, cluster=cluster, year=year)] = value


def test_fake_results_follow_the_output_dictionary():
    """Every variable of outputs.py is present with exactly its dims, units and description."""
    ds = make_results()
    for var in OUTPUT_VARIABLES:
        assert ds[var.name].dims == var.dims, var.name
        assert ds[var.name].attrs["units"] == var.unit
    for coord in ("limit_kind", "limit_location", "limit_unit", "limit_label"):
        assert ds[coord].dims == ("limit",)


# --------------------------------------------------------------------------- access


def _access_ds():
    ds = make_results(years=(2025, 2030, 2035, 2040))
    ds["green_share"].loc[dict(carrier="electricity", cluster="RM")] = [0.5, 0.95, 0.85, 0.92]
    ds["green_share"].loc[dict(carrier="hydrogen", cluster="RM")] = [0.3, 0.3, 0.3, 0.3]
    ds["green_share"].loc[dict(carrier="hydrogen", cluster="CH")] = [np.nan, 0.9, 0.95, 1.0]
    return ds


def test_first_access_year_with_threshold_from_attrs():
    """Threshold 0.9 (run attribute). RM electricity 0.5, 0.95, 0.85, 0.92 in 2025..2040:
    first reached 2030 (0.95 >= 0.9); it drops in 2035, so lasting access only from 2040.
    RM hydrogen 0.3 throughout: never. CH hydrogen NaN, 0.9, 0.95, 1.0: 0.9 counts (>=), so
    2030 for both first and lasting."""
    first = analysis.first_access_table(analysis.access_timeline(_access_ds(), rule="as_routed"))
    row = first.set_index(["cluster", "carrier"])
    assert row.loc[("RM", "electricity"), "first_access_year"] == 2030
    assert row.loc[("RM", "electricity"), "lasting_access_year"] == 2040
    assert row.loc[("RM", "hydrogen"), "first_access"] == "never"
    assert math.isnan(row.loc[("RM", "hydrogen"), "first_access_year"])
    assert math.isnan(row.loc[("RM", "hydrogen"), "lasting_access_year"])
    assert row.loc[("CH", "hydrogen"), "first_access_year"] == 2030
    assert row.loc[("CH", "hydrogen"), "lasting_access_year"] == 2030
    assert row.loc[("RM", "electricity"), "green_share_last_year"] == pytest.approx(0.92)


def test_access_threshold_argument_and_default():
    """With threshold 0.8, RM electricity (0.5, 0.95, 0.85, 0.92) first and lastingly reaches it
    in 2030. Without the run attribute the threshold is 0.9; with threshold 0.96 never."""
    ds = _access_ds()
    tl = analysis.access_timeline(ds, threshold=0.8, rule="as_routed")
    rm = tl[(tl["cluster"] == "RM") & (tl["carrier"] == "electricity")]
    assert list(rm["reaches_threshold"]) == [False, True, True, True]
    assert set(rm["lasting_access_year"]) == {2030}
    del ds.attrs["green_access_threshold"]
    tl = analysis.access_timeline(ds, rule="as_routed")
    assert set(tl["threshold"]) == {0.9}
    assert len(tl) == 2 * 3 * 4  # clusters x carriers x years
    tl = analysis.access_timeline(ds, threshold=0.96, rule="as_routed")
    rm = tl[(tl["cluster"] == "RM") & (tl["carrier"] == "electricity")]
    assert set(rm["first_access"]) == {"never"}


# --------------------------------------------------------------------------- capacity


def _capacity_ds():
    """Model years 2025, 2030, 2035 (no 2032). Electrolysis: 2025 RM 0.2 + CH 0.2 = 0.4;
    2030 RM 2 + CH 1 = 3; 2035 RM 5 + CH 3 + offshore electrolysis CH 1 = 9.
    Offshore wind: 2025 RM 5; 2030 RM 10 + CH 5 = 15; 2035 RM 20 + CH 10 + offshore
    electrolysis 1 = 31."""
    ds = _zero_capacity(make_results(years=(2025, 2030, 2035)))
    for cl, y, v in [
        ("RM", 2025, 0.2),
        ("CH", 2025, 0.2),
        ("RM", 2030, 2),
        ("CH", 2030, 1),
        ("RM", 2035, 5),
        ("CH", 2035, 3),
    ]:
        _set_cap(ds, "electrolyser", cl, y, v)
    _set_cap(ds, "offshore_electrolysis", "CH", 2035, 1.0)
    for cl, y, v in [
        ("RM", 2025, 5),
        ("RM", 2030, 10),
        ("CH", 2030, 5),
        ("RM", 2035, 20),
        ("CH", 2035, 10),
    ]:
        _set_cap(ds, "offshore_wind", cl, y, v)
    set_policy_targets(ds, {"electrolysis_gw": {2025: 0.5, 2030: 4.0}})
    return ds


def test_capacity_vs_targets_interpolates_to_2032():
    """Electrolysis 2032 = 3 + (9 - 3) x 2/5 = 5.4 GW against 8 GW: short 2.6.
    2025: 0.4 vs 0.5 -> short 0.1; 2030: 3 vs 4 -> short 1. Wind 2032 = 15 + 16 x 2/5 = 21.4
    >= 21: met. Wind 2050 lies after the last model year (2035): not compared."""
    cvt = analysis.capacity_vs_targets(_capacity_ds()).set_index(["target", "year"])
    e32 = cvt.loc[("electrolysis_gw", 2032)]
    assert e32["capacity_gw"] == pytest.approx(5.4)
    assert e32["target_gw"] == 8.0
    assert e32["shortfall_gw"] == pytest.approx(2.6)
    assert "2030" in e32["basis"] and "2035" in e32["basis"] and "interpolated" in e32["basis"]
    assert cvt.loc[("electrolysis_gw", 2025), "shortfall_gw"] == pytest.approx(0.1)
    assert cvt.loc[("electrolysis_gw", 2030), "shortfall_gw"] == pytest.approx(1.0)
    assert cvt.loc[("electrolysis_gw", 2030), "basis"] == "model year"
    w32 = cvt.loc[("offshore_wind_gw", 2032)]
    assert w32["capacity_gw"] == pytest.approx(21.4)
    assert bool(w32["met"]) and w32["shortfall_gw"] == 0 and w32["why"] == ""
    assert math.isnan(cvt.loc[("offshore_wind_gw", 2050), "capacity_gw"])


def test_capacity_shortfall_why_names_binding_limits():
    """Marginal values: grid connection CH 500 in 2030; national offshore wind 2000 in 2035;
    co2 sink (unrelated) 9999 in 2030. The 2030 electrolysis shortfall names only the CH grid
    connection in 2030; the 2032 shortfall (interpolated from 2030 and 2035) names the national
    wind limit (2000) before the CH grid connection (500) and never the co2 sink."""
    ds = _capacity_ds()
    mv = ds["limit_marginal_value"]
    mv.loc[dict(limit="grid_connection:CH", year=2030)] = 500.0
    mv.loc[dict(limit="national_offshore_wind:NL", year=2035)] = 2000.0
    mv.loc[dict(limit="co2_sink:porthos", year=2030)] = 9999.0
    cvt = analysis.capacity_vs_targets(ds).set_index(["target", "year"])
    why30 = cvt.loc[("electrolysis_gw", 2030), "why"]
    assert "grid connection Chemelot, 2030" in why30
    assert "national offshore wind" not in why30 and "Porthos" not in why30
    why32 = cvt.loc[("electrolysis_gw", 2032), "why"]
    assert why32.index("national offshore wind roadmap, 2035") < why32.index("Chemelot, 2030")
    assert "Porthos" not in why32


def test_capacity_shortfall_why_without_binding_limits():
    """No limit binds. With hydrogen falling back to fossil (default 2 TWh per cluster) the
    reason is "not economic"; with no hydrogen shortfall it is "not needed"."""
    ds = _capacity_ds()
    why = analysis.capacity_vs_targets(ds).set_index(["target", "year"])["why"]
    assert why.loc[("electrolysis_gw", 2030)].startswith("not economic at these prices")
    ds["unmet"][:] = 0.0
    why = analysis.capacity_vs_targets(ds).set_index(["target", "year"])["why"]
    assert why.loc[("electrolysis_gw", 2030)].startswith("not needed")


def test_capacity_by_cluster_units_and_values():
    ds = _capacity_ds()
    df = analysis.capacity_by_cluster(ds).set_index(["technology", "cluster", "year"])
    assert df.loc[("electrolyser", "RM", 2035), "capacity"] == 5
    assert df.loc[("co2_sink", "RM", 2035), "unit"] == "Mt/yr"
    assert df.loc[("h2_storage", "CH", 2030), "unit"] == "GWh"
    assert df.loc[("electrolyser", "CH", 2030), "cluster_name"] == "Chemelot"


# --------------------------------------------------------------------------- bottlenecks


def _bottleneck_ds():
    ds = make_results(years=(2030, 2035))
    mv = ds["limit_marginal_value"]
    mv.loc[dict(year=2030)] = [300.0, 100.0, 0.0, 50.0]  # RM, CH, wind, co2 sink
    mv.loc[dict(year=2035)] = [0.0, 200.0, 1e-9, 1000.0]
    return ds


def test_bottleneck_ranking_within_unit_and_combined():
    """GW limits: RM 2030 (300) > CH 2035 (200) > CH 2030 (100); the wind limit's 1e-9 is below
    the tolerance (1e-6 x 300) and is dropped. Mt/yr: co2 sink 2035 (1000) > 2030 (50).
    Sorted by unit ("GW" before "Mt/yr"); combined order by bare value:
    co2 2035 (1), RM 2030 (2), CH 2035 (3), CH 2030 (4), co2 2030 (5)."""
    bn = analysis.bottleneck_ranking(_bottleneck_ds())
    assert list(bn["label"]) == [
        "grid connection Rotterdam-Moerdijk, 2030",
        "grid connection Chemelot, 2035",
        "grid connection Chemelot, 2030",
        "CO2 storage Porthos, 2035",
        "CO2 storage Porthos, 2030",
    ]
    assert list(bn["rank_in_unit"]) == [1, 2, 3, 1, 2]
    assert list(bn["order_by_value"]) == [2, 3, 4, 1, 5]
    assert list(bn["value_unit"]) == ["EUR/(GW*yr)"] * 3 + ["EUR/(Mt/yr*yr)"] * 2


def test_bottleneck_ranking_year_and_top():
    """Year 2030 only: RM (300), CH (100), co2 (50). Top 1 per unit over all years: RM 2030
    and co2 sink 2035."""
    bn = analysis.bottleneck_ranking(_bottleneck_ds(), year=2030)
    assert list(bn["limit"]) == ["grid_connection:RM", "grid_connection:CH", "co2_sink:porthos"]
    assert list(bn["marginal_value_eur_per_unit_yr"]) == [300.0, 100.0, 50.0]
    bn = analysis.bottleneck_ranking(_bottleneck_ds(), top=1)
    assert list(zip(bn["limit"], bn["year"], strict=True)) == [
        ("grid_connection:RM", 2030),
        ("co2_sink:porthos", 2035),
    ]


def test_no_bottleneck_when_nothing_binds():
    assert analysis.bottleneck_ranking(make_results()).empty


def test_carrier_prices_units():
    ds = make_results()
    ds["carrier_price"].loc[dict(carrier="hydrogen", cluster="CH", year=2035)] = 142.0
    cp = analysis.carrier_prices(ds).set_index(["carrier", "cluster", "year"])
    assert cp.loc[("hydrogen", "CH", 2035), "price"] == 142.0
    assert cp.loc[("hydrogen", "CH", 2035), "price_unit"] == "EUR/MWh"
    assert cp.loc[("co2", "RM", 2030), "price_unit"] == "EUR/t"


# --------------------------------------------------------------------------- emissions


def _emissions_ds():
    """2030: other 30, electricity fallback 6, hydrogen fallback 3, CO2 not captured 1 = 40
    against the scenario cap 35. 2035: other 20 + electricity fallback 2 = 22, no cap, policy
    target 15. 2040: other 10 against cap 12."""
    ds = make_results(years=(2030, 2035, 2040))
    ebc = ds["emissions_by_cause"]
    ebc[:] = 0.0
    causes = ("other_processes", "electricity_fallback", "hydrogen_fallback", "co2_not_captured")
    for cause, v in zip(causes, (30, 6, 3, 1), strict=True):
        ebc.loc[dict(cause=cause, year=2030)] = v
    ebc.loc[dict(cause="other_processes", year=2035)] = 20
    ebc.loc[dict(cause="electricity_fallback", year=2035)] = 2
    ebc.loc[dict(cause="other_processes", year=2040)] = 10
    ds["emissions"][:] = [40.0, 22.0, 10.0]
    ds["emission_target"][:] = [35.0, np.nan, 12.0]
    set_policy_targets(ds, {"industry_emissions_mt": {2030: 99.0, 2035: 15.0}})
    return ds


def test_emissions_gap_split_missing_supply_first():
    """2030: gap 40 - 35 = 5 (the cap wins over the policy target 99). Missing supply explains
    6 + 3 + 1 = 10 >= 5, so all 5 goes to it in proportion 6:3:1 -> 3, 1.5, 0.5; other 0.
    2035: gap 22 - 15 = 7; missing supply explains only 2 (electricity) -> 2, other 5; main
    cause other processes. 2040: 10 - 12 = -2 below target: gap 0, "target met"."""
    em = analysis.emissions_vs_targets(_emissions_ds()).set_index("year")
    assert em.loc[2030, "target_mt"] == 35 and em.loc[2030, "target_source"] == "scenario cap"
    assert em.loc[2030, "gap_mt"] == pytest.approx(5)
    assert em.loc[2030, "gap_missing_green_electricity_mt"] == pytest.approx(3)
    assert em.loc[2030, "gap_missing_green_hydrogen_mt"] == pytest.approx(1.5)
    assert em.loc[2030, "gap_missing_co2_transport_storage_mt"] == pytest.approx(0.5)
    assert em.loc[2030, "gap_other_processes_mt"] == pytest.approx(0)
    assert em.loc[2030, "main_cause"] == "missing green electricity"
    assert em.loc[2035, "target_source"] == "policy target"
    assert em.loc[2035, "gap_mt"] == pytest.approx(7)
    assert em.loc[2035, "gap_missing_green_electricity_mt"] == pytest.approx(2)
    assert em.loc[2035, "gap_other_processes_mt"] == pytest.approx(5)
    assert em.loc[2035, "main_cause"] == "other processes"
    assert em.loc[2040, "above_target_mt"] == pytest.approx(-2)
    assert em.loc[2040, "gap_mt"] == 0 and em.loc[2040, "main_cause"] == "target met"


def test_emissions_gap_split_proportional():
    """Proportional rule, 2030: gap 5 split 30:6:3:1 of 40 -> other 3.75, electricity 0.75,
    hydrogen 0.375, CO2 0.125."""
    em = analysis.emissions_vs_targets(_emissions_ds(), rule="proportional").set_index("year")
    assert em.loc[2030, "gap_other_processes_mt"] == pytest.approx(3.75)
    assert em.loc[2030, "gap_missing_green_electricity_mt"] == pytest.approx(0.75)
    assert em.loc[2030, "gap_missing_green_hydrogen_mt"] == pytest.approx(0.375)
    assert em.loc[2030, "gap_missing_co2_transport_storage_mt"] == pytest.approx(0.125)


def test_emissions_without_any_target():
    em = analysis.emissions_vs_targets(make_results())
    assert set(em["target_source"]) == {"none"} and set(em["main_cause"]) == {"no target"}
    assert (em["gap_mt"] == 0).all()


# --------------------------------------------------------------------------- paths


def _two_paths():
    """Path A: electrolyser RM 4 (2030), 6 (2035); CH 1 (2030); offshore wind RM 2 GW (2030).
    Path B: electrolyser RM 3 (2030), 8 (2035); import terminal RM 2 (2035); offshore wind RM
    1 GW (2030), whose wind electricity used at RM in 2030 is 8.76 TWh. B has no hydrogen
    shortfall; A keeps the default 2 TWh per cluster and year."""
    a = _zero_capacity(make_results("A", objective_eur=5.0e9))
    b = _zero_capacity(make_results("B", objective_eur=7.0e9))
    _set_cap(a, "electrolyser", "RM", 2030, 4)
    _set_cap(a, "electrolyser", "RM", 2035, 6)
    _set_cap(a, "electrolyser", "CH", 2030, 1)
    _set_cap(a, "offshore_wind", "RM", 2030, 2)
    _set_cap(b, "electrolyser", "RM", 2030, 3)
    _set_cap(b, "electrolyser", "RM", 2035, 8)
    _set_cap(b, "h2_import_terminal", "RM", 2035, 2)
    _set_cap(b, "offshore_wind", "RM", 2030, 1)
    b["supply"].loc[
        dict(carrier="electricity", source="offshore_wind", cluster="RM", year=2030)
    ] = 8.76
    b["unmet"].loc[dict(carrier="hydrogen")] = 0.0
    return a, b


def test_no_regret_is_elementwise_minimum():
    """min(A, B): electrolyser RM 2030 min(4, 3) = 3; RM 2035 min(6, 8) = 6; offshore wind RM
    2030 min(2, 1) = 1. CH 2030 min(1, 0) = 0 and the import terminal min(0, 2) = 0 are not
    reported."""
    nr = analysis.compare_paths(_two_paths())["no_regret"]
    got = {(r.technology, r.cluster, r.year): r.no_regret_capacity for r in nr.itertuples()}
    assert got == {
        ("electrolyser", "RM", 2030): 3,
        ("electrolyser", "RM", 2035): 6,
        ("offshore_wind", "RM", 2030): 1,
    }
    row = nr[(nr["technology"] == "electrolyser") & (nr["year"] == 2030)].iloc[0]
    assert row["max_capacity"] == 4 and row["paths_at_minimum"] == "B"


def test_vollooprisico_is_max_zero_a_minus_b():
    """Built for A, B materialises: max(0, A - B) = electrolyser RM 2030 4 - 3 = 1, CH 2030
    1 - 0 = 1, offshore wind RM 2030 2 - 1 = 1 (RM 2035: 6 - 8 < 0, none). Built for B, A
    materialises: electrolyser RM 2035 8 - 6 = 2, import terminal RM 2035 2 - 0 = 2.
    Utilisation of A's 2 GW wind at RM in 2030 if B happens: 8.76 TWh / (2 GW x 8760 h) = 0.5."""
    vr = analysis.compare_paths(_two_paths())["vollooprisico"]
    got = {
        (r.built_for, r.materialises, r.technology, r.cluster, r.year): r.stranded_capacity
        for r in vr.itertuples()
    }
    assert got == {
        ("A", "B", "electrolyser", "RM", 2030): 1,
        ("A", "B", "electrolyser", "CH", 2030): 1,
        ("A", "B", "offshore_wind", "RM", 2030): 1,
        ("B", "A", "electrolyser", "RM", 2035): 2,
        ("B", "A", "h2_import_terminal", "RM", 2035): 2,
    }
    wind = vr[(vr["technology"] == "offshore_wind")].iloc[0]
    assert wind["utilisation_if_materialises"] == pytest.approx(0.5)
    assert wind["stranded_share"] == pytest.approx(0.5)
    ch = vr[(vr["cluster"] == "CH")].iloc[0]
    assert ch["stranded_share"] == pytest.approx(1.0)


def test_headline_and_fit_in_time():
    """Window 2030-2035 holds both model years. Energy demand per path: (10 + 5) TWh x 2
    clusters x 2 years = 60. A's unmet hydrogen 2 x 2 x 2 = 8 -> share 8/60; B's 0 -> B fits
    best. A's electrolysis 2030 = 4 + 1 = 5 GW; objective per path from the attributes."""
    tables = analysis.compare_paths(_two_paths())
    fit = tables["fit_in_time"].set_index("scenario")
    assert fit.loc["B", "rank"] == 1 and bool(fit.loc["B", "fits_best"])
    assert fit.loc["A", "unmet_energy_share"] == pytest.approx(8 / 60)
    assert fit.loc["A", "demand_energy_twh"] == pytest.approx(60)
    head = tables["headline"].set_index(["scenario", "year"])
    assert head.loc[("A", 2030), "electrolysis_gw"] == 5
    assert head.loc[("B", 2035), "unmet_hydrogen_twh"] == 0
    side = tables["side_by_side"].set_index(["metric", "year"])
    assert side.loc[("objective_eur", "all"), "A"] == 5.0e9
    assert side.loc[("objective_eur", "all"), "B"] == 7.0e9
    assert list(tables["side_by_side"].columns) == ["metric", "year", "A", "B"]


def test_compare_paths_uses_years_all_paths_share():
    """Path B also has 2040; the no-regret set only covers 2030 and 2035 (A has no 2040)."""
    a, _ = _two_paths()
    b = _zero_capacity(make_results("B", years=(2030, 2035, 2040)))
    b["capacity"].loc[dict(technology="electrolyser")] = 1.0
    a["capacity"].loc[dict(technology="electrolyser", cluster="CH")] = 1.0
    nr = analysis.compare_paths([a, b])["no_regret"]
    assert set(nr["year"]) == {2030, 2035}


# --------------------------------------------------------------------------- writing


def test_write_comparison_replaces_out_dir_atomically(tmp_path):
    a, b = _two_paths()
    dirs = [write_results(a, tmp_path / "runs"), write_results(b, tmp_path / "runs")]
    out = tmp_path / "cmp"
    with npvi_output_dir(out, "comparison") as staging:  # an earlier comparison by npvi
        (staging / "stale.csv").write_text("old")
    paths = analysis.write_comparison(dirs, out)
    assert {
        "no_regret",
        "vollooprisico",
        "bottlenecks",
        "emissions_vs_targets",
        "access_timeline",
        "capacity_vs_targets",
        "fit_in_time",
    } <= set(paths)
    assert all(p.is_file() and p.parent == out.resolve() for p in paths.values())
    assert not (out / "stale.csv").exists()
    nr = pd.read_csv(paths["no_regret"])
    assert len(nr) == 3
    assert sorted(os.listdir(tmp_path)) == ["cmp", "runs"]  # no temp or backup folders left


def test_write_comparison_refuses_a_folder_npvi_did_not_make(tmp_path):
    a, b = _two_paths()
    dirs = [write_results(a, tmp_path / "runs"), write_results(b, tmp_path / "runs")]
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "mine.csv").write_text("user's")
    with pytest.raises(InputError, match="not made by npvi"):
        analysis.write_comparison(dirs, out)
    assert os.listdir(out) == ["mine.csv"]
    with pytest.raises(InputError, match="holds the input"):
        analysis.write_comparison(dirs, tmp_path / "runs", force=True)
    assert sorted(os.listdir(tmp_path / "runs")) == ["A", "B"]


def test_write_comparison_leaves_old_output_on_error(tmp_path, monkeypatch):
    a, b = _two_paths()
    write_results(a, tmp_path / "runs")
    write_results(b, tmp_path / "runs")
    out = tmp_path / "cmp"
    with npvi_output_dir(out, "comparison") as staging:
        (staging / "keep.csv").write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(RuntimeError):
        analysis.write_comparison([tmp_path / "runs"], out)  # folder of folders is accepted
    assert sorted(os.listdir(out)) == [MARKER, "keep.csv"]
    assert sorted(os.listdir(tmp_path)) == ["cmp", "runs"]


def test_print_comparison_runs(tmp_path):
    from rich.console import Console

    console = Console(record=True, width=160)
    analysis.print_comparison(analysis.comparison_tables(list(_two_paths())), console)
    text = console.export_text()
    assert "Vollooprisico" in text and "No-regret" in text
