"""Analysis of solved runs: access timeline, capacity against targets, bottlenecks, emissions gap,
and the comparison of the development paths (no-regret set, vollooprisico).

Every function here works on loaded result Datasets (the `results.nc` of a run, whose variables
are defined in `npvi_model.outputs`), never on a live model, and returns tidy pandas DataFrames
whose column names carry their units (`_twh`, `_gw`, `_mt`, `_eur`, ...).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from itertools import permutations
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.sets import CLUSTERS, HOURS_PER_YEAR
from npvi_model.tables import CAPACITY_UNIT

DEFAULT_GREEN_ACCESS_THRESHOLD = 0.9
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
#: limit kinds that can hold back each capacity target
RELATED_LIMIT_KINDS: dict[str, tuple[str, ...]] = {
    "electrolysis_gw": (
        "electrolyser_build_rate",
        "grid_connection",
        "offshore_wind_landing",
        "national_offshore_wind",
        "electricity_corridor",
        "h2_pipeline",
        "h2_storage",
    ),
    "offshore_wind_gw": (
        "national_offshore_wind",
        "offshore_wind_landing",
        "grid_connection",
        "electricity_corridor",
        "electrolyser_build_rate",
    ),
}
#: carrier whose shortfall shows that more of a target's capacity would have been useful
TARGET_CARRIER = {"electrolysis_gw": "hydrogen", "offshore_wind_gw": "electricity"}
#: plain words for each emission cause
CAUSE_LABELS: dict[str, str] = {
    "electricity_fallback": "missing green electricity",
    "hydrogen_fallback": "missing green hydrogen",
    "co2_not_captured": "missing CO2 transport/storage",
    "other_processes": "other processes",
    "assumed_process_abatement": "assumed process abatement (exogenous)",
    "electrification_credit": "assumed electrification credit (scope 2 not counted)",
}
#: causes that more (green) supply or CO2 infrastructure would remove
SUPPLY_CAUSES = ("electricity_fallback", "hydrogen_fallback", "co2_not_captured")
PRICE_UNIT = {"electricity": "EUR/MWh", "hydrogen": "EUR/MWh", "co2": "EUR/t"}
ANNUAL_UNIT = {"electricity": "twh", "hydrogen": "twh", "co2": "mt"}
#: years in which "deliverable in time" is judged (inclusive)
DELIVERY_WINDOW = (2030, 2035)

_TOL = 1e-9


# --------------------------------------------------------------------------- helpers


def load_results(result_dir: str | Path) -> xr.Dataset:
    """Load `<result_dir>/results.nc` fully into memory and close the file."""
    path = Path(result_dir)
    if path.is_dir():
        path = path / "results.nc"
    if not path.is_file():
        raise FileNotFoundError(f"no results.nc in {result_dir}")
    ds = xr.open_dataset(path, engine="netcdf4")
    try:
        ds.load()
    finally:
        ds.close()
    return ds


def find_result_dirs(paths: Sequence[str | Path]) -> list[Path]:
    """Result folders among `paths`: a folder holding results.nc is taken as is; a folder without
    one contributes its sub-folders that hold results.nc (sorted by name)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if (p / "results.nc").is_file():
            found.append(p)
        elif p.is_dir():
            subs = sorted(c for c in p.iterdir() if (c / "results.nc").is_file())
            if not subs:
                raise FileNotFoundError(f"no results.nc in {p} or its sub-folders")
            found.extend(subs)
        else:
            raise FileNotFoundError(f"result folder not found: {p}")
    return found


def scenario_name(ds: xr.Dataset) -> str:
    """The run's scenario name (attribute `scenario`), or "run" when absent."""
    return str(ds.attrs.get("scenario", "run"))


def cluster_name(cluster: str) -> str:
    """Full name of a cluster id (sets.CLUSTERS); other ids (assets) are returned unchanged."""
    return CLUSTERS.get(str(cluster), str(cluster))


def model_years(ds: xr.Dataset) -> list[int]:
    """The model years of a run, ascending."""
    return sorted(int(y) for y in ds["year"].values)


def capacity_units(ds: xr.Dataset) -> dict[str, str]:
    """Unit of capacity per technology: `capacity.attrs['units_by_technology']`, else tables."""
    units = dict(CAPACITY_UNIT)
    raw = ds["capacity"].attrs.get("units_by_technology") if "capacity" in ds else None
    if raw:
        with suppress(TypeError, ValueError):
            units.update(json.loads(raw) if isinstance(raw, str) else dict(raw))
    return units


