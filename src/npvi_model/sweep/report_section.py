"""A sweep as a report section: fan charts over the years and a sensitivity ranking.

`sweep_report_section(sweep_dir)` returns a dict with keys `key`, `title`, `text`, `figures`
[(caption, matplotlib Figure)] and `tables` [(caption, DataFrame)], the form the HTML report
renders as an extra section.

Fan charts: for each headline output and year, the 5, 25, 50, 75 and 95 % quantiles over the
solved samples (shaded bands, median as a line).

Sensitivity: standardised rank regression coefficients (SRRC). Inputs and the answer are
replaced by their ranks, each rank vector is standardised (mean 0, standard deviation 1), and
the answer is regressed on all inputs at once by least squares; coefficient k says by how many
standard deviations the answer's rank moves per standard deviation of input k's rank, the
others held fixed (sign: direction). R^2 says how much of the answer's rank variance the
inputs explain together. The tornado chart shows the coefficients for the system cost.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.sweep.results import load_sweep_results

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _year(ds: xr.Dataset, wanted: int = 2030) -> int:
    years = [int(y) for y in ds.year.values]
    return wanted if wanted in years else years[len(years) // 2]


def _electrolysis(ds: xr.Dataset) -> xr.DataArray:
    techs = [t for t in ("electrolyser", "offshore_electrolysis") if t in ds.technology.values]
    return ds["capacity"].sel(technology=techs).sum("technology")


def fan_series(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """Headline outputs per sample and year: name (with unit) -> DataArray[sample, year]."""
    return {
        "unmet hydrogen (TWh)": ds["unmet"].sel(carrier="hydrogen"),
        "unmet electricity (TWh)": ds["unmet"].sel(carrier="electricity"),
        "emissions (Mt CO2)": ds["emissions"],
        "electrolysis (GW)": _electrolysis(ds),
    }


def answers(ds: xr.Dataset) -> pd.DataFrame:
    """Scalar answers per sample (columns), for the sensitivity ranking."""
    y = _year(ds)
    last = int(ds.year.values[-1])
    extra = {}
    if "cost_gap" in ds:
        gap = ds["cost_gap"].sel(carrier="hydrogen", year=y).values
        if np.isfinite(gap).all():
            extra[f"cost gap hydrogen {y} (EUR/MWh)"] = gap
    return pd.DataFrame(
        {
            **extra,
            "system cost (bn EUR)": ds["objective_eur"].values / 1e9,
            f"unmet hydrogen {y} (TWh)": ds["unmet"].sel(carrier="hydrogen", year=y).values,
            "unmet hydrogen, all years (TWh)": ds["unmet"].sel(carrier="hydrogen").sum("year"),
            f"emissions {y} (Mt)": ds["emissions"].sel(year=y).values,
            f"emissions {last} (Mt)": ds["emissions"].sel(year=last).values,
            f"electrolysis {y} (GW)": _electrolysis(ds).sel(year=y).values,
        },
        index=pd.Index(ds.sample.values, name="sample"),
    )


def _standard_ranks(values: np.ndarray) -> np.ndarray:
    ranks = pd.Series(values).rank().to_numpy(dtype=float)
    sd = ranks.std()
    return (ranks - ranks.mean()) / sd if sd > 0 else np.zeros_like(ranks)


def rank_regression(inputs: pd.DataFrame, answer: np.ndarray) -> tuple[pd.Series, float]:
    """Standardised rank regression coefficients of `answer` on the columns of `inputs`, and
    R^2. An answer that does not vary gives coefficients 0 and R^2 NaN."""
    X = np.column_stack([_standard_ranks(inputs[c].to_numpy()) for c in inputs.columns])
    y = _standard_ranks(np.asarray(answer, dtype=float))
    if not y.any():
        return pd.Series(0.0, index=inputs.columns), float("nan")
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    fitted = X @ coef
    r2 = 1.0 - float(((y - fitted) ** 2).sum() / (y**2).sum())
    return pd.Series(coef, index=inputs.columns), r2


def sensitivity_table(ds: xr.Dataset) -> pd.DataFrame:
    """SRRC per input (rows) and answer (columns), plus an R^2 row; solved samples only."""
    done = ds.sel(sample=ds["status"] == "done")
    inputs = pd.DataFrame(
        {v.removeprefix("input_"): done[v].values for v in done.data_vars if v.startswith("input_")}
    )
    table = {}
    for name, values in answers(done).items():
        coef, r2 = rank_regression(inputs, np.asarray(values))
        table[name] = pd.concat([coef, pd.Series({"R^2": r2})])
    return pd.DataFrame(table).round(3)


def _fan_figure(ds: xr.Dataset):
    from matplotlib.figure import Figure

    series = fan_series(ds.sel(sample=ds["status"] == "done"))
    fig = Figure(figsize=(10, 6.5), layout="constrained")
    axes = fig.subplots(2, 2)
    years = [int(y) for y in ds.year.values]
    for ax, (name, data) in zip(axes.flat, series.items(), strict=True):
        q = data.quantile(QUANTILES, dim="sample").transpose("quantile", "year").values
        ax.fill_between(years, q[0], q[4], alpha=0.2, color="C0", label="5-95 %")
        ax.fill_between(years, q[1], q[3], alpha=0.4, color="C0", label="25-75 %")
        ax.plot(years, q[2], color="C0", label="median")
        ax.set_title(name)
        ax.set_xticks(years)
    axes.flat[0].legend(loc="best", fontsize="small")
    return fig


def _tornado_figure(table: pd.DataFrame, answer: str):
    from matplotlib.figure import Figure

    coef = table[answer].drop("R^2").sort_values(key=np.abs)
    fig = Figure(figsize=(7, 0.6 * len(coef) + 1.5), layout="constrained")
    ax = fig.subplots()
    ax.barh(coef.index, coef.values, color=["C3" if v > 0 else "C2" for v in coef.values])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("standardised rank regression coefficient")
    ax.set_title(f"{answer}: R^2 = {table.loc['R^2', answer]:.2f}")
    return fig


def sweep_report_section(sweep_dir: str | Path) -> dict:
    """The report section of one sweep folder (`npvi sweep --out DIR`)."""
    ds = load_sweep_results(Path(sweep_dir))
    n_done = int((ds["status"] == "done").sum())
    n_all = int(ds.sizes["sample"])
    title = f"Uncertainty sweep '{ds.attrs['sweep']}' on {ds.attrs['base_scenario']}"
    if n_done < 3:
        text = f"{n_done} of {n_all} samples solved: too few for fan charts and a ranking."
        return {"key": f"sweep-{ds.attrs['sweep']}", "title": title, "text": text,
                "figures": [], "tables": []}  # fmt: skip
    table = sensitivity_table(ds)
    cost = "system cost (bn EUR)"
    ranked = table[cost].drop("R^2").abs().sort_values(ascending=False)
    moves = []
    for answer in table.columns:
        coef = table[answer].drop("R^2")
        top = coef.abs().idxmax()
        if coef.abs().max() > 0:
            moves.append(f"{answer}: {top} ({coef[top]:+.2f})")

    varied = ", ".join(json.loads(ds.attrs.get("factors", "[]")))
    text = (
        f"{n_done} of {n_all} samples solved ({n_all - n_done} failed or missing). Inputs "
        f"varied: {varied}. "
        f"The input that moves the system cost most is {ranked.index[0]}. Strongest input per "
        f"answer (standardised rank regression coefficient): {'; '.join(moves)}."
    )
    inputs = pd.DataFrame(
        {
            v.removeprefix("input_"): [
                ds[v].attrs.get("mode", ""),
                ds[v].attrs.get("units", ""),
                float(ds[v].min()),
                float(ds[v].max()),
                ds[v].attrs.get("flag", ""),
                ds[v].attrs.get("source", "") or ds[v].attrs.get("note", ""),
            ]
            for v in ds.data_vars
            if v.startswith("input_")
        },
        index=["mode", "unit", "min", "max", "flag", "source or note"],
    ).T
    return {
        "key": f"sweep-{ds.attrs['sweep']}",
        "title": title,
        "text": text,
        "figures": [
            ("Fan charts: 5-95 % and 25-75 % ranges and median over the samples", _fan_figure(ds)),
            (f"Tornado: what moves the {cost} most", _tornado_figure(table, cost)),
        ],
        "tables": [
            ("Sensitivity ranking: standardised rank regression coefficients", table),
            ("Varied inputs, their ranges and sources", inputs),
        ],
    }
