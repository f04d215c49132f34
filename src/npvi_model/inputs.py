"""Stage 2: data tables + resolved scenario -> model inputs (xarray.Dataset).

Applies the scenario's data overrides, interpolates every path to the model years, turns the
capacity schedules and project lists into capacity in service per model year, and gathers all
capacities into one `asset` dimension (technology x location) for the investment family.
Hourly profiles stay at full resolution here; the time-reduction stage picks the slices.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.data_io import _shown as _shown_path
from npvi_model.data_io import check_data_file, load_tables
from npvi_model.errors import InputError, Problem
from npvi_model.path_rules import add_path_rules
from npvi_model.power_system_inputs import add_power_system
from npvi_model.scenario import ResolvedScenario, interpolate_anchors
from npvi_model.sets import CLUSTER_IDS, FIRST_YEAR, HOURS_PER_YEAR, SECTORS
from npvi_model.tables import (
    CAPACITY_UNIT,
    COMMODITIES,
    LINK_TECHNOLOGIES,
    TABLES,
    TECHNOLOGIES,
)
from npvi_model.tables import PER_CLUSTER_TECHNOLOGIES as PER_CLUSTER

TIMESERIES = {
    "offshore_wind_cf": ("timeseries/nl_wind_offshore_cf_hourly.csv", "wy{weather_year}"),
    "industry_profile": ("timeseries/nl_industry_electricity_profiles_hourly.csv", None),
}

#: schedule tables: (technology, id column, value column)
SCHEDULES = {
    "grid_connections": ("grid_connection", "cluster", "capacity_gw"),
    "electricity_corridors": ("electricity_corridor", "corridor", "capacity_gw"),
    "h2_backbone": ("h2_pipeline", "section", "capacity_gw"),
    "h2_import_terminals": ("h2_import_terminal", "terminal", "capacity_gw"),
    "h2_storage": ("h2_storage", "storage", "energy_capacity_gwh"),
    "co2_sinks": ("co2_sink", "sink", "capacity_mt_per_yr"),
    "co2_pipelines": ("co2_pipeline", "pipeline", "capacity_mt_per_yr"),
}


def apply_overrides(tables: dict[str, pd.DataFrame], resolved: ResolvedScenario) -> list[dict]:
    """Set the values a scenario overrides; return a record of each change (its provenance)."""
    problems: list[Problem] = []
    changes: list[dict] = []
    for i, override in enumerate(resolved.scenario.data_overrides):
        where_label = f"data_overrides[{i}]"
        file = resolved.provenance.get(where_label, resolved.files[-1])
        spec = TABLES[override.table]
        if override.table not in tables:
            problems.append(
                Problem(
                    file,
                    where_label,
                    f"table '{override.table}' is not read by "
                    "the model (it feeds the demand derivation only)",
                )
            )
            continue
        df = tables[override.table]
        mask = pd.Series(True, index=df.index)
        for column, wanted in override.where.items():
            kind = spec.column(column).kind
            series = df[column]
            mask &= (
                (series.astype(float) == float(wanted))
                if kind != "str"
                else (series.astype(str) == str(wanted))
            )
        if not mask.any():
            problems.append(
                Problem(
                    file,
                    where_label,
                    f"no row of table '{override.table}' matches {dict(override.where)}",
                )
            )
            continue
        for column, value in override.set.items():
            col = spec.column(column)
            if col.minimum is not None and value < col.minimum:
                problems.append(
                    Problem(
                        file,
                        f"{where_label}.set.{column}",
                        f"value {value}: below the minimum {col.minimum:g} ({col.unit})",
                    )
                )
                continue
            if col.maximum is not None and value > col.maximum:
                problems.append(
                    Problem(
                        file,
                        f"{where_label}.set.{column}",
                        f"value {value}: above the maximum {col.maximum:g} ({col.unit})",
                    )
                )
                continue
            for row in df.index[mask]:
                changes.append(
                    {
                        "table": override.table,
                        "row": int(row) + 2,
                        "column": column,
                        "old": _plain(df.at[row, column]),
                        "new": value,
                        "file": file,
                    }
                )
            df.loc[mask, column] = int(value) if col.kind == "int" else float(value)
    if problems:
        raise InputError(problems)
    return changes


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _interp_years(points: pd.Series, years: list[int]) -> np.ndarray:
    """Linear interpolation of a year-indexed series to `years`, flat outside the range."""
    points = points.sort_index()
    return np.interp(years, points.index.astype(float), points.to_numpy(dtype=float))


def _schedule(rows: pd.DataFrame, years: list[int], value_col: str) -> np.ndarray:
    """Capacity in force in each year from a schedule (value from `from_year` on)."""
    rows = rows.sort_values("from_year")
    out = np.zeros(len(years))
    for j, year in enumerate(years):
        active = rows[rows["from_year"] <= year]
        out[j] = active[value_col].iloc[-1] if len(active) else 0.0
    return out


def year_weights(years: list[int]) -> np.ndarray:
    """Years each model year stands for: the gap to the next model year; the last repeats the
    previous gap (1 for a single year)."""
    gaps = np.diff(years).astype(float)
    last = gaps[-1] if len(gaps) else 1.0
    return np.append(gaps, last)


def discount_weights(
    years: list[int], weights: np.ndarray, rate: float, base_year: int
) -> np.ndarray:
    """Sum of discount factors over the calendar years a model year stands for:
    sum_{k=0}^{w-1} 1/(1+r)^(y+k-base)."""
    return np.array(
        [
            sum(1.0 / (1.0 + rate) ** (y + k - base_year) for k in range(int(w)))
            for y, w in zip(years, weights, strict=True)
        ]
    )


def build_inputs(resolved: ResolvedScenario, data_dir: Path) -> xr.Dataset:
    """Load, validate and assemble all inputs of one scenario."""
    scenario = resolved.scenario
    params = scenario.parameters
    years = list(scenario.years)
    tables, data_hash = load_tables(data_dir)
    changes = apply_overrides(tables, resolved)

    coords = {"year": years, "cluster": list(CLUSTER_IDS), "sector": list(SECTORS)}
    ds = xr.Dataset(coords=coords)
    w = year_weights(years)
    ds["year_weight"] = ("year", w)
    ds["discount_weight"] = (
        "year",
        discount_weights(years, w, params.discount_rate, params.base_year),
    )

    _add_demand(ds, tables, scenario)
    _add_prices(ds, tables, years)
    _add_emissions(ds, tables, scenario)
    _add_assets(ds, tables, scenario, data_dir)
    _add_timeseries(ds, data_dir, scenario)
    add_power_system(ds, tables, scenario, data_dir)  # supply steps of grid electricity
    add_path_rules(ds, scenario)

    targets = tables["policy_targets"]
    tgt_names = sorted(set(targets["target"]) - {"industry_emissions_1990_mt"})
    tgt = np.full((len(tgt_names), len(years)), np.nan)
    for i, name in enumerate(tgt_names):
        rows = targets[targets["target"] == name].set_index("year")["value"]
        for j, y in enumerate(years):
            if y in rows.index:
                tgt[i, j] = rows[y]
    ds.coords["target"] = tgt_names
    ds["policy_target"] = (("target", "year"), tgt)
    published = {
        name: {int(r.year): float(r.value) for r in targets[targets["target"] == name].itertuples()}
        for name in tgt_names
    }
    ds.attrs["policy_targets_published"] = json.dumps(published)
    ref = targets[targets["target"] == "industry_emissions_1990_mt"]["value"]
    ds.attrs["industry_emissions_1990_mt"] = float(ref.iloc[0]) if len(ref) else float("nan")

    scenario_json = scenario.model_dump_json()
    ds.attrs.update(
        scenario=scenario.name,
        description=scenario.description,
        data_sha256=data_hash,
        input_sha256=hashlib.sha256((data_hash + scenario_json).encode()).hexdigest(),
        resolved_scenario=scenario_json,
        scenario_files=json.dumps(resolved.files),
        provenance=json.dumps(resolved.provenance),
        data_overrides_applied=json.dumps(changes),
        green_access_threshold=params.green_access_threshold,
    )
    return ds


def _add_demand(ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario) -> None:
    """Demand = baseline x production index x (1 - f_EI + f_EI x domestic share), per sector,
    where f_EI is the sector's energy-intensive fraction of that carrier's demand."""
    years = list(ds.year.values)
    base = tables["demand_baseline"]
    base = base[base["year"].isin(years)]
    carriers = ["electricity", "hydrogen", "co2_capture"]
    arr = np.zeros((3, len(SECTORS), len(CLUSTER_IDS), len(years)))
    idx = {(r.carrier, r.sector, r.cluster, r.year): r.value for r in base.itertuples()}
    frac = tables["energy_intensive_fraction"].set_index(["sector", "carrier"])["fraction"]
    path = scenario.demand_path
    for s_i, sector in enumerate(SECTORS):
        prod = interpolate_anchors(path.production_index.get(sector, {}), years, 1.0)
        dom = interpolate_anchors(path.domestic_share.get(sector, {}), years, 1.0)
        for k_i, carrier in enumerate(carriers):
            f_ei = float(frac.get((sector, carrier), 0.0))
            for c_i, cluster in enumerate(CLUSTER_IDS):
                for y_i, year in enumerate(years):
                    b = idx.get((carrier, sector, cluster, year), 0.0)
                    arr[k_i, s_i, c_i, y_i] = b * prod[year] * (1 - f_ei + f_ei * dom[year])
    ds.coords["demand_carrier"] = carriers
    ds["demand_by_sector"] = (("demand_carrier", "sector", "cluster", "year"), arr)
    total = arr.sum(axis=1)
    ds["electricity_demand_twh"] = (("cluster", "year"), total[0])
    ds["hydrogen_demand_twh"] = (("cluster", "year"), total[1])
    ds["co2_capture_plan_mt"] = (("cluster", "year"), total[2])


def _add_prices(ds: xr.Dataset, tables: dict[str, pd.DataFrame], years: list[int]) -> None:
    prices = tables["prices"]
    for commodity, unit in COMMODITIES.items():
        rows = prices[prices["commodity"] == commodity].set_index("year")["value"]
        ds[f"price_{commodity}"] = ("year", _interp_years(rows, years))
        ds[f"price_{commodity}"].attrs["units"] = unit
    fb = tables["fallback_routes"].set_index("carrier")
    for carrier in ("electricity", "hydrogen"):
        ds.attrs[f"fallback_{carrier}_gas_per_unit"] = float(
            fb.at[carrier, "gas_per_unit_mwh_per_mwh"]
        )
        ds.attrs[f"fallback_{carrier}_t_co2_per_mwh"] = float(
            fb.at[carrier, "emission_factor_t_per_mwh"]
        )


def _add_emissions(ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario) -> None:
    """Emissions outside the modelled carriers ('other processes'), per cluster and year:

    other = max(0, reference - full-fallback emissions) x (1 - abatement share),
    where reference = base-year emissions x the demand-weighted production index of the cluster,
    and full-fallback emissions are those if no demand were met green and nothing captured:
    all hydrogen as grey hydrogen, all planned capture emitted, and the electricity demand
    *above the 2025 level* on on-site gas (the 2025 electricity use already comes from the grid,
    whose emissions are the power sector's, so it was never in the reference).
    """
    baseline = tables["demand_baseline"]
    first = baseline[(baseline["carrier"] == "electricity") & (baseline["year"] == FIRST_YEAR)]
    base_electricity = first.groupby("cluster")["value"].sum()
    years = list(ds.year.values)
    params = scenario.parameters
    base = (
        tables["emissions_baseline"].sort_values("year").groupby("cluster")["emissions_mt"].last()
    )
    ef_e = ds.attrs["fallback_electricity_t_co2_per_mwh"]
    ef_h = ds.attrs["fallback_hydrogen_t_co2_per_mwh"]
    abate = interpolate_anchors(params.other_emissions_abatement, years, 0.0)
    path = scenario.demand_path
    demand = ds["demand_by_sector"]
    other = np.zeros((len(CLUSTER_IDS), len(years)))
    other_gross = np.zeros((len(CLUSTER_IDS), len(years)))  # before the assumed abatement
    electrification = np.zeros((len(CLUSTER_IDS), len(years)))  # credit for electricity > 2025
    for c_i, cluster in enumerate(CLUSTER_IDS):
        for y_i, year in enumerate(years):
            # production-weighted activity of the cluster, relative to the base year mix
            weights = demand.sel(cluster=cluster, year=years[0]).sum("demand_carrier").values
            idx = np.array(
                [
                    interpolate_anchors(path.production_index.get(s, {}), [year], 1.0)[year]
                    for s in SECTORS
                ]
            )
            activity = float(np.average(idx, weights=weights)) if weights.sum() > 0 else 1.0
            reference = float(base.get(cluster, 0.0)) * activity
            electricity = float(ds["electricity_demand_twh"].sel(cluster=cluster, year=year))
            electrification[c_i, y_i] = (
                max(0.0, electricity - float(base_electricity.get(cluster, 0.0))) * ef_e
            )
            full_fallback = (
                electrification[c_i, y_i]
                + float(ds["hydrogen_demand_twh"].sel(cluster=cluster, year=year)) * ef_h
                + float(ds["co2_capture_plan_mt"].sel(cluster=cluster, year=year))
            )
            other_gross[c_i, y_i] = max(0.0, reference - full_fallback)
            other[c_i, y_i] = other_gross[c_i, y_i] * (1.0 - abate[year])
    ds["other_emissions_mt"] = (("cluster", "year"), other)
    # the assumed (exogenous) parts, reported as their own emission causes (extract.py)
    ds["other_emissions_gross_mt"] = (("cluster", "year"), other_gross)
    ds["electrification_credit_mt"] = (("cluster", "year"), electrification)
    caps = params.emission_caps_mt
    ds["emission_cap_mt"] = ("year", np.array([caps.get(y, np.nan) for y in years], dtype=float))


def _tech_costs(
    tables: dict[str, pd.DataFrame], years: list[int]
) -> dict[str, dict[str, np.ndarray]]:
    costs = tables["technology_costs"]
    out: dict[str, dict[str, np.ndarray]] = {}
    for tech in TECHNOLOGIES:
        out[tech] = {}
        for par in ("capex", "fom", "lifetime", "efficiency"):
            rows = costs[(costs["technology"] == tech) & (costs["parameter"] == par)]
            if len(rows):
                out[tech][par] = _interp_years(rows.set_index("year")["value"], years)
            else:
                out[tech][par] = np.full(len(years), np.nan)
    return out


def _add_assets(ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario, data_dir: Path) -> None:
    """One `asset` per technology and location, with capacity in service and expansion rules."""
    years = list(ds.year.values)
    params = scenario.parameters
    delay = params.offshore_wind_delay_years
    existing: dict[tuple[str, str], np.ndarray] = {}
    ends: dict[tuple[str, str], tuple[str, str]] = {}

    def add(tech: str, loc: str, values: np.ndarray) -> None:
        key = (tech, loc)
        existing[key] = existing.get(key, np.zeros(len(years))) + values

    for cluster in CLUSTER_IDS:
        for tech in PER_CLUSTER:
            add(tech, cluster, np.zeros(len(years)))
    parks = tables["offshore_wind_parks"]
    for r in parks.itertuples():
        cod = r.commissioning_year + (delay if r.commissioning_year > years[0] else 0)
        add(
            "offshore_wind",
            r.cluster,
            np.array([r.capacity_gw if cod <= y < cod + r.lifetime_years else 0.0 for y in years]),
        )
    projects = tables["electrolyser_projects"]
    costs = _tech_costs(tables, years)
    for r in projects.itertuples():
        life = float(np.nanmax(costs[r.technology]["lifetime"]))
        add(
            r.technology,
            r.cluster,
            np.array(
                [
                    r.capacity_gw
                    if r.commissioning_year <= y < r.commissioning_year + life
                    else 0.0
                    for y in years
                ]
            ),
        )
    for table, (tech, id_col, value_col) in SCHEDULES.items():
        df = tables[table]
        for asset_id, rows in df.groupby(id_col, sort=True):
            loc = rows["cluster"].iloc[0] if tech in PER_CLUSTER else str(asset_id)
            add(tech, loc, _schedule(rows, years, value_col))
            if tech in LINK_TECHNOLOGIES:
                ends[(tech, loc)] = (rows["from_cluster"].iloc[0], rows["to_cluster"].iloc[0])
            elif tech == "co2_sink":
                ends[(tech, loc)] = (rows["cluster"].iloc[0], rows["cluster"].iloc[0])
    # h2 storage power ratio per cluster (capacity-weighted mean of the caverns there)
    storage = tables["h2_storage"]
    power_ratio = {
        c: float(storage[storage["cluster"] == c]["power_to_energy_per_h"].mean())
        if (storage["cluster"] == c).any()
        else 0.02
        for c in CLUSTER_IDS
    }

    limits = tables["expansion_limits"]
    problems = []
    for r in limits.itertuples():
        key = (r.technology, r.location)
        if r.technology in PER_CLUSTER and r.location not in CLUSTER_IDS:
            problems.append(
                Problem(
                    _shown_path(data_dir / "expansion_limits.csv"),
                    f"technology={r.technology}",
                    f"location {r.location!r}: expected a cluster id",
                )
            )
        elif r.technology not in PER_CLUSTER and key not in existing:
            problems.append(
                Problem(
                    _shown_path(data_dir / "expansion_limits.csv"),
                    f"technology={r.technology}",
                    f"location {r.location!r}: no such asset in the {r.technology} table",
                )
            )
    if problems:
        raise InputError(problems)
    lim = limits.set_index(["technology", "location"])

    keys = sorted(existing, key=lambda k: (TECHNOLOGIES.index(k[0]), k[1]))
    n = len(keys)
    ex = np.array([existing[k] for k in keys])
    earliest = np.full(n, 9999.0)
    max_new = np.zeros(n)
    max_rate = np.zeros(n)
    for i, key in enumerate(keys):
        if key in lim.index:
            row = lim.loc[key]
            earliest[i] = row["earliest_year"] + (delay if key[0] == "offshore_wind" else 0)
            max_new[i] = row["max_new_capacity"]
            max_rate[i] = row["max_build_per_year"]
    names = [f"{t}:{loc}" for t, loc in keys]
    ds.coords["asset"] = names
    ds.coords["asset_technology"] = ("asset", [k[0] for k in keys])
    ds.coords["asset_location"] = ("asset", [k[1] for k in keys])
    ds.coords["asset_unit"] = ("asset", [CAPACITY_UNIT[k[0]] for k in keys])
    ds.coords["asset_from"] = ("asset", [ends.get(k, (k[1], k[1]))[0] for k in keys])
    ds.coords["asset_to"] = ("asset", [ends.get(k, (k[1], k[1]))[1] for k in keys])
    ds["existing_capacity"] = (("asset", "year"), ex)
    ds["earliest_new_year"] = ("asset", earliest)
    ds["max_new_capacity"] = ("asset", max_new)
    ds["max_build_per_year"] = ("asset", max_rate)
    for par in ("capex", "fom", "lifetime", "efficiency"):
        ds[par] = (("asset", "year"), np.array([costs[k[0]][par] for k in keys]))
    missing = [
        (k[0], p)
        for i, k in enumerate(keys)
        for p in ("capex", "fom", "lifetime")
        if max_new[i] > 0 and np.isnan(ds[p].values[i]).any()
    ]
    if missing:
        raise InputError(
            [
                Problem(
                    _shown_path(data_dir / "technology_costs.csv"),
                    f"technology={t}",
                    f"no '{p}' rows, needed because the model may build it",
                )
                for t, p in sorted(set(missing))
            ]
        )
    for tech in ("electrolyser", "offshore_electrolysis"):
        if np.isnan(costs[tech]["efficiency"]).any():
            raise InputError(
                [
                    Problem(
                        _shown_path(data_dir / "technology_costs.csv"),
                        f"technology={tech}",
                        "no 'efficiency' rows",
                    )
                ]
            )
        ds[f"{tech}_efficiency"] = ("year", costs[tech]["efficiency"])
    ds["h2_storage_power_ratio"] = ("cluster", [power_ratio[c] for c in CLUSTER_IDS])

    landing = tables["offshore_wind_landing"].set_index("cluster")["max_landing_gw"]
    ds["landing_limit_gw"] = ("cluster", [float(landing.get(c, 0.0)) for c in CLUSTER_IDS])
    roadmap = tables["offshore_wind_roadmap"].set_index("year")["national_capacity_gw"]
    shifted = roadmap.copy()
    shifted.index = [y + delay if y > years[0] - 5 else y for y in roadmap.index]
    ds["wind_roadmap_gw"] = ("year", _interp_years(shifted, years))
    ds["industry_wind_gw"] = ds["wind_roadmap_gw"] * params.industry_share_of_offshore_wind
    # industry gets its share of every park and landing point, as of the national roadmap
    is_wind = ds["asset_technology"] == "offshore_wind"
    share = params.industry_share_of_offshore_wind
    ds["existing_capacity"] = ds["existing_capacity"].where(
        ~is_wind, ds["existing_capacity"] * share
    )
    ds["landing_limit_gw"] = ds["landing_limit_gw"] * share
    ds.attrs["offshore_wind_roadmap_mode"] = params.offshore_wind_roadmap
    ds.attrs["investment_wacc"] = params.investment_wacc
    ds.attrs["emission_cap_penalty_eur_per_t"] = params.emission_cap_penalty_eur_per_t
    ds.attrs["h2_import_earliest_year"] = params.h2_import_earliest_year
    ds.attrs["industry_share_of_offshore_wind"] = params.industry_share_of_offshore_wind
    ds.attrs["tie_breaks"] = params.tie_breaks.model_dump_json()


def _add_timeseries(ds: xr.Dataset, data_dir: Path, scenario) -> None:
    time = scenario.time
    problems = []
    series = {}
    for name, (file, column) in TIMESERIES.items():
        path = data_dir / file
        col = column.format(weather_year=time.weather_year) if column else time.electricity_profile
        if col == "flat":
            series[name] = np.ones(HOURS_PER_YEAR)
            continue
        try:
            check_data_file(path, str(path), what="time series file")
            df = pd.read_csv(path, encoding="utf-8-sig")
        except InputError as err:
            problems += err.problems
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            problems.append(Problem(str(path), "", f"not a readable UTF-8 CSV table: {err}"))
            continue
        if col not in df.columns:
            problems.append(Problem(str(path), f"column '{col}'", "missing column"))
            continue
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        if len(values) != HOURS_PER_YEAR or not np.isfinite(values).all() or (values < 0).any():
            problems.append(
                Problem(
                    str(path),
                    f"column '{col}'",
                    f"expected {HOURS_PER_YEAR} finite, non-negative hourly values",
                )
            )
            continue
        if name == "offshore_wind_cf" and (values > 1.0).any():
            row = int(np.argmax(values > 1.0))
            problems.append(
                Problem(
                    str(path),
                    f"row {row + 2}, column '{col}'",
                    f"value {values[row]:g}: a capacity factor is a share of rated power, 0-1",
                )
            )
            continue
        if name == "industry_profile" and not values.sum() > 0:
            problems.append(
                Problem(
                    str(path),
                    f"column '{col}'",
                    "every hour is zero: a demand profile needs some positive hours",
                )
            )
            continue
        series[name] = values
    if problems:
        raise InputError(problems)
    profile = series["industry_profile"] / series["industry_profile"].mean()
    ds.coords["hour"] = np.arange(HOURS_PER_YEAR)
    ds["offshore_wind_cf"] = ("hour", np.clip(series["offshore_wind_cf"], 0.0, 1.0))
    ds["electricity_profile"] = ("hour", profile)