def _sel_techs(da: xr.DataArray, techs: Sequence[str]) -> xr.DataArray:
    present = [t for t in techs if t in da["technology"].values]
    if not present:
        return xr.zeros_like(da.isel(technology=0, drop=True))
    return da.sel(technology=present).sum("technology")


def _unique_names(datasets: Sequence[xr.Dataset]) -> list[str]:
    names: list[str] = []
    for ds in datasets:
        base = scenario_name(ds)
        name, i = base, 2
        while name in names:
            name, i = f"{base} ({i})", i + 1
        names.append(name)
    return names


def _year_values(da: xr.DataArray) -> dict[int, float]:
    return {int(y): float(v) for y, v in zip(da["year"].values, da.values, strict=True)}


# --------------------------------------------------------------------------- access


def access_timeline(ds: xr.Dataset, threshold: float | None = None) -> pd.DataFrame:
    """Green share per cluster x carrier x model year, and when each cluster gets green access.

    Definitions:
    - `green_share` (-): share of the cluster's annual demand met by green or low-carbon supply,
      straight from the run's `green_share` (for co2: the share of planned capture achieved);
    - `reaches_threshold`: green_share >= threshold. The threshold is the argument, else the run's
      attribute `green_access_threshold`, else 0.9. A NaN share (no demand) never reaches it;
    - `first_access_year`: the first model year in which the cluster reaches the threshold for
      that carrier (NaN when it never does); `first_access` is the same as text, or "never";
    - `lasting_access_year`: the first model year from which the share stays at or above the
      threshold in every later model year (NaN when the last model year is below it).

    Returns one tidy frame, a row per cluster x carrier x year, with columns cluster,
    cluster_name, carrier, year, green_share, threshold, reaches_threshold, first_access_year,
    first_access, lasting_access_year. The per cluster x carrier columns repeat on every year;
    `first_access_table()` collapses them to one row per cluster x carrier.
    """
    thr = float(
        threshold
        if threshold is not None
        else ds.attrs.get("green_access_threshold", DEFAULT_GREEN_ACCESS_THRESHOLD)
    )
    if not np.isfinite(thr):
        thr = DEFAULT_GREEN_ACCESS_THRESHOLD
    share = ds["green_share"].transpose("cluster", "carrier", "year")
    years = [int(y) for y in share["year"].values]
    rows = []
    for cl in share["cluster"].values:
        for ca in share["carrier"].values:
            values = share.sel(cluster=cl, carrier=ca).values.astype(float)
            order = np.argsort(years)
            ys = [years[i] for i in order]
            vs = values[order]
            reached = [bool(np.isfinite(v) and v >= thr - _TOL) for v in vs]
            first = next((y for y, r in zip(ys, reached, strict=True) if r), None)
            lasting = None
            for i in range(len(ys) - 1, -1, -1):
                if not reached[i]:
                    break
                lasting = ys[i]
            for y, v, r in zip(ys, vs, reached, strict=True):
                rows.append(
                    {
                        "cluster": str(cl),
                        "cluster_name": cluster_name(cl),
                        "carrier": str(ca),
                        "year": y,
                        "green_share": float(v),
                        "threshold": thr,
                        "reaches_threshold": r,
                        "first_access_year": np.nan if first is None else float(first),
                        "first_access": "never" if first is None else str(first),
                        "lasting_access_year": np.nan if lasting is None else float(lasting),
                    }
                )
    return pd.DataFrame(rows)


