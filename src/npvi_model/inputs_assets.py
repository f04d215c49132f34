"""Stage 2, assets: technology costs per model year and one `asset` per technology and location,
with its capacity in service per model year (from the capacity schedules and project lists) and
its expansion rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.data_io import _shown as _shown_path
from npvi_model.errors import InputError, Problem
from npvi_model.inputs_years import _interp_years, _schedule
from npvi_model.sets import CLUSTER_IDS
from npvi_model.tables import CAPACITY_UNIT, LINK_TECHNOLOGIES, TECHNOLOGIES
from npvi_model.tables import PER_CLUSTER_TECHNOLOGIES as PER_CLUSTER

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
    # national build pace per technology: [[from_year, max new capacity per calendar year], ...]
    national = tables["national_build_limits"].sort_values(["technology", "from_year"])
    ds.attrs["national_build_limits"] = json.dumps(
        {
            str(tech): [[int(r.from_year), float(r.max_new_per_year)] for r in rows.itertuples()]
            for tech, rows in national.groupby("technology", sort=True)
        }
    )
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
