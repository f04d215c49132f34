"""The samples of a sweep, and each sample's variant scenario.

`design_table` gives one row per sample and one column per factor (the drawn value, before it
is applied). Latin-hypercube points come from scipy.stats.qmc.LatinHypercube(d, seed), one
stratified uniform u in [0, 1) per factor and sample; u maps to a value by the factor's inverse
CDF (uniform: low + u (high - low); triangular, normal, truncated normal: scipy.stats ppf), or,
for a list of `values`, to values[floor(u n)]. Integer parameters are rounded to the nearest
integer.

`variant` applies a sample to the base scenario: the base's resolved mapping plus the changed
parameters, plus one data override per changed data row, validated by the same schema as any
scenario (`Scenario`). A `scale` factor on data multiplies each matched row's base value (the
value after the base scenario's own overrides); on a parameter, the base parameter.
"""

from __future__ import annotations

import copy
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from npvi_model.errors import InputError, Problem
from npvi_model.scenario import Parameters, ResolvedScenario, Scenario, resolve
from npvi_model.sweep.spec import Factor, LoadedSweep
from npvi_model.tables import TABLES


def _from_unit(factor: Factor, u: np.ndarray) -> np.ndarray:
    from scipy import stats

    if factor.values is not None:
        index = np.minimum((u * len(factor.values)).astype(int), len(factor.values) - 1)
        return np.asarray(factor.values, dtype=float)[index]
    if factor.range is not None:
        low, high = factor.range
        return low + u * (high - low)
    d = factor.distribution
    if d.kind == "uniform":
        return d.low + u * (d.high - d.low)
    if d.kind == "triangular":
        c = (d.mode - d.low) / (d.high - d.low)
        return stats.triang.ppf(u, c, loc=d.low, scale=d.high - d.low)
    if d.kind == "normal":
        return stats.norm.ppf(u, loc=d.mean, scale=d.sd)
    a, b = (d.low - d.mean) / d.sd, (d.high - d.mean) / d.sd
    return stats.truncnorm.ppf(u, a, b, loc=d.mean, scale=d.sd)


def _is_integer_parameter(factor: Factor) -> bool:
    if factor.parameter is None or "." in factor.parameter:
        return False
    return Parameters.model_fields[factor.parameter].annotation is int


def design_table(sweep: LoadedSweep) -> pd.DataFrame:
    """One row per sample (index `sample`, 0..n-1), one column per factor."""
    spec = sweep.spec
    names = list(spec.factors)
    if spec.design.method == "grid":
        rows = list(itertools.product(*(spec.factors[n].values for n in names)))
        table = pd.DataFrame(rows, columns=names, dtype=float)
    elif spec.design.method == "list":
        table = pd.DataFrame({n: spec.factors[n].values for n in names}, dtype=float)
    else:
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(names), seed=spec.design.seed).random(spec.design.samples)
        table = pd.DataFrame({n: _from_unit(spec.factors[n], u[:, i]) for i, n in enumerate(names)})
    for n in names:
        if _is_integer_parameter(spec.factors[n]):
            table[n] = table[n].round().astype(int)
    table.index.name = "sample"
    return table


class VariantMaker:
    """Turns samples into resolved variant scenarios of one base scenario."""

    def __init__(self, sweep: LoadedSweep, data_dir: Path | None = None):
        from npvi_model.data_io import default_data_dir, load_tables
        from npvi_model.inputs import apply_overrides

        self.sweep = sweep
        self.base = resolve(sweep.base_path)
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        #: the data tables as read (each variant's overrides are checked against them)
        self.raw_tables, _ = load_tables(self.data_dir)
        tables = {name: df.copy() for name, df in self.raw_tables.items()}
        apply_overrides(tables, self.base)  # base values after the base's own overrides
        self.tables = tables
        self.rows = {
            name: self._matched_rows(name, f)
            for name, f in sweep.spec.factors.items()
            if f.data is not None
        }

    def _matched_rows(self, name: str, factor: Factor) -> pd.DataFrame:
        target = factor.data
        df = self.tables.get(target.table)
        where = f"factors.{name}.data"
        if df is None:
            raise InputError(
                [Problem(self.sweep.file, where, f"table '{target.table}' is not read")]
            )
        mask = pd.Series(True, index=df.index)
        for column, wanted in target.where.items():
            if TABLES[target.table].column(column).kind == "str":
                mask &= df[column].astype(str) == str(wanted)
            else:
                mask &= np.isclose(df[column].astype(float), float(wanted))
        if not mask.any():
            raise InputError(
                [
                    Problem(
                        self.sweep.file,
                        where,
                        f"no row of table '{target.table}' matches {dict(target.where)}",
                    )
                ]
            )
        return df.loc[mask]

    def variant(self, sample: int, values: dict[str, float]) -> ResolvedScenario:
        """The base scenario with this sample's values; InputError if a value is invalid."""
        spec = self.sweep.spec
        raw = copy.deepcopy(self.base.scenario.model_dump(mode="python"))
        raw["name"] = f"{spec.name}_{sample:05d}"
        raw["description"] = f"sample {sample} of sweep {spec.name} on {self.base.scenario.name}"
        provenance = dict(self.base.provenance)
        overrides = list(raw.get("data_overrides") or [])
        for name, factor in spec.factors.items():
            value = values[name]
            label = f"{self.sweep.file} factors.{name}"
            if factor.parameter is not None:
                self._set_parameter(raw["parameters"], factor, value)
                provenance[f"parameters.{factor.parameter}"] = label
                continue
            key_cols = TABLES[factor.data.table].key
            for _, row in self.rows[name].iterrows():
                new = value * float(row[factor.data.column]) if factor.mode == "scale" else value
                where = {k: _plain(row[k]) for k in key_cols}
                overrides.append(
                    {"table": factor.data.table, "where": where, "set": {factor.data.column: new}}
                )
                provenance[f"data_overrides[{len(overrides) - 1}]"] = label
        raw["data_overrides"] = overrides
        try:
            scenario = Scenario.model_validate(raw)
        except ValidationError as err:
            e = err.errors()[0]
            key = ".".join(str(p) for p in e["loc"])
            text = e["msg"].removeprefix("Value error, ")
            raise InputError(
                [
                    Problem(
                        self.sweep.file, f"sample {sample}", f"{key} = {e.get('input')!r}: {text}"
                    )
                ]
            ) from None
        return ResolvedScenario(
            scenario=scenario,
            files=[*self.base.files, self.sweep.file],
            provenance=dict(sorted(provenance.items())),
            raw=raw,
        )

    @staticmethod
    def _set_parameter(parameters: dict, factor: Factor, value: float) -> None:
        head, _, key = factor.parameter.partition(".")
        if key:
            mapping = parameters[head]
            mkey = int(key) if key.isdigit() else key
            base = mapping.get(mkey, 0.0)
            mapping[mkey] = value * base if factor.mode == "scale" else value
            return
        base = parameters[head]
        new = value * base if factor.mode == "scale" else value
        if _is_integer_parameter(factor):
            new = int(round(new))
        parameters[head] = new


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value
