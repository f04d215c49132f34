"""The HTML report: figures (PNG and SVG) and one self-contained static `report.html`.

`build_report(result_dirs, out_dir)` loads the result folders, draws every figure with matplotlib
(the Agg canvas, without touching pyplot's global backend, so notebooks keep their own), and
writes `<out_dir>/report.html` with the PNGs embedded as base64 images plus `<out_dir>/figures/`
with each figure as PNG and SVG. Everything is written into a temporary folder beside `out_dir`
that replaces it only when complete.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from npvi_model import analysis

SOURCE_COLOURS = {
    "offshore_wind": "#1f77b4",
    "grid": "#7f7f7f",
    "corridor_net_import": "#17becf",
    "electrolysis": "#2ca02c",
    "offshore_electrolysis": "#98df8a",
    "import_terminal": "#9467bd",
    "backbone_net_import": "#c5b0d5",
    "storage_net_discharge": "#bcbd22",
    "captured": "#8c564b",
    "fallback": "#d62728",
}
CAUSE_COLOURS = {
    "other_processes": "#7f7f7f",
    "electricity_fallback": "#1f77b4",
    "hydrogen_fallback": "#2ca02c",
    "co2_not_captured": "#8c564b",
    "assumed_process_abatement": "#c7c7c7",
    "electrification_credit": "#aec7e8",
}
PATH_MARKERS = ("o", "s", "^", "D", "v", "P")


@dataclass
class ReportFigure:
    """A drawn figure: file stem, title, plain-language caption and the matplotlib Figure."""

    stem: str
    title: str
    caption: str
    figure: Figure


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for notebooks: `display(Image(to_png(fig)))`)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return slug or "run"


def _grid(n: int, ncols: int = 3) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return (n + ncols - 1) // ncols, ncols


# --------------------------------------------------------------------------- figures


def fig_supply(ds: xr.Dataset, carrier: str) -> Figure:
    """Stacked annual supply by source per cluster and year for one carrier, demand as a line."""
    name = analysis.scenario_name(ds)
    unit = "Mt CO2" if carrier == "co2" else "TWh"
    clusters = [str(c) for c in ds["cluster"].values]
    years = analysis.model_years(ds)
    supply = ds["supply"].sel(carrier=carrier)
    sources = [str(s) for s in supply["source"].values if float(np.abs(supply.sel(source=s)).sum())]
    nrows, ncols = _grid(len(clusters))
    fig = _new_figure(4.2 * ncols, 3.2 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    x = np.arange(len(years))
    for i, cl in enumerate(clusters):
        ax = axes[i // ncols][i % ncols]
        pos = np.zeros(len(years))
        neg = np.zeros(len(years))
        for src in sources:
            vals = supply.sel(source=src, cluster=cl, year=years).values.astype(float)
            vals = np.nan_to_num(vals)
            bottom = np.where(vals >= 0, pos, neg)
            label = src.replace("_", " ") + (" (fossil)" if src == "fallback" else "")
            ax.bar(x, vals, bottom=bottom, color=SOURCE_COLOURS.get(src), label=label, width=0.7)
            pos += np.clip(vals, 0, None)
            neg += np.clip(vals, None, 0)
        demand = ds["demand"].sel(carrier=carrier, cluster=cl, year=years).values
        ax.plot(x, demand, "k_", markersize=22, mew=2, label="demand")
        ax.set_title(analysis.cluster_name(cl), fontsize=10)
        ax.set_xticks(x, [str(y) for y in years], fontsize=8)
        ax.axhline(0, color="black", linewidth=0.5)
        if i % ncols == 0:
            ax.set_ylabel(f"{carrier} per year ({unit})")
    for j in range(len(clusters), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(6, len(labels)), fontsize=8)
    fig.suptitle(f"{carrier.capitalize()} supply by source per cluster — {name}")
    return fig


def fig_access_heatmap(ds: xr.Dataset, threshold: float | None = None) -> Figure:
    """Heat map of the green share per cluster (rows) and year (columns), one panel per carrier;
    cells at or above the access threshold are marked with a check mark."""
    name = analysis.scenario_name(ds)
    timeline = analysis.access_timeline(ds, threshold)
    thr = float(timeline["threshold"].iloc[0]) if len(timeline) else 0.9
    carriers = [c for c in ("electricity", "hydrogen") if c in set(timeline["carrier"])]
    carriers = carriers or sorted(set(timeline["carrier"]))
    clusters = list(dict.fromkeys(timeline["cluster"]))
    years = sorted(set(timeline["year"]))
    fig = _new_figure(max(5.0, 1.0 + 0.9 * len(years)) * len(carriers), 1.2 + 0.55 * len(clusters))
    axes = fig.subplots(1, len(carriers), squeeze=False)[0]
    image = None
    for ax, carrier in zip(axes, carriers, strict=True):
        sub = timeline[timeline["carrier"] == carrier]
        grid = sub.pivot(index="cluster", columns="year", values="green_share")
        grid = grid.reindex(index=clusters, columns=years)
        image = ax.imshow(grid.values, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        for r in range(grid.shape[0]):
            for c in range(grid.shape[1]):
                v = grid.values[r, c]
                text = "n/a" if not np.isfinite(v) else f"{v:.0%}" + (" ✓" if v >= thr else "")
                ax.text(c, r, text, ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_yticks(range(len(clusters)), [analysis.cluster_name(c) for c in clusters])
        ax.set_xlabel("model year")
        ax.set_title(f"green {carrier}")
    if image is not None:
        fig.colorbar(image, ax=list(axes), label="green share of demand (-)", shrink=0.9)
    fig.suptitle(f"Access to green energy — {name} (✓ = share ≥ {thr:.0%})")
    return fig


def fig_capacity_vs_targets(datasets: Sequence[xr.Dataset]) -> Figure:
    """National electrolysis and offshore wind capacity per path (lines) against policy targets
    (red crosses; hollow where capacity was interpolated to a target year)."""
    names = analysis._unique_names(datasets)
    fig = _new_figure(11, 4.2)
    axes = fig.subplots(1, 2)
    for k, (ax, target) in enumerate(zip(axes, analysis.CAPACITY_TARGETS, strict=True)):
        for i, (ds, name) in enumerate(zip(datasets, names, strict=True)):
            nat = analysis.national_capacity(ds)
            ax.plot(nat["year"], nat[target], marker=PATH_MARKERS[i % 6], label=name)
        cvt = analysis.capacity_vs_targets(datasets[0])
        cvt = cvt[cvt["target"] == target]
        ax.scatter(
            cvt["year"],
            cvt["target_gw"],
            marker="X",
            s=90,
            color="red",
            zorder=5,
            label="policy target",
        )
        ax.set_title(analysis.TARGET_LABELS[target].capitalize())
        ax.set_xlabel("year")
        ax.set_ylabel("capacity (GW)")
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(fontsize=8)
    fig.suptitle("Capacity built against the policy targets (national totals)")
    return fig


def fig_bottlenecks(ds: xr.Dataset, top: int = 8) -> Figure:
    """Horizontal bars of the binding limits with the highest marginal value, top N per unit."""
    name = analysis.scenario_name(ds)
    ranking = analysis.bottleneck_ranking(ds, top=top)
    units = list(dict.fromkeys(ranking["limit_unit"]))
    if not units:
        fig = _new_figure(7, 2.5)
        ax = fig.subplots()
        ax.text(0.5, 0.5, "No capacity limit binds in any year", ha="center", va="center")
        ax.set_axis_off()
        fig.suptitle(f"Bottlenecks — {name}")
        return fig
    heights = [max(1.5, 0.35 * (ranking["limit_unit"] == u).sum() + 1) for u in units]
    fig = _new_figure(9, sum(heights) + 0.8)
    axes = fig.subplots(len(units), 1, squeeze=False, height_ratios=heights)[:, 0]
    col = "marginal_value_eur_per_unit_yr"
    for ax, unit in zip(axes, units, strict=True):
        sub = ranking[ranking["limit_unit"] == unit].iloc[::-1]
        ax.barh(sub["label"], sub[col], color="#ff7f0e")
        ax.set_xlabel(f"marginal value (EUR per {unit} per year)")
        ax.set_title(f"limits in {unit}", fontsize=10, loc="left")
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"Bottlenecks: what one more unit of each limit is worth — {name}")
    return fig


def fig_emissions(datasets: Sequence[xr.Dataset]) -> Figure:
    """Emissions per year by cause (stacked bars), one panel per path, with the target."""
    names = analysis._unique_names(datasets)
    fig = _new_figure(4.5 * len(datasets), 4.0)
    axes = fig.subplots(1, len(datasets), squeeze=False, sharey=True)[0]
    for i, (ax, ds, name) in enumerate(zip(axes, datasets, names, strict=True)):
        years = analysis.model_years(ds)
        x = np.arange(len(years))
        above, below = np.zeros(len(years)), np.zeros(len(years))
        for cause in ds["emissions_by_cause"]["cause"].values:
            vals = np.nan_to_num(ds["emissions_by_cause"].sel(cause=cause, year=years).values)
            # assumed abatements are negative: stacked below zero, so they are seen, not netted
            bottom = np.where(vals >= 0, above, below)
            ax.bar(
                x,
                vals,
                bottom=bottom,
                color=CAUSE_COLOURS.get(str(cause)),
                width=0.7,
                label=analysis.CAUSE_LABELS.get(str(cause), str(cause)),
            )
            above += np.maximum(vals, 0)
            below += np.minimum(vals, 0)
        ax.plot(x, above + below, "k.", markersize=8, label="net emissions" if i == 0 else None)
        ax.axhline(0, color="black", linewidth=0.5)
        em = analysis.emissions_vs_targets(ds)
        ax.plot(x, em["target_mt"], "r_", markersize=24, mew=3, label="target")
        ax.set_xticks(x, [str(y) for y in years], fontsize=8)
        ax.set_title(name)
        ax.set_xlabel("model year")
        if i == 0:
            ax.set_ylabel("industry emissions (Mt CO2 per year)")
            ax.legend(fontsize=8)
    fig.suptitle("Emissions against the target, by cause")
    return fig


def fig_path_comparison(datasets: Sequence[xr.Dataset]) -> Figure:
    """Unmet green energy and emissions per year, one line per path."""
    tables = analysis.compare_paths(datasets)
    head = tables["headline"]
    fig = _new_figure(11, 4.0)
    axes = fig.subplots(1, 2)
    for i, (name, sub) in enumerate(head.groupby("scenario", sort=False)):
        unmet = sub.get("unmet_electricity_twh", 0) + sub.get("unmet_hydrogen_twh", 0)
        m = PATH_MARKERS[i % 6]
        axes[0].plot(sub["year"], unmet, marker=m, label=name)
        axes[1].plot(sub["year"], sub["emissions_mt"], marker=m, label=name)
    axes[0].set_title("Demand that falls back to fossil supply")
    axes[0].set_ylabel("unmet electricity + hydrogen (TWh per year)")
    axes[1].set_title("Industry emissions")
    axes[1].set_ylabel("Mt CO2 per year")
    for ax in axes:
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("The development paths compared")
    return fig


def fig_no_regret(datasets: Sequence[xr.Dataset]) -> Figure:
    """No-regret capacity (the minimum over all paths) per year, stacked by technology, GW only."""
    nr = analysis.compare_paths(datasets)["no_regret"]
    nr = nr[nr["unit"] == "GW"]
    fig = _new_figure(8, 4.0)
    ax = fig.subplots()
    if nr.empty:
        ax.text(0.5, 0.5, "No capacity is common to all paths", ha="center", va="center")
        ax.set_axis_off()
    else:
        pivot = nr.pivot_table(
            index="year",
            columns="technology",
            values="no_regret_capacity",
            aggfunc="sum",
            fill_value=0.0,
        )
        x = np.arange(len(pivot.index))
        bottom = np.zeros(len(x))
        for tech in pivot.columns:
            ax.bar(x, pivot[tech].values, bottom=bottom, label=tech.replace("_", " "), width=0.7)
            bottom += pivot[tech].values
        ax.set_xticks(x, [str(y) for y in pivot.index])
        ax.set_xlabel("model year")
        ax.set_ylabel("capacity needed in every path (GW)")
        ax.legend(fontsize=8)
    fig.suptitle("No-regret capacity: built by every development path")
    return fig


# --------------------------------------------------------------------------- html

_CSS = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 1150px; margin: 2em auto;
       color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #2ca02c; } h2 { margin-top: 2em; color: #1a5e1a; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
th { background: #f0f0f0; } .caption { color: #555; font-size: 0.9em; }
"""

SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "supply",
        "Demand and supply per cluster",
        "For each cluster and year, the bars show where electricity, hydrogen and captured CO2 "
        "come from; the black dash is demand. The red part (fallback) is demand that green "
        "supply could not meet and that falls back to the fossil route: the shortfall.",
    ),
    (
        "gaps",
        "Delivery gap and cost gap",
        "Two different gaps, side by side. The delivery gap (past niet tijdig) is green demand "
        "that cannot be met because supply or infrastructure cannot be there in time; it falls "
        "back to the fossil route and emits. The cost gap (onrendabele top) is how much dearer "
        "the green supply that can be delivered is than the fossil route, per MWh or tonne "
        "(negative: green is cheaper). See docs/gaps.md.",
    ),
    (
        "access",
        "Which clusters have access to green energy, and when",
        "The share of each cluster's demand met by green supply, per year. A tick marks the "
        "years in which the share reaches the access threshold; the first such year is the "
        "year the cluster gets access (\u2018welke clusters hebben wanneer toegang tot groene "
        "energie\u2019).",
    ),
    (
        "capacity",
        "Capacity against the policy targets",
        "National electrolysis capacity (onshore and at sea) and offshore wind capacity "
        "(including wind for hydrogen at sea) in each path, against the targets: electrolysis "
        "0.5/4/8 GW in 2025/2030/2032 and offshore wind 21 GW around 2032 and 70 GW in 2050. "
        "Where 2032 is not a model year, capacity is interpolated between the model years.",
    ),
    (
        "bottlenecks",
        "Bottlenecks (netcongestie and other binding limits)",
        "A limit binds when more of it would lower the system cost. The bar is what one more "
        "unit would be worth for one year, in euro per unit of the limit (per GW, per Mt/yr). "
        "Values are only comparable between limits in the same unit. Grid connection limits "
        "show grid congestion (netcongestie).",
    ),
    (
        "emissions",
        "Emissions against the target",
        "Industry CO2 emissions per year, split by cause, with the target as a red dash. "
        "Emissions from the fossil fallback are caused by missing green electricity, missing "
        "green hydrogen or missing CO2 transport and storage.",
    ),
    (
        "paths",
        "The development paths compared",
        "Unmet demand and emissions per path. The path that fits what can be delivered in "
        "time is the one with the least unmet demand (and emission gap) in 2030-2035.",
    ),
    (
        "no_regret",
        "No-regret capacity and vollooprisico",
        "No-regret capacity is what every development path builds by a given year: it is "
        "needed whichever path materialises. Capacity one path builds beyond another is at "
        "risk of standing partly idle if the other path happens: the vollooprisico "
        "(stranded-capacity risk); the table lists the largest amounts.",
    ),
)


