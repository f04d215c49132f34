"""`build_report`: key messages first, then one section per question, as one HTML file.

The comparison tables are computed once and every figure is drawn once (PNG; SVG only on
request), in worker processes when cores are free (`render.py`). The page is rendered by
jinja2 from `templates/report.html.j2` with autoescaping, so every name and text from a result
file is escaped. Written atomically: a temporary folder beside `out_dir` replaces it only when
complete.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pandas as pd
import xarray as xr
from jinja2 import Environment, PackageLoader, select_autoescape
from matplotlib.figure import Figure

from npvi_model import analysis
from npvi_model.report import figures as figs
from npvi_model.report import fmt, messages
from npvi_model.report import tables as tabs
from npvi_model.report.render import FigureSource, render_figures
from npvi_model.report.texts import LANGS, TEXTS, figure_word, t, tech_word

DPI = 100
EXTRA_SECTION_KEYS = {"key", "title", "text", "figures", "tables"}


@dataclass
class ReportFigure:
    """One figure of the report: `figure` is a Figure or a function that builds it (called
    once, in a worker process when the figures are drawn in parallel; `render.py`)."""

    stem: str
    caption: str
    figure: FigureSource
    png_base64: str = ""
    width: int = 0
    height: int = 0
    svg: bool = False


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str]
    figures: list[ReportFigure] = field(default_factory=list)
    tables: list[tabs.ReportTable] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "run"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def check_extra_section(section: Mapping) -> None:
    """Raise ValueError naming the problem when `section` is not an extra-section dict:
    {"key": str, "title": str, "text": str, "figures": [(caption, Figure)],
    "tables": [(caption, DataFrame)]}; figures and tables may be left out."""
    if not isinstance(section, Mapping):
        raise ValueError(f"extra section must be a dict, got {type(section).__name__}")
    unknown = set(section) - EXTRA_SECTION_KEYS
    if unknown:
        raise ValueError(f"extra section: unknown keys {sorted(unknown)}")
    for key in ("key", "title", "text"):
        if not isinstance(section.get(key), str):
            raise ValueError(f"extra section: {key!r} must be a string")
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", section["key"]):
        raise ValueError(
            f"extra section: key {section['key']!r} must be lower-case letters, digits, '-' or '_'"
        )
    for caption, fig in section.get("figures", []):
        if not isinstance(caption, str) or not isinstance(fig, Figure):
            raise ValueError("extra section: figures must be (caption, matplotlib Figure) pairs")
    for caption, df in section.get("tables", []):
        if not isinstance(caption, str) or not isinstance(df, pd.DataFrame):
            raise ValueError("extra section: tables must be (caption, pandas DataFrame) pairs")


def _across_paths(tables: Mapping[str, pd.DataFrame], built: pd.DataFrame, lang: str) -> list[str]:
    lines = []
    fit = tables["fit_in_time"]
    if len(fit) > 1:
        best = fit.iloc[0]
        years = best["years"].split()
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0]
        share = (
            best["unmet_energy_twh"] / best["demand_energy_twh"]
            if best["demand_energy_twh"] > 0
            else 0.0
        )
        lines.append(
            t("fits_best", lang).format(
                name=best["scenario"], span=span, share=fmt.share(share, lang)
            )
        )
        year = next((y for y in sorted(built["year"].unique()) if y >= messages.NOW_YEAR), None)
        if year is not None:
            now = built[built["year"] == year].sort_values(
                ["unit", "capacity"], ascending=[True, False]
            )
            if now.empty:
                lines.append(t("no_regret_none", lang).format(year=year))
            else:
                items = ", ".join(
                    f"{fmt.with_unit(r.capacity, r.unit, lang)} {tech_word(r.technology, lang)}"
                    for r in now.itertuples()
                )
                lines.append(t("no_regret_now", lang).format(year=year, items=items))
        elif built.empty:
            lines.append(t("no_regret_none", lang).format(year=messages.NOW_YEAR))
    return lines


def _industry_share(ds: xr.Dataset) -> float | None:
    import json

    try:
        params = json.loads(ds.attrs.get("resolved_scenario", "{}")).get("parameters", {})
    except (TypeError, ValueError):
        return None
    value = params.get("industry_share_of_offshore_wind")
    return None if value is None else float(value)


def _sections(
    datasets: Sequence[xr.Dataset],
    names: Sequence[str],
    tables: Mapping[str, pd.DataFrame],
    built: pd.DataFrame,
    lang: str,
) -> list[Section]:
    slugs: list[str] = []
    for n in names:
        s = _slug(n)
        while s in slugs:
            s += "_"
        slugs.append(s)

    def per_path(df: pd.DataFrame, name: str) -> pd.DataFrame:
        return df[df["scenario"] == name]

    access = Section(
        "access",
        t("s_access", lang),
        [t("s_access_text", lang).format(rule=getattr(analysis, "ALLOCATION_RULE_TEXT", ""))],
    )
    supply = Section("supply", t("s_supply", lang), [t("s_supply_text", lang)])
    bottlenecks = Section("bottlenecks", t("s_bottlenecks", lang), [t("s_bottlenecks_text", lang)])
    for ds, name, slug in zip(datasets, names, slugs, strict=True):
        access.figures.append(
            ReportFigure(
                f"access_{slug}",
                f"{t('s_access', lang)}: {name}",
                partial(
                    figs.fig_access_heatmap, ds, per_path(tables["access_timeline"], name), lang
                ),
            )
        )
        for carrier in [str(c) for c in ds["carrier"].values]:
            caption = t("fig_supply_caption", lang).format(
                carrier=figure_word("carrier", carrier, lang), name=name
            )
            supply.figures.append(
                ReportFigure(
                    f"supply_{carrier}_{slug}", caption, partial(figs.fig_supply, ds, carrier, lang)
                )
            )
        bottlenecks.figures.append(
            ReportFigure(
                f"bottlenecks_{slug}",
                f"{t('s_bottlenecks', lang)}: {name}",
                partial(
                    figs.fig_bottlenecks, name, per_path(tables["bottlenecks"], name), lang=lang
                ),
            )
        )
    access.tables = tabs.access_tables(dict(tables), lang)
    bottlenecks.tables = tabs.bottleneck_tables(dict(tables), lang)

    shares = {s for s in (_industry_share(ds) for ds in datasets) if s is not None}
    share_text = ", ".join(fmt.number(s, lang) for s in sorted(shares)) or "?"
    wind = tables["capacity_vs_targets"]
    wind = wind[(wind["target"] == "offshore_wind_gw") & (wind["scenario"] == names[0])]
    wind_text = (
        ", ".join(f"{fmt.with_unit(r.target_gw, 'GW', lang)} ({r.year})" for r in wind.itertuples())
        or "–"
    )
    capacity = Section(
        "capacity",
        t("s_capacity", lang),
        [t("s_capacity_text", lang).format(share=share_text, targets=wind_text)],
        [
            ReportFigure(
                "capacity_vs_targets",
                t("s_capacity", lang),
                partial(
                    figs.fig_capacity_vs_targets,
                    datasets,
                    names,
                    tables["capacity_vs_targets"],
                    lang,
                ),
            )
        ],
        tabs.capacity_tables(dict(tables), lang),
    )
    emissions = Section(
        "emissions",
        t("s_emissions", lang),
        [t("s_emissions_text", lang)],
        [
            ReportFigure(
                "emissions",
                t("s_emissions", lang),
                partial(figs.fig_emissions, datasets, names, tables["emissions_vs_targets"], lang),
            )
        ],
        tabs.emissions_tables(dict(tables), lang),
    )
    paths = Section(
        "paths",
        t("s_paths", lang),
        [t("s_paths_text", lang)],
        [
            ReportFigure(
                "path_comparison",
                t("s_paths", lang),
                partial(figs.fig_path_comparison, tables["headline"], lang),
            )
        ],
        tabs.paths_tables(dict(tables), lang),
    )
    no_regret = Section(
        "no_regret",
        t("s_no_regret", lang),
        [t("s_no_regret_text", lang)],
        [
            ReportFigure(
                "no_regret", t("s_no_regret", lang), partial(figs.fig_no_regret, built, lang)
            )
        ],
        tabs.no_regret_tables(dict(tables), built, lang),
    )
    gaps = Section(
        "gaps",
        t("s_gaps", lang),
        [t("s_gaps_text", lang)],
        [],
        tabs.gaps_tables(dict(tables), lang),
    )
    return [gaps, access, capacity, bottlenecks, emissions, paths, no_regret, supply]


def _plain_index(df: pd.DataFrame) -> bool:
    """True when the index carries no information (0, 1, 2, ... without a name)."""
    return isinstance(df.index, pd.RangeIndex) and df.index.name is None


def _extra(section: Mapping, lang: str) -> Section:
    check_extra_section(section)
    key = section["key"]
    return Section(
        key,
        section["title"],
        _paragraphs(section["text"]),
        [
            ReportFigure(f"{_slug(key)}_{i}", caption, fig)
            for i, (caption, fig) in enumerate(section.get("figures", []))
        ],
        [
            tabs.from_frame(caption, df if _plain_index(df) else df.reset_index(), lang=lang)
            for caption, df in section.get("tables", [])
        ],
    )


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("npvi_model.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    datasets: Sequence[xr.Dataset],
    names: Sequence[str],
    key: Sequence[messages.KeyMessages],
    across: Sequence[str],
    sections: Sequence[Section],
    lang: str,
) -> str:
    """The page as a string (figures must carry their PNG already)."""
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0]  # type: ignore[union-attr]
    clusters = sorted({str(c) for ds in datasets for c in ds["cluster"].values})
    runs = [
        {
            "name": n,
            "description": str(ds.attrs.get("description", "")),
            "status": str(ds.attrs.get("solver_status", "?")),
            "sha": str(ds.attrs.get("input_sha256", ""))[:12],
        }
        for ds, n in zip(datasets, names, strict=True)
    ]
    return env.get_template("report.html.j2").render(
        lang=lang,
        title=t("title", lang),
        css=css,
        t={k: t(k, lang) for k in TEXTS},
        messages=key,
        across=across,
        sections=sections,
        runs=runs,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        legend=tabs.cluster_legend(clusters),
    )


def build_report(
    result_dirs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    lang: str = "en",
    svg: bool = False,
    extra_sections: Sequence[Mapping] = (),
    force: bool = False,
    jobs: int | None = None,
) -> Path:
    """Build the report for one or more result folders (see `analysis.find_result_dirs`).

    Writes `report.html` (self-contained, PNGs embedded) and `figures/<stem>.png` (and `.svg`
    when `svg`) into `out_dir`, atomically: a staging folder replaces `out_dir` only when
    complete, and only if npvi made it (`output_dirs.npvi_output_dir`, kind "report"; `force`
    allows npvi output of another kind). `lang` is "en" or "nl". `extra_sections` are
    rendered after the built-in sections, each a dict {"key": str, "title": str, "text": str
    (paragraphs separated by a blank line), "figures": [(caption, matplotlib Figure)],
    "tables": [(caption, pandas DataFrame)]}; they are checked before anything is written
    (ValueError). Each figure is drawn once, spread over `jobs` worker processes
    (`render.render_figures`; None: one per free core, 1: in this process). Returns the path of
    `report.html`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    from npvi_model.output_dirs import check_output_dir, npvi_output_dir

    for section in extra_sections:
        check_extra_section(section)
    check_output_dir(out_dir, "report", force, result_dirs)  # before the work
    dirs = analysis.find_result_dirs(result_dirs)
    datasets = [analysis.load_results(d) for d in dirs]
    names = analysis._unique_names(datasets)
    tables = analysis.comparison_tables(datasets)
    built = tables["no_regret_new"]
    key = [
        messages.key_messages(messages.path_numbers(ds, n, tables), lang)
        for ds, n in zip(datasets, names, strict=True)
    ]
    across = _across_paths(tables, built, lang)
    sections = _sections(datasets, names, tables, built, lang)
    sections += [_extra(s, lang) for s in extra_sections]
    out_dir = Path(out_dir).resolve()
    with npvi_output_dir(out_dir, "report", force, inputs=[*result_dirs, *dirs]) as tmp:
        fig_dir = tmp / "figures"
        fig_dir.mkdir()
        shown = [fig for section in sections for fig in section.figures]
        images = render_figures([fig.figure for fig in shown], DPI, svg=svg, jobs=jobs)
        for fig, image in zip(shown, images, strict=True):
            (fig_dir / f"{fig.stem}.png").write_bytes(image.png)
            fig.png_base64 = base64.b64encode(image.png).decode("ascii")
            fig.width, fig.height = int(image.width_in * DPI), int(image.height_in * DPI)
            if image.svg is not None:
                (fig_dir / f"{fig.stem}.svg").write_bytes(image.svg)
                fig.svg = True
        html = render_html(datasets, names, key, across, sections, lang)
        (tmp / "report.html").write_text(html, encoding="utf-8")
    return out_dir / "report.html"
