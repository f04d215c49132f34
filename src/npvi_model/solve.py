"""Stage 5: solve the model in memory with HiGHS, load the solution and the duals. Any status
other than optimal raises SolveError, so nothing is written.

Two interfaces (`solver.interface` in the scenario):
- `direct` (default): compile once (`handoff.compile_lp`), one `passModel` into highspy, solve,
  write primal values back into the Pyomo variables and return the duals per constraint;
- `pyomo`: Pyomo's own highs interface (`pyomo.contrib.solver`), the reference for the first.
Both give the duals keyed by ConstraintData with the same sign (HiGHS's row dual of the row as
written), so `extract.py` does not know which one ran.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyomo.environ as pyo

from npvi_model.errors import SolveError
from npvi_model.handoff import (
    CompiledLP,
    basis_for,
    compile_lp,
    load_primal,
    pass_model,
    row_duals,
    warm_start_of,
)
from npvi_model.scenario import SolverConfig
from npvi_model.solver_options import apply_options, highs_options


@dataclass
class SolveResult:
    status: str
    termination: str
    objective_meur: float
    solve_seconds: float
    options: dict
    highs_version: str
    duals: dict = field(repr=False, default_factory=dict)
    #: seconds per stage of the solve: compile, handoff, highs, load (direct interface)
    timing: dict = field(default_factory=dict)
    iterations: dict = field(default_factory=dict)
    #: the optimal basis with its column and row names (handoff.WarmStart), to start another
    #: model of the same family from (another path, another run)
    basis: object = field(repr=False, default=None)
    #: the basis cache (`basis_cache.py`): "hit" (started at the stored optimal basis of this
    #: LP), "near" (at the last one of this scenario's LP pattern, e.g. before a number was
    #: edited), "miss" (solved without one; both stored afterwards) or "off"
    basis_cache: str = "off"


def _options(config: SolverConfig, tee: bool) -> dict:
    options = highs_options(config)
    if tee:
        options["output_flag"] = True
        options["log_to_console"] = True
    return options


def solve(
    model: pyo.ConcreteModel,
    config: SolverConfig,
    tee: bool = False,
    time_limit_s: float | None = None,
    compiled: CompiledLP | None = None,
    warm_basis=None,
    basis_cache: bool = False,
    keep_basis: bool = True,
    relax_rows: Sequence = (),
    cache_label: str | None = None,
) -> SolveResult:
    """Solve in memory; raise SolveError with a clear message unless optimal.

    `time_limit_s`: what is left of the run's budget (default: the scenario's whole limit).
    `compiled`: the model already compiled (direct interface), e.g. for the fingerprint.
    `warm_basis`: a handoff.WarmStart of a similar model (another path) to start from.
    `basis_cache`: look the LP up in the basis cache (`basis_cache.py`) and start from the
    stored optimal basis of the identical LP if there is one (before `warm_basis`); store the
    optimal basis after a solve without one (direct interface only).
    `cache_label`: the scenario's name; with `basis_cache`, an LP that misses starts from the
    last optimal basis stored under this label if it has the same LP pattern ("near").
    `keep_basis`: return the optimal basis with its names (`SolveResult.basis`); off when no
    other model will start from it (naming 1.2 M rows and columns of an hourly year takes s).
    `relax_rows`: constraints whose dual is replaced by the one-sided value of relaxing them
    (`one_sided.py`), the same at every optimal vertex (direct interface only)."""
    limit = config.time_limit_s if time_limit_s is None else max(time_limit_s, 1e-3)
    if getattr(config, "interface", "direct") == "pyomo":
        return _solve_pyomo(model, config, tee, limit)
    cache = (basis_cache, cache_label)
    return _solve_direct(
        model, config, tee, limit, compiled, warm_basis, cache, keep_basis, relax_rows
    )


_TERMINATION_TEXT = {
    "infeasible": "the model is infeasible",
    "infeasible_or_unbounded": "the model is infeasible or unbounded",
    "unbounded": "the model is unbounded: a cost can fall "
    "without limit (check for negative prices or costs)",
    "interrupted": "the solve was interrupted",
}


def _fail(status: str, name: str, model, config, limit: float, elapsed: float) -> None:
    if status == "time_limit":
        text = (
            f"the run reached its time limit of {config.time_limit_s:g} s while HiGHS was "
            f"solving (it had {limit:.3g} s left) before proving optimality"
        )
    else:
        text = _TERMINATION_TEXT.get(status, f"the solver stopped with status {name}")
    diagnosis = []
    if status in ("infeasible", "infeasible_or_unbounded"):
        from npvi_model.diagnose import diagnose_infeasibility

        diagnosis = diagnose_infeasibility(model, config, time_limit_s=max(limit - elapsed, 1e-3))
    raise SolveError(status, f"{text}; nothing was written", diagnosis)


def solve_within(budget, what: str, model, config, **kwargs) -> tuple[SolveResult, dict]:
    """`solve` with what is left of the run's time budget (`budget.TimeBudget`), after checking
    that some is left before handing `what` ("the model", "the planning model", ...) to HiGHS.
    Returns the result and its stage seconds without `compile`, which the caller times itself
    (it compiles before, to fingerprint the model)."""
    budget.check(f"handing {what} to HiGHS")
    result = solve(model, config, time_limit_s=budget.remaining(), **kwargs)
    return result, {k: v for k, v in result.timing.items() if k != "compile"}


def _solve_interruptibly(highs) -> None:
    """Run HiGHS so that Ctrl-C (or SIGTERM, which the CLI turns into one) always stops it.

    highspy runs the solve in a thread and answers Ctrl-C with `cancelSolve`; HiGHS only looks
    at that request inside its solvers, so a request made during presolve was lost and the run
    went on to the end as if nothing happened. Here the request is remembered and repeated
    every 0.2 s until HiGHS stops, and a cancelled solve is reported as interrupted whatever
    status HiGHS returns (nothing is written)."""
    import threading

    requested, finished = threading.Event(), threading.Event()
    cancel = highs.cancelSolve

    def request_cancel():
        requested.set()
        return cancel()

    def repeat_cancel():
        while not finished.wait(0.2):
            if requested.is_set():
                cancel()

    highs.cancelSolve = request_cancel  # what highspy calls on Ctrl-C
    highs.HandleKeyboardInterrupt = True
    repeater = threading.Thread(target=repeat_cancel, daemon=True)
    repeater.start()
    try:
        highs.solve()
    except KeyboardInterrupt:
        requested.set()
    finally:
        finished.set()
        repeater.join()
    if requested.is_set():
        raise SolveError("interrupted", "the solve was interrupted (Ctrl-C); nothing was written")


def _solve_direct(
    model, config, tee, limit, compiled, warm_basis, cache, keep_basis=True, relax_rows=()
) -> SolveResult:
    """`cache`: (use the basis cache, the scenario's label for near entries or None)."""
    import highspy

    start = time.perf_counter()
    timing: dict[str, float] = {}
    if compiled is None:
        compiled = compile_lp(model)
        timing["compile"] = compiled.seconds
    options = _options(config, tee)
    t0 = time.perf_counter()
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)  # quiet until the options say otherwise
    pass_model(highs, compiled)
    apply_options(highs, options)
    apply_options(highs, {"time_limit": float(limit), "threads": config.threads})
    timing["handoff"] = time.perf_counter() - t0
    use_cache, cache_label = cache
    cache_keys, cache_state = (None, None, ""), "off"
    if use_cache:
        t_cache = time.perf_counter()
        cache_keys, cache_state = _start_from_cache(highs, compiled, config, cache_label)
        timing["basis_cache"] = time.perf_counter() - t_cache
    if warm_basis is not None and cache_state in ("off", "miss"):
        highs.setBasis(basis_for(compiled, warm_basis))
    t1 = time.perf_counter()
    _solve_interruptibly(highs)
    timing["highs"] = time.perf_counter() - t1
    info = highs.getInfo()
    iterations = {
        "simplex": int(info.simplex_iteration_count),
        "ipm": int(info.ipm_iteration_count),
        "crossover": int(info.crossover_iteration_count),
    }
    version = highs.version()
    status = _direct_status(highs.getModelStatus())
    if status != "optimal":
        _fail(status, str(highs.getModelStatus()), model, config, limit, timing["highs"])
    if config.polish_dual_tolerance > 0:
        t6 = time.perf_counter()
        _polish(highs, config, limit - (t6 - start), iterations)
        timing["polish"] = time.perf_counter() - t6
    # the optimum, before the unique-duals and one-sided re-solves below
    objective = float(highs.getInfo().objective_function_value)
    if config.dual_headroom > 0:
        t5 = time.perf_counter()
        _settle_duals(highs, compiled, config, model, limit - (t5 - start), iterations)
        timing["unique_duals"] = time.perf_counter() - t5
    t2 = time.perf_counter()
    solution = highs.getSolution()
    load_primal(compiled, solution.col_value)
    duals = row_duals(compiled, solution.row_dual)
    to_store = cache_state in ("miss", "near")
    basis = highs.getBasis() if keep_basis or to_store else None
    timing["load"] = time.perf_counter() - t2
    if relax_rows:
        t4 = time.perf_counter()
        _relax(highs, compiled, relax_rows, solution, duals, objective, limit - (t4 - start))
        timing["one_sided"] = time.perf_counter() - t4
    if to_store and basis.valid:
        t3 = time.perf_counter()
        _store_in_cache(cache_keys, basis)
        timing["basis_cache"] += time.perf_counter() - t3
    return SolveResult(
        "optimal",
        "convergenceCriteriaSatisfied",
        objective,
        time.perf_counter() - start,
        options,
        version,
        duals,
        timing,
        iterations,
        warm_start_of(compiled, basis) if keep_basis and basis.valid else None,
        cache_state,
    )


