"""The scenario format: pydantic models of a scenario file (time, solver, parameters, demand,
data overrides) with their limits and defaults. Every parameter's meaning, unit and flag is in
its `Field` description; `scenario.py` reads, merges and validates files against these models.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from npvi_model.errors import did_you_mean
from npvi_model.sets import DEFAULT_MODEL_YEARS, FIRST_YEAR, LAST_YEAR, SECTORS
from npvi_model.tables import TABLES

#: longest `extends` chain (files, the scenario itself included)
MAX_EXTENDS_CHAIN = 20
#: largest number a scenario may give (magnitudes beyond it are no physical quantity in npvi's
#: units and overflow the objective)
MAX_MAGNITUDE = 1e9
#: largest production index (production relative to the base year), a plausibility bound (A)
MAX_PRODUCTION_INDEX = 10.0
WEATHER_YEARS = (1987, 1997, 2004, 2019, 2023)
Sector = Literal["refining", "chemicals", "fertiliser", "steel", "other"]
assert set(SECTORS) == set(Sector.__args__)  # one list of sectors, checked here

NonNegative = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE)]
ProductionIndex = Annotated[float, Field(ge=0, le=MAX_PRODUCTION_INDEX)]
Share = Annotated[float, Field(ge=0, le=1)]
ModelYear = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=False, allow_inf_nan=False)


def _finite(values: dict[int, float]) -> dict[int, float]:
    for year, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"value for {year} is {value}, expected a finite number")
    return values


class TimeConfig(Strict):
    """Time resolution within a model year."""

    resolution: Literal["representative", "full"] = "representative"
    typical_days: int = Field(12, ge=1, le=365, description="representative days (tsam)")
    weather_year: Literal[1987, 1997, 2004, 2019, 2023] = 2023
    electricity_profile: Literal[
        "industry_other_2019", "industry_other_2023", "industry_ict_2023", "flat"
    ] = "industry_other_2019"
    full_hourly: Literal["two_step", "direct"] = Field(
        "two_step",
        description="8760 h: capacities at the typical days, then each year's hourly dispatch "
        "with them fixed (two_step); or one full-hourly LP (direct)",
    )
    full_hourly_workers: int | Literal["auto"] = Field(
        "auto",
        description="processes for the yearly dispatches of two_step; auto: the smallest of "
        "the usable cores, the years and the available memory / 2 GB",
    )

    @field_validator("full_hourly_workers", mode="before")
    @classmethod
    def _workers_auto_or_in_range(cls, value):
        if value == "auto" or (type(value) is int and 1 <= value <= 16):
            return value
        raise ValueError("expected 'auto' or a whole number 1-16")


class SolverConfig(Strict):
    """HiGHS settings. `options` are HiGHS options by name, checked against HiGHS's option table
    when the scenario is resolved (`solver_options`: no file options, no `time_limit`).

    `interface`: `direct` compiles the model once and hands it to highspy in one call (fast);
    `pyomo` uses Pyomo's own highs interface (slow hand-off; kept as the reference).
    `warm_start`: when several scenarios are solved in one command, start each from the
    previous optimal basis (mapped by variable and constraint name). Off by default: with the
    path rules, import_intermediates from domestic's basis took 87,446 iterations against
    about 61,000 cold, while reduced_base from import_intermediates' took 11,856.
    `warm_start_from`: the name of another scenario; when both are solved in one command, this
    one is solved after it, from its optimal basis (in the worker that is free then, or next in
    line). import_intermediates from reduced_base's basis: 17,747 dual simplex iterations
    against 75,005 cold, the same answer (tests/test_parallel_runs.py).
    `basis_cache`: start from the optimal basis stored by an earlier run of the identical LP
    (`basis_cache.py`, keyed by the LP's content; the CLI's `--no-cache` turns it off too).
    `dual_headroom` (A): after the solve, every row gets between this and twice this much
    headroom (in its own unit) and HiGHS re-solves, so that prices and limit values are those
    of one optimal basis whatever vertex the solve ended at (`unique_duals.py`); 0: off.
    `polish_dual_tolerance` (A): after the solve, simplex goes on from the optimal basis at
    this dual feasibility tolerance, so that tie-break costs below HiGHS's own 1e-7 still
    decide (`polish.py`); 0: off."""

    algorithm: Literal["ipm", "simplex", "choose", "pdlp"] = "simplex"
    time_limit_s: float = Field(3600.0, gt=0)
    threads: int = Field(1, ge=1, le=64)
    options: dict[str, float | int | bool | str] = Field(default_factory=dict)
    interface: Literal["direct", "pyomo"] = "direct"
    warm_start: bool = False
    warm_start_from: str | None = None
    basis_cache: bool = True
    dual_headroom: float = Field(1e-4, ge=0, le=0.01)
    polish_dual_tolerance: float = Field(1e-9, ge=0, le=1e-7)


class TieBreaks(Strict):
    """A: tiny costs that make the optimum unique (model/tie_breaks.py); not system cost."""

    enabled: bool = True
    flow_eur_per_mwh: float = Field(
        0.01, ge=0, le=1.0, description="A: on link flows and storage charge (EUR/t for CO2)"
    )
    cluster_spread_eur_per_mwh: float = Field(
        0.01, ge=0, le=1.0, description="A: up to this much per MWh used, by cluster order"
    )
    hour_spread_eur_per_mwh: float = Field(
        0.001, ge=0, le=1.0, description="A: up to this much per MWh used, by hour order"
    )
    fallback_eur_per_mwh: float = Field(
        0.02, ge=0, le=1.0, description="A: on the fossil fallback: the smallest delivery gap"
    )
    holding_eur_per_mwh_day: float = Field(
        1e-4, ge=0, le=1.0, description="A: per MWh held in hydrogen storage per day"
    )
    capex_relative_spread: float = Field(
        1e-4, ge=0, le=1e-2, description="A: up to this share of capex, by asset order"
    )
    build_meur_per_unit_yr: float = Field(
        0.01, ge=0, le=1.0, description="A: per GW, GWh or Mt/yr of new capacity per year"
    )


class Parameters(Strict):
    """Model parameters. Every default here is a labelled modelling assumption (flag A)."""

    discount_rate: float = Field(0.04, ge=0, le=0.2, description="A: real social discount rate")
    base_year: ModelYear = 2025
    investment_wacc: float = Field(
        0.07, ge=0, le=0.3, description="A: WACC for annuities (ETM electrolyser WACC 7 %)"
    )
    industry_share_of_offshore_wind: Share = Field(
        0.6, description="A: share of the national offshore wind roadmap available to industry"
    )
    offshore_wind_roadmap: Literal["schedule", "max"] = Field(
        "schedule",
        description="schedule: industry's share of the roadmap is built as scheduled (the "
        "model chooses the landing points); max: the roadmap only caps industry wind",
    )
    offshore_wind_delay_years: int = Field(0, ge=0, le=20)
    h2_import_earliest_year: int = Field(2025, ge=2000, le=2100)
    emission_caps_mt: dict[ModelYear, NonNegative] = Field(default_factory=dict)
    emission_cap_penalty_eur_per_t: NonNegative = 300.0
    other_emissions_abatement: dict[ModelYear, Share] = Field(
        default_factory=lambda: {2025: 0.0, 2050: 1.0},
        description="A: share of emissions outside the modelled carriers abated, by year",
    )
    green_access_threshold: Share = 0.9
    tie_breaks: TieBreaks = Field(default_factory=TieBreaks)
    electrolysis_low_carbon_power_only: bool = Field(
        True,
        description="A: electrolysers take only CO2-free electricity in each hour (offshore "
        "wind and CO2-free grid steps, matched nationally), so grid hydrogen is green",
    )

    # --- path rules, gaps and cost accounting (model/hydrogen.py, model/objective.py,
    # src/npvi_model/path_rules.py, docs/gaps.md) ---
    green_shortfall_value_eur_per_mwh: NonNegative = Field(
        0.0,
        description="A: value of green electricity or hydrogen that is not delivered; > 0 makes "
        "the solve delivery-first, so the fallback is the delivery gap (0: cost-only)",
    )
    green_shortfall_value_eur_per_t: NonNegative = Field(
        0.0, description="A: value of planned CO2 capture that is not delivered (delivery-first)"
    )
    h2_import_max_share_of_demand: dict[ModelYear, Share] = Field(
        default_factory=dict,
        description="path rule: H2 imports <= share x national H2 demand (anchors, interpolated)",
    )
    h2_domestic_min_share_of_supply: dict[ModelYear, Share] = Field(
        default_factory=dict,
        description="path rule: domestic electrolysis >= share x (domestic + imported) green H2",
    )
    rfnbo_min_share_of_demand: dict[ModelYear, Share] = Field(
        default_factory=dict,
        description="RED III art. 22a option: RFNBO H2 >= share x industrial H2 demand (soft)",
    )
    rfnbo_gap_penalty_eur_per_mwh: NonNegative = Field(
        500.0, description="A: price of RFNBO hydrogen missing from the RED III share"
    )
    emission_caps_every_year: bool = Field(
        False,
        description="A: interpolate the caps linearly between their anchor years, so every model "
        "year from the first anchor on has a cap",
    )
    co2_transport_storage_paid_by: Literal["tariff", "infrastructure"] = Field(
        "tariff",
        description="CO2 T&S paid once: the tariff per t stored (sink and CO2 pipeline capex and "
        "FOM then count as covered by it), or the sink and pipeline infrastructure (no tariff)",
    )

    _check_caps = field_validator("emission_caps_mt", "other_emissions_abatement")(_finite)


class DemandPath(Strict):
    """A development path: per-sector trajectories (anchor years, interpolated linearly)."""

    production_index: dict[Sector, dict[ModelYear, ProductionIndex]] = Field(default_factory=dict)
    domestic_share: dict[Sector, dict[ModelYear, Share]] = Field(default_factory=dict)


def _is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


class DataOverride(Strict):
    """Set values of a data table, in the rows whose key columns match `where`."""

    table: str
    where: dict[str, str | int | float] = Field(default_factory=dict)
    set: dict[str, Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]]

    @model_validator(mode="after")
    def _check_against_dictionary(self) -> DataOverride:
        spec = TABLES.get(self.table)
        if spec is None:
            raise ValueError(
                f"unknown table '{self.table}'{did_you_mean(self.table, list(TABLES))}; "
                f"expected one of {', '.join(TABLES)}"
            )
        for key, wanted in self.where.items():
            if key not in spec.column_names:
                raise ValueError(
                    f"table '{self.table}' has no column '{key}'"
                    f"{did_you_mean(key, spec.column_names)}"
                )
            if spec.column(key).kind != "str" and not _is_number(wanted):
                raise ValueError(f"where '{key}' is {wanted!r}, expected a number")
        for column, value in self.set.items():
            if column not in spec.value_columns:
                raise ValueError(
                    f"cannot set '{column}' in table '{self.table}'"
                    f"{did_you_mean(column, spec.value_columns)}; settable columns: "
                    f"{', '.join(spec.value_columns)}"
                )
            if not math.isfinite(value):
                raise ValueError(f"value for '{column}' is {value}, expected a finite number")
        return self


class Scenario(Strict):
    """A resolved scenario."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    description: str = ""
    years: list[ModelYear] = Field(default_factory=lambda: list(DEFAULT_MODEL_YEARS))
    time: TimeConfig = Field(default_factory=TimeConfig)
    solver: SolverConfig = Field(default_factory=SolverConfig)
    parameters: Parameters = Field(default_factory=Parameters)
    demand_path: DemandPath = Field(default_factory=DemandPath)
    data_overrides: list[DataOverride] = Field(default_factory=list)

    @field_validator("years")
    @classmethod
    def _years_in_order(cls, years: list[int]) -> list[int]:
        if not years:
            raise ValueError("at least one model year is needed")
        for earlier, later in zip(years, years[1:], strict=False):
            if later <= earlier:
                raise ValueError(
                    f"years must be strictly increasing, but {later} follows {earlier}"
                )
        return years


class ResolvedScenario(BaseModel):
    """The validated scenario, the chain of files it came from, and per-value provenance."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    scenario: Scenario
    files: list[str]
    provenance: dict[str, str]
    raw: dict[str, Any]
