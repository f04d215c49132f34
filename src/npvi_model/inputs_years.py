"""Model years: the weight of each model year, its discount weight, and year-indexed data
(paths, schedules) brought to the model years."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _interp_years(points: pd.Series, years: list[int]) -> np.ndarray:
    """Linear interpolation of a year-indexed series to `years`, flat outside the range."""
    points = points.sort_index()
    return np.interp(years, points.index.astype(float), points.to_numpy(dtype=float))


def _schedule(rows: pd.DataFrame, years: list[int], value_col: str) -> np.ndarray:
    """Capacity in force in each year from a schedule (value from `from_year` on)."""
    rows = rows.sort_values("from_year")
    out = np.zeros(len(years))
    for j, year in enumerate(years):
        active = rows[rows["from_year"] <= year]
        out[j] = active[value_col].iloc[-1] if len(active) else 0.0
    return out


def year_weights(years: list[int]) -> np.ndarray:
    """Years each model year stands for: the gap to the next model year; the last repeats the
    previous gap (1 for a single year)."""
    gaps = np.diff(years).astype(float)
    last = gaps[-1] if len(gaps) else 1.0
    return np.append(gaps, last)


def discount_weights(
    years: list[int], weights: np.ndarray, rate: float, base_year: int
) -> np.ndarray:
    """Sum of discount factors over the calendar years a model year stands for:
    sum_{k=0}^{w-1} 1/(1+r)^(y+k-base)."""
    return np.array(
        [
            sum(1.0 / (1.0 + rate) ** (y + k - base_year) for k in range(int(w)))
            for y, w in zip(years, weights, strict=True)
        ]
    )
