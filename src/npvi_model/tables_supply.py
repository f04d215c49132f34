"""Data dictionary, supply and infrastructure: the technologies and their capacity units,
offshore wind, electrolyser projects, grid connections, corridors, the H2 backbone, import
terminals, storage, CO2 sinks and pipelines, and the expansion and national build limits.
Registered in this order in `tables.TABLES`."""

from __future__ import annotations

from npvi_model.sets import CLUSTER_IDS
from npvi_model.table_spec import (
    CLUSTER,
    FROM_CLUSTER,
    FROM_YEAR,
    TO_CLUSTER,
    YEAR,
    Column,
    TableSpec,
    _source,
)

TECHNOLOGIES = (
    "offshore_wind",
    "electrolyser",
    "offshore_electrolysis",
    "grid_connection",
    "electricity_corridor",
    "h2_pipeline",
    "h2_import_terminal",
    "h2_storage",
    "co2_pipeline",
    "co2_sink",
)
#: technologies whose capacity sits in a cluster (the rest are links or sinks, by asset id)
PER_CLUSTER_TECHNOLOGIES = (
    "offshore_wind",
    "electrolyser",
    "offshore_electrolysis",
    "grid_connection",
    "h2_import_terminal",
    "h2_storage",
)
#: technologies that link two clusters, and the carrier they carry
LINK_TECHNOLOGIES = {
    "electricity_corridor": "electricity",
    "h2_pipeline": "hydrogen",
    "co2_pipeline": "co2",
}
#: the unit of capacity of each technology
CAPACITY_UNIT = {
    "offshore_wind": "GW",
    "electrolyser": "GW",  # electricity input
    "offshore_electrolysis": "GW",  # electricity input (= dedicated wind capacity)
    "grid_connection": "GW",
    "electricity_corridor": "GW",
    "h2_pipeline": "GW",  # H2 LHV
    "h2_import_terminal": "GW",  # H2 LHV
    "h2_storage": "GWh",  # H2 LHV working gas
    "co2_pipeline": "Mt/yr",
    "co2_sink": "Mt/yr",
}

#: the supply and infrastructure tables, in the order of the data dictionary
SUPPLY_TABLES: list[TableSpec] = []


def _register(spec: TableSpec) -> TableSpec:
    SUPPLY_TABLES.append(spec)
    return spec


