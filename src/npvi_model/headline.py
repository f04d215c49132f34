"""The short table `npvi run` prints after solving: one row per scenario with the figures the
programme letter asks about first.

- unmet demand (what falls back to fossil) per carrier in 2030, 2040 and 2050;
- national industry emissions in 2030 against the 2030 target (35.3 Mt, upper end of the
  letter's 34.4-35.3 Mt);
- electrolysis capacity in 2030 and 2032 against the targets (4 and 8 GW).

A year that is not a model year is interpolated linearly between the model years around it, and
marked with `~`; a year outside the model years is shown as `-`.
"""

from __future__ import annotations

import numpy as np
from rich.table import Table

UNMET_YEARS = (2030, 2040, 2050)
TARGETS = {"emissions_2030_mt": 35.3, "electrolysis_2030_gw": 4.0, "electrolysis_2032_gw": 8.0}


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


def _fmt(value: float, interpolated: bool, digits: int = 1) -> str:
    if np.isnan(value):
        return "-"
    return f"{'~' if interpolated else ''}{value:.{digits}f}"


def headline_table(summaries: list[dict]) -> Table:
    table = Table(title="Headline per development path (~ = interpolated between model years)")
    table.add_column("scenario")
    for year in UNMET_YEARS:
        table.add_column(f"unmet {year}\nelec | H2 TWh | CO2 Mt", justify="right")
    table.add_column(f"emissions 2030 Mt\n(target {TARGETS['emissions_2030_mt']})", justify="right")
    table.add_column("electrolysis GW\n2030 (4) | 2032 (8)", justify="right")
    for s in summaries:
        cells = [s["scenario"]]
        for year in UNMET_YEARS:
            parts = [value_at(s, "unmet", year, c) for c in ("electricity", "hydrogen", "co2")]
            cells.append(" | ".join(_fmt(v, i) for v, i in parts))
        emissions, interp = value_at(s, "emissions_mt", 2030)
        mark = (
            ""
            if np.isnan(emissions)
            else (" met" if emissions <= TARGETS["emissions_2030_mt"] + 1e-6 else " MISSED")
        )
        cells.append(_fmt(emissions, interp) + mark)
        ely = [value_at(s, "electrolysis_gw", y) for y in (2030, 2032)]
        cells.append(" | ".join(_fmt(v, i, 2) for v, i in ely))
        table.add_row(*cells)
    return table
