"""Hydrogen: the balance per cluster, year and time slice; electrolysis, imports, backbone, storage.

    h2_balance[c, y, t]:
        efficiency[y] x electrolyser input + offshore electrolysis (landing cluster only)
        + import + backbone inflow - backbone outflow + storage discharge - storage charge
        + fallback = hydrogen demand                                              [GW H2, LHV]

- Electrolysers run flexibly: their input is any value up to capacity in every slice.
- `offshore_electrolysis_limit`: H2 from offshore electrolysis <= wind capacity factor[t] x
  capacity x efficiency[y] (the electrolyser sits on its own wind park at sea); an upper bound
  of the H2 where the capacity is a constant (`core.limit_by_capacity`).
- `import_limit`: import <= terminal capacity; zero before the scenario's first import year.
- `backbone_limit_forward/backward`: flow on a section <= its capacity, each way; a section not
  yet open has capacity 0. Import and backbone limits stay rows even on a constant capacity:
  their duals are the limits' marginal values (`extract_limits.py`).
- hydrogen fallback limit: grey hydrogen serves demand only: 0 <= fallback <= demand, the
  bounds of the fallback variable.
- Storage (salt caverns) across representative days, after Kotzur et al. (2018):
  within a day the level relative to the day's start evolves as
  `level_in_day[t] = level_in_day[t-1] + charge[t] - discharge[t]` (1-h slices, from 0);
  across the 365 calendar days `level_at_day_start[d+1] = level_at_day_start[d] + the net change
  of the representative day of d`, cyclic over the year; and
  `0 <= level_at_day_start[d] + min/max of level_in_day over that day <= energy capacity`.
  With full hours there is one 8760-h period and the year is cyclic.
- `storage_charge_limit`, `storage_discharge_limit`: charge and discharge <= power ratio (1/h)
  x energy capacity; upper bounds of charge and discharge where the capacity is a constant.

Hydrogen demand in TWh/yr is flat: TWh x 1000 / 8760 GW.

Path rules (national, per year, only in years where the scenario sets them; `path_rules.py`).
With W[t] the slice weight [h], domestic[y] = sum over c, t of W[t] x (efficiency[y] x
electrolyser input + offshore electrolysis) and imported[y] = sum over c, t of W[t] x import [GWh]:
- `h2_import_share_limit[y]`: imported[y] <= import share[y] x national H2 demand[y] x 1000 [GWh]
  (how much the path may import);
- `h2_domestic_share_min[y]`: domestic[y] >= domestic share[y] x (domestic[y] + imported[y])
  [GWh] (how much of the green hydrogen must be made in the Netherlands);
- `rfnbo_share_min[y]` (RED III option): domestic[y] + imported[y] + rfnbo_gap[y]
  >= RFNBO share[y] x national H2 demand[y] x 1000 [GWh], rfnbo_gap >= 0 priced at the RFNBO
  penalty (EUR/MWh x GWh x 1e-3 = MEUR). All electrolytic and imported hydrogen counts as RFNBO
  (the delegated act's additionality and correlation rules are not modelled).
Their one-sided values (what relaxing each by 1 GWh saves, `one_sided.py`, in place of the duals
that a degenerate optimum leaves open; EUR/MWh after dividing by the discount weight and x 1e3)
are `path_rule_value`.
"""

from __future__ import annotations

import pyomo.environ as pyo

from npvi_model.model.core import (
    GW_PER_TWH_PER_YR,
    add_two_way_links,
    fix_where_zero,
    limit_by_capacity,
)


def h2_demand_gw(m, c: str, y: int) -> float:
    return m.data.params["hydrogen_demand_twh"][(c, y)] * GW_PER_TWH_PER_YR


