"""Stage 2b: the path rules, the gap valuation and the CO2 T&S accounting, added to the inputs.

Called at the end of `inputs.build_inputs`; reads only the resolved scenario's parameters.

- `h2_import_max_share(year)`: a path may import at most this share of the national hydrogen
  demand (NaN: no rule). `h2_domestic_min_share(year)`: at least this share of the green hydrogen
  supplied (domestic + imported) must be made in the Netherlands (NaN: no rule). Both are
  interpolated linearly between the scenario's anchor years, held flat after the last, and
  absent before the first.
- `rfnbo_min_share(year)`: the RED III obligation for industrial hydrogen (Directive (EU)
  2023/2413, art. 22a: 42 % RFNBO in 2030, 60 % in 2035), an option (NaN: off).
- `emission_cap_mt(year)`: with `emission_caps_every_year`, the caps are interpolated linearly
  between their anchors, so that every model year from the first anchor on has one.
- CO2 transport and storage is paid once: with `co2_transport_storage_paid_by: tariff` the tariff
  (EUR/t stored) covers the sinks and CO2 pipelines, whose capex and fixed O&M are set to 0; with
  `infrastructure` the sinks and pipelines are paid through capex and fixed O&M and the tariff is 0.
- attrs `green_shortfall_value_eur_per_mwh` and `..._per_t`: the delivery-first valuation of green
  demand that is not delivered (see docs/gaps.md).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from npvi_model.scenario import interpolate_anchors

CO2_INFRASTRUCTURE = ("co2_sink", "co2_pipeline")


def _rule(anchors: dict[int, float], years: list[int]) -> np.ndarray:
    """Anchors interpolated to `years`, flat after the last; NaN (no rule) before the first
    anchor and without anchors: a rule starts in the first year the scenario gives it."""
    if not anchors:
        return np.full(len(years), np.nan)
    first = min(anchors)
    values = interpolate_anchors(anchors, years, np.nan)
    return np.array([values[y] if y >= first else np.nan for y in years], dtype=float)


def emission_caps(anchors: dict[int, float], years: list[int], every_year: bool) -> np.ndarray:
    """Cap per model year [Mt]: the anchor years only, or (every_year) linear between anchors
    from the first anchor on, flat after the last; NaN where no cap applies."""
    if not every_year or not anchors:
        return np.array([anchors.get(y, np.nan) for y in years], dtype=float)
    first = min(anchors)
    values = interpolate_anchors(anchors, years, np.nan)
    return np.array([values[y] if y >= first else np.nan for y in years], dtype=float)


def add_path_rules(ds: xr.Dataset, scenario) -> None:
    """Add the path rules and the accounting switches of `scenario` to the inputs `ds`."""
    params = scenario.parameters
    years = [int(y) for y in ds.year.values]
    ds["h2_import_max_share"] = ("year", _rule(params.h2_import_max_share_of_demand, years))
    ds["h2_domestic_min_share"] = ("year", _rule(params.h2_domestic_min_share_of_supply, years))
    ds["rfnbo_min_share"] = ("year", _rule(params.rfnbo_min_share_of_demand, years))
    ds["emission_cap_mt"] = (
        "year",
        emission_caps(params.emission_caps_mt, years, params.emission_caps_every_year),
    )
    ds.attrs["green_shortfall_value_eur_per_mwh"] = params.green_shortfall_value_eur_per_mwh
    ds.attrs["green_shortfall_value_eur_per_t"] = params.green_shortfall_value_eur_per_t
    ds.attrs["rfnbo_gap_penalty_eur_per_mwh"] = params.rfnbo_gap_penalty_eur_per_mwh
    ds.attrs["co2_transport_storage_paid_by"] = params.co2_transport_storage_paid_by
    pay_co2_transport_storage_once(ds, params.co2_transport_storage_paid_by)


def pay_co2_transport_storage_once(ds: xr.Dataset, paid_by: str) -> None:
    """Zero the CO2 infrastructure capex and FOM (tariff) or the tariff (infrastructure)."""
    if paid_by == "tariff":
        is_co2 = ds["asset_technology"].isin(list(CO2_INFRASTRUCTURE))
        for par in ("capex", "fom"):
            ds[par] = ds[par].where(~is_co2, 0.0)
    else:
        ds["price_co2_transport_storage"] = ds["price_co2_transport_storage"] * 0.0
