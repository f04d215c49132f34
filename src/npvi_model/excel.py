"""`results.xlsx`: the headline comparison tables as one Excel workbook (xlsxwriter).

One sheet per table, in the order a reader asks: key figures side by side, which path fits in
time, first year of green access, capacity against targets, emissions against the target,
no-regret new capacity, vollooprisico. Headers are readable words with their unit; numbers keep
full precision in the cell and are shown with a number format (3 decimals, or whole numbers for
years and euros); the header row is frozen and every sheet has an autofilter.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

#: sheet name -> (table key, {column: header}); columns not listed are left out
SHEETS: dict[str, tuple[str, dict[str, str]]] = {
    "Paths side by side": ("side_by_side", {}),
    "Fit in time": (
        "fit_in_time",
        {
            "rank": "rank",
            "scenario": "path",
            "years": "model years",
            "demand_energy_twh": "demand electricity + hydrogen (TWh)",
            "unmet_energy_twh": "falls back to fossil (TWh)",
            "unmet_energy_share": "share falling back (-)",
            "emission_gap_mt": "emission gap (Mt)",
            "target_shortfall_gw": "target shortfall (GW)",
        },
    ),
    "Green access": (
        "first_access",
        {
            "scenario": "path",
            "cluster": "cluster",
            "cluster_name": "cluster name",
            "carrier": "carrier",
            "first_access": "first year of access",
            "green_share_last_year": "green share in the last year (-)",
        },
    ),
    "Capacity vs targets": (
        "capacity_vs_targets",
        {
            "scenario": "path",
            "target_label": "target",
            "year": "year",
            "capacity_gw": "built (GW)",
            "target_gw": "target (GW)",
            "shortfall_gw": "short by (GW)",
            "basis": "basis",
            "why": "why short",
        },
    ),
    "Emissions": (
        "emissions_vs_targets",
        {
            "scenario": "path",
            "year": "year",
            "emissions_mt": "emissions (Mt CO2)",
            "target_mt": "target (Mt CO2)",
            "target_source": "target from",
            "gap_mt": "above target (Mt CO2)",
            "main_cause": "main cause",
        },
    ),
    "No-regret new capacity": (
        "no_regret_new",
        {"technology": "technology", "unit": "unit", "year": "year", "capacity": "capacity"},
    ),
    "Vollooprisico": (
        "vollooprisico",
        {
            "built_for": "built for path",
            "materialises": "if instead",
            "technology": "technology",
            "unit": "unit",
            "cluster": "cluster",
            "year": "year",
            "stranded_capacity": "not needed (unit)",
            "utilisation_if_materialises": "utilisation if instead (-)",
        },
    ),
}


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write the sheets of SHEETS that `tables` holds into `path` (.xlsx); returns the path."""
    path = Path(path)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        number = book.add_format({"num_format": "#,##0.000"})
        whole = book.add_format({"num_format": "0"})
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for sheet, (key, columns) in SHEETS.items():
            if key not in tables:
                continue
            df = tables[key]
            if columns:
                df = df[[c for c in columns if c in df.columns]].rename(columns=columns)
            if key == "vollooprisico":
                df = df.sort_values(["unit", "not needed (unit)"], ascending=[True, False])
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for j, col in enumerate(df.columns):
                ws.write(0, j, str(col), header)
                values = df[col]
                is_year = str(col) in ("year", "rank") or str(col).startswith("first year")
                fmt = whole if is_year else number
                if not pd.api.types.is_numeric_dtype(values):
                    fmt = None
                longest = max((len(str(v)) for v in values.tolist()), default=0)
                width = max(10, min(45, int(longest) + 2))
                ws.set_column(j, j, width, fmt)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(1, len(df)), max(0, len(df.columns) - 1))
    return path
