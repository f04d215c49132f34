"""Honour the tie-breakers to the last digit: after the solve, optimality is checked again at a
tighter dual feasibility tolerance and simplex goes on from the optimal basis if it is not met.

HiGHS calls a basis optimal when no reduced cost is below minus its dual feasibility tolerance
(1e-7, in the objective's unit per unit of the column: MEUR per GW of one time slice). The hour
spread of the tie-breakers (`model/tie_breaks.py`) separates two adjacent time slices by
hour spread / slices per year, 0.001 / 288 EUR/MWh at the reference resolution; on a slice that
stands for 30 days, discounted to 2032, that is about 1e-7 MEUR per GW: the tolerance itself.
So two plans that differ only in which of two adjacent hours takes a fallback both pass as
optimal, and which one is returned depends on where simplex starts. Measured: 0.091 GW of
RM's hydrogen fallback in slice 238 or 239 of 2032 (domestic), a cold solve against a start
from the path's previous basis; the annual results were the same.

`polish` therefore, after the optimal solve:

1. sets `dual_feasibility_tolerance` to `solver.polish_dual_tolerance` (A, default 1e-9), a
   hundred times below the smallest tie-break step, and lets primal simplex continue from the
   optimal basis: a reduced cost between -1e-7 and -1e-9 is now a reason to pivot (0 to a few
   iterations, about 0.1 s at the reference resolution);
2. leaves that tolerance on for the steps after it (unique duals, one-sided values), so they
   honour the tie-breakers as well; the caller restores it where the solver lives on (sweeps).

If HiGHS cannot reach optimality at the tighter tolerance (numerical trouble), the basis and the
tolerance go back, the solve's own optimum stands and `polish` reports it (False).
"""

from __future__ import annotations

from collections.abc import Callable

#: primal simplex from a primal feasible basis, without HiGHS's random bound perturbation
PRIMAL_SIMPLEX = {
    "solver": "simplex",
    "simplex_strategy": 4,
    "primal_simplex_bound_perturbation_multiplier": 0.0,
}


def polish(highs, tolerance: float, run: Callable[[], None]) -> tuple[bool, int]:
    """Continue from the optimal basis HiGHS holds at dual feasibility `tolerance` (0: off).
    Returns (polished, simplex iterations); not polished: HiGHS holds the solve's own optimum
    again, at its own tolerance."""
    import highspy

    current = float(highs.getOptionValue("dual_feasibility_tolerance")[1])
    basis = highs.getBasis()
    if tolerance <= 0 or tolerance >= current or not basis.valid:
        return False, 0
    options = {"dual_feasibility_tolerance": float(tolerance), **PRIMAL_SIMPLEX}
    before = {name: highs.getOptionValue(name)[1] for name in options}
    _start_again(highs, basis, options)
    run()
    iterations = int(highs.getInfo().simplex_iteration_count)
    if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return True, iterations
    _start_again(highs, basis, before)
    run()
    return False, iterations


def _start_again(highs, basis, options: dict) -> None:
    """Forget the solve's state but `basis`, then set `options`."""
    highs.clearSolver()
    highs.setBasis(basis)
    for name, value in options.items():
        highs.setOptionValue(name, value)
