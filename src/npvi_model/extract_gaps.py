"""Stage 6b: the two gaps and the path-rule values, from the solved model (docs/gaps.md).

- **Delivery gap** (*past niet tijdig*) [TWh | Mt]: green demand on the fossil fallback in a
  delivery-first solve (`green_shortfall_value_eur_per_mwh` > 0): there the fallback is used only
  where green supply or infrastructure cannot be there in time. NaN in a cost-only solve, whose
  fallback is a price comparison, not a physical gap.
- **Green marginal cost** [EUR/MWh | EUR/t]: the balance dual (undiscounted) averaged over the
  slices, weighted by the green energy delivered in each slice; slices whose dual is set by the
  shortfall valuation are left out: a dual at or above the fossil-route cost + half the shortfall
  value (`VALUATION_SHARE`) means that one more MWh of green would replace missing green
  somewhere (here, or elsewhere through a link or a national path rule), so it prices the
  delivery gap, not the cost of green supply. For CO2 it is the dual
  of the annual CO2 balance: the cost of storing one more tonne captured at the cluster.
- **Fossil-route cost** [EUR/MWh | EUR/t]: gas per unit [MWh/MWh] x gas price [EUR/MWh]
  + emission factor [t/MWh] x CO2 price [EUR/t] for electricity and hydrogen; the CO2 price for
  CO2 that is emitted instead of stored.
- **Cost gap** (*onrendabele top*) = green marginal cost - fossil-route cost [EUR/MWh | EUR/t];
  positive: green is dearer than the fossil route. NaN where nothing green is delivered at a
  dual below that threshold (a year with a delivery gap that the valuation prices), and in a
  cost-only solve.
- **Path-rule value** [EUR/MWh]: the dual of each national hydrogen path rule per year, divided
  by the discount weight, x 1e3 (MEUR/GWh -> EUR/MWh); 0 when the rule does not bind.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

PATH_RULES = {
    "h2_import_max_share": "h2_import_share_limit",
    "h2_domestic_min_share": "h2_domestic_share_min",
    "rfnbo_min_share": "rfnbo_share_min",
}
GAP_CARRIERS = ("electricity", "hydrogen", "co2")


def path_rule_rows(model) -> list:
    """The rows of the path rules (every year): their `path_rule_value` is what relaxing them
    is worth, so the solve replaces their duals by one-sided values (`one_sided.py`)."""
    rows = []
    for name in PATH_RULES.values():
        component = getattr(model, name, None)
        if component is not None:
            rows.extend(component.values())
    return rows


#: a dual at or above fossil-route cost + this share of the shortfall value is set by the
#: valuation of missing green supply, not by the cost of green supply
VALUATION_SHARE = 0.5


def fossil_route_cost(inputs: xr.Dataset) -> np.ndarray:
    """(carrier, year) cost of the fossil route: EUR/MWh for electricity and hydrogen, EUR/t CO2."""
    gas = inputs["price_natural_gas"].values
    co2 = inputs["price_co2_emission"].values
    rows = []
    for carrier in ("electricity", "hydrogen"):
        gas_per_unit = inputs.attrs[f"fallback_{carrier}_gas_per_unit"]
        factor = inputs.attrs[f"fallback_{carrier}_t_co2_per_mwh"]
        rows.append(gas_per_unit * gas + factor * co2)
    rows.append(co2)
    return np.array(rows)


def add_gaps(ds: xr.Dataset, model, duals: dict, inputs: xr.Dataset, terms: dict) -> None:
    """Add delivery_gap, green_delivered, green_marginal_cost, fossil_route_cost, cost_gap and
    path_rule_value to the results `ds`. The path rules' duals are expected to be one-sided
    values (`path_rule_rows`), the same at every optimal vertex.

    `terms`: per-slice arrays (cluster, year, slice) in GW of `e_dem`, `e_fb`, `h_dem`, `h_fb`,
    and the annual (cluster, year) arrays `co2_plan`, `co2_captured` [Mt].
    """
    d = model.data
    years, clusters, slices = d.years, d.clusters, d.slices
    w = np.array([d.slice_weight[t] for t in slices])
    dw = np.array([d.discount_weight[y] for y in years])
    value_mwh = float(d.attrs.get("green_shortfall_value_eur_per_mwh", 0.0))
    value_t = float(d.attrs.get("green_shortfall_value_eur_per_t", 0.0))
    delivery_first = value_mwh > 0 or value_t > 0
    fossil = fossil_route_cost(inputs)
    nC, nY = len(clusters), len(years)

    gap = np.full((3, nC, nY), np.nan)
    delivered = np.zeros((3, nC, nY))
    marginal = np.full((3, nC, nY), np.nan)
    for k, (balance, dem, fb) in enumerate(
        (
            (model.electricity_balance, terms["e_dem"], terms["e_fb"]),
            (model.h2_balance, terms["h_dem"], terms["h_fb"]),
        )
    ):
        green = np.maximum(dem - fb, 0.0) * w  # GWh per slice
        delivered[k] = green.sum(axis=-1) * 1e-3
        if delivery_first:
            gap[k] = (fb * w).sum(axis=-1) * 1e-3
        for c_i, c in enumerate(clusters):
            for y_i, y in enumerate(years):
                price = np.array(
                    [
                        duals.get(balance[c, y, t], 0.0) / (d.slice_weight[t] * dw[y_i] * 1e-3)
                        for t in slices
                    ]
                )
                below = price < fossil[k, y_i] + VALUATION_SHARE * value_mwh
                weight = green[c_i, y_i] * below
                if delivery_first and weight.sum() > 1e-9:
                    marginal[k, c_i, y_i] = float((price * weight).sum() / weight.sum())
    plan, captured = terms["co2_plan"], terms["co2_captured"]
    delivered[2] = captured
    if delivery_first:
        gap[2] = np.maximum(plan - captured, 0.0)
    for c_i, c in enumerate(clusters):
        for y_i, y in enumerate(years):
            price = -duals.get(model.co2_balance[c, y], 0.0) / dw[y_i]
            if (
                delivery_first
                and captured[c_i, y_i] > 1e-9
                and price < fossil[2, y_i] + VALUATION_SHARE * value_t
            ):
                marginal[2, c_i, y_i] = price

    carriers = list(GAP_CARRIERS)
    ds["delivery_gap"] = (("carrier", "cluster", "year"), gap)
    ds["green_delivered"] = (("carrier", "cluster", "year"), delivered)
    ds["green_marginal_cost"] = (("carrier", "cluster", "year"), marginal)
    ds["fossil_route_cost"] = (("carrier", "year"), fossil)
    ds["cost_gap"] = (("carrier", "cluster", "year"), marginal - fossil[:, None, :])
    assert list(ds.carrier.values) == carriers

    rules = list(PATH_RULES)
    values = np.zeros((len(rules), nY))
    for r_i, rule in enumerate(rules):
        component = getattr(model, PATH_RULES[rule], None)
        if component is None:
            continue
        for y, con in component.items():
            values[r_i, years.index(y)] = abs(duals.get(con, 0.0)) / dw[years.index(y)] * 1e3
    ds.coords["path_rule"] = rules
    ds["path_rule_value"] = (("path_rule", "year"), values)
    ds.attrs["gap_mode"] = "delivery_first" if delivery_first else "cost_only"


def national_gaps(ds: xr.Dataset, year) -> dict:
    """Per carrier, the national delivery gap [TWh | Mt] (None in a cost-only solve) and the cost
    gap [EUR/MWh | EUR/t] averaged over clusters, weighted by the green energy delivered (None
    where no cluster has one)."""
    out: dict[str, dict] = {"delivery_gap": {}, "cost_gap": {}}
    if "delivery_gap" not in ds:
        return out
    for carrier in ds.carrier.values:
        gap = ds["delivery_gap"].sel(carrier=carrier, year=year)
        out["delivery_gap"][str(carrier)] = (
            None if bool(gap.isnull().all()) else float(gap.sum(skipna=True))
        )
        cost = ds["cost_gap"].sel(carrier=carrier, year=year).values
        weight = ds["green_delivered"].sel(carrier=carrier, year=year).values
        ok = np.isfinite(cost) & (weight > 0)
        out["cost_gap"][str(carrier)] = (
            float(np.sum(cost[ok] * weight[ok]) / np.sum(weight[ok])) if ok.any() else None
        )
    return out
