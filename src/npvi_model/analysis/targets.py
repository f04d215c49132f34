"""Capacity against the policy targets: national electrolysis and offshore wind capacity, capacity
per technology x cluster, and why a target is missed (the binding related limits).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.bottlenecks import bottleneck_ranking
from npvi_model.analysis.io import (
    _fmt_value,
    _sel_techs,
    _year_values,
    capacity_units,
    cluster_name,
    model_years,
)

#: technologies counted towards the national electrolysis target (GW electricity input)
ELECTROLYSIS_TECHNOLOGIES = ("electrolyser", "offshore_electrolysis")
#: technologies counted towards the offshore wind roadmap; the 70 GW includes hydrogen at sea
OFFSHORE_WIND_TECHNOLOGIES = ("offshore_wind", "offshore_electrolysis")
CAPACITY_TARGETS: dict[str, tuple[str, ...]] = {
    "electrolysis_gw": ELECTROLYSIS_TECHNOLOGIES,
    "offshore_wind_gw": OFFSHORE_WIND_TECHNOLOGIES,
}
TARGET_LABELS = {
    "electrolysis_gw": "electrolysis capacity",
    "offshore_wind_gw": "offshore wind capacity",
    "industry_emissions_mt": "industry emissions",
}
#: The published programme targets (programme letter; ARCHITECTURE.md). `policy_target` in
#: results.nc only holds model years, so a target year that is not a model year (2032) is taken
#: from here and compared with capacity interpolated between the neighbouring model years.
PUBLISHED_TARGETS: dict[str, dict[int, float]] = {
    "electrolysis_gw": {2025: 0.5, 2030: 4.0, 2032: 8.0},
    "offshore_wind_gw": {2032: 21.0, 2050: 70.0},
}
#: limit kinds that can hold back each capacity target: building the target's technologies
#: (build rates, total expansion limits), and the wind that feeds them (roadmap, landing). Grid
#: connections hold back electrolysis only at a cluster with electrolysers that year
#: (`FEEDS_ELECTROLYSERS`).
RELATED_LIMIT_KINDS: dict[str, tuple[str, ...]] = {
    "electrolysis_gw": (
        "electrolyser_build_rate",
        "electrolyser_expansion_limit",
        "offshore_electrolysis_build_rate",
        "offshore_electrolysis_expansion_limit",
        "grid_connection",
        "offshore_wind_landing",
        "offshore_wind_build_rate",
        "national_offshore_wind",
    ),
    "offshore_wind_gw": (
        "national_offshore_wind",
        "offshore_wind_landing",
        "offshore_wind_build_rate",
        "offshore_wind_expansion_limit",
        "offshore_electrolysis_build_rate",
        "offshore_electrolysis_expansion_limit",
    ),
}
#: limit kinds that hold back electrolysis only where electrolysers stand (in that year)
FEEDS_ELECTROLYSERS = ("grid_connection", "offshore_wind_landing")
#: carrier whose shortfall shows that more of a target's capacity would have been useful
TARGET_CARRIER = {"electrolysis_gw": "hydrogen", "offshore_wind_gw": "electricity"}


def national_capacity(ds: xr.Dataset) -> pd.DataFrame:
    """National capacity per model year (GW): electrolysis_gw = electrolyser +
    offshore_electrolysis (electricity input); offshore_wind_gw = offshore_wind +
    offshore_electrolysis (the roadmap's 70 GW includes hydrogen produced at sea)."""
    cap = ds["capacity"]
    out = pd.DataFrame({"year": model_years(ds)})
    for target, techs in CAPACITY_TARGETS.items():
        values = _year_values(_sel_techs(cap, techs).sum("cluster"))
        out[target] = [values[y] for y in out["year"]]
    return out


def capacity_by_cluster(ds: xr.Dataset) -> pd.DataFrame:
    """Capacity per technology x cluster x model year: columns technology, unit (GW, GWh or
    Mt/yr, see tables.CAPACITY_UNIT), cluster, cluster_name, year, capacity (in service) and
    new_capacity (built by the model, in service from that year), both in `unit`."""
    units = capacity_units(ds)
    cap = ds["capacity"].transpose("technology", "cluster", "year")
    df = cap.to_dataframe(name="capacity").reset_index()
    df = df[["technology", "cluster", "year", "capacity"]]
    if "new_capacity" in ds:
        new = ds["new_capacity"].transpose("technology", "cluster", "year")
        df["new_capacity"] = new.values.reshape(-1)
    else:
        df["new_capacity"] = np.nan
    df["year"] = df["year"].astype(int)
    df.insert(1, "unit", df["technology"].map(lambda t: units.get(t, "")))
    df.insert(3, "cluster_name", df["cluster"].map(cluster_name))
    return df


def _interpolate(values: Mapping[int, float], year: int) -> tuple[float, str, list[int]]:
    years = sorted(values)
    if year in values:
        return values[year], "model year", [year]
    below = [y for y in years if y < year]
    above = [y for y in years if y > year]
    if not below or not above:
        return np.nan, "target year outside the model years; not compared", []
    y0, y1 = below[-1], above[0]
    v = values[y0] + (values[y1] - values[y0]) * (year - y0) / (y1 - y0)
    return v, f"capacity interpolated linearly between model years {y0} and {y1}", [y0, y1]


def _holding_back(ds: xr.Dataset, target: str, years: Sequence[int]) -> pd.DataFrame:
    """The binding, relaxable limits (see `bottleneck_ranking`) that hold `target` back in
    `years`: kinds in RELATED_LIMIT_KINDS; for electrolysis, a grid connection or landing only
    at a cluster with electrolyser capacity in that year. Highest marginal value first."""
    kinds = RELATED_LIMIT_KINDS.get(target, ())
    ranking = bottleneck_ranking(ds, year=list(years))
    related = ranking[ranking["limit_kind"].isin(kinds)]
    if target == "electrolysis_gw" and not related.empty:
        ely = _sel_techs(ds["capacity"], ELECTROLYSIS_TECHNOLOGIES)

        def has_electrolysers(row) -> bool:
            if row.limit_kind not in FEEDS_ELECTROLYSERS:
                return True
            if row.limit_location not in ely["cluster"].values:
                return False
            return float(ely.sel(cluster=row.limit_location, year=row.year)) > 1e-6

        related = related[[has_electrolysers(r) for r in related.itertuples()]]
    col = "marginal_value_eur_per_unit_yr"
    return related.sort_values([col, "limit", "year"], ascending=[False, True, True])


def _why_short(ds: xr.Dataset, target: str, years: Sequence[int]) -> str:
    related = _holding_back(ds, target, years).head(3)
    if not related.empty:
        col = "marginal_value_eur_per_unit_yr"
        parts = [f"{r.label} ({_fmt_value(r[col])} {r.value_unit})" for _, r in related.iterrows()]
        return "held back by binding limits: " + "; ".join(parts)
    carrier = TARGET_CARRIER.get(target)
    unmet = 0.0
    if carrier and "unmet" in ds and carrier in ds["carrier"].values:
        yrs = [y for y in years if y in ds["year"].values]
        unmet = float(ds["unmet"].sel(carrier=carrier, year=yrs).sum())
    if unmet > 1e-6:
        return (
            f"not economic at these prices: no related capacity limit binds, yet "
            f"{unmet:.3g} TWh of {carrier} falls back to fossil supply"
        )
    return (
        f"not needed at these prices: {carrier} demand is met by other supply and no related "
        "capacity limit binds"
    )


def published_targets(ds: xr.Dataset) -> dict[str, dict[int, float]]:
    """The targets at every year the data give them (attribute `policy_targets_published`, with
    offshore wind as industry's share, like the capacities); PUBLISHED_TARGETS for result files
    without it."""
    raw = ds.attrs.get("policy_targets_published")
    if not raw:
        return PUBLISHED_TARGETS
    return {
        t: {int(y): float(v) for y, v in by_year.items()} for t, by_year in json.loads(raw).items()
    }


def capacity_vs_targets(ds: xr.Dataset) -> pd.DataFrame:
    """National electrolysis and offshore wind capacity against the policy targets.

    Capacity (GW) is `national_capacity()`: electrolysis = electrolyser + offshore_electrolysis,
    offshore wind = offshore_wind + offshore_electrolysis. Targets are `policy_target` at model
    years where it is not NaN, plus the published targets (`PUBLISHED_TARGETS`: electrolysis
    0.5/4/8 GW in 2025/2030/2032, offshore wind 21 GW in 2032 and 70 GW in 2050) in years that
    are not model years. In such a year, capacity is interpolated linearly between the
    neighbouring model years; outside the model years it is not compared (NaN).

    Columns: target, target_label, year, capacity_gw, target_gw, shortfall_gw =
    max(0, target - capacity), met (capacity >= target), basis ("model year" or how capacity was
    interpolated) and why: for a shortfall, the plain-words reason from the run — the binding
    limits that hold the target back (`RELATED_LIMIT_KINDS`: build rates of the target's
    technologies, the wind roadmap and landing, and grid connections of clusters that have
    electrolysers; only limits that exist in that year) with the largest marginal value in that
    year (or the model years interpolated between), else "not economic at these prices" when
    the target's carrier still falls back to fossil, else "not needed at these prices"; empty
    when met.
    """
    national = national_capacity(ds)
    years = model_years(ds)
    rows = []
    for target in CAPACITY_TARGETS:
        targets: dict[int, float] = {}
        if "policy_target" in ds and target in ds["target"].values:
            for y, v in _year_values(ds["policy_target"].sel(target=target)).items():
                if np.isfinite(v):
                    targets[y] = v
        for y, v in published_targets(ds).get(target, {}).items():
            if y not in years:
                targets.setdefault(y, v)
        capacity = dict(zip(national["year"], national[target], strict=True))
        for year in sorted(targets):
            cap, basis, used_years = _interpolate(capacity, year)
            tgt = targets[year]
            short = max(0.0, tgt - cap) if np.isfinite(cap) else np.nan
            met = bool(np.isfinite(cap) and cap >= tgt - 1e-9)
            why = ""
            if np.isfinite(cap) and not met:
                why = _why_short(ds, target, used_years)
            rows.append(
                {
                    "target": target,
                    "target_label": TARGET_LABELS[target],
                    "year": int(year),
                    "capacity_gw": cap,
                    "target_gw": tgt,
                    "shortfall_gw": short,
                    "met": met,
                    "basis": basis,
                    "why": why,
                }
            )
    columns = [
        "target",
        "target_label",
        "year",
        "capacity_gw",
        "target_gw",
        "shortfall_gw",
        "met",
        "basis",
        "why",
    ]
    return pd.DataFrame(rows, columns=columns)