def _img(fig: ReportFigure, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(fig.title)}" src="data:image/png;base64,{data}">'
        f'<figcaption class="caption">{html.escape(fig.caption)} '
        f'(<a href="figures/{html.escape(fig.stem)}.svg">SVG</a>)</figcaption></figure>'
    )


def _table_html(df: pd.DataFrame, max_rows: int = 25) -> str:
    if df.empty:
        return "<p><em>none</em></p>"
    shown = df.head(max_rows)
    text = shown.to_html(
        index=False, escape=True, float_format=lambda v: f"{v:,.3g}", na_rep="-", border=0
    )
    if len(df) > max_rows:
        text += f'<p class="caption">first {max_rows} of {len(df)} rows</p>'
    return text


def _figures(datasets: Sequence[xr.Dataset]) -> dict[str, list[ReportFigure]]:
    names = analysis._unique_names(datasets)
    slugs: list[str] = []
    for n in names:
        s = _slug(n)
        while s in slugs:
            s += "_"
        slugs.append(s)
    figs: dict[str, list[ReportFigure]] = {key: [] for key, _, _ in SECTIONS}
    for ds, name, slug in zip(datasets, names, slugs, strict=True):
        for carrier in [str(c) for c in ds["carrier"].values]:
            figs["supply"].append(
                ReportFigure(
                    f"supply_{carrier}_{slug}",
                    f"{carrier} supply, {name}",
                    f"{carrier.capitalize()} supply by source per cluster and year, path {name}.",
                    fig_supply(ds, carrier),
                )
            )
        figs["access"].append(
            ReportFigure(
                f"access_{slug}",
                f"green access, {name}",
                f"Green share per cluster and year, path {name}.",
                fig_access_heatmap(ds),
            )
        )
        figs["bottlenecks"].append(
            ReportFigure(
                f"bottlenecks_{slug}",
                f"bottlenecks, {name}",
                f"Binding limits with the highest marginal value, path {name}.",
                fig_bottlenecks(ds),
            )
        )
    figs["capacity"].append(
        ReportFigure(
            "capacity_vs_targets",
            "capacity against targets",
            "Electrolysis and offshore wind capacity per path against the targets.",
            fig_capacity_vs_targets(datasets),
        )
    )
    figs["emissions"].append(
        ReportFigure(
            "emissions",
            "emissions against target",
            "Emissions by cause and target, per path.",
            fig_emissions(datasets),
        )
    )
    figs["paths"].append(
        ReportFigure(
            "path_comparison",
            "paths compared",
            "Unmet demand and emissions per path.",
            fig_path_comparison(datasets),
        )
    )
    figs["no_regret"].append(
        ReportFigure(
            "no_regret",
            "no-regret capacity",
            "Capacity (GW) that every path builds, per year.",
            fig_no_regret(datasets),
        )
    )
    return figs


