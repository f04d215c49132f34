"""When does each cluster get green access? Green share per cluster x carrier x model year and
the first (and lasting) year it reaches the access threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.io import cluster_name

DEFAULT_GREEN_ACCESS_THRESHOLD = 0.9

_TOL = 1e-9


def access_timeline(ds: xr.Dataset, threshold: float | None = None) -> pd.DataFrame:
    """Green share per cluster x carrier x model year, and when each cluster gets green access.

    Definitions:
    - `green_share` (-): share of the cluster's annual demand met by green or low-carbon supply,
      straight from the run's `green_share` (for co2: the share of planned capture achieved);
    - `reaches_threshold`: green_share >= threshold. The threshold is the argument, else the run's
      attribute `green_access_threshold`, else 0.9. A NaN share (no demand) never reaches it;
    - `first_access_year`: the first model year in which the cluster reaches the threshold for
      that carrier (NaN when it never does); `first_access` is the same as text, or "never";
    - `lasting_access_year`: the first model year from which the share stays at or above the
      threshold in every later model year (NaN when the last model year is below it).

    Returns one tidy frame, a row per cluster x carrier x year, with columns cluster,
    cluster_name, carrier, year, green_share, threshold, reaches_threshold, first_access_year,
    first_access, lasting_access_year. The per cluster x carrier columns repeat on every year;
    `first_access_table()` collapses them to one row per cluster x carrier.
    """
    thr = float(
        threshold
        if threshold is not None
        else ds.attrs.get("green_access_threshold", DEFAULT_GREEN_ACCESS_THRESHOLD)
    )
    if not np.isfinite(thr):
        thr = DEFAULT_GREEN_ACCESS_THRESHOLD
    share = ds["green_share"].transpose("cluster", "carrier", "year")
    years = [int(y) for y in share["year"].values]
    rows = []
    for cl in share["cluster"].values:
        for ca in share["carrier"].values:
            values = share.sel(cluster=cl, carrier=ca).values.astype(float)
            order = np.argsort(years)
            ys = [years[i] for i in order]
            vs = values[order]
            reached = [bool(np.isfinite(v) and v >= thr - _TOL) for v in vs]
            first = next((y for y, r in zip(ys, reached, strict=True) if r), None)
            lasting = None
            for i in range(len(ys) - 1, -1, -1):
                if not reached[i]:
                    break
                lasting = ys[i]
            for y, v, r in zip(ys, vs, reached, strict=True):
                rows.append(
                    {
                        "cluster": str(cl),
                        "cluster_name": cluster_name(cl),
                        "carrier": str(ca),
                        "year": y,
                        "green_share": float(v),
                        "threshold": thr,
                        "reaches_threshold": r,
                        "first_access_year": np.nan if first is None else float(first),
                        "first_access": "never" if first is None else str(first),
                        "lasting_access_year": np.nan if lasting is None else float(lasting),
                    }
                )
    return pd.DataFrame(rows)


def first_access_table(timeline: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster x carrier of an `access_timeline` frame: cluster, cluster_name,
    carrier, threshold, first_access_year, first_access ("never" if never), lasting_access_year,
    green_share_first_year and green_share_last_year (-)."""
    keys = ["cluster", "cluster_name", "carrier"]
    ordered = timeline.sort_values("year", kind="stable")
    grouped = ordered.groupby(keys, sort=False)
    out = grouped[["threshold", "first_access_year", "first_access", "lasting_access_year"]].first()
    out["green_share_first_year"] = grouped["green_share"].first()
    out["green_share_last_year"] = grouped["green_share"].last()
    return out.reset_index()
