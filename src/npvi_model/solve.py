"""Stage 5: hand the model to HiGHS in memory (Pyomo's highspy interface), load the solution
and the duals. Any status other than optimal raises SolveError, so nothing is written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from npvi_model.errors import SolveError
from npvi_model.scenario import SolverConfig
from npvi_model.solver_options import highs_options


@dataclass
class SolveResult:
    status: str
    termination: str
    objective_meur: float
    solve_seconds: float
    options: dict
    highs_version: str
    duals: dict = field(repr=False, default_factory=dict)


def solve(model: pyo.ConcreteModel, config: SolverConfig, tee: bool = False) -> SolveResult:
    """Solve in memory; raise SolveError with a clear message unless optimal."""
    options = highs_options(config)
    if tee:
        options["output_flag"] = True
        options["log_to_console"] = True
    solver = Highs()
    start = time.perf_counter()
    try:
        results = solver.solve(
            model,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=config.time_limit_s,
            threads=config.threads,
            solver_options=options,
        )
    except KeyboardInterrupt:
        raise SolveError(
            "interrupted", "the solve was interrupted (Ctrl-C); nothing was written"
        ) from None
    seconds = time.perf_counter() - start
    term = results.termination_condition
    version = ".".join(str(v) for v in (results.solver_version or ()))
    if term == TerminationCondition.convergenceCriteriaSatisfied and (
        results.solution_status == SolutionStatus.optimal
    ):
        results.solution_loader.load_vars()
        duals = results.solution_loader.get_duals()
        return SolveResult(
            "optimal",
            term.name,
            float(results.incumbent_objective),
            seconds,
            options,
            version,
            duals,
        )
    messages = {
        TerminationCondition.provenInfeasible: ("infeasible", "the model is infeasible"),
        TerminationCondition.locallyInfeasible: ("infeasible", "the model is infeasible"),
        TerminationCondition.infeasibleOrUnbounded: (
            "infeasible_or_unbounded",
            "the model is infeasible or unbounded",
        ),
        TerminationCondition.unbounded: (
            "unbounded",
            "the model is unbounded: a cost can fall "
            "without limit (check for negative prices or costs)",
        ),
        TerminationCondition.maxTimeLimit: (
            "time_limit",
            f"the solver hit the time limit of {config.time_limit_s:g} s before proving optimality",
        ),
        TerminationCondition.interrupted: ("interrupted", "the solve was interrupted"),
    }
    status, text = messages.get(term, ("error", f"the solver stopped with status {term.name}"))
    diagnosis = []
    if status in ("infeasible", "infeasible_or_unbounded"):
        from npvi_model.diagnose import diagnose_infeasibility

        diagnosis = diagnose_infeasibility(model, config)
    raise SolveError(status, f"{text}; nothing was written", diagnosis)
