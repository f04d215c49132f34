"""Which limits hold the system back, and what the carriers cost: binding capacity limits ranked
by marginal value (duals), and carrier prices (balance duals) per cluster.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.io import cluster_name

PRICE_UNIT = {"electricity": "EUR/MWh", "hydrogen": "EUR/MWh", "co2": "EUR/t"}


def _limit_meta(ds: xr.Dataset) -> pd.DataFrame:
    limits = [str(x) for x in ds["limit"].values]

    def coord(name: str, default: Sequence[str]) -> list[str]:
        if name in ds.coords:
            return [str(x) for x in ds[name].values]
        return list(default)

    kinds = coord("limit_kind", [x.split(":", 1)[0] for x in limits])
    locs = coord("limit_location", [x.split(":", 1)[-1] for x in limits])
    units = coord("limit_unit", [""] * len(limits))
    labels = coord(
        "limit_label",
        [f"{k.replace('_', ' ')} {cluster_name(lo)}" for k, lo in zip(kinds, locs, strict=True)],
    )
    return pd.DataFrame(
        {
            "limit": limits,
            "limit_kind": kinds,
            "limit_location": locs,
            "limit_unit": units,
            "limit_label": labels,
        }
    )


#: a marginal value below this (EUR per unit of the limit per year) is not reported as binding:
#: the tie-breakers (model/tie_breaks.py) alone give duals up to (0.01 + 0.01) EUR/MWh x 8760 h
#: = 175 EUR per MW per year, 0.02 EUR/t for CO2 and a few EUR per MWh of storage.
MIN_MARGINAL_VALUE = {"MW": 1_000.0, "MWh": 10.0, "t/yr": 1.0}
#: a limit smaller than this (in GW, GWh or Mt/yr) counts as absent
MIN_LIMIT_CAPACITY = 1e-6
#: how a policy reader names each limit kind, and what "full" means for it
_SENTENCE = {
    "grid_connection": "the grid connection of {where} is full in {year}",
    "electricity_corridor": "the electricity corridor {where} is full in {year}",
    "h2_pipeline": "the hydrogen backbone section {where} is full in {year}",
    "h2_import_terminal": "the hydrogen import terminal of {where} is full in {year}",
    "h2_storage": "the hydrogen storage of {where} is full in {year}",
    "electrolyser": "the electrolysers of {where} run at full capacity in {year}",
    "co2_sink": "the CO2 store {where} injects at its maximum in {year}",
    "co2_pipeline": "the CO2 pipeline {where} is full in {year}",
    "offshore_wind_landing": "the offshore wind landing at {where} is used in full in {year}",
    "national_offshore_wind": "industry's share of the offshore wind roadmap is used in full "
    "in {year}",
    "electrolyser_national_pace": "electrolysers are built at the national pace in {year} "
    "(nationwide)",
}
_PLAIN_TECH = {
    "offshore_wind": "offshore wind",
    "offshore_electrolysis": "offshore electrolysis",
    "h2_pipeline": "hydrogen backbone",
    "h2_import_terminal": "hydrogen import terminals",
    "h2_storage": "hydrogen storage",
    "co2_sink": "CO2 storage",
    "co2_pipeline": "CO2 pipelines",
    "grid_connection": "grid connections",
    "electricity_corridor": "electricity corridors",
    "electrolyser": "electrolysers",
}
_NO_ASSET = {
    "grid_connection": "there is no grid connection at {where} in {year}",
    "electricity_corridor": "the electricity corridor {where} does not exist in {year}",
    "h2_pipeline": "the hydrogen backbone section {where} is not open in {year}",
    "h2_import_terminal": "there is no hydrogen import terminal at {where} in {year}",
    "h2_storage": "there is no hydrogen storage at {where} in {year}",
    "electrolyser": "there are no electrolysers at {where} in {year}",
    "co2_sink": "the CO2 store {where} is not available in {year}",
    "co2_pipeline": "the CO2 pipeline {where} is not open in {year}",
}


def _money(value: float) -> str:
    return f"{value:,.0f} EUR/yr"


def limit_sentence(
    kind: str, location: str, year: int, unit: str, value: float, can_grow: bool = False
) -> str:
    """A binding limit in words, e.g. "the grid connection of Chemelot is full in 2035; one more
    MW would save 12,345 EUR/yr". When more of the asset may be built that year the sentence
    says so: the value is then at most what one more MW costs, unless a build limit (rate or
    total expansion) holds the building back."""
    where = cluster_name(location)
    if can_grow and not kind.endswith(("_build_rate", "_expansion_limit")):
        text = limit_sentence(kind, location, year, unit, value)
        return f"{text} (more may be built that year, within its build limits)"
    if kind.endswith("_expansion_limit"):
        tech = kind[: -len("_expansion_limit")]
        plain = _PLAIN_TECH.get(tech, tech.replace("_", " "))
        return (
            f"the total expansion allowed for {plain} at {where} is used up by {year}; one more "
            f"{unit} allowed would save {_money(value)} (averaged over the years)"
        )
    if kind.endswith("_build_rate"):
        tech = kind[: -len("_build_rate")]
        plain = _PLAIN_TECH.get(tech, tech.replace("_", " "))
        return (
            f"building {plain} at {where} goes at its maximum rate in {year}; one more {unit} "
            f"built would save {_money(value)}"
        )
    text = _SENTENCE.get(kind, kind.replace("_", " ") + " at {where} is binding in {year}")
    return f"{text.format(where=where, year=year)}; one more {unit} would save {_money(value)}"


def first_connection_sentence(
    kind: str, location: str, year: int, unit: str, value: float, can_grow: bool
) -> str:
    """A limit of size 0 in words: what a first unit would be worth (an upper bound: the dual
    of a zero limit is not unique), and whether one could be built that year."""
    where = cluster_name(location)
    text = _NO_ASSET.get(kind, kind.replace("_", " ") + " at {where} is absent in {year}")
    could = (
        "one could be built that year but was not worth its cost"
        if can_grow
        else "none can be built that year"
    )
    return (
        f"{text.format(where=where, year=year)} ({could}); a first {unit} would be worth up "
        f"to {_money(value)}"
    )


def _limit_frame(ds: xr.Dataset, rel_tol: float) -> pd.DataFrame:
    """Every limit x year with a marginal value above the tolerance, with its size and
    whether it can grow."""
    meta = _limit_meta(ds)
    mv = ds["limit_marginal_value"].transpose("limit", "year")
    years = [int(y) for y in mv["year"].values]
    n = len(meta)

    def per_limit_year(name: str, default: float) -> np.ndarray:
        if name in ds:
            return ds[name].transpose("limit", "year").values.astype(float).reshape(-1)
        return np.full(n * len(years), default)

    frame = pd.DataFrame(
        {
            "limit": np.repeat(meta["limit"].to_numpy(), len(years)),
            "year": np.tile(years, n),
            "marginal_value_eur_per_unit_yr": mv.values.astype(float).reshape(-1),
            # results without these variables: every limit counts as existing
            "limit_capacity": per_limit_year("limit_capacity", np.inf),
            "can_grow": per_limit_year("limit_can_grow", 0.0) > 0.5,
        }
    ).merge(meta, on="limit", how="left")
    frame = frame[np.isfinite(frame["marginal_value_eur_per_unit_yr"])]
    unit_max = frame.groupby("limit_unit")["marginal_value_eur_per_unit_yr"].transform(
        lambda s: s.abs().max()
    )
    floor = frame["limit_unit"].map(lambda u: MIN_MARGINAL_VALUE.get(u, 1e-9))
    tol = np.maximum(floor, rel_tol * unit_max)
    frame = frame[frame["marginal_value_eur_per_unit_yr"] > tol]
    frame = frame.assign(relaxable=frame["limit_capacity"] > MIN_LIMIT_CAPACITY)
    return frame


def _select_years(frame: pd.DataFrame, year: int | Sequence[int] | None) -> pd.DataFrame:
    if year is None:
        return frame
    wanted = [int(year)] if np.isscalar(year) else [int(y) for y in year]  # type: ignore[union-attr]
    return frame[frame["year"].isin(wanted)]


def bottleneck_ranking(
    ds: xr.Dataset,
    year: int | Sequence[int] | None = None,
    top: int | None = None,
    rel_tol: float = 1e-6,
) -> pd.DataFrame:
    """Binding capacity limits that can be relaxed, ranked by marginal value within each unit.

    The marginal value (`limit_marginal_value`) is what one more unit of the limit would save in
    one year, in EUR per unit of the limit per year (`value_unit`, e.g. "EUR/(MW*yr)"); each
    technology has one unit (MW, MWh of storage, t/yr of CO2). Rules:
    - binding: the marginal value exceeds max(MIN_MARGINAL_VALUE of its unit, rel_tol x the
      largest value of that unit in the run); the floor keeps out duals that only the
      tie-breakers make;
    - relaxable: the limit exists in that year (`limit_capacity` > 0: the asset is there, or,
      for a build-rate limit, the asset may be built that year). A limit of size 0 (an import
      terminal where there is none, a backbone section not yet open, an electrolyser nobody
      built) is not a bottleneck: its dual is not unique (any value up to the cost of a first
      unit keeps the plan optimal), so simplex and interior point report different numbers.
      It is reported, worded, by `first_connection_values`;
    - values of different units are not comparable, so rows are sorted by `limit_unit`, then by
      marginal value, highest first; `rank_in_unit` (1 = most valuable) ranks within the unit;
      `order_by_value` is a rough cross-unit order by the bare number.

    `year` keeps one or several model years (None: all); `top` keeps the first `top` rows per unit.
    Columns: limit_unit, rank_in_unit, order_by_value, limit, limit_kind, limit_location,
    location_name, year, marginal_value_eur_per_unit_yr, value_unit, limit_capacity (GW, GWh or
    Mt/yr), can_grow, label (e.g. "grid connection Chemelot, 2030") and sentence (for a policy
    reader: "the grid connection of Chemelot is full in 2030; one more MW would save ... EUR/yr").
    """
    frame = _limit_frame(ds, rel_tol)
    frame = _select_years(frame[frame["relaxable"]], year)
    frame = frame.sort_values(
        ["limit_unit", "marginal_value_eur_per_unit_yr", "limit", "year"],
        ascending=[True, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    frame["rank_in_unit"] = frame.groupby("limit_unit").cumcount() + 1
    frame["order_by_value"] = (
        frame["marginal_value_eur_per_unit_yr"].rank(ascending=False, method="first").astype(int)
    )
    if top is not None:
        frame = frame[frame["rank_in_unit"] <= top]
    frame = _worded(frame, limit_sentence)
    frame["label"] = frame["limit_label"].astype(str) + ", " + frame["year"].astype(str)
    columns = [
        "limit_unit",
        "rank_in_unit",
        "order_by_value",
        "limit",
        "limit_kind",
        "limit_location",
        "location_name",
        "year",
        "marginal_value_eur_per_unit_yr",
        "value_unit",
        "limit_capacity",
        "can_grow",
        "label",
        "sentence",
    ]
    return frame[columns].reset_index(drop=True)


def _worded(frame: pd.DataFrame, sentence) -> pd.DataFrame:  # noqa: ANN001
    """`frame` with `location_name`, `value_unit` (EUR per unit per year) and `sentence`, the
    row in words by `sentence(kind, location, year, unit, value, can_grow)`."""
    frame = frame.copy()
    frame["location_name"] = frame["limit_location"].map(cluster_name)
    frame["value_unit"] = frame["limit_unit"].map(lambda u: f"EUR/({u}*yr)" if u else "EUR/yr")
    frame["sentence"] = [
        sentence(r.limit_kind, r.limit_location, int(r.year), r.limit_unit, float(v), r.can_grow)
        for r, v in zip(frame.itertuples(), frame["marginal_value_eur_per_unit_yr"], strict=True)
    ]
    return frame


def first_connection_values(
    ds: xr.Dataset, year: int | Sequence[int] | None = None, rel_tol: float = 1e-6
) -> pd.DataFrame:
    """The value of a first connection where none exists: limits of size 0 in a year (no asset,
    not yet open, nothing built, or imports not yet allowed) whose marginal value passes the
    same tolerance as `bottleneck_ranking`; `can_grow` says whether one could be built then.
    The value is an upper bound (the dual of a limit at 0 is not unique) and says what having
    the asset in that year could be worth, not what can be done about it then. Sorted by unit,
    then value. Columns: limit_unit, limit, limit_kind, limit_location, location_name, year,
    marginal_value_eur_per_unit_yr, value_unit, can_grow, sentence."""
    frame = _limit_frame(ds, rel_tol)
    frame = _select_years(frame[~frame["relaxable"]], year)
    frame = frame.sort_values(
        ["limit_unit", "marginal_value_eur_per_unit_yr", "limit", "year"],
        ascending=[True, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    frame = _worded(frame, first_connection_sentence)
    columns = [
        "limit_unit",
        "limit",
        "limit_kind",
        "limit_location",
        "location_name",
        "year",
        "marginal_value_eur_per_unit_yr",
        "value_unit",
        "can_grow",
        "sentence",
    ]
    return frame[columns].reset_index(drop=True)


def carrier_prices(ds: xr.Dataset) -> pd.DataFrame:
    """Carrier prices per carrier x cluster x model year from `carrier_price`: the
    demand-weighted balance dual, i.e. the marginal cost of one more unit of demand at that
    cluster, undiscounted. Columns: carrier, cluster, cluster_name, year, price, price_unit
    (EUR/MWh for electricity and hydrogen, EUR/t for co2)."""
    da = ds["carrier_price"].transpose("carrier", "cluster", "year")
    df = da.to_dataframe(name="price").reset_index()[["carrier", "cluster", "year", "price"]]
    df["year"] = df["year"].astype(int)
    df.insert(2, "cluster_name", df["cluster"].map(cluster_name))
    df["price_unit"] = df["carrier"].map(lambda c: PRICE_UNIT.get(c, ""))
    return df
