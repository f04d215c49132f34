"""Re-solve, don't rebuild: one persistent HiGHS instance per model structure (up to
`MAX_STRUCTURES` per worker, least recently used dropped).

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

After either, HiGHS holds exactly the compiled LP, so the answer is the LP's optimum; its
duals are those of the one optimal basis `unique_duals.settle` picks (as in `solve.py`), so a
warm re-solve and a cold solve report the same prices and limit values. Column
values go back into the Pyomo variables (`handoff.load_primal`) and each constraint's dual
(MEUR per unit of its bound, the sign of Pyomo's highs interface) comes from its row
(`handoff.row_duals`), as in `solve.py`'s direct interface: `extract.py` cannot tell which ran.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo

from npvi_model.errors import SolveError
from npvi_model.extract_gaps import path_rule_rows
from npvi_model.handoff import CompiledLP, compile_lp, load_primal, pass_model, row_duals
from npvi_model.one_sided import relaxation_values
from npvi_model.polish import polish
from npvi_model.scenario import SolverConfig
from npvi_model.solver_options import apply_options, highs_options
from npvi_model.unique_duals import settle

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
    #: simplex iterations of this solve
    iterations: int = 0
    #: simplex iterations of the unique-duals step after it (`unique_duals.settle`)
    unique_duals_iterations: int = 0
    #: simplex iterations of the polish step before that (`polish.polish`)
    polish_iterations: int = 0
    #: a warm solve's distance (scaled factor space) to the sample whose basis it started from
    start_distance: float | None = None


#: structures a worker keeps a HiGHS instance for (a factor such as a wind delay changes which
#: coefficients exist, so its values are different structures); the least recently used goes
MAX_STRUCTURES = 4
#: optimal bases kept per structure, each with its sample's position; a warm solve starts from
#: the nearest (about 1 MB each at the reference resolution); the oldest goes
MAX_BASES_PER_STRUCTURE = 16


def structure_key(lp: CompiledLP) -> str:
    """SHA-256 of what `CompiledLP.same_pattern` compares: shape, row pointers, column indices
    and the objective sense."""
    import hashlib

    digest = hashlib.sha256(repr((lp.matrix.shape, lp.maximise)).encode())
    digest.update(np.ascontiguousarray(lp.matrix.indptr, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(lp.matrix.indices, dtype=np.int64).tobytes())
    return digest.hexdigest()


class ReSolver:
    """Persistent HiGHS instances, one per model structure (at most `max_structures`, least
    recently used dropped), each with the compiled LP it holds.

    A sample whose structure was seen before on this worker is re-solved warm on that
    structure's instance, whatever structures came in between; a new structure gets a new
    instance and a cold solve. With a `position` (the sample's factors scaled to [0, 1],
    `ordering.unit_position`), the warm solve starts from the optimal basis of the nearest
    sample solved on that structure (Euclidean distance; of the last
    `MAX_BASES_PER_STRUCTURE`), not necessarily the last one."""

    def __init__(self, max_structures: int = MAX_STRUCTURES) -> None:
        from collections import OrderedDict

        self.max_structures = max(1, int(max_structures))
        #: structure key -> (highspy.Highs, the CompiledLP it holds, solved optimally)
        self.held: OrderedDict[str, tuple] = OrderedDict()
        #: structure key -> [(position, optimal highspy.HighsBasis)], oldest first
        self.bases: dict[str, list] = {}
        self.lp: CompiledLP | None = None  # the LP of the last optimal solve

    def _instance(self, key: str):
        """The HiGHS instance and LP held for `key` (moved to most recent), or a new empty
        instance (the least recently used one dropped when all places are taken)."""
        import highspy

        if key in self.held:
            self.held.move_to_end(key)
            return self.held.pop(key)
        while len(self.held) >= self.max_structures:
            dropped, (old, _) = self.held.popitem(last=False)
            self.bases.pop(dropped, None)
            old.clearModel()
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        return highs, None

    def _nearest_start(self, highs, key: str, position) -> float | None:
        """Set the basis of the nearest sample solved on this structure (HiGHS holds the last
        one's already); return its distance, or None without positions."""
        kept = self.bases.get(key) or []
        if position is None or not kept or kept[-1][0] is None:
            return None
        here = np.atleast_1d(np.asarray(position, dtype=float))
        distances = [
            float(np.linalg.norm(here - p)) if p is not None and len(p) == len(here) else np.inf
            for p, _ in kept
        ]
        best = int(np.argmin(distances))
        if best != len(kept) - 1 and np.isfinite(distances[best]):
            highs.setBasis(kept[best][1])
        return distances[best]

    def _keep_basis(self, highs, key: str, position) -> None:
        kept = self.bases.setdefault(key, [])
        point = None if position is None else np.atleast_1d(np.asarray(position, dtype=float))
        kept.append((point, highs.getBasis()))
        del kept[:-MAX_BASES_PER_STRUCTURE]

    def solve(self, model: pyo.ConcreteModel, config: SolverConfig, position=None) -> ReSolveResult:
        import highspy

        t0 = time.perf_counter()
        lp = compile_lp(model)
        t1 = time.perf_counter()
        options = highs_options(config)
        options.update(time_limit=float(config.time_limit_s), threads=config.threads)
        self.lp = None  # None until HiGHS holds `lp` and solved it optimally
        key = structure_key(lp)
        highs, held = self._instance(key)  # taken out: kept again only after an optimum
        warm = lp.same_pattern(held)
        if config.algorithm == "simplex" and "simplex_strategy" not in config.options:
            options["simplex_strategy"] = PRIMAL if warm else DUAL
        distance = None
        if warm:
            changed = pass_changes(highs, held, lp)
            distance = self._nearest_start(highs, key, position)
        else:
            changed = -1
            self.bases.pop(key, None)
            highs.clearModel()
            pass_model(highs, lp)
        highs.resetOptions()  # this solve's options only, none left from the last one
        apply_options(highs, options)
        highs.run()
        iterations, settle_iterations = int(highs.getInfo().simplex_iteration_count), 0
        status = highs.getModelStatus()
        polish_iterations = 0
        if status == highspy.HighsModelStatus.kOptimal:  # resetOptions above undoes its tolerance
            _, polish_iterations = polish(highs, config.polish_dual_tolerance, run=highs.run)
            status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal and config.dual_headroom > 0:
            settled, settle_iterations = settle(
                highs, lp.row_lower, lp.row_upper, config.dual_headroom, run=highs.run
            )
            status = highs.getModelStatus() if settled else highspy.HighsModelStatus.kUnknown
        if status != highspy.HighsModelStatus.kOptimal:  # this structure starts clean next time
            self.bases.pop(key, None)
            highs.clearModel()
            text = highs.modelStatusToString(status)
            raise SolveError("not_optimal", f"HiGHS: {text}; nothing was written")
        # kept without its Pyomo rows and columns, so no earlier model stays in memory
        self.held[key] = (highs, dataclasses.replace(lp, columns=[], constraints=[]))
        self.lp = lp
        self._keep_basis(highs, key, position)
        solution = highs.getSolution()
        load_primal(lp, solution.col_value)
        duals = row_duals(lp, solution.row_dual)
        objective = float(highs.getInfo().objective_function_value)
        self._relax_path_rules(highs, key, lp, model, solution, duals, objective, config)
        return ReSolveResult(
            objective,
            duals,
            warm,
            changed,
            t1 - t0,
            time.perf_counter() - t1,
            options,
            iterations=iterations,
            unique_duals_iterations=settle_iterations,
            polish_iterations=polish_iterations,
            start_distance=distance,
        )

    def _relax_path_rules(self, highs, key, lp, model, solution, duals, objective, config):
        """The path rules' one-sided values in place of their duals, as in `solve.py`
        (`one_sided.py`); HiGHS is then put back at this sample's optimal basis, the start of
        the next warm solve."""
        rows = path_rule_rows(model)
        if not rows:
            return
        index = {id(c): i for i, c in enumerate(lp.constraints)}
        numbers = [index[id(c)] for c in rows if id(c) in index]
        highs.setOptionValue("simplex_strategy", DUAL)  # from an optimum: dual simplex
        values = relaxation_values(
            highs,
            numbers,
            lp.row_lower,
            lp.row_upper,
            solution.row_dual,
            objective,
            float(config.time_limit_s),
        )
        for row, value in values.items():
            duals[lp.constraints[row]] = value
        if values:
            highs.setBasis(self.bases[key][-1][1])
