"""The report's tables: readable headers, human number formats, one unit per table.

A `ReportTable` is what the template renders: a caption, header strings and rows of already
formatted cells (numbers right-aligned). `from_frame` turns any DataFrame into one (used for the
tables of extra sections too); the `*_tables` functions build the tables of each section from
the comparison tables computed once by `build_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from npvi_model import analysis
from npvi_model.report import fmt
from npvi_model.report.texts import tech_word

MAX_ROWS = 30


@dataclass
class ReportTable:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    note: str = ""


def _cell(value: object, lang: str) -> str:
    if isinstance(value, bool | np.bool_):
        return "✓" if value else "–"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return fmt.number(float(value), lang)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return str(value)


def from_frame(
    caption: str,
    df: pd.DataFrame,
    headers: dict[str, str] | None = None,
    lang: str = "en",
    max_rows: int = MAX_ROWS,
) -> ReportTable:
    """A DataFrame as a ReportTable: columns renamed by `headers` (default: underscores become
    spaces), floats in human format, at most `max_rows` rows (a note says how many more)."""
    headers = headers or {}
    shown = df.head(max_rows)
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    rows = [[_cell(v, lang) for v in row] for row in shown.itertuples(index=False)]
    note = ""
    if len(df) > max_rows:
        note = f"{max_rows} / {len(df)}"
    return ReportTable(
        caption,
        [headers.get(c, str(c).replace("_", " ")) for c in df.columns],
        rows,
        numeric,
        note,
    )


def gaps_tables(tables: dict[str, pd.DataFrame], lang: str) -> list[ReportTable]:
    """The national delivery gap per quantity unit and the cost gap per cost unit, then
    whether each year fits in time (from analysis/gaps.py)."""
    if "gaps_national" not in tables:
        return []
    g = tables["gaps_national"]
    out = []
    for unit, sub in g.groupby("quantity_unit", sort=False):
        frame = sub[["scenario", "year", "carrier", "demand", "delivery_gap"]].copy()
        frame["share"] = (100 * sub["delivery_gap_share"]).round(1)
        heads = {"scenario": "path", "delivery_gap": "delivery gap", "share": "share (%)"}
        caption = {"en": f"Delivery gap ({unit})", "nl": f"Leveringsgat ({unit})"}[lang]
        out.append(from_frame(caption, frame, heads, lang, 60))
    for unit, sub in g.groupby("cost_unit", sort=False):
        frame = sub[["scenario", "year", "carrier", "cost_gap"]]
        caption = {"en": f"Cost gap ({unit})", "nl": f"Onrendabele top ({unit})"}[lang]
        out.append(from_frame(caption, frame, {"scenario": "path", "cost_gap": unit}, lang, 60))
    if "delivery_fit" in tables:
        fit = tables["delivery_fit"][["scenario", "year", "fits", "short", "binding_limits"]]
        caption = {"en": "Does the demand fit in time?", "nl": "Past de vraag op tijd?"}[lang]
        heads = {"scenario": "path", "short": "short of", "binding_limits": "what holds it back"}
        out.append(from_frame(caption, fit, heads, lang, 40))
    return out


def access_tables(tables: dict[str, pd.DataFrame], lang: str) -> list[ReportTable]:
    fa = tables["first_access"]
    fa = fa[fa["carrier"].isin(["electricity", "hydrogen"])]
    pivot = fa.pivot_table(
        index=["scenario", "cluster"],
        columns="carrier",
        values="first_access",
        aggfunc="first",
        sort=False,
    ).reset_index()
    pivot.columns.name = None
    heads = {
        "en": {
            "scenario": "path",
            "cluster": "cluster",
            "electricity": "green electricity from",
            "hydrogen": "green hydrogen from",
        },
        "nl": {
            "scenario": "pad",
            "cluster": "cluster",
            "electricity": "groene elektriciteit vanaf",
            "hydrogen": "groene waterstof vanaf",
        },
    }[lang]
    pivot = pivot.replace("never", "–")
    caption = {"en": "First year of green access", "nl": "Eerste jaar met toegang"}[lang]
    return [from_frame(caption, pivot, heads, lang, 60)]


def capacity_tables(tables: dict[str, pd.DataFrame], lang: str) -> list[ReportTable]:
    cvt = tables["capacity_vs_targets"][
        ["scenario", "target", "year", "capacity_gw", "target_gw", "shortfall_gw", "why"]
    ].copy()
    cvt["target"] = (
        cvt["target"]
        .map({"electrolysis_gw": "electrolysis", "offshore_wind_gw": "offshore wind (industry)"})
        .fillna(cvt["target"])
    )
    heads = {
        "scenario": "path",
        "target": "target",
        "year": "year",
        "capacity_gw": "built",
        "target_gw": "target",
        "shortfall_gw": "short by",
        "why": "why short",
    }
    caption = {"en": "Capacity against targets (GW)", "nl": "Capaciteit tegen doelen (GW)"}[lang]
    return [from_frame(caption, cvt, heads, lang, 40)]


def bottleneck_tables(
    tables: dict[str, pd.DataFrame], lang: str, top: int = 5
) -> list[ReportTable]:
    b = tables["bottlenecks"]
    out = []
    for unit, sub in b[b["rank_in_unit"] <= top].groupby("limit_unit", sort=False):
        frame = sub[["scenario", "rank_in_unit", "label", "year"]].copy()
        frame["label"] = frame["label"].str.rsplit(", ", n=1).str[0]
        if "can_grow" in sub:
            frame["label"] += sub["can_grow"].map(lambda g: " (+)" if g else "")
        frame["value"] = sub["marginal_value_eur_per_unit_yr"] / 1e3
        heads = {
            "scenario": "path",
            "rank_in_unit": "rank",
            "label": "limit",
            "year": "year",
            "value": f"k EUR per {unit} per year",
        }
        caption = {
            "en": f"Top {top} binding limits in {unit} (thousand EUR per {unit} per year)",
            "nl": f"Top {top} knellende grenzen in {unit} (duizend euro per {unit} per jaar)",
        }[lang]
        out.append(from_frame(caption, frame, heads, lang, 60))
    first = tables.get("first_connections")
    if first is not None and not first.empty:
        caption = {
            "en": "Value of a first connection where none exists (upper bound)",
            "nl": "Waarde van een eerste aansluiting waar die er niet is (bovengrens)",
        }[lang]
        out.append(
            from_frame(
                caption,
                first[["scenario", "sentence"]],
                {"scenario": "path", "sentence": "what it would be worth"},
                lang,
                30,
            )
        )
    return out


def emissions_tables(tables: dict[str, pd.DataFrame], lang: str) -> list[ReportTable]:
    em = tables["emissions_vs_targets"][
        ["scenario", "year", "emissions_mt", "target_mt", "target_source", "gap_mt", "main_cause"]
    ]
    heads = {
        "scenario": "path",
        "emissions_mt": "emissions",
        "target_mt": "target",
        "target_source": "target from",
        "gap_mt": "above target",
        "main_cause": "main cause",
    }
    caption = {
        "en": "Emissions against the target (Mt CO2)",
        "nl": "Uitstoot tegen het doel (Mt CO2)",
    }[lang]
    return [from_frame(caption, em, heads, lang, 60)]


def paths_tables(tables: dict[str, pd.DataFrame], lang: str) -> list[ReportTable]:
    fit = tables["fit_in_time"][
        ["rank", "scenario", "years", "demand_energy_twh", "unmet_energy_twh"]
    ]
    heads = {
        "scenario": "path",
        "years": "model years",
        "demand_energy_twh": "demand",
        "unmet_energy_twh": "falls back to fossil",
    }
    caption = {
        "en": "Which path fits what can be delivered in time: electricity + hydrogen "
        "(TWh, summed over the years)",
        "nl": "Welk pad past bij wat op tijd geleverd "
        "kan worden: elektriciteit + waterstof (TWh, opgeteld over de jaren)",
    }[lang]
    return [from_frame(caption, fit, heads, lang)]


def no_regret_tables(
    tables: dict[str, pd.DataFrame], built: pd.DataFrame, lang: str
) -> list[ReportTable]:
    out = []
    for unit, sub in built.groupby("unit", sort=False):
        frame = sub[["technology", "year", "capacity"]].copy()
        frame["technology"] = frame["technology"].map(lambda x: tech_word(x, lang))
        caption = {
            "en": f"New capacity every path builds ({unit})",
            "nl": f"Nieuwe capaciteit die elk pad bouwt ({unit})",
        }[lang]
        out.append(from_frame(caption, frame, {"capacity": unit}, lang, 40))
    vr = tables["vollooprisico"]
    for unit, sub in vr.groupby("unit", sort=False):
        sub = sub.sort_values("stranded_capacity", ascending=False, kind="stable")
        frame = sub[
            ["built_for", "materialises", "technology", "cluster", "year", "stranded_capacity"]
        ].copy()
        frame["technology"] = frame["technology"].map(lambda x: tech_word(x, lang))
        heads = {
            "built_for": "built for",
            "materialises": "if instead",
            "stranded_capacity": f"not needed ({unit})",
        }
        caption = {
            "en": f"Largest vollooprisico ({unit})",
            "nl": f"Grootste vollooprisico ({unit})",
        }[lang]
        out.append(from_frame(caption, frame, heads, lang, 15))
    return out


def cluster_legend(cluster_ids: Sequence[str]) -> str:
    """ "NN = Noord-Nederland, RM = Rotterdam-Moerdijk, ..." for the clusters shown."""
    return ", ".join(f"{c} = {analysis.cluster_name(c)}" for c in cluster_ids)
