"""Presentation on the terminal: the main comparison tables, made to fit 80 columns.

Each table is a compact view of one CSV of `npvi compare` (the CSVs hold every row and column):
short column labels with their unit, cluster codes (a legend follows the tables), path names
broken after an underscore rather than mid-word, one column per path where paths are compared,
and long explanations ("why a target is missed") printed as wrapped lines under their table
rather than folded one word per line in a column. `wide=True` keeps the same tables without the
width limit (the caller prints them on a wide console).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from npvi_model.sets import CLUSTERS

WIDTH = 80
#: a path name longer than this is broken after its underscores
NAME_WIDTH = 13
SIDE_BY_SIDE_YEARS = (2030, 2035, 2040, 2050)
SIDE_BY_SIDE_METRICS = {
    "unmet_electricity_twh": "fossil elec. TWh",
    "unmet_hydrogen_twh": "fossil H2 TWh",
    "unmet_co2_mt": "CO2 not capt. Mt",
    "emissions_mt": "emissions Mt",
    "electrolysis_gw": "electrolysis GW",
    "offshore_wind_gw": "wind (ind.) GW",
}
NO_REGRET_TITLE = "No-regret: new capacity every path builds (existing assets left out)"
TARGET_SHORT = {"electrolysis_gw": "electrolysis", "offshore_wind_gw": "wind (ind.)"}
TECH_SHORT = {
    "offshore_wind": "offshore wind",
    "electrolyser": "electrolyser",
    "offshore_electrolysis": "ely. at sea",
    "grid_connection": "grid conn.",
    "h2_import_terminal": "H2 import",
    "h2_storage": "H2 storage",
    "co2_sink": "CO2 storage",
}


def wrap_name(name: str, width: int = NAME_WIDTH) -> str:
    """`name` broken into lines after underscores (whole parts, never mid-word)."""
    if len(name) <= width:
        return name
    lines, line = [], ""
    for part in name.replace("_", "_\n").split("\n"):
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    return "\n".join([*lines, line])


def number(value: object, digits: int = 3) -> str:
    """A number with at most `digits` significant figures, no exponent; '-' when missing."""
    if value is None or isinstance(value, str):
        return "-" if value is None else value
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        return "-"
    if abs(v) < 5e-4:
        return "0"
    magnitude = int(np.floor(np.log10(abs(v))))
    decimals = max(0, digits - 1 - magnitude)
    return f"{round(v, digits - 1 - magnitude):,.{decimals}f}"


def _table(title: str, columns: list[str], rows: list[list[str]], numeric: set[int]):  # noqa: ANN202
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify="right" if i in numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def side_by_side(tables: Mapping[str, pd.DataFrame]):  # noqa: ANN201
    head = tables["headline"]
    names = list(dict.fromkeys(head["scenario"]))
    rows = []
    cost = head.drop_duplicates("scenario").set_index("scenario")["objective_eur"]
    rows.append(["system cost bn EUR", *(number(cost[n] / 1e9) for n in names)])
    years = [y for y in SIDE_BY_SIDE_YEARS if y in set(head["year"])]
    for col, label in SIDE_BY_SIDE_METRICS.items():
        if col not in head:
            continue
        for y in years:
            sub = head[head["year"] == y].set_index("scenario")[col]
            rows.append([f"{label} {y}", *(number(sub.get(n)) for n in names)])
    return _table(
        "Paths side by side (all years in side_by_side.csv)",
        ["", *(wrap_name(n) for n in names)],
        rows,
        set(range(1, len(names) + 1)),
    )


def fit_in_time(tables: Mapping[str, pd.DataFrame]):  # noqa: ANN201
    fit = tables["fit_in_time"]
    rows = [
        [
            str(r.rank),
            wrap_name(r.scenario),
            number(r.unmet_energy_twh),
            f"{100 * r.unmet_energy_share:.0f} %",
            number(r.emission_gap_mt),
            number(r.target_shortfall_gw),
        ]
        for r in fit.itertuples()
    ]
    years = fit["years"].iloc[0] if len(fit) else ""
    return _table(
        f"Which path fits what can be delivered in time ({years})",
        ["rank", "path", "fossil TWh", "share", "CO2 gap Mt", "short GW"],
        rows,
        {0, 2, 3, 4, 5},
    )


def gaps(tables: Mapping[str, pd.DataFrame]) -> list:
    """Delivery gap (with its share of demand) and cost gap per carrier and year, one column
    per path (from `gaps_national`, see analysis/gaps.py)."""
    g = tables["gaps_national"]
    names = list(dict.fromkeys(g["scenario"]))
    years = [y for y in SIDE_BY_SIDE_YEARS if y in set(g["year"])]
    delivery, cost = [], []
    for carrier in dict.fromkeys(g["carrier"]):
        for y in years:
            sub = g[(g["carrier"] == carrier) & (g["year"] == y)].set_index("scenario")
            if sub.empty:
                continue
            unit, cost_unit = sub["quantity_unit"].iloc[0], sub["cost_unit"].iloc[0]
            cells = []
            for n in names:
                if n not in sub.index:
                    cells.append("-")
                    continue
                share = sub.at[n, "delivery_gap_share"]
                pct = f" ({100 * share:.0f} %)" if np.isfinite(share) and share > 5e-3 else ""
                cells.append(number(sub.at[n, "delivery_gap"]) + pct)
            delivery.append([f"{carrier} {y} {unit}", *cells])
            cost.append(
                [
                    f"{carrier} {y} {cost_unit}",
                    *(number(sub["cost_gap"].get(n)) for n in names),
                ]
            )
    heads = ["", *(wrap_name(n) for n in names)]
    numeric = set(range(1, len(names) + 1))
    return [
        _table(
            "Delivery gap (past niet tijdig): not delivered in time (share of demand)",
            heads,
            delivery,
            numeric,
        ),
        _table(
            "Cost gap (onrendabele top): green dearer than fossil (negative: cheaper)",
            heads,
            cost,
            numeric,
        ),
    ]


def first_access(tables: Mapping[str, pd.DataFrame]):  # noqa: ANN201
    fa = tables["first_access"]
    fa = fa[fa["carrier"].isin(["electricity", "hydrogen"])]
    names = list(dict.fromkeys(fa["scenario"]))
    clusters = list(dict.fromkeys(fa["cluster"]))
    rows = []
    for cl in clusters:
        cells = [cl]
        for n in names:
            sub = fa[(fa["scenario"] == n) & (fa["cluster"] == cl)].set_index("carrier")
            e = sub["first_access"].get("electricity", "-")
            h = sub["first_access"].get("hydrogen", "-")
            cells.append(f"{e} / {h}".replace("never", "-"))
        rows.append(cells)
    return _table(
        "First year of green access: electricity / hydrogen (- = not by the last year; "
        "shared supply allocated pro rata to demand)",
        ["cluster", *(wrap_name(n) for n in names)],
        rows,
        set(),
    )


def capacity_vs_targets(tables: Mapping[str, pd.DataFrame]):  # noqa: ANN201
    cvt = tables["capacity_vs_targets"]
    rows, notes = [], []
    for r in cvt.itertuples():
        mark = ""
        if isinstance(r.why, str) and r.why:
            if r.why not in notes:
                notes.append(r.why)
            mark = f" [{notes.index(r.why) + 1}]"
        rows.append(
            [
                wrap_name(r.scenario),
                TARGET_SHORT.get(r.target, r.target),
                str(r.year),
                number(r.capacity_gw),
                number(r.target_gw),
                number(r.shortfall_gw) + mark,
            ]
        )
    table = _table(
        "Capacity against the policy targets (GW)",
        ["path", "target", "year", "built", "target", "short by"],
        rows,
        {3, 4, 5},
    )
    return table, [f"[{i}] {why}" for i, why in enumerate(notes, start=1)]


def bottlenecks(tables: Mapping[str, pd.DataFrame], top: int = 3):  # noqa: ANN201
    b = tables["bottlenecks"]
    out = []
    for unit, sub in b.groupby("limit_unit", sort=False):
        sub = sub[sub.groupby("scenario").cumcount() < top]
        rows = [
            [
                wrap_name(r.scenario),
                str(r.rank_in_unit),
                _short_label(r.label.rsplit(", ", 1)[0])
                + (" (+)" if bool(getattr(r, "can_grow", False)) else ""),
                str(r.year),
                number(r.marginal_value_eur_per_unit_yr / 1e3),
            ]
            for r in sub.itertuples()
        ]
        out.append(
            _table(
                f"Top {top} binding limits in {unit} per path ((+) = may still be expanded)",
                ["path", "#", "limit", "year", f"k EUR per\n{unit} a year"],
                rows,
                {1, 4},
            )
        )
    return out


def _short_label(label: str) -> str:
    for code, name in CLUSTERS.items():
        label = label.replace(name, code)
    return label


def emissions(tables: Mapping[str, pd.DataFrame]):  # noqa: ANN201
    em = tables["emissions_vs_targets"]
    names = list(dict.fromkeys(em["scenario"]))
    years = sorted(set(em["year"]))
    first = em[em["scenario"] == names[0]].set_index("year")
    rows = []
    for y in years:
        cells = [str(y), number(first["target_mt"].get(y))]
        for n in names:
            row = em[(em["scenario"] == n) & (em["year"] == y)].iloc[0]
            gap = f" (+{number(row['gap_mt'])})" if row["gap_mt"] > 5e-4 else ""
            cells.append(number(row["emissions_mt"]) + gap)
        rows.append(cells)
    return _table(
        "Emissions against the target, Mt CO2 (+ = above the target)",
        ["year", "target", *(wrap_name(n) for n in names)],
        rows,
        set(range(1, len(names) + 2)),
    )


def no_regret(built: pd.DataFrame):  # noqa: ANN201
    years = sorted(set(built["year"]))
    rows = []
    for (tech, unit), sub in built.groupby(["technology", "unit"], sort=False):
        by_year = sub.set_index("year")["capacity"]
        rows.append(
            [f"{TECH_SHORT.get(tech, tech)} {unit}", *(number(by_year.get(y, 0.0)) for y in years)]
        )
    return _table(
        NO_REGRET_TITLE,
        ["technology", *(str(y) for y in years)],
        rows,
        set(range(1, len(years) + 1)),
    )


def vollooprisico(tables: Mapping[str, pd.DataFrame], n: int = 10):  # noqa: ANN201
    vr = tables["vollooprisico"]
    out = []
    for unit, sub in vr.groupby("unit", sort=False):
        sub = sub.sort_values("stranded_capacity", ascending=False, kind="stable").head(n)
        rows = [
            [
                wrap_name(r.built_for),
                wrap_name(r.materialises),
                TECH_SHORT.get(r.technology, r.technology),
                r.cluster,
                str(r.year),
                number(r.stranded_capacity),
            ]
            for r in sub.itertuples()
        ]
        out.append(
            _table(
                f"Vollooprisico in {unit}: built for one path, not needed if another happens",
                ["built for", "if instead", "technology", "cl.", "year", unit],
                rows,
                {5},
            )
        )
    return out


def print_comparison(tables: Mapping[str, pd.DataFrame], console=None) -> None:  # noqa: ANN001
    """Print the main comparison tables (from `comparison_tables`) on `console` (a rich Console;
    a new one when None), each made to fit 80 columns."""
    from rich.console import Console

    console = console or Console()
    width = console.width
    printed = []
    if "headline" in tables:
        printed.append(side_by_side(tables))
    if "gaps_national" in tables:
        printed += gaps(tables)
    if "fit_in_time" in tables:
        printed.append(fit_in_time(tables))
    if "first_access" in tables:
        printed.append(first_access(tables))
    for item in printed:
        console.print(item)
    if "capacity_vs_targets" in tables:
        table, notes = capacity_vs_targets(tables)
        console.print(table)
        for note in notes:
            console.print(
                textwrap.fill(
                    note,
                    width=min(width, WIDTH),
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                    break_long_words=False,
                ),
                highlight=False,
                markup=False,
            )
    if "bottlenecks" in tables:
        for table in bottlenecks(tables):
            console.print(table)
    first = tables.get("first_connections")
    if first is not None and not first.empty:
        console.print("Value of a first connection where none exists (upper bound):")
        for r in first.head(10).itertuples():
            console.print(
                textwrap.fill(
                    f"- {r.scenario}: {r.sentence}",
                    width=min(width, WIDTH),
                    subsequent_indent="  ",
                    break_on_hyphens=False,
                    break_long_words=False,
                ),
                highlight=False,
                markup=False,
            )
    if "emissions_vs_targets" in tables:
        console.print(emissions(tables))
    if "no_regret_new" in tables:
        if tables["no_regret_new"].empty:
            console.print(f"{NO_REGRET_TITLE}: none", highlight=False, markup=False)
        else:
            console.print(no_regret(tables["no_regret_new"]))
    if "vollooprisico" in tables:
        for table in vollooprisico(tables):
            console.print(table)
    shown = sorted(
        {str(c) for key in ("first_access",) if key in tables for c in tables[key]["cluster"]}
    )
    legend = ", ".join(f"{c} = {CLUSTERS.get(c, c)}" for c in shown)
    if legend:
        console.print(
            textwrap.fill(
                "Clusters: " + legend,
                width=min(width, WIDTH),
                break_on_hyphens=False,
                break_long_words=False,
            ),
            highlight=False,
            markup=False,
        )
