"""`npvi robust`: one no-regret plan for the decisions of this cabinet period, shared by all
development paths (a two-stage stochastic program built and solved with mpi-sppy).

- `scenarios.py`: the scenario creator (the project's own model per path) and stage 1;
- `extensive.py`: the extensive form and its objectives (expected cost, minmax regret);
- `evaluate.py`: own optima, each path under the plan, regret, EVPI, VSS;
- `progressive_hedging.py`: the same problem by progressive hedging over MPI ranks;
- `results.py`: `<out>/robust/` (results.nc, csv/, summary.json), written atomically;
- `report.py`: the report section and plain-words summary.
"""

from npvi_model.robust.evaluate import RobustOutcome, robust_plan

__all__ = ["RobustOutcome", "robust_plan"]
