"""Capacity built, as opposed to capacity in service: what a path adds to what already exists.

- `built_by_model(ds)`: `new_capacity` summed over the model years up to each year, i.e. what
  the model chose to build and has in service (technology, cluster, year), in the technology's
  unit;
- `added_since_start(ds)`: capacity in service that was not there in the first model year:
  capacity(y) - capacity(first year) + new_capacity(first year), never below zero; it holds the
  committed projects and the model's own builds, not the assets that already exist;
- `no_regret_built(datasets, names)`: per technology x year, the least `built_by_model` any
  path has (the minimum per cluster, then summed over clusters): new capacity every path builds.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import xarray as xr

from npvi_model.analysis.io import capacity_units

#: amounts below this (GW, GWh, Mt/yr) are solver noise, not capacity
NOISE = 5e-4


def built_by_model(ds: xr.Dataset) -> xr.DataArray:
    """New capacity built by the model and in service (technology, cluster, year)."""
    return ds["new_capacity"].fillna(0.0).sortby("year").cumsum("year")


def added_since_start(ds: xr.Dataset) -> xr.DataArray:
    """Capacity in service beyond what exists in the first model year (never negative)."""
    cap = ds["capacity"].fillna(0.0).sortby("year")
    first = cap["year"].values[0]
    new_first = ds["new_capacity"].fillna(0.0).sel(year=first)
    return (cap - cap.sel(year=first) + new_first).clip(min=0.0)


def no_regret_built(datasets: Sequence[xr.Dataset], names: Sequence[str]) -> pd.DataFrame:
    """Columns technology, year, capacity (new capacity every path builds), unit; rows above
    NOISE only, over the years all paths share."""
    units: dict[str, str] = {}
    for ds in datasets:
        units.update(capacity_units(ds))
    built = [built_by_model(ds) for ds in datasets]
    years = sorted(set.intersection(*(set(int(y) for y in b["year"].values) for b in built)))
    aligned = xr.align(*(b.sel(year=years) for b in built), join="outer", fill_value=0.0)
    stacked = xr.concat(aligned, dim=pd.Index(list(names), name="path")).fillna(0.0)
    minimum = stacked.min("path").sum("cluster")
    df = minimum.to_dataframe(name="capacity").reset_index()[["technology", "year", "capacity"]]
    df["unit"] = df["technology"].map(lambda tech: units.get(str(tech), ""))
    df["year"] = df["year"].astype(int)
    return df[df["capacity"] > NOISE].reset_index(drop=True)
