"""One set of duals whatever the vertex (`unique_duals.py`): micro-models whose degenerate
duals were worked out by hand, solved with simplex and interior point."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest

from npvi_model.handoff import compile_lp
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve
from npvi_model.unique_duals import headrooms, loosened

CONFIGS = {
    f"{algorithm}, presolve {presolve}": SolverConfig(
        algorithm=algorithm, time_limit_s=60, options={"presolve": presolve}
    )
    for algorithm in ("simplex", "ipm")
    for presolve in ("on", "off")
}


def test_headrooms_follow_the_golden_ratio_sequence():
    """h_r = 1e-4 x (1 + frac(r x 0.618034)): 1e-4, 1.618034e-4, 1.236068e-4, 1.854102e-4."""
    expected = [1e-4, 1.618034e-4, 1.236068e-4, 1.854102e-4]
    assert headrooms(4, 1e-4) == pytest.approx(expected, rel=1e-6)
    assert len(set(headrooms(100_000, 1.0))) == 100_000  # no two rows alike


def test_every_finite_bound_is_moved_outward():
    """Upper bounds up, lower bounds down, an equality becomes a range around its value,
    infinite bounds stay infinite."""
    lower = np.array([-np.inf, 3.0, 1.0, 0.0])
    upper = np.array([5.0, 3.0, 2.0, np.inf])
    h = headrooms(4, 1e-4)
    new_lower, new_upper = loosened(lower, upper, 1e-4)
    assert new_lower[0] == -np.inf and new_upper[3] == np.inf
    assert new_upper[0] == pytest.approx(5.0 + h[0])
    assert (new_lower[1], new_upper[1]) == pytest.approx((3.0 - h[1], 3.0 + h[1]))
    assert (new_lower[2], new_upper[2]) == pytest.approx((1.0 - h[2], 2.0 + h[2]))
    assert new_lower[3] == pytest.approx(-h[3])


def _supply_model(demand: float, limits: tuple[str, ...]):
    """Supply x at 5 and a fallback f at 50 (EUR per unit) meet `demand` (balance x + f =
    demand, declared first); each name of `limits` is a row x <= 10, declared in that order."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.NonNegativeReals)
    m.f = pyo.Var(domain=pyo.NonNegativeReals)
    m.balance = pyo.Constraint(expr=m.x + m.f == demand)
    for name in limits:
        m.add_component(name, pyo.Constraint(expr=m.x <= 10))
    m.cost = pyo.Objective(expr=5 * m.x + 50 * m.f)
    return m


@pytest.mark.parametrize("algorithm", sorted(CONFIGS))
@pytest.mark.parametrize("order", [("limit_a", "limit_b"), ("limit_b", "limit_a")])
def test_of_two_limits_on_one_unit_the_one_with_less_headroom_binds(algorithm, order):
    """Demand 12, two limits x <= 10. Optimum x = 10, f = 2, cost 150. Any split of -45 (the
    fallback's 50 minus the supply's 5) between the limits is an optimal dual (and which one
    HiGHS reports depends on presolve, see the test below). With headroom
    the rows are x <= 10 + h_1 and x <= 10 + h_2 (rows 1 and 2: 1.618e-4 and 1.236e-4): the
    second row is tighter, binds and carries all -45; the first gets 0. Swapping the
    declaration swaps the answer, whichever algorithm solves. The balance is priced at the
    fallback's 50 (demand 12 - h_0 still needs some fallback). The solution and cost are the
    LP's own: x = 10, cost 150."""
    model = _supply_model(12.0, order)
    rows = [c.name for c in compile_lp(model).constraints]
    assert rows == ["balance", *order]
    result = solve(model, CONFIGS[algorithm])
    first, second = (getattr(model, name) for name in order)
    assert result.duals[second] == pytest.approx(-45.0, abs=1e-7)
    assert result.duals[first] == pytest.approx(0.0, abs=1e-7)
    assert result.duals[model.balance] == pytest.approx(50.0, abs=1e-7)
    assert pyo.value(model.x) == pytest.approx(10.0, abs=1e-9)
    assert result.objective_meur == pytest.approx(150.0, abs=1e-7)


@pytest.mark.parametrize("algorithm", sorted(CONFIGS))
def test_a_balance_met_exactly_by_a_limit_is_priced_at_a_little_less_demand(algorithm):
    """Demand 10, one limit x <= 10: x = 10 meets it exactly and no fallback is used. Every
    price from 5 to 50 is an optimal dual of the balance (with limit dual price - 50). With
    headroom the demand may be 10 - h_0 (the cheaper side), which x meets below its limit
    10 + h_1: the limit is slack (dual 0) and the price is what a little less demand saves,
    the supply's 5. (HiGHS's own vertex gives the same here; the rule is what is checked.)"""
    model = _supply_model(10.0, ("limit_a",))
    result = solve(model, CONFIGS[algorithm])
    assert result.duals[model.balance] == pytest.approx(5.0, abs=1e-7)
    assert result.duals[model.limit_a] == pytest.approx(0.0, abs=1e-7)
    assert (pyo.value(model.x), pyo.value(model.f)) == pytest.approx((10.0, 0.0), abs=1e-9)
    assert result.iterations["unique_duals"] >= 0


def test_without_headroom_the_binding_limit_depends_on_presolve():
    """The two-limit LP with `dual_headroom` 0 reports the dual of the vertex HiGHS ends at:
    simplex with presolve puts the -45 on the limit declared first, without presolve on the
    one declared second. So the test above is not met by the solver's own choice."""
    bound = {}
    for presolve in ("on", "off"):
        config = CONFIGS[f"simplex, presolve {presolve}"].model_copy(update={"dual_headroom": 0.0})
        model = _supply_model(12.0, ("limit_a", "limit_b"))
        result = solve(model, config)
        bound[presolve] = [
            name
            for name in ("limit_a", "limit_b")
            if result.duals[getattr(model, name)] == pytest.approx(-45.0, abs=1e-7)
        ]
        assert "unique_duals" not in result.iterations
    assert bound == {"on": ["limit_a"], "off": ["limit_b"]}
