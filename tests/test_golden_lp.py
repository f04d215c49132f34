"""Golden LP files: each math family's constraints on a tiny instance, written as LP text and
diffed against the committed file in tests/golden/. A change to a family's equations shows up
as a readable text diff. After an intended change, regenerate with
`NPVI_UPDATE_GOLDEN=1 make test` and commit the new files with a note on why.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pyomo.environ as pyo
import pytest
from micro import micro_inputs

from npvi_model.model import (
    co2,
    core,
    electricity,
    emissions,
    hydrogen,
    investment,
    objective,
    power_system,
)

GOLDEN = Path(__file__).parent / "golden"
FAMILIES = {
    "investment": investment.add_investment,
    "electricity": electricity.add_electricity,
    "power_system": power_system.add_power_system,
    "hydrogen": hydrogen.add_hydrogen,
    "co2": co2.add_co2,
    "emissions": emissions.add_emissions,
    "objective": objective.add_objective,
}


def tiny_instance():
    """Two clusters, two years, two 1-h slices standing for 4380 h each, one of every asset."""
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2030, 2035),
        slice_weights=(4380.0, 4380.0),
        wind_cf=(0.8, 0.1),
        day_period=[0, 1],
        assets=[
            {
                "tech": "offshore_wind",
                "loc": "A",
                "existing": 1.0,
                "max_new": 2.0,
                "earliest": 2035,
                "capex": 2000.0,
                "fom": 50.0,
                "lifetime": 25.0,
            },
            {
                "tech": "electrolyser",
                "loc": "A",
                "existing": 0.5,
                "max_new": 1.0,
                "earliest": 2030,
                "capex": 1500.0,
                "fom": 30.0,
                "rate": 0.2,
            },
            {"tech": "offshore_electrolysis", "loc": "A", "existing": {2035: 0.5}},
            {"tech": "grid_connection", "loc": "B", "existing": 1.5},
            {"tech": "electricity_corridor", "loc": "AB", "from": "A", "to": "B", "existing": 1.0},
            {"tech": "h2_pipeline", "loc": "AB", "from": "A", "to": "B", "existing": {2035: 2.0}},
            {"tech": "h2_import_terminal", "loc": "B", "existing": 1.0},
            {"tech": "h2_storage", "loc": "A", "existing": 100.0},
            {"tech": "co2_sink", "loc": "S", "from": "A", "to": "A", "existing": 2.0},
            {"tech": "co2_pipeline", "loc": "BA", "from": "B", "to": "A", "existing": 1.0},
        ],
    )
    ds["electricity_demand_twh"][:] = 4.0
    ds["hydrogen_demand_twh"][:] = 2.0
    ds["co2_capture_plan_mt"][:] = 1.5
    ds["emission_cap_mt"][:] = [float("nan"), 1.0]
    # two grid steps: 1 GW of surplus at 20 EUR/MWh, 0.5 GW gas-fired at 120 EUR/MWh, 0.4 t/MWh
    ds["grid_step_volume_gw"].loc[{"grid_step": "renewable_surplus"}] = 1.0
    ds["grid_step_volume_gw"].loc[{"grid_step": "dispatchable"}] = 0.5
    ds["grid_step_price_eur_per_mwh"][:] = [[20.0, 20.0], [120.0, 120.0]]
    ds["grid_step_emission_factor_t_per_mwh"].loc[{"grid_step": "dispatchable"}] = 0.4
    ds.attrs["electrolysis_low_carbon_power_only"] = 1
    ds["price_co2_emission"][:] = 100.0
    ds["h2_storage_power_ratio"][:] = 0.1
    # path rules and the delivery-first valuation (model/hydrogen.py, model/objective.py)
    ds["h2_import_max_share"] = ("year", [0.5, 0.4])
    ds["h2_domestic_min_share"] = ("year", [float("nan"), 0.6])
    ds["rfnbo_min_share"] = ("year", [0.42, float("nan")])
    ds.attrs.update(
        green_shortfall_value_eur_per_mwh=1000.0,
        green_shortfall_value_eur_per_t=500.0,
        rfnbo_gap_penalty_eur_per_mwh=400.0,
    )
    # national electrolyser pace 0.15 GW/yr: 0.15 GW in 2030 (block 2030), 0.75 GW in 2035
    ds.attrs["national_build_limits"] = json.dumps({"electrolyser": [[2026, 0.15]]})
    return ds


def family_lp_text() -> dict[str, str]:
    """Build the tiny model family by family; return each family's LP blocks as text, with
    the finite upper bounds of the variables the family adds (limits written as bounds)."""
    m = pyo.ConcreteModel(name="golden")
    core.add_sets(m, tiny_instance())
    owner: dict[str, str] = {}
    kinds = (pyo.Constraint, pyo.Objective, pyo.Var)
    for family, add in FAMILIES.items():
        before = {c.local_name for c in m.component_objects(kinds)}
        add(m)
        for comp in m.component_objects(kinds):
            if comp.local_name not in before:
                owner[comp.local_name] = family
    path = GOLDEN.parent / "_golden_tmp.lp"
    try:
        m.write(str(path), io_options={"symbolic_solver_labels": True})
        text = path.read_text()
    finally:
        path.unlink(missing_ok=True)
    blocks: dict[str, list[str]] = {f: [] for f in FAMILIES}
    text, _, bounds_section = text.partition("\nbounds\n")
    bounds: dict[str, list[str]] = {f: [] for f in FAMILIES}
    for line in bounds_section.splitlines():
        parts = line.split()  # "lower <= name(index) <= upper"
        var = parts[2].split("(")[0] if len(parts) == 5 else ""
        if var in owner and parts[4] != "+inf":  # limits written as variable bounds
            bounds[owner[var]].append(line.strip())
    for family, lines in bounds.items():
        if lines:
            blocks[family].append("bounds:\n" + "\n".join(lines))
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines:
            continue
        head = lines[0]
        if head.startswith("min") or head.startswith("max"):
            head = lines[1] if len(lines) > 1 else head
        name = head.split("(")[0].rstrip(":")
        for prefix in ("c_u_", "c_l_", "c_e_", "r_u_", "r_l_"):
            name = name.removeprefix(prefix)
        if name in owner:
            blocks[owner[name]].append(block.strip())
    return {f: "\n\n".join(b) + "\n" for f, b in blocks.items()}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_golden_lp(family):
    text = family_lp_text()[family]
    golden = GOLDEN / f"{family}.lp"
    if os.environ.get("NPVI_UPDATE_GOLDEN") == "1" or not golden.exists():
        if os.environ.get("CI") and not golden.exists():
            pytest.fail(f"{golden} is missing; generate it with NPVI_UPDATE_GOLDEN=1")
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text)
    expected = golden.read_text()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), f"golden/{family}.lp", "now"
            )
        )
        pytest.fail(f"the {family} family's LP changed:\n{diff}")
    assert text.strip(), f"no constraints of family {family} in the LP"
