"""Small, hand-checkable result Datasets that follow `npvi_model.outputs` exactly.

`make_results()` builds a Dataset with every variable of `outputs.OUTPUT_VARIABLES`, with the
dims, coordinates and attributes a run's `results.nc` carries. Defaults are simple round numbers
(per cluster and year: electricity demand 10 TWh met by 6 TWh offshore wind + 4 TWh grid; hydrogen
demand 5 TWh met by 3 TWh electrolysis + 2 TWh fossil fallback; CO2 capture plan 2 Mt, all
captured). Tests set the values they check with `.loc`, e.g.

    ds = make_results(years=(2030, 2035))
    ds["capacity"].loc[dict(technology="electrolyser", cluster="RM", year=2030)] = 3.0

`write_results(ds, out)` writes `<out>/<scenario_dir>/results.nc` plus a `summary.json` and a CSV,
as the extract stage does, so loaders and reports can be tested on real folders.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from npvi_model.extract_gaps import PATH_RULES
from npvi_model.outputs import (
    ALL_SOURCES,
    COST_COMPONENTS,
    EMISSION_CAUSES,
    OUTPUT_VARIABLES,
)
from npvi_model.sets import CARRIERS, CLUSTERS, SECTORS
from npvi_model.tables import CAPACITY_UNIT, TARGETS, TECHNOLOGIES

PATH_NAMES = ("domestic", "import_intermediates", "reduced_base")


@dataclass(frozen=True)
class FakeLimit:
    """One capacity limit of the fake run (a coordinate of the `limit` dim)."""

    kind: str
    location: str
    unit: str = "GW"
    label: str | None = None

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.location}"

    @property
    def plain_label(self) -> str:
        if self.label is not None:
            return self.label
        where = CLUSTERS.get(self.location, self.location)
        return f"{self.kind.replace('_', ' ')} {where}"


@dataclass(frozen=True)
class FakeLink:
    """One link of the fake run (a coordinate of the `link` dim)."""

    carrier: str
    start: str
    end: str

    @property
    def name(self) -> str:
        return f"{self.carrier}:{self.start}-{self.end}"


DEFAULT_LIMITS = (
    FakeLimit("grid_connection", "RM", "GW"),
    FakeLimit("grid_connection", "CH", "GW"),
    FakeLimit("national_offshore_wind", "NL", "GW", "national offshore wind roadmap"),
    FakeLimit("co2_sink", "porthos", "Mt/yr", "CO2 storage Porthos"),
)
DEFAULT_LINKS = (FakeLink("hydrogen", "RM", "CH"), FakeLink("co2", "CH", "RM"))

#: supply per carrier and source per cluster and year in the default run (TWh | Mt)
DEFAULT_SUPPLY = {
    ("electricity", "offshore_wind"): 6.0,
    ("electricity", "grid"): 4.0,
    ("hydrogen", "electrolysis"): 3.0,
    ("hydrogen", "fallback"): 2.0,
    ("co2", "captured"): 2.0,
}
DEFAULT_DEMAND = {"electricity": 10.0, "hydrogen": 5.0, "co2": 2.0}


def _da(
    dims: Sequence[str], coords: Mapping[str, Sequence[Any]], fill: float = 0.0
) -> xr.DataArray:
    shape = tuple(len(coords[d]) for d in dims)
    return xr.DataArray(
        np.full(shape, fill, dtype=float),
        dims=tuple(dims),
        coords={d: list(coords[d]) for d in dims},
    )


def make_results(
    scenario: str = "domestic",
    *,
    years: Sequence[int] = (2030, 2035),
    clusters: Sequence[str] = ("RM", "CH"),
    slices: Sequence[str] = ("s1", "s2"),
    limits: Sequence[FakeLimit] = DEFAULT_LIMITS,
    links: Sequence[FakeLink] = DEFAULT_LINKS,
    objective_eur: float = 1.0e9,
    green_access_threshold: float | None = 0.9,
    description: str = "fake results for tests",
) -> xr.Dataset:
    """A complete fake result Dataset with round default values (see module docstring)."""
    years = [int(y) for y in years]
    coords: dict[str, Sequence[Any]] = {
        "year": years,
        "cluster": list(clusters),
        "carrier": list(CARRIERS),
        "sector": list(SECTORS),
        "slice": list(slices),
        "source": list(ALL_SOURCES),
        "technology": list(TECHNOLOGIES),
        "link": [lk.name for lk in links],
        "limit": [lm.name for lm in limits],
        "cause": list(EMISSION_CAUSES),
        "cost_component": list(COST_COMPONENTS),
        "component": ["demand", "offshore_wind", "grid", "electrolyser", "fallback"],
        "target": list(TARGETS),
        "grid_step": ["renewable_surplus", "dispatchable"],
        "path_rule": list(PATH_RULES),
    }
    data: dict[str, xr.DataArray] = {}
    for var in OUTPUT_VARIABLES:
        data[var.name] = _da(var.dims, coords)

    n_slices = len(slices)
    data["slice_weight_h"][:] = 8760.0 / n_slices

    for carrier, value in DEFAULT_DEMAND.items():
        data["demand"].loc[dict(carrier=carrier)] = value
        # all demand in the `chemicals` sector, none elsewhere
        data["demand_by_sector"].loc[dict(carrier=carrier, sector="chemicals")] = value
    for (carrier, source), value in DEFAULT_SUPPLY.items():
        data["supply"].loc[dict(carrier=carrier, source=source)] = value
    data["unmet"][:] = data["supply"].sel(source="fallback").drop_vars("source").values
    share = 1.0 - data["unmet"] / data["demand"]
    data["green_share"][:] = share.values

    cap = data["capacity"]
    cap.loc[dict(technology="offshore_wind")] = 2.0
    cap.loc[dict(technology="electrolyser")] = 1.0
    cap.loc[dict(technology="grid_connection")] = 1.5
    data["new_capacity"][:] = 0.0

    data["link_capacity"][:] = 1.0
    data["limit_capacity"][:] = 1.0  # every limit exists (size 1 in its capacity unit)
    data["link_flow"][:] = 4.38  # 1 GW x 8760 h x 0.5 = 4.38 TWh
    data["link_utilisation"][:] = 0.5

    # emissions: 2 Mt hydrogen fallback (2 TWh x ~0.2 Mt/TWh x clusters) + 10 Mt other processes
    data["emissions_by_cause"].loc[dict(cause="other_processes")] = 10.0
    data["emissions_by_cause"].loc[dict(cause="hydrogen_fallback")] = 0.8
    data["emissions"][:] = data["emissions_by_cause"].sum("cause").values
    data["emissions_by_cluster"][:] = (data["emissions"] / len(clusters)).values
    data["emission_target"][:] = np.nan
    data["emission_gap"][:] = 0.0
    data["policy_target"][:] = np.nan
    data["cost"].loc[dict(cost_component="investment_annuity")] = 1.0e8
    data["carrier_price"].loc[dict(carrier="electricity")] = 60.0
    data["carrier_price"].loc[dict(carrier="hydrogen")] = 120.0
    data["carrier_price"].loc[dict(carrier="co2")] = 80.0

    # grid: all 4 TWh from the renewable surplus at 40 EUR/MWh, no scope-2 CO2
    data["grid_supply_by_step"][:] = 0.0
    data["grid_supply_by_step"].loc[dict(grid_step="renewable_surplus")] = 4.0
    data["grid_step_available"][:] = 10.0
    data["grid_price"][:] = 40.0
    data["residual_load"][:] = -1.0
    data["scope2_emissions"][:] = 0.0

    # hourly balance in GW: the annual TWh spread flat over the slices (TWh*1000/8760 = GW)
    disp = data["dispatch_gw"]
    to_gw = 1000.0 / 8760.0
    disp.loc[dict(carrier="electricity", component="offshore_wind")] = 6.0 * to_gw
    disp.loc[dict(carrier="electricity", component="grid")] = 4.0 * to_gw
    disp.loc[dict(carrier="electricity", component="demand")] = -10.0 * to_gw
    disp.loc[dict(carrier="hydrogen", component="electrolyser")] = 3.0 * to_gw
    disp.loc[dict(carrier="hydrogen", component="fallback")] = 2.0 * to_gw
    disp.loc[dict(carrier="hydrogen", component="demand")] = -5.0 * to_gw

    ds = xr.Dataset(data)
    ds = ds.assign_coords(
        limit_kind=("limit", [lm.kind for lm in limits]),
        limit_location=("limit", [lm.location for lm in limits]),
        limit_unit=("limit", [lm.unit for lm in limits]),
        limit_label=("limit", [lm.plain_label for lm in limits]),
        link_carrier=("link", [lk.carrier for lk in links]),
        link_from=("link", [lk.start for lk in links]),
        link_to=("link", [lk.end for lk in links]),
    )
    for var in OUTPUT_VARIABLES:
        ds[var.name].attrs = {"units": var.unit, "description": var.description}
    ds["capacity"].attrs["units_by_technology"] = json.dumps(CAPACITY_UNIT)
    ds["new_capacity"].attrs["units_by_technology"] = json.dumps(CAPACITY_UNIT)
    ds.attrs = {
        "scenario": scenario,
        "description": description,
        "resolved_scenario": json.dumps({"name": scenario, "years": years}),
        "input_sha256": "0" * 64,
        "versions": json.dumps({"npvi_model": "0.1.0", "pyomo": "fake", "highs": "fake"}),
        "solver_options": json.dumps({}),
        "solver_status": "optimal",
        "objective_eur": float(objective_eur),
    }
    if green_access_threshold is not None:
        ds.attrs["green_access_threshold"] = float(green_access_threshold)
    return ds


def set_policy_targets(ds: xr.Dataset, targets: Mapping[str, Mapping[int, float]]) -> xr.Dataset:
    """Set `policy_target` values, e.g. {"electrolysis_gw": {2030: 4.0}}; returns ds."""
    for target, by_year in targets.items():
        for year, value in by_year.items():
            ds["policy_target"].loc[dict(target=target, year=year)] = value
    return ds


def write_results(ds: xr.Dataset, out_dir: Path, folder: str | None = None) -> Path:
    """Write ds as a run's result folder `<out_dir>/<folder or scenario>/`; returns the folder."""
    folder_path = Path(out_dir) / (folder or str(ds.attrs["scenario"]))
    (folder_path / "csv").mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(folder_path / "results.nc", engine="netcdf4")
    summary = {
        "scenario": ds.attrs["scenario"],
        "status": ds.attrs["solver_status"],
        "objective_eur": ds.attrs["objective_eur"],
        "years": {},
        "timing_s": {},
        "metadata": {},
    }
    (folder_path / "summary.json").write_text(json.dumps(summary, indent=2))
    ds["emissions"].to_dataframe().to_csv(folder_path / "csv" / "emissions.csv")
    return folder_path


