"""Warm starts across paths: scenarios of the same structure solved in one command start from
the previous optimal basis (`solver.warm_start`, off by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npvi_model.pipeline import solve_scenario
from npvi_model.scenario import resolve

ROOT = Path(__file__).resolve().parents[1]


def test_the_optimal_basis_of_the_same_model_needs_no_iteration():
    """Solving domestic (1 representative day) again from its own optimal basis: HiGHS starts
    at the optimum, so 0 simplex iterations and the same objective. This checks that the basis
    reaches HiGHS column for column and row for row."""
    resolved = resolve(ROOT / "scenarios" / "domestic.yaml")
    resolved.scenario.solver.warm_start = True
    resolved.scenario.solver.basis_cache = False  # the warm start alone, not the cache
    warm_starts: dict = {}
    _, cold = solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    _, again = solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    assert not cold["solver"]["warm_start"] and again["solver"]["warm_start"]
    assert cold["solver"]["iterations"]["simplex"] > 0
    assert again["solver"]["iterations"]["simplex"] == 0
    assert again["objective_eur"] == pytest.approx(cold["objective_eur"], rel=1e-12)


def test_second_path_starts_from_the_first_ones_basis():
    """domestic then import_intermediates at 2 representative days: the second starts from the
    first one's basis (mapped by variable and constraint name) and reaches the objective of a
    cold solve (to 1e-9). How many iterations that saves is measured in the benchmark
    (`paths_warm` against `paths_cold`), not asserted here."""
    first = resolve(ROOT / "scenarios" / "domestic.yaml")
    second = resolve(ROOT / "scenarios" / "import_intermediates.yaml")
    second.scenario.solver.warm_start = True
    second.scenario.solver.basis_cache = False  # else the second solve of it would hit
    _, cold = solve_scenario(second, hours="2")
    assert not cold["solver"]["warm_start"]
    warm_starts: dict = {}
    _, s1 = solve_scenario(first, hours="2", warm_starts=warm_starts)
    assert not s1["solver"]["warm_start"] and set(warm_starts) == {"last", "domestic"}
    _, warm = solve_scenario(second, hours="2", warm_starts=warm_starts)
    assert warm["solver"]["warm_start"]
    assert warm["objective_eur"] == pytest.approx(cold["objective_eur"], rel=1e-9)


def test_warm_start_off_by_option():
    """`solver.warm_start: false` solves cold even with a basis at hand."""
    resolved = resolve(ROOT / "scenarios" / "domestic.yaml")
    resolved.scenario.solver.warm_start = False
    resolved.scenario.solver.basis_cache = False
    warm_starts: dict = {}
    solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    _, again = solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    assert not again["solver"]["warm_start"]
    assert again["solver"]["iterations"]["simplex"] > 0
