"""The model's fixed sets, defined once and imported everywhere else.

Clusters, carriers, sectors, the year grid and the units of each carrier live here so that a
cluster's list or a carrier's unit is never spelled twice.
"""

from __future__ import annotations

#: Cluster ids and their names as the programme letter gives them (section 2).
CLUSTERS: dict[str, str] = {
    "NN": "Noord-Nederland",
    "NZKG": "Noordzeekanaalgebied",
    "RM": "Rotterdam-Moerdijk",
    "ZWB": "Zeeland (with West-Brabant)",
    "CH": "Chemelot",
    "C6": "Cluster 6 (dispersed industry)",
}
CLUSTER_IDS: tuple[str, ...] = tuple(CLUSTERS)

#: Carriers and the unit of their annual quantities in data and results.
CARRIERS: tuple[str, ...] = ("electricity", "hydrogen", "co2")
CARRIER_ANNUAL_UNIT: dict[str, str] = {"electricity": "TWh", "hydrogen": "TWh", "co2": "Mt"}
#: Carrier name used in demand tables: CO2 demand is the CO2 the cluster plans to capture.
DEMAND_CARRIERS: tuple[str, ...] = ("electricity", "hydrogen", "co2_capture")

SECTORS: tuple[str, ...] = ("refining", "chemicals", "fertiliser", "steel", "other")

#: Every year for which data tables must have values; a scenario picks its model years from it.
FIRST_YEAR = 2025
LAST_YEAR = 2050
DATA_YEARS: tuple[int, ...] = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
#: 2032 is a model year of its own: the letter's milestones (21 GW offshore wind, 8 GW
#: electrolysis) fall in it, and commissioning in 2031-2032 shows there, not in 2035.
DEFAULT_MODEL_YEARS: tuple[int, ...] = (2025, 2030, 2032, 2035, 2040, 2045, 2050)

HOURS_PER_YEAR = 8760

#: Unit conversions used across the package.
PJ_PER_TWH = 3.6
TWH_PER_MT_H2 = 33.33
GWH_PER_TWH = 1000.0
