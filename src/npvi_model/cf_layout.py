"""The layout of `results.nc` on disk: one unit per variable, CF-style attributes.

In memory a run's Dataset keeps variables whose unit depends on a coordinate (`demand` is TWh
for electricity and hydrogen but Mt for CO2; `capacity` is GW, GWh or Mt/yr by technology):
that is what the analysis reads. On disk, `to_file` splits each such variable into one variable
per unit, so that every variable has exactly one `units` attribute that pint or cf-xarray can
read, and `from_file` joins them back when a file is loaded:

- `<name>_<unit slug>` holds the part of `<name>` in that unit, e.g. `demand_TWh`
  (dim `carrier_TWh`: electricity, hydrogen), `demand_Mt` (dim `carrier_Mt`: co2),
  `capacity_GW`, `capacity_GWh`, `capacity_Mt_per_yr`;
- the split dim is named `<dim>_<unit slug>`; its values are a subset of `<dim>`; the variable's
  attribute `npvi_split_of` names the original variable and `npvi_split_dim` the original dim;
- which unit each coordinate value has: per carrier `CARRIER_UNITS`, per technology
  `tables.CAPACITY_UNIT`, per link its `link_carrier`, per target its suffix, per limit its
  `limit_unit` coordinate (see `_unit_of`).

Every variable carries `units` ("1" for a dimensionless share, CF style) and `long_name`; the
file carries `Conventions = "CF-1.10"`. Metadata attributes that hold structures are JSON.
A file without the attribute `npvi_layout` (written before this layout) is read as it is.
"""

from __future__ import annotations

import re

import xarray as xr

from npvi_model.outputs import OUTPUT_VARIABLES
from npvi_model.tables import CAPACITY_UNIT

LAYOUT = "one-unit-per-variable-1"
CONVENTIONS = "CF-1.10"
#: unit of each carrier, per family of mixed units of the output dictionary
CARRIER_UNITS = {
    "TWh | Mt": {"electricity": "TWh", "hydrogen": "TWh", "co2": "Mt"},
    "EUR/MWh | EUR/t": {"electricity": "EUR/MWh", "hydrogen": "EUR/MWh", "co2": "EUR/t"},
}
LINK_UNITS = {
    "GW | Mt/yr": {"electricity": "GW", "hydrogen": "GW", "co2": "Mt/yr"},
    "TWh | Mt": {"electricity": "TWh", "hydrogen": "TWh", "co2": "Mt"},
}
DIMENSIONLESS = "1"


def unit_slug(unit: str) -> str:
    """A unit as a name part: "Mt/yr" -> "Mt_per_yr", "EUR/(GW*yr)" -> "EUR_per_GW_yr"."""
    text = unit.replace("/", "_per_").replace("*", "_")
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _unit_of(ds: xr.Dataset, name: str, mixed: str) -> tuple[str, dict[str, str]] | None:
    """(dim to split along, {coordinate value: unit}) for a variable of mixed unit, or None."""
    da = ds[name]
    if "carrier" in da.dims and mixed in CARRIER_UNITS:
        return "carrier", {str(c): CARRIER_UNITS[mixed][str(c)] for c in da["carrier"].values}
    if "technology" in da.dims:
        return "technology", {
            str(t): CAPACITY_UNIT.get(str(t), "") for t in da["technology"].values
        }
    if "link" in da.dims and "link_carrier" in ds.coords and mixed in LINK_UNITS:
        carriers = [str(c) for c in ds["link_carrier"].values]
        links = [str(x) for x in ds["link"].values]
        return "link", {k: LINK_UNITS[mixed][c] for k, c in zip(links, carriers, strict=True)}
    if "target" in da.dims:
        return "target", {
            str(t): ("GW" if str(t).endswith("_gw") else "Mt") for t in da["target"].values
        }
    if "limit" in da.dims and "limit_unit" in ds.coords:
        units = [str(u) for u in ds["limit_unit"].values]
        limits = [str(x) for x in ds["limit"].values]
        return "limit", {k: f"EUR/({u}*yr)" for k, u in zip(limits, units, strict=True)}
    return None


