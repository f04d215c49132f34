"""The same two-stage problem by progressive hedging (mpi-sppy's PH) over MPI ranks.

For many paths, or full-hourly paths, the extensive form outgrows one machine. Progressive
hedging solves each path on its own rank and pulls the stage-1 decisions together: in iteration
k every path s minimises

    cost[s](x) + w[s, k] . x + rho/2 |x - xbar[k]|^2

where xbar[k] is the weighted mean of the paths' stage-1 decisions x and w[s, k] grows by
rho (x[s] - xbar) each iteration; it stops when sum_s p[s] |x[s] - xbar| per decision falls
below `convthresh`. Only the `expected` objective separates by path this way.

Usage (the parent process pickles the prepared inputs; every rank loads them and builds only
the paths mpi-sppy gives it):

    npvi robust SCENARIO... --method ph --ranks 4

which runs `mpirun -n 4 python -m npvi_model.robust.progressive_hedging IN.pkl OUT.json`. Needs
an MPI (Debian: `apt-get install openmpi-bin libopenmpi-dev`) and `pip install .[mpi]` (mpi4py).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

#: PH settings: penalty rho [MEUR per unit^2], iteration limit, convergence threshold
PH_DEFAULTS = {"rho": 10.0, "max_iterations": 300, "convthresh": 1e-5}


def mpi_available() -> bool:
    """True where an `mpirun` and mpi4py are installed."""
    import importlib.util

    return shutil.which("mpirun") is not None and importlib.util.find_spec("mpi4py") is not None


def ph_plan(
    inputs: Mapping, keys: Sequence[tuple[str, int]], weights: Mapping[str, float], settings: dict
) -> dict:
    """Run PH on the calling MPI ranks; return the consensus plan (xbar) and PH's figures."""
    import pyomo.environ as pyo
    from mpisppy.opt.ph import PH

    from npvi_model.robust.scenarios import scenario_creator

    options = {
        "solver_name": "highs",
        "PHIterLimit": int(settings["max_iterations"]),
        "defaultPHrho": float(settings["rho"]),
        "convthresh": float(settings["convthresh"]),
        "verbose": False,
        "display_progress": False,
        "display_timing": False,
        "iter0_solver_options": {},
        "iterk_solver_options": {},
    }
    start = time.perf_counter()
    ph = PH(
        options,
        list(inputs),
        scenario_creator,
        scenario_creator_kwargs={"inputs": inputs, "keys": list(keys), "weights": dict(weights)},
    )
    conv, expected_cost, trivial_bound = ph.ph_main()
    first = next(iter(ph.local_scenarios.values()))
    xbars = first._mpisppy_model.xbars
    plan = [float(pyo.value(xbars["ROOT", i])) for i in range(len(keys))]
    return {
        "plan": plan,
        "iterations": int(ph._PHIter),
        "convergence": float(conv),
        "expected_cost_with_prox_meur": float(expected_cost),
        "trivial_bound_meur": float(trivial_bound),
        "seconds": time.perf_counter() - start,
        "rank": int(ph.global_rank),
    }


def _mpirun() -> list[str]:
    version = subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout
    flags = ["--allow-run-as-root", "--oversubscribe"] if "Open MPI" in version else []
    return ["mpirun", *flags]


def _clean_environment() -> dict:
    """This process's environment without the MPI variables a singleton MPI start (mpi-sppy
    imports mpi4py) leaves behind; mpirun would take them as its own and stop."""
    prefixes = ("OMPI_", "PMIX_", "PMI_", "OPAL_", "HYDRA_", "I_MPI_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run_with_mpi(
    inputs: Mapping,
    keys: Sequence[tuple[str, int]],
    weights: Mapping[str, float],
    ranks: int = 2,
    settings: dict | None = None,
) -> dict:
    """Run PH in `ranks` MPI processes; return rank 0's result, the plan keyed by decision."""
    settings = {**PH_DEFAULTS, **(settings or {})}
    with tempfile.TemporaryDirectory(prefix="npvi-ph-") as tmp:
        job, result = Path(tmp) / "in.pkl", Path(tmp) / "out.json"
        job.write_bytes(
            pickle.dumps(
                {
                    "inputs": dict(inputs),
                    "keys": list(keys),
                    "weights": dict(weights),
                    "settings": settings,
                }
            )
        )
        cmd = [*_mpirun(), "-n", str(ranks), sys.executable, "-m", __name__, str(job), str(result)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=_clean_environment())
        if done.returncode != 0 or not result.exists():
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise RuntimeError(
                f"progressive hedging failed ({done.returncode}): {' | '.join(tail)}"
            )
        out = json.loads(result.read_text())
    out["plan"] = dict(zip([tuple(k) for k in keys], out["plan"], strict=True))
    return out


def main(argv: Sequence[str]) -> None:
    """Entry point of each MPI rank: load the job, run PH, rank 0 writes the result."""
    job = pickle.loads(Path(argv[0]).read_bytes())
    out = ph_plan(job["inputs"], job["keys"], job["weights"], job["settings"])
    if out["rank"] == 0:
        staged = Path(argv[1]).with_suffix(".tmp")
        staged.write_text(json.dumps(out))
        staged.replace(argv[1])


if __name__ == "__main__":
    main(sys.argv[1:])
