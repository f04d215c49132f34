"""The key messages: per development path, the answers in sentences with numbers and units.

Each question has one function that computes its numbers (a small dataclass of plain values) and
one that words them; a new model output is plugged in by changing only the numbers function:

| question | numbers | words |
|---|---|---|
| which cluster gets green electricity and hydrogen when | `access_numbers` | `_say_access` |
| what does not fit in time | `not_in_time_numbers` | `_say_not_in_time` |
| the top bottlenecks | `bottleneck_numbers` | `_say_bottlenecks` |
| 2030 emissions, and how they are reached | `emissions_numbers` | `_say_emissions` |
| what to build now | `build_now_numbers` | `_say_build_now` |

"What does not fit in time" is the delivery gap (`delivery_gap`, TWh: green demand that cannot
be delivered in time; `unmet` for runs without it, see `_delivery_gap`) in the delivery window,
plus the capacity targets missed there. "Built" means built by the model
(`new_capacity` summed over the model years up to the year), never assets that already exist.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model import analysis
from npvi_model.analysis.built import added_since_start, built_by_model
from npvi_model.report import fmt
from npvi_model.report.texts import TEXTS, carrier_word, t, tech_word

#: the year the "now" questions look at: emissions in 2030, capacity to build by 2030
NOW_YEAR = 2030
#: a cap is "met exactly" (binding) when emissions are within this many Mt of it
CAP_BINDING_TOL_MT = 1e-3


# --------------------------------------------------------------------------- numbers


@dataclass
class AccessNumbers:
    """Per carrier: first model year of green access per cluster (None: never)."""

    threshold: float
    first_year: dict[str, dict[str, int | None]]  # carrier -> cluster id -> year


def access_numbers(first_access: pd.DataFrame) -> AccessNumbers:
    """From `analysis.first_access_table` rows of one path (electricity and hydrogen only)."""
    first: dict[str, dict[str, int | None]] = {}
    thr = float(first_access["threshold"].iloc[0]) if len(first_access) else 0.9
    for row in first_access.itertuples():
        if row.carrier not in ("electricity", "hydrogen"):
            continue
        year = row.first_access_year
        first.setdefault(row.carrier, {})[row.cluster] = int(year) if np.isfinite(year) else None
    return AccessNumbers(thr, first)


def _delivery_gap(ds: xr.Dataset) -> xr.DataArray:
    """Demand that cannot be delivered green (carrier, cluster, year) in TWh | Mt: the run's
    `delivery_gap` when it has one, else `unmet` (what falls back to the fossil route)."""
    return ds["delivery_gap"] if "delivery_gap" in ds else ds["unmet"]


@dataclass
class NotInTimeNumbers:
    """Over the delivery window: gap per energy carrier (TWh), its share of demand, the largest
    gap by cluster, and the capacity targets missed (label, year, capacity GW, target GW)."""

    years: list[int]
    gap_twh: dict[str, float]
    gap_share: float
    largest: tuple[str, str, int, float] | None  # cluster, carrier, year, TWh
    missed_targets: list[tuple[str, int, float, float]] = field(default_factory=list)


def not_in_time_numbers(
    ds: xr.Dataset,
    capacity_vs_targets: pd.DataFrame,
    window: tuple[int, int] = analysis.DELIVERY_WINDOW,
) -> NotInTimeNumbers:
    """Gap and missed targets in the model years inside `window` (all years if none is)."""
    years = [y for y in analysis.model_years(ds) if window[0] <= y <= window[1]]
    years = years or analysis.model_years(ds)
    gap = _delivery_gap(ds).sel(year=years)
    energy = [c for c in ("electricity", "hydrogen") if c in ds["carrier"].values]
    gap_twh = {c: float(gap.sel(carrier=c).sum()) for c in energy}
    demand = float(ds["demand"].sel(carrier=energy, year=years).sum())
    largest = None
    sub = gap.sel(carrier=energy)
    if float(sub.max()) > fmt.NOISE:
        idx = np.unravel_index(int(np.argmax(sub.values)), sub.shape)
        coords = {d: sub[d].values[i] for d, i in zip(sub.dims, idx, strict=True)}
        largest = (
            str(coords["cluster"]),
            str(coords["carrier"]),
            int(coords["year"]),
            float(sub.values[idx]),
        )
    cvt = capacity_vs_targets
    missed = cvt[(~cvt["met"].astype(bool)) & cvt["year"].between(window[0], window[1])]
    return NotInTimeNumbers(
        years=years,
        gap_twh=gap_twh,
        gap_share=sum(gap_twh.values()) / demand if demand > 0 else 0.0,
        largest=largest,
        missed_targets=[
            (str(r.target), int(r.year), float(r.capacity_gw), float(r.target_gw))
            for r in missed.itertuples()
            if np.isfinite(r.capacity_gw)
        ],
    )


@dataclass
class BottleneckNumbers:
    """The binding limits worth most per unit: (label, year, EUR per unit per year, unit)."""

    top: list[tuple[str, int, float, str]]


def bottleneck_numbers(bottlenecks: pd.DataFrame, n: int = 3) -> BottleneckNumbers:
    """The first `n` binding limits in GW (connections, wind, electrolysers), then the first of
    every other unit; one entry per limit (its most valuable year)."""
    if bottlenecks.empty:
        return BottleneckNumbers([])
    first = bottlenecks.drop_duplicates("limit", keep="first")
    gw = first[first["limit_unit"] == "GW"].head(n)
    other = first[first["limit_unit"] != "GW"].drop_duplicates("limit_unit").head(2)
    rows = pd.concat([gw, other])
    return BottleneckNumbers(
        [
            (
                str(r.label).rsplit(", ", 1)[0],
                int(r.year),
                float(r.marginal_value_eur_per_unit_yr),
                str(r.limit_unit),
            )
            for r in rows.itertuples()
        ]
    )


def cap_penalty_eur_per_t(ds: xr.Dataset) -> float | None:
    """The scenario's price of missing the soft emission cap (EUR/t), from the resolved
    scenario; None when the run does not record it."""
    try:
        scenario = json.loads(ds.attrs.get("resolved_scenario", "{}"))
    except (TypeError, ValueError):
        return None
    value = scenario.get("parameters", {}).get("emission_cap_penalty_eur_per_t")
    return None if value is None else float(value)


@dataclass
class EmissionsNumbers:
    """Emissions in the first model year from NOW_YEAR on, against its target or cap."""

    year: int
    emissions_mt: float
    target_mt: float  # NaN: none
    target_source: str  # "scenario cap", "policy target" or "none"
    cap_binding: bool  # emissions equal to a scenario cap
    gap_mt: float
    penalty_eur_per_t: float | None
    penalty_paid_eur: float  # undiscounted, that year
    by_cause_mt: dict[str, float]
    captured_mt: float


def emissions_numbers(ds: xr.Dataset, emissions_vs_targets: pd.DataFrame) -> EmissionsNumbers:
    """Emissions in 2030 (or the first later model year) and what the cap does there."""
    years = analysis.model_years(ds)
    year = next((y for y in years if y >= NOW_YEAR), years[-1])
    row = emissions_vs_targets[emissions_vs_targets["year"] == year].iloc[0]
    target = float(row["target_mt"])
    source = str(row["target_source"])
    binding = bool(
        source == "scenario cap"
        and np.isfinite(target)
        and abs(float(row["emissions_mt"]) - target) <= CAP_BINDING_TOL_MT
    )
    penalty_paid = 0.0
    if "emission_cap_penalty" in ds["cost_component"].values:
        penalty_paid = float(ds["cost"].sel(cost_component="emission_cap_penalty", year=year))
    by_cause = {
        str(c): float(ds["emissions_by_cause"].sel(cause=c, year=year))
        for c in ds["emissions_by_cause"]["cause"].values
    }
    captured = 0.0
    if "co2" in ds["carrier"].values and "captured" in ds["source"].values:
        captured = float(ds["supply"].sel(carrier="co2", source="captured", year=year).sum())
    return EmissionsNumbers(
        year=year,
        emissions_mt=float(row["emissions_mt"]),
        target_mt=target,
        target_source=source,
        cap_binding=binding,
        gap_mt=float(row["gap_mt"]),
        penalty_eur_per_t=cap_penalty_eur_per_t(ds),
        penalty_paid_eur=penalty_paid,
        by_cause_mt=by_cause,
        captured_mt=captured,
    )


@dataclass
class BuildNowNumbers:
    """Per technology (value, unit), largest first: capacity in service by `year` beyond what
    exists at the start (`added`), and of it what the model chose to build (`by_model`)."""

    year: int
    added: list[tuple[str, float, str]]
    by_model: list[tuple[str, float, str]]


def build_now_numbers(ds: xr.Dataset, top: int = 4) -> BuildNowNumbers:
    """Capacity added by NOW_YEAR (or the first model year after it), summed over clusters, per
    technology; GW first, then other units."""
    years = analysis.model_years(ds)
    year = next((y for y in years if y >= NOW_YEAR), years[-1])
    units = analysis.capacity_units(ds)

    def listed(da: xr.DataArray) -> list[tuple[str, float, str]]:
        total = da.sel(year=year).sum("cluster")
        rows = [
            (str(tech), float(v), units.get(str(tech), ""))
            for tech, v in zip(total["technology"].values, total.values, strict=True)
            if float(v) > fmt.NOISE
        ]
        rows.sort(key=lambda r: (r[2] != "GW", -r[1]))
        return rows[:top]

    return BuildNowNumbers(year, listed(added_since_start(ds)), listed(built_by_model(ds)))


@dataclass
class PathNumbers:
    """Every key-message number of one development path."""

    name: str
    access: AccessNumbers
    not_in_time: NotInTimeNumbers
    bottlenecks: BottleneckNumbers
    emissions: EmissionsNumbers
    build_now: BuildNowNumbers


def path_numbers(ds: xr.Dataset, name: str, tables: Mapping[str, pd.DataFrame]) -> PathNumbers:
    """All numbers of one path, from its Dataset and the comparison tables (computed once)."""

    def mine(key: str) -> pd.DataFrame:
        df = tables[key]
        return df[df["scenario"] == name]

    return PathNumbers(
        name=name,
        access=access_numbers(mine("first_access")),
        not_in_time=not_in_time_numbers(ds, mine("capacity_vs_targets")),
        bottlenecks=bottleneck_numbers(mine("bottlenecks")),
        emissions=emissions_numbers(ds, mine("emissions_vs_targets")),
        build_now=build_now_numbers(ds),
    )


# --------------------------------------------------------------------------- words


def _clusters(ids: Sequence[str]) -> str:
    return ", ".join(analysis.cluster_name(c) for c in ids)


def _say_access(n: AccessNumbers, lang: str) -> str:
    parts = []
    for carrier, by_cluster in n.first_year.items():
        years = sorted({y for y in by_cluster.values() if y is not None})
        groups = [
            t("access_from", lang).format(
                clusters=_clusters([c for c, y in by_cluster.items() if y == year]), year=year
            )
            for year in years
        ]
        never = [c for c, y in by_cluster.items() if y is None]
        if never:
            groups.append(t("access_never", lang).format(clusters=_clusters(never)))
        parts.append(
            t("access_carrier", lang).format(
                carrier=carrier_word(carrier, lang), groups="; ".join(groups)
            )
        )
    return (
        " ".join(parts)
        + " "
        + t("access_threshold", lang).format(share=fmt.share(n.threshold, lang))
    )


def _say_not_in_time(n: NotInTimeNumbers, lang: str) -> str:
    span = f"{n.years[0]}–{n.years[-1]}" if len(n.years) > 1 else str(n.years[0])
    total = sum(n.gap_twh.values())
    if total <= fmt.NOISE:
        text = t("gap_none", lang).format(span=span)
    else:
        per = ", ".join(
            f"{fmt.with_unit(v, 'TWh', lang)} {carrier_word(c, lang)}"
            for c, v in n.gap_twh.items()
            if v > fmt.NOISE
        )
        text = t("gap_some", lang).format(
            span=span, per_carrier=per, share=fmt.share(n.gap_share, lang)
        )
        if n.largest:
            cl, ca, year, v = n.largest
            text += " " + t("gap_largest", lang).format(
                cluster=analysis.cluster_name(cl),
                carrier=carrier_word(ca, lang),
                year=year,
                value=fmt.with_unit(v, "TWh", lang),
            )
    for target, year, cap, tgt in n.missed_targets:
        text += " " + t("target_missed", lang).format(
            target=t(f"target_{target}", lang),
            year=year,
            capacity=fmt.with_unit(cap, "GW", lang),
            goal=fmt.with_unit(tgt, "GW", lang),
        )
    return text


def _say_bottlenecks(n: BottleneckNumbers, lang: str) -> str:
    if not n.top:
        return t("bottlenecks_none", lang)
    items = [
        t("bottleneck_item", lang).format(
            label=label,
            year=year,
            value=fmt.eur(value, lang),
            unit=unit,
        )
        for label, year, value, unit in n.top
    ]
    return t("bottlenecks", lang).format(items="; ".join(items))


def _say_emissions(n: EmissionsNumbers, lang: str) -> str:
    text = t("emissions", lang).format(year=n.year, value=fmt.with_unit(n.emissions_mt, "Mt", lang))
    if not np.isfinite(n.target_mt):
        text += " " + t("emissions_no_target", lang)
    elif n.target_source == "scenario cap":
        penalty = (
            fmt.with_unit(n.penalty_eur_per_t, "EUR/t", lang)
            if n.penalty_eur_per_t is not None
            else "?"
        )
        if n.gap_mt > CAP_BINDING_TOL_MT:
            key = "cap_missed"
        elif n.cap_binding:
            key = "cap_binding"
        else:
            key = "cap_slack"
        text += " " + t(key, lang).format(
            cap=fmt.with_unit(n.target_mt, "Mt", lang),
            gap=fmt.with_unit(n.gap_mt, "Mt", lang),
            penalty=penalty,
            paid=fmt.eur(n.penalty_paid_eur, lang),
        )
    else:
        key = "target_met" if n.gap_mt <= CAP_BINDING_TOL_MT else "target_gap"
        text += " " + t(key, lang).format(
            target=fmt.with_unit(n.target_mt, "Mt", lang), gap=fmt.with_unit(n.gap_mt, "Mt", lang)
        )
    causes = sorted(n.by_cause_mt.items(), key=lambda kv: -kv[1])
    listed = ", ".join(
        f"{t('cause_' + c, lang) if 'cause_' + c in TEXTS else c} {fmt.with_unit(v, 'Mt', lang)}"
        for c, v in causes
        if abs(v) > fmt.NOISE
    )
    if listed:
        text += " " + t("emissions_causes", lang).format(causes=listed)
    if n.captured_mt > fmt.NOISE:
        text += " " + t("captured", lang).format(value=fmt.with_unit(n.captured_mt, "Mt", lang))
    return text


def _say_build_now(n: BuildNowNumbers, lang: str) -> str:
    if not n.added:
        return t("build_none", lang).format(year=n.year)

    def items(rows: list[tuple[str, float, str]]) -> str:
        return ", ".join(
            f"{fmt.with_unit(v, unit, lang)} {tech_word(tech, lang)}" for tech, v, unit in rows
        )

    text = t("build_now", lang).format(year=n.year, items=items(n.added))
    by_model = items(n.by_model) or t("none", lang)
    return text + " " + t("build_by_model", lang).format(items=by_model)


@dataclass
class KeyMessages:
    """The worded messages of one path: (question, sentence) pairs, in the report's order."""

    name: str
    items: list[tuple[str, str]]


def key_messages(numbers: PathNumbers, lang: str = "en") -> KeyMessages:
    """The five answers of one path, worded in `lang` ("en" or "nl")."""
    return KeyMessages(
        numbers.name,
        [
            (t("q_access", lang), _say_access(numbers.access, lang)),
            (t("q_not_in_time", lang), _say_not_in_time(numbers.not_in_time, lang)),
            (t("q_bottlenecks", lang), _say_bottlenecks(numbers.bottlenecks, lang)),
            (t("q_emissions", lang), _say_emissions(numbers.emissions, lang)),
            (t("q_build_now", lang), _say_build_now(numbers.build_now, lang)),
        ],
    )
