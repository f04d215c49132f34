"""The short table `npvi run` prints after solving: the figures the programme letter asks about
first, one column per development path, one row per figure, so that three paths fit 80 columns.

- demand falling back to fossil supply per carrier in 2030, 2040 and 2050 (TWh; CO2 not
  captured in Mt);
- national industry emissions in 2030 against the target: the scenario's own cap for 2030 when
  it has one (`parameters.emission_caps_mt`), else the published policy target;
- electrolysis capacity in 2030 and 2032 against the published targets.

Targets come from the run, never from this code: the scenario's caps from the resolved scenario
in summary.json, the published targets from `data/policy_targets.csv` as the run recorded them
(attribute `policy_targets_published` of results.nc, see `run_targets`). A year that is not a
model year is interpolated linearly between the model years around it and marked `~`; a year
outside the model years, or a target the data do not give, is shown as `-`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from rich.table import Table

from npvi_model.analysis.present import wrap_name

UNMET_YEARS = (2030, 2040, 2050)
EMISSIONS_YEAR = 2030
ELECTROLYSIS_YEARS = (2030, 2032)
#: paths per table at 80 columns (more are printed as further tables, or in one with --wide)
PATHS_PER_TABLE = 3
CARRIER_LABEL = {
    "electricity": "fossil elec. {y} TWh",
    "hydrogen": "fossil H2 {y} TWh",
    "co2": "CO2 not captured {y} Mt",
}
#: a path name longer than this is broken after its underscores in the column header
NAME_WIDTH = 13


def column_header(name: str) -> str:
    """The path name broken into lines at underscores (whole words, never mid-word)."""
    return wrap_name(name, NAME_WIDTH)


def value_at(summary: dict, key: str, year: int, carrier: str | None = None) -> tuple[float, bool]:
    """A per-year summary figure at `year`: (value, interpolated?); NaN outside the years."""
    years = sorted(int(y) for y in summary["years"])

    def get(y: int) -> float:
        entry = summary["years"][str(y)][key]
        return float(entry[carrier] if carrier else entry)

    if year in years:
        return get(year), False
    if year < years[0] or year > years[-1]:
        return float("nan"), False
    return float(np.interp(year, years, [get(y) for y in years])), True


def run_targets(folder: str | Path) -> dict[str, dict[int, float]]:
    """The published targets a run recorded (results.nc attribute `policy_targets_published`):
    {target: {year: value}}; empty when the run has none."""
    import xarray as xr

    path = Path(folder) / "results.nc"
    if not path.is_file():
        return {}
    with xr.open_dataset(path, engine="netcdf4") as ds:
        raw = ds.attrs.get("policy_targets_published")
    if not raw:
        return {}
    return {t: {int(y): float(v) for y, v in by.items()} for t, by in json.loads(raw).items()}


def emissions_target(summary: dict, published: dict) -> tuple[float, str]:
    """(target in Mt, "cap" or "policy") for EMISSIONS_YEAR; (NaN, "") when there is none."""
    params = summary.get("resolved_scenario", {}).get("parameters", {})
    caps = {int(y): float(v) for y, v in (params.get("emission_caps_mt") or {}).items()}
    if EMISSIONS_YEAR in caps:
        return caps[EMISSIONS_YEAR], "cap"
    policy = published.get("industry_emissions_mt", {})
    if EMISSIONS_YEAR in policy:
        return float(policy[EMISSIONS_YEAR]), "policy"
    return float("nan"), ""


def _fmt(value: float, interpolated: bool = False, digits: int = 1) -> str:
    if not np.isfinite(value):
        return "-"
    text = f"{value:,.{digits}f}"
    if abs(value) < 0.5 * 10.0**-digits:
        text = f"{0.0:.{digits}f}"
    return f"{'~' if interpolated else ''}{text}"


def headline_rows(summary: dict, published: dict) -> list[tuple[str, str]]:
    """(label, cell) per headline figure of one run."""
    rows: list[tuple[str, str]] = []
    for year in UNMET_YEARS:
        for carrier, label in CARRIER_LABEL.items():
            if carrier in summary["years"][next(iter(summary["years"]))]["unmet"]:
                value, interp = value_at(summary, "unmet", year, carrier)
                rows.append((label.format(y=year), _fmt(value, interp)))
    emissions, interp = value_at(summary, "emissions_mt", EMISSIONS_YEAR)
    target, source = emissions_target(summary, published)
    mark = ""
    if np.isfinite(emissions) and np.isfinite(target):
        mark = " met" if emissions <= target + 1e-6 else " MISSED"
    rows.append((f"emissions {EMISSIONS_YEAR} Mt", _fmt(emissions, interp) + mark))
    rows.append((f"  target {EMISSIONS_YEAR} Mt", _fmt(target) + (f" {source}" if source else "")))
    for year in ELECTROLYSIS_YEARS:
        value, interp = value_at(summary, "electrolysis_gw", year)
        goal = published.get("electrolysis_gw", {}).get(year, float("nan"))
        rows.append((f"electrolysis {year} GW", _fmt(value, interp, 2)))
        rows.append((f"  target {year} GW", _fmt(goal, digits=2)))
    return rows


def headline_tables(
    summaries: list[dict], targets: list[dict] | None = None, wide: bool = False
) -> list[Table]:
    """The headline as rich Tables, one column per run (at most PATHS_PER_TABLE per table unless
    `wide`). `targets[i]` are the published targets of run i (`run_targets`)."""
    targets = targets if targets is not None else [{} for _ in summaries]
    per_table = len(summaries) if wide else PATHS_PER_TABLE
    tables = []
    for start in range(0, len(summaries), max(1, per_table)):
        chunk = list(range(start, min(start + per_table, len(summaries))))
        table = Table(
            title="Headline per development path (~ = interpolated between model years)",
            title_justify="left",
            caption="target: cap = the scenario's emission cap, policy = published target",
            caption_justify="left",
        )
        table.add_column("", no_wrap=True)
        for i in chunk:
            table.add_column(column_header(summaries[i]["scenario"]), justify="right")
        columns = [dict(headline_rows(summaries[i], targets[i])) for i in chunk]
        for label in columns[0]:
            table.add_row(label, *(col.get(label, "-") for col in columns))
        tables.append(table)
    return tables


def headline_table(summaries: list[dict], targets: list[dict] | None = None) -> Table:
    """All runs in one table (see `headline_tables`)."""
    return headline_tables(summaries, targets, wide=True)[0]
