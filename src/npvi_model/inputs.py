"""Stage 2: data tables + resolved scenario -> model inputs (xarray.Dataset).

Applies the scenario's data overrides, interpolates every path to the model years, turns the
capacity schedules and project lists into capacity in service per model year, and gathers all
capacities into one `asset` dimension (technology x location) for the investment family.
Hourly profiles stay at full resolution here; the time-reduction stage picks the slices.

`build_inputs` is the entry point. Demand, prices and emissions are prepared in
`inputs_demand.py`, the assets and their capacity in `inputs_assets.py`, the model-year weights
and interpolation in `inputs_years.py`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.data_io import check_data_file, load_tables
from npvi_model.errors import InputError, Problem
from npvi_model.inputs_assets import SCHEDULES, _add_assets, _tech_costs  # noqa: F401
from npvi_model.inputs_demand import _add_demand, _add_emissions, _add_prices
from npvi_model.inputs_years import (  # noqa: F401
    _interp_years,
    _schedule,
    discount_weights,
    year_weights,
)
from npvi_model.path_rules import add_path_rules
from npvi_model.power_system_inputs import add_power_system
from npvi_model.scenario import ResolvedScenario
from npvi_model.sets import CLUSTER_IDS, HOURS_PER_YEAR, SECTORS
from npvi_model.tables import TABLES

TIMESERIES = {
    "offshore_wind_cf": ("timeseries/nl_wind_offshore_cf_hourly.csv", "wy{weather_year}"),
    "industry_profile": ("timeseries/nl_industry_electricity_profiles_hourly.csv", None),
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
        input_sha256=hashlib.sha256(
            (data_hash + ds.attrs.pop("_timeseries_sha256") + scenario_json).encode()
        ).hexdigest(),
        resolved_scenario=scenario_json,
        scenario_files=json.dumps(resolved.files),
        provenance=json.dumps(resolved.provenance),
        data_overrides_applied=json.dumps(changes),
        green_access_threshold=params.green_access_threshold,
    )
    return ds


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
    digest = hashlib.sha256()  # the hourly values used, for input_sha256
    for name in sorted(series):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(series[name], dtype="<f8").tobytes())
    ds.attrs["_timeseries_sha256"] = digest.hexdigest()
    profile = series["industry_profile"] / series["industry_profile"].mean()
    ds.coords["hour"] = np.arange(HOURS_PER_YEAR)
    ds["offshore_wind_cf"] = ("hour", np.clip(series["offshore_wind_cf"], 0.0, 1.0))
    ds["electricity_profile"] = ("hour", profile)
