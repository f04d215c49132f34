"""The two gaps side by side, and whether a path's demand fits in time (docs/gaps.md).

- `gaps_by_cluster(ds)`: per year, carrier and cluster: demand, green delivered, the delivery
  gap (*past niet tijdig*, TWh | Mt) and its share of demand, the green marginal cost, the
  fossil-route cost and the cost gap (*onrendabele top*, EUR/MWh | EUR/t), and the cost gap times
  the green volume (`cost_gap_meur` = max(0, cost gap) x green delivered: EUR/MWh x TWh = MEUR,
  EUR/t x Mt = MEUR), the yearly amount that would close it at the margin.
- `gaps_national(ds)`: the same per year and carrier for the Netherlands; the cost gap is the
  mean over clusters weighted by green delivered.
- `delivery_fit(ds)`: per year, whether all green demand is delivered (delivery gap at most
  `tolerance` of demand for every carrier), and why not: the carriers short, the most valuable
  capacity limits and the binding path rules.
- `gap_tables(datasets)`: the three tables (`gaps_national`, `gaps_by_cluster`,
  `delivery_fit`) for several runs, stacked with a `scenario` column (for `npvi compare` and
  the report).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.bottlenecks import MIN_LIMIT_CAPACITY, MIN_MARGINAL_VALUE
from npvi_model.analysis.io import Lookup

UNIT = {"electricity": ("TWh", "EUR/MWh"), "hydrogen": ("TWh", "EUR/MWh"), "co2": ("Mt", "EUR/t")}
FIT_TOLERANCE = 0.01  # share of demand that may stay undelivered for a path to "fit in time"
#: the carrier whose delivery a kind of capacity limit holds back (build rates: their asset's)
CO2_LIMIT_KINDS = ("co2_sink", "co2_pipeline")


def _limit_carriers(kind: str) -> tuple[str, ...]:
    """Carriers a limit kind can hold back: CO2 limits only CO2; the electricity chain
    (connections, corridors, wind, landing) both electricity and hydrogen (electrolysers run on
    it); hydrogen assets only hydrogen."""
    base = kind.removesuffix("_build_rate").removesuffix("_expansion_limit")
    if base in CO2_LIMIT_KINDS:
        return ("co2",)
    if base in ("electrolyser", "offshore_electrolysis", "h2_import_terminal", "h2_pipeline"):
        return ("hydrogen",)
    if base == "h2_storage":
        return ("hydrogen",)
    return ("electricity", "hydrogen")


def _years(ds: xr.Dataset) -> list[int]:
    return [int(y) for y in ds.year.values]


def gaps_by_cluster(ds: xr.Dataset) -> pd.DataFrame:
    """One row per year, carrier and cluster (see module doc)."""
    read = {
        v: Lookup(ds[v])
        for v in ("demand", "delivery_gap", "cost_gap", "green_delivered", "green_marginal_cost")
    }
    fossil_route_cost = Lookup(ds["fossil_route_cost"])
    rows = []
    for y in _years(ds):
        for carrier in ds.carrier.values.tolist():
            for cluster in ds.cluster.values.tolist():
                at = {"carrier": carrier, "cluster": cluster, "year": y}
                demand = read["demand"](**at)
                gap = read["delivery_gap"](**at)
                cost_gap = read["cost_gap"](**at)
                green = read["green_delivered"](**at)
                rows.append(
                    {
                        "year": y,
                        "carrier": str(carrier),
                        "cluster": str(cluster),
                        "quantity_unit": UNIT[str(carrier)][0],
                        "demand": demand,
                        "green_delivered": green,
                        "delivery_gap": gap,
                        "delivery_gap_share": gap / demand if demand > 0 else np.nan,
                        "green_marginal_cost": read["green_marginal_cost"](**at),
                        "fossil_route_cost": fossil_route_cost(carrier=carrier, year=y),
                        "cost_gap": cost_gap,
                        "cost_unit": UNIT[str(carrier)][1],
                        "cost_gap_meur": max(cost_gap, 0.0) * green
                        if np.isfinite(cost_gap)
                        else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def gaps_national(ds: xr.Dataset, by_cluster: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per year and carrier for the Netherlands (see module doc); `by_cluster` is the
    run's `gaps_by_cluster` when it was computed already."""
    by_cluster = gaps_by_cluster(ds) if by_cluster is None else by_cluster
    rows = []
    for (year, carrier), g in by_cluster.groupby(["year", "carrier"], sort=False):
        ok = np.isfinite(g["cost_gap"]) & (g["green_delivered"] > 0)
        weight = g.loc[ok, "green_delivered"]
        demand = float(g["demand"].sum())
        gap = float(g["delivery_gap"].sum(min_count=1))
        rows.append(
            {
                "year": year,
                "carrier": carrier,
                "quantity_unit": g["quantity_unit"].iloc[0],
                "demand": demand,
                "green_delivered": float(g["green_delivered"].sum()),
                "delivery_gap": gap,
                "delivery_gap_share": gap / demand if demand > 0 else np.nan,
                "fossil_route_cost": float(g["fossil_route_cost"].iloc[0]),
                "cost_gap": float(np.average(g.loc[ok, "cost_gap"], weights=weight))
                if ok.any()
                else np.nan,
                "cost_unit": g["cost_unit"].iloc[0],
                "cost_gap_meur": float(g["cost_gap_meur"].sum(min_count=1)),
            }
        )
    return pd.DataFrame(rows)


