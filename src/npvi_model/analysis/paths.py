"""Comparing development paths: headline per path, paths side by side, the no-regret set, the
vollooprisico (stranded-capacity risk), which path fits what can be delivered in time, all tables
together, and writing them as CSV files.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import permutations
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.access import access_timeline, first_access_table
from npvi_model.analysis.bottlenecks import (
    bottleneck_ranking,
    carrier_prices,
    first_connection_values,
)
from npvi_model.analysis.built import no_regret_built
from npvi_model.analysis.emissions import emissions_vs_targets
from npvi_model.analysis.gaps import gap_tables
from npvi_model.analysis.io import (
    Lookup,
    _unique_names,
    _year_values,
    capacity_units,
    cluster_name,
    find_result_dirs,
    load_results,
    model_years,
)
from npvi_model.analysis.targets import capacity_by_cluster, capacity_vs_targets, national_capacity
from npvi_model.sets import HOURS_PER_YEAR

#: CSV values are written to this many significant digits (no float noise like 3.5399999999999996)
CSV_SIGNIFICANT_DIGITS = 6
CSV_FLOAT_FORMAT = f"%.{CSV_SIGNIFICANT_DIGITS}g"
ANNUAL_UNIT = {"electricity": "twh", "hydrogen": "twh", "co2": "mt"}
#: years in which "deliverable in time" is judged (inclusive)
DELIVERY_WINDOW = (2030, 2035)


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
    cap = _aligned_capacity(datasets, names).transpose("path", "technology", "cluster", "year")
    techs = [str(t) for t in cap["technology"].values]
    clusters = [str(c) for c in cap["cluster"].values]
    cap_years = [int(y) for y in cap["year"].values]
    paths = [str(p) for p in cap["path"].values]
    values = cap.values  # (path, technology, cluster, year), read by position below
    minimum = values.min(axis=0)
    maximum = values.max(axis=0)
    nr_rows = []
    for i, j, k in np.argwhere(minimum > tol):  # technology, cluster, year in coordinate order
        v = float(minimum[i, j, k])
        at_min = [p for n, p in enumerate(paths) if float(values[n, i, j, k]) <= v + tol]
        nr_rows.append(
            {
                "technology": techs[i],
                "unit": units.get(techs[i], ""),
                "cluster": clusters[j],
                "cluster_name": cluster_name(clusters[j]),
                "year": cap_years[k],
                "no_regret_capacity": v,
                "max_capacity": float(maximum[i, j, k]),
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
    uses: dict[tuple[str, str], Lookup | None] = {}  # (path, technology): its annual use

    def use_of(path: str, technology: str) -> Lookup | None:
        if (path, technology) not in uses:
            use = _energy_use_twh(by_name[path], technology)
            uses[path, technology] = None if use is None else Lookup(use)
        return uses[path, technology]

    vr_rows = []
    for a, b in permutations(names, 2):
        ca, cb = values[paths.index(a)], values[paths.index(b)]
        stranded = np.clip(ca - cb, 0, None)
        for i, j, k in np.argwhere(stranded > tol):  # technology, cluster, year in order
            t, c, y = techs[i], clusters[j], cap_years[k]
            s = float(stranded[i, j, k])
            cap_a = float(ca[i, j, k])
            use = use_of(b, t)
            util = np.nan
            if use is not None and use.has("cluster", c) and use.has("year", y) and cap_a > 0:
                used = use(cluster=c, year=y)
                per_year = cap_a if t == "co2_sink" else cap_a * HOURS_PER_YEAR / 1000
                util = used / per_year
            vr_rows.append(
                {
                    "built_for": a,
                    "materialises": b,
                    "technology": t,
                    "unit": units.get(t, ""),
                    "cluster": c,
                    "cluster_name": cluster_name(c),
                    "year": y,
                    "capacity_built_for": cap_a,
                    "capacity_materialises": float(cb[i, j, k]),
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


def comparison_tables(datasets: Sequence[xr.Dataset]) -> dict[str, pd.DataFrame]:
    """Every table of this module for a set of runs: the per-run tables (access_timeline,
    first_access, capacity_vs_targets, capacity_by_cluster, bottlenecks, first_connections,
    carrier_prices, emissions_vs_targets), each with a leading `scenario` column and all runs
    stacked, plus the `compare_paths` tables and the gap tables (`gaps_national`,
    `gaps_by_cluster`, `delivery_fit`)."""
    names = _unique_names(datasets)
    timelines = {id(ds): access_timeline(ds) for ds in datasets}  # once per run
    per_run = {
        "access_timeline": lambda ds: timelines[id(ds)].copy(),
        "first_access": lambda ds: first_access_table(timelines[id(ds)]),
        "capacity_vs_targets": capacity_vs_targets,
        "capacity_by_cluster": capacity_by_cluster,
        "bottlenecks": bottleneck_ranking,
        "first_connections": first_connection_values,
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
    tables["no_regret_new"] = no_regret_built(datasets, names)
    tables.update(gap_tables(datasets, names))  # delivery gap and cost gap (analysis/gaps.py)
    return tables


def write_comparison(
    result_dirs: Sequence[str | Path],
    out_dir: str | Path,
    force: bool = False,
    tables: dict[str, pd.DataFrame] | None = None,
) -> dict[str, Path]:
    """Load every result folder (see `find_result_dirs`), compute `comparison_tables` and write
    each as `<out_dir>/<name>.csv` (floats to CSV_SIGNIFICANT_DIGITS significant digits), plus
    the headline tables as `results.xlsx` (`npvi_model.excel`), atomically (all files appear
    together or none). `out_dir` is replaced only if npvi made it (`output_dirs.npvi_output_dir`,
    kind "comparison"; `force` allows npvi output of another kind). `tables`: the
    `comparison_tables` of these folders when the caller computed them already (`npvi compare`
    prints them too), so they are not computed twice. Returns {table name: path of its CSV in
    out_dir}."""
    from npvi_model.excel import write_workbook
    from npvi_model.output_dirs import check_output_dir, npvi_output_dir

    check_output_dir(out_dir, "comparison", force, result_dirs)  # before the work
    dirs = find_result_dirs(result_dirs)
    if tables is None:
        tables = comparison_tables([load_results(d) for d in dirs])
    out_dir = Path(out_dir).resolve()
    with npvi_output_dir(out_dir, "comparison", force, inputs=[*result_dirs, *dirs]) as tmp:
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, float_format=CSV_FLOAT_FORMAT)
        write_workbook(tables, tmp / "results.xlsx")
    return {name: out_dir / f"{name}.csv" for name in tables}
