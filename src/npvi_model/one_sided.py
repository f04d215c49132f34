"""What relaxing a constraint is worth: one value, whichever optimal vertex the solver returns.

At a degenerate optimum a constraint's dual is not unique: every value in an interval is an
optimal dual, and the solver reports the one of the vertex it ends at. Measured on the
`domestic` path, rule "domestic hydrogen share >= 100 %" in 2050: 329 EUR/MWh at the cold
simplex vertex, 109 EUR/MWh from another start, while relaxing the rule by 1 or 10 GWh saves
52 EUR/MWh. What relaxing is worth is unique: the one-sided derivative of the optimal cost when
the constraint's bound is loosened,

    value[r] = (objective(bound of r loosened by STEP) - objective) / (change of the bound)

in the objective's units per unit of the row (MEUR per GWh for the path rules), with HiGHS's
sign convention for duals (negative for an active upper bound of a minimisation, positive for
an active lower bound). It equals the optimal dual nearest zero, i.e. the smallest saving
(the cost function is piecewise linear; STEP stays within its first piece unless the piece is
shorter, and then the value is the average saving over STEP).

`relaxation_values` re-solves with each row's bound moved by STEP, from HiGHS's current basis
(the optimum just found: a few dual simplex iterations, about 0.1 s each on the reference
LP after the first), and puts the bound back. Only rows with a non-zero dual and one finite
bound are re-solved: with a zero dual the smallest saving is 0 already, and an equality has
no side to relax. A re-solve that does not end optimal leaves that row's dual as it was.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

#: how far a bound is loosened, in the row's own unit (GWh for the path rules)
STEP = 1.0
#: duals smaller than this (absolute) are left as they are
MIN_DUAL = 1e-12


def relaxation_values(
    highs,
    rows: list[int],
    row_lower,
    row_upper,
    row_dual,
    objective: float,
    time_limit_s: float,
    run: Callable[[], None] | None = None,
) -> dict[int, float]:
    """{row index: one-sided value} for the `rows` of the LP held by `highs` (bounds
    `row_lower`, `row_upper`; solved to optimality with objective `objective` and duals
    `row_dual`); see the module docstring. `run` solves (default `highs.run`). The LP is left
    with its own bounds."""
    import highspy

    values: dict[int, float] = {}
    deadline = time.perf_counter() + time_limit_s
    for row in rows:
        low, high = float(row_lower[row]), float(row_upper[row])
        if abs(row_dual[row]) < MIN_DUAL or _finite(low) == _finite(high):
            continue
        change = STEP if math.isfinite(high) else -STEP
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        highs.setOptionValue("time_limit", float(left))
        highs.changeRowBounds(row, low + min(change, 0.0), high + max(change, 0.0))
        (run or highs.run)()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            relaxed = highs.getInfo().objective_function_value
            values[row] = (relaxed - objective) / change
        highs.changeRowBounds(row, low, high)
    return values


def _finite(bound: float) -> bool:
    """A bound HiGHS treats as finite (it reads |bound| >= 1e20 as infinite)."""
    return math.isfinite(bound) and abs(bound) < 1e20
