"""One set of duals (prices, limit values) whatever optimal vertex the solver ends at.

The tie-breakers (model/tie_breaks.py) make the optimal *solution* unique. Its duals need not
be: at a degenerate optimum (more rows active than the solution needs, e.g. a grid connection
and an electrolyser's capacity both exactly full in one hour) every dual in an interval is
optimal, and simplex, interior point or a warm start each report another one. Measured on the
shipped paths at 2 representative days: 1,088 of the rows had another dual with interior
point than with simplex, and up to 1,980 from another path's basis, by up to 2,000 MEUR per
unit; a hydrogen price moved by 1.2 EUR/MWh at the reference resolution.

The classical cure is to make the optimum non-degenerate by perturbing the right-hand sides,
which is what `settle` does, after the solve and only for the duals:

1. every row gets a little headroom `h_r`: an upper bound is raised by h_r, a lower bound
   lowered by h_r, and an equality `a . x = b` becomes the range `b - h_r <= a . x <= b + h_r`;
2. HiGHS re-solves from the optimal basis it holds (a few thousand dual simplex iterations);
   with generic headrooms no solution value sits exactly on a bound, so this LP has exactly
   one optimal basis, whatever basis the re-solve started from;
3. the bounds go back and HiGHS re-solves from that basis (none or a few dozen iterations:
   the basis is optimal for the LP itself when the headroom is small).

The solution and duals read afterwards are those of the LP as written (the solution is the
unique one; the headroom never reaches the results), at the basis chosen in step 2. Which
dual that picks, in words: of two rows that stop the same unit, the one with less headroom
binds and carries the value, and a balance is priced on the side that the headroom makes
cheaper (the value of a little more supply).

Headroom of row r (in the row's own unit: GW per slice, GWh, Mt, ...):

    h_r = headroom x (1 + frac(r x PHI)),   PHI = (sqrt(5) - 1) / 2

so between `headroom` and twice that, and no two rows alike (a Weyl sequence: rows r and s
get the same headroom only if (r - s) x PHI is a whole number, which never happens).
`headroom` is `solver.dual_headroom` (A, default 1e-4: 0.1 MW on a GW row, far above HiGHS's
feasibility tolerance of 1e-7 and far below the 0.01 the results are read at; 0 switches
this off).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: the golden-ratio fraction of the Weyl sequence that spreads the headrooms
PHI = (math.sqrt(5.0) - 1.0) / 2.0
#: the re-solves start from a basis whose duals stay feasible when only bounds move: dual
#: simplex; without HiGHS's own random perturbation of costs and bounds, which is larger than
#: the tie-breakers and left two bases "optimal" (measured: a limit value 45.5 against 44.9
#: EUR/MW/yr at 1 representative day, cold against warm); the headroom replaces it
DUAL_SIMPLEX = {
    "solver": "simplex",
    "simplex_strategy": 1,
    "dual_simplex_cost_perturbation_multiplier": 0.0,
    "primal_simplex_bound_perturbation_multiplier": 0.0,
}
#: HiGHS reads a bound of this size or more as infinite
INFINITE = 1e20


def headrooms(n_rows: int, headroom: float) -> np.ndarray:
    """h_r = headroom x (1 + frac(r x PHI)) for r = 0 .. n_rows - 1."""
    rows = np.arange(n_rows, dtype=float)
    return headroom * (1.0 + np.modf(rows * PHI)[0])


def loosened(row_lower, row_upper, headroom: float) -> tuple[np.ndarray, np.ndarray]:
    """The row bounds with each finite bound moved outward by its headroom (`headrooms`)."""
    lower = np.asarray(row_lower, dtype=float).copy()
    upper = np.asarray(row_upper, dtype=float).copy()
    room = headrooms(len(lower), headroom)
    finite_lower, finite_upper = np.abs(lower) < INFINITE, np.abs(upper) < INFINITE
    lower[finite_lower] -= room[finite_lower]
    upper[finite_upper] += room[finite_upper]
    return lower, upper


def settle(
    highs, row_lower, row_upper, headroom: float, run: Callable[[], None]
) -> tuple[bool, int]:
    """Steps 1-3 of the module docstring on the LP `highs` holds (just solved to optimality,
    row bounds `row_lower`, `row_upper`); `run` solves. Returns (optimal at the end, simplex
    iterations of both re-solves). The LP is left with its own bounds."""
    import highspy

    n = len(row_lower)
    if headroom <= 0 or n == 0:
        return True, 0
    rows = np.arange(n, dtype=np.int32)
    lower, upper = loosened(row_lower, row_upper, headroom)
    optimal = highspy.HighsModelStatus.kOptimal
    before = {name: highs.getOptionValue(name)[1] for name in DUAL_SIMPLEX}  # (status, value)
    for name, value in DUAL_SIMPLEX.items():
        highs.setOptionValue(name, value)
    highs.changeRowsBounds(n, rows, lower, upper)
    run()
    iterations = int(highs.getInfo().simplex_iteration_count)
    loosened_ok = highs.getModelStatus() == optimal
    highs.changeRowsBounds(
        n, rows, np.asarray(row_lower, dtype=float), np.asarray(row_upper, dtype=float)
    )
    run()
    iterations += int(highs.getInfo().simplex_iteration_count)
    for name, value in before.items():
        highs.setOptionValue(name, value)
    return loosened_ok and highs.getModelStatus() == optimal, iterations