def to_file(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset as written to results.nc (see the module docstring); `ds` is not changed."""
    out = ds.copy()
    for var in OUTPUT_VARIABLES:
        if var.name not in out:
            continue
        out[var.name].attrs.setdefault("long_name", var.description)
        if "|" not in var.unit and "unit" not in var.unit:
            out[var.name].attrs["units"] = DIMENSIONLESS if var.unit == "-" else var.unit
            continue
        split = _unit_of(out, var.name, var.unit)
        if split is None:
            continue
        dim, units = split
        original = out[var.name]
        for unit in dict.fromkeys(units.values()):
            members = [k for k, u in units.items() if u == unit]
            new_dim = f"{dim}_{unit_slug(unit)}"
            part = original.sel({dim: members}).drop_vars(
                [c for c in original.coords if dim in original[c].dims and c != dim]
            )
            part = part.rename({dim: new_dim})
            part.attrs = {
                **{k: v for k, v in original.attrs.items() if k != "units_by_technology"},
                "units": unit,
                "long_name": f"{var.description} (in {unit})",
                "npvi_split_of": var.name,
                "npvi_split_dim": dim,
            }
            out[f"{var.name}_{unit_slug(unit)}"] = part
        out = out.drop_vars(var.name)
    out.attrs["Conventions"] = CONVENTIONS
    out.attrs["npvi_layout"] = LAYOUT
    return out


def from_file(ds: xr.Dataset) -> xr.Dataset:
    """The in-memory Dataset from a results.nc written by `to_file` (others are returned as
    they are)."""
    if ds.attrs.get("npvi_layout") != LAYOUT:
        return ds
    out = ds.copy()
    parts: dict[str, list[str]] = {}
    for name in list(out.data_vars):
        original = out[name].attrs.get("npvi_split_of")
        if original:
            parts.setdefault(original, []).append(name)
    described = {v.name: v for v in OUTPUT_VARIABLES}
    split_dims: list[str] = []
    for original, names in parts.items():
        dim = out[names[0]].attrs["npvi_split_dim"]
        full = out[dim].values
        pieces = []
        for name in names:
            piece = out[name]
            split_dim = next(d for d in piece.dims if d.startswith(f"{dim}_"))
            piece = piece.rename({split_dim: dim})
            pieces.append(piece.reindex({dim: full}))
        joined = pieces[0]
        for piece in pieces[1:]:
            joined = joined.combine_first(piece)
        joined = joined.reindex({dim: full})
        attrs = {
            k: v
            for k, v in out[names[0]].attrs.items()
            if k not in ("npvi_split_of", "npvi_split_dim", "long_name")
        }
        if original in described:
            attrs["units"] = described[original].unit
            attrs["long_name"] = described[original].description
        if original in ("capacity", "new_capacity"):
            import json

            attrs["units_by_technology"] = json.dumps(
                {str(t): CAPACITY_UNIT.get(str(t), "") for t in full}
            )
        split_dims += [d for n in names for d in out[n].dims if d.startswith(f"{dim}_")]
        out = out.drop_vars(names)
        dims = [d for d in _original_dims(original, joined) if d in joined.dims]
        out[original] = joined.transpose(*dims)
        out[original].attrs = attrs
    out = out.drop_dims([d for d in dict.fromkeys(split_dims) if d in out.dims])
    order = [v.name for v in OUTPUT_VARIABLES if v.name in out]
    rest = [n for n in out.data_vars if n not in order]
    out = out[order + rest]
    out.attrs = {k: v for k, v in ds.attrs.items() if k not in ("npvi_layout",)}
    return out


def _original_dims(name: str, da: xr.DataArray) -> tuple[str, ...]:
    for var in OUTPUT_VARIABLES:
        if var.name == name:
            return var.dims
    return tuple(da.dims)


def stored_variables(ds: xr.Dataset) -> set[str]:
    """Names of the in-memory variables a file holds: its own, plus those split by unit."""
    names = {str(n) for n in ds.data_vars}
    return names | {
        str(ds[n].attrs["npvi_split_of"]) for n in ds.data_vars if "npvi_split_of" in ds[n].attrs
    }


def single_units(ds: xr.Dataset) -> dict[str, str]:
    """{variable: units} of a file-layout Dataset (for checks: no unit holds '|')."""
    return {str(n): str(ds[n].attrs.get("units", "")) for n in ds.data_vars}


__all__ = ["from_file", "single_units", "stored_variables", "to_file", "unit_slug"]
