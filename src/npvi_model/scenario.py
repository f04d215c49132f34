"""Stage 1: scenario YAML -> resolved, validated `Scenario` with provenance.

A scenario file may `extends:` another (a path relative to itself). Resolution merges the chain
from the root down: mappings merge key by key, lists are replaced, except `data_overrides`, which
accumulate (parent first). The resolved scenario records, for every value, the file that set it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from npvi_model.errors import InputError, Problem, did_you_mean
from npvi_model.scenario_yaml import MAX_SCENARIO_BYTES, MAX_SCENARIO_VALUES  # noqa: F401
from npvi_model.scenario_yaml import read_yaml as _read_yaml
from npvi_model.sets import DATA_YEARS, DEFAULT_MODEL_YEARS, FIRST_YEAR, LAST_YEAR, SECTORS
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
    `basis_cache`: start from the optimal basis stored by an earlier run of the identical LP
    (`basis_cache.py`, keyed by the LP's content; the CLI's `--no-cache` turns it off too)."""

    algorithm: Literal["ipm", "simplex", "choose", "pdlp"] = "simplex"
    time_limit_s: float = Field(3600.0, gt=0)
    threads: int = Field(1, ge=1, le=64)
    options: dict[str, float | int | bool | str] = Field(default_factory=dict)
    interface: Literal["direct", "pyomo"] = "direct"
    warm_start: bool = False
    basis_cache: bool = True


class TieBreaks(Strict):
    """A: tiny costs that make the optimum unique (model/tie_breaks.py); not system cost."""

    enabled: bool = True
    flow_eur_per_mwh: float = Field(
        0.01, ge=0, le=1.0, description="A: on link flows and storage charge (EUR/t for CO2)"
    )
    cluster_spread_eur_per_mwh: float = Field(
        0.01, ge=0, le=1.0, description="A: up to this much per MWh used, by cluster order"
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


def _merge(
    base: dict, child: dict, child_file: str, prov: dict[str, str], prefix: str = ""
) -> dict:
    """Merge `child` into `base`; record the file of every leaf value set by `child`."""
    out = dict(base)
    for key, value in child.items():
        dotted = f"{prefix}{key}"
        if key == "data_overrides" and not prefix:
            if not isinstance(value, list):
                out[key] = value  # the schema reports the wrong type
                prov[dotted] = child_file
                continue
            start = len(out.get(key) or [])
            out[key] = list(out.get(key) or []) + value
            for i in range(len(value)):
                prov[f"data_overrides[{start + i}]"] = child_file
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, child_file, prov, f"{dotted}.")
        else:
            out[key] = value
            for leaf in _leaves(value, dotted):
                prov[leaf] = child_file
            # a replaced mapping drops the parent's provenance below it
            for old in [
                k for k in prov if k.startswith(f"{dotted}.") and k not in _leaves(value, dotted)
            ]:
                del prov[old]
    return out


def _leaves(value: Any, prefix: str) -> list[str]:
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{prefix}.{k}")]
    return [prefix]


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _chain(
    path: Path, root: Path, allow_outside: bool, seen: list[Path]
) -> list[tuple[Path, dict]]:
    """The extends chain of `path`, root-most first."""
    path = path.resolve()
    shown = _shown(path)
    if path in seen:
        cycle = " -> ".join(_shown(p) for p in [*seen, path])
        raise InputError([Problem(shown, "extends", f"cycle in extends: {cycle}")])
    if len(seen) >= MAX_EXTENDS_CHAIN:
        raise InputError(
            [
                Problem(
                    _shown(seen[0]),
                    "extends",
                    f"the extends chain is longer than {MAX_EXTENDS_CHAIN} files (reached {shown})",
                )
            ]
        )
    data = _read_yaml(path, shown)
    parent = data.pop("extends", None)
    if parent is None:
        return [(path, data)]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError(
            [
                Problem(
                    shown,
                    "extends",
                    f"value {parent!r}: expected a relative path to another scenario file",
                )
            ]
        )
    parent_path = (path.parent / parent).resolve()
    if not allow_outside and not parent_path.is_relative_to(root):
        raise InputError(
            [
                Problem(
                    shown,
                    "extends",
                    f"value '{parent}' points outside the "
                    f"scenario folder {_shown(root)}; pass --allow-outside-extends "
                    "to allow it",
                )
            ]
        )
    if not parent_path.is_file():
        raise InputError([Problem(shown, "extends", f"value '{parent}': file not found")])
    return [*_chain(parent_path, root, allow_outside, [*seen, path]), (path, data)]


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names allowed at a location of the schema, for did-you-mean hints."""
    model: Any = Scenario
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        model = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if model is None:
            if part in ("production_index", "domestic_share"):
                return list(SECTORS)
            return []
    return list(getattr(model, "model_fields", {}))


def _dotted(loc: tuple, data: Any) -> str:
    """A pydantic error location as the scenario key: `a.b[2].c` (an integer is a list index
    only where the scenario has a list; elsewhere it is a mapping key such as a year)."""
    out, node = "", data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if 0 <= part < len(node) else None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part, node.get(str(part))) if isinstance(node, dict) else None
    return out


def _problems_from(
    err: ValidationError, files: dict[str, str], default_file: str, data: Any = None
) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = tuple(e["loc"])
        dotted = _dotted(loc, data)
        file = _file_for(dotted, files, default_file)
        value = e.get("input")
        if e["type"] == "extra_forbidden":
            hint = did_you_mean(str(loc[-1]), _allowed_keys(loc))
            msg = f"unknown key '{loc[-1]}'{hint}"
        elif e["type"] == "literal_error":
            msg = f"value {value!r}: expected {e['ctx']['expected']}"
        else:
            text = e["msg"].removeprefix("Value error, ")
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            msg = f"value {shown}: {text}"
        problems.append(Problem(file, dotted, msg))
    return problems


def _file_for(dotted: str, prov: dict[str, str], default: str) -> str:
    key = dotted
    while key:
        if key in prov:
            return prov[key]
        hits = [f for k, f in prov.items() if k.startswith(key + ".") or k.startswith(key + "[")]
        if hits:
            return hits[-1]
        key = key.rsplit(".", 1)[0] if "." in key else ""
    return default


#: provenance of a value set from the command line (`--set`) or the API (`overrides=`)
OVERRIDE_SOURCE = "--set"


def expand_dotted(overrides: dict[str, Any]) -> dict[str, Any]:
    """{"parameters.discount_rate": 0.05} -> {"parameters": {"discount_rate": 0.05}}; nested
    mappings are kept as they are and merged with the dotted keys."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = str(key).split(".")
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = {**node[parts[-1]], **value}
        else:
            node[parts[-1]] = value
    return out


