"""Stage 2, demand side: demand per cluster, sector and carrier along the development path,
commodity prices per model year, and the emissions of the processes outside the model's
decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.inputs_years import _interp_years
from npvi_model.scenario import interpolate_anchors
from npvi_model.sets import CLUSTER_IDS, FIRST_YEAR, SECTORS
from npvi_model.tables import COMMODITIES


def _add_demand(ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario) -> None:
    """Demand = baseline x production index x (1 - f_EI + f_EI x domestic share), per sector,
    where f_EI is the sector's energy-intensive fraction of that carrier's demand."""
    years = list(ds.year.values)
    base = tables["demand_baseline"]
    base = base[base["year"].isin(years)]
    carriers = ["electricity", "hydrogen", "co2_capture"]
    arr = np.zeros((3, len(SECTORS), len(CLUSTER_IDS), len(years)))
    idx = {(r.carrier, r.sector, r.cluster, r.year): r.value for r in base.itertuples()}
    frac = tables["energy_intensive_fraction"].set_index(["sector", "carrier"])["fraction"]
    path = scenario.demand_path
    for s_i, sector in enumerate(SECTORS):
        prod = interpolate_anchors(path.production_index.get(sector, {}), years, 1.0)
        dom = interpolate_anchors(path.domestic_share.get(sector, {}), years, 1.0)
        for k_i, carrier in enumerate(carriers):
            f_ei = float(frac.get((sector, carrier), 0.0))
            for c_i, cluster in enumerate(CLUSTER_IDS):
                for y_i, year in enumerate(years):
                    b = idx.get((carrier, sector, cluster, year), 0.0)
                    arr[k_i, s_i, c_i, y_i] = b * prod[year] * (1 - f_ei + f_ei * dom[year])
    ds.coords["demand_carrier"] = carriers
    ds["demand_by_sector"] = (("demand_carrier", "sector", "cluster", "year"), arr)
    total = arr.sum(axis=1)
    ds["electricity_demand_twh"] = (("cluster", "year"), total[0])
    ds["hydrogen_demand_twh"] = (("cluster", "year"), total[1])
    ds["co2_capture_plan_mt"] = (("cluster", "year"), total[2])


def _add_prices(ds: xr.Dataset, tables: dict[str, pd.DataFrame], years: list[int]) -> None:
    prices = tables["prices"]
    for commodity, unit in COMMODITIES.items():
        rows = prices[prices["commodity"] == commodity].set_index("year")["value"]
        ds[f"price_{commodity}"] = ("year", _interp_years(rows, years))
        ds[f"price_{commodity}"].attrs["units"] = unit
    fb = tables["fallback_routes"].set_index("carrier")
    for carrier in ("electricity", "hydrogen"):
        ds.attrs[f"fallback_{carrier}_gas_per_unit"] = float(
            fb.at[carrier, "gas_per_unit_mwh_per_mwh"]
        )
        ds.attrs[f"fallback_{carrier}_t_co2_per_mwh"] = float(
            fb.at[carrier, "emission_factor_t_per_mwh"]
        )


def _add_emissions(ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario) -> None:
    """Emissions outside the modelled carriers ('other processes'), per cluster and year:

    other = max(0, reference - full-fallback emissions) x (1 - abatement share),
    where reference = base-year emissions x the demand-weighted production index of the cluster,
    and full-fallback emissions are those if no demand were met green and nothing captured:
    all hydrogen as grey hydrogen, all planned capture emitted, and the electricity demand
    *above the 2025 level* on on-site gas (the 2025 electricity use already comes from the grid,
    whose emissions are the power sector's, so it was never in the reference).
    """
    baseline = tables["demand_baseline"]
    first = baseline[(baseline["carrier"] == "electricity") & (baseline["year"] == FIRST_YEAR)]
    base_electricity = first.groupby("cluster")["value"].sum()
    years = list(ds.year.values)
    params = scenario.parameters
    base = (
        tables["emissions_baseline"].sort_values("year").groupby("cluster")["emissions_mt"].last()
    )
    ef_e = ds.attrs["fallback_electricity_t_co2_per_mwh"]
    ef_h = ds.attrs["fallback_hydrogen_t_co2_per_mwh"]
    abate = interpolate_anchors(params.other_emissions_abatement, years, 0.0)
    path = scenario.demand_path
    demand = ds["demand_by_sector"]
    other = np.zeros((len(CLUSTER_IDS), len(years)))
    other_gross = np.zeros((len(CLUSTER_IDS), len(years)))  # before the assumed abatement
    electrification = np.zeros((len(CLUSTER_IDS), len(years)))  # credit for electricity > 2025
    for c_i, cluster in enumerate(CLUSTER_IDS):
        for y_i, year in enumerate(years):
            # production-weighted activity of the cluster, relative to the base year mix
            weights = demand.sel(cluster=cluster, year=years[0]).sum("demand_carrier").values
            idx = np.array(
                [
                    interpolate_anchors(path.production_index.get(s, {}), [year], 1.0)[year]
                    for s in SECTORS
                ]
            )
            activity = float(np.average(idx, weights=weights)) if weights.sum() > 0 else 1.0
            reference = float(base.get(cluster, 0.0)) * activity
            electricity = float(ds["electricity_demand_twh"].sel(cluster=cluster, year=year))
            electrification[c_i, y_i] = (
                max(0.0, electricity - float(base_electricity.get(cluster, 0.0))) * ef_e
            )
            full_fallback = (
                electrification[c_i, y_i]
                + float(ds["hydrogen_demand_twh"].sel(cluster=cluster, year=year)) * ef_h
                + float(ds["co2_capture_plan_mt"].sel(cluster=cluster, year=year))
            )
            other_gross[c_i, y_i] = max(0.0, reference - full_fallback)
            other[c_i, y_i] = other_gross[c_i, y_i] * (1.0 - abate[year])
    ds["other_emissions_mt"] = (("cluster", "year"), other)
    # the assumed (exogenous) parts, reported as their own emission causes (extract.py)
    ds["other_emissions_gross_mt"] = (("cluster", "year"), other_gross)
    ds["electrification_credit_mt"] = (("cluster", "year"), electrification)
    caps = params.emission_caps_mt
    ds["emission_cap_mt"] = ("year", np.array([caps.get(y, np.nan) for y in years], dtype=float))
