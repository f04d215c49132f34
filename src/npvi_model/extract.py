"""Stage 6: solved model -> results (xarray.Dataset following outputs.py).

Energy: GW x h = GWh; x 1e-3 = TWh. Money: MEUR x 1e6 = EUR. Prices: balance duals divided by
(slice weight x discount weight x 1e-3) give EUR/MWh; limit duals divided by the discount weight
give MEUR per unit per year, converted to EUR per MW (MWh, t/yr) per year.
"""

from __future__ import annotations

import json

import numpy as np
import pyomo.environ as pyo
import xarray as xr

from npvi_model.extract_gaps import add_gaps
from npvi_model.model.objective import COST_EXPRESSIONS
from npvi_model.outputs import (
    ALL_SOURCES,
    DISPATCH_COMPONENTS,
    EMISSION_CAUSES,
    OUTPUT_VARIABLES,
    SUPPLY_SOURCES,
)
from npvi_model.sets import CARRIERS, CLUSTERS, SECTORS
from npvi_model.tables import CAPACITY_UNIT, LINK_TECHNOLOGIES, PER_CLUSTER_TECHNOLOGIES

CLUSTER_TECHNOLOGIES = (*PER_CLUSTER_TECHNOLOGIES, "co2_sink")  # a sink is reported at its cluster
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
    "power_system_renewable_surplus": "renewable surplus of the power system",
    "power_system_dispatchable": "dispatchable capacity of the power system",
}


def _values(component) -> dict:
    return {k: (v if v is not None else 0.0) for k, v in component.extract_values().items()}