_register(
    TableSpec(
        "offshore_wind_parks",
        "Committed offshore wind parks per landing cluster, with commissioning year.",
        (
            Column("park", "str", "park name"),
            CLUSTER,
            Column("capacity_gw", "float", "installed capacity", "GW", 0.0),
            Column("commissioning_year", "int", "first full year in service", "-", 1990, 2100),
            Column("lifetime_years", "int", "technical lifetime", "yr", 1, 100),
            *_source(),
        ),
        key=("park",),
    )
)
_register(
    TableSpec(
        "offshore_wind_landing",
        "Maximum offshore wind capacity that can land at each cluster (all years).",
        (CLUSTER, Column("max_landing_gw", "float", "landing limit", "GW", 0.0), *_source()),
        key=("cluster",),
        coverage={"cluster": CLUSTER_IDS},
    )
)
_register(
    TableSpec(
        "offshore_wind_roadmap",
        "National offshore wind capacity in service per year (anchor years, interpolated "
        "linearly in between).",
        (YEAR, Column("national_capacity_gw", "float", "capacity", "GW", 0.0), *_source()),
        key=("year",),
    )
)
_register(
    TableSpec(
        "electrolyser_projects",
        "Known electrolyser projects (committed capacity), onshore per cluster and offshore.",
        (
            Column("project", "str", "project name"),
            CLUSTER,
            Column(
                "technology",
                "str",
                "onshore or offshore electrolysis",
                allowed=("electrolyser", "offshore_electrolysis"),
            ),
            Column("capacity_gw", "float", "electricity input capacity", "GW", 0.0),
            Column("commissioning_year", "int", "first full year in service", "-", 1990, 2100),
            *_source(),
        ),
        key=("project",),
    )
)
for _name, _desc, _cols, _key in (
    (
        "grid_connections",
        "Each cluster's connection capacity to the national grid (schedule).",
        (CLUSTER, FROM_YEAR, Column("capacity_gw", "float", "import capacity", "GW", 0.0)),
        ("cluster", "from_year"),
    ),
    (
        "electricity_corridors",
        "Inter-cluster electricity links, usable in both directions (schedule).",
        (
            Column("corridor", "str", "corridor id"),
            FROM_CLUSTER,
            TO_CLUSTER,
            FROM_YEAR,
            Column("capacity_gw", "float", "transfer capacity each way", "GW", 0.0),
        ),
        ("corridor", "from_year"),
    ),
    (
        "h2_backbone",
        "Hydrogen backbone sections between clusters, usable in both directions (schedule).",
        (
            Column("section", "str", "section id"),
            FROM_CLUSTER,
            TO_CLUSTER,
            FROM_YEAR,
            Column("capacity_gw", "float", "H2 transfer capacity each way (LHV)", "GW", 0.0),
        ),
        ("section", "from_year"),
    ),
    (
        "h2_import_terminals",
        "Hydrogen (carrier) import terminals; capacity in H2 LHV (schedule).",
        (
            Column("terminal", "str", "terminal id"),
            CLUSTER,
            FROM_YEAR,
            Column("capacity_gw", "float", "H2 delivery capacity (LHV)", "GW", 0.0),
        ),
        ("terminal", "from_year"),
    ),
    (
        "h2_storage",
        "Hydrogen storage in salt caverns (schedule).",
        (
            Column("storage", "str", "storage id"),
            CLUSTER,
            FROM_YEAR,
            Column("energy_capacity_gwh", "float", "working gas (LHV)", "GWh", 0.0),
            Column(
                "power_to_energy_per_h",
                "float",
                "max charge or discharge power per GWh of energy capacity",
                "1/h",
                0.0,
                1.0,
            ),
        ),
        ("storage", "from_year"),
    ),
    (
        "co2_sinks",
        "CO2 transport-and-storage sinks reached from a cluster (schedule).",
        (
            Column("sink", "str", "sink id"),
            CLUSTER,
            FROM_YEAR,
            Column("capacity_mt_per_yr", "float", "injection capacity", "Mt/yr", 0.0),
        ),
        ("sink", "from_year"),
    ),
    (
        "co2_pipelines",
        "CO2 pipelines between clusters, flowing from `from_cluster` to `to_cluster` (schedule).",
        (
            Column("pipeline", "str", "pipeline id"),
            FROM_CLUSTER,
            TO_CLUSTER,
            FROM_YEAR,
            Column("capacity_mt_per_yr", "float", "transport capacity", "Mt/yr", 0.0),
        ),
        ("pipeline", "from_year"),
    ),
):
    _register(TableSpec(_name, _desc, (*_cols, *_source()), key=_key))

_register(
    TableSpec(
        "expansion_limits",
        "Where the model may build new capacity: per technology and location (a cluster id, or "
        "the id of a corridor, section, terminal, storage, sink or pipeline), the earliest year "
        "of a new build (its lead time), the cap on total new capacity, and the build rate.",
        (
            Column("technology", "str", "technology", allowed=TECHNOLOGIES),
            Column("location", "str", "cluster id or asset id"),
            Column(
                "earliest_year", "int", "first year new capacity can be in service", "-", 1990, 2100
            ),
            Column(
                "max_new_capacity",
                "float",
                "cap on cumulative new capacity; unit in `unit`",
                minimum=0.0,
            ),
            Column(
                "max_build_per_year", "float", "cap on new capacity per calendar year", minimum=0.0
            ),
            Column("unit", "str", "capacity unit of the technology"),
            *_source(),
        ),
        key=("technology", "location"),
        unit_rules={"technology": CAPACITY_UNIT},
    )
)
_register(
    TableSpec(
        "national_build_limits",
        "National build pace of a technology (schedule): the most new capacity, summed over all "
        "locations, that may come into service per calendar year, from `from_year` on until a "
        "later row of the same technology replaces it. Technologies without a row have no "
        "national pace limit (only the per-location build rates of `expansion_limits`).",
        (
            Column("technology", "str", "technology", allowed=TECHNOLOGIES),
            Column("from_year", "int", "first calendar year this pace applies", "-", 1990, 2100),
            Column(
                "max_new_per_year",
                "float",
                "cap on new capacity in the whole country per calendar year; unit in `unit`",
                minimum=0.0,
            ),
            Column("unit", "str", "capacity unit of the technology"),
            *_source(),
        ),
        key=("technology", "from_year"),
        unit_rules={"technology": CAPACITY_UNIT},
    )
)