def _section_tables(key: str, tables: dict[str, pd.DataFrame]) -> str:
    if key == "gaps" and "gaps_national" in tables:
        cols = ["scenario", "year", "carrier", "delivery_gap", "quantity_unit"]
        cols += ["delivery_gap_share", "cost_gap", "cost_unit"]
        fit = tables["delivery_fit"][
            ["scenario", "year", "fits", "short", "where", "binding_limits", "binding_path_rules"]
        ]
        return (
            "<h3>National gaps per carrier</h3>"
            + _table_html(tables["gaps_national"][cols], 80)
            + "<h3>Does the demand fit in time?</h3>"
            + _table_html(fit, 40)
        )
    if key == "access":
        fa = tables["first_access"]
        pivot = fa.pivot_table(
            index=["scenario", "cluster_name"],
            columns="carrier",
            values="first_access",
            aggfunc="first",
            sort=False,
        ).reset_index()
        pivot.columns.name = None
        return "<h3>First year of green access</h3>" + _table_html(pivot, 60)
    if key == "capacity":
        cols = [
            "scenario",
            "target_label",
            "year",
            "capacity_gw",
            "target_gw",
            "shortfall_gw",
            "basis",
            "why",
        ]
        return _table_html(tables["capacity_vs_targets"][cols], 40)
    if key == "bottlenecks":
        b = tables["bottlenecks"]
        b = b[b["rank_in_unit"] <= 5]
        cols = ["scenario", "rank_in_unit", "label", "marginal_value_eur_per_unit_yr", "value_unit"]
        return "<h3>Top 5 binding limits per unit</h3>" + _table_html(b[cols], 60)
    if key == "emissions":
        cols = ["scenario", "year", "emissions_mt", "target_mt", "gap_mt", "main_cause"]
        return _table_html(tables["emissions_vs_targets"][cols], 60)
    if key == "paths":
        fit = tables["fit_in_time"]
        cols = [
            "rank",
            "scenario",
            "years",
            "unmet_energy_twh",
            "unmet_energy_share",
            "emission_gap_mt",
            "target_shortfall_gw",
        ]
        return "<h3>Which path fits what can be delivered in time</h3>" + _table_html(fit[cols])
    if key == "no_regret":
        vr = tables["vollooprisico"].sort_values("stranded_capacity", ascending=False)
        cols = [
            "built_for",
            "materialises",
            "technology",
            "cluster_name",
            "year",
            "stranded_capacity",
            "unit",
            "utilisation_if_materialises",
        ]
        return "<h3>Largest vollooprisico</h3>" + _table_html(vr[cols], 20)
    return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _render_html(
    datasets: Sequence[xr.Dataset],
    tables: dict[str, pd.DataFrame],
    figs: dict[str, list[ReportFigure]],
    pngs: dict[str, bytes],
) -> str:
    names = analysis._unique_names(datasets)
    runs = "".join(
        f"<li><b>{html.escape(n)}</b>: {html.escape(str(ds.attrs.get('description', '')))} "
        f"(solver status {html.escape(str(ds.attrs.get('solver_status', '?')))}, input "
        f"{html.escape(str(ds.attrs.get('input_sha256', ''))[:12])})</li>"
        for ds, n in zip(datasets, names, strict=True)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>NPVI model: results of the development paths</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>NPVI model: demand and supply of green energy per industry cluster</h1>",
        "<p>This report confronts the demand of the industry clusters for electricity, hydrogen "
        "and CO2 transport with the supply and infrastructure that can be built in time, for "
        "each development path (ontwikkelpad). Runs shown:</p>",
        f"<ul>{runs}</ul>",
        f'<p class="caption">Generated {html.escape(_now())}.</p>',
    ]
    for key, title, text in SECTIONS:
        parts.append(f'<h2 id="{key}">{html.escape(title)}</h2><p>{html.escape(text)}</p>')
        for fig in figs.get(key, []):
            parts.append(_img(fig, pngs[fig.stem]))
        parts.append(_section_tables(key, tables))
    parts.append("</body></html>")
    return "\n".join(parts)


