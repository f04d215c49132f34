"""`npvi robust`: one no-regret plan for the decisions of this cabinet period, shared by all
development paths (a two-stage stochastic program built and solved with mpi-sppy).

- `scenarios.py`: the scenario creator (the project's own model per path) and stage 1;
- `extensive.py`: the extensive form and its objectives (expected cost, minmax regret);
- `evaluate.py`: own optima, each path under the plan, regret, EVPI, VSS;
- `progressive_hedging.py`: the same problem by progressive hedging over MPI ranks;
- `results.py`: `<out>/robust/` (results.nc, csv/, summary.json), written atomically;
- `report.py`: the report section and plain-words summary.

`RobustOutcome` and `robust_plan` are imported on first use, so that `npvi report` (which reads
a robust folder through `report.py`) and the command line do not load Pyomo and SciPy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from npvi_model.robust.evaluate import RobustOutcome, robust_plan

__all__ = ["RobustOutcome", "robust_plan"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from npvi_model.robust import evaluate

        return getattr(evaluate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
