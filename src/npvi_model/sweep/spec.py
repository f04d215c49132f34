"""Sweep files: a base scenario and the inputs that vary, validated as strictly as scenarios.

A sweep file (YAML) names a `base` scenario (a path relative to the sweep file), a `design`
(`grid`: every combination of the factors' `values`; `list`: the i-th value of every factor
makes sample i; `lhs`: a Latin-hypercube sample of `samples` points with a `seed`, each factor
drawn from its `range`, `distribution` or list of `values`) and the `factors`. A factor changes
either one scenario parameter (`parameter: offshore_wind_delay_years`, or `name.key` inside a
mapping parameter such as `emission_caps_mt.2030`) or the value column of the data rows matched
by `data: {table, where, column}`; `mode: set` puts the drawn value in, `mode: scale` multiplies
the base value by it. Every factor carries its confidence `flag` (as data rows do) and, unless
the flag is `A`, a `source`; an `A` factor explains itself in `note`.

Problems are reported as InputError: one line each, naming the file, the key and the value.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from npvi_model.errors import InputError, Problem, did_you_mean
from npvi_model.scenario import Parameters, _read_yaml, _shown

MAX_SAMPLES = 10_000
FLAGS = ("S", "V", "V-data", "C", "A")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class DataTarget(_Strict):
    """The value column of the rows of a data table whose key columns match `where`."""

    table: str
    where: dict[str, str | int | float] = Field(default_factory=dict)
    column: str = "value"


class Distribution(_Strict):
    """A distribution for Latin-hypercube sampling: uniform (low, high), triangular (low,
    mode, high), normal (mean, sd) or normal truncated to [low, high] (truncnormal)."""

    kind: Literal["uniform", "triangular", "normal", "truncnormal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "truncnormal": ("low", "high", "mean", "sd"),
        }[self.kind]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} distribution needs {', '.join(missing)}")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        if self.kind == "triangular" and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode {self.mode} must lie within low {self.low}, high {self.high}")
        return self


class Factor(_Strict):
    """One varied input, with where its values come from."""

    parameter: str | None = None
    data: DataTarget | None = None
    mode: Literal["set", "scale"] = "set"
    values: list[float] | None = Field(None, min_length=1)
    range: list[float] | None = Field(None, min_length=2, max_length=2)
    distribution: Distribution | None = None
    flag: Literal["S", "V", "V-data", "C", "A"]
    source: str = ""
    note: str = ""
    unit: str = ""

    @model_validator(mode="after")
    def _one_target_one_source(self) -> Factor:
        if (self.parameter is None) == (self.data is None):
            raise ValueError("give exactly one of `parameter` and `data`")
        if self.flag != "A" and not self.source.strip():
            raise ValueError(f"flag {self.flag} needs a `source` (or flag A with a `note`)")
        if self.flag == "A" and not (self.source.strip() or self.note.strip()):
            raise ValueError("an assumption (flag A) needs a `note` saying why these values")
        given = [k for k in ("values", "range", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `values`, `range` and `distribution`")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range {self.range}: the first value must be below the second")
        for v in self.values or []:
            if not math.isfinite(v):
                raise ValueError(f"value {v} is not a finite number")
        return self


class Design(_Strict):
    method: Literal["grid", "list", "lhs"]
    samples: int | None = Field(None, ge=1, le=MAX_SAMPLES)
    seed: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _lhs_needs(self) -> Design:
        if self.method == "lhs" and (self.samples is None or self.seed is None):
            raise ValueError("a Latin-hypercube design needs `samples` and `seed`")
        if self.method != "lhs" and (self.samples is not None or self.seed is not None):
            raise ValueError(f"`samples` and `seed` belong to method lhs, not {self.method}")
        return self


class SweepSpec(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    description: str = ""
    base: str
    hours: Any = Field(None, description="representative days 1-365 or 'full'; default: base's")
    design: Design
    factors: dict[str, Factor] = Field(min_length=1)

    @field_validator("hours")
    @classmethod
    def _days_or_full(cls, hours: Any) -> int | str | None:
        ok = hours is None or hours == "full"
        ok = ok or (isinstance(hours, int) and not isinstance(hours, bool) and 1 <= hours <= 365)
        if not ok:
            raise ValueError("expected a number of representative days 1-365 or 'full'")
        return hours

    @model_validator(mode="after")
    def _design_fits_factors(self) -> SweepSpec:
        method = self.design.method
        for name, factor in self.factors.items():
            if method in ("grid", "list") and factor.values is None:
                raise ValueError(f"factor '{name}': design {method} needs `values`")
        if method == "list":
            lengths = {name: len(f.values or []) for name, f in self.factors.items()}
            if len(set(lengths.values())) > 1:
                raise ValueError(f"design list needs equally long `values`; got {lengths}")
        if method == "grid":
            n = math.prod(len(f.values or []) for f in self.factors.values())
            if n > MAX_SAMPLES:
                raise ValueError(f"the grid has {n} samples, over the limit of {MAX_SAMPLES}")
        return self


class LoadedSweep(BaseModel):
    """A validated sweep file, its base scenario path and a hash of its definition."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    spec: SweepSpec
    file: str
    base_path: Path
    raw: dict[str, Any]

    @property
    def definition_sha256(self) -> str:
        text = json.dumps(self.spec.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


_ALLOWED = {
    (): list(SweepSpec.model_fields),
    ("design",): list(Design.model_fields),
    ("factors", "*"): list(Factor.model_fields),
    ("factors", "*", "data"): list(DataTarget.model_fields),
    ("factors", "*", "distribution"): list(Distribution.model_fields),
}


def _problem(shown: str, err: dict) -> Problem:
    loc = tuple(str(p) for p in err["loc"])
    key = ".".join(loc)
    if err["type"] == "extra_forbidden":
        parent = tuple("*" if i == 1 and loc[0] == "factors" else p for i, p in enumerate(loc[:-1]))
        hint = did_you_mean(loc[-1], _ALLOWED.get(parent, []))
        return Problem(shown, key, f"unknown key '{loc[-1]}'{hint}")
    value = repr(err.get("input"))
    value = value if len(value) <= 60 else value[:57] + "..."
    text = err["msg"].removeprefix("Value error, ")
    if err["type"] == "literal_error":
        text = f"expected {err['ctx']['expected']}"
    return Problem(shown, key, f"value {value}: {text}")


def _check_targets(spec: SweepSpec, shown: str) -> list[Problem]:
    """Parameter names and data tables/columns exist (the rows are checked per variant)."""
    from npvi_model.scenario import DataOverride

    problems = []
    for name, factor in spec.factors.items():
        key = f"factors.{name}"
        if factor.parameter is not None:
            head = factor.parameter.split(".", 1)[0]
            if head not in Parameters.model_fields:
                hint = did_you_mean(head, list(Parameters.model_fields))
                problems.append(
                    Problem(shown, f"{key}.parameter", f"unknown parameter '{head}'{hint}")
                )
        else:
            target = factor.data
            try:
                DataOverride(table=target.table, where=target.where, set={target.column: 1.0})
            except ValidationError as err:
                text = err.errors()[0]["msg"].removeprefix("Value error, ")
                problems.append(Problem(shown, f"{key}.data", text))
    return problems


def load_sweep(path: str | Path) -> LoadedSweep:
    """Read and validate a sweep file; raise InputError naming file, key and value."""
    path = Path(path)
    shown = _shown(path)
    raw = _read_yaml(path, shown)
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as err:
        raise InputError([_problem(shown, e) for e in err.errors()]) from None
    problems = _check_targets(spec, shown)
    base_path = (path.resolve().parent / spec.base).resolve()
    if not base_path.is_file():
        problems.append(Problem(shown, "base", f"value '{spec.base}': file not found"))
    if problems:
        raise InputError(problems)
    return LoadedSweep(spec=spec, file=shown, base_path=base_path, raw=raw)
