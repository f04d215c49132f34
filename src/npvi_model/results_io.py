"""Stage 7: write a run's folder whole or not at all, and read it back.

`<out>/<scenario>/` holds `results.nc` (NetCDF4, metadata in attributes; one unit per variable
and CF-style attributes on disk, see `cf_layout`), `csv/<variable>.csv`
(tidy tables, one per variable; `dispatch_gw` only in the NetCDF) and `summary.json`. Everything
is written into a hidden staging folder beside the target, which is renamed into place at the
end (`output_dirs.npvi_output_dir`); an older npvi-made folder of the same name is moved aside
first and removed after, and anything else is refused. A run killed at any moment leaves the
previous complete folder, or none, and at worst a hidden staging folder that the next run of the
same scenario removes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from npvi_model.cf_layout import from_file, stored_variables, to_file
from npvi_model.errors import Problem
from npvi_model.output_dirs import absolute_path, ensure_runs_dir, npvi_output_dir
from npvi_model.outputs import OUTPUT_VARIABLES

CSV_SKIP = ("dispatch_gw",)
#: the marker kind of one scenario's result folder
SCENARIO_KIND = "scenario"


def write_results(
    out_dir: Path,
    ds: xr.Dataset,
    summary: dict,
    force: bool = False,
    finish_summary: Callable[[dict], None] | None = None,
) -> Path:
    """Write the run folder `<out_dir>/<scenario>` whole or not at all; return its path.

    `out_dir` is created with npvi's marker, or must be one npvi made (`output_dirs`); an
    existing `<out_dir>/<scenario>` is replaced only if npvi made it (see
    `output_dirs.npvi_output_dir`; `force` allows replacing npvi output of another kind).
    `finish_summary(summary)` is called just before summary.json is written (for timings)."""
    name = summary["scenario"]
    ensure_runs_dir(out_dir)
    with npvi_output_dir(Path(out_dir) / name, SCENARIO_KIND, force, fsync=False) as tmp:
        to_file(ds).to_netcdf(tmp / "results.nc", engine="netcdf4")
        csv_dir = tmp / "csv"
        csv_dir.mkdir()
        for var in OUTPUT_VARIABLES:
            if var.name in CSV_SKIP or var.name not in ds:
                continue
            frame = ds[var.name].to_dataframe(name=f"{var.name}").reset_index()
            frame = frame.dropna(subset=[var.name])
            frame.to_csv(csv_dir / f"{var.name}.csv", index=False, float_format="%.6g")
        if finish_summary is not None:
            finish_summary(summary)
        (tmp / "summary.json").write_text(
            json.dumps(summary, indent=2, default=_json_default, allow_nan=False)
        )
        _fsync_tree(tmp)
    return absolute_path(Path(out_dir)) / name


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


#: what a results.nc must hold to be read by compare and report
REQUIRED_ATTRS = ("scenario", "solver_status")
REQUIRED_VARIABLES = ("capacity", "unmet", "emissions")


def check_results_file(folder: Path) -> list[Problem]:
    """Problems that stop `folder/results.nc` being read as an npvi result: missing, empty,
    truncated or not NetCDF, or a NetCDF file npvi did not write. [] when it is fine."""
    folder = Path(folder)
    path = folder / "results.nc"
    if not path.is_file():
        return [Problem(str(folder), "", "not a result folder (no results.nc)")]
    if path.stat().st_size == 0:
        return [Problem(str(path), "", "the file is empty; rerun the scenario")]
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            missing = [f"attribute {a!r}" for a in REQUIRED_ATTRS if a not in ds.attrs]
            present = stored_variables(ds)
            missing += [f"variable {v!r}" for v in REQUIRED_VARIABLES if v not in present]
    except Exception as err:  # noqa: BLE001 - netCDF4 raises OSError, ValueError, KeyError, ...
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        return [
            Problem(
                str(path), "", f"cannot be read as NetCDF (truncated or another format): {reason}"
            )
        ]
    if missing:
        return [Problem(str(path), "", f"not an npvi result: no {', '.join(missing)}")]
    return []


def load_results(folder: Path) -> xr.Dataset:
    """Load a run's results.nc fully into memory (the file is closed again)."""
    with xr.open_dataset(Path(folder) / "results.nc", engine="netcdf4") as ds:
        return from_file(ds.load())


def load_summary(folder: Path) -> dict:
    return json.loads((Path(folder) / "summary.json").read_text())
