"""Reading and writing analysis data: loading a run's `results.nc`, finding result folders, the
names and units used by every table (scenario, cluster and year helpers), and the atomic output
folder that comparison tables are written into.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import numpy as np
import xarray as xr

from npvi_model.sets import CLUSTERS
from npvi_model.tables import CAPACITY_UNIT


def load_results(result_dir: str | Path) -> xr.Dataset:
    """Load `<result_dir>/results.nc` fully into memory and close the file; variables split by
    unit on disk are joined back (`npvi_model.cf_layout.from_file`)."""
    from npvi_model.cf_layout import from_file

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
    return from_file(ds)


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


class Lookup:
    """Scalar reads of one DataArray by label: `Lookup(da)(carrier="hydrogen", year=2030)`
    is `float(da.sel(carrier="hydrogen", year=2030))` without xarray's per-call indexing cost
    (the values are read once into numpy; every dimension must be given). `has(dim, label)`
    tells whether a label is on a dimension."""

    def __init__(self, da: xr.DataArray) -> None:
        self.dims = da.dims
        self.values = np.asarray(da.values)
        self.positions = {d: {v: i for i, v in enumerate(da[d].values.tolist())} for d in da.dims}

    def __call__(self, **at: object) -> float:
        return float(self.values[tuple(self.positions[d][at[d]] for d in self.dims)])

    def has(self, dim: str, label: object) -> bool:
        return label in self.positions[dim]


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


def _fmt_value(v: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"