def _polish(highs, config, left_s, iterations) -> None:
    """Simplex on from the optimal basis at `solver.polish_dual_tolerance` (`polish.py`);
    HiGHS keeps that tolerance for the re-solves after it."""
    from npvi_model.polish import polish

    highs.setOptionValue("time_limit", float(max(left_s, 1e-3)))
    polished, extra = polish(
        highs, config.polish_dual_tolerance, run=lambda: _solve_interruptibly(highs)
    )
    iterations["polish"] = extra
    if not polished and extra:
        print(
            "note: HiGHS could not confirm the optimum at dual tolerance "
            f"{config.polish_dual_tolerance:g} (solver.polish_dual_tolerance); kept its own",
            file=sys.stderr,
            flush=True,
        )


def _settle_duals(highs, compiled: CompiledLP, config, model, left_s, iterations) -> None:
    """The duals of the one optimal basis of the LP with a little headroom on every row
    (`unique_duals.py`), whichever vertex the solve ended at; the solution stays the LP's."""
    from npvi_model.unique_duals import settle

    highs.setOptionValue("time_limit", float(max(left_s, 1e-3)))
    settled, extra = settle(
        highs,
        compiled.row_lower,
        compiled.row_upper,
        config.dual_headroom,
        run=lambda: _solve_interruptibly(highs),
    )
    iterations["unique_duals"] = extra
    if not settled:
        status = _direct_status(highs.getModelStatus())
        _fail(status, str(highs.getModelStatus()), model, config, left_s, 0.0)


