"""The fast hand-off from Pyomo to HiGHS: compile the model once into matrix form, pass it to
highspy in one `passModel`, and map the solution back onto the Pyomo model.

Compile: Pyomo's `LinearStandardFormCompiler` in mixed form gives, per constraint, one row
`a . x (<=, =, >=) rhs`, with any constant of the body already moved to the right-hand side and
fixed variables moved into it too; a ranged constraint `lo <= a . x <= up` gives two rows (its
`<=` row, then its `>=` row), which are merged here into one HiGHS row `lo <= a . x <= up`. Rows
are never multiplied by -1 in mixed form, so a row's dual from HiGHS has the sign Pyomo's own
highs interface reports for the constraint (HiGHS's `row_dual` of the row as written): the
change in the objective (MEUR) per unit the row's bound is relaxed upward.

Columns are the variables that appear in a row or in the objective, in the compiler's order;
their bounds are Pyomo's (`VarData.bounds`, domain included). The objective keeps its sense and
its constant (`offset`), so HiGHS's objective value is the model's.

The same compile gives the non-zeros per constraint family for the model fingerprint, so the
matrix is built once per solve.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp

INF = float("inf")


@dataclass
class CompiledLP:
    """A Pyomo model in matrix form: `row_lower <= matrix @ x <= row_upper`,
    `col_lower <= x <= col_upper`, minimise (or maximise) `cost @ x + offset`."""

    columns: list  # VarData, one per column
    constraints: list  # ConstraintData, one per row
    matrix: sp.csr_array  # rows x columns
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    cost: np.ndarray
    offset: float
    maximise: bool
    seconds: float = 0.0
    timing: dict = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.constraints)

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    @property
    def n_nonzeros(self) -> int:
        return int(self.matrix.nnz)

    def same_pattern(self, other: CompiledLP | None) -> bool:
        """True when `other` has this LP's structure, so that passing only the numbers that
        differ (costs, bounds, coefficients, offset) turns `other` into this LP: the same
        number of rows and columns, the same non-zero positions (the row-wise matrix's row
        pointers and column indices) and the same objective sense. Row bounds may differ,
        finite or infinite (a ranged constraint is one row either way). Rows and columns are
        matched by position: after the changes HiGHS holds exactly this LP, whichever
        Pyomo components the positions stand for (`constraints`, `columns` map them back)."""
        return (
            other is not None
            and self.matrix.shape == other.matrix.shape
            and self.maximise == other.maximise
            and np.array_equal(self.matrix.indptr, other.matrix.indptr)
            and np.array_equal(self.matrix.indices, other.matrix.indices)
        )

    def nonzeros_per_family(self) -> dict[str, int]:
        """Non-zeros of the matrix per constraint family (Pyomo component name)."""
        if not self.constraints:
            return {}
        per_row = np.diff(self.matrix.indptr)
        # rows of one family mostly come together: name each run of rows once
        parents = [con.parent_component() for con in self.constraints]
        starts = [0] + [i for i in range(1, len(parents)) if parents[i] is not parents[i - 1]]
        counts = np.add.reduceat(per_row, starts)
        families: dict[str, int] = {}
        for start, count in zip(starts, counts, strict=True):
            name = parents[start].local_name
            families[name] = families.get(name, 0) + int(count)
        return dict(sorted(families.items()))


def compile_lp(model: pyo.ConcreteModel) -> CompiledLP:
    """Compile the active constraints and the one active objective of `model`."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    start = time.perf_counter()
    form = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    if len(form.objectives) != 1:
        raise ValueError(f"expected one active objective, found {len(form.objectives)}")
    matrix = sp.csr_array(form.A)  # CSC -> CSR: one row per compiled row
    rhs = np.asarray(form.rhs, dtype=float)
    kinds = np.fromiter((entry.bound_type for entry in form.rows), dtype=np.int8, count=len(rhs))
    lower = np.where(kinds <= 0, rhs, -INF)  # '=' and '>=' rows have a lower bound
    upper = np.where(kinds >= 0, rhs, INF)  # '=' and '<=' rows have an upper bound
    constraints = [entry.constraint for entry in form.rows]
    # a ranged constraint comes as its '<=' row followed by its '>=' row: merge the pair
    keep = np.ones(len(rhs), dtype=bool)
    for i in np.flatnonzero((kinds[:-1] == 1) & (kinds[1:] == -1)):
        if constraints[i] is constraints[i + 1]:
            lower[i] = lower[i + 1]
            keep[i + 1] = False
    if not keep.all():
        matrix = matrix[keep]
        lower, upper = lower[keep], upper[keep]
        constraints = [c for c, k in zip(constraints, keep, strict=True) if k]
    order = _columns_by_first_row(matrix)
    matrix = sp.csr_array(matrix.tocsc()[:, order])
    columns = [form.columns[i] for i in order]
    bounds = [v.bounds for v in columns]
    col_lower = np.array([-INF if lb is None else lb for lb, _ in bounds], dtype=float)
    col_upper = np.array([INF if ub is None else ub for _, ub in bounds], dtype=float)
    cost = form.c.toarray().ravel()[order]
    objective = form.objectives[0]
    return CompiledLP(
        columns=columns,
        constraints=constraints,
        matrix=sp.csr_array(matrix),
        row_lower=lower,
        row_upper=upper,
        col_lower=col_lower,
        col_upper=col_upper,
        cost=cost,
        offset=float(form.c_offset[0]),
        maximise=objective.sense == pyo.maximize,
        seconds=time.perf_counter() - start,
    )


