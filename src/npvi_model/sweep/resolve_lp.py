"""Re-solve, don't rebuild: one persistent HiGHS instance per model structure.

Variants of one base scenario differ in coefficients, not in structure. `ReSolver.solve`
compiles the Pyomo model with the fast hand-off's compiler (`handoff.compile_lp`: one HiGHS row
per constraint, a ranged constraint `lo <= a . x <= up` merged into one row, columns ordered by
first row) and compares its sparsity pattern with the LP that HiGHS holds
(`CompiledLP.same_pattern`: shape, row pointers, column indices, objective sense):

- same pattern: only the changed numbers are passed (changeColsCost, changeColsBounds,
  changeRowsBounds, changeCoeff, the objective offset) and HiGHS re-solves from its current
  basis (a warm start, with primal simplex unless the scenario sets `simplex_strategy`);
- otherwise (first solve, after a failed solve, or a value that changes which coefficients are
  non-zero) the model is cleared and the whole LP is passed (`handoff.pass_model`) and solved
  from scratch, as `npvi run` does.

After either, HiGHS holds exactly the compiled LP, so the answer is the LP's optimum. Column
values go back into the Pyomo variables (`handoff.load_primal`) and each constraint's dual
(MEUR per unit of its bound, the sign of Pyomo's highs interface) comes from its row
(`handoff.row_duals`), as in `solve.py`'s direct interface: `extract.py` cannot tell which ran.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from npvi_model.errors import SolveError
from npvi_model.handoff import CompiledLP, compile_lp, load_primal, pass_model, row_duals
from npvi_model.scenario import SolverConfig
from npvi_model.solver_options import apply_options, highs_options

#: HiGHS simplex strategies: a cold solve keeps HiGHS's default (dual); a warm re-solve uses
#: primal simplex, as the previous basis stays primal feasible when only costs change
#: (measured on the example sweep, 3 days: 2,600 iterations against 7,100 with dual)
DUAL, PRIMAL = 1, 4


def _changed(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Positions where two arrays of equal length differ (int32, as highspy expects them)."""
    return np.flatnonzero(old != new).astype(np.int32)


def pass_changes(highs, old: CompiledLP, new: CompiledLP) -> int:
    """Turn the LP `old` that `highs` holds into `new` (same pattern) by passing only the
    numbers that differ; return how many (costs + column bounds + row bounds + coefficients)."""
    idx = _changed(old.cost, new.cost)
    if len(idx):
        highs.changeColsCost(len(idx), idx, new.cost[idx])
    n = len(idx)
    idx = np.union1d(_changed(old.col_lower, new.col_lower), _changed(old.col_upper, new.col_upper))
    idx = idx.astype(np.int32)
    if len(idx):
        highs.changeColsBounds(len(idx), idx, new.col_lower[idx], new.col_upper[idx])
    n += len(idx)
    idx = np.union1d(_changed(old.row_lower, new.row_lower), _changed(old.row_upper, new.row_upper))
    idx = idx.astype(np.int32)
    if len(idx):
        highs.changeRowsBounds(len(idx), idx, new.row_lower[idx], new.row_upper[idx])
    n += len(idx)
    entries = _changed(old.matrix.data, new.matrix.data)  # row-wise: entry k is in row r with
    rows = np.searchsorted(new.matrix.indptr, entries, side="right") - 1  # indptr[r] <= k
    for k, row in zip(entries, rows, strict=True):
        highs.changeCoeff(int(row), int(new.matrix.indices[k]), float(new.matrix.data[k]))
    n += len(entries)
    if new.offset != old.offset:
        highs.changeObjectiveOffset(new.offset)
    return n


@dataclass
class ReSolveResult:
    objective_meur: float
    duals: dict
    warm: bool
    changed_numbers: int
    compile_seconds: float
    solve_seconds: float
    options: dict


class ReSolver:
    """A persistent HiGHS instance and the compiled LP it holds."""

    def __init__(self) -> None:
        import highspy

        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.lp: CompiledLP | None = None

    def solve(self, model: pyo.ConcreteModel, config: SolverConfig) -> ReSolveResult:
        import highspy

        t0 = time.perf_counter()
        lp = compile_lp(model)
        t1 = time.perf_counter()
        options = highs_options(config)
        options.update(time_limit=float(config.time_limit_s), threads=config.threads)
        held, self.lp = self.lp, None  # None until HiGHS holds `lp` and solved it optimally
        warm = lp.same_pattern(held)
        if config.algorithm == "simplex" and "simplex_strategy" not in config.options:
            options["simplex_strategy"] = PRIMAL if warm else DUAL
        if warm:
            changed = pass_changes(self.highs, held, lp)
        else:
            changed = -1
            self.highs.clearModel()
            pass_model(self.highs, lp)
        self.highs.resetOptions()  # this solve's options only, none left from the last one
        apply_options(self.highs, options)
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:  # the next solve starts clean
            text = self.highs.modelStatusToString(status)
            raise SolveError("not_optimal", f"HiGHS: {text}; nothing was written")
        self.lp = lp
        solution = self.highs.getSolution()
        load_primal(lp, solution.col_value)
        duals = row_duals(lp, solution.row_dual)
        objective = float(self.highs.getInfo().objective_function_value)
        return ReSolveResult(
            objective, duals, warm, changed, t1 - t0, time.perf_counter() - t1, options
        )
