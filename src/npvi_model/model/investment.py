"""Investment: capacity in service, new builds with lifetimes, lead times and build rates.

For every asset a (a technology at a location) and model year y:

    capacity_definition[a, y]:
        capacity[a, y] = existing[a, y]
                         + sum of new[a, v] over build years v with v <= y < v + life[a, v]

`capacity[a, y]` >= 0 is a variable with this one defining row where some build year v can be
in service in y; elsewhere it is fixed at existing[a, y] (a constant: no column, no row). Every
limit reads `capacity[a, y]`, so the sum over vintages is written once, not in every hourly
limit. `capacity_constant(m, a, y)` gives the constant (or None), so that a family can turn a
limit `flow <= factor x capacity` on a constant capacity into a bound of the flow.

- `new[a, v]` exists only from the asset's earliest year on (its lead time) and only where the
  data allow expansion (`expansion_limits.csv`); capacity that only the data schedule gives
  cannot grow.
- `expansion_cap[a]`: sum over v of new[a, v] <= max_new_capacity[a].
- `build_rate[a, y]`: new[a, y] <= max_build_per_year[a] x build years[a, y], the calendar years
  k of the block that ends at model year y (previous model year < k <= y) from the asset's
  earliest year on: y - max(previous model year, earliest - 1). Commissioning inside a block
  is thus counted year by year, and is in service from the model year that ends the block.
- `national_pace[g, y]` (`national_build_limits.csv`): for each technology g with a national
  pace and each model year y, the sum over all its assets (all clusters) of new[a, y]
  <= max(0, sum over the calendar years k of the block (previous model year < k <= y) of
  pace[g, k] - committed[g, y]) [GW/yr x yr = GW], pace[g, k] being the row in force in year
  k and committed[g, y] the scheduled capacity (committed projects) that comes into service in
  the block. Same year counting as `build_rate`; a block with a year before the first row has
  no national limit.
- `landing_limit[c, y]`: offshore wind landing at cluster c <= the cluster's landing limit (GW).
- `wind_roadmap[y]`: industry's offshore wind (all landing clusters plus offshore electrolysis)
  == the industry share of the national roadmap, shifted by the delay (`schedule` mode, the
  default: the roadmap is built; the model only chooses where it lands), or <= it (`max`
  mode: an optional cap). Both hold only in years where new offshore wind may be built; the
  share is never below the committed parks in service. A schedule that cannot land (landing
  limits, expansion caps or build rates too small) makes the model infeasible, and the
  diagnosis names `landing_limit` / `wind_roadmap` with the cluster and year (exit 3).

Annuity of a build: capex x CRF(wacc, life), paid in every model year the capacity is in service;
a build late in the horizon thus pays only for the years inside it (no end-of-horizon reward).
Units: capacity GW, GWh or Mt/yr; capex EUR/kW = MEUR/GW (EUR/kWh = MEUR/GWh; EUR/(t/yr) =
MEUR/(Mt/yr)); costs MEUR/yr.
"""

from __future__ import annotations

import json

import pyomo.environ as pyo


def capital_recovery_factor(rate: float, lifetime_years: float) -> float:
    """CRF = r / (1 - (1 + r)^-n); 1/n when r = 0."""
    if rate == 0:
        return 1.0 / lifetime_years
    return rate / (1.0 - (1.0 + rate) ** -lifetime_years)


