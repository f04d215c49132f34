"""Analysis of solved runs, one module per question a reader asks:

- `io`: loading results, finding result folders, names and units, the atomic output folder;
- `access`: when each cluster gets green access (green share, first access year);
- `targets`: capacity against the electrolysis and offshore wind targets, and why one is missed;
- `bottlenecks`: binding capacity limits ranked by marginal value, carrier prices;
- `emissions`: industry emissions against the target, the gap split by cause;
- `paths`: comparing the development paths (no-regret set, vollooprisico, fit in time) and
  writing all tables as CSV;
- `present`: the comparison tables printed on the terminal.

Every function works on loaded result Datasets (the `results.nc` of a run, whose variables
are defined in `npvi_model.outputs`), never on a live model, and returns tidy pandas DataFrames
whose column names carry their units (`_twh`, `_gw`, `_mt`, `_eur`, ...).
"""

from npvi_model.analysis.access import (
    ALLOCATION_RULE_TEXT,
    DEFAULT_GREEN_ACCESS_THRESHOLD,
    access_timeline,
    allocated_green_share,
    first_access_table,
)
from npvi_model.analysis.bottlenecks import (
    PRICE_UNIT,
    bottleneck_ranking,
    carrier_prices,
    first_connection_values,
)
from npvi_model.analysis.emissions import (
    CAUSE_LABELS,
    GAP_COLUMNS,
    SUPPLY_CAUSES,
    emissions_vs_targets,
)
from npvi_model.analysis.io import (
    _unique_names,
    capacity_units,
    cluster_name,
    find_result_dirs,
    load_results,
    model_years,
    scenario_name,
)
from npvi_model.analysis.paths import (
    ANNUAL_UNIT,
    DELIVERY_WINDOW,
    compare_paths,
    comparison_tables,
    write_comparison,
)
from npvi_model.analysis.present import print_comparison
from npvi_model.analysis.targets import (
    CAPACITY_TARGETS,
    ELECTROLYSIS_TECHNOLOGIES,
    OFFSHORE_WIND_TECHNOLOGIES,
    PUBLISHED_TARGETS,
    RELATED_LIMIT_KINDS,
    TARGET_CARRIER,
    TARGET_LABELS,
    capacity_by_cluster,
    capacity_vs_targets,
    national_capacity,
    published_targets,
)

__all__ = [
    "ALLOCATION_RULE_TEXT",
    "ANNUAL_UNIT",
    "CAPACITY_TARGETS",
    "CAUSE_LABELS",
    "DEFAULT_GREEN_ACCESS_THRESHOLD",
    "DELIVERY_WINDOW",
    "ELECTROLYSIS_TECHNOLOGIES",
    "GAP_COLUMNS",
    "OFFSHORE_WIND_TECHNOLOGIES",
    "PRICE_UNIT",
    "PUBLISHED_TARGETS",
    "RELATED_LIMIT_KINDS",
    "SUPPLY_CAUSES",
    "TARGET_CARRIER",
    "TARGET_LABELS",
    "_unique_names",
    "access_timeline",
    "allocated_green_share",
    "bottleneck_ranking",
    "capacity_by_cluster",
    "capacity_units",
    "capacity_vs_targets",
    "carrier_prices",
    "cluster_name",
    "compare_paths",
    "comparison_tables",
    "emissions_vs_targets",
    "find_result_dirs",
    "first_access_table",
    "first_connection_values",
    "load_results",
    "model_years",
    "national_capacity",
    "print_comparison",
    "published_targets",
    "scenario_name",
    "write_comparison",
]