#: a `--set` value is a scalar or a short list, never a document
MAX_SET_VALUE_CHARS = 1000


def parse_set_options(items: list[str]) -> dict[str, Any]:
    """`--set key.path=value` options as a nested dict; each value is read as YAML (so `0.05`
    is a number, `[2030, 2035]` a list, `max` a string). Raises InputError naming the option."""
    import yaml

    flat: dict[str, Any] = {}
    problems = []
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key or not re.fullmatch(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*", key):
            problems.append(
                Problem("command line", "--set", f"value {item!r}: expected key.path=value")
            )
            continue
        if len(text) > MAX_SET_VALUE_CHARS:
            problems.append(
                Problem(
                    "command line",
                    "--set",
                    f"value of {key!r} is {len(text)} characters, over {MAX_SET_VALUE_CHARS}",
                )
            )
            continue
        try:
            flat[key] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            problems.append(
                Problem("command line", "--set", f"value {item!r}: the value is not valid YAML")
            )
    if problems:
        raise InputError(problems)
    return expand_dotted(flat)


def _finish(
    chain: list[tuple[Path, dict]],
    top_shown: str,
    top_stem: str,
    overrides: dict[str, Any] | None,
) -> ResolvedScenario:
    merged: dict[str, Any] = {}
    prov: dict[str, str] = {}
    for file_path, data in chain:
        merged = _merge(merged, data, _shown(file_path), prov)
    if "name" not in chain[-1][1]:
        merged["name"] = top_stem
        prov["name"] = top_shown
    if overrides:
        merged = _merge(merged, expand_dotted(overrides), OVERRIDE_SOURCE, prov)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as err:
        raise InputError(_problems_from(err, prov, top_shown, merged)) from None
    from npvi_model.solver_options import option_problems

    bad_options = option_problems(scenario.solver.options)
    if bad_options:
        raise InputError(
            [
                Problem(
                    _file_for(f"solver.options.{name}", prov, top_shown),
                    f"solver.options.{name}",
                    message,
                )
                for name, message in bad_options.items()
            ]
        )
    missing = [y for y in scenario.years if y not in DATA_YEARS]
    if missing:
        raise InputError(
            [
                Problem(
                    _file_for("years", prov, top_shown),
                    "years",
                    f"years {missing} are outside the data years",
                )
            ]
        )
    return ResolvedScenario(
        scenario=scenario,
        files=[_shown(p) for p, _ in chain],
        provenance=dict(sorted(prov.items())),
        raw=merged,
    )


def resolve(
    path: str | Path, allow_outside: bool = False, overrides: dict[str, Any] | None = None
) -> ResolvedScenario:
    """Read a scenario file and its `extends` chain, merge, apply `overrides` (nested or dotted
    keys, provenance "--set"), validate. Raises InputError."""
    path = Path(path)
    root = path.resolve().parent
    chain = _chain(path, root, allow_outside, [])
    return _finish(chain, _shown(chain[-1][0]), chain[-1][0].stem, overrides)


def resolve_dict(
    data: dict[str, Any],
    base_dir: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    allow_outside: bool = False,
) -> ResolvedScenario:
    """A scenario given as a dict (as its YAML would read). `extends` is relative to `base_dir`
    (default: the current folder); without `name` the scenario is called "scenario". The dict
    shows in provenance as "<dict>". Raises InputError."""
    if not isinstance(data, dict):
        raise InputError([Problem("<dict>", "", f"expected a dict, got {type(data).__name__}")])
    base = Path(base_dir or Path.cwd()).resolve()
    data = dict(data)
    parent = data.pop("extends", None)
    chain: list[tuple[Path, dict]] = []
    if parent is not None:
        parent_path = (base / str(parent)).resolve()
        if not parent_path.is_file():
            raise InputError([Problem("<dict>", "extends", f"value '{parent}': file not found")])
        chain = _chain(parent_path, base, allow_outside, [])
    chain.append((Path("<dict>"), data))
    return _finish(chain, "<dict>", "scenario", overrides)


def interpolate_anchors(
    anchors: dict[int, float], years: list[int], default: float
) -> dict[int, float]:
    """Linear interpolation between anchor years, flat outside them; `default` without anchors."""
    if not anchors:
        return {y: default for y in years}
    points = sorted(anchors.items())
    out = {}
    for y in years:
        if y <= points[0][0]:
            out[y] = points[0][1]
        elif y >= points[-1][0]:
            out[y] = points[-1][1]
        else:
            for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
                if y0 <= y <= y1:
                    out[y] = v0 + (v1 - v0) * (y - y0) / (y1 - y0)
                    break
    return out
