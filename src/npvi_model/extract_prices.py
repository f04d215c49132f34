"""Stage 6, prices: the marginal prices read from the balance duals, and the power system behind
the grid connections.

- `carrier_price` [EUR/MWh for electricity and hydrogen, EUR/t for CO2]: the dual of the cluster
  balance divided by (slice weight x discount weight x 1e-3), averaged over the slices weighted by
  demand (electricity) or slice weight (hydrogen); CO2: minus the dual divided by the discount
  weight (MEUR/Mt = EUR/t).
- `grid_price` [EUR/MWh]: the dual of the national grid balance per year and slice, scaled the same.
- `grid_supply_by_step`, `grid_step_available` [TWh] and `scope2_emissions` [Mt].

Also the small readers shared by the extract modules: `_values` (solved values, None -> 0),
`indexed_array` and `add_indexed` (such values as a dense numpy array, each key placed by a dict
lookup, not a list search: 8760-hour models have ~10^5 keys per component) and `_dual_array` (the
dual of each constraint of an indexed component, 0 when absent).
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import xarray as xr


def _values(component) -> dict:
    return {k: (v if v is not None else 0.0) for k, v in component.extract_values().items()}


def _positions(values: dict, axes, maps) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The position of each key of `values` along each axis (a key is a tuple with one element
    per axis; `maps[k]`, when given, first maps element k, e.g. an asset to its cluster), and the
    values in the same order."""
    n = len(values)
    maps = maps or (None,) * len(axes)
    columns = []
    for k, (axis, rename) in enumerate(zip(axes, maps, strict=True)):
        where = {key: i for i, key in enumerate(axis)}
        if rename is not None:
            where = {old: where[new] for old, new in rename.items() if new in where}
        columns.append(np.fromiter((where[key[k]] for key in values), dtype=np.intp, count=n))
    return tuple(columns), np.fromiter(values.values(), dtype=float, count=n)


def indexed_array(values: dict, *axes) -> np.ndarray:
    """Values keyed by (element of axis 0, element of axis 1, ...) as a dense array with one
    dimension per axis, 0 where a key is absent."""
    out = np.zeros(tuple(len(axis) for axis in axes))
    if values:
        index, flat = _positions(values, axes, None)
        out[index] = flat
    return out


def add_indexed(out: np.ndarray, values: dict, axes, maps=None, sign: float = 1.0) -> None:
    """out[position of key] += sign x value for every key of `values`, in the order of the keys
    (several keys may land on one position: `maps` maps a key element, e.g. asset -> cluster)."""
    if values:
        index, flat = _positions(values, axes, maps)
        np.add.at(out, index, sign * flat)


def _dual_array(component, duals: dict) -> dict:
    return {idx: float(duals.get(con, 0.0)) for idx, con in component.items()}


def _add_prices(ds, model, duals, w, dw, e_dem) -> None:
    d = model.data
    years, clusters, slices = d.years, d.clusters, d.slices
    price = np.full((3, len(clusters), len(years)), np.nan)
    for k, (component, weights) in enumerate(
        ((model.electricity_balance, e_dem), (model.h2_balance, None))
    ):
        dual = _dual_array(component, duals)
        for c_i, c in enumerate(clusters):
            for y_i, y in enumerate(years):
                per_mwh = np.array(
                    [dual[(c, y, t)] / (d.slice_weight[t] * dw[y] * 1e-3) for t in slices]
                )
                wt = w * (weights[c_i, y_i] if weights is not None else 1.0)
                price[k, c_i, y_i] = (
                    float(np.sum(per_mwh * wt) / np.sum(wt))
                    if np.sum(wt) > 0
                    else float(np.mean(per_mwh))
                )
    dual = _dual_array(model.co2_balance, duals)
    for c_i, c in enumerate(clusters):
        for y_i, y in enumerate(years):
            price[2, c_i, y_i] = -dual[(c, y)] / dw[y]  # MEUR/Mt = EUR/t
    ds["carrier_price"] = (("carrier", "cluster", "year"), price)


def _grid_low_carbon_share(model) -> np.ndarray:
    """Per year: the share of grid electricity from supply steps with no CO2 (scope 2 zero);
    1 where industry takes nothing from the grid."""
    d = model.data
    supply = _values(model.grid_step_supply)
    out = np.ones(len(d.years))
    for y_i, y in enumerate(d.years):
        total = clean = 0.0
        for (s, yy, t), v in supply.items():
            if yy == y:
                total += d.slice_weight[t] * v
                if d.params["grid_step_emission_factor_t_per_mwh"][(s, y)] == 0:
                    clean += d.slice_weight[t] * v
        out[y_i] = clean / total if total > 0 else 1.0
    return out


def _add_power_system(ds, model, duals, w, dw) -> xr.Dataset:
    """Grid supply by step [TWh], step volume available [TWh], the hourly grid price [EUR/MWh]
    (dual of the national grid balance) and scope-2 emissions of grid electricity [Mt]."""
    d = model.data
    years, slices, steps = d.years, d.slices, d.grid_steps
    supply = indexed_array(_values(model.grid_step_supply), steps, years, slices)
    volume = np.array(
        [
            [[d.params["grid_step_volume_gw"][(s, y, t)] for t in slices] for y in years]
            for s in steps
        ]
    ).reshape(supply.shape)
    dual = _dual_array(model.national_grid_balance, duals)
    price = np.array(
        [[dual[(y, t)] / (d.slice_weight[t] * dw[y] * 1e-3) for t in slices] for y in years]
    ).reshape(len(years), len(slices))
    ds = ds.assign_coords(grid_step=steps)
    ds["grid_supply_by_step"] = (("grid_step", "year"), (supply * w).sum(axis=-1) * 1e-3)
    ds["grid_step_available"] = (("grid_step", "year"), (volume * w).sum(axis=-1) * 1e-3)
    ds["grid_price"] = (("year", "slice"), price)
    ds["scope2_emissions"] = (
        "year",
        [float(pyo.value(model.scope2_emissions[y])) for y in years],
    )
    return ds
