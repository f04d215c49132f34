"""Stage 3: time reduction — hourly profiles -> time slices with weights.

Representative resolution: tsam clusters the 365 days of the weather year (offshore wind capacity
factor and the industrial electricity profile) into `typical_days` representative days. Each
slice is one hour of one representative day; its weight is the number of days that day stands
for, so the weights sum to 8760 h. The day sequence (which representative day each calendar
day is) is kept so that storage can carry energy across days (see model/hydrogen.py).

Full resolution (`--hours full`): one period of 8760 hourly slices, each of weight 1 h.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.sets import HOURS_PER_YEAR

HOURS_PER_DAY = 24
DAYS_PER_YEAR = HOURS_PER_YEAR // HOURS_PER_DAY


def reduce_time(inputs: xr.Dataset, resolution: str, typical_days: int) -> xr.Dataset:
    """Return `inputs` with hourly series replaced by slices (`slice` dim) and period data.

    Adds: `slice_weight_h(slice)`, `slice_period(slice)`, `slice_hour(slice)`,
    `offshore_wind_cf(slice)`, `electricity_profile(slice)`, `day_period(day)`; every other
    hourly variable (the power-system supply steps) becomes its mean over the days each
    representative day stands for.
    """
    cf = inputs["offshore_wind_cf"].values
    profile = inputs["electricity_profile"].values
    if resolution == "full":
        n = HOURS_PER_YEAR
        weight = np.ones(n)
        period = np.zeros(n, dtype=int)
        hour = np.arange(n)
        day_period = np.zeros(1, dtype=int)
        cf_s, profile_s = cf, profile
    else:
        cf_s, profile_s, weight, period, hour, day_period = _typical_days(cf, profile, typical_days)
        n = len(weight)
    other_hourly = {
        name: _day_means(da, day_period) if resolution != "full" else da
        for name, da in inputs.data_vars.items()
        if "hour" in da.dims and name not in ("offshore_wind_cf", "electricity_profile")
    }
    out = inputs.drop_vars(["offshore_wind_cf", "electricity_profile", "hour", *other_hourly])
    out = out.assign_coords(slice=np.arange(n), day=np.arange(len(day_period)))
    out["slice_weight_h"] = ("slice", weight.astype(float))
    out["slice_period"] = ("slice", period.astype(int))
    out["slice_hour"] = ("slice", hour.astype(int))
    out["offshore_wind_cf"] = ("slice", np.asarray(cf_s, dtype=float))
    out["electricity_profile"] = ("slice", np.asarray(profile_s, dtype=float))
    out["day_period"] = ("day", day_period.astype(int))
    for name, da in other_hourly.items():
        out[name] = (tuple("slice" if dim == "hour" else dim for dim in da.dims), da.values)
    out.attrs["time_resolution"] = resolution
    out.attrs["hours_per_period"] = HOURS_PER_YEAR if resolution == "full" else HOURS_PER_DAY
    return out


def _day_means(da: xr.DataArray, day_period: np.ndarray) -> xr.DataArray:
    """An hourly series (other than the clustering features) on the representative days: for
    each representative day and hour, the mean over the calendar days it stands for, so the
    annual sum (weights x values) is kept exactly."""
    values = np.moveaxis(da.values, da.dims.index("hour"), -1)
    days = values.reshape(*values.shape[:-1], DAYS_PER_YEAR, HOURS_PER_DAY)
    periods = sorted(set(int(p) for p in day_period))
    means = [days[..., day_period == p, :].mean(axis=-2) for p in periods]
    reduced = np.concatenate(means, axis=-1)
    dims = [dim for dim in da.dims if dim != "hour"] + ["hour"]
    return xr.DataArray(reduced, dims=dims).transpose(*da.dims)


def _typical_days(cf: np.ndarray, profile: np.ndarray, n_days: int):
    import tsam

    index = pd.date_range("2023-01-01", periods=HOURS_PER_YEAR, freq="h")
    frame = pd.DataFrame({"offshore_wind_cf": cf, "electricity_profile": profile}, index=index)
    n_days = min(n_days, DAYS_PER_YEAR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tsam.aggregate(
            frame, n_days, period_duration=HOURS_PER_DAY, preserve_column_means=True
        )
    reps = result.cluster_representatives
    counts = result.cluster_counts
    order = sorted(counts)
    cf_s, profile_s, weight, period, hour = [], [], [], [], []
    for p_i, p in enumerate(order):
        block = reps.loc[p]
        cf_s.extend(np.clip(block["offshore_wind_cf"].to_numpy(), 0.0, 1.0))
        profile_s.extend(block["electricity_profile"].to_numpy())
        weight.extend([float(counts[p])] * HOURS_PER_DAY)
        period.extend([p_i] * HOURS_PER_DAY)
        hour.extend(range(HOURS_PER_DAY))
    position = {p: i for i, p in enumerate(order)}
    day_period = np.array([position[p] for p in np.asarray(result.cluster_assignments)])
    return (
        np.array(cf_s),
        np.array(profile_s),
        np.array(weight),
        np.array(period),
        np.array(hour),
        day_period,
    )