def _relax(highs, compiled: CompiledLP, rows, solution, duals: dict, objective, left_s) -> None:
    """Replace the duals of `rows` (ConstraintData) by their one-sided values (`one_sided.py`)."""
    from npvi_model.one_sided import relaxation_values

    index = {id(c): i for i, c in enumerate(compiled.constraints)}
    numbers = [index[id(c)] for c in rows if id(c) in index]
    # from the optimal basis HiGHS holds: dual simplex (an interior point solve would start over)
    apply_options(highs, {"solver": "simplex", "simplex_strategy": 1})
    values = relaxation_values(
        highs,
        numbers,
        compiled.row_lower,
        compiled.row_upper,
        solution.row_dual,
        objective,
        max(left_s, 1e-3),
        run=lambda: _solve_interruptibly(highs),
    )
    for row, value in values.items():
        duals[compiled.constraints[row]] = value


def cache_key_of(compiled: CompiledLP, config: SolverConfig) -> str:
    """The basis cache's key of this LP solved with this configuration: the LP's numbers and
    the settings that decide its basis (`deciding_options`)."""
    from npvi_model import basis_cache

    return basis_cache.lp_key(compiled, deciding_options(config))


def deciding_options(config: SolverConfig) -> dict:
    """The settings that decide which basis a solve ends at: the HiGHS options (algorithm,
    verbatim options), the threads, the dual headroom and the polish tolerance."""
    return {
        **highs_options(config),
        "threads": config.threads,
        "dual_headroom": config.dual_headroom,
        "polish_dual_tolerance": config.polish_dual_tolerance,
    }


