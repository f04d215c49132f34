"""What a worker does for one sample: variant -> inputs -> model -> (re-)solve -> headline
outputs -> one small NetCDF file, written atomically.

A worker process keeps its VariantMaker (base scenario and data tables, read once) and one
ReSolver (persistent HiGHS instances) per sweep, so the second and later samples of a structure
on a worker warm-start from the basis of the nearest sample solved before (`ordering.py`).
A sample's file is staged under a hidden name and renamed
into place: a file `sample_00007.nc` is always complete, and `--resume` trusts exactly those.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import numpy as np
import xarray as xr

from npvi_model.sweep.ordering import unit_position
from npvi_model.sweep.resolve_lp import ReSolver
from npvi_model.sweep.sampling import VariantMaker
from npvi_model.sweep.spec import load_sweep

#: per worker process: sweep file + data dir -> (VariantMaker, ReSolver)
_STATE: dict[tuple, tuple[VariantMaker, ReSolver]] = {}

CAPACITY_TECHNOLOGIES = (
    "offshore_wind",
    "electrolyser",
    "offshore_electrolysis",
    "grid_connection",
    "h2_import_terminal",
    "h2_storage",
    "co2_sink",
)


def sample_path(out_dir: Path, sample: int) -> Path:
    return Path(out_dir) / "samples" / f"sample_{sample:05d}.nc"


def failure_path(out_dir: Path, sample: int) -> Path:
    return Path(out_dir) / "samples" / f"sample_{sample:05d}.failed.json"


def _state(sweep_file: str, data_dir: str | None) -> tuple[VariantMaker, ReSolver]:
    key = (str(Path(sweep_file).resolve()), data_dir)
    if key not in _STATE:
        _STATE[key] = (
            VariantMaker(load_sweep(sweep_file), Path(data_dir) if data_dir else None),
            ReSolver(),
        )
    return _STATE[key]


def headline(ds: xr.Dataset, objective_eur: float) -> xr.Dataset:
    """The headline outputs of one run: unmet demand (on the fossil fallback) per carrier and
    year, and where the run has them the delivery gap [TWh | Mt] and the cost gap [EUR/MWh |
    EUR/t, the clusters' mean weighted by green energy delivered] per carrier and year;
    capacity per technology and year; emissions and target gap per year; cost."""
    techs = [t for t in CAPACITY_TECHNOLOGIES if t in ds.technology.values]
    out = xr.Dataset(
        {
            "unmet": ds["unmet"].sum("cluster"),
            "capacity": ds["capacity"].sel(technology=techs).sum("cluster"),
            "emissions": ds["emissions"],
            "emission_gap": ds["emission_gap"],
            "objective_eur": xr.DataArray(objective_eur),
        }
    )
    if "delivery_gap" in ds and "cost_gap" in ds:  # the two gaps (extract_gaps.py)
        out["delivery_gap"] = ds["delivery_gap"].sum("cluster", min_count=1)
        weight = ds["green_delivered"].where(
            np.isfinite(ds["cost_gap"]) & (ds["green_delivered"] > 0)
        )
        out["cost_gap"] = (ds["cost_gap"] * weight).sum("cluster", min_count=1) / weight.sum(
            "cluster", min_count=1
        )
        out["delivery_gap"].attrs["units"] = "TWh (electricity, hydrogen), Mt (co2); NaN: cost-only"
        out["cost_gap"].attrs["units"] = "EUR/MWh | EUR/t, weighted by green energy delivered"
    out["unmet"].attrs["units"] = "TWh (electricity, hydrogen), Mt (co2)"
    out["capacity"].attrs["units"] = "GW (h2_storage GWh, co2_sink Mt/yr)"
    out["emissions"].attrs["units"] = "Mt CO2"
    out["emission_gap"].attrs["units"] = "Mt CO2 above the cap"
    out["objective_eur"].attrs["units"] = "EUR, discounted total system cost"
    return out.drop_vars([c for c in out.coords if c not in out.dims])


def solve_sample(
    sweep_file: str,
    sample: int,
    values: dict[str, float],
    out_dir: str,
    hours: str | None,
    data_dir: str | None = None,
) -> dict:
    """Solve one sample and write its file; return timing and how it was solved. The
    project's errors come back as RuntimeError with their one-line message (they travel to
    the client as plain exceptions)."""
    from npvi_model.errors import InputError, SolveError

    try:
        return _solve_sample(sweep_file, sample, values, out_dir, hours, data_dir)
    except SolveError as err:
        raise RuntimeError(f"solver {err.status}: {err}") from None
    except InputError as err:
        raise RuntimeError(f"bad input: {err}") from None


def _solve_sample(sweep_file, sample, values, out_dir, hours, data_dir) -> dict:
    from npvi_model.extract import extract
    from npvi_model.model import build_model
    from npvi_model.model.tie_breaks import discounted_tie_break_meur
    from npvi_model.pipeline import prepare

    t0 = time.perf_counter()
    maker, resolver = _state(sweep_file, data_dir)
    resolved = maker.variant(sample, values)
    inputs = prepare(resolved, maker.data_dir, hours)
    t1 = time.perf_counter()
    model = build_model(inputs)
    t2 = time.perf_counter()
    spec = maker.sweep.spec
    position = unit_position(spec, values, list(spec.factors))  # to start from the nearest
    result = resolver.solve(model, resolved.scenario.solver, position=position)
    t3 = time.perf_counter()
    ds = extract(model, inputs, result.duals)
    # objective_eur is the system cost, without the tie-break cost (model/tie_breaks.py)
    out = headline(ds, (result.objective_meur - discounted_tie_break_meur(model)) * 1e6)
    timing = {
        "inputs_s": t1 - t0,
        "build_s": t2 - t1,
        "compile_s": result.compile_seconds,
        "solve_s": result.solve_seconds,
        "extract_s": time.perf_counter() - t3,
    }
    timing["total_s"] = time.perf_counter() - t0
    info = {
        "sample": sample,
        "warm_start": result.warm,
        "changed_numbers": result.changed_numbers,
        "simplex_iterations": result.iterations,
        "start_distance": result.start_distance,
        "worker_pid": os.getpid(),
        **timing,
    }
    out.attrs.update(
        sample=sample,
        values=json.dumps(values),
        input_sha256=inputs.attrs["input_sha256"],
        resolved_scenario=resolved.scenario.model_dump_json(),
        solve_info=json.dumps(info),
    )
    _write_atomic(out, sample_path(Path(out_dir), sample))
    return info


def _write_atomic(ds: xr.Dataset, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.parent / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        ds.to_netcdf(staged, engine="netcdf4")
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
        staged.replace(target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def write_failure(out_dir: Path, sample: int, values: dict, reason: str) -> None:
    target = failure_path(out_dir, sample)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.parent / f".{target.name}.{os.getpid()}.tmp"
    staged.write_text(json.dumps({"sample": sample, "values": values, "reason": reason}))
    staged.replace(target)


def read_sample(out_dir: Path, sample: int) -> xr.Dataset:
    with xr.open_dataset(sample_path(out_dir, sample), engine="netcdf4") as ds:
        return ds.load()


def as_float(values: dict) -> dict[str, float]:
    return {
        k: float(v) if not isinstance(v, int | np.integer) else int(v) for k, v in values.items()
    }