def extract(model: pyo.ConcreteModel, inputs: xr.Dataset, duals: dict) -> xr.Dataset:
    d = model.data
    years, clusters, slices = d.years, d.clusters, d.slices
    w = np.array([d.slice_weight[t] for t in slices])
    dw = {y: d.discount_weight[y] for y in years}
    nY, nC, nT = len(years), len(clusters), len(slices)

    def cyt(component) -> np.ndarray:
        vals = _values(component)
        out = np.zeros((nC, nY, nT))
        for (c, y, t), v in vals.items():
            out[clusters.index(c), years.index(y), slices.index(t)] = v
        return out

    def twh(arr_cyt: np.ndarray) -> np.ndarray:  # GW per slice -> TWh/yr
        return (arr_cyt * w).sum(axis=-1) * 1e-3

    def link_flows(fwd, bwd, links):
        f, b = _values(fwd), _values(bwd)
        arr_f = np.zeros((len(links), nY, nT))
        arr_b = np.zeros((len(links), nY, nT))
        for (lk, y, t), v in f.items():
            arr_f[links.index(lk), years.index(y), slices.index(t)] = v
        for (lk, y, t), v in b.items():
            arr_b[links.index(lk), years.index(y), slices.index(t)] = v
        return arr_f, arr_b

    def net_import(arr_f, arr_b, links):
        out = np.zeros((nC, nY, nT))
        for i, lk in enumerate(links):
            out[clusters.index(d.asset_to[lk])] += arr_f[i] - arr_b[i]
            out[clusters.index(d.asset_from[lk])] += arr_b[i] - arr_f[i]
        return out

    cap = {(a, y): pyo.value(model.capacity[a, y]) for a in d.assets for y in years}
    new = {k: v for k, v in _values(model.new_capacity).items()}

    # electricity terms [GW]
    e_links = list(model.E_LINKS)
    wind_used = cyt(model.wind_used)
    grid = cyt(model.grid_supply)
    e_fb = cyt(model.electricity_fallback)
    ely_in = cyt(model.electrolyser_input)
    ef, eb = link_flows(model.corridor_forward, model.corridor_backward, e_links)
    e_net = net_import(ef, eb, e_links)
    profile = np.array([d.elec_profile[t] for t in slices])
    e_dem = (
        np.array([[d.params["electricity_demand_twh"][(c, y)] for y in years] for c in clusters])[
            ..., None
        ]
        * 1000
        / 8760
        * profile
    )
    # hydrogen terms [GW]
    h_links = list(model.H_LINKS)
    eta = np.array([d.params["electrolyser_efficiency"][y] for y in years])[None, :, None]
    ely_h2 = ely_in * eta
    off = np.zeros((nC, nY, nT))
    for (a, y, t), v in _values(model.offshore_h2).items():
        off[clusters.index(d.asset_loc[a]), years.index(y), slices.index(t)] += v
    imp = cyt(model.h2_import)
    h_fb = cyt(model.h2_fallback)
    hf, hb = link_flows(model.backbone_forward, model.backbone_backward, h_links)
    h_net = net_import(hf, hb, h_links)
    st_net = np.zeros((nC, nY, nT))
    for (c, y, t), v in _values(model.storage_discharge).items():
        st_net[clusters.index(c), years.index(y), slices.index(t)] += v
    for (c, y, t), v in _values(model.storage_charge).items():
        st_net[clusters.index(c), years.index(y), slices.index(t)] -= v
    h_dem = (
        np.array([[d.params["hydrogen_demand_twh"][(c, y)] for y in years] for c in clusters])[
            ..., None
        ]
        * 1000
        / 8760
        * np.ones(nT)
    )
    # co2 [Mt]
    plan = np.array([[d.params["co2_capture_plan_mt"][(c, y)] for y in years] for c in clusters])
    captured = np.zeros((nC, nY))
    for (c, y), v in _values(model.co2_captured).items():
        captured[clusters.index(c), years.index(y)] = v
    stored_c = np.zeros((nC, nY))
    for (a, y), v in _values(model.co2_stored).items():
        stored_c[clusters.index(d.asset_from[a]), years.index(y)] += v

    ds = xr.Dataset(
        coords={
            "year": years,
            "cluster": clusters,
            "slice": slices,
            "carrier": list(CARRIERS),
            "sector": list(SECTORS),
        }
    )
    ds["slice_weight_h"] = ("slice", w)

    demand = np.stack(
        [
            inputs["electricity_demand_twh"].values,
            inputs["hydrogen_demand_twh"].values,
            inputs["co2_capture_plan_mt"].values,
        ]
    )
    ds["demand"] = (("carrier", "cluster", "year"), demand)
    ds["demand_by_sector"] = (
        ("carrier", "sector", "cluster", "year"),
        inputs["demand_by_sector"].values,
    )

    supply = np.full((len(CARRIERS), len(ALL_SOURCES), nC, nY), np.nan)

    def put(carrier, source, arr):
        supply[CARRIERS.index(carrier), ALL_SOURCES.index(source)] = arr

    put("electricity", "offshore_wind", twh(wind_used))
    put("electricity", "grid", twh(grid))
    put("electricity", "corridor_net_import", twh(e_net))
    put("electricity", "fallback", twh(e_fb))
    put("hydrogen", "electrolysis", twh(ely_h2))
    put("hydrogen", "offshore_electrolysis", twh(off))
    put("hydrogen", "import_terminal", twh(imp))
    put("hydrogen", "backbone_net_import", twh(h_net))
    put("hydrogen", "storage_net_discharge", twh(st_net))
    put("hydrogen", "fallback", twh(h_fb))
    put("co2", "captured", captured)
    put("co2", "fallback", plan - captured)
    ds = ds.assign_coords(source=list(ALL_SOURCES))
    ds["supply"] = (("carrier", "source", "cluster", "year"), supply)
    ds["unmet"] = (
        ("carrier", "cluster", "year"),
        np.stack([twh(e_fb), twh(h_fb), np.maximum(plan - captured, 0.0)]),
    )

    res = _grid_low_carbon_share(model)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        non_fb = twh(wind_used) + twh(grid) + np.maximum(twh(e_net), 0)
        green_frac = np.where(
            non_fb > 0, (twh(wind_used) + res * twh(grid) + np.maximum(twh(e_net), 0)) / non_fb, 1.0
        )
        e_share = np.where(demand[0] > 0, green_frac * (1 - twh(e_fb) / demand[0]), np.nan)
        h_nongreen = twh(h_fb) + twh(ely_h2) * (1 - green_frac)
        h_share = np.where(demand[1] > 0, 1 - h_nongreen / demand[1], np.nan)
        c_share = np.where(plan > 0, captured / plan, np.nan)
    ds["green_share"] = (
        ("carrier", "cluster", "year"),
        np.clip(np.stack([e_share, h_share, c_share]), 0.0, 1.0),
    )

    techs = list(CLUSTER_TECHNOLOGIES)
    capacity = np.zeros((len(techs), nC, nY))
    new_capacity = np.zeros((len(techs), nC, nY))
    for a in d.assets:
        tech = d.asset_tech[a]
        if tech not in techs:
            continue
        c_i = clusters.index(d.asset_from[a])
        for y_i, y in enumerate(years):
            capacity[techs.index(tech), c_i, y_i] += cap[(a, y)]
            new_capacity[techs.index(tech), c_i, y_i] += new.get((a, y), 0.0)
    ds = ds.assign_coords(technology=techs)
    ds["capacity"] = (("technology", "cluster", "year"), capacity)
    ds["new_capacity"] = (("technology", "cluster", "year"), new_capacity)
    ds["capacity"].attrs["units_by_technology"] = json.dumps({t: CAPACITY_UNIT[t] for t in techs})

    links = [a for a in d.assets if d.asset_tech[a] in LINK_TECHNOLOGIES]
    link_cap = np.array([[cap[(a, y)] for y in years] for a in links]).reshape(len(links), nY)
    flows = np.zeros((len(links), nY))
    co2_flow = _values(model.co2_pipeline_flow)
    for i, a in enumerate(links):
        if a in e_links:
            j = e_links.index(a)
            flows[i] = ((ef[j] + eb[j]) * w).sum(axis=-1) * 1e-3
        elif a in h_links:
            j = h_links.index(a)
            flows[i] = ((hf[j] + hb[j]) * w).sum(axis=-1) * 1e-3
        else:
            flows[i] = [co2_flow.get((a, y), 0.0) for y in years]
    ds = ds.assign_coords(
        link=links,
        link_carrier=("link", [LINK_TECHNOLOGIES[d.asset_tech[a]] for a in links]),
        link_from=("link", [d.asset_from[a] for a in links]),
        link_to=("link", [d.asset_to[a] for a in links]),
    )
    ds["link_capacity"] = (("link", "year"), link_cap)
    ds["link_flow"] = (("link", "year"), flows)
    hours = np.array([1.0 if d.asset_tech[a] == "co2_pipeline" else 8.76 for a in links])[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ds["link_utilisation"] = (
            ("link", "year"),
            np.where(link_cap > 0, flows / (link_cap * hours), np.nan),
        )

    wind_cap = np.array(
        [[cap.get((f"offshore_wind:{c}", y), 0.0) for y in years] for c in clusters]
    )
    cf = np.array([d.wind_cf[t] for t in slices])
    ds["curtailment"] = (
        ("cluster", "year"),
        np.maximum(twh(wind_cap[..., None] * cf) - twh(wind_used), 0.0),
    )
    discharge = np.zeros((nC, nY, nT))
    for (c, y, t), v in _values(model.storage_discharge).items():
        discharge[clusters.index(c), years.index(y), slices.index(t)] = v
    ds["h2_storage_throughput"] = (("cluster", "year"), twh(discharge))
    ds["co2_stored"] = (("cluster", "year"), stored_c)

    by_cause = np.zeros((len(EMISSION_CAUSES), nC, nY))
    other_net = d.params["other_emissions_mt"]
    other_gross = d.params.get("other_emissions_gross_mt", other_net)
    credit = d.params.get("electrification_credit_mt", {})
    cause = {name: i for i, name in enumerate(EMISSION_CAUSES)}
    for c_i, c in enumerate(clusters):
        for y_i, y in enumerate(years):
            k = (c, y)
            by_cause[cause["other_processes"], c_i, y_i] = other_gross[k] + credit.get(k, 0.0)
            by_cause[cause["assumed_process_abatement"], c_i, y_i] = other_net[k] - other_gross[k]
            by_cause[cause["electrification_credit"], c_i, y_i] = -credit.get(k, 0.0)
            by_cause[cause["electricity_fallback"], c_i, y_i] = pyo.value(
                model.emissions_electricity_fallback[c, y]
            )
            by_cause[cause["hydrogen_fallback"], c_i, y_i] = pyo.value(
                model.emissions_hydrogen_fallback[c, y]
            )
            by_cause[cause["co2_not_captured"], c_i, y_i] = pyo.value(
                model.emissions_not_captured[c, y]
            )
    ds = ds.assign_coords(cause=list(EMISSION_CAUSES))
    ds["emissions_by_cause"] = (("cause", "year"), by_cause.sum(axis=1))
    ds["emissions_by_cluster"] = (("cluster", "year"), by_cause.sum(axis=0))
    ds["emissions"] = ("year", by_cause.sum(axis=(0, 1)))
    ds["emission_target"] = ("year", inputs["emission_cap_mt"].values)
    ds["grid_renewable_share"] = ("year", _grid_low_carbon_share(model))
    gap = _values(model.emission_gap)
    ds["emission_gap"] = ("year", [gap.get(y, 0.0) for y in years])

    costs = np.array(
        [
            [pyo.value(getattr(model, COST_EXPRESSIONS[k])[y]) * 1e6 for y in years]
            for k in COST_EXPRESSIONS
        ]
    )
    ds = ds.assign_coords(cost_component=list(COST_EXPRESSIONS))
    ds["cost"] = (("cost_component", "year"), costs)

    targets = inputs["policy_target"].copy()
    share = inputs.attrs["industry_share_of_offshore_wind"]
    if "offshore_wind_gw" in targets.target.values:
        targets.loc[{"target": "offshore_wind_gw"}] = targets.sel(target="offshore_wind_gw") * share
    ds["policy_target"] = targets
    published = json.loads(inputs.attrs.get("policy_targets_published", "{}"))
    if "offshore_wind_gw" in published:
        published["offshore_wind_gw"] = {
            y: v * share for y, v in published["offshore_wind_gw"].items()
        }
    ds.attrs["policy_targets_published"] = json.dumps(published)

    _add_prices(ds, model, duals, w, dw, e_dem)
    ds = _add_power_system(ds, model, duals, w, dw)
    residual = inputs.get("residual_load_gw")
    ds["residual_load"] = (
        ("year", "slice"),
        residual.transpose("year", "slice").values
        if residual is not None
        else np.full((nY, nT), np.nan),
    )
    _add_limit_values(ds, model, duals, dw)
    gap_terms = {"e_dem": e_dem, "e_fb": e_fb, "h_dem": h_dem, "h_fb": h_fb}
    add_gaps(ds, model, duals, inputs, {**gap_terms, "co2_plan": plan, "co2_captured": captured})
    _add_dispatch(
        ds,
        wind_used,
        grid,
        e_net,
        e_fb,
        e_dem,
        ely_in,
        ely_h2,
        off,
        imp,
        h_net,
        st_net,
        h_fb,
        h_dem,
    )

    for var in OUTPUT_VARIABLES:
        ds[var.name].attrs.update(units=var.unit, description=var.description)
    ds["policy_target"].attrs["note"] = (
        f"offshore_wind_gw is the industry share of the national target (x {share:g})"
    )
    ds["source"].attrs["by_carrier"] = json.dumps(SUPPLY_SOURCES)
    ds["cluster"].attrs["names"] = json.dumps(CLUSTERS)
    return ds


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
    supply = np.zeros((len(steps), len(years), len(slices)))
    for (s, y, t), v in _values(model.grid_step_supply).items():
        supply[steps.index(s), years.index(y), slices.index(t)] = v
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


def _add_dispatch(
    ds, wind_used, grid, e_net, e_fb, e_dem, ely_in, ely_h2, off, imp, h_net, st_net, h_fb, h_dem
) -> None:
    components = list(DISPATCH_COMPONENTS)
    shape = (2, len(components), *wind_used.shape)
    arr = np.full(shape, np.nan)
    terms = {
        0: {
            "offshore_wind": wind_used,
            "grid": grid,
            "corridor_net_import": e_net,
            "fallback": e_fb,
            "demand": -e_dem,
            "electrolyser_input": -ely_in,
        },
        1: {
            "electrolysis": ely_h2,
            "offshore_electrolysis": off,
            "import_terminal": imp,
            "backbone_net_import": h_net,
            "storage_net_discharge": st_net,
            "fallback": h_fb,
            "demand": -h_dem,
        },
    }
    for k, comp in terms.items():
        for name, values in comp.items():
            arr[k, components.index(name)] = values
    disp = xr.DataArray(
        arr,
        dims=("carrier", "component", "cluster", "year", "slice"),
        coords={
            "carrier": ["electricity", "hydrogen"],
            "component": components,
            "cluster": ds.cluster.values,
            "year": ds.year.values,
            "slice": ds.slice.values,
        },
    )
    ds["dispatch_gw"] = disp.reindex(carrier=list(CARRIERS))
