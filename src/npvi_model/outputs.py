"""The output dictionary: every variable of `results.nc`, with dims, unit and sign convention.

The extract stage writes exactly these variables, the analysis stage reads them, and
`docs/outputs.md` is generated from this module (`npvi outputs-dictionary`).

Sign conventions:
- quantities (demand, supply, capacity, flows, emissions, costs) are non-negative;
- `dispatch_gw` carries the balance sign: positive feeds the cluster's balance (supply,
  inflow, storage discharge), negative draws from it (demand, outflow, electrolyser input,
  storage charge); the sum over `component` is zero in every cluster, year and slice;
- prices (`carrier_price`) are the duals of the balances: what a little less demand at that
  cluster would save (where the optimum leaves a range of prices, its low end, the same
  whichever algorithm solved: `unique_duals.py`), undiscounted, in EUR per MWh (electricity,
  hydrogen) or EUR per t (CO2);
- `limit_marginal_value` is the value of one more unit of a capacity limit for one year,
  undiscounted and positive when the limit binds, in EUR per unit of capacity per year (of
  two limits that stop the same unit, one carries the value: `unique_duals.py`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputVar:
    name: str
    dims: tuple[str, ...]
    unit: str
    description: str


DIMS = {
    "year": "model year",
    "cluster": "cluster id (sets.CLUSTERS)",
    "carrier": "electricity, hydrogen, co2",
    "sector": "refining, chemicals, fertiliser, steel, other",
    "slice": "time slice within a year (representative hour, or hour of year with --hours full)",
    "source": "supply source, see `supply`",
    "technology": "technology id (tables.TECHNOLOGIES)",
    "link": "corridor, backbone section or CO2 pipeline id",
    "limit": "a capacity limit, named `kind:location` (see limit_* coordinates)",
    "cause": "cause of emissions (assumed abatements are negative)",
    "cost_component": "part of the system cost",
    "component": "term of a carrier balance in `dispatch_gw`",
    "target": "policy target id (tables.TARGETS)",
    "grid_step": "supply step of grid electricity (renewable_surplus, dispatchable)",
    "path_rule": "national hydrogen path rule (h2_import_max_share, h2_domestic_min_share, "
    "rfnbo_min_share)",
}

#: supply sources per carrier (the `source` dim); `fallback` is the fossil route = shortfall
SUPPLY_SOURCES = {
    "electricity": ("offshore_wind", "grid", "corridor_net_import", "fallback"),
    "hydrogen": (
        "electrolysis",
        "offshore_electrolysis",
        "import_terminal",
        "backbone_net_import",
        "storage_net_discharge",
        "fallback",
    ),
    "co2": ("captured", "fallback"),
}
ALL_SOURCES = tuple(dict.fromkeys(s for v in SUPPLY_SOURCES.values() for s in v))
#: terms of the hourly balances in `dispatch_gw`: the electricity and hydrogen sources, then the
#: withdrawals (`demand`, and the electricity that feeds electrolysers)
DISPATCH_COMPONENTS = (
    *(s for s in ALL_SOURCES if s != "captured"),
    "demand",
    "electrolyser_input",
)

#: causes of emissions; the two assumed (exogenous) abatements are negative, named, not netted:
#: `other_processes` is before them, and the causes add up to `emissions`
EMISSION_CAUSES = (
    "other_processes",
    "assumed_process_abatement",
    "electrification_credit",
    "electricity_fallback",
    "hydrogen_fallback",
    "co2_not_captured",
)
COST_COMPONENTS = (
    "investment_annuity",
    "fixed_om",
    "sunk_fixed_om",
    "grid_electricity",
    "hydrogen_import",
    "fallback_fuel",
    "co2_emission",
    "co2_transport_storage",
    "emission_cap_penalty",
    "green_shortfall_penalty",
    "rfnbo_gap_penalty",
    "tie_break",
)

OUTPUT_VARIABLES: tuple[OutputVar, ...] = (
    OutputVar(
        "slice_weight_h",
        ("slice",),
        "h",
        "hours of the year each time slice stands for; sums to 8760",
    ),
    OutputVar(
        "demand",
        ("carrier", "cluster", "year"),
        "TWh | Mt",
        "annual demand: electricity and hydrogen in TWh (LHV), co2 = CO2 planned to be "
        "captured in Mt",
    ),
    OutputVar(
        "demand_by_sector",
        ("carrier", "sector", "cluster", "year"),
        "TWh | Mt",
        "annual demand split by sector",
    ),
    OutputVar(
        "supply",
        ("carrier", "source", "cluster", "year"),
        "TWh | Mt",
        "annual supply by source; net imports may be negative (net export); for co2, "
        "`captured` is CO2 captured and `fallback` is planned capture not achieved",
    ),
    OutputVar(
        "unmet",
        ("carrier", "cluster", "year"),
        "TWh | Mt",
        "demand served by the fossil fallback route (the shortfall)",
    ),
    OutputVar(
        "green_share",
        ("carrier", "cluster", "year"),
        "-",
        "share of demand met by green or low-carbon supply, as routed by the solver (see docs; "
        "access years use the pro rata rule of analysis/access.py)",
    ),
    OutputVar(
        "grid_renewable_share",
        ("year",),
        "-",
        "share of grid electricity to industry from CO2-free supply steps (solved), "
        "for green shares",
    ),
    OutputVar(
        "capacity",
        ("technology", "cluster", "year"),
        "GW | GWh | Mt/yr",
        "capacity in service at the cluster (unit per technology in attrs)",
    ),
    OutputVar(
        "new_capacity",
        ("technology", "cluster", "year"),
        "GW | GWh | Mt/yr",
        "capacity newly built by the model, in service from this model year",
    ),
    OutputVar(
        "link_capacity",
        ("link", "year"),
        "GW | Mt/yr",
        "capacity of a corridor, backbone section or CO2 pipeline",
    ),
    OutputVar(
        "link_flow",
        ("link", "year"),
        "TWh | Mt",
        "annual flow on a link (sum of both directions for electricity and hydrogen)",
    ),
    OutputVar(
        "link_utilisation",
        ("link", "year"),
        "-",
        "annual flow divided by capacity x 8760 h (or x 1 yr for CO2)",
    ),
    OutputVar(
        "curtailment", ("cluster", "year"), "TWh", "offshore wind energy available but not used"
    ),
    OutputVar(
        "h2_storage_throughput", ("cluster", "year"), "TWh", "hydrogen discharged from storage"
    ),
    OutputVar(
        "co2_stored", ("cluster", "year"), "Mt", "CO2 injected into sinks reached from the cluster"
    ),
    OutputVar("emissions", ("year",), "Mt", "national industry CO2 emissions"),
    OutputVar(
        "emissions_by_cause",
        ("cause", "year"),
        "Mt",
        "emissions split by cause; `assumed_process_abatement` (the scenario's "
        "other_emissions_abatement) and `electrification_credit` (electricity demand above "
        "the 2025 level taken off the fossil reference; grid emissions are scope 2) are "
        "assumed, not chosen by the model, and negative",
    ),
    OutputVar("emissions_by_cluster", ("cluster", "year"), "Mt", "emissions per cluster"),
    OutputVar("emission_target", ("year",), "Mt", "emission cap of the scenario (NaN: none)"),
    OutputVar(
        "policy_target",
        ("target", "year"),
        "GW | Mt",
        "policy targets (electrolysis_gw, offshore_wind_gw, industry_emissions_mt) "
        "interpolated to model years where given, NaN elsewhere",
    ),
    OutputVar("emission_gap", ("year",), "Mt", "emissions above the cap (0 when met)"),
    OutputVar(
        "cost",
        ("cost_component", "year"),
        "EUR/yr",
        "undiscounted annual system cost; component tie_break is not part of it",
    ),
    OutputVar(
        "carrier_price",
        ("carrier", "cluster", "year"),
        "EUR/MWh | EUR/t",
        "demand-weighted average balance dual (marginal cost of supply)",
    ),
    OutputVar(
        "limit_marginal_value",
        ("limit", "year"),
        "EUR/(unit*yr)",
        "value of one more unit of the limit for one year; unit per limit in the "
        "`limit_unit` coordinate",
    ),
    # --- the two gaps (extract_gaps.py, docs/gaps.md) ---
    OutputVar(
        "delivery_gap",
        ("carrier", "cluster", "year"),
        "TWh | Mt",
        "past niet tijdig: green demand that cannot be delivered in time (the fallback of a "
        "delivery-first solve); NaN in a cost-only solve",
    ),
    OutputVar(
        "green_delivered",
        ("carrier", "cluster", "year"),
        "TWh | Mt",
        "demand met by green supply (electricity, hydrogen) or CO2 captured and stored",
    ),
    OutputVar(
        "green_marginal_cost",
        ("carrier", "cluster", "year"),
        "EUR/MWh | EUR/t",
        "balance dual averaged over the green energy delivered, leaving out slices at the "
        "shortfall value (delivery-first only)",
    ),
    OutputVar(
        "fossil_route_cost",
        ("carrier", "year"),
        "EUR/MWh | EUR/t",
        "gas x gas price + emission factor x CO2 price (CO2: the CO2 price)",
    ),
    OutputVar(
        "cost_gap",
        ("carrier", "cluster", "year"),
        "EUR/MWh | EUR/t",
        "onrendabele top: green marginal cost minus fossil-route cost (> 0: green is dearer)",
    ),
    OutputVar(
        "path_rule_value",
        ("path_rule", "year"),
        "EUR/MWh",
        "value of relaxing a national hydrogen path rule by one MWh, undiscounted (0: not "
        "binding or not set); one-sided (re-solved with the rule relaxed), so the same at "
        "every optimal vertex",
    ),
    OutputVar(
        "limit_capacity",
        ("limit", "year"),
        "GW | GWh | Mt/yr",
        "size of the limit in that year (asset capacity; landing limit; roadmap; build rate "
        "per year); 0 where the asset does not exist (yet)",
    ),
    OutputVar(
        "limit_can_grow",
        ("limit", "year"),
        "-",
        "1 when the limit can be relaxed by building in that year (the asset may get new "
        "capacity in service then), else 0",
    ),
    OutputVar(
        "dispatch_gw",
        ("carrier", "component", "cluster", "year", "slice"),
        "GW",
        "hourly balance terms of electricity and hydrogen (balance sign)",
    ),
)
# --- the power system behind the grid connections (model/power_system.py) ---
OUTPUT_VARIABLES += (
    OutputVar(
        "grid_supply_by_step",
        ("grid_step", "year"),
        "TWh",
        "grid electricity delivered to all clusters, by supply step of the power system",
    ),
    OutputVar(
        "grid_step_available",
        ("grid_step", "year"),
        "TWh",
        "what each supply step could deliver to industry over the year (national limit)",
    ),
    OutputVar(
        "grid_price",
        ("year", "slice"),
        "EUR/MWh",
        "hourly grid electricity price: dual of the national grid balance (the dearest step "
        "in use, plus the scarcity rent when the national limit binds), undiscounted",
    ),
    OutputVar(
        "residual_load",
        ("year", "slice"),
        "GW",
        "national load outside industry minus onshore wind, solar PV and the non-industry "
        "share of offshore wind: negative = renewable surplus (NaN where not given)",
    ),
    OutputVar(
        "scope2_emissions",
        ("year",),
        "Mt",
        "CO2 of the grid electricity industry takes (power sector, scope 2); not part of "
        "`emissions` and not under the caps",
    ),
)
OUTPUT_NAMES = tuple(v.name for v in OUTPUT_VARIABLES)

#: Attributes (metadata) of results.nc; JSON strings where noted
ATTRIBUTES = {
    "scenario": "scenario name",
    "description": "scenario description",
    "resolved_scenario": "JSON: the resolved, validated scenario",
    "scenario_files": "JSON: the extends chain, root first",
    "provenance": "JSON: for every scenario value, the file that set it",
    "data_overrides_applied": "JSON: each data override applied (table, row, column, old, new)",
    "input_sha256": "SHA-256 of the data tables read, the hourly series used and the scenario",
    "versions": "JSON: npvi_model, Pyomo, highspy, xarray, Python versions",
    "solver_options": "JSON: the HiGHS options used",
    "solver_status": "optimal (runs with another status write nothing)",
    "objective_eur": "total discounted system cost, EUR (without the tie-break cost)",
    "tie_break_cost_eur": "discounted tie-break cost in the solver's objective, EUR "
    "(model/tie_breaks.py; 0 when off)",
    "objective_with_tie_breaks_eur": "the solver's objective: objective_eur + tie_break_cost_eur",
    "time_resolution": "representative or full",
    "n_slices": "number of time slices",
    "model_fingerprint": "JSON: variables, constraints and non-zeros per family",
    "policy_targets_published": "JSON: targets at every year the data give them (offshore wind "
    "as industry's share)",
    "green_access_threshold": "share of demand met green that counts as access",
    "gap_mode": "delivery_first (green shortfall valued, so the fallback is the delivery gap) "
    "or cost_only",
}

#: Keys of summary.json
SUMMARY_KEYS = ("scenario", "status", "objective_eur", "years", "timing_s", "metadata")
SUMMARY_YEAR_KEYS = (
    "unmet",
    "delivery_gap",
    "cost_gap",
    "emissions_mt",
    "electrolysis_gw",
    "offshore_wind_gw",
)


def markdown() -> str:
    """The output dictionary as Markdown (docs/outputs.md)."""
    lines = [
        "# Outputs of a run",
        "",
        "Generated by `npvi docs` from `src/npvi_model/outputs.py`; do not edit by hand.",
        "",
        (__doc__ or "").strip(),
        "",
        "## Dimensions",
        "",
    ]
    lines += ["| dim | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in DIMS.items()]
    lines += [
        "",
        "## Variables of results.nc",
        "",
        "| name | dims | unit | meaning |",
        "|---|---|---|---|",
    ]
    for v in OUTPUT_VARIABLES:
        lines.append(f"| `{v.name}` | {', '.join(v.dims)} | {v.unit} | {v.description} |")
    lines += ["", "## Attributes of results.nc", "", "| attribute | meaning |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in ATTRIBUTES.items()]
    lines += ["", "## Supply sources", ""]
    for carrier, sources in SUPPLY_SOURCES.items():
        lines.append(f"- {carrier}: " + ", ".join(f"`{s}`" for s in sources))
    lines += [
        "",
        "## Components of dispatch_gw",
        "",
        ", ".join(f"`{c}`" for c in DISPATCH_COMPONENTS),
    ]
    lines += ["", "## Emission causes", "", ", ".join(f"`{c}`" for c in EMISSION_CAUSES)]
    lines += ["", "## Cost components", "", ", ".join(f"`{c}`" for c in COST_COMPONENTS), ""]
    return "\n".join(lines)
