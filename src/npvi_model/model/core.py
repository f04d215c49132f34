"""Sets and parameters shared by every math family.

The inputs Dataset is turned into plain dicts once (fast to index while building); `m.data`
holds them. Money in MEUR, power in GW, energy in GWh, CO2 in Mt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
import xarray as xr

MEUR_PER_EUR_PER_MWH_GWH = 1e-3  # EUR/MWh x GWh = 1e3 EUR = 1e-3 MEUR
MT_PER_T_PER_MWH_GWH = 1e-3  # t/MWh x GWh = 1e3 t = 1e-3 Mt
GW_PER_TWH_PER_YR = 1000.0 / 8760.0  # average power of 1 TWh/yr


@dataclass
class ModelData:
    """Everything the families need, as dicts keyed by set members."""

    years: list[int]
    clusters: list[str]
    slices: list[int]
    assets: list[str]
    asset_tech: dict[str, str]
    asset_loc: dict[str, str]
    asset_from: dict[str, str]
    asset_to: dict[str, str]
    year_weight: dict[int, float]
    discount_weight: dict[int, float]
    slice_weight: dict[int, float]
    slice_period: dict[int, int]
    slice_hour: dict[int, int]
    day_period: list[int]
    periods: list[int]
    hours_per_period: int
    wind_cf: dict[int, float]
    elec_profile: dict[int, float]
    params: dict[str, dict] = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    grid_steps: list[str] = field(default_factory=list)

    def assets_of(self, tech: str) -> list[str]:
        return [a for a in self.assets if self.asset_tech[a] == tech]

    def asset(self, tech: str, location: str) -> str | None:
        name = f"{tech}:{location}"
        return name if name in self.asset_tech else None


def _by(da: xr.DataArray) -> dict:
    """A DataArray as a dict keyed by its coordinate values (tuples for 2-D)."""
    if da.ndim == 1:
        return {
            k.item() if hasattr(k, "item") else k: float(v)
            for k, v in zip(da[da.dims[0]].values, da.values, strict=True)
        }
    out = {}
    d0, d1 = da.dims
    for i, a in enumerate(da[d0].values):
        for j, b in enumerate(da[d1].values):
            out[(a.item() if hasattr(a, "item") else a, b.item() if hasattr(b, "item") else b)] = (
                float(da.values[i, j])
            )
    return out


def model_data(inputs: xr.Dataset) -> ModelData:
    years = [int(y) for y in inputs.year.values]
    d = ModelData(
        years=years,
        clusters=[str(c) for c in inputs.cluster.values],
        slices=[int(s) for s in inputs.slice.values],
        assets=[str(a) for a in inputs.asset.values],
        asset_tech=dict(zip(inputs.asset.values, inputs.asset_technology.values, strict=True)),
        asset_loc=dict(zip(inputs.asset.values, inputs.asset_location.values, strict=True)),
        asset_from=dict(zip(inputs.asset.values, inputs.asset_from.values, strict=True)),
        asset_to=dict(zip(inputs.asset.values, inputs.asset_to.values, strict=True)),
        year_weight=_by(inputs.year_weight),
        discount_weight=_by(inputs.discount_weight),
        slice_weight=_by(inputs.slice_weight_h),
        slice_period={
            int(s): int(p)
            for s, p in zip(inputs.slice.values, inputs.slice_period.values, strict=True)
        },
        slice_hour={
            int(s): int(h)
            for s, h in zip(inputs.slice.values, inputs.slice_hour.values, strict=True)
        },
        day_period=[int(p) for p in inputs.day_period.values],
        periods=sorted({int(p) for p in inputs.slice_period.values}),
        hours_per_period=int(inputs.attrs["hours_per_period"]),
        wind_cf=_by(inputs.offshore_wind_cf),
        elec_profile=_by(inputs.electricity_profile),
        attrs=dict(inputs.attrs),
    )
    for name, da in inputs.data_vars.items():
        if set(da.dims) <= {"year", "cluster", "asset"} and da.ndim in (1, 2):
            d.params[name] = _by(da)
        elif "grid_step" in da.dims:  # power-system supply steps, keyed (step, year[, slice])
            d.params[name] = _by_index(da)
    d.grid_steps = [str(s) for s in inputs.grid_step.values] if "grid_step" in inputs else []
    return d


def _by_index(da: xr.DataArray) -> dict:
    """Any DataArray as a dict keyed by tuples of its coordinate values, in dimension order."""
    coords = [[v.item() if hasattr(v, "item") else v for v in da[dim].values] for dim in da.dims]
    return {
        tuple(coords[k][i] for k, i in enumerate(idx)): float(v)
        for idx, v in np.ndenumerate(da.values)
    }


def add_sets(m: pyo.ConcreteModel, inputs: xr.Dataset) -> None:
    """Sets: years Y, clusters C, time slices T, assets A."""
    d = model_data(inputs)
    m.data = d
    m.Y = pyo.Set(initialize=d.years, ordered=True, doc="model years")
    m.C = pyo.Set(initialize=d.clusters, ordered=True, doc="clusters")
    m.T = pyo.Set(initialize=d.slices, ordered=True, doc="time slices")
    m.A = pyo.Set(initialize=d.assets, ordered=True, doc="assets (technology:location)")
    total = float(np.sum(list(d.slice_weight.values())))
    if abs(total - 8760.0) > 1e-6:
        raise ValueError(f"slice weights sum to {total} h, expected 8760 h")


def add_two_way_links(m: pyo.ConcreteModel, links: list[str], name: str, link_set: str):
    """Flows on links that carry a carrier both ways, and the net inflow they give a cluster.

    `{name}_forward[l, y, t]` (from `from` to `to`) and `{name}_backward[l, y, t]` are >= 0 and
    each <= the link's capacity (`{name}_limit_forward`, `{name}_limit_backward`) [GW].
    Returns net_inflow(c, y, t) = sum over links ending at c of (forward - backward)
    + sum over links starting at c of (backward - forward).
    """
    d = m.data
    m.add_component(link_set, pyo.Set(initialize=links, ordered=True))
    index = (getattr(m, link_set), m.Y, m.T)
    forward = pyo.Var(*index, domain=pyo.NonNegativeReals, doc="flow from `from` to `to` [GW]")
    backward = pyo.Var(*index, domain=pyo.NonNegativeReals, doc="flow from `to` to `from` [GW]")
    m.add_component(f"{name}_forward", forward)
    m.add_component(f"{name}_backward", backward)
    m.add_component(
        f"{name}_limit_forward",
        pyo.Constraint(*index, rule=lambda m, lk, y, t: forward[lk, y, t] <= m.capacity[lk, y]),
    )
    m.add_component(
        f"{name}_limit_backward",
        pyo.Constraint(*index, rule=lambda m, lk, y, t: backward[lk, y, t] <= m.capacity[lk, y]),
    )
    ending = {c: [lk for lk in links if d.asset_to[lk] == c] for c in d.clusters}
    starting = {c: [lk for lk in links if d.asset_from[lk] == c] for c in d.clusters}

    def net_inflow(c: str, y: int, t: int):
        return sum(forward[lk, y, t] - backward[lk, y, t] for lk in ending[c]) + sum(
            backward[lk, y, t] - forward[lk, y, t] for lk in starting[c]
        )

    return net_inflow


def limit_by_capacity(m: pyo.ConcreteModel, name: str, flow, asset_of, factor=None) -> None:
    """`{name}[c, y, t]`: flow[c, y, t] <= factor(c, y, t) x capacity[asset_of(c), y], written
    in the leanest form that means the same:

    - a row where the capacity is a decision (a variable, `investment.py`);
    - an upper bound of the flow where the capacity is a constant (no build in service);
    - the flow fixed at 0 (no column) where there is no asset (`asset_of` gives None), or
      where the factor or the constant capacity is 0.

    For limits whose dual the results do not read (they are not reported as bottlenecks).
    `flow` is indexed like the limit; its first two indices are (cluster or asset, year)."""
    from npvi_model.model.investment import capacity_constant

    rows = []
    for index, var in flow.items():
        key, y = index[0], index[1]
        asset = asset_of(key)
        scale = 1.0 if factor is None else factor(*index)
        if asset is None or scale == 0:
            var.fix(0.0)
            continue
        constant = capacity_constant(m, asset, y)
        if constant is None:
            rows.append(index)
        elif scale * constant > 0:
            var.setub(scale * constant)
        else:
            var.fix(0.0)

    def rule(m, *index):
        scale = 1.0 if factor is None else factor(*index)
        return flow[index] <= scale * m.capacity[asset_of(index[0]), index[1]]

    index_set = pyo.Set(initialize=rows, dimen=flow.index_set().dimen, ordered=True)
    m.add_component(f"{name}_index", index_set)
    m.add_component(name, pyo.Constraint(index_set, rule=rule))


def fix_where_zero(var) -> None:
    """Fix at 0 (no column in the LP) each element of `var` whose bounds are both 0."""
    for element in var.values():
        if element.lb == 0 and element.ub == 0:
            element.fix(0.0)