def build_report(
    result_dirs: Sequence[str | Path], out_dir: str | Path, force: bool = False
) -> Path:
    """Build the report for one or more result folders (see `analysis.find_result_dirs`).

    Writes, atomically (a staging folder beside `out_dir` replaces it at the end; on any
    error nothing is left behind and an existing `out_dir` is untouched; `out_dir` is replaced
    only if npvi made it, see `output_dirs.npvi_output_dir`, kind "report"; `force` allows npvi
    output of another kind):
    - `figures/<name>.png` and `figures/<name>.svg` for every figure;
    - `report.html`, self-contained (PNGs embedded as base64), every user string escaped.
    Returns the path of `report.html` in `out_dir`.
    """
    from npvi_model.output_dirs import check_output_dir, npvi_output_dir

    check_output_dir(out_dir, "report", force, result_dirs)  # before the work
    dirs = analysis.find_result_dirs(result_dirs)
    datasets = [analysis.load_results(d) for d in dirs]
    tables = analysis.comparison_tables(datasets)
    out_dir = Path(out_dir).resolve()
    with npvi_output_dir(out_dir, "report", force, inputs=[*result_dirs, *dirs]) as tmp:
        fig_dir = tmp / "figures"
        fig_dir.mkdir()
        figs = _figures(datasets)
        pngs: dict[str, bytes] = {}
        for fig_list in figs.values():
            for fig in fig_list:
                pngs[fig.stem] = to_png(fig.figure)
                (fig_dir / f"{fig.stem}.png").write_bytes(pngs[fig.stem])
                fig.figure.savefig(fig_dir / f"{fig.stem}.svg", format="svg")
        (tmp / "report.html").write_text(
            _render_html(datasets, tables, figs, pngs), encoding="utf-8"
        )
    return out_dir / "report.html"