def add_hydrogen(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    links = d.assets_of("h2_pipeline")
    backbone_net_inflow = add_two_way_links(m, links, "backbone", "H_LINKS")
    terminal = {c: d.asset("h2_import_terminal", c) for c in d.clusters}
    storage = {c: d.asset("h2_storage", c) for c in d.clusters}
    offshore = d.assets_of("offshore_electrolysis")
    buildable = {a for a, _ in m.BUILD}
    store_clusters = [
        c
        for c in d.clusters
        if storage[c]
        and (
            storage[c] in buildable
            or any(p["existing_capacity"][(storage[c], y)] > 0 for y in d.years)
        )
    ]
    m.OFFSHORE_ELY = pyo.Set(initialize=offshore, ordered=True)
    m.STORE_C = pyo.Set(initialize=store_clusters, ordered=True, doc="clusters with H2 storage")

    m.offshore_h2 = pyo.Var(
        m.OFFSHORE_ELY,
        m.Y,
        m.T,
        domain=pyo.NonNegativeReals,
        doc="H2 landed from offshore electrolysis [GW]",
    )
    m.h2_import = pyo.Var(m.C, m.Y, m.T, domain=pyo.NonNegativeReals, doc="H2 imported [GW]")
    m.h2_fallback = pyo.Var(
        m.C,
        m.Y,
        m.T,
        bounds=lambda m, c, y, t: (0.0, h2_demand_gw(m, c, y)),
        doc="H2 demand left on grey hydrogen, at most the demand [GW]",
    )
    fix_where_zero(m.h2_fallback)  # no demand: no fallback
    m.storage_charge = pyo.Var(m.STORE_C, m.Y, m.T, domain=pyo.NonNegativeReals, doc="[GW]")
    m.storage_discharge = pyo.Var(m.STORE_C, m.Y, m.T, domain=pyo.NonNegativeReals, doc="[GW]")

    limit_by_capacity(
        m,
        "offshore_electrolysis_limit",
        m.offshore_h2,
        lambda a: a,
        lambda a, y, t: d.wind_cf[t] * p["offshore_electrolysis_efficiency"][y],
    )
    first_import = d.attrs["h2_import_earliest_year"]
    m.import_limit = pyo.Constraint(
        m.C,
        m.Y,
        m.T,
        rule=lambda m, c, y, t: (
            m.h2_import[c, y, t]
            <= (m.capacity[terminal[c], y] if terminal[c] and y >= first_import else 0.0)
        ),
    )
    _add_storage(m, storage)

    landing = {c: [a for a in offshore if d.asset_loc[a] == c] for c in d.clusters}

    def balance_rule(m, c, y, t):
        net_import = backbone_net_inflow(c, y, t)
        storage_net = (
            m.storage_discharge[c, y, t] - m.storage_charge[c, y, t] if c in store_clusters else 0.0
        )
        produced = p["electrolyser_efficiency"][y] * m.electrolyser_input[c, y, t] + sum(
            m.offshore_h2[a, y, t] for a in landing[c]
        )
        return (
            produced + m.h2_import[c, y, t] + net_import + storage_net + m.h2_fallback[c, y, t]
        ) == h2_demand_gw(m, c, y)

    m.h2_balance = pyo.Constraint(m.C, m.Y, m.T, rule=balance_rule)
    _add_path_rules(m, landing)
    m.h2_import_cost = pyo.Expression(
        m.Y,
        rule=lambda m, y: sum(
            d.slice_weight[t] * p["price_hydrogen_import"][y] * 1e-3 * m.h2_import[c, y, t]
            for c in d.clusters
            for t in d.slices
        ),
        doc="[MEUR/yr]",
    )


def _add_path_rules(m: pyo.ConcreteModel, landing: dict) -> None:
    """National import share, domestic share and RFNBO share of hydrogen (see module doc)."""
    d = m.data
    p = d.params

    def domestic_gwh(m, y):
        eta = p["electrolyser_efficiency"][y]
        return sum(
            d.slice_weight[t]
            * (
                eta * m.electrolyser_input[c, y, t]
                + sum(m.offshore_h2[a, y, t] for a in landing[c])
            )
            for c in d.clusters
            for t in d.slices
        )

    def imported_gwh(m, y):
        return sum(d.slice_weight[t] * m.h2_import[c, y, t] for c in d.clusters for t in d.slices)

    def demand_gwh(y):
        return 1000.0 * sum(p["hydrogen_demand_twh"][(c, y)] for c in d.clusters)

    def years_with(rule: str) -> list[int]:
        values = p.get(rule, {})
        return [y for y in d.years if values.get(y, float("nan")) == values.get(y, float("nan"))]

    m.H2_IMPORT_RULE_YEARS = pyo.Set(initialize=years_with("h2_import_max_share"), ordered=True)
    m.H2_DOMESTIC_RULE_YEARS = pyo.Set(initialize=years_with("h2_domestic_min_share"), ordered=True)
    m.RFNBO_YEARS = pyo.Set(initialize=years_with("rfnbo_min_share"), ordered=True)
    m.h2_import_share_limit = pyo.Constraint(
        m.H2_IMPORT_RULE_YEARS,
        rule=lambda m, y: imported_gwh(m, y) <= p["h2_import_max_share"][y] * demand_gwh(y),
    )
    m.h2_domestic_share_min = pyo.Constraint(
        m.H2_DOMESTIC_RULE_YEARS,
        rule=lambda m, y: (
            domestic_gwh(m, y)
            >= p["h2_domestic_min_share"][y] * (domestic_gwh(m, y) + imported_gwh(m, y))
        ),
    )
    m.rfnbo_gap = pyo.Var(m.RFNBO_YEARS, domain=pyo.NonNegativeReals, doc="[GWh]")
    m.rfnbo_share_min = pyo.Constraint(
        m.RFNBO_YEARS,
        rule=lambda m, y: (
            domestic_gwh(m, y) + imported_gwh(m, y) + m.rfnbo_gap[y]
            >= p["rfnbo_min_share"][y] * demand_gwh(y)
        ),
    )
    penalty = d.attrs.get("rfnbo_gap_penalty_eur_per_mwh", 0.0)
    m.rfnbo_gap_cost = pyo.Expression(
        m.Y,
        rule=lambda m, y: penalty * 1e-3 * m.rfnbo_gap[y] if y in m.RFNBO_YEARS else 0.0,
        doc="[MEUR/yr]",
    )


def _add_storage(m: pyo.ConcreteModel, storage: dict) -> None:
    d = m.data
    p = d.params
    periods = d.periods
    days = list(range(len(d.day_period)))
    last_slice = {q: max(t for t in d.slices if d.slice_period[t] == q) for q in periods}
    first_in_period = {t: (d.slice_hour[t] == 0) for t in d.slices}
    m.PERIODS = pyo.Set(initialize=periods, ordered=True)
    m.DAYS = pyo.Set(initialize=days, ordered=True)
    m.level_in_day = pyo.Var(m.STORE_C, m.Y, m.T, doc="level relative to period start [GWh]")
    m.level_in_day_max = pyo.Var(m.STORE_C, m.Y, m.PERIODS, domain=pyo.NonNegativeReals)
    m.level_in_day_min = pyo.Var(m.STORE_C, m.Y, m.PERIODS, domain=pyo.NonPositiveReals)
    m.level_at_day_start = pyo.Var(
        m.STORE_C,
        m.Y,
        m.DAYS,
        domain=pyo.NonNegativeReals,
        doc="level at the start of each calendar day [GWh]",
    )

    def power_ratio(c, y, t):
        return p["h2_storage_power_ratio"][c]

    limit_by_capacity(m, "storage_charge_limit", m.storage_charge, storage.get, power_ratio)
    limit_by_capacity(m, "storage_discharge_limit", m.storage_discharge, storage.get, power_ratio)

    def continuity_rule(m, c, y, t):
        before = 0.0 if first_in_period[t] else m.level_in_day[c, y, t - 1]
        return (
            m.level_in_day[c, y, t]
            == before + m.storage_charge[c, y, t] - m.storage_discharge[c, y, t]
        )

    m.storage_continuity = pyo.Constraint(m.STORE_C, m.Y, m.T, rule=continuity_rule)
    m.storage_in_day_max = pyo.Constraint(
        m.STORE_C,
        m.Y,
        m.T,
        rule=lambda m, c, y, t: (
            m.level_in_day[c, y, t] <= m.level_in_day_max[c, y, d.slice_period[t]]
        ),
    )
    m.storage_in_day_min = pyo.Constraint(
        m.STORE_C,
        m.Y,
        m.T,
        rule=lambda m, c, y, t: (
            m.level_in_day[c, y, t] >= m.level_in_day_min[c, y, d.slice_period[t]]
        ),
    )

    def across_days_rule(m, c, y, day):
        nxt = (day + 1) % len(days)
        delta = m.level_in_day[c, y, last_slice[d.day_period[day]]]
        return m.level_at_day_start[c, y, nxt] == m.level_at_day_start[c, y, day] + delta

    m.storage_across_days = pyo.Constraint(m.STORE_C, m.Y, m.DAYS, rule=across_days_rule)
    m.storage_level_max = pyo.Constraint(
        m.STORE_C,
        m.Y,
        m.DAYS,
        rule=lambda m, c, y, day: (
            m.level_at_day_start[c, y, day] + m.level_in_day_max[c, y, d.day_period[day]]
            <= m.capacity[storage[c], y]
        ),
    )
    m.storage_level_min = pyo.Constraint(
        m.STORE_C,
        m.Y,
        m.DAYS,
        rule=lambda m, c, y, day: (
            m.level_at_day_start[c, y, day] + m.level_in_day_min[c, y, d.day_period[day]] >= 0
        ),
    )
