"""Warm starts across paths: scenarios of the same structure solved in one command start from
the previous optimal basis (`solver.warm_start`, default on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npvi_model.pipeline import solve_scenario
from npvi_model.scenario import resolve

ROOT = Path(__file__).resolve().parents[1]


def test_second_path_starts_from_the_first_ones_basis():
    """domestic then import_intermediates at 2 representative days: same variables and
    constraints, other coefficients. The warm-started solve reaches the cold solve's objective
    (to 1e-9) in fewer simplex iterations, and the summary says it was warm-started."""
    first = resolve(ROOT / "scenarios" / "domestic.yaml")
    second = resolve(ROOT / "scenarios" / "import_intermediates.yaml")
    _, cold = solve_scenario(second, hours="2")
    assert cold["solver"] == {
        "interface": "direct",
        "iterations": cold["solver"]["iterations"],
        "warm_start": False,
    }
    warm_starts: dict = {}
    _, s1 = solve_scenario(first, hours="2", warm_starts=warm_starts)
    assert not s1["solver"]["warm_start"] and len(warm_starts) == 1
    _, warm = solve_scenario(second, hours="2", warm_starts=warm_starts)
    assert warm["solver"]["warm_start"]
    assert warm["objective_eur"] == pytest.approx(cold["objective_eur"], rel=1e-9)
    assert warm["solver"]["iterations"]["simplex"] < cold["solver"]["iterations"]["simplex"]


def test_warm_start_off_by_option():
    """`solver.warm_start: false` solves cold even with a basis at hand."""
    resolved = resolve(ROOT / "scenarios" / "domestic.yaml")
    resolved.scenario.solver.warm_start = False
    warm_starts: dict = {}
    solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    _, again = solve_scenario(resolved, hours="1", warm_starts=warm_starts)
    assert not again["solver"]["warm_start"]
    assert again["solver"]["iterations"]["simplex"] > 0