def _start_from_cache(highs, compiled: CompiledLP, config, label) -> tuple[tuple, str]:
    """Set the cached optimal basis of this LP (`cache_key_of`) if there is one ("hit"), else
    the near entry of the scenario `label` if it has this LP's pattern (`basis_cache`, "near"),
    else nothing ("miss"). Returns ((LP key, family key or None, pattern), state). A stored
    basis HiGHS refuses is ignored with a note (the solve starts cold)."""
    import highspy

    from npvi_model import basis_cache

    key = cache_key_of(compiled, config)
    family = basis_cache.family_key(label, deciding_options(config)) if label else None
    pattern = basis_cache.pattern_key(compiled) if label else ""
    keys = (key, family, pattern)
    for kind, entry_key, state in (("basis", key, "hit"), ("near", family, "near")):
        if entry_key is None:
            continue
        cached = basis_cache.load(
            entry_key, compiled.n_columns, compiled.n_rows, kind=kind, pattern=pattern
        )
        if cached is None:
            continue
        if highs.setBasis(basis_cache.highs_basis(*cached)) == highspy.HighsStatus.kError:
            basis_cache.note(f"HiGHS refused the stored basis {entry_key[:12]}...; solving cold")
            continue
        return keys, state
    return keys, "miss"


def _store_in_cache(keys: tuple, basis) -> None:
    """Store the optimal basis under the LP's key and, with a label, as the scenario's near
    entry (with the LP's pattern)."""
    from npvi_model import basis_cache

    key, family, pattern = keys
    statuses = basis_cache.status_arrays(basis)
    basis_cache.store(key, *statuses)
    if family is not None:
        basis_cache.store(family, *statuses, kind="near", pattern=pattern)


def has_cached_start(config: SolverConfig, label: str) -> bool:
    """Whether a run of the scenario `label` with `config` may start from the basis cache
    (it has a near entry): then it need not wait for another scenario's basis."""
    from npvi_model import basis_cache

    return basis_cache.has_near(label, deciding_options(config))


def _direct_status(model_status) -> str:
    import highspy

    ms = highspy.HighsModelStatus
    return {
        ms.kOptimal: "optimal",
        ms.kInfeasible: "infeasible",
        ms.kUnboundedOrInfeasible: "infeasible_or_unbounded",
        ms.kUnbounded: "unbounded",
        ms.kTimeLimit: "time_limit",
        ms.kInterrupt: "interrupted",
    }.get(model_status, "error")


def _pyomo_timing(results, seconds: float) -> dict:
    """Pyomo's interface in stages: HiGHS's own run time and the rest (hand-off, loading)."""
    highs = getattr(results.timing_info, "highs_time", None)
    if highs is None:
        return {"pyomo_solve": seconds}
    return {"pyomo_solve": seconds, "highs": highs, "handoff": seconds - highs}


def _solve_pyomo(model, config, tee, limit) -> SolveResult:
    """Pyomo's highs interface: the reference for the direct hand-off."""
    from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
    from pyomo.contrib.solver.solvers.highs import Highs

    options = _options(config, tee)
    start = time.perf_counter()
    try:
        results = Highs().solve(
            model,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            time_limit=limit,
            threads=config.threads,
            solver_options=options,
            tee=tee,
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
            _pyomo_timing(results, seconds),
        )
    status = {
        TerminationCondition.provenInfeasible: "infeasible",
        TerminationCondition.locallyInfeasible: "infeasible",
        TerminationCondition.infeasibleOrUnbounded: "infeasible_or_unbounded",
        TerminationCondition.unbounded: "unbounded",
        TerminationCondition.maxTimeLimit: "time_limit",
        TerminationCondition.interrupted: "interrupted",
    }.get(term, "error")
    _fail(status, term.name, model, config, limit, seconds)
