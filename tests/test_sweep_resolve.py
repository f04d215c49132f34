"""The sweep's re-solve (`sweep/resolve_lp.py` on the fast hand-off's compile): a change passed
to the persistent HiGHS instance and re-solved warm gives the primal values and the duals per
constraint of a cold solve of the changed model (`solve.py`'s direct interface, what
`npvi run` uses), and the answer worked out by hand.
"""

from __future__ import annotations

import pyomo.environ as pyo
import pytest
from micro import micro_inputs

from npvi_model.extract import extract
from npvi_model.handoff import compile_lp
from npvi_model.model import build_model
from npvi_model.scenario import SolverConfig
from npvi_model.solve import solve
from npvi_model.sweep.resolve_lp import ReSolver

CONFIG = SolverConfig(algorithm="simplex", time_limit_s=60)


def corridor_inputs(gas_eur_per_mwh: float, corridor_gw: float):
    """test_corridor_binds_and_its_marginal_value with a gas price and a corridor size."""
    ds = micro_inputs(
        clusters=("A", "B"),
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 3.0},
            {
                "tech": "electricity_corridor",
                "loc": "AB",
                "from": "A",
                "to": "B",
                "existing": corridor_gw,
            },
        ],
    )
    ds["electricity_demand_twh"].loc[{"cluster": "B"}] = 17.52
    ds["price_natural_gas"][:] = gas_eur_per_mwh
    return ds


def by_name(model, duals: dict) -> tuple[dict, dict]:
    values = {v.name: v.value for v in model.component_data_objects(pyo.Var)}
    return values, {con.name: value for con, value in duals.items()}


def assert_same_as_cold(ds, model, result) -> None:
    """The warm answer equals a cold direct solve of a fresh build of the same inputs: objective,
    every variable and every constraint's dual (a row the compiler drops has dual 0)."""
    cold_model = build_model(ds)
    cold = solve(cold_model, CONFIG)
    assert result.objective_meur == pytest.approx(cold.objective_meur, rel=1e-9, abs=1e-9)
    x_warm, y_warm = by_name(model, result.duals)
    x_cold, y_cold = by_name(cold_model, cold.duals)
    assert x_warm.keys() == x_cold.keys()
    for name, value in x_cold.items():
        assert (x_warm[name] is None) == (value is None), name
        if value is not None:
            assert x_warm[name] == pytest.approx(value, abs=1e-7), name
    assert y_warm.keys() == y_cold.keys()
    for name, value in y_cold.items():
        assert y_warm[name] == pytest.approx(value, abs=1e-7), name


def corridor_value_eur_per_mw(model, ds, duals) -> float:
    res = extract(model, ds, duals)
    return float(res["limit_marginal_value"].sel(limit="electricity_corridor:AB", year=2030))


def test_warm_resolve_gives_the_cold_primal_and_duals():
    """Wind 3 GW at A (CF 1), demand 2 GW at B all year (17.52 TWh), corridor A-B, gas fallback.

    1. Gas 50 EUR/MWh, corridor 1 GW (cold, whole LP passed): B's fallback 1 GW x 8760 h =
       8760 GWh x 50 = 438 MEUR; one more MW of corridor saves 8760 MWh x 50 = 438,000 EUR.
    2. Gas 80 EUR/MWh (a cost change, same pattern: warm): 8760 GWh x 80 = 700.8 MEUR; the
       corridor's value 8760 x 80 = 700,800 EUR/MW. Stale duals would still say 438,000.
    3. Corridor 1.5 GW as well (a bound change, the flow moves: warm): fallback 0.5 GW x 8760 h
       = 4380 GWh x 80 = 350.4 MEUR; the corridor still binds, its value stays 700,800 EUR/MW.
    Steps 2 and 3 also equal a cold solve of the changed model, variable by variable and dual
    by dual.
    """
    resolver = ReSolver()
    ds = corridor_inputs(50.0, 1.0)
    model = build_model(ds)
    first = resolver.solve(model, CONFIG)
    assert (first.warm, first.objective_meur) == (False, pytest.approx(438.0))
    assert corridor_value_eur_per_mw(model, ds, first.duals) == pytest.approx(438_000.0)

    ds = corridor_inputs(80.0, 1.0)
    model = build_model(ds)
    second = resolver.solve(model, CONFIG)
    assert second.warm and second.changed_numbers > 0
    assert second.objective_meur == pytest.approx(700.8)
    assert corridor_value_eur_per_mw(model, ds, second.duals) == pytest.approx(700_800.0)
    assert_same_as_cold(ds, model, second)

    ds = corridor_inputs(80.0, 1.5)
    model = build_model(ds)
    third = resolver.solve(model, CONFIG)
    assert third.warm and third.changed_numbers > 0
    assert third.objective_meur == pytest.approx(350.4)
    assert pyo.value(model.electricity_fallback["B", 2030, 0]) == pytest.approx(0.5)
    assert corridor_value_eur_per_mw(model, ds, third.duals) == pytest.approx(700_800.0)
    assert_same_as_cold(ds, model, third)


