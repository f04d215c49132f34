"""Hand-made model inputs for micro-model tests: a few clusters, a few slices, numbers you can
follow on paper. `micro_inputs` returns a Dataset shaped like the output of the time-reduction
stage, with every parameter the model families read; tests then change what they need.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import xarray as xr

from npvi_model.model import build_model
from npvi_model.scenario import SolverConfig
from npvi_model.sets import SECTORS
from npvi_model.solve import solve

TECH_UNITS = {
    "offshore_wind": "GW",
    "electrolyser": "GW",
    "offshore_electrolysis": "GW",
    "grid_connection": "GW",
    "electricity_corridor": "GW",
    "h2_pipeline": "GW",
    "h2_import_terminal": "GW",
    "h2_storage": "GWh",
    "co2_pipeline": "Mt/yr",
    "co2_sink": "Mt/yr",
}


def micro_inputs(
    clusters=("A",),
    years=(2030,),
    slice_weights=(4380.0, 4380.0),
    wind_cf=(1.0, 0.0),
    hours_per_period=None,
    day_period=None,
    assets=(),
    discount_rate=0.0,
) -> xr.Dataset:
    """A minimal input set.

    `assets` is a list of dicts: {tech, loc, from, to, existing (per year or scalar),
    max_new, earliest, rate, capex, fom, life}. By default: no demand, no capacity, all prices 0
    except the fallback (gas 50 EUR/MWh, 1 MWh gas per MWh carrier, 0.2 t CO2/MWh) and a CO2
    price of 0; every year weight 1 and discount weight 1 (unless discount_rate is given).
    """
    years = list(years)
    clusters = list(clusters)
    n_t = len(slice_weights)
    slices = list(range(n_t))
    if hours_per_period is None:  # every slice its own 1-h period, repeated `weight` times
        period = list(range(n_t))
        hour = [0] * n_t
        days = day_period if day_period is not None else [0]
        hours_per_period = 1
    else:
        period = [t // hours_per_period for t in slices]
        hour = [t % hours_per_period for t in slices]
        days = day_period
    ds = xr.Dataset(
        coords={"year": years, "cluster": clusters, "slice": slices, "day": list(range(len(days)))}
    )
    nY, nC = len(years), len(clusters)
    ds["year_weight"] = ("year", np.ones(nY))
    if discount_rate:
        from npvi_model.inputs import discount_weights, year_weights

        w = year_weights(years)
        ds["year_weight"] = ("year", w)
        ds["discount_weight"] = ("year", discount_weights(years, w, discount_rate, years[0]))
    else:
        ds["discount_weight"] = ("year", np.ones(nY))
    ds["slice_weight_h"] = ("slice", np.array(slice_weights, dtype=float))
    ds["slice_period"] = ("slice", np.array(period))
    ds["slice_hour"] = ("slice", np.array(hour))
    ds["offshore_wind_cf"] = ("slice", np.array(wind_cf, dtype=float))
    ds["electricity_profile"] = ("slice", np.ones(n_t))
    ds["day_period"] = ("day", np.array(days))
    zeros_cy = np.zeros((nC, nY))
    for name in (
        "electricity_demand_twh",
        "hydrogen_demand_twh",
        "co2_capture_plan_mt",
        "other_emissions_mt",
    ):
        ds[name] = (("cluster", "year"), zeros_cy.copy())
    for name in (
        "price_hydrogen_import",
        "price_co2_emission",
        "price_co2_transport_storage",
    ):
        ds[name] = ("year", np.zeros(nY))
    ds["price_natural_gas"] = ("year", np.full(nY, 50.0))
    ds["emission_cap_mt"] = ("year", np.full(nY, np.nan))
    ds["wind_roadmap_gw"] = ("year", np.full(nY, 1e3))
    ds["industry_wind_gw"] = ("year", np.full(nY, 1e3))
    ds["electrolyser_efficiency"] = ("year", np.full(nY, 0.5))
    ds["offshore_electrolysis_efficiency"] = ("year", np.full(nY, 0.5))
    ds["h2_storage_power_ratio"] = ("cluster", np.ones(nC))
    ds["landing_limit_gw"] = ("cluster", np.full(nC, 1e3))
    # grid supply steps: by default one unlimited step at 0 EUR/MWh and 0 t/MWh
    ds.coords["grid_step"] = ["renewable_surplus", "dispatchable"]
    ds["grid_step_volume_gw"] = (
        ("grid_step", "year", "slice"),
        np.stack([np.full((nY, n_t), 1e3), np.zeros((nY, n_t))]),
    )
    ds["grid_step_price_eur_per_mwh"] = (("grid_step", "year"), np.zeros((2, nY)))
    ds["grid_step_emission_factor_t_per_mwh"] = (("grid_step", "year"), np.zeros((2, nY)))
    ds.coords["demand_carrier"] = ["electricity", "hydrogen", "co2_capture"]
    ds.coords["sector"] = list(SECTORS)
    ds["demand_by_sector"] = (
        ("demand_carrier", "sector", "cluster", "year"),
        np.zeros((3, len(SECTORS), nC, nY)),
    )
    ds.coords["target"] = ["electrolysis_gw"]
    ds["policy_target"] = (("target", "year"), np.full((1, nY), np.nan))
    _set_assets(ds, list(assets))
    ds.attrs.update(
        scenario="micro",
        hours_per_period=hours_per_period,
        time_resolution="representative",
        fallback_electricity_gas_per_unit=1.0,
        fallback_electricity_t_co2_per_mwh=0.2,
        fallback_hydrogen_gas_per_unit=1.0,
        fallback_hydrogen_t_co2_per_mwh=0.2,
        offshore_wind_roadmap_mode="max",
        h2_import_earliest_year=2000,
        industry_share_of_offshore_wind=1.0,
        investment_wacc=0.0,
        emission_cap_penalty_eur_per_t=0.0,
        green_access_threshold=0.9,
    )
    return ds


def _set_assets(ds: xr.Dataset, assets: list[dict]) -> None:
    years = list(ds.year.values)
    names = [a.get("name", f"{a['tech']}:{a['loc']}") for a in assets]
    ds.coords["asset"] = names
    ds.coords["asset_technology"] = ("asset", [a["tech"] for a in assets])
    ds.coords["asset_location"] = ("asset", [a["loc"] for a in assets])
    ds.coords["asset_unit"] = ("asset", [TECH_UNITS[a["tech"]] for a in assets])
    ds.coords["asset_from"] = ("asset", [a.get("from", a["loc"]) for a in assets])
    ds.coords["asset_to"] = ("asset", [a.get("to", a["loc"]) for a in assets])

    def per_year(value):
        return (
            [value.get(y, 0.0) for y in years] if isinstance(value, dict) else [value] * len(years)
        )

    ds["existing_capacity"] = (
        ("asset", "year"),
        np.array([per_year(a.get("existing", 0.0)) for a in assets], dtype=float).reshape(
            len(assets), len(years)
        ),
    )
    ds["earliest_new_year"] = (
        "asset",
        np.array([a.get("earliest", 0) for a in assets], dtype=float),
    )
    ds["max_new_capacity"] = (
        "asset",
        np.array([a.get("max_new", 0.0) for a in assets], dtype=float),
    )
    ds["max_build_per_year"] = (
        "asset",
        np.array([a.get("rate", 1e6) for a in assets], dtype=float),
    )
    for par, default in (("capex", 0.0), ("fom", 0.0), ("lifetime", 30.0), ("efficiency", 0.5)):
        ds[par] = (
            ("asset", "year"),
            np.array([per_year(a.get(par, default)) for a in assets], dtype=float).reshape(
                len(assets), len(years)
            ),
        )


def solve_micro(inputs: xr.Dataset) -> tuple[pyo.ConcreteModel, dict]:
    """Build and solve; return the model (values loaded) and the duals."""
    model = build_model(inputs)
    result = solve(model, SolverConfig(algorithm="simplex", time_limit_s=60))
    return model, result.duals


def val(component, *index) -> float:
    return float(pyo.value(component[index if len(index) > 1 else index[0]]))
