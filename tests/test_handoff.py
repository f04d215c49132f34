"""The fast hand-off (`handoff.py`, `solver.interface: direct`) against Pyomo's own highs
interface (`solver.interface: pyomo`): same objective, same primal values, same duals with the
same sign, on a hand-made LP, on every micro-model, and on one shipped path at 2 days.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pyomo.environ as pyo
import pytest
import test_micro_models
from micro import micro_inputs

from npvi_model.handoff import compile_lp
from npvi_model.model import build_model
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve

ROOT = Path(__file__).resolve().parents[1]
DIRECT = SolverConfig(interface="direct", time_limit_s=60)
PYOMO = SolverConfig(interface="pyomo", time_limit_s=60)


def values_by_name(model) -> dict:
    return {v.name: v.value for v in model.component_data_objects(pyo.Var)}


def duals_by_name(duals: dict) -> dict:
    return {con.name: value for con, value in duals.items()}


def assert_same_solution(direct, pyomo, tol=1e-7) -> None:
    """`direct` and `pyomo`: (model, SolveResult) each, for the same inputs."""
    (m_d, r_d), (m_p, r_p) = direct, pyomo
    assert r_d.objective_meur == pytest.approx(r_p.objective_meur, rel=1e-9, abs=1e-9)
    x_d, x_p = values_by_name(m_d), values_by_name(m_p)
    assert x_d.keys() == x_p.keys()
    for name, value in x_p.items():
        assert (x_d[name] is None) == (value is None), name
        if value is not None:
            assert x_d[name] == pytest.approx(value, abs=tol), name
    y_d, y_p = duals_by_name(r_d.duals), duals_by_name(r_p.duals)
    # rows the compiler drops (no variable left in them) have no dual: extract reads 0 for them
    for name in y_d.keys() | y_p.keys():
        assert y_d.get(name, 0.0) == pytest.approx(y_p.get(name, 0.0), abs=tol), name


def assert_equally_optimal(direct, pyomo) -> None:
    """Where the LP has ties, the two interfaces may stop at different optimal vertices. Then:
    same objective (to 1e-9), and the direct solution checked through Pyomo's own expressions,
    independently of the compile: every constraint holds, the objective expression gives
    HiGHS's objective, and each non-zero dual sits on a binding row with the sign of the bound
    it binds (minimise: d objective / d bound, >= 0 at a lower bound, <= 0 at an upper one)."""
    (m_d, r_d), (_, r_p) = direct, pyomo
    assert r_d.objective_meur == pytest.approx(r_p.objective_meur, rel=1e-9, abs=1e-9)
    objective = next(m_d.component_data_objects(pyo.Objective, active=True))
    assert pyo.value(objective) == pytest.approx(r_d.objective_meur, rel=1e-9, abs=1e-9)
    for con in m_d.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        scale = 1.0 + abs(body)
        lower, upper = con.lb, con.ub
        assert lower is None or body >= lower - 1e-6 * scale, con.name
        assert upper is None or body <= upper + 1e-6 * scale, con.name
        dual = r_d.duals.get(con, 0.0)
        if abs(dual) > 1e-7:
            at_lower = lower is not None and abs(body - lower) <= 1e-6 * scale
            at_upper = upper is not None and abs(body - upper) <= 1e-6 * scale
            assert at_lower or at_upper, f"{con.name}: dual {dual} on a slack row"
            assert (at_lower and dual > 0) or (at_upper and dual < 0), con.name


def hand_made_lp(sense):
    """max (or min) 3x + 2y + 10 subject to
    c_range: 1 <= x + y <= 5 (a ranged row), c_eq: x - y == 1 + z with z fixed at 1 (a fixed
    variable moved to the right-hand side), c_ge: y >= 0.5, and 0 <= x <= 4."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 4))
    m.y = pyo.Var(domain=pyo.NonNegativeReals)
    m.z = pyo.Var(initialize=1.0)
    m.z.fix()
    m.c_range = pyo.Constraint(expr=pyo.inequality(1, m.x + m.y, 5))
    m.c_eq = pyo.Constraint(expr=m.x - m.y == 1 + m.z)
    m.c_ge = pyo.Constraint(expr=m.y >= 0.5)
    m.obj = pyo.Objective(expr=3 * m.x + 2 * m.y + 10, sense=sense)
    return m


