"""Stage 6, limit values: the marginal value of each capacity limit per year.

Limit duals (MEUR per capacity unit, discounted) divided by the discount weight give MEUR per unit
per year, converted to EUR per MW (MWh, t/yr) per year with `LIMIT_UNITS`. Each limit is reported
with its size (`limit_capacity`) and whether it can grow that year (`limit_can_grow`), so that the
bottleneck analysis can tell a real bottleneck from an asset that does not exist yet.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from npvi_model.extract_prices import _dual_array
from npvi_model.sets import CLUSTERS
from npvi_model.tables import CAPACITY_UNIT

#: limit unit of a capacity unit, and the factor from MEUR per capacity unit to EUR per limit unit
LIMIT_UNITS = {"GW": ("MW", 1e3), "GWh": ("MWh", 1e3), "Mt/yr": ("t/yr", 1.0)}
PLAIN = {
    "grid_connection": "grid connection",
    "electricity_corridor": "electricity corridor",
    "h2_pipeline": "backbone section",
    "h2_import_terminal": "H2 import terminal",
    "h2_storage": "H2 storage",
    "co2_sink": "CO2 sink",
    "co2_pipeline": "CO2 pipeline",
    "electrolyser": "electrolyser capacity",
    "offshore_wind_landing": "offshore wind landing",
    "national_offshore_wind": "national offshore wind roadmap",
    "electrolyser_national_pace": "national electrolyser build pace",
    "power_system_renewable_surplus": "renewable surplus of the power system",
    "power_system_dispatchable": "dispatchable capacity of the power system",
}


def _add_limit_values(ds, model, duals, dw) -> None:
    """Marginal value of each capacity limit, per year, in EUR per unit per year (>= 0), and
    whether the limit can be relaxed in that year: `limit_capacity` (the limit's size in its
    capacity unit: GW, GWh or Mt/yr) and `limit_can_grow` (1 when the asset may get new capacity
    in service that year). A limit of size 0 that cannot grow is an asset that does not exist
    (yet): its dual is the value of a first connection, not a bottleneck. The total expansion
    limit of an asset (`expansion_cap`, over the horizon) appears as `<technology>_expansion_limit`
    in every year the asset may be built, with its dual spread evenly over the discounted
    years."""
    d = model.data
    p = d.params
    years = d.years
    names = {c: n for c, n in CLUSTERS.items()}
    rows: dict[tuple[str, str], np.ndarray] = {}
    units: dict[tuple[str, str], str] = {}
    size: dict[tuple[str, str], np.ndarray] = {}
    grow: dict[tuple[str, str], np.ndarray] = {}
    buildable = set(model.BUILD)
    first_import = d.attrs["h2_import_earliest_year"]

    def asset_size(asset):
        def at(y):
            if d.asset_tech[asset] == "h2_import_terminal" and y < first_import:
                return 0.0  # no imports before the scenario's first import year
            return float(pyo.value(model.capacity[asset, y]))

        def can_grow(y):
            if d.asset_tech[asset] == "h2_import_terminal" and y < first_import:
                return 0.0
            return float((asset, y) in buildable)

        return [at(y) for y in years], [can_grow(y) for y in years]

    def add(kind, location, unit_cap, year, meur_per_unit, sizing):
        key = (kind, location)
        if key not in rows:
            rows[key] = np.zeros(len(years))
            units[key] = LIMIT_UNITS[unit_cap][0]
            limit_size, limit_grow = sizing()
            size[key] = np.asarray(limit_size, dtype=float)
            grow[key] = np.asarray(limit_grow, dtype=float)
        rows[key][years.index(year)] += abs(meur_per_unit) / dw[year] * LIMIT_UNITS[unit_cap][1]

    per_slice = [
        (model.grid_connection_limit, "grid_connection", lambda i: f"grid_connection:{i[0]}"),
        (model.electrolyser_input_limit, "electrolyser", lambda i: f"electrolyser:{i[0]}"),
        (model.import_limit, "h2_import_terminal", lambda i: f"h2_import_terminal:{i[0]}"),
        (model.corridor_limit_forward, "electricity_corridor", lambda i: i[0]),
        (model.corridor_limit_backward, "electricity_corridor", lambda i: i[0]),
        (model.backbone_limit_forward, "h2_pipeline", lambda i: i[0]),
        (model.backbone_limit_backward, "h2_pipeline", lambda i: i[0]),
    ]
    no_asset = ([0.0] * len(years), [0.0] * len(years))
    for component, kind, asset_of in per_slice:
        for idx, value in _dual_array(component, duals).items():
            if value:
                asset = asset_of(idx)
                sizing = (
                    (lambda a=asset: asset_size(a)) if asset in d.asset_tech else (lambda: no_asset)
                )
                loc = d.asset_loc.get(asset, idx[0])
                add(kind, loc, CAPACITY_UNIT[kind], idx[-2], value, sizing)
    storage = {c: d.asset("h2_storage", c) for c in d.clusters}
    for idx, value in _dual_array(model.storage_level_max, duals).items():
        if value:
            add("h2_storage", idx[0], "GWh", idx[1], value, lambda a=storage[idx[0]]: asset_size(a))
    for idx, value in _dual_array(model.landing_limit, duals).items():
        if value:
            c = idx[0]
            wind = d.asset("offshore_wind", c)

            def landing(c=c, wind=wind):
                limit = [
                    max(p["landing_limit_gw"][c], p["existing_capacity"][(wind, y)]) for y in years
                ]
                return limit, [1.0] * len(years)  # a landing point can be widened

            add("offshore_wind_landing", c, "GW", idx[1], value, landing)
    for idx, value in _dual_array(model.wind_roadmap, duals).items():
        if value:

            def roadmap():
                return [p["industry_wind_gw"][y] for y in years], [1.0] * len(years)

            add("national_offshore_wind", "NL", "GW", idx, value, roadmap)
    # one more MW of a supply step in every slice of the year (national grid limit); the steps
    # are the rest of the power system: exogenous, so they cannot grow
    step_volume = d.params["grid_step_volume_gw"]

    def step_size(step):
        def sizing():
            peak = [max(step_volume[(step, y, t)] for t in d.slices) for y in years]
            return peak, [0.0] * len(years)

        return sizing

    for (step, y, _t), value in _dual_array(model.national_grid_limit, duals).items():
        if value:
            add(f"power_system_{step}", "NL", "GW", y, value, step_size(step))
    for component, kind in ((model.sink_limit, "co2_sink"), (model.pipeline_limit, "co2_pipeline")):
        for idx, value in _dual_array(component, duals).items():
            if value:
                add(
                    kind,
                    d.asset_loc[idx[0]],
                    "Mt/yr",
                    idx[1],
                    value,
                    lambda a=idx[0]: asset_size(a),
                )
    # the total expansion limit of an asset spans the horizon: its dual (MEUR per unit,
    # discounted) is spread evenly over the discounted years, and shown in every year the
    # asset may be built
    total_dw = sum(dw.values())
    for a, value in _dual_array(model.expansion_cap, duals).items():
        if value:
            for y in years:
                if (a, y) not in buildable:
                    continue

                def expansion(a=a):
                    return [p["max_new_capacity"][a]] * len(years), [0.0] * len(years)

                add(
                    f"{d.asset_tech[a]}_expansion_limit",
                    d.asset_loc[a],
                    CAPACITY_UNIT[d.asset_tech[a]],
                    y,
                    value * dw[y] / total_dw,
                    expansion,
                )
    for (a, y), value in _dual_array(model.build_rate, duals).items():
        if value:

            def rate(a=a):
                per_step = [
                    p["max_build_per_year"][a] if (a, v) in buildable else 0.0 for v in years
                ]
                return per_step, [float((a, v) in buildable) for v in years]

            add(
                f"{d.asset_tech[a]}_build_rate",
                d.asset_loc[a],
                CAPACITY_UNIT[d.asset_tech[a]],
                y,
                value,
                rate,
            )
    # the national build pace of a technology (model/investment.py national_pace): the limit
    # is the country's pace, outside the clusters' reach, so it cannot grow
    for (tech, y), value in _dual_array(model.national_pace, duals).items():
        if value:

            def pace(tech=tech):
                index = model.national_pace
                limit = [float(index[tech, v].upper) if (tech, v) in index else 0.0 for v in years]
                return limit, [0.0] * len(years)

            add(f"{tech}_national_pace", "NL", CAPACITY_UNIT[tech], y, value, pace)
    keys = sorted(rows)

    def stack(table):
        return np.array([table[k] for k in keys]) if keys else np.zeros((0, len(years)))

    def label(kind, loc):
        plain = PLAIN.get(kind, kind.replace("_", " "))
        return f"{plain} {names.get(loc, loc)}"

    ds.coords["limit"] = [f"{k}:{loc}" for k, loc in keys]
    ds.coords["limit_kind"] = ("limit", [k for k, _ in keys])
    ds.coords["limit_location"] = ("limit", [loc for _, loc in keys])
    ds.coords["limit_unit"] = ("limit", [units[k] for k in keys])
    ds.coords["limit_label"] = ("limit", [label(k, loc) for k, loc in keys])
    ds["limit_marginal_value"] = (("limit", "year"), stack(rows))
    ds["limit_capacity"] = (("limit", "year"), stack(size))
    ds["limit_can_grow"] = (("limit", "year"), stack(grow))
