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


def bottleneck_ranking(
    ds: xr.Dataset,
    year: int | Sequence[int] | None = None,
    top: int | None = None,
    rel_tol: float = 1e-6,
) -> pd.DataFrame:
    """Binding capacity limits, ranked by marginal value within each unit.

    The marginal value (`limit_marginal_value`) is what one more unit of the limit would save in
    one year, in EUR per unit of the limit per year (`value_unit`, e.g. "EUR/(GW*yr)"). A limit
    is binding in a year when its marginal value exceeds max(1e-9, rel_tol x the largest
    marginal value of any limit with the same unit in the run). Values of different units
    (EUR per GW-year, EUR per Mt/yr-year) are not comparable, so:
    - rows are sorted by `limit_unit`, then by marginal value, highest first;
    - `rank_in_unit` (1 = most valuable) ranks within the unit over the selected years;
    - `order_by_value` is the combined order of all rows by the bare number (a rough
      cross-unit order only).

    `year` keeps one or several model years (None: all); `top` keeps the first `top` rows per unit.
    Columns: limit_unit, rank_in_unit, order_by_value, limit, limit_kind, limit_location,
    location_name, year, marginal_value_eur_per_unit_yr, value_unit, label (plain words with the
    year, e.g. "grid connection Chemelot, 2030").
    """
    meta = _limit_meta(ds)
    mv = ds["limit_marginal_value"].transpose("limit", "year")
    years = [int(y) for y in mv["year"].values]
    values = mv.values.astype(float)
    frame = pd.DataFrame(
        {
            "limit": np.repeat(meta["limit"].to_numpy(), len(years)),
            "year": np.tile(years, len(meta)),
            "marginal_value_eur_per_unit_yr": values.reshape(-1),
        }
    ).merge(meta, on="limit", how="left")
    frame = frame[np.isfinite(frame["marginal_value_eur_per_unit_yr"])]
    unit_max = frame.groupby("limit_unit")["marginal_value_eur_per_unit_yr"].transform(
        lambda s: s.abs().max()
    )
    tol = np.maximum(1e-9, rel_tol * unit_max)
    frame = frame[frame["marginal_value_eur_per_unit_yr"] > tol]
    if year is not None:
        wanted = [int(year)] if np.isscalar(year) else [int(y) for y in year]  # type: ignore[union-attr]
        frame = frame[frame["year"].isin(wanted)]
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
    frame["location_name"] = frame["limit_location"].map(cluster_name)
    frame["value_unit"] = frame["limit_unit"].map(lambda u: f"EUR/({u}*yr)" if u else "EUR/yr")
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
        "label",
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
