"""The robust plan's folder `<out>/robust/`, written whole or not at all.

- `results.nc`: the stage-1 plan (`decision` = asset x build year), each path's own plan and
  the difference, costs per path (own optimum, under the robust plan, regret, under the
  mean-value plan), each path's capacity, unmet demand and cost components under the robust
  plan (`*_under_plan`, as in a run's results.nc); EVPI, VSS and
  the run's settings in the attributes. Money in MEUR (discounted, the objective's unit).
- `csv/`: `stage1_plan.csv`, `path_costs.csv`, `plan_differences.csv`,
  `capacity_under_plan.csv`;
- `summary.json`: the headline figures and the plan in plain words.

Staged in a hidden folder beside the target and published whole by `output_dirs` (marked
npvi folder; a folder npvi did not make is never replaced).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.robust.evaluate import RobustOutcome

FOLDER = "robust"
#: decisions smaller than this [GW | GWh | Mt/yr] count as zero in tables and differences
TOLERANCE = 1e-6


def plan_table(out: RobustOutcome) -> pd.DataFrame:
    """One row per stage-1 decision: robust value, each path's own value, the mean-value plan."""
    rows = []
    for k in out.keys:
        a, v = k
        info = out.asset_info.get(a, {})
        row = {
            "asset": a,
            "technology": info.get("technology", ""),
            "location": info.get("location", ""),
            "build_year": v,
            "unit": info.get("unit", ""),
            "robust": out.plan[k],
        }
        for s in out.names:
            row[f"own_{s}"] = out.own_plans[s][k]
        if out.mean_value_plan is not None:
            row["mean_value"] = out.mean_value_plan[k]
        rows.append(row)
    return pd.DataFrame(rows)


def cost_table(out: RobustOutcome) -> pd.DataFrame:
    """Per path: weight, own optimum, cost under the robust plan, regret, cost under the
    mean-value plan [MEUR]."""
    return pd.DataFrame(
        {
            "path": out.names,
            "weight": [out.weights[s] for s in out.names],
            "own_optimum_meur": [out.own_cost_meur[s] for s in out.names],
            "cost_under_robust_plan_meur": [out.robust_cost_meur[s] for s in out.names],
            "regret_meur": [out.regret_meur[s] for s in out.names],
            "cost_under_mean_value_plan_meur": [
                (out.eev_cost_meur or {}).get(s, math.nan) for s in out.names
            ],
        }
    )


def difference_table(out: RobustOutcome) -> pd.DataFrame:
    """The stage-1 decisions where the robust plan differs from a path's own plan."""
    rows = []
    for s in out.names:
        for a, v in out.keys:
            robust, own = out.plan[(a, v)], out.own_plans[s][(a, v)]
            if abs(robust - own) > TOLERANCE:
                rows.append(
                    {
                        "path": s,
                        "asset": a,
                        "technology": out.asset_info.get(a, {}).get("technology", ""),
                        "build_year": v,
                        "robust": robust,
                        "own_plan": own,
                        "difference": robust - own,
                        "unit": out.asset_info.get(a, {}).get("unit", ""),
                    }
                )
    cols = ["path", "asset", "technology", "build_year", "robust", "own_plan", "difference", "unit"]
    return pd.DataFrame(rows, columns=cols)


def to_dataset(out: RobustOutcome) -> xr.Dataset:
    plan = plan_table(out)
    costs = cost_table(out).set_index("path")
    ds = xr.Dataset(
        coords={
            "path": out.names,
            "decision": np.arange(len(plan)),
            "decision_asset": ("decision", plan["asset"].to_numpy(str)),
            "decision_technology": ("decision", plan["technology"].to_numpy(str)),
            "decision_location": ("decision", plan["location"].to_numpy(str)),
            "decision_build_year": ("decision", plan["build_year"].to_numpy(int)),
            "decision_unit": ("decision", plan["unit"].to_numpy(str)),
        }
    )
    unit = "GW | GWh | Mt/yr (decision_unit)"
    ds["robust_new_capacity"] = ("decision", plan["robust"].to_numpy(float), {"units": unit})
    own = np.array([plan[f"own_{s}"].to_numpy(float) for s in out.names])
    ds["own_new_capacity"] = (("path", "decision"), own, {"units": unit})
    ds["plan_difference"] = (
        ("path", "decision"),
        plan["robust"].to_numpy(float)[None, :] - own,
        {"units": unit, "description": "robust plan minus the path's own plan"},
    )
    if "mean_value" in plan:
        ds["mean_value_new_capacity"] = ("decision", plan["mean_value"].to_numpy(float))
    for col in costs.columns:
        ds[col] = ("path", costs[col].to_numpy(float), {"units": "MEUR" if "meur" in col else "1"})
    if out.under_plan:
        for var in ("capacity", "unmet", "cost"):
            if all(var in out.under_plan[s] for s in out.names):
                stacked = xr.concat([out.under_plan[s][var] for s in out.names], dim="path")
                ds[f"{var}_under_plan"] = stacked.assign_coords(path=out.names)
    ds.attrs.update(
        objective=out.objective,
        decide_until=int(out.decide_until),
        evpi_meur=float(out.evpi_meur),
        vss_meur=float("nan") if out.vss_meur is None else float(out.vss_meur),
        vss_note=out.vss_note,
        extensive_form_objective_meur=float(out.extensive_form.objective_meur),
        timing_s=json.dumps(out.timing_s),
    )
    return ds


