"""The report's figures, drawn with matplotlib's Agg canvas (pyplot's global state untouched).

Colours are the Okabe-Ito palette, which readers with red-green colour blindness can separate;
the access heat map uses `cividis` (blue to yellow, no red-green). Paths are told apart by line
style and marker as well as colour, so overlapping lines stay visible. Every figure takes the
comparison tables computed once by `build_report` rather than computing them again. Every
word a figure shows comes from the report's text table in the figure's `lang` ("en" or "nl";
`texts_figures.py`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from npvi_model import analysis
from npvi_model.report.texts import LIMIT_WORDS_NL, TEXTS, figure_word, t, tech_word

#: Okabe & Ito (2008) colour-blind-safe palette
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
SOURCE_COLOURS = {
    "offshore_wind": OKABE_ITO["blue"],
    "grid": OKABE_ITO["grey"],
    "corridor_net_import": OKABE_ITO["sky"],
    "electrolysis": OKABE_ITO["green"],
    "offshore_electrolysis": OKABE_ITO["sky"],
    "import_terminal": OKABE_ITO["purple"],
    "backbone_net_import": OKABE_ITO["orange"],
    "storage_net_discharge": OKABE_ITO["yellow"],
    "captured": OKABE_ITO["green"],
    "fallback": OKABE_ITO["vermillion"],
}
CAUSE_COLOURS = {
    "other_processes": OKABE_ITO["grey"],
    "assumed_process_abatement": "#D9D9D9",
    "electrification_credit": OKABE_ITO["sky"],
    "electricity_fallback": OKABE_ITO["blue"],
    "hydrogen_fallback": OKABE_ITO["green"],
    "co2_not_captured": OKABE_ITO["orange"],
}
PATH_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["black"],
)
PATH_STYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (1, 3)))
PATH_MARKERS = ("o", "s", "^", "D", "v", "P")
ACCESS_CMAP = "cividis"


def path_style(i: int) -> dict:
    """Colour, line style and marker of the i-th path (distinct in all three)."""
    return {
        "color": PATH_COLOURS[i % len(PATH_COLOURS)],
        "linestyle": PATH_STYLES[i % len(PATH_STYLES)],
        "marker": PATH_MARKERS[i % len(PATH_MARKERS)],
        "linewidth": 2,
        "markersize": 6,
    }


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


class DecimalCommaFormatter(ScalarFormatter):
    """Matplotlib's default tick numbers with a decimal comma (Dutch: 2,5 rather than 2.5)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return super().__call__(x, pos).replace(".", ",")


def in_language(fig: Figure, lang: str) -> Figure:
    """`fig` with its numeric tick labels written the `lang` way: in Dutch a decimal comma on
    every axis that shows matplotlib's default numbers (named ticks, such as years or clusters
    set as labels, are left as they are). English figures are returned unchanged."""
    if lang == "nl":
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    axis.set_major_formatter(DecimalCommaFormatter())
    return fig


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (for notebooks: `display(Image(to_png(fig)))`)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _grid(n: int, ncols: int = 3) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return (n + ncols - 1) // ncols, ncols


