"""Stage 6: solved model -> results (xarray.Dataset following outputs.py).

Energy: GW x h = GWh; x 1e-3 = TWh. Money: MEUR x 1e6 = EUR. Prices: balance duals divided by
(slice weight x discount weight x 1e-3) give EUR/MWh; limit duals divided by the discount weight
give MEUR per unit per year, converted to EUR per MW (MWh, t/yr) per year.

`extract()` is the entry point. The prices and the power system are read in `extract_prices.py`,
the marginal values of the capacity limits in `extract_limits.py`, the delivery and cost gaps in
`extract_gaps.py`.
"""

from __future__ import annotations

import json

import numpy as np
import pyomo.environ as pyo
import xarray as xr

from npvi_model.extract_gaps import add_gaps
from npvi_model.extract_limits import LIMIT_UNITS, PLAIN, _add_limit_values  # noqa: F401
from npvi_model.extract_prices import (
    _add_power_system,
    _add_prices,
    _grid_low_carbon_share,
    _values,
    add_indexed,
    indexed_array,
)
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


def extract(model: pyo.ConcreteModel, inputs: xr.Dataset, duals: dict) -> xr.Dataset:
    d = model.data
    years, clusters, slices = d.years, d.clusters, d.slices
    w = np.array([d.slice_weight[t] for t in slices])
    dw = {y: d.discount_weight[y] for y in years}
    nY, nC, nT = len(years), len(clusters), len(slices)

    def cyt(component) -> np.ndarray:
        return indexed_array(_values(component), clusters, years, slices)

    def twh(arr_cyt: np.ndarray) -> np.ndarray:  # GW per slice -> TWh/yr
        return (arr_cyt * w).sum(axis=-1) * 1e-3

    def link_flows(fwd, bwd, links):
        return (
            indexed_array(_values(fwd), links, years, slices),
            indexed_array(_values(bwd), links, years, slices),
        )

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
    add_indexed(
        off, _values(model.offshore_h2), (clusters, years, slices), (d.asset_loc, None, None)
    )
    imp = cyt(model.h2_import)
    h_fb = cyt(model.h2_fallback)
    hf, hb = link_flows(model.backbone_forward, model.backbone_backward, h_links)
    h_net = net_import(hf, hb, h_links)
    st_net = np.zeros((nC, nY, nT))
    add_indexed(st_net, _values(model.storage_discharge), (clusters, years, slices))
    add_indexed(st_net, _values(model.storage_charge), (clusters, years, slices), sign=-1.0)
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
    discharge = indexed_array(_values(model.storage_discharge), clusters, years, slices)
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
