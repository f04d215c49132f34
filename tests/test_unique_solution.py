"""One answer whatever the algorithm: every shipped development path solved with simplex and
with interior point (crossover on) gives the same capacities, access years and bottlenecks, the
same per-cluster supply, delivery gap, link flows and hourly dispatch, and the same prices,
cost gaps and limit values (`unique_duals.py`); so does a simplex started from another path's
optimal basis.

To keep the suite fast the paths are solved at a reduced time resolution, 2 representative
days (`prepare(resolved, hours="2")`), all six model years: about 10 s (simplex) and 15 s
(interior point) per path on one core. Without the tie-breakers (model/tie_breaks.py) the two
algorithms return different optimal vertices at this resolution too (on domestic: 14 of 113
capacity cells differ by more than 1 %, 7 of 18 first-access years as routed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from npvi_model import analysis
from npvi_model.extract import extract
from npvi_model.model import build_model
from npvi_model.pipeline import prepare
from npvi_model.scenario import resolve
from npvi_model.solve import solve

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("domestic", "import_intermediates", "reduced_base")
ALGORITHMS = ("simplex", "ipm")


def _solve_both(path: str) -> dict:
    resolved = resolve(ROOT / "scenarios" / f"{path}.yaml")
    inputs = prepare(resolved, hours="2")
    out = {}
    for algorithm in ALGORITHMS:
        config = resolved.scenario.solver.model_copy(update={"algorithm": algorithm})
        model = build_model(inputs)
        result = solve(model, config)
        out[algorithm] = extract(model, inputs, result.duals)
        out[algorithm].attrs["green_access_threshold"] = inputs.attrs["green_access_threshold"]
    return out


#: the primal results compared value by value (TWh, Mt, GW); equal to this tolerance
PRIMAL = (
    "supply",
    "delivery_gap",
    "link_flow",
    "curtailment",
    "h2_storage_throughput",
    "co2_stored",
    "dispatch_gw",
)
PRIMAL_TOLERANCE = 1e-6


def _primal_differences(a, b) -> dict[str, float]:
    """The largest absolute difference of each primal result above PRIMAL_TOLERANCE."""
    out = {}
    for name in PRIMAL:
        worst = float(np.nanmax(np.abs(a[name].values - b[name].values)))
        if worst > PRIMAL_TOLERANCE:
            out[name] = worst
    return out


#: the results read from duals (EUR/MWh, EUR/t, MEUR per unit), compared value by value: with
#: `solver.dual_headroom` 0 (no unique_duals step) 5 to 9 limit values per path differ by up
#: to 0.48 MEUR per unit, a cost gap by 8.6 EUR/MWh and a hydrogen price by 0.004 EUR/MWh
DUAL = ("carrier_price", "grid_price", "limit_marginal_value", "cost_gap", "path_rule_value")
DUAL_RELATIVE, DUAL_ABSOLUTE = 1e-6, 1e-6


def _dual_differences(a, b) -> dict[str, float]:
    """The largest absolute difference of each dual result beyond its tolerance."""
    out = {}
    for name in DUAL:
        x, y = a[name].values, b[name].values
        excess = np.abs(x - y) - DUAL_RELATIVE * np.maximum(np.abs(x), np.abs(y)) - DUAL_ABSOLUTE
        if np.nanmax(excess) > 0:
            out[name] = float(np.nanmax(np.abs(x - y)))
    return out


def _top10(ds) -> list[tuple[str, str, int]]:
    ranking = analysis.bottleneck_ranking(ds, top=10)
    return list(zip(ranking["limit_unit"], ranking["limit"], ranking["year"], strict=True))


@pytest.mark.scenario
@pytest.mark.parametrize("path", PATHS)
def test_simplex_and_interior_point_give_one_answer(path):
    """Capacities agree within 1 % (plus 1 MW for near-zero cells), every first-access year
    (cluster x carrier, pro rata rule) is the same, and the top 10 bottlenecks per unit are
    the same limits in the same order."""
    runs = _solve_both(path)
    a, b = (runs[alg] for alg in ALGORITHMS)
    cap_a, cap_b = a["capacity"].values, b["capacity"].values
    tolerance = 0.01 * np.maximum(np.abs(cap_a), np.abs(cap_b)) + 1e-3
    differ = np.argwhere(np.abs(cap_a - cap_b) > tolerance)
    cells = [
        (str(a["technology"].values[i]), str(a["cluster"].values[j]), int(a["year"].values[k]))
        for i, j, k in differ
    ]
    assert not cells, f"capacities differ between simplex and ipm: {cells}"
    access = [
        analysis.first_access_table(analysis.access_timeline(ds)).set_index(["cluster", "carrier"])[
            "first_access"
        ]
        for ds in (a, b)
    ]
    assert access[0].to_dict() == access[1].to_dict()
    assert _top10(a) == _top10(b)
    assert _top10(a), "no bottleneck at all: the comparison would be empty"
    differences = _primal_differences(a, b)
    assert not differences, f"per-cluster results differ between simplex and ipm: {differences}"
    differences = _dual_differences(a, b)
    assert not differences, f"prices or limit values differ between simplex and ipm: {differences}"


@pytest.mark.scenario
def test_a_warm_start_from_another_path_gives_the_cold_answer():
    """reduced_base solved cold, and again from import_intermediates' optimal basis (same LP
    structure, other coefficients): the simplex takes another route, yet ends at the same
    per-cluster supply, delivery gap, link flows and hourly dispatch. Without the hour, reverse
    and fallback tie-breakers it did not (a grid MWh at one cluster against a fallback MWh at
    another, an import in one hour against a fallback in another), nor the same limit values
    without the unique-duals step."""

    def inputs_of(path):
        return prepare(resolve(ROOT / "scenarios" / f"{path}.yaml"), hours="2")

    config = resolve(ROOT / "scenarios" / "reduced_base.yaml").scenario.solver
    start = solve(build_model(inputs_of("import_intermediates")), config)
    inputs = inputs_of("reduced_base")
    answers = []
    for warm in (None, start.basis):
        model = build_model(inputs)
        result = solve(model, config, warm_basis=warm)
        answers.append(extract(model, inputs, result.duals))
    cold, warm = answers
    differences = _primal_differences(cold, warm)
    assert not differences, f"per-cluster results differ from the cold solve: {differences}"
    differences = _dual_differences(cold, warm)
    assert not differences, f"prices or limit values differ from the cold solve: {differences}"
    assert float(cold["delivery_gap"].sum()) > 0, "no gap at all: the comparison would be empty"
