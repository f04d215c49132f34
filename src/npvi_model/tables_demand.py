"""Data dictionary, demand side: the clusters, baseline demand and the tables the demand
derivation reads (anchors, sector shares, published totals, energy-intensive fraction), and the
baseline emissions. Registered in this order in `tables.TABLES`."""

from __future__ import annotations

from npvi_model.sets import CLUSTER_IDS, DEMAND_CARRIERS, SECTORS
from npvi_model.table_spec import CLUSTER, YEAR, Column, TableSpec, _source

PUBLISHED_TOTALS = {
    "industry_electricity_twh": "TWh",
    "industry_hydrogen_pj": "PJ",
    "co2_captured_stored_mt": "Mt",
}

#: the demand tables, in the order of the data dictionary
DEMAND_TABLES: list[TableSpec] = []


def _register(spec: TableSpec) -> TableSpec:
    DEMAND_TABLES.append(spec)
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