def test_warm_resolve_of_a_coefficient_change():
    """test_one_cluster_two_hours_one_electrolyser (wind 2 GW with CF 1 then 0, H2 demand
    1 GW, two slices of 4380 h) with an electrolyser of 3 GW (never binding), its efficiency
    0.5 then 0.25 (a matrix coefficient: same pattern, warm). At 0.5: slice 0 makes
    2 x 0.5 = 1 GW H2, slice 1 falls back 1 GW: 4380 GWh x 50 EUR/MWh = 219 MEUR. At 0.25:
    slice 0 makes 0.5 GW and falls back 0.5 GW (2190 GWh), slice 1 falls back 4380 GWh:
    6570 GWh x 50 = 328.5 MEUR; H2 in slice 0 is now priced by the fallback, 50 EUR/MWh.
    Equal to a cold solve, variable by variable and dual by dual (the duals are unique: in
    slice 0 only the wind limit binds, the electrolyser has room)."""
    resolver = ReSolver()
    ds = micro_inputs(
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 2.0},
            {"tech": "electrolyser", "loc": "A", "existing": 3.0},
        ]
    )
    ds["hydrogen_demand_twh"][:] = 8.76
    first = resolver.solve(build_model(ds), CONFIG)
    assert (first.warm, first.objective_meur) == (False, pytest.approx(219.0))
    ds["electrolyser_efficiency"][:] = 0.25
    model = build_model(ds)
    second = resolver.solve(model, CONFIG)
    assert second.warm and second.changed_numbers > 0
    assert second.objective_meur == pytest.approx(328.5)
    assert pyo.value(model.h2_fallback["A", 2030, 0]) == pytest.approx(0.5)
    h2_price_slice_0 = second.duals[model.h2_balance["A", 2030, 0]] / (4380 * 1e-3)
    assert abs(h2_price_slice_0) == pytest.approx(50.0)
    assert_same_as_cold(ds, model, second)


