"""Stage 7: write a run's folder whole or not at all, and read it back.

`<out>/<scenario>/` holds `results.nc` (NetCDF4, metadata in attributes; one unit per variable
and CF-style attributes on disk, see `cf_layout`), `csv/<variable>.csv`
(tidy tables, one per variable; `dispatch_gw` only in the NetCDF) and `summary.json`. Everything
is written into a hidden temporary folder beside the target, which is renamed into place at the
end; an older folder of the same name is moved aside first and removed after. A run killed at
any moment leaves the previous complete folder, or none, and at worst a hidden temporary folder
that the next run of the same scenario removes.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import xarray as xr

from npvi_model.cf_layout import from_file, to_file
from npvi_model.outputs import OUTPUT_VARIABLES

CSV_SKIP = ("dispatch_gw",)


def _clean_stale(out_dir: Path, name: str) -> None:
    for stale in out_dir.glob(f".{name}.tmp-*"):
        pid = stale.name.rsplit("-", 2)[-2] if stale.name.count("-") >= 2 else ""
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out_dir.glob(f".{name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def write_results(out_dir: Path, ds: xr.Dataset, summary: dict) -> Path:
    """Write the run folder atomically; return its path."""
    name = summary["scenario"]
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale(out_dir, name)
    target = out_dir / name
    tmp = out_dir / f".{name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        to_file(ds).to_netcdf(tmp / "results.nc", engine="netcdf4")
        csv_dir = tmp / "csv"
        csv_dir.mkdir()
        for var in OUTPUT_VARIABLES:
            if var.name in CSV_SKIP or var.name not in ds:
                continue
            frame = ds[var.name].to_dataframe(name=f"{var.name}").reset_index()
            frame = frame.dropna(subset=[var.name])
            frame.to_csv(csv_dir / f"{var.name}.csv", index=False, float_format="%.6g")
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default))
        _fsync_tree(tmp)
        if target.exists():
            old = out_dir / f".{name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def load_results(folder: Path) -> xr.Dataset:
    """Load a run's results.nc fully into memory (the file is closed again)."""
    with xr.open_dataset(Path(folder) / "results.nc", engine="netcdf4") as ds:
        return from_file(ds.load())


def load_summary(folder: Path) -> dict:
    return json.loads((Path(folder) / "summary.json").read_text())