def first_access_table(timeline: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster x carrier of an `access_timeline` frame: cluster, cluster_name,
    carrier, threshold, first_access_year, first_access ("never" if never), lasting_access_year,
    green_share_first_year and green_share_last_year (-)."""
    keys = ["cluster", "cluster_name", "carrier"]
    ordered = timeline.sort_values("year", kind="stable")
    grouped = ordered.groupby(keys, sort=False)
    out = grouped[["threshold", "first_access_year", "first_access", "lasting_access_year"]].first()
    out["green_share_first_year"] = grouped["green_share"].first()
    out["green_share_last_year"] = grouped["green_share"].last()
    return out.reset_index()


# --------------------------------------------------------------------------- capacity


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


def _fmt_value(v: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _why_short(ds: xr.Dataset, target: str, years: Sequence[int]) -> str:
    kinds = RELATED_LIMIT_KINDS.get(target, ())
    ranking = bottleneck_ranking(ds)
    related = ranking[ranking["limit_kind"].isin(kinds) & ranking["year"].isin(list(years))]
    if not related.empty:
        col = "marginal_value_eur_per_unit_yr"
        # limits in GW first (comparable with the target's unit), then by value
        related = related.assign(_other_unit=related["limit_unit"] != "GW")
        related = related.sort_values(["_other_unit", col], ascending=[True, False]).head(3)
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
    related limits (`RELATED_LIMIT_KINDS`) with the largest marginal value in that year (or the
    model years interpolated between), else "not economic at these prices" when the target's
    carrier still falls back to fossil, else "not needed at these prices"; empty when met.
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


# --------------------------------------------------------------------------- bottlenecks


def _limit_meta(ds: xr.Dataset) -> pd.DataFrame:
    limits = [str(x) for x in ds["limit"].values]

    def coord(name: str, default: Sequence[str]) -> list[str]:
        if name in ds.coords:
            return [str(x) for x in ds[name].values]
        return list(default)

    kinds = coord("limit_kind", [x.split(":", 1)[0] for x in limits])
    locs = coord("limit_location", [x.split(":", 1)[-1] for x in limits])
    units = coord("limit_unit", [""] * len(limits))
    labels = coord(
        "limit_label",
        [f"{k.replace('_', ' ')} {cluster_name(lo)}" for k, lo in zip(kinds, locs, strict=True)],
    )
    return pd.DataFrame(
        {
            "limit": limits,
            "limit_kind": kinds,
            "limit_location": locs,
            "limit_unit": units,
            "limit_label": labels,
        }
    )


def bottleneck_ranking(
    ds: xr.Dataset,
    year: int | Sequence[int] | None = None,
    top: int | None = None,
    rel_tol: float = 1e-6,
) -> pd.DataFrame:
    """Binding capacity limits, ranked by marginal value within each unit.

    The marginal value (`limit_marginal_value`) is what one more unit of the limit would save in
    one year, in EUR per unit of the limit per year (`value_unit`, e.g. "EUR/(GW*yr)"). A limit
    is binding in a year when its marginal value exceeds max(1e-9, rel_tol x the largest
    marginal value of any limit with the same unit in the run). Values of different units
    (EUR per GW-year, EUR per Mt/yr-year) are not comparable, so:
    - rows are sorted by `limit_unit`, then by marginal value, highest first;
    - `rank_in_unit` (1 = most valuable) ranks within the unit over the selected years;
    - `order_by_value` is the combined order of all rows by the bare number (a rough
      cross-unit order only).

    `year` keeps one or several model years (None: all); `top` keeps the first `top` rows per unit.
    Columns: limit_unit, rank_in_unit, order_by_value, limit, limit_kind, limit_location,
    location_name, year, marginal_value_eur_per_unit_yr, value_unit, label (plain words with the
    year, e.g. "grid connection Chemelot, 2030").
    """
    meta = _limit_meta(ds)
    mv = ds["limit_marginal_value"].transpose("limit", "year")
    years = [int(y) for y in mv["year"].values]
    values = mv.values.astype(float)
    frame = pd.DataFrame(
        {
            "limit": np.repeat(meta["limit"].to_numpy(), len(years)),
            "year": np.tile(years, len(meta)),
            "marginal_value_eur_per_unit_yr": values.reshape(-1),
        }
    ).merge(meta, on="limit", how="left")
    frame = frame[np.isfinite(frame["marginal_value_eur_per_unit_yr"])]
    unit_max = frame.groupby("limit_unit")["marginal_value_eur_per_unit_yr"].transform(
        lambda s: s.abs().max()
    )
    tol = np.maximum(1e-9, rel_tol * unit_max)
    frame = frame[frame["marginal_value_eur_per_unit_yr"] > tol]
    if year is not None:
        wanted = [int(year)] if np.isscalar(year) else [int(y) for y in year]  # type: ignore[union-attr]
        frame = frame[frame["year"].isin(wanted)]
    frame = frame.sort_values(
        ["limit_unit", "marginal_value_eur_per_unit_yr", "limit", "year"],
        ascending=[True, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    frame["rank_in_unit"] = frame.groupby("limit_unit").cumcount() + 1
    frame["order_by_value"] = (
        frame["marginal_value_eur_per_unit_yr"].rank(ascending=False, method="first").astype(int)
    )
    if top is not None:
        frame = frame[frame["rank_in_unit"] <= top]
    frame["location_name"] = frame["limit_location"].map(cluster_name)
    frame["value_unit"] = frame["limit_unit"].map(lambda u: f"EUR/({u}*yr)" if u else "EUR/yr")
    frame["label"] = frame["limit_label"].astype(str) + ", " + frame["year"].astype(str)
    columns = [
        "limit_unit",
        "rank_in_unit",
        "order_by_value",
        "limit",
        "limit_kind",
        "limit_location",
        "location_name",
        "year",
        "marginal_value_eur_per_unit_yr",
        "value_unit",
        "label",
    ]
    return frame[columns].reset_index(drop=True)


def carrier_prices(ds: xr.Dataset) -> pd.DataFrame:
    """Carrier prices per carrier x cluster x model year from `carrier_price`: the
    demand-weighted balance dual, i.e. the marginal cost of one more unit of demand at that
    cluster, undiscounted. Columns: carrier, cluster, cluster_name, year, price, price_unit
    (EUR/MWh for electricity and hydrogen, EUR/t for co2)."""
    da = ds["carrier_price"].transpose("carrier", "cluster", "year")
    df = da.to_dataframe(name="price").reset_index()[["carrier", "cluster", "year", "price"]]
    df["year"] = df["year"].astype(int)
    df.insert(2, "cluster_name", df["cluster"].map(cluster_name))
    df["price_unit"] = df["carrier"].map(lambda c: PRICE_UNIT.get(c, ""))
    return df


# --------------------------------------------------------------------------- emissions


def emissions_vs_targets(
    ds: xr.Dataset,
    rule: Literal["missing_supply_first", "proportional"] = "missing_supply_first",
) -> pd.DataFrame:
    """National industry emissions per model year against the target, with the gap split by cause.

    - `emissions_mt`: the run's `emissions` (Mt CO2);
    - `target_mt`: the scenario's cap `emission_target`; where that is NaN, the policy target
      `policy_target[industry_emissions_mt]`; NaN if neither (`target_source` says which);
    - `above_target_mt` = emissions - target (negative: below target);
      `gap_mt` = max(0, above_target_mt), 0 where there is no target;
    - `emissions_<cause>_mt`: `emissions_by_cause` for each cause (other_processes,
      electricity_fallback, hydrogen_fallback, co2_not_captured).

    Attribution of the gap (`gap_<cause>_mt`, summing to gap_mt):
    - rule "missing_supply_first" (default): the gap is first attributed to the causes that
      missing supply explains (electricity_fallback -> "missing green electricity",
      hydrogen_fallback -> "missing green hydrogen", co2_not_captured -> "missing CO2
      transport/storage"), in proportion to their emissions (clipped at zero), up to their total;
      whatever remains is "other processes" (it would stay even with all green supply);
    - rule "proportional": the gap is split in proportion to every cause's emissions (clipped
      at zero).
    `main_cause` is the plain label of the largest part, "target met", or "no target".
    """
    years = model_years(ds)
    emissions = _year_values(ds["emissions"])
    cap = _year_values(ds["emission_target"]) if "emission_target" in ds else {}
    policy: dict[int, float] = {}
    if "policy_target" in ds and "industry_emissions_mt" in ds["target"].values:
        policy = _year_values(ds["policy_target"].sel(target="industry_emissions_mt"))
    by_cause = ds["emissions_by_cause"]
    causes = [str(c) for c in by_cause["cause"].values]
    rows = []
    for y in years:
        target, source = cap.get(y, np.nan), "scenario cap"
        if not np.isfinite(target):
            target, source = policy.get(y, np.nan), "policy target"
        if not np.isfinite(target):
            source = "none"
        e = emissions[y]
        above = e - target if np.isfinite(target) else np.nan
        gap = max(0.0, above) if np.isfinite(target) else 0.0
        ec = {c: float(by_cause.sel(cause=c, year=y)) for c in causes}
        pos = {c: max(0.0, v) if np.isfinite(v) else 0.0 for c, v in ec.items()}
        parts = dict.fromkeys(CAUSE_LABELS, 0.0)
        if gap > 0:
            if rule == "missing_supply_first":
                supply_total = sum(pos.get(c, 0.0) for c in SUPPLY_CAUSES)
                by_supply = min(gap, supply_total)
                for c in SUPPLY_CAUSES:
                    if supply_total > 0:
                        parts[c] = by_supply * pos.get(c, 0.0) / supply_total
                parts["other_processes"] = gap - by_supply
            elif rule == "proportional":
                total = sum(pos.values())
                if total > 0:
                    for c, v in pos.items():
                        key = c if c in parts else "other_processes"
                        parts[key] += gap * v / total
                else:
                    parts["other_processes"] = gap
            else:
                raise ValueError(f"unknown attribution rule {rule!r}")
        if source == "none":
            main = "no target"
        elif gap <= 1e-9:
            main = "target met"
        else:
            main = CAUSE_LABELS[max(parts, key=lambda c: parts[c])]
        row: dict[str, object] = {
            "year": y,
            "emissions_mt": e,
            "target_mt": target,
            "target_source": source,
            "above_target_mt": above,
            "gap_mt": gap,
        }
        for c, label in CAUSE_LABELS.items():
            row[f"gap_{_slug(label)}_mt"] = parts[c]
        for c in causes:
            row[f"emissions_{c}_mt"] = ec[c]
        row["main_cause"] = main
        rows.append(row)
    return pd.DataFrame(rows)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


#: column of `emissions_vs_targets` for each cause's share of the gap
GAP_COLUMNS = {c: f"gap_{_slug(label)}_mt" for c, label in CAUSE_LABELS.items()}


# --------------------------------------------------------------------------- paths


def _energy_use_twh(ds: xr.Dataset, technology: str) -> xr.DataArray | None:
    """Annual use of a technology's capacity (cluster, year) in TWh (or Mt for co2_sink), where
    the results allow an estimate; None elsewhere."""
    supply_source = {
        "offshore_wind": ("electricity", "offshore_wind"),
        "grid_connection": ("electricity", "grid"),
        "h2_import_terminal": ("hydrogen", "import_terminal"),
    }
    if technology in supply_source:
        carrier, source = supply_source[technology]
        if carrier in ds["carrier"].values and source in ds["source"].values:
            return ds["supply"].sel(carrier=carrier, source=source, drop=True).clip(min=0)
        return None
    if technology == "co2_sink" and "co2_stored" in ds:
        return ds["co2_stored"]
    if technology == "electrolyser" and "dispatch_gw" in ds:
        comps = [c for c in ds["component"].values if str(c) == "electrolyser_input"]
        if comps and "electricity" in ds["carrier"].values:
            draw = -ds["dispatch_gw"].sel(carrier="electricity", component=comps).sum("component")
            if float(np.abs(draw).sum()) > 0:
                gwh = (draw.clip(min=0) * ds["slice_weight_h"]).sum("slice")
                return gwh / 1000.0
    return None


def _headline(ds: xr.Dataset, name: str) -> pd.DataFrame:
    years = model_years(ds)
    out = pd.DataFrame({"scenario": name, "year": years})
    out["objective_eur"] = float(ds.attrs.get("objective_eur", np.nan))
    out["solver_status"] = str(ds.attrs.get("solver_status", ""))
    for carrier in ds["carrier"].values:
        unit = ANNUAL_UNIT.get(str(carrier), "twh")
        dem = _year_values(ds["demand"].sel(carrier=carrier).sum("cluster"))
        un = _year_values(ds["unmet"].sel(carrier=carrier).sum("cluster"))
        out[f"demand_{carrier}_{unit}"] = [dem[y] for y in years]
        out[f"unmet_{carrier}_{unit}"] = [un[y] for y in years]
    em = emissions_vs_targets(ds)
    out["emissions_mt"] = em["emissions_mt"].to_numpy()
    out["emission_target_mt"] = em["target_mt"].to_numpy()
    out["emission_gap_mt"] = em["gap_mt"].to_numpy()
    nat = national_capacity(ds)
    out["electrolysis_gw"] = nat["electrolysis_gw"].to_numpy()
    out["offshore_wind_gw"] = nat["offshore_wind_gw"].to_numpy()
    return out


def _aligned_capacity(datasets: Sequence[xr.Dataset], names: Sequence[str]) -> xr.DataArray:
    """capacity(path, technology, cluster, year) over the years every path shares; a technology
    or cluster missing in a path counts as zero capacity there."""
    caps = [ds["capacity"].transpose("technology", "cluster", "year") for ds in datasets]
    common_years = sorted(set.intersection(*(set(int(y) for y in c["year"].values) for c in caps)))
    caps = [c.sel(year=common_years) for c in caps]
    aligned = xr.align(*caps, join="outer", fill_value=0.0)
    stacked = xr.concat(aligned, dim=pd.Index(list(names), name="path"))
    return stacked.fillna(0.0)


def compare_paths(
    datasets: Sequence[xr.Dataset],
    window: tuple[int, int] = DELIVERY_WINDOW,
    tol: float = 1e-6,
) -> dict[str, pd.DataFrame]:
    """Compare development paths (one result Dataset each; names from attribute `scenario`).

    Returns a dict of tidy frames:
    - "headline": a row per path x year: objective_eur (the run's discounted system cost,
      repeated), solver_status, demand_<carrier>_<twh|mt>, unmet_<carrier>_<twh|mt> (fossil
      fallback), emissions_mt, emission_target_mt, emission_gap_mt (see emissions_vs_targets),
      electrolysis_gw and offshore_wind_gw (see national_capacity);
    - "side_by_side": the headline metrics as rows (metric, year; objective with year "all")
      and one column per path;
    - "no_regret": the no-regret set — per technology x cluster x year, the capacity every path
      has at least: no_regret_capacity = min over paths of capacity (in `unit`); only rows above
      `tol`. Also max_capacity (the most any path has) and paths_at_minimum. Compared over the
      years all paths share; a technology or cluster absent in a path counts as zero;
    - "vollooprisico": the stranded-capacity risk — for each ordered pair (built_for = A,
      materialises = B), per technology x cluster x year: stranded_capacity =
      max(0, capacity_A - capacity_B), capacity built for A that B does not need; only rows
      above `tol`. stranded_share = stranded / capacity_A. utilisation_if_materialises is the
      estimated load of A's capacity if B happens: B's annual use of that technology divided by
      capacity_A x 8760 h (offshore wind: wind electricity used; grid connection: grid
      electricity; import terminal: imports; co2 sink: CO2 stored per Mt/yr; electrolyser:
      electricity drawn per dispatch_gw) — NaN where the results do not allow an estimate;
    - "fit_in_time": which path fits what can be delivered in time. Over the model years within
      `window` (default 2030-2035; all model years if none falls inside): demand_energy_twh and
      unmet_energy_twh (electricity + hydrogen), unmet_energy_share = unmet / demand,
      unmet_co2_mt, emission_gap_mt (summed over those years), target_shortfall_gw (summed
      electrolysis and wind target shortfall at target years in the window). Paths are ranked
      by unmet_energy_share, then emission_gap_mt, then target_shortfall_gw; `fits_best` marks
      rank 1.
    """
    if not datasets:
        raise ValueError("compare_paths needs at least one result Dataset")
    names = _unique_names(datasets)
    headline = pd.concat([_headline(ds, n) for ds, n in zip(datasets, names, strict=True)])
    headline = headline.reset_index(drop=True)

    # side by side
    metrics = [c for c in headline.columns if c not in ("scenario", "year", "solver_status")]
    long = headline.melt(id_vars=["scenario", "year"], value_vars=metrics, var_name="metric")
    long["year"] = long["year"].astype(str)
    long.loc[long["metric"] == "objective_eur", "year"] = "all"
    long = long.drop_duplicates(["scenario", "metric", "year"])
    side = long.pivot(index=["metric", "year"], columns="scenario", values="value")
    side = side.reindex(columns=names)
    order = {m: i for i, m in enumerate(metrics)}
    side = side.reset_index()
    side["_o"] = side["metric"].map(order)
    side = side.sort_values(["_o", "year"]).drop(columns="_o").reset_index(drop=True)
    side.columns.name = None

    # no-regret and vollooprisico
    units = {}
    for ds in datasets:
        units.update(capacity_units(ds))
    cap = _aligned_capacity(datasets, names)
    minimum = cap.min("path")
    maximum = cap.max("path")
    nr_rows = []
    for t in cap["technology"].values:
        for c in cap["cluster"].values:
            for y in cap["year"].values:
                v = float(minimum.sel(technology=t, cluster=c, year=y))
                if v > tol:
                    at_min = [
                        str(p)
                        for p in cap["path"].values
                        if float(cap.sel(path=p, technology=t, cluster=c, year=y)) <= v + tol
                    ]
                    nr_rows.append(
                        {
                            "technology": str(t),
                            "unit": units.get(str(t), ""),
                            "cluster": str(c),
                            "cluster_name": cluster_name(c),
                            "year": int(y),
                            "no_regret_capacity": v,
                            "max_capacity": float(maximum.sel(technology=t, cluster=c, year=y)),
                            "paths_at_minimum": ", ".join(at_min),
                        }
                    )
    no_regret = pd.DataFrame(
        nr_rows,
        columns=[
            "technology",
            "unit",
            "cluster",
            "cluster_name",
            "year",
            "no_regret_capacity",
            "max_capacity",
            "paths_at_minimum",
        ],
    )

    by_name = dict(zip(names, datasets, strict=True))
    vr_rows = []
    for a, b in permutations(names, 2):
        ca, cb = cap.sel(path=a), cap.sel(path=b)
        stranded = (ca - cb).clip(min=0)
        for t in cap["technology"].values:
            use = _energy_use_twh(by_name[b], str(t))
            for c in cap["cluster"].values:
                for y in cap["year"].values:
                    s = float(stranded.sel(technology=t, cluster=c, year=y))
                    if s <= tol:
                        continue
                    cap_a = float(ca.sel(technology=t, cluster=c, year=y))
                    util = np.nan
                    if (
                        use is not None
                        and c in use["cluster"].values
                        and y in use["year"].values
                        and cap_a > 0
                    ):
                        used = float(use.sel(cluster=c, year=y))
                        per_year = cap_a if str(t) == "co2_sink" else cap_a * HOURS_PER_YEAR / 1000
                        util = used / per_year
                    vr_rows.append(
                        {
                            "built_for": a,
                            "materialises": b,
                            "technology": str(t),
                            "unit": units.get(str(t), ""),
                            "cluster": str(c),
                            "cluster_name": cluster_name(c),
                            "year": int(y),
                            "capacity_built_for": cap_a,
                            "capacity_materialises": float(cb.sel(technology=t, cluster=c, year=y)),
                            "stranded_capacity": s,
                            "stranded_share": s / cap_a if cap_a > 0 else np.nan,
                            "utilisation_if_materialises": util,
                        }
                    )
    vollooprisico = pd.DataFrame(
        vr_rows,
        columns=[
            "built_for",
            "materialises",
            "technology",
            "unit",
            "cluster",
            "cluster_name",
            "year",
            "capacity_built_for",
            "capacity_materialises",
            "stranded_capacity",
            "stranded_share",
            "utilisation_if_materialises",
        ],
    )

    # fit in time
    fit_rows = []
    for ds, name in zip(datasets, names, strict=True):
        h = headline[headline["scenario"] == name]
        in_window = h[(h["year"] >= window[0]) & (h["year"] <= window[1])]
        if in_window.empty:
            in_window = h
        yrs = [int(y) for y in in_window["year"]]
        energy = [c for c in ("electricity", "hydrogen") if f"demand_{c}_twh" in h.columns]
        demand = float(sum(in_window[f"demand_{c}_twh"].sum() for c in energy))
        unmet = float(sum(in_window[f"unmet_{c}_twh"].sum() for c in energy))
        cvt = capacity_vs_targets(ds)
        in_cvt = cvt[(cvt["year"] >= min(yrs)) & (cvt["year"] <= max(max(yrs), window[1]))]
        fit_rows.append(
            {
                "scenario": name,
                "years": " ".join(str(y) for y in yrs),
                "demand_energy_twh": demand,
                "unmet_energy_twh": unmet,
                "unmet_energy_share": unmet / demand if demand > 0 else 0.0,
                "unmet_co2_mt": float(in_window.get("unmet_co2_mt", pd.Series(0.0)).sum()),
                "emission_gap_mt": float(in_window["emission_gap_mt"].sum()),
                "target_shortfall_gw": float(in_cvt["shortfall_gw"].fillna(0).sum()),
            }
        )
    fit = pd.DataFrame(fit_rows)
    fit = fit.sort_values(
        ["unmet_energy_share", "emission_gap_mt", "target_shortfall_gw"], kind="stable"
    ).reset_index(drop=True)
    fit["rank"] = np.arange(1, len(fit) + 1)
    fit["fits_best"] = fit["rank"] == 1

    return {
        "headline": headline,
        "side_by_side": side,
        "fit_in_time": fit,
        "no_regret": no_regret,
        "vollooprisico": vollooprisico,
    }


# --------------------------------------------------------------------------- all tables


def comparison_tables(datasets: Sequence[xr.Dataset]) -> dict[str, pd.DataFrame]:
    """Every table of this module for a set of runs: the per-run tables (access_timeline,
    first_access, capacity_vs_targets, capacity_by_cluster, bottlenecks, carrier_prices,
    emissions_vs_targets), each with a leading `scenario` column and all runs stacked, plus the
    `compare_paths` tables."""
    names = _unique_names(datasets)
    per_run = {
        "access_timeline": access_timeline,
        "first_access": lambda ds: first_access_table(access_timeline(ds)),
        "capacity_vs_targets": capacity_vs_targets,
        "capacity_by_cluster": capacity_by_cluster,
        "bottlenecks": bottleneck_ranking,
        "carrier_prices": carrier_prices,
        "emissions_vs_targets": emissions_vs_targets,
    }
    tables: dict[str, pd.DataFrame] = {}
    for key, func in per_run.items():
        frames = []
        for ds, name in zip(datasets, names, strict=True):
            df = func(ds)
            df.insert(0, "scenario", name)
            frames.append(df)
        tables[key] = pd.concat(frames, ignore_index=True)
    tables.update(compare_paths(datasets))
    return tables


@contextmanager
def atomic_output_dir(out_dir: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder beside `out_dir`; on success it replaces `out_dir` (an
    existing one is removed only at the very end); on any error it is deleted and `out_dir`
    stays as it was."""
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rmdir(old)
            os.replace(out_dir, old)
        try:
            os.replace(tmp, out_dir)
        except BaseException:
            if old is not None:
                os.replace(old, out_dir)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_comparison(result_dirs: Sequence[str | Path], out_dir: str | Path) -> dict[str, Path]:
    """Load every result folder (see `find_result_dirs`), compute `comparison_tables` and write
    each as `<out_dir>/<name>.csv`, atomically (all files appear together or none). Returns
    {table name: path of its CSV in out_dir}."""
    datasets = [load_results(d) for d in find_result_dirs(result_dirs)]
    tables = comparison_tables(datasets)
    out_dir = Path(out_dir).resolve()
    with atomic_output_dir(out_dir) as tmp:
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False)
    return {name: out_dir / f"{name}.csv" for name in tables}