def small_lp(coefficient: float, lower: float, upper: float | None, maximise: bool = False):
    """min (or max) x + y s.t. c1: lower <= x + coefficient * y (<= upper), c2: x - y >= 0,
    0 <= x, y <= 10."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 10))
    m.y = pyo.Var(bounds=(0, 10))
    m.c1 = pyo.Constraint(expr=pyo.inequality(lower, m.x + coefficient * m.y, upper))
    m.c2 = pyo.Constraint(expr=m.x - m.y >= 0)
    m.cost = pyo.Objective(expr=m.x + m.y, sense=pyo.maximize if maximise else pyo.minimize)
    return m


def test_same_pattern_and_a_ranged_row_made_one_sided():
    """`CompiledLP.same_pattern`: a ranged row made one-sided and a coefficient 2 -> 3 keep the
    pattern (one HiGHS row either way); a coefficient 0 or the other objective sense do not.
    Re-solved warm: min x + y with 2 <= x + 2y <= 5 and x >= y is at x = y (3y = 2): 4/3; with
    x + 3y >= 2 at x = y = 1/2: 1 (x = 2, y = 0 would cost 2); the dual of c1 is
    d objective / d lower bound, from (1, 1) = dual_c1 (1, a) + dual_c2 (1, -1) with a = 2 then
    3: dual_c1 = 2 / (1 + a) = 2/3 then 1/2."""
    first = compile_lp(small_lp(2.0, 2.0, 5.0))
    assert first.same_pattern(compile_lp(small_lp(3.0, 2.0, None)))
    assert not first.same_pattern(compile_lp(small_lp(0.0, 2.0, 5.0)))
    assert not first.same_pattern(compile_lp(small_lp(2.0, 2.0, 5.0, maximise=True)))
    assert not first.same_pattern(None)
    resolver = ReSolver()
    model = small_lp(2.0, 2.0, 5.0)
    result = resolver.solve(model, CONFIG)
    assert (result.warm, result.objective_meur) == (False, pytest.approx(4 / 3))
    assert result.duals[model.c1] == pytest.approx(2 / 3)
    model = small_lp(3.0, 2.0, None)
    result = resolver.solve(model, CONFIG)
    assert result.warm and result.objective_meur == pytest.approx(1.0)
    assert (model.x.value, model.y.value) == (pytest.approx(0.5), pytest.approx(0.5))
    assert result.duals[model.c1] == pytest.approx(0.5)


def test_a_failed_solve_leaves_the_next_one_cold():
    """Without presolve and with a limit of 0 simplex iterations HiGHS stops before optimality:
    SolveError, nothing kept. The next solve of the same model (default options: none of the
    last solve's are left) passes the whole LP again (cold) and gives 438 MEUR (as above)."""
    from npvi_model.errors import SolveError

    resolver = ReSolver()
    ds = corridor_inputs(50.0, 1.0)
    stop = {"presolve": "off", "simplex_iteration_limit": 0}
    with pytest.raises(SolveError, match="limit"):
        resolver.solve(build_model(ds), SolverConfig(algorithm="simplex", options=stop))
    assert resolver.lp is None
    again = resolver.solve(build_model(ds), CONFIG)
    assert (again.warm, again.objective_meur) == (False, pytest.approx(438.0))


def test_each_structure_keeps_its_own_instance():
    """A worker keeps one HiGHS instance per structure, so a factor that changes the structure
    (here: no wind at A, so its wind flow is not created) does not make later samples cold.

    1. Gas 50, corridor 1 GW, wind 3 GW (cold): 438 MEUR, as above.
    2. The same without wind (a new structure: cold): B's 2 GW all on gas, 17,520 GWh x 50 =
       876 MEUR.
    3. Gas 80 with wind again (structure 1: warm on its own instance, although structure 2 came
       in between): 8760 GWh x 80 = 700.8 MEUR, and the same primal and duals as a cold solve.
    4. With room for one structure only, step 3 is cold (the instance of 1 was dropped)."""
    no_wind = corridor_inputs(50.0, 1.0)
    no_wind["existing_capacity"].loc[{"asset": "offshore_wind:A"}] = 0.0
    results = []
    for max_structures, expect_third_warm in ((4, True), (1, False)):
        resolver = ReSolver(max_structures=max_structures)
        first = resolver.solve(build_model(corridor_inputs(50.0, 1.0)), CONFIG)
        second = resolver.solve(build_model(no_wind), CONFIG)
        ds = corridor_inputs(80.0, 1.0)
        model = build_model(ds)
        third = resolver.solve(model, CONFIG)
        assert (first.warm, second.warm, third.warm) == (False, False, expect_third_warm)
        assert first.objective_meur == pytest.approx(438.0)
        assert second.objective_meur == pytest.approx(876.0)
        assert third.objective_meur == pytest.approx(700.8)
        assert_same_as_cold(ds, model, third)
        results.append(len(resolver.held))
    assert results == [2, 1]


def test_warm_solve_starts_from_the_nearest_basis():
    """Two different optimal bases: with a 1 GW corridor the flow sits at its bound and B's
    fallback is basic (1 GW x 8760 h x 50 EUR/MWh = 438 MEUR); with 2.5 GW the flow (2 GW) is
    basic and nothing falls back (0 MEUR: wind and the existing corridor cost nothing).

    Solved at positions 0 (1 GW), 1 (2.5 GW), then 1 GW again at position 0.05: the third solve
    starts from the first's basis (distance 0.05), already optimal: 0 simplex iterations.
    Without positions it starts from the last basis (2.5 GW's) and needs at least one; it may
    reach another optimal vertex (an electrolyser limit at B without electrolysers is
    degenerate, its dual 0 or 438 EUR/MWh), but the unique-duals step that follows gives both
    the same duals. (Iterations counted are the solve's, not that step's.)"""
    for positions, expect_iterations_zero in (((0.0, 1.0, 0.05), True), ((None,) * 3, False)):
        resolver = ReSolver()
        first = resolver.solve(build_model(corridor_inputs(50.0, 1.0)), CONFIG, positions[0])
        second = resolver.solve(build_model(corridor_inputs(50.0, 2.5)), CONFIG, positions[1])
        ds = corridor_inputs(50.0, 1.0)
        model = build_model(ds)
        third = resolver.solve(model, CONFIG, positions[2])
        assert (first.warm, second.warm, third.warm) == (False, True, True)
        assert first.objective_meur == pytest.approx(438.0)
        assert second.objective_meur == pytest.approx(0.0, abs=1e-9)
        assert third.objective_meur == pytest.approx(438.0)
        assert (third.iterations == 0) == expect_iterations_zero
        if expect_iterations_zero:
            assert third.start_distance == pytest.approx(0.05)
        assert_same_as_cold(ds, model, third)  # a cold solve's values and duals either way