def add_investment(m: pyo.ConcreteModel) -> None:
    d = m.data
    p = d.params
    years = d.years
    block_start = {y: years[i - 1] if i else y - d.year_weight[y] for i, y in enumerate(years)}

    def build_years(a: str, y: int) -> float:
        """Calendar years of the block ending at y in which a may be built."""
        return y - max(block_start[y], p["earliest_new_year"][a] - 1)

    buildable = [
        (a, y)
        for a in d.assets
        for y in years
        if p["max_new_capacity"][a] > 0 and y >= p["earliest_new_year"][a]
    ]
    m.BUILD = pyo.Set(
        initialize=buildable, dimen=2, ordered=True, doc="(asset, year) that may get new capacity"
    )
    m.new_capacity = pyo.Var(
        m.BUILD,
        domain=pyo.NonNegativeReals,
        doc="new capacity in service from year y [GW | GWh | Mt/yr]",
    )

    def in_service(a, y):
        return [v for (b, v) in buildable if b == a and v <= y < v + p["lifetime"][(a, v)]]

    service = {(a, y): in_service(a, y) for a in d.assets for y in years}

    m.capacity = pyo.Var(
        m.A, m.Y, domain=pyo.NonNegativeReals, doc="capacity in service [GW | GWh | Mt/yr]"
    )
    for (a, y), value in m.capacity.items():
        if not service[(a, y)]:
            value.fix(p["existing_capacity"][(a, y)])  # no vintage in service: a constant
    growing = [(a, y) for a in d.assets for y in years if service[(a, y)]]
    m.capacity_definition = pyo.Constraint(
        growing,
        rule=lambda m, a, y: (
            m.capacity[a, y]
            == p["existing_capacity"][(a, y)] + sum(m.new_capacity[a, v] for v in service[(a, y)])
        ),
        doc="capacity in service = existing + new builds still in service",
    )

    expandable = sorted({a for a, _ in buildable}, key=d.assets.index)
    m.expansion_cap = pyo.Constraint(
        expandable,
        rule=lambda m, a: (
            sum(m.new_capacity[a, v] for (b, v) in buildable if b == a) <= p["max_new_capacity"][a]
        ),
        doc="cumulative new capacity <= max_new_capacity",
    )
    m.build_rate = pyo.Constraint(
        m.BUILD,
        rule=lambda m, a, y: m.new_capacity[a, y] <= p["max_build_per_year"][a] * build_years(a, y),
        doc="new capacity per model step <= build rate x years in the step",
    )

    add_national_pace(m, buildable, block_start)

    wind = {c: d.asset("offshore_wind", c) for c in d.clusters}
    landing_clusters = [
        c for c in d.clusters if wind[c] and any(b == wind[c] for b, _ in buildable)
    ]
    m.landing_limit = pyo.Constraint(
        landing_clusters,
        m.Y,
        rule=lambda m, c, y: (
            m.capacity[wind[c], y]
            <= max(p["landing_limit_gw"][c], p["existing_capacity"][(wind[c], y)])
        ),
        doc="offshore wind landing at a cluster <= its landing limit [GW]",
    )
    industry_wind = [a for a in d.assets_of("offshore_wind") + d.assets_of("offshore_electrolysis")]

    def roadmap_rule(m, y):
        existing = sum(p["existing_capacity"][(a, y)] for a in industry_wind)
        limit = max(p["industry_wind_gw"][y], existing)
        total = sum(m.capacity[a, y] for a in industry_wind)
        if not any(b in industry_wind and v <= y for b, v in buildable):
            return pyo.Constraint.Skip
        if d.attrs["offshore_wind_roadmap_mode"] == "schedule":
            return total == limit
        return total <= limit

    m.wind_roadmap = pyo.Constraint(
        m.Y, rule=roadmap_rule, doc="industry offshore wind <= industry share of roadmap [GW]"
    )

    wacc = d.attrs["investment_wacc"]

    def annuity_rule(m, y):
        return sum(
            m.new_capacity[a, v]
            * p["capex"][(a, v)]
            * capital_recovery_factor(wacc, p["lifetime"][(a, v)])
            for a in expandable
            for v in service[(a, y)]
        )

    m.investment_annuity = pyo.Expression(m.Y, rule=annuity_rule, doc="annuities due [MEUR/yr]")
    m.fixed_om = pyo.Expression(
        m.Y,
        rule=lambda m, y: sum(m.capacity[a, y] * _zero_nan(p["fom"][(a, y)]) for a in d.assets),
        doc="fixed O&M [MEUR/yr]",
    )


def national_pace_limit(
    schedule: list[list[float]], first_year: int, last_year: int
) -> float | None:
    """New capacity allowed nationally in calendar years first_year..last_year [GW]: the sum
    over those years of the pace in force [GW/yr]; None if a year comes before the first row."""
    total = 0.0
    for k in range(first_year, last_year + 1):
        in_force = [pace for start, pace in schedule if start <= k]
        if not in_force:
            return None
        total += in_force[-1]  # rows sorted by from_year: the latest that has started
    return total


def add_national_pace(m: pyo.ConcreteModel, buildable: list, block_start: dict) -> None:
    """national_pace[g, y]: sum over assets a of technology g of new[a, y]
    <= max(0, sum over calendar years k in (previous model year, y] of pace[g, k]
              - committed[g, y]) [GW],
    committed[g, y] = sum over assets a of g of max(0, existing[a, y] - existing[a, y_prev]):
    the scheduled projects (e.g. `electrolyser_projects.csv`) that come into service in the
    block use the same national pace first."""
    d = m.data
    p = d.params
    schedules = json.loads(d.attrs.get("national_build_limits", "{}"))
    rows = {}
    for tech, schedule in sorted(schedules.items()):
        for i, y in enumerate(d.years):
            builds = [(a, v) for (a, v) in buildable if v == y and d.asset_tech[a] == tech]
            limit = national_pace_limit(schedule, int(block_start[y]) + 1, y)
            if not builds or limit is None:
                continue
            committed = sum(
                max(
                    0.0,
                    p["existing_capacity"][(a, y)] - p["existing_capacity"][(a, d.years[i - 1])],
                )
                for a in d.assets_of(tech)
                if i > 0
            )
            rows[(tech, y)] = (builds, max(0.0, limit - committed))
    m.national_pace = pyo.Constraint(
        sorted(rows),
        rule=lambda m, g, y: (
            sum(m.new_capacity[a, v] for a, v in rows[(g, y)][0]) <= rows[(g, y)][1]
        ),
        doc="national new capacity of a technology per model step <= national pace x years",
    )


def capacity_constant(m: pyo.ConcreteModel, asset: str, year: int) -> float | None:
    """Capacity of `asset` in `year` when no new build can be in service (fixed, a constant);
    None when it is a decision (a variable with its defining row)."""
    cap = m.capacity[asset, year]
    return float(cap.value) if cap.fixed else None


def _zero_nan(value: float) -> float:
    return 0.0 if value != value else value
