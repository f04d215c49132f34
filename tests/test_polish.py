"""The polish step (`polish.py`): a cost difference below HiGHS's dual feasibility tolerance
(1e-7) still decides once optimality is checked again at `solver.polish_dual_tolerance`."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve

#: presolve off (HiGHS's presolve alone solves a model this small, from no basis); the
#: unique-duals step off, so only the polish step can move the solution
OPTIONS = {"presolve": "off"}


def two_sources(cost_b: float) -> pyo.ConcreteModel:
    """Sources A (cost 1 per unit) and B (`cost_b`), each at most 20; demand 10.

    By hand: the cheaper source serves all 10. With B at 1 + 5e-8, A is cheaper by 5e-8 per
    unit, half of HiGHS's dual feasibility tolerance: a basis with B serving passes as optimal
    at 1e-7 (A's reduced cost -5e-8 > -1e-7) and fails at 1e-9."""
    m = pyo.ConcreteModel()
    m.a = pyo.Var(bounds=(0, 20))
    m.b = pyo.Var(bounds=(0, 20))
    m.demand = pyo.Constraint(expr=m.a + m.b >= 10)
    m.cost = pyo.Objective(expr=1.0 * m.a + cost_b * m.b)
    return m


def start_with_b_serving():
    """The optimal basis of the model in which B is clearly cheaper (0.5): B serves."""
    model = two_sources(cost_b=0.5)
    result = solve(model, SolverConfig(options=OPTIONS, dual_headroom=0))
    assert pyo.value(model.b) == pytest.approx(10.0)
    return result.basis


@pytest.mark.parametrize(
    ("tolerance", "a_serves"),
    [(0.0, 0.0), (1e-9, 10.0)],
    ids=["without polish: the start stands", "with polish: the cheaper source"],
)
def test_a_sub_tolerance_cost_difference_decides_after_polish(tolerance, a_serves):
    """Started at B serving, with B dearer by 5e-8: without the polish step HiGHS accepts the
    start (0 iterations, B serves 10); with it, one pivot and A serves 10."""
    config = SolverConfig(options=OPTIONS, dual_headroom=0, polish_dual_tolerance=tolerance)
    model = two_sources(cost_b=1.0 + 5e-8)
    result = solve(model, config, warm_basis=start_with_b_serving())
    assert result.iterations["simplex"] == 0
    assert pyo.value(model.a) == pytest.approx(a_serves, abs=1e-9)
    assert pyo.value(model.b) == pytest.approx(10.0 - a_serves, abs=1e-9)
    assert result.iterations.get("polish", 0) == (1 if a_serves else 0)
    assert result.objective_meur == pytest.approx(10.0, abs=1e-6)


def test_polish_then_unique_duals_give_the_cold_answer():
    """With every step on (the default), the start at B and a cold solve give A serving 10
    and the same demand price (A's cost, 1)."""
    config = SolverConfig(options=OPTIONS)
    warm_model, cold_model = two_sources(1.0 + 5e-8), two_sources(1.0 + 5e-8)
    warm = solve(warm_model, config, warm_basis=start_with_b_serving())
    cold = solve(cold_model, config)
    for model in (warm_model, cold_model):
        assert pyo.value(model.a) == pytest.approx(10.0, abs=1e-9)
    assert warm.duals[warm_model.demand] == pytest.approx(1.0)
    assert cold.duals[cold_model.demand] == pytest.approx(1.0)


def test_a_tolerance_not_below_highs_own_is_no_polish():
    """`polish_dual_tolerance` at HiGHS's own 1e-7 (or a tighter `dual_feasibility_tolerance`
    in the options) leaves nothing to polish: no step, the start stands."""
    config = SolverConfig(options=OPTIONS, dual_headroom=0, polish_dual_tolerance=1e-7)
    model = two_sources(cost_b=1.0 + 5e-8)
    result = solve(model, config, warm_basis=start_with_b_serving())
    assert result.iterations["polish"] == 0 and pyo.value(model.b) == pytest.approx(10.0)