def electrolyser_input_twh(ds: xr.Dataset) -> xr.DataArray | None:
    """Electricity drawn by electrolysers (cluster, year) in TWh, from `dispatch_gw`
    (GW x slice weight h / 1000); None when the run has no such component."""
    if "dispatch_gw" not in ds or "electrolyser_input" not in ds["component"].values:
        return None
    draw = -ds["dispatch_gw"].sel(carrier="electricity", component="electrolyser_input")
    return (draw.clip(min=0) * ds["slice_weight_h"]).sum("slice") / 1000.0


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def fig_supply(ds: xr.Dataset, carrier: str, lang: str = "en") -> Figure:
    """Stacked annual supply by source per cluster and year for one carrier; demand as a dash,
    and for electricity demand plus electrolyser input as an open dash."""
    unit = "Mt CO2" if carrier == "co2" else "TWh"
    clusters = [str(c) for c in ds["cluster"].values]
    years = analysis.model_years(ds)
    supply = ds["supply"].sel(carrier=carrier)
    sources = [str(s) for s in supply["source"].values if float(np.abs(supply.sel(source=s)).sum())]
    ely = electrolyser_input_twh(ds) if carrier == "electricity" else None
    nrows, ncols = _grid(len(clusters))
    fig = new_figure(3.6 * ncols, 2.8 * nrows + 0.8)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    x = np.arange(len(years))
    for i, cl in enumerate(clusters):
        ax = axes[i // ncols][i % ncols]
        pos = np.zeros(len(years))
        neg = np.zeros(len(years))
        for src in sources:
            vals = np.nan_to_num(
                supply.sel(source=src, cluster=cl, year=years).values.astype(float)
            )
            bottom = np.where(vals >= 0, pos, neg)
            fossil = src == "fallback"
            ax.bar(
                x,
                vals,
                bottom=bottom,
                color=SOURCE_COLOURS.get(src),
                hatch="//" if fossil else None,
                edgecolor="white" if fossil else None,
                label=t("fig_fossil_source", lang).format(source=figure_word("source", src, lang))
                if fossil
                else figure_word("source", src, lang),
                width=0.7,
            )
            pos += np.clip(vals, 0, None)
            neg += np.clip(vals, None, 0)
        demand = ds["demand"].sel(carrier=carrier, cluster=cl, year=years).values
        ax.plot(x, demand, "k_", markersize=18, mew=2, label=t("fig_demand", lang))
        if ely is not None and float(ely.sum()) > 0:
            total = demand + ely.sel(cluster=cl, year=years).values
            ax.plot(
                x,
                total,
                "_",
                color="black",
                markersize=18,
                mew=1,
                label=t("fig_demand_electrolysers", lang),
            )
        ax.set_title(analysis.cluster_name(cl), fontsize=9)
        ax.set_xticks(x, [str(y) for y in years], fontsize=7)
        ax.axhline(0, color="black", linewidth=0.5)
        if i % ncols == 0:
            ax.set_ylabel(t("fig_per_year", lang).format(unit=unit))
    for j in range(len(clusters), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=8)
    fig.suptitle(
        t("fig_supply_title", lang).format(
            carrier=_upper_first(figure_word("carrier", carrier, lang)),
            name=analysis.scenario_name(ds),
        )
    )
    return in_language(fig, lang)


def fig_access_heatmap(ds: xr.Dataset, timeline: pd.DataFrame, lang: str = "en") -> Figure:
    """Green share per cluster (rows) and year (columns), one panel per carrier (cividis);
    cells at or above the access threshold carry a tick."""
    thr = float(timeline["threshold"].iloc[0]) if len(timeline) else 0.9
    carriers = [c for c in ("electricity", "hydrogen") if c in set(timeline["carrier"])]
    carriers = carriers or sorted(set(timeline["carrier"]))
    clusters = list(dict.fromkeys(timeline["cluster"]))
    years = sorted(set(timeline["year"]))
    fig = new_figure(max(4.0, 1.2 + 0.75 * len(years)) * len(carriers), 1.4 + 0.45 * len(clusters))
    axes = fig.subplots(1, len(carriers), squeeze=False, sharey=True)[0]
    image = None
    for ax, carrier in zip(axes, carriers, strict=True):
        sub = timeline[timeline["carrier"] == carrier]
        grid = sub.pivot(index="cluster", columns="year", values="green_share")
        grid = grid.reindex(index=clusters, columns=years)
        image = ax.imshow(grid.values, vmin=0, vmax=1, cmap=ACCESS_CMAP, aspect="auto")
        for r in range(grid.shape[0]):
            for c in range(grid.shape[1]):
                v = grid.values[r, c]
                text = "–" if not np.isfinite(v) else f"{v:.0%}" + (" ✓" if v >= thr else "")
                colour = "black" if np.isfinite(v) and v > 0.55 else "white"
                ax.text(c, r, text, ha="center", va="center", fontsize=7, color=colour)
        ax.set_xticks(range(len(years)), [str(y) for y in years], fontsize=8)
        ax.set_yticks(range(len(clusters)), clusters, fontsize=8)
        carrier_text = figure_word("carrier", carrier, lang)
        ax.set_title(t("fig_green_carrier", lang).format(carrier=carrier_text), fontsize=9)
    if image is not None:
        fig.colorbar(image, ax=list(axes), label=t("fig_green_share", lang), shrink=0.9)
    fig.suptitle(
        t("fig_access_title", lang).format(name=analysis.scenario_name(ds), threshold=f"{thr:.0%}")
    )
    return in_language(fig, lang)


def fig_capacity_vs_targets(
    datasets: Sequence[xr.Dataset], names: Sequence[str], cvt: pd.DataFrame, lang: str = "en"
) -> Figure:
    """National electrolysis and industry offshore wind capacity per path (distinct line
    styles) against the targets (black crosses)."""
    fig = new_figure(10, 4.0)
    axes = fig.subplots(1, 2)
    for k, (ax, target) in enumerate(zip(axes, analysis.CAPACITY_TARGETS, strict=True)):
        for i, (ds, name) in enumerate(zip(datasets, names, strict=True)):
            nat = analysis.national_capacity(ds)
            ax.plot(nat["year"], nat[target], label=name, **path_style(i))
        first = cvt[(cvt["scenario"] == names[0]) & (cvt["target"] == target)]
        ax.scatter(
            first["year"],
            first["target_gw"],
            marker="X",
            s=80,
            color="black",
            zorder=5,
            label=t("fig_target", lang),
        )
        title = f"fig_capacity_{target}"
        ax.set_title(t(title, lang) if title in TEXTS else target, fontsize=9)
        ax.set_xlabel(t("fig_year", lang))
        ax.set_ylabel("GW")
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(fontsize=8)
    fig.suptitle(t("fig_capacity_title", lang))
    return in_language(fig, lang)


#: limits named after a technology (`extract_limits.py`): suffix of the kind -> its text
LIMIT_SUFFIX_TEXTS = {
    "_expansion_limit": "fig_limit_expansion",
    "_build_rate": "fig_limit_build_rate",
    "_national_pace": "fig_limit_national_pace",
}


def limit_bar_label(row: pd.Series, lang: str = "en") -> str:
    """A bottleneck bar's label: in English the results' own (`limit_label`, year); in Dutch
    the limit's kind in Dutch (`texts.LIMIT_WORDS_NL`; for `<technology>_<suffix>` the
    suffix's text with the technology's word; for a technology its word), its place and the
    year."""
    if lang == "en":
        return str(row["label"])
    kind = str(row["limit_kind"])
    word = LIMIT_WORDS_NL.get(kind) if lang == "nl" else None
    for suffix, key in LIMIT_SUFFIX_TEXTS.items():
        if word is None and kind.endswith(suffix):
            word = t(key, lang).format(tech=tech_word(kind[: -len(suffix)], lang))
    return f"{word or tech_word(kind, lang)} {row['location_name']}, {row['year']}"


def fig_bottlenecks(name: str, ranking: pd.DataFrame, top: int = 8, lang: str = "en") -> Figure:
    """Horizontal bars of the binding limits with the highest marginal value, top N per unit,
    labelled in `lang` (`limit_bar_label`)."""
    ranking = ranking[ranking["rank_in_unit"] <= top]
    units = list(dict.fromkeys(ranking["limit_unit"]))
    if not units:
        fig = new_figure(7, 2.0)
        ax = fig.subplots()
        ax.text(0.5, 0.5, t("fig_no_limit_binds", lang), ha="center", va="center")
        ax.set_axis_off()
        fig.suptitle(t("fig_bottlenecks_none_title", lang).format(name=name))
        return in_language(fig, lang)
    heights = [max(1.5, 0.32 * (ranking["limit_unit"] == u).sum() + 1) for u in units]
    fig = new_figure(8, sum(heights) + 0.8)
    axes = fig.subplots(len(units), 1, squeeze=False, height_ratios=heights)[:, 0]
    col = "marginal_value_eur_per_unit_yr"
    for ax, unit in zip(axes, units, strict=True):
        sub = ranking[ranking["limit_unit"] == unit].iloc[::-1]
        labels = [limit_bar_label(row, lang) for _, row in sub.iterrows()]
        ax.barh(labels, sub[col] / 1e3, color=OKABE_ITO["orange"])
        ax.set_xlabel(t("fig_limit_value", lang).format(unit=unit))
        ax.set_title(t("fig_limits_in", lang).format(unit=unit), fontsize=9, loc="left")
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(t("fig_bottlenecks_title", lang).format(name=name))
    return in_language(fig, lang)


def fig_emissions(
    datasets: Sequence[xr.Dataset], names: Sequence[str], emissions: pd.DataFrame, lang: str = "en"
) -> Figure:
    """Emissions per year by cause (stacked bars), one panel per path, with the target."""
    fig = new_figure(3.6 * len(datasets) + 0.5, 3.8)
    axes = fig.subplots(1, len(datasets), squeeze=False, sharey=True)[0]
    for i, (ax, ds, name) in enumerate(zip(axes, datasets, names, strict=True)):
        years = analysis.model_years(ds)
        x = np.arange(len(years))
        above, below = np.zeros(len(years)), np.zeros(len(years))
        for cause in ds["emissions_by_cause"]["cause"].values:
            vals = np.nan_to_num(ds["emissions_by_cause"].sel(cause=cause, year=years).values)
            if not np.abs(vals).sum():
                continue
            # assumed abatements are negative: stacked below zero, so they are seen, not netted
            ax.bar(
                x,
                vals,
                bottom=np.where(vals >= 0, above, below),
                color=CAUSE_COLOURS.get(str(cause)),
                hatch="xx" if float(vals.sum()) < 0 else None,
                edgecolor="white",
                width=0.7,
                label=figure_word("cause", str(cause), lang),
            )
            above += np.maximum(vals, 0)
            below += np.minimum(vals, 0)
        ax.plot(x, above + below, "kD", markersize=4, label=t("fig_net_emissions", lang))
        ax.axhline(0, color="black", linewidth=0.5)
        em = emissions[emissions["scenario"] == name]
        ax.plot(x, em["target_mt"], "k_", markersize=20, mew=3, label=t("fig_target_or_cap", lang))
        ax.set_xticks(x, [str(y) for y in years], fontsize=7)
        ax.set_title(name, fontsize=9)
        if i == 0:
            ax.set_ylabel(t("fig_per_year", lang).format(unit="Mt CO2"))
            ax.legend(fontsize=7)
    fig.suptitle(t("fig_emissions_title", lang))
    return in_language(fig, lang)


def fig_path_comparison(headline: pd.DataFrame, lang: str = "en") -> Figure:
    """Demand falling back to fossil supply and emissions per year, one line per path."""
    fig = new_figure(10, 3.8)
    axes = fig.subplots(1, 2)
    for i, (name, sub) in enumerate(headline.groupby("scenario", sort=False)):
        unmet = sub.get("unmet_electricity_twh", 0) + sub.get("unmet_hydrogen_twh", 0)
        axes[0].plot(sub["year"], unmet, label=name, **path_style(i))
        axes[1].plot(sub["year"], sub["emissions_mt"], label=name, **path_style(i))
    axes[0].set_title(t("fig_fallback_title", lang), fontsize=9)
    axes[0].set_ylabel(t("fig_per_year", lang).format(unit="TWh"))
    axes[1].set_title(t("fig_industry_emissions", lang), fontsize=9)
    axes[1].set_ylabel(t("fig_per_year", lang).format(unit="Mt CO2"))
    for ax in axes:
        ax.set_xlabel(t("fig_year", lang))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(t("fig_paths_title", lang))
    return in_language(fig, lang)


def fig_no_regret(no_regret_built: pd.DataFrame, lang: str = "en") -> Figure:
    """New capacity (GW) built by every path, per year, stacked by technology."""
    nr = no_regret_built[no_regret_built["unit"] == "GW"]
    fig = new_figure(7, 3.6)
    ax = fig.subplots()
    if nr.empty:
        ax.text(0.5, 0.5, t("fig_no_common_capacity", lang), ha="center", va="center")
        ax.set_axis_off()
    else:
        pivot = nr.pivot_table(
            index="year", columns="technology", values="capacity", aggfunc="sum", fill_value=0.0
        )
        x = np.arange(len(pivot.index))
        bottom = np.zeros(len(x))
        colours = list(PATH_COLOURS)
        for k, tech in enumerate(pivot.columns):
            ax.bar(
                x,
                pivot[tech].values,
                bottom=bottom,
                label=figure_word("tech", tech, lang),
                width=0.7,
                color=colours[k % len(colours)],
            )
            bottom += pivot[tech].values
        ax.set_xticks(x, [str(y) for y in pivot.index])
        ax.set_ylabel(t("fig_new_capacity_every_path", lang))
        ax.legend(fontsize=8)
    fig.suptitle(t("fig_no_regret_title", lang))
    return in_language(fig, lang)
