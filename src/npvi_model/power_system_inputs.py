"""Stage 2b: the power system behind the grid connections -> supply steps of grid electricity.

What the rest of the Dutch power system can deliver to industry, per model year and hour, as
supply steps with a price and a CO2 factor (read by `model/power_system.py`):

    residual load[y, h] = non-industry demand[y] x 1000 / 8760 x load profile[h]
                          - onshore wind[y] x cf_onshore[h] - solar PV[y] x cf_solar[h]
                          - non-industry offshore wind[y] x cf_offshore[h]                   [GW]

    non-industry offshore wind[y] = national roadmap[y] x (1 - industry share of offshore wind)

    step `renewable_surplus`: volume = max(0, -residual load)                                [GW]
        price = surplus energy price + network tariff;                      CO2 0 t/MWh
    step `dispatchable`:      volume = max(0, dispatchable capacity - max(0, residual load)) [GW]
        price = gas price / efficiency + CO2 price x CO2 factor + network tariff   [EUR/MWh]
        CO2 factor = the marginal plant's t CO2 per MWh of electricity (scope 2)

So industry gets what wind and solar produce above the rest of the country's load, at a low
price, and, in every hour, whatever firm capacity the rest of the country does not need, at
the gas-fired price. Interconnector imports are not counted (a conservative assumption).
The load profile is the ENTSO-E national load of 2016 (29 February dropped to get 8760 h),
used as the shape of non-industry demand; the capacity factors are those of the scenario's
weather year. Every number comes from `data/power_system.csv` (sourced or flagged A) and
`prices.csv`; all are overridable with `data_overrides`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.errors import InputError, Problem
from npvi_model.sets import HOURS_PER_YEAR

GRID_STEPS = ("renewable_surplus", "dispatchable")
LEAP_DAY_HOURS = slice(1416, 1440)  # 29 February 2016 in the 8784-h load series
POWER_SYSTEM_SERIES = {
    "national_load_pu": ("timeseries/nl_electricity_load_2016_hourly.csv", "load_pu"),
    "onshore_wind_cf": ("timeseries/nl_wind_onshore_cf_hourly.csv", "wy{weather_year}"),
    "solar_pv_cf": ("timeseries/nl_solar_pv_cf_hourly.csv", "wy{weather_year}"),
}


def _interp(table: pd.DataFrame, item: str, years: list[int]) -> np.ndarray:
    rows = table[table["item"] == item].set_index("year")["value"].sort_index()
    return np.interp(years, rows.index.astype(float), rows.to_numpy(dtype=float))


def _read_series(data_dir: Path, weather_year: int) -> dict[str, np.ndarray]:
    problems, out = [], {}
    for name, (file, column) in POWER_SYSTEM_SERIES.items():
        path = data_dir / file
        col = column.format(weather_year=weather_year)
        try:
            df = pd.read_csv(path, encoding="utf-8-sig")
        except (FileNotFoundError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            problems.append(Problem(str(path), "", f"not a readable CSV table: {err}"))
            continue
        if col not in df.columns:
            problems.append(Problem(str(path), f"column '{col}'", "missing column"))
            continue
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        if name == "national_load_pu" and len(values) == HOURS_PER_YEAR + 24:
            values = np.delete(values, np.arange(LEAP_DAY_HOURS.start, LEAP_DAY_HOURS.stop))
        if len(values) != HOURS_PER_YEAR or not np.isfinite(values).all() or (values < 0).any():
            problems.append(
                Problem(
                    str(path),
                    f"column '{col}'",
                    f"expected {HOURS_PER_YEAR} finite, non-negative hourly values",
                )
            )
            continue
        out[name] = values
    if problems:
        raise InputError(problems)
    out["national_load_pu"] = out["national_load_pu"] / out["national_load_pu"].mean()
    return out


def grid_steps(
    non_industry_twh: np.ndarray,
    onshore_gw: np.ndarray,
    solar_gw: np.ndarray,
    offshore_gw: np.ndarray,
    dispatchable_gw: np.ndarray,
    load_pu: np.ndarray,
    cf_onshore: np.ndarray,
    cf_solar: np.ndarray,
    cf_offshore: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Residual load [year, hour] and step volumes [step, year, hour], all in GW."""
    col = np.asarray
    residual = (
        col(non_industry_twh)[:, None] * 1000.0 / HOURS_PER_YEAR * load_pu[None, :]
        - col(onshore_gw)[:, None] * cf_onshore[None, :]
        - col(solar_gw)[:, None] * cf_solar[None, :]
        - col(offshore_gw)[:, None] * cf_offshore[None, :]
    )
    surplus = np.maximum(0.0, -residual)
    headroom = np.maximum(0.0, col(dispatchable_gw)[:, None] - np.maximum(0.0, residual))
    return residual, np.stack([surplus, headroom])


def add_power_system(
    ds: xr.Dataset, tables: dict[str, pd.DataFrame], scenario, data_dir: Path
) -> None:
    """Add `grid_step_volume_gw(grid_step, year, hour)`, `grid_step_price_eur_per_mwh`,
    `grid_step_emission_factor_t_per_mwh` (grid_step, year) and `residual_load_gw(year, hour)`.

    Needs `offshore_wind_cf(hour)`, `wind_roadmap_gw(year)` and the gas and CO2 prices in `ds`.
    """
    years = [int(y) for y in ds.year.values]
    table = tables["power_system"]
    item = {name: _interp(table, name, years) for name in table["item"].unique()}
    series = _read_series(data_dir, scenario.time.weather_year)
    share = scenario.parameters.industry_share_of_offshore_wind
    offshore_rest = ds["wind_roadmap_gw"].values * (1.0 - share)
    residual, volume = grid_steps(
        item["non_industry_demand_twh"],
        item["onshore_wind_gw"],
        item["solar_pv_gw"],
        offshore_rest,
        item["dispatchable_capacity_gw"],
        series["national_load_pu"],
        series["onshore_wind_cf"],
        series["solar_pv_cf"],
        ds["offshore_wind_cf"].values,
    )
    tariff = item["network_tariff_eur_per_mwh"]
    ef = item["dispatchable_emission_factor_t_per_mwh"]
    gas_fired = (
        ds["price_natural_gas"].values / item["dispatchable_efficiency"]
        + ds["price_co2_emission"].values * ef
    )
    price = np.stack([item["surplus_energy_price_eur_per_mwh"] + tariff, gas_fired + tariff])
    ds.coords["grid_step"] = list(GRID_STEPS)
    ds["grid_step_volume_gw"] = (("grid_step", "year", "hour"), volume)
    ds["grid_step_price_eur_per_mwh"] = (("grid_step", "year"), price)
    ds["grid_step_emission_factor_t_per_mwh"] = (
        ("grid_step", "year"),
        np.stack([np.zeros(len(years)), ef]),
    )
    ds["residual_load_gw"] = (("year", "hour"), residual)
    ds.attrs["electrolysis_low_carbon_power_only"] = int(
        scenario.parameters.electrolysis_low_carbon_power_only
    )