def test_hand_made_lp_maximise():
    """x = y + 2 (c_eq); x + y <= 5 gives y <= 1.5; x <= 4 gives y <= 2; objective 5y + 16 is
    largest at y = 1.5, x = 3.5: 3 x 3.5 + 2 x 1.5 + 10 = 23.5 (the constant 10 included).
    One more unit on c_range's upper bound: y + 0.5 -> objective + 2.5; one more on c_eq's
    right-hand side: x - y = 3, x + y = 5 -> x = 4, y = 1, objective 24 -> + 0.5; c_ge slack.
    """
    direct, pyomo = hand_made_lp(pyo.maximize), hand_made_lp(pyo.maximize)
    r_d, r_p = solve(direct, DIRECT), solve(pyomo, PYOMO)
    assert r_d.objective_meur == pytest.approx(23.5)
    assert (direct.x.value, direct.y.value) == pytest.approx((3.5, 1.5))
    y = duals_by_name(r_d.duals)
    assert abs(y["c_range"]) == pytest.approx(2.5)
    assert abs(y["c_eq"]) == pytest.approx(0.5)
    assert y["c_ge"] == pytest.approx(0.0)
    assert_same_solution((direct, r_d), (pyomo, r_p))


def test_hand_made_lp_minimise_dual_sign():
    """min 3x + 2y + 10: y = 0.5 (c_ge binds), x = 2.5 (c_eq), x + y = 3 inside [1, 5];
    objective 7.5 + 1 + 10 = 18.5. Raising c_ge's bound by 1: y = 1.5, x = 3.5, objective
    + 3 + 2 = +5, so its dual is +5 (HiGHS: d objective / d bound); c_eq's: x + 1 -> +3."""
    direct, pyomo = hand_made_lp(pyo.minimize), hand_made_lp(pyo.minimize)
    r_d, r_p = solve(direct, DIRECT), solve(pyomo, PYOMO)
    assert r_d.objective_meur == pytest.approx(18.5)
    y = duals_by_name(r_d.duals)
    assert y["c_ge"] == pytest.approx(5.0)
    assert y["c_eq"] == pytest.approx(3.0)
    assert y["c_range"] == pytest.approx(0.0)
    assert_same_solution((direct, r_d), (pyomo, r_p))


def test_ranged_row_is_one_highs_row():
    """c_range (1 <= x + y <= 5) becomes one row with both bounds; c_eq's right-hand side is
    1 + z = 2 with the fixed z moved over; z is not a column."""
    lp = compile_lp(hand_made_lp(pyo.maximize))
    names = [c.name for c in lp.constraints]
    assert names == ["c_range", "c_eq", "c_ge"]
    assert list(lp.row_lower) == [1.0, 2.0, 0.5]
    assert list(lp.row_upper) == [5.0, 2.0, float("inf")]
    assert sorted(v.name for v in lp.columns) == ["x", "y"]
    assert lp.offset == 10.0 and lp.maximise


MICRO_TESTS = [
    f
    for name, f in vars(test_micro_models).items()
    if name.startswith("test_") and not inspect.signature(f).parameters
]


@pytest.mark.parametrize("micro_test", MICRO_TESTS, ids=lambda f: f.__name__)
def test_every_micro_model_both_interfaces(micro_test, monkeypatch):
    """Each micro-model test (answers by hand) runs again with every solve done twice, direct and
    through Pyomo; the two must be equally optimal (same objective, the direct solution checked
    through Pyomo's expressions: a micro-model may have ties, e.g. which wind is curtailed when);
    the test's own asserts run on the direct solution."""
    compared = []

    def solve_both(inputs):
        m_p = build_model(inputs)
        r_p = solve(m_p, PYOMO)
        m_d = build_model(inputs)
        r_d = solve(m_d, DIRECT)
        assert_equally_optimal((m_d, r_d), (m_p, r_p))
        compared.append(micro_test.__name__)
        return m_d, r_d.duals

    monkeypatch.setattr(test_micro_models, "solve_micro", solve_both)
    micro_test()
    assert compared