def make_three_paths(out_dir: Path, years: Sequence[int] = (2025, 2030, 2035, 2050)) -> list[Path]:
    """Fake results for the three development paths, with differing capacities, bottlenecks and
    emissions so every figure and table has something to show; returns the three folders."""
    folders = []
    for i, name in enumerate(PATH_NAMES):
        ds = make_results(
            name,
            years=years,
            clusters=("NN", "RM", "CH"),
            objective_eur=1.0e9 * (i + 1),
        )
        scale = 1.0 - 0.25 * i
        for j, year in enumerate(years):
            ramp = (j + 1) / len(years)
            ds["capacity"].loc[dict(technology="electrolyser", year=year)] = 3.0 * ramp * scale
            ds["capacity"].loc[dict(technology="offshore_wind", year=year)] = 25.0 * ramp * scale
            ds["capacity"].loc[
                dict(technology="offshore_electrolysis", cluster="NN", year=year)
            ] = 2.0 * ramp
            ds["green_share"].loc[dict(carrier="electricity", year=year)] = min(1.0, 0.5 + ramp / 2)
            ds["green_share"].loc[dict(carrier="hydrogen", year=year)] = ramp * scale
            ds["limit_marginal_value"].loc[dict(limit="grid_connection:RM", year=year)] = (
                1.0e5 * ramp * scale
            )
            ds["limit_marginal_value"].loc[dict(limit="co2_sink:porthos", year=year)] = 20.0 * i
            ds["emissions_by_cause"].loc[dict(cause="electricity_fallback", year=year)] = 5.0 * (
                1 - ramp
            )
        ds["emissions"][:] = ds["emissions_by_cause"].sum("cause").values
        ds["emission_target"].loc[dict(year=years[-1])] = 0.0
        set_policy_targets(
            ds,
            {
                "electrolysis_gw": {y: v for y, v in {2025: 0.5, 2030: 4.0}.items() if y in years},
                "offshore_wind_gw": {y: v for y, v in {2050: 70.0}.items() if y in years},
                "industry_emissions_mt": {y: v for y, v in {2030: 35.0}.items() if y in years},
            },
        )
        folders.append(write_results(ds, out_dir))
    return folders
