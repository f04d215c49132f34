"""Build (but do not solve) one scenario and print the stage times and model size.

Used to measure the full-hourly build, whose solve takes longer than a benchmark session:
    python benchmarks/build_only.py scenarios/domestic.yaml full
Peak memory: run it under `/usr/bin/time -v` (or read it from run_benchmark.py's wrapper).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from npvi_model.model import build_model
from npvi_model.pipeline import prepare
from npvi_model.scenario import resolve


def main() -> int:
    scenario, hours = Path(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else None)
    t0 = time.perf_counter()
    inputs = prepare(resolve(scenario), hours=hours)
    t1 = time.perf_counter()
    model = build_model(inputs)
    t2 = time.perf_counter()
    n_vars = sum(  # fixed variables are constants: no column in the LP
        sum(not x.fixed for x in v.values())
        for v in model.component_objects(ctype=None)
        if v.ctype.__name__ == "Var"
    )
    n_cons = sum(
        len(c) for c in model.component_objects(ctype=None) if c.ctype.__name__ == "Constraint"
    )
    print(
        json.dumps(
            {
                "scenario": scenario.stem,
                "hours": hours or "representative",
                "slices": int(inputs.sizes["slice"]),
                "inputs_s": round(t1 - t0, 1),
                "build_s": round(t2 - t1, 1),
                "n_variables": n_vars,
                "n_constraints": n_cons,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
