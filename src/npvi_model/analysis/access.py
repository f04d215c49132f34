"""When does each cluster get green access? Green share per cluster x carrier x model year and
the first (and lasting) year it reaches the access threshold.

Allocation rule ("pro_rata", the default). Which cluster a shared green MWh flows to is an
arbitrary choice of the solver among equally cheap routings, so access is not judged on the
routed flows. Instead, per carrier and model year, clusters joined by links of that carrier
with capacity > 0 in that year form one network (the clusters shared supply can reach), and
the network's green supply is shared over its demand pro rata:

- electricity: f_e = (offshore wind used + grid renewable share x grid supply) / (offshore wind
  used + grid supply + fossil fallback), summed over the network's clusters; the denominator
  is all electricity used there (industrial demand and electrolyser input; corridor flows
  cancel within a network). Every cluster of the network gets green share f_e;
- hydrogen: f_h = (electrolysis output x f_e of the electrolyser's electricity network
  + offshore electrolysis + imports) / hydrogen demand, summed over the network's clusters
  (imports count as green, as in the run's own green share);
- co2: f_c = CO2 captured / CO2 capture planned, summed over the clusters of a CO2 network.

Shares are capped at 1; a cluster without demand of that carrier gets NaN (never access).
Rule "as_routed" takes the run's `green_share` (the routed flows) instead. The rule does not
model how much a small link can carry: a cluster behind a thin pipe gets its network's share.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.io import Lookup, cluster_name

DEFAULT_GREEN_ACCESS_THRESHOLD = 0.9

_TOL = 1e-9


ALLOCATION_RULES = ("pro_rata", "as_routed")
#: the allocation rule in one sentence, for reports and tables
ALLOCATION_RULE_TEXT = (
    "Green supply that a network of clusters shares (clusters joined by links with capacity in "
    "that year) is allocated to the clusters pro rata to their demand, so every cluster of a "
    "network gets the network's green share, whatever way the solver routed the flows."
)


def _networks(ds: xr.Dataset, carrier: str, year: int) -> list[list[str]]:
    """Clusters joined by links of `carrier` with capacity > 0 in `year` (connected
    components, each in cluster order)."""
    clusters = [str(c) for c in ds["cluster"].values]
    parent = {c: c for c in clusters}

    def root(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    if "link" in ds.coords and ds.sizes.get("link", 0):
        cap = Lookup(ds["link_capacity"])
        links = zip(
            ds["link"].values.tolist(),
            ds["link_carrier"].values.tolist(),
            ds["link_from"].values.tolist(),
            ds["link_to"].values.tolist(),
            strict=True,
        )
        for lk, link_carrier, a, b in links:
            if str(link_carrier) != carrier:
                continue
            a, b = str(a), str(b)
            if a in parent and b in parent and cap(link=lk, year=year) > _TOL:
                parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for c in clusters:
        groups.setdefault(root(c), []).append(c)
    return list(groups.values())


def _supply_reader(ds: xr.Dataset):
    """`read(carrier, source, cluster, year)`: annual supply (TWh | Mt), 0 for a source the run
    lacks or a NaN value."""
    supply = Lookup(ds["supply"])

    def read(carrier: str, source: str, cluster: str, year: int) -> float:
        if not supply.has("source", source):
            return 0.0
        v = supply(carrier=carrier, source=source, cluster=cluster, year=year)
        return v if np.isfinite(v) else 0.0

    return read


def allocated_green_share(ds: xr.Dataset) -> xr.DataArray:
    """Green share (carrier, cluster, year) under the pro rata allocation rule (see the module
    docstring). Needs `grid_renewable_share` in the results; NaN where a cluster has no demand."""
    clusters = [str(c) for c in ds["cluster"].values]
    years = [int(y) for y in ds["year"].values]
    carriers = [str(c) for c in ds["carrier"].values]
    out = xr.DataArray(
        np.full((len(carriers), len(clusters), len(years)), np.nan),
        dims=("carrier", "cluster", "year"),
        coords={"carrier": carriers, "cluster": clusters, "year": years},
    )
    res = Lookup(ds["grid_renewable_share"])
    _supply = _supply_reader(ds)
    demand = Lookup(ds["demand"])
    for y in years:
        r = res(year=y)
        f_e: dict[str, float] = {}
        for net in _networks(ds, "electricity", y):
            green = sum(
                _supply("electricity", "offshore_wind", c, y)
                + r * _supply("electricity", "grid", c, y)
                for c in net
            )
            used = sum(
                _supply("electricity", s, c, y)
                for c in net
                for s in ("offshore_wind", "grid", "fallback")
            )
            share = min(1.0, green / used) if used > _TOL else 1.0
            f_e.update(dict.fromkeys(net, share))
        pooled = {"electricity": f_e}
        if "hydrogen" in carriers:
            f_h: dict[str, float] = {}
            for net in _networks(ds, "hydrogen", y):
                green = sum(
                    _supply("hydrogen", "electrolysis", c, y) * f_e[c]
                    + _supply("hydrogen", "offshore_electrolysis", c, y)
                    + _supply("hydrogen", "import_terminal", c, y)
                    for c in net
                )
                h2_demand = float(
                    np.nansum([demand(carrier="hydrogen", cluster=c, year=y) for c in net])
                )
                share = min(1.0, green / h2_demand) if h2_demand > _TOL else np.nan
                f_h.update(dict.fromkeys(net, share))
            pooled["hydrogen"] = f_h
        if "co2" in carriers:
            f_c: dict[str, float] = {}
            for net in _networks(ds, "co2", y):
                captured = sum(_supply("co2", "captured", c, y) for c in net)
                plan = float(np.nansum([demand(carrier="co2", cluster=c, year=y) for c in net]))
                share = min(1.0, captured / plan) if plan > _TOL else np.nan
                f_c.update(dict.fromkeys(net, share))
            pooled["co2"] = f_c
        for carrier, shares in pooled.items():
            for c in clusters:
                has_demand = demand(carrier=carrier, cluster=c, year=y) > _TOL
                at = (carriers.index(carrier), clusters.index(c), years.index(y))
                out.values[at] = max(0.0, shares[c]) if has_demand else np.nan
    return out


def access_timeline(
    ds: xr.Dataset, threshold: float | None = None, rule: str = "pro_rata"
) -> pd.DataFrame:
    """Green share per cluster x carrier x model year, and when each cluster gets green access.

    Definitions:
    - `green_share` (-): share of the cluster's annual demand met by green or low-carbon supply
      (for co2: the share of planned capture achieved), under the allocation `rule`: "pro_rata"
      (default; see the module docstring: a network's green supply shared over its demand;
      results without `grid_renewable_share` fall back to "as_routed") or "as_routed" (the
      run's `green_share`, which depends on how the solver routed shared supply);
      `green_share_as_routed` always gives the run's own figure and `rule` the rule used;
    - `reaches_threshold`: green_share >= threshold. The threshold is the argument, else the run's
      attribute `green_access_threshold`, else 0.9. A NaN share (no demand) never reaches it;
    - `first_access_year`: the first model year in which the cluster reaches the threshold for
      that carrier (NaN when it never does); `first_access` is the same as text, or "never";
    - `lasting_access_year`: the first model year from which the share stays at or above the
      threshold in every later model year (NaN when the last model year is below it).

    Returns one tidy frame, a row per cluster x carrier x year, with columns cluster,
    cluster_name, carrier, year, green_share, green_share_as_routed, rule, threshold,
    reaches_threshold, first_access_year,
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
    if rule not in ALLOCATION_RULES:
        raise ValueError(f"unknown allocation rule {rule!r}; expected one of {ALLOCATION_RULES}")
    routed = ds["green_share"].transpose("cluster", "carrier", "year")
    if rule == "pro_rata" and "grid_renewable_share" not in ds:
        rule = "as_routed"
    share = routed
    if rule == "pro_rata":
        share = allocated_green_share(ds).transpose("cluster", "carrier", "year")
    years = [int(y) for y in share["year"].values]
    rows = []
    for cl in share["cluster"].values:
        for ca in share["carrier"].values:
            values = share.sel(cluster=cl, carrier=ca).values.astype(float)
            as_routed = dict(zip(years, routed.sel(cluster=cl, carrier=ca).values, strict=True))
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
                        "green_share_as_routed": float(as_routed[y]),
                        "rule": rule,
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