# --------------------------------------------------------------------------- printing


def _rich_table(df: pd.DataFrame, title: str, max_rows: int = 30):  # noqa: ANN202
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for _, row in df.head(max_rows).iterrows():
        cells = []
        for col, v in row.items():
            if isinstance(v, float | np.floating):
                if not np.isfinite(v):
                    cells.append("-")
                elif "year" in str(col) and float(v).is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(_fmt_value(float(v)))
            else:
                cells.append(str(v))
        table.add_row(*cells)
    if len(df) > max_rows:
        table.caption = f"first {max_rows} of {len(df)} rows (all rows in the CSV files)"
    return table


#: per table: (title, columns shown; None = all)
_PRINTED: dict[str, tuple[str, list[str] | None]] = {
    "side_by_side": ("Paths side by side (TWh, Mt, GW, EUR)", None),
    "fit_in_time": (
        "Which path fits what can be delivered in time (rank 1 fits best)",
        [
            "scenario",
            "years",
            "unmet_energy_twh",
            "unmet_energy_share",
            "emission_gap_mt",
            "target_shortfall_gw",
            "rank",
        ],
    ),
    "first_access": (
        "First year of green access per cluster (share >= threshold)",
        ["scenario", "cluster_name", "carrier", "first_access", "green_share_last_year"],
    ),
    "capacity_vs_targets": (
        "Capacity against policy targets (GW)",
        ["scenario", "target", "year", "capacity_gw", "target_gw", "shortfall_gw", "basis", "why"],
    ),
    "bottlenecks": (
        "Binding limits, top 5 per unit (marginal value in EUR per unit per year)",
        ["scenario", "rank_in_unit", "label", "marginal_value_eur_per_unit_yr", "value_unit"],
    ),
    "emissions_vs_targets": (
        "Emissions against target (Mt CO2)",
        ["scenario", "year", "emissions_mt", "target_mt", "gap_mt", "main_cause"],
    ),
    "no_regret": (
        "No-regret capacity: built in every path",
        ["technology", "cluster_name", "year", "no_regret_capacity", "max_capacity", "unit"],
    ),
    "vollooprisico": (
        "Vollooprisico: capacity built for one path that another does not need (largest first)",
        [
            "built_for",
            "materialises",
            "technology",
            "cluster_name",
            "year",
            "stranded_capacity",
            "unit",
            "utilisation_if_materialises",
        ],
    ),
}


def print_comparison(tables: Mapping[str, pd.DataFrame], console=None) -> None:  # noqa: ANN001
    """Print the main comparison tables (as from `comparison_tables` or `compare_paths`) as rich
    tables on `console` (a rich Console; a new one when None). Long tables are cut to 30 rows."""
    from rich.console import Console

    console = console or Console()
    for key, (title, columns) in _PRINTED.items():
        if key not in tables:
            continue
        df = tables[key]
        if key == "bottlenecks" and "rank_in_unit" in df:
            df = df[df["rank_in_unit"] <= 5]
        if key == "vollooprisico" and not df.empty:
            df = df.sort_values("stranded_capacity", ascending=False, kind="stable")
        if columns is not None:
            df = df[[c for c in columns if c in df.columns]]
        if df.empty:
            console.print(f"[bold]{title}[/bold]: none")
            continue
        console.print(_rich_table(df, title))
