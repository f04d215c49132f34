"""Industry emissions against the target, with the gap attributed to its causes (missing green
electricity, missing green hydrogen, missing CO2 transport/storage, other processes).
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from npvi_model.analysis.io import _year_values, model_years

#: plain words for each emission cause
CAUSE_LABELS: dict[str, str] = {
    "electricity_fallback": "missing green electricity",
    "hydrogen_fallback": "missing green hydrogen",
    "co2_not_captured": "missing CO2 transport/storage",
    "other_processes": "other processes",
    "assumed_process_abatement": "assumed process abatement (exogenous)",
    "electrification_credit": "assumed electrification credit (scope 2 not counted)",
}
#: assumed (exogenous) abatements: negative causes, shown apart, never part of the target gap
ASSUMED_CAUSES = ("assumed_process_abatement", "electrification_credit")
#: causes that more (green) supply or CO2 infrastructure would remove
SUPPLY_CAUSES = ("electricity_fallback", "hydrogen_fallback", "co2_not_captured")


def emissions_vs_targets(
    ds: xr.Dataset,
    rule: Literal["missing_supply_first", "proportional"] = "missing_supply_first",
) -> pd.DataFrame:
    """National industry emissions per model year against the target, with the gap split by cause.

    - `emissions_mt`: the run's `emissions` (Mt CO2);
    - `target_mt`: the scenario's cap `emission_target`; where that is NaN, the policy target
      `policy_target[industry_emissions_mt]`; NaN if neither (`target_source` says which);
    - `above_target_mt` = emissions - target (negative: below target);
      `gap_mt` = max(0, above_target_mt), 0 where there is no target;
    - `emissions_<cause>_mt`: `emissions_by_cause` for each cause (other_processes,
      assumed_process_abatement, electrification_credit, electricity_fallback,
      hydrogen_fallback, co2_not_captured); the two assumed abatements are negative.

    Attribution of the gap (`gap_<cause>_mt`, summing to gap_mt):
    - rule "missing_supply_first" (default): the gap is first attributed to the causes that
      missing supply explains (electricity_fallback -> "missing green electricity",
      hydrogen_fallback -> "missing green hydrogen", co2_not_captured -> "missing CO2
      transport/storage"), in proportion to their emissions (clipped at zero), up to their total;
      whatever remains is "other processes" (it would stay even with all green supply);
    - rule "proportional": the gap is split in proportion to every cause's emissions (clipped
      at zero).
    `main_cause` is the plain label of the largest part, "target met", or "no target".
    """
    years = model_years(ds)
    emissions = _year_values(ds["emissions"])
    cap = _year_values(ds["emission_target"]) if "emission_target" in ds else {}
    policy: dict[int, float] = {}
    if "policy_target" in ds and "industry_emissions_mt" in ds["target"].values:
        policy = _year_values(ds["policy_target"].sel(target="industry_emissions_mt"))
    by_cause = ds["emissions_by_cause"]
    causes = [str(c) for c in by_cause["cause"].values]
    rows = []
    for y in years:
        target, source = cap.get(y, np.nan), "scenario cap"
        if not np.isfinite(target):
            target, source = policy.get(y, np.nan), "policy target"
        if not np.isfinite(target):
            source = "none"
        e = emissions[y]
        above = e - target if np.isfinite(target) else np.nan
        gap = max(0.0, above) if np.isfinite(target) else 0.0
        ec = {c: float(by_cause.sel(cause=c, year=y)) for c in causes}
        pos = {c: max(0.0, v) if np.isfinite(v) else 0.0 for c, v in ec.items()}
        parts = {c: 0.0 for c in CAUSE_LABELS if c not in ASSUMED_CAUSES}
        if gap > 0:
            if rule == "missing_supply_first":
                supply_total = sum(pos.get(c, 0.0) for c in SUPPLY_CAUSES)
                by_supply = min(gap, supply_total)
                for c in SUPPLY_CAUSES:
                    if supply_total > 0:
                        parts[c] = by_supply * pos.get(c, 0.0) / supply_total
                parts["other_processes"] = gap - by_supply
            elif rule == "proportional":
                total = sum(pos.values())
                if total > 0:
                    for c, v in pos.items():
                        key = c if c in parts else "other_processes"
                        parts[key] += gap * v / total
                else:
                    parts["other_processes"] = gap
            else:
                raise ValueError(f"unknown attribution rule {rule!r}")
        if source == "none":
            main = "no target"
        elif gap <= 1e-9:
            main = "target met"
        else:
            main = CAUSE_LABELS[max(parts, key=lambda c: parts[c])]
        row: dict[str, object] = {
            "year": y,
            "emissions_mt": e,
            "target_mt": target,
            "target_source": source,
            "above_target_mt": above,
            "gap_mt": gap,
        }
        for c in parts:
            row[f"gap_{_slug(CAUSE_LABELS[c])}_mt"] = parts[c]
        for c in causes:
            row[f"emissions_{c}_mt"] = ec[c]
        row["main_cause"] = main
        rows.append(row)
    return pd.DataFrame(rows)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


#: column of `emissions_vs_targets` for each cause's share of the gap
GAP_COLUMNS = {
    c: f"gap_{_slug(label)}_mt" for c, label in CAUSE_LABELS.items() if c not in ASSUMED_CAUSES
}