def delivery_fit(
    ds: xr.Dataset,
    tolerance: float = FIT_TOLERANCE,
    top: int = 3,
    national: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per year: `fits` (every carrier's delivery gap <= tolerance x demand), `short` (the
    carriers that do not fit, with their gap and share), `where` (the clusters with a gap; a
    cluster short without any binding limit has no route at all, e.g. no CO2 pipeline or sink),
    `binding_limits` (the `top` capacity
    limits of highest marginal value among those that exist that year (`limit_capacity` > 0,
    as in `bottleneck_ranking`) and can hold back a short carrier, by their
    plain label; values per MW and per t/yr are not comparable, read them within a unit) and
    `binding_path_rules` (path rules with a value > 0, in EUR/MWh). `national` is the run's
    `gaps_national` when it was computed already."""
    national = gaps_national(ds) if national is None else national
    rows = []
    for y in _years(ds):
        sub = national[national["year"] == y]
        short = sub[sub["delivery_gap_share"] > tolerance]
        limits = ""
        if "limit_marginal_value" in ds and ds.sizes.get("limit", 0) and len(short):
            mv = ds["limit_marginal_value"].sel(year=y).to_series()
            kinds = ds["limit_kind"].to_series() if "limit_kind" in ds.coords else None
            wanted = set(short["carrier"])
            if kinds is not None:  # only limits that can hold back a carrier that is short
                mv = mv[[bool(wanted & set(_limit_carriers(str(kinds[k])))) for k in mv.index]]
            if "limit_capacity" in ds:  # only limits that exist that year (bottlenecks.py)
                size = ds["limit_capacity"].sel(year=y).to_series()
                mv = mv[size.reindex(mv.index).fillna(0.0) > MIN_LIMIT_CAPACITY]
            labels = ds["limit_label"].to_series() if "limit_label" in ds.coords else None
            units = ds["limit_unit"].to_series() if "limit_unit" in ds.coords else None
            # the bottleneck ranking's floor per unit keeps out duals only the tie-breakers make
            floor = [
                MIN_MARGINAL_VALUE.get(str(units[k]), 1e-9) if units is not None else 1e-9
                for k in mv.index
            ]
            mv = mv[mv.values > np.asarray(floor)].sort_values(ascending=False)
            limits = "; ".join(
                f"{labels[k] if labels is not None else k} "
                f"({v:,.0f} EUR per {units[k] if units is not None else 'unit'} per year)"
                for k, v in mv.head(top).items()
            )
        rules = ""
        if "path_rule_value" in ds:
            pr = ds["path_rule_value"].sel(year=y).to_series()
            rules = "; ".join(f"{k} ({v:,.1f} EUR/MWh)" for k, v in pr.items() if v > 1e-9)
        where = []
        for carrier in short["carrier"]:
            gap = ds["delivery_gap"].sel(carrier=carrier, year=y).to_series()
            gap = gap[gap > 1e-6].sort_values(ascending=False)
            where.append(f"{carrier}: " + ", ".join(f"{c} {v:,.2f}" for c, v in gap.items()))
        gap_known = bool(np.isfinite(sub["delivery_gap"]).any())
        rows.append(
            {
                "year": y,
                "fits": (len(short) == 0) if gap_known else None,
                "short": "; ".join(
                    f"{r.carrier} {r.delivery_gap:,.1f} {r.quantity_unit} "
                    f"({100 * r.delivery_gap_share:.0f} % of demand)"
                    for r in short.itertuples()
                ),
                "where": "; ".join(where),
                "binding_limits": limits,
                "binding_path_rules": rules,
            }
        )
    return pd.DataFrame(rows)


def gap_tables(datasets: Sequence[xr.Dataset], names: Sequence[str] | None = None) -> dict:
    """`gaps_national`, `gaps_by_cluster` and `fit_in_time` for each run, stacked with a leading
    `scenario` column. Runs without gap outputs (older results) are left out."""
    names = list(names) if names is not None else [str(ds.attrs.get("scenario")) for ds in datasets]
    frames: dict[str, list[pd.DataFrame]] = {
        "gaps_national": [],
        "gaps_by_cluster": [],
        "delivery_fit": [],
    }
    for ds, name in zip(datasets, names, strict=True):
        if "delivery_gap" not in ds:
            continue
        by_cluster = gaps_by_cluster(ds)  # each table computed once per run
        national = gaps_national(ds, by_cluster)
        run = {
            "gaps_national": national,
            "gaps_by_cluster": by_cluster,
            "delivery_fit": delivery_fit(ds, national=national),
        }
        for key, df in run.items():
            df = df.copy()
            df.insert(0, "scenario", name)
            frames[key].append(df)
    return {key: pd.concat(f, ignore_index=True) for key, f in frames.items() if f}