def _columns_by_first_row(matrix: sp.csr_array) -> np.ndarray:
    """Column order: by the first row a column appears in, then the compiler's order (Pyomo's own
    interface adds variables row by row like this); columns in no row come last."""
    csc = sp.csc_array(matrix)
    csc.sort_indices()
    n_rows, n_cols = matrix.shape
    starts = np.minimum(csc.indptr[:-1], max(csc.nnz - 1, 0))
    first = np.where(np.diff(csc.indptr) > 0, csc.indices[starts], n_rows)
    return np.lexsort((np.arange(n_cols), first))


def highs_lp(lp: CompiledLP):
    """The compiled model as a `highspy.HighsLp` (row-wise matrix, no copies of Python lists)."""
    import highspy

    out = highspy.HighsLp()
    out.num_col_ = lp.n_columns
    out.num_row_ = lp.n_rows
    out.col_cost_ = lp.cost
    out.col_lower_ = lp.col_lower
    out.col_upper_ = lp.col_upper
    out.row_lower_ = lp.row_lower
    out.row_upper_ = lp.row_upper
    out.offset_ = lp.offset
    out.sense_ = highspy.ObjSense.kMaximize if lp.maximise else highspy.ObjSense.kMinimize
    out.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    out.a_matrix_.num_col_ = lp.n_columns
    out.a_matrix_.num_row_ = lp.n_rows
    out.a_matrix_.start_ = lp.matrix.indptr.astype(np.int32)
    out.a_matrix_.index_ = lp.matrix.indices.astype(np.int32)
    out.a_matrix_.value_ = lp.matrix.data.astype(float)
    return out


def pass_model(highs, lp: CompiledLP) -> None:
    """Hand the compiled model to a `highspy.Highs` in one call."""
    import highspy

    status = highs.passModel(highs_lp(lp))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS refused the compiled model (passModel returned an error)")


def load_primal(lp: CompiledLP, values) -> None:
    """Write column values back into the Pyomo variables, in column order."""
    for var, value in zip(lp.columns, values, strict=True):
        var.set_value(float(value), skip_validation=True)


def row_duals(lp: CompiledLP, duals) -> dict:
    """Dual of each constraint (as Pyomo's highs interface gives it), keyed by ConstraintData."""
    return dict(zip(lp.constraints, (float(d) for d in duals), strict=True))


def component_key(data) -> tuple:
    """A variable's or constraint's name as (component, index): the same in every model built
    from the same code, whatever the path's numbers."""
    return (data.parent_component().local_name, data.index())


@dataclass
class WarmStart:
    """An optimal basis with the names of its columns and rows, to start another model from.
    Picklable (the basis travels as two int8 arrays of statuses), so a worker process can hand
    it to the next scenario's worker (`parallel_runs`)."""

    column_keys: list
    row_keys: list
    basis: object  # highspy.HighsBasis

    def __getstate__(self) -> dict:
        from npvi_model.basis_cache import status_arrays

        return {"keys": (self.column_keys, self.row_keys), "status": status_arrays(self.basis)}

    def __setstate__(self, state: dict) -> None:
        from npvi_model.basis_cache import highs_basis

        self.column_keys, self.row_keys = state["keys"]
        self.basis = highs_basis(*state["status"])


def warm_start_of(lp: CompiledLP, basis) -> WarmStart:
    return WarmStart(
        [component_key(v) for v in lp.columns], [component_key(c) for c in lp.constraints], basis
    )


def basis_for(lp: CompiledLP, warm: WarmStart):
    """`warm`'s basis for the model `lp`: as it is when both have the same columns and rows in
    the same order; otherwise mapped by name, columns new to `lp` at a finite bound (or zero) and
    rows new to `lp` basic, and marked alien so that HiGHS completes it to a valid basis."""
    import highspy

    column_keys = [component_key(v) for v in lp.columns]
    row_keys = [component_key(c) for c in lp.constraints]
    if column_keys == warm.column_keys and row_keys == warm.row_keys:
        return warm.basis
    status = highspy.HighsBasisStatus
    old_cols = dict(zip(warm.column_keys, warm.basis.col_status, strict=True))
    old_rows = dict(zip(warm.row_keys, warm.basis.row_status, strict=True))

    def at_bound(lower: float, upper: float):
        if lower > -INF:
            return status.kLower
        return status.kUpper if upper < INF else status.kZero

    basis = highspy.HighsBasis()
    basis.col_status = [
        old_cols[key] if key in old_cols else at_bound(lo, up)
        for key, lo, up in zip(column_keys, lp.col_lower, lp.col_upper, strict=True)
    ]
    basis.row_status = [old_rows.get(key, status.kBasic) for key in row_keys]
    basis.valid = True
    basis.alien = True
    return basis