def test_micro_inputs_direct_equals_pyomo():
    """Two clusters, two years, investment in wind and electrolysis, a corridor."""
    ds = micro_inputs(
        clusters=("A", "B"),
        years=(2025, 2030),
        wind_cf=(1.0, 0.2),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 2.0, "max_new": 5, "capex": 1000},
            {"tech": "electrolyser", "loc": "A", "existing": 1.0, "max_new": 3, "capex": 500},
            {"tech": "electricity_corridor", "loc": "AB", "from": "A", "to": "B", "existing": 1},
        ],
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    ds["electricity_demand_twh"].loc[{"cluster": "B"}] = 5.0
    m_d, m_p = build_model(ds), build_model(ds)
    assert_same_solution((m_d, solve(m_d, DIRECT)), (m_p, solve(m_p, PYOMO)))


def test_shipped_path_at_two_days_direct_and_pyomo_equally_optimal():
    """The domestic path at 2 representative days x 6 years, solved both ways.

    The LP has ties (equal-cost solutions, e.g. which import terminal is built first), so the
    two interfaces may stop at different optimal vertices; what must agree: the objective (to
    1e-9), and the direct solution checked through Pyomo's own expressions, independently of
    the compile: every constraint holds, the objective expression gives HiGHS's objective, and
    each non-zero dual sits on a binding row with the sign of the bound it binds (minimise:
    d objective / d bound, >= 0 at a lower bound, <= 0 at an upper one)."""
    from npvi_model.pipeline import prepare
    from npvi_model.scenario import resolve

    inputs = prepare(resolve(ROOT / "scenarios" / "domestic.yaml"), hours="2")
    m_d, m_p = build_model(inputs), build_model(inputs)
    r_d, r_p = solve(m_d, DIRECT), solve(m_p, PYOMO)
    assert_equally_optimal((m_d, r_d), (m_p, r_p))
    # the duals themselves need not agree row by row: the LP is dual degenerate too (with the
    # grid and electrolyser rows of the formulation, about 1.6 % of the rows at 2 days)


def test_tee_shows_the_highs_log(capfd):
    """`--tee` (solve(tee=True)) lets HiGHS write its log to the terminal; without it, silence."""
    solve(hand_made_lp(pyo.minimize), DIRECT)
    assert "HiGHS" not in capfd.readouterr().out
    solve(hand_made_lp(pyo.minimize), DIRECT, tee=True)
    out = capfd.readouterr().out
    assert "HiGHS run time" in out and "Optimal" in out


def test_basis_mapped_by_name_onto_a_model_with_another_structure():
    """A basis of the one-asset micro-model (wind only) started on the model with an extra
    corridor and cluster: rows and columns new to it start basic / at their bound, HiGHS
    completes the basis, and the objective equals the cold solve's."""
    from npvi_model.handoff import basis_for

    small = micro_inputs(wind_cf=(1.0, 0.0), assets=[{"tech": "offshore_wind", "loc": "A"}])
    small["electricity_demand_twh"][:] = 8.76
    big = micro_inputs(
        clusters=("A", "B"),
        wind_cf=(1.0, 0.0),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 3.0},
            {"tech": "electricity_corridor", "loc": "AB", "from": "A", "to": "B", "existing": 1},
        ],
    )
    big["electricity_demand_twh"][:] = 8.76
    r_small = solve(build_model(small), DIRECT)
    m_cold, m_warm = build_model(big), build_model(big)
    cold = solve(m_cold, DIRECT)
    mapped = basis_for(compile_lp(m_warm), r_small.basis)
    assert mapped.alien and len(mapped.row_status) == compile_lp(m_warm).n_rows
    warm = solve(m_warm, DIRECT, warm_basis=r_small.basis)
    assert warm.objective_meur == pytest.approx(cold.objective_meur, rel=1e-12)
