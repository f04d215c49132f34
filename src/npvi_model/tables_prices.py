"""Data dictionary, costs, prices and policy: technology costs, commodity prices, fallback
routes, policy targets, and the power system behind the grid connections (read by
power_system_inputs.py). Registered in this order in `tables.TABLES`."""

from __future__ import annotations

from npvi_model.table_spec import YEAR, Column, TableSpec, _source
from npvi_model.tables_supply import CAPACITY_UNIT, TECHNOLOGIES

_CAPEX_UNIT = {"GW": "EUR/kW", "GWh": "EUR/kWh", "Mt/yr": "EUR/(t/yr)"}
_FOM_UNIT = {"GW": "EUR/kW/yr", "GWh": "EUR/kWh/yr", "Mt/yr": "EUR/(t/yr)/yr"}
COST_PARAMETERS = ("capex", "fom", "lifetime", "efficiency")
COST_UNIT_RULES = {
    **{f"{t}:capex": _CAPEX_UNIT[u] for t, u in CAPACITY_UNIT.items()},
    **{f"{t}:fom": _FOM_UNIT[u] for t, u in CAPACITY_UNIT.items()},
    **{f"{t}:lifetime": "yr" for t in CAPACITY_UNIT},
    **{f"{t}:efficiency": "MWh/MWh" for t in CAPACITY_UNIT},
}
COMMODITIES = {
    "natural_gas": "EUR/MWh",
    "hydrogen_import": "EUR/MWh",
    "co2_emission": "EUR/t",
    "co2_transport_storage": "EUR/t",
}
TARGETS = {
    "electrolysis_gw": "GW",
    "offshore_wind_gw": "GW",
    "industry_emissions_mt": "Mt",
    "industry_emissions_1990_mt": "Mt",
}

#: the cost, price and policy tables, in the order of the data dictionary
PRICE_TABLES: list[TableSpec] = []


def _register(spec: TableSpec) -> TableSpec:
    PRICE_TABLES.append(spec)
    return spec


_register(
    TableSpec(
        "technology_costs",
        "Techno-economic parameters by technology and year (interpolated linearly between the "
        "years given, held flat outside them). Costs in EUR(2020).",
        (
            Column("technology", "str", "technology", allowed=TECHNOLOGIES),
            Column("parameter", "str", "parameter", allowed=COST_PARAMETERS),
            YEAR,
            Column("value", "float", "value; unit in `unit`", minimum=0.0),
            Column("unit", "str", "unit; see the unit rules"),
            *_source(),
        ),
        key=("technology", "parameter", "year"),
        unit_rules={"technology:parameter": COST_UNIT_RULES},
    )
)
_register(
    TableSpec(
        "prices",
        "Price paths of commodities (interpolated linearly between the years given).",
        (
            Column("commodity", "str", "commodity", allowed=tuple(COMMODITIES)),
            YEAR,
            Column("value", "float", "price; unit in `unit`", minimum=0.0),
            Column("unit", "str", "unit of the price"),
            *_source(),
        ),
        key=("commodity", "year"),
        coverage={"commodity": tuple(COMMODITIES)},
        unit_rules={"commodity": COMMODITIES},
    )
)
_register(
    TableSpec(
        "fallback_routes",
        "The fossil route that serves demand green supply cannot meet: fuel per unit of carrier "
        "and CO2 per unit of carrier. CO2 not captured is simply emitted.",
        (
            Column("carrier", "str", "carrier replaced", allowed=("electricity", "hydrogen")),
            Column(
                "gas_per_unit_mwh_per_mwh",
                "float",
                "natural gas burnt per MWh of carrier",
                "MWh/MWh",
                0.0,
                10.0,
            ),
            Column(
                "emission_factor_t_per_mwh",
                "float",
                "CO2 emitted per MWh of carrier",
                "t/MWh",
                0.0,
                2.0,
            ),
            *_source(),
        ),
        key=("carrier",),
        coverage={"carrier": ("electricity", "hydrogen")},
    )
)
_register(
    TableSpec(
        "policy_targets",
        "Policy targets the results are set against.",
        (
            Column("target", "str", "target id", allowed=tuple(TARGETS)),
            YEAR,
            Column("value", "float", "target value; unit in `unit`", minimum=0.0),
            Column("unit", "str", "unit"),
            *_source(),
        ),
        key=("target", "year"),
        unit_rules={"target": TARGETS},
    )
)

# --- power system behind the grid connections (read by power_system_inputs.py) ---
#: items of power_system.csv and their units
POWER_SYSTEM_ITEMS = {
    "non_industry_demand_twh": "TWh/yr",
    "onshore_wind_gw": "GW",
    "solar_pv_gw": "GW",
    "dispatchable_capacity_gw": "GW",
    "dispatchable_efficiency": "MWh/MWh",
    "dispatchable_emission_factor_t_per_mwh": "t/MWh",
    "surplus_energy_price_eur_per_mwh": "EUR/MWh",
    "network_tariff_eur_per_mwh": "EUR/MWh",
}
_register(
    TableSpec(
        "power_system",
        "The national power system outside the modelled industry, per year (interpolated "
        "linearly between the years given, flat outside): non-industry demand, onshore wind and "
        "solar capacity, dispatchable capacity with its efficiency and CO2 per MWh, and the "
        "price parts of grid electricity. Gives the supply steps of grid electricity.",
        (
            Column("item", "str", "item", allowed=tuple(POWER_SYSTEM_ITEMS)),
            YEAR,
            Column("value", "float", "value; unit in `unit`", minimum=0.0),
            Column("unit", "str", "unit of the value"),
            *_source(),
        ),
        key=("item", "year"),
        coverage={"item": tuple(POWER_SYSTEM_ITEMS)},
        unit_rules={"item": POWER_SYSTEM_ITEMS},
    )
)
