"""The robust plan for readers: one report section (a dict the HTML report renders) in plain
words, with a figure of the plan against each path's own plan and a figure of the regret."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

TECHNOLOGY_WORDS = {
    "grid_connection": "grid connection",
    "electrolyser": "electrolyser",
    "offshore_wind": "offshore wind",
    "offshore_electrolysis": "offshore electrolysis",
    "electricity_corridor": "electricity corridor",
    "h2_pipeline": "hydrogen pipeline",
    "h2_import_terminal": "hydrogen import terminal",
    "h2_storage": "hydrogen storage",
    "co2_pipeline": "CO2 pipeline",
    "co2_sink": "CO2 storage",
}
#: decisions below this [GW | GWh | Mt/yr] are left out of the plain-words plan
SHOWN_MIN = 1e-3


def load_robust(robust_dir: str | Path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """summary.json, the stage-1 plan table and the per-path cost table of a robust folder."""
    folder = Path(robust_dir)
    summary = json.loads((folder / "summary.json").read_text())
    plan = pd.read_csv(folder / "csv" / "stage1_plan.csv")
    costs = pd.read_csv(folder / "csv" / "path_costs.csv")
    return summary, plan, costs


def plan_by_asset(plan: pd.DataFrame) -> pd.DataFrame:
    """The stage-1 plan summed over build years per asset: robust and each path's own plan."""
    value_cols = [c for c in plan.columns if c == "robust" or c.startswith("own_")]
    grouped = plan.groupby(["technology", "location", "unit"], as_index=False)[value_cols].sum()
    shown = grouped[grouped[value_cols].abs().max(axis=1) > SHOWN_MIN]
    return shown.sort_values("robust", ascending=False).reset_index(drop=True)


def money(meur: float) -> str:
    """MEUR in words: '1.23 bn EUR' from 1 bn on, else '12.3 million EUR'."""
    if abs(meur) >= 1e3:
        return f"{meur / 1e3:,.2f} bn EUR"
    return f"{meur:,.1f} million EUR" if abs(meur) >= 1 else f"{meur:,.3f} million EUR"


def plan_in_words(summary: dict, plan: pd.DataFrame) -> str:
    by_asset = plan_by_asset(plan)
    built = by_asset[by_asset["robust"] > SHOWN_MIN]
    year = summary["decide_until"]
    if built.empty:
        first = f"The robust plan builds nothing new by {year}: no build is worth it in every path."
    else:
        items = [
            f"{r.robust:,.2f} {r.unit} of {TECHNOLOGY_WORDS.get(r.technology, r.technology)} "
            f"at {r.location}"
            for r in built.itertuples()
        ]
        first = f"Build these by {year}, whatever path materialises: {'; '.join(items)}."
    worst = summary["max_regret_path"]
    text = [
        first,
        f"They cost at most {money(summary['max_regret_meur'])} (discounted) more than "
        f"the best plan for any single path (the most in {worst}).",
        f"Knowing in advance which path comes would be worth {money(summary['evpi_meur'])} "
        "(expected value of perfect information).",
    ]
    vss = summary.get("vss_meur")
    if vss is not None and math.isfinite(vss):
        text.append(
            f"Planning for the average path instead would cost {money(vss)} more "
            "(value of the stochastic solution)."
        )
    text.append(
        f"Objective: {summary['objective']}; paths weighted "
        + ", ".join(f"{s} {w:.2f}" for s, w in summary["weights"].items())
        + "."
    )
    return " ".join(text)


def plan_figure(plan: pd.DataFrame):
    """Bars: the robust plan and each path's own plan per asset (summed build years), one panel
    per unit (GW, GWh, Mt/yr)."""
    from matplotlib.figure import Figure

    by_asset = plan_by_asset(plan)
    units = list(dict.fromkeys(by_asset["unit"])) or [""]
    sizes = [max(int((by_asset["unit"] == u).sum()), 1) for u in units]
    fig = Figure(figsize=(8, 0.45 * sum(sizes) + 1.2 * len(units) + 0.8))
    axes = fig.subplots(len(units), 1, squeeze=False, height_ratios=sizes)[:, 0]
    cols = ["robust"] + [c for c in by_asset.columns if c.startswith("own_")]
    height = 0.8 / len(cols)
    for ax, unit in zip(axes, units, strict=True):
        rows = by_asset[by_asset["unit"] == unit]
        for i, col in enumerate(cols):
            ax.barh(
                [k + i * height for k in range(len(rows))],
                rows[col],
                height=height,
                label="robust plan" if col == "robust" else f"own plan: {col[4:]}",
            )
        labels = [
            f"{TECHNOLOGY_WORDS.get(t, t)} {loc}"
            for t, loc in zip(rows.technology, rows.location, strict=True)
        ]
        ax.set_yticks([k + 0.4 - height / 2 for k in range(len(rows))], labels)
        ax.invert_yaxis()
        ax.set_xlabel(f"new capacity decided now [{unit}]")
    axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=2, fontsize=8)
    fig.tight_layout()
    return fig


def regret_figure(costs: pd.DataFrame):
    """Bars: each path's regret under the robust plan [bn EUR, discounted]."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 2.5))
    ax = fig.subplots()
    ax.bar(costs["path"], costs["regret_meur"] / 1e3, color="#b05a3c")
    ax.set_ylabel("regret [bn EUR]")
    ax.set_title("extra cost of the robust plan against each path's own optimum", fontsize=9)
    fig.tight_layout()
    return fig


def robust_report_section(robust_dir: str | Path) -> dict:
    """The report section of a `robust/` folder: key, title, text, figures, tables."""
    return section_from(*load_robust(robust_dir))


def outcome_report_section(outcome) -> dict:
    """The same section straight from a `RobustOutcome` (solved in memory, nothing written)."""
    from npvi_model.robust.results import cost_table, plan_table, summary

    return section_from(summary(outcome), plan_table(outcome), cost_table(outcome))


def section_from(summary: dict, plan: pd.DataFrame, costs: pd.DataFrame) -> dict:
    """The section from a robust summary, its stage-1 plan table and its per-path cost table."""
    table = plan_by_asset(plan).rename(columns={"robust": "robust plan"})
    cost_table = costs.assign(
        own_optimum_bn_eur=costs["own_optimum_meur"] / 1e3,
        under_robust_plan_bn_eur=costs["cost_under_robust_plan_meur"] / 1e3,
        regret_bn_eur=costs["regret_meur"] / 1e3,
    )[["path", "weight", "own_optimum_bn_eur", "under_robust_plan_bn_eur", "regret_bn_eur"]]
    year = summary["decide_until"]
    return {
        "key": "robust",
        "title": f"The no-regret plan: what to build by {year} whatever path materialises",
        "text": plan_in_words(summary, plan),
        "figures": [
            (
                f"New capacity decided by {year}: robust plan and each path's own plan",
                plan_figure(plan),
            ),
            ("Regret of the robust plan per path", regret_figure(costs)),
        ],
        "tables": [
            (f"Stage-1 plan (build years up to {year}), summed per asset", table),
            ("Cost per path under the robust plan (bn EUR, discounted)", cost_table),
        ],
    }


def robust_sections_for(result_dirs) -> list[dict]:
    """The robust section for `npvi report DIR...`: `[robust_report_section(<parent>/robust)]`
    when a `robust/` folder with a summary sits beside the path folders, else `[]` (for the
    report's `extra_sections`)."""
    parents = {Path(d).resolve().parent for d in result_dirs}
    for parent in sorted(parents):
        if (parent / "robust" / "summary.json").is_file():
            return [robust_report_section(parent / "robust")]
    return []