def summary(out: RobustOutcome) -> dict:
    plan = plan_table(out)
    built = plan[plan["robust"] > TOLERANCE]
    worst = max(out.names, key=lambda s: out.regret_meur[s])
    ef = out.extensive_form
    return {
        "objective": out.objective,
        "decide_until": int(out.decide_until),
        "paths": out.names,
        "weights": out.weights,
        "units": {
            "money": "MEUR, discounted: the model's objective, i.e. system cost plus the "
            "valuations it carries (e.g. the delivery-first shortfall value); results.nc "
            "cost_under_plan splits it per component (EUR/yr, undiscounted)",
            "capacity": "GW, GWh or Mt/yr: see each decision's unit",
        },
        "own_optimum_meur": out.own_cost_meur,
        "cost_under_robust_plan_meur": out.robust_cost_meur,
        "regret_meur": out.regret_meur,
        "max_regret_meur": out.regret_meur[worst],
        "max_regret_path": worst,
        "evpi_meur": out.evpi_meur,
        "vss_meur": None
        if out.vss_meur is None or not math.isfinite(out.vss_meur)
        else out.vss_meur,
        "vss_note": out.vss_note,
        "cost_under_mean_value_plan_meur": out.eev_cost_meur,
        "differences_from_own_plans": _differences_by_path(out),
        "stage1_plan": built[["asset", "technology", "location", "build_year", "unit", "robust"]]
        .rename(columns={"robust": "new_capacity"})
        .to_dict(orient="records"),
        "extensive_form": {
            "method": ef.method,
            "progressive_hedging": ef.ph,
            "objective_meur": ef.objective_meur,
            "n_variables": ef.n_variables,
            "n_constraints": ef.n_constraints,
            "build_s": round(ef.build_seconds, 3),
            "solve_s": round(ef.solve_seconds, 3),
        },
        "timing_s": out.timing_s,
        "peak_memory_mb": round(out.peak_memory_mb, 1),
    }


def _differences_by_path(out: RobustOutcome) -> dict:
    """Per path: how many stage-1 decisions differ from its own plan, and the robust plan minus
    its own plan summed per technology (in the technology's unit)."""
    table = difference_table(out)
    result = {}
    for s in out.names:
        rows = table[table["path"] == s]
        by_tech = rows.groupby(["technology", "unit"])["difference"].sum()
        result[s] = {
            "n_decisions_differing": int(len(rows)),
            "robust_minus_own_by_technology": {
                f"{tech} [{unit}]": float(v) for (tech, unit), v in by_tech.items()
            },
        }
    return result


def check_robust_out(out_dir: Path, force: bool = False) -> None:
    """Before any solve: refuse an `--out` that may not hold `robust/` (InputError, exit 2)."""
    from npvi_model.output_dirs import check_output_dir, check_run_parent

    check_run_parent(out_dir)
    check_output_dir(Path(out_dir) / FOLDER, FOLDER, force)


def write_robust(out_dir: Path, out: RobustOutcome, force: bool = False) -> Path:
    """Write `<out_dir>/robust/` whole or not at all (a marked npvi output folder, replaced
    only if npvi made it; see `output_dirs`); return its path."""
    from npvi_model.output_dirs import ensure_runs_dir, npvi_output_dir

    ensure_runs_dir(out_dir)
    target = Path(out_dir) / FOLDER
    ds = to_dataset(out)
    with npvi_output_dir(target, FOLDER, force=force) as staging:
        ds.to_netcdf(staging / "results.nc", engine="netcdf4")
        csv = staging / "csv"
        csv.mkdir()
        plan_table(out).to_csv(csv / "stage1_plan.csv", index=False, float_format="%.6g")
        cost_table(out).to_csv(csv / "path_costs.csv", index=False, float_format="%.6g")
        difference_table(out).to_csv(csv / "plan_differences.csv", index=False, float_format="%.6g")
        if "capacity_under_plan" in ds:
            frame = ds["capacity_under_plan"].to_dataframe().reset_index()
            frame = frame.dropna(subset=["capacity_under_plan"])
            frame.to_csv(csv / "capacity_under_plan.csv", index=False, float_format="%.6g")
        (staging / "summary.json").write_text(json.dumps(summary(out), indent=2, default=float))
    return target
