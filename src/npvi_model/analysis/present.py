"""Presentation on the terminal: the main comparison tables as rich tables."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from npvi_model.analysis.io import _fmt_value


def _rich_table(df: pd.DataFrame, title: str, max_rows: int = 30):  # noqa: ANN202
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for _, row in df.head(max_rows).iterrows():
        cells = []
        for col, v in row.items():
            if isinstance(v, float | np.floating):
                if not np.isfinite(v):
                    cells.append("-")
                elif "year" in str(col) and float(v).is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(_fmt_value(float(v)))
            else:
                cells.append(str(v))
        table.add_row(*cells)
    if len(df) > max_rows:
        table.caption = f"first {max_rows} of {len(df)} rows (all rows in the CSV files)"
    return table


#: per table: (title, columns shown; None = all)
_PRINTED: dict[str, tuple[str, list[str] | None]] = {
    "side_by_side": ("Paths side by side (TWh, Mt, GW, EUR)", None),
    "fit_in_time": (
        "Which path fits what can be delivered in time (rank 1 fits best)",
        [
            "scenario",
            "years",
            "unmet_energy_twh",
            "unmet_energy_share",
            "emission_gap_mt",
            "target_shortfall_gw",
            "rank",
        ],
    ),
    "gaps_national": (
        "Delivery gap (past niet tijdig, TWh | Mt) and cost gap (onrendabele top, EUR/MWh | "
        "EUR/t) per carrier",
        [
            "scenario",
            "year",
            "carrier",
            "delivery_gap",
            "delivery_gap_share",
            "cost_gap",
            "cost_unit",
        ],
    ),
    "first_access": (
        "First year of green access per cluster (share >= threshold)",
        ["scenario", "cluster_name", "carrier", "first_access", "green_share_last_year"],
    ),
    "capacity_vs_targets": (
        "Capacity against policy targets (GW)",
        ["scenario", "target", "year", "capacity_gw", "target_gw", "shortfall_gw", "basis", "why"],
    ),
    "bottlenecks": (
        "Binding limits, top 5 per unit (marginal value in EUR per unit per year)",
        ["scenario", "rank_in_unit", "label", "marginal_value_eur_per_unit_yr", "value_unit"],
    ),
    "emissions_vs_targets": (
        "Emissions against target (Mt CO2)",
        ["scenario", "year", "emissions_mt", "target_mt", "gap_mt", "main_cause"],
    ),
    "no_regret": (
        "No-regret capacity: built in every path",
        ["technology", "cluster_name", "year", "no_regret_capacity", "max_capacity", "unit"],
    ),
    "vollooprisico": (
        "Vollooprisico: capacity built for one path that another does not need (largest first)",
        [
            "built_for",
            "materialises",
            "technology",
            "cluster_name",
            "year",
            "stranded_capacity",
            "unit",
            "utilisation_if_materialises",
        ],
    ),
}


def print_comparison(tables: Mapping[str, pd.DataFrame], console=None) -> None:  # noqa: ANN001
    """Print the main comparison tables (as from `comparison_tables` or `compare_paths`) as rich
    tables on `console` (a rich Console; a new one when None). Long tables are cut to 30 rows."""
    from rich.console import Console

    console = console or Console()
    for key, (title, columns) in _PRINTED.items():
        if key not in tables:
            continue
        df = tables[key]
        if key == "bottlenecks" and "rank_in_unit" in df:
            df = df[df["rank_in_unit"] <= 5]
        if key == "vollooprisico" and not df.empty:
            df = df.sort_values("stranded_capacity", ascending=False, kind="stable")
        if columns is not None:
            df = df[[c for c in columns if c in df.columns]]
        if df.empty:
            console.print(f"[bold]{title}[/bold]: none")
            continue
        console.print(_rich_table(df, title))
