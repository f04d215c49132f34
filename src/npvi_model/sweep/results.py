"""Gather a sweep's sample files into one dataset with a `sample` dimension.

`sweep.nc` holds, per sample: the varied inputs (`input_<factor>`, in the factor's own unit:
a value set, or a multiplier for `mode: scale`), the status (`done`, `failed`, `missing`), the
failure reason, the headline outputs (`unmet[sample, carrier, year]`, and where the model gives
them `delivery_gap` and `cost_gap[sample, carrier, year]`, capacities
`capacity[sample, technology, year]`, `emissions` and `emission_gap[sample, year]`,
`objective_eur[sample]`) and how it was solved (warm start, seconds per stage). Attributes carry
the sweep definition, every factor's source and flag, the base scenario and versions.
`sweep.csv` is the same as a tidy table (one row per sample x output x index).
Both are staged under hidden names and renamed into place: written whole or not at all.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.sweep import worker
from npvi_model.sweep.spec import LoadedSweep

OUTPUTS = (
    "unmet",
    "delivery_gap",
    "cost_gap",
    "capacity",
    "emissions",
    "emission_gap",
    "objective_eur",
)
TIMINGS = ("inputs_s", "build_s", "compile_s", "solve_s", "extract_s", "total_s")


def assemble(out_dir: Path, sweep: LoadedSweep, samples: dict[int, dict], hours) -> xr.Dataset:
    """The sweep dataset from the sample files present (missing or failed samples: NaN)."""
    from npvi_model.pipeline import versions

    ids = sorted(samples)
    pieces, status, reasons, solve_info = [], [], [], []
    template = None
    for s in ids:
        if worker.sample_path(out_dir, s).is_file():
            ds = worker.read_sample(out_dir, s)
            info = json.loads(ds.attrs.get("solve_info", "{}"))
            template = template if template is not None else ds
            pieces.append(ds[[v for v in OUTPUTS if v in ds]])
            status.append("done")
            reasons.append("")
            solve_info.append(info)
        else:
            fail = worker.failure_path(out_dir, s)
            pieces.append(None)
            status.append("failed" if fail.is_file() else "missing")
            reasons.append(json.loads(fail.read_text())["reason"] if fail.is_file() else "")
            solve_info.append({})
    if template is not None:
        blank = xr.full_like(template[[v for v in OUTPUTS if v in template]], np.nan, dtype=float)
        pieces = [p if p is not None else blank for p in pieces]
        out = xr.concat(pieces, dim=pd.Index(ids, name="sample"))
    else:
        out = xr.Dataset(coords={"sample": ids})
    for name, factor in sweep.spec.factors.items():
        out[f"input_{name}"] = ("sample", [float(samples[s][name]) for s in ids])
        unit = "multiplier of the base value" if factor.mode == "scale" else factor.unit
        out[f"input_{name}"].attrs.update(
            units=unit,
            target=factor.parameter or json.dumps(factor.data.model_dump()),
            mode=factor.mode,
            flag=factor.flag,
            source=factor.source,
            note=factor.note,
        )
    out["status"] = ("sample", np.array(status, dtype=object).astype(str))
    out["failure_reason"] = ("sample", np.array(reasons, dtype=object).astype(str))
    out["warm_start"] = ("sample", [float(i.get("warm_start", np.nan)) for i in solve_info])
    for t in TIMINGS:
        out[t] = ("sample", [float(i.get(t, np.nan)) for i in solve_info])
        out[t].attrs["units"] = "s"
    out.attrs.update(
        sweep=sweep.spec.name,
        description=sweep.spec.description,
        sweep_file=sweep.file,
        definition=json.dumps(sweep.spec.model_dump(mode="json")),
        definition_sha256=sweep.definition_sha256,
        base_scenario=str(sweep.base_path.name),
        hours=str(hours),
        factors=json.dumps(list(sweep.spec.factors)),
        versions=json.dumps(versions()),
        n_done=status.count("done"),
        n_failed=status.count("failed"),
    )
    return out


def tidy(ds: xr.Dataset) -> pd.DataFrame:
    """One row per sample x output x index: sample, inputs..., output, carrier/technology,
    year, value."""
    inputs = [v for v in ds.data_vars if v.startswith("input_")]
    frames = []
    base = ds[inputs + ["status"]].to_dataframe().reset_index()
    for name in OUTPUTS:
        if name not in ds:
            continue
        frame = ds[name].to_dataframe(name="value").reset_index()
        frame.insert(1, "output", name)
        frames.append(frame)
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["sample"])
    return base.merge(long, on="sample", how="left")


def write_sweep_results(out_dir: Path, sweep: LoadedSweep, samples: dict, hours) -> Path:
    ds = assemble(out_dir, sweep, samples, hours)
    tag = f"{os.getpid()}.tmp"
    staged_nc, staged_csv = out_dir / f".sweep.nc.{tag}", out_dir / f".sweep.csv.{tag}"
    try:
        ds.to_netcdf(staged_nc, engine="netcdf4")
        tidy(ds).to_csv(staged_csv, index=False, float_format="%.6g")
        staged_nc.replace(out_dir / "sweep.nc")
        staged_csv.replace(out_dir / "sweep.csv")
    finally:
        staged_nc.unlink(missing_ok=True)
        staged_csv.unlink(missing_ok=True)
    return out_dir / "sweep.nc"


def load_sweep_results(out_dir: Path) -> xr.Dataset:
    with xr.open_dataset(Path(out_dir) / "sweep.nc", engine="netcdf4") as ds:
        return ds.load()
