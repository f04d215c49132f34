"""The data dictionary: every input table, its columns, units, allowed ranges and coverage.

This is the one place where the shape of `data/` is defined. The loader validates each CSV
against it, the scenario resolver checks overrides against it, and `docs/data_dictionary.md`
is generated from it (`npvi data-dictionary`), so the documentation cannot drift from the code.

Conventions shared by all tables:
- one row per fact, tidy (long) format, UTF-8, comma separated, a header row;
- every table has `source` (document, publisher, year; or repository and commit) and `flag`
  (the confidence flag of the brief: S, V, V-data, C, A; `A` marks a modelling assumption);
- units are part of the column name (`capacity_gw`) or, in long tables, given in a `unit` column
  whose allowed values are listed here;
- a capacity *schedule* table gives the capacity in force from `from_year` on, until a later row
  for the same asset replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from npvi_model.sets import CLUSTER_IDS, DATA_YEARS, DEMAND_CARRIERS, SECTORS

FLAGS = ("S", "V", "V-data", "C", "A")


@dataclass(frozen=True)
class Column:
    """One column of a data table."""

    name: str
    kind: str  # "str", "int", "float"
    description: str
    unit: str = "-"
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = True  # empty cells forbidden


@dataclass(frozen=True)
class TableSpec:
    """A data table: file name, columns, the key that makes a row unique, and coverage rules."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    #: columns whose values must cover a set completely, e.g. every cluster
    coverage: dict[str, tuple] = field(default_factory=dict)
    #: columns whose distinct values must be a contiguous, ordered year grid covering DATA_YEARS
    year_column: str | None = None
    #: in long tables, the allowed unit for each value of a column (e.g. carrier -> unit)
    unit_rules: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the model does not read this table; it feeds the demand derivation script only
    derivation_only: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns an override may set: numeric, not part of the key."""
        return tuple(
            c.name for c in self.columns if c.kind in ("int", "float") and c.name not in self.key
        )


def _source() -> tuple[Column, Column]:
    return (
        Column("source", "str", "where the value comes from (document, publisher, year)"),
        Column("flag", "str", "confidence flag; A = modelling assumption", allowed=FLAGS),
    )


CLUSTER = Column("cluster", "str", "cluster id", allowed=CLUSTER_IDS)
FROM_CLUSTER = Column("from_cluster", "str", "cluster at one end", allowed=CLUSTER_IDS)
TO_CLUSTER = Column("to_cluster", "str", "cluster at the other end", allowed=CLUSTER_IDS)
YEAR = Column("year", "int", "calendar year", minimum=1990, maximum=2100)
FROM_YEAR = Column(
    "from_year",
    "int",
    "first year in which this capacity is in service",
    minimum=1990,
    maximum=2100,
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
PUBLISHED_TOTALS = {
    "industry_electricity_twh": "TWh",
    "industry_hydrogen_pj": "PJ",
    "co2_captured_stored_mt": "Mt",
}


TABLES: dict[str, TableSpec] = {}


def _register(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


_register(
    TableSpec(
        "clusters",
        "The six industry clusters of the programme letter.",
        (CLUSTER, Column("name", "str", "full name"), *_source()),
        key=("cluster",),
        coverage={"cluster": CLUSTER_IDS},
    )
)
_register(
    TableSpec(
        "demand_baseline",
        "CES-based baseline demand per cluster, sector, carrier and year, before a development "
        "path is applied. Written by `npvi derive-demand` (src/npvi_model/derive_demand.py) from "
        "ces3_cluster_extract.csv, sector_shares.csv and demand_anchors.csv.",
        (
            CLUSTER,
            Column("sector", "str", "industry sector", allowed=SECTORS),
            Column("carrier", "str", "demand carrier", allowed=DEMAND_CARRIERS),
            YEAR,
            Column("value", "float", "annual demand; unit in `unit`", minimum=0.0),
            Column("unit", "str", "TWh for electricity and hydrogen (LHV); Mt for co2_capture"),
            *_source(),
        ),
        key=("cluster", "sector", "carrier", "year"),
        coverage={"cluster": CLUSTER_IDS, "sector": SECTORS, "carrier": DEMAND_CARRIERS},
        year_column="year",
        unit_rules={"carrier": {"electricity": "TWh", "hydrogen": "TWh", "co2_capture": "Mt"}},
    )
)
_register(
    TableSpec(
        "demand_anchors",
        "Per-cluster annual demand anchors (2021, 2030, 2035, 2050) that the demand derivation "
        "interpolates between. CES 3.0 values where they exist; assumptions elsewhere.",
        (
            CLUSTER,
            Column("carrier", "str", "demand carrier", allowed=DEMAND_CARRIERS),
            YEAR,
            Column("value", "float", "annual demand; unit in `unit`", minimum=0.0),
            Column("unit", "str", "TWh for electricity and hydrogen (LHV); Mt for co2_capture"),
            *_source(),
        ),
        key=("cluster", "carrier", "year"),
        coverage={"cluster": CLUSTER_IDS, "carrier": DEMAND_CARRIERS},
        unit_rules={"carrier": {"electricity": "TWh", "hydrogen": "TWh", "co2_capture": "Mt"}},
        derivation_only=True,
    )
)
_register(
    TableSpec(
        "sector_shares",
        "Split of each cluster's carrier demand over the five sectors (sums to 1 per cluster and "
        "carrier). Used by the demand derivation.",
        (
            CLUSTER,
            Column("sector", "str", "industry sector", allowed=SECTORS),
            Column("carrier", "str", "demand carrier", allowed=DEMAND_CARRIERS),
            Column("share", "float", "share of the cluster's demand", "-", 0.0, 1.0),
            *_source(),
        ),
        key=("cluster", "sector", "carrier"),
        coverage={"cluster": CLUSTER_IDS, "sector": SECTORS, "carrier": DEMAND_CARRIERS},
        derivation_only=True,
    )
)
_register(
    TableSpec(
        "published_totals",
        "Published national totals the demand derivation is checked against, with the tolerance.",
        (
            Column("quantity", "str", "what is compared", allowed=tuple(PUBLISHED_TOTALS)),
            YEAR,
            Column("value", "float", "published value; unit in `unit`", minimum=0.0),
            Column("unit", "str", "unit of value"),
            Column("tolerance_rel", "float", "allowed relative deviation", "-", 0.0, 1.0),
            *_source(),
        ),
        key=("quantity", "year"),
        unit_rules={"quantity": PUBLISHED_TOTALS},
        derivation_only=True,
    )
)
_register(
    TableSpec(
        "energy_intensive_fraction",
        "Fraction of a sector's carrier demand that belongs to the energy-intensive first step "
        "(ammonia, methanol, DRI/HBI, crackers); a path's domestic share scales this part only.",
        (
            Column("sector", "str", "industry sector", allowed=SECTORS),
            Column("carrier", "str", "demand carrier", allowed=DEMAND_CARRIERS),
            Column("fraction", "float", "fraction of demand", "-", 0.0, 1.0),
            *_source(),
        ),
        key=("sector", "carrier"),
        coverage={"sector": SECTORS, "carrier": DEMAND_CARRIERS},
    )
)
_register(
    TableSpec(
        "emissions_baseline",
        "Reference (unabated) industry CO2 emissions per cluster in the base year.",
        (CLUSTER, YEAR, Column("emissions_mt", "float", "CO2 emissions", "Mt", 0.0), *_source()),
        key=("cluster", "year"),
        coverage={"cluster": CLUSTER_IDS},
    )
)
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

#: Tables the model reads (the demand derivation reads the others).
MODEL_TABLES: tuple[str, ...] = tuple(n for n, s in TABLES.items() if not s.derivation_only)

__all__ = ["TABLES", "MODEL_TABLES", "TableSpec", "Column", "DATA_YEARS"]


def markdown() -> str:
    """The data dictionary as Markdown (docs/data_dictionary.md)."""
    lines = [
        "# Data dictionary",
        "",
        "Generated by `npvi docs` from `src/npvi_model/tables.py`; do not edit by hand.",
        "",
        (__doc__ or "").strip(),
        "",
    ]
    for spec in TABLES.values():
        lines += [f"## `data/{spec.file}`", "", spec.description, ""]
        if spec.derivation_only:
            lines += ["*Read by the demand derivation only, not by the model.*", ""]
        lines += [f"Key: {', '.join(spec.key)}.", ""]
        lines += ["| column | kind | unit | meaning | allowed |", "|---|---|---|---|---|"]
        for col in spec.columns:
            allowed = []
            if col.minimum is not None:
                allowed.append(f">= {col.minimum:g}")
            if col.maximum is not None:
                allowed.append(f"<= {col.maximum:g}")
            if col.allowed:
                allowed.append(", ".join(col.allowed))
            lines.append(
                f"| `{col.name}` | {col.kind} | {col.unit} | {col.description} | "
                f"{'; '.join(allowed)} |"
            )
        for by, rule in spec.unit_rules.items():
            lines += ["", f"Units by `{by}`: " + "; ".join(f"{k} = {v}" for k, v in rule.items())]
        if spec.coverage:
            lines += [
                "",
                "Coverage: "
                + "; ".join(
                    f"every {col} of {', '.join(map(str, vals))}"
                    for col, vals in spec.coverage.items()
                ),
            ]
        if spec.year_column:
            lines += ["", f"Every year {DATA_YEARS[0]}-{DATA_YEARS[-1]} must be present."]
        lines.append("")
    return "\n".join(lines)
