"""The compact reference of one solved scenario and its comparison with a stored reference.

`reference_from` turns results and summary into the reference dict (headline figures, key
tables, fingerprint, metadata); `compare` grades every difference as fail, alternative optimum or
info under `TOLERANCES`. What a reference holds, the severities and the derivation of the
tolerances are explained in the docstring of `check.py` (`npvi check`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import xarray as xr

REFERENCE_FORMAT = 1

FAIL = "fail"
ALTERNATIVE = "alternative optimum"
INFO = "info"
_SEVERITY_ORDER = {FAIL: 0, ALTERNATIVE: 1, INFO: 2}
_SEVERITY_TEXT = {FAIL: "FAIL", ALTERNATIVE: "alternative optimum (not a failure)", INFO: "info"}


@dataclass(frozen=True)
class Tolerance:
    """A value differs when |new - old| > abs and |new - old| > rel * |old|."""

    rel: float
    abs: float

    def differs(self, old: float, new: float) -> bool:
        delta = abs(new - old)
        return delta > self.abs and delta > self.rel * abs(old)


#: The tolerances of the check; the derivation is in the docstring of check.py.
TOLERANCES: dict[str, Tolerance] = {
    "objective": Tolerance(rel=1e-6, abs=1.0),
    "aggregate": Tolerance(rel=1e-6, abs=1e-4),
    "table": Tolerance(rel=1e-6, abs=1e-4),
}

#: headline keys of summary.json compared as national aggregates (`emissions_mt` is the
#: `emissions` table, compared there once)
HEADLINE_KEYS = ("emission_gap_mt", "electrolysis_gw", "offshore_wind_gw")
#: per-cluster tables: name -> dims (the national total sums `cluster` out)
CLUSTER_TABLES = {
    "capacity": ("technology", "cluster", "year"),
    "unmet": ("carrier", "cluster", "year"),
}
#: national tables of the power system behind the grid (compared value by value, FAIL)
POWER_SYSTEM_TABLES = {
    "grid_supply_by_step": ("grid_step", "year"),
    "scope2_emissions": ("year",),
}
#: national tables of values, compared value by value (FAIL): the path rules' one-sided values
#: (`one_sided.py`) are the same at every optimal vertex, so a change is a change of the answer
VALUE_TABLES = {"path_rule_value": ("path_rule", "year")}
#: every national table compared value by value
NATIONAL_TABLES = {**POWER_SYSTEM_TABLES, **VALUE_TABLES}
METADATA_KEYS = ("input_sha256", "time_resolution", "n_slices", "solver_options", "versions")


@dataclass(frozen=True)
class Difference:
    """One differing value. `old`/`new` are None where a value is missing on one side;
    `rel_change` is (new - old) / |old| (inf when old is 0, None when not numeric)."""

    scenario: str
    quantity: str
    index: str
    old: float | int | str | None
    new: float | int | str | None
    rel_change: float | None
    severity: str

    @property
    def is_failure(self) -> bool:
        return self.severity == FAIL


# -- the reference of one solved scenario -------------------------------------------------------


def _num(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _table(da: xr.DataArray, dims: tuple[str, ...]) -> dict:
    series = da.transpose(*dims).to_series()
    values = {
        "|".join(str(k) for k in (key if isinstance(key, tuple) else (key,))): _num(v)
        for key, v in series.items()
    }
    return {"dims": list(dims), "units": str(da.attrs.get("units", "")), "values": values}


def reference_from(ds: xr.Dataset, summary: dict) -> dict:
    """The compact reference of one solved scenario (see the module docstring)."""
    fingerprint = dict(summary["model"])
    tables = {name: _table(ds[name], dims) for name, dims in CLUSTER_TABLES.items()}
    if "units_by_technology" in ds["capacity"].attrs:
        tables["capacity"]["units"] = str(ds["capacity"].attrs["units_by_technology"])
    tables["emissions"] = _table(ds["emissions"], ("year",))
    for name, dims in NATIONAL_TABLES.items():
        if name in ds:
            tables[name] = _table(ds[name], dims)
    headline = {
        str(year): {
            "unmet": {str(c): float(v) for c, v in values["unmet"].items()},
            **{k: float(values[k]) for k in ("emissions_mt", *HEADLINE_KEYS)},
        }
        for year, values in summary["years"].items()
    }
    metadata = summary.get("metadata", {})
    return {
        "format": REFERENCE_FORMAT,
        "scenario": summary["scenario"],
        "status": summary["status"],
        "objective_eur": float(summary["objective_eur"]),
        "headline": headline,
        "tables": tables,
        "fingerprint": fingerprint,
        "metadata": {k: metadata[k] for k in METADATA_KEYS if k in metadata},
    }


# -- comparison -------------------------------------------------------------------------------


def _rel(old, new) -> float | None:
    if not isinstance(old, int | float) or not isinstance(new, int | float):
        return None
    if old == new:
        return 0.0
    if old == 0:
        return math.copysign(math.inf, new)
    return (new - old) / abs(old)


def _size_key(d: Difference) -> tuple:
    rel = d.rel_change
    size = abs(rel) if rel is not None else -1.0
    delta = (
        abs(d.new - d.old)
        if isinstance(d.old, int | float) and isinstance(d.new, int | float)
        else 0.0
    )
    return (-size, -delta, d.quantity, d.index)


def sort_by_size(diffs: list[Difference]) -> list[Difference]:
    """Largest relative change first (new-from-zero and missing values count as infinite)."""
    return sorted(diffs, key=_size_key)


def _differs(old, new, tol: Tolerance) -> bool:
    if old is None or new is None:
        return old is not new
    return tol.differs(float(old), float(new))


def _missing_rel(old, new) -> float | None:
    return math.inf if (old is None) != (new is None) else _rel(old, new)


def _index(dims: list[str], key: str) -> str:
    return " ".join(f"{d}={v}" for d, v in zip(dims, key.split("|"), strict=True))


def compare(reference: dict, fresh: dict, scenario: str) -> list[Difference]:
    """Differences between a committed reference and a fresh one, sorted by size."""
    out: list[Difference] = []

    def add(quantity, index, old, new, severity):
        out.append(
            Difference(scenario, quantity, index, old, new, _missing_rel(old, new), severity)
        )

    if reference.get("status") != fresh.get("status"):
        add("status", "", reference.get("status"), fresh.get("status"), FAIL)
    old_obj, new_obj = reference.get("objective_eur"), fresh.get("objective_eur")
    objective_ok = not _differs(old_obj, new_obj, TOLERANCES["objective"])
    if not objective_ok:
        add("objective_eur", "", old_obj, new_obj, FAIL)

    agg = TOLERANCES["aggregate"]
    old_h, new_h = reference.get("headline", {}), fresh.get("headline", {})
    for year in sorted(set(old_h) | set(new_h)):
        o, n = old_h.get(year, {}), new_h.get(year, {})
        for carrier in sorted(set(o.get("unmet", {})) | set(n.get("unmet", {}))):
            ov, nv = o.get("unmet", {}).get(carrier), n.get("unmet", {}).get(carrier)
            if _differs(ov, nv, agg):
                add("unmet (national)", f"carrier={carrier} year={year}", ov, nv, FAIL)
        for key in HEADLINE_KEYS:
            if _differs(o.get(key), n.get(key), agg):
                add(f"{key} (national)", f"year={year}", o.get(key), n.get(key), FAIL)

    old_t, new_t = reference.get("tables", {}), fresh.get("tables", {})
    old_e = old_t.get("emissions", {}).get("values", {})
    new_e = new_t.get("emissions", {}).get("values", {})
    for year in sorted(set(old_e) | set(new_e)):
        if _differs(old_e.get(year), new_e.get(year), agg):
            add("emissions (national)", f"year={year}", old_e.get(year), new_e.get(year), FAIL)

    for name, dims in NATIONAL_TABLES.items():
        old_v = old_t.get(name, {}).get("values", {})
        new_v = new_t.get(name, {}).get("values", {})
        for key in sorted(set(old_v) | set(new_v)):
            if _differs(old_v.get(key), new_v.get(key), agg):
                where = _index(list(dims), key)
                add(f"{name} (national)", where, old_v.get(key), new_v.get(key), FAIL)

    for name, dims in CLUSTER_TABLES.items():
        out += _compare_cluster_table(
            name,
            list(dims),
            old_t.get(name, {}).get("values", {}),
            new_t.get(name, {}).get("values", {}),
            objective_ok,
            scenario,
        )

    out += _compare_fingerprint(
        reference.get("fingerprint", {}), fresh.get("fingerprint", {}), scenario
    )
    old_m, new_m = reference.get("metadata", {}), fresh.get("metadata", {})
    for key in METADATA_KEYS:
        if old_m.get(key) != new_m.get(key):
            out.append(
                Difference(
                    scenario,
                    f"metadata.{key}",
                    "",
                    _short(old_m.get(key)),
                    _short(new_m.get(key)),
                    None,
                    INFO,
                )
            )
    return sort_by_size(out)


def _short(value) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _compare_cluster_table(
    name: str, dims: list[str], old: dict, new: dict, objective_ok: bool, scenario: str
) -> list[Difference]:
    tol = TOLERANCES["table"]
    cluster_pos = dims.index("cluster")

    def national(values: dict) -> dict[tuple, float]:
        totals: dict[tuple, float] = {}
        for key, v in values.items():
            parts = key.split("|")
            group = tuple(p for i, p in enumerate(parts) if i != cluster_pos)
            totals[group] = totals.get(group, 0.0) + (v or 0.0)
        return totals

    old_nat, new_nat = national(old), national(new)
    out = []
    for key in sorted(set(old) | set(new)):
        ov, nv = old.get(key), new.get(key)
        if not _differs(ov, nv, tol):
            continue
        group = tuple(p for i, p in enumerate(key.split("|")) if i != cluster_pos)
        national_ok = (
            group in old_nat
            and group in new_nat
            and not TOLERANCES["aggregate"].differs(old_nat[group], new_nat[group])
        )
        severity = ALTERNATIVE if (objective_ok and national_ok) else FAIL
        out.append(
            Difference(scenario, name, _index(dims, key), ov, nv, _missing_rel(ov, nv), severity)
        )
    return out


def _compare_fingerprint(old: dict, new: dict, scenario: str) -> list[Difference]:
    out = []
    for total in ("n_variables", "n_constraints", "n_nonzeros"):
        if old.get(total) != new.get(total):
            out.append(
                Difference(
                    scenario,
                    f"fingerprint.{total}",
                    "",
                    old.get(total),
                    new.get(total),
                    _missing_rel(old.get(total), new.get(total)),
                    FAIL,
                )
            )
    for part in ("variables", "constraints", "nonzeros"):
        o, n = old.get(part) or {}, new.get(part) or {}
        if (part in old) != (part in new):
            out.append(
                Difference(
                    scenario,
                    f"fingerprint.{part}",
                    "",
                    _short(o) if o else None,
                    _short(n) if n else None,
                    math.inf,
                    FAIL,
                )
            )
            continue
        for family in sorted(set(o) | set(n)):
            if o.get(family) != n.get(family):
                out.append(
                    Difference(
                        scenario,
                        f"fingerprint.{part}",
                        f"family={family}",
                        o.get(family),
                        n.get(family),
                        _missing_rel(o.get(family), n.get(family)),
                        FAIL,
                    )
                )
    return out
