"""Benchmark: the robust plan's extensive form against three separate solves.

Each case runs in its own process, so its peak memory (max RSS) is that case's alone:

- `single <path>`: one path built and solved alone (what `npvi run` does for one path);
- `ef`: the extensive form of the three paths (expected cost), built by mpi-sppy and solved.

Usage:

    python benchmarks/robust_benchmark.py            # reference resolution (slow: ~10 min)
    python benchmarks/robust_benchmark.py --hours 4  # 4 representative days

Prints one JSON line per case (build and solve seconds, variables, constraints, peak MB) and
writes them to benchmarks/out/robust-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("domestic", "import_intermediates", "reduced_base")


def _inputs(names, hours):
    from npvi_model.pipeline import prepare
    from npvi_model.scenario import resolve

    out, solver = {}, None
    for name in names:
        resolved = resolve(ROOT / "scenarios" / f"{name}.yaml")
        out[name] = prepare(resolved, None, hours)
        solver = solver or resolved.scenario.solver
    return out, solver


def case_single(name: str, hours: str | None) -> dict:
    from npvi_model.model import build_model
    from npvi_model.solve import solve

    inputs, solver = _inputs([name], hours)
    t0 = time.perf_counter()
    model = build_model(inputs[name])
    build = time.perf_counter() - t0
    result = solve(model, solver)
    return {"case": f"single {name}", "build_s": build, "solve_s": result.solve_seconds}


def case_ef(hours: str | None) -> dict:
    from npvi_model.model import build_model
    from npvi_model.robust.extensive import solve_extensive_form
    from npvi_model.robust.scenarios import stage1_keys

    inputs, solver = _inputs(PATHS, hours)
    keys = set()
    for name in PATHS:  # one model at a time, so the keys cost one model's memory
        keys |= set(stage1_keys([build_model(inputs[name])], 2030))
        gc.collect()
    keys = sorted(keys, key=lambda k: (k[1], k[0]))
    weights = {s: 1 / len(PATHS) for s in PATHS}
    ef = solve_extensive_form(inputs, keys, weights, "expected", solver)
    return {
        "case": "extensive form (3 paths)",
        "build_s": ef.build_seconds,
        "solve_s": ef.solve_seconds,
        "n_variables": ef.n_variables,
        "n_constraints": ef.n_constraints,
        "objective_meur": ef.objective_meur,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", default=None, help="representative days (default: scenario's)")
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # inside the child process
        out = case_ef(args.hours) if args.case == "ef" else case_single(args.case, args.hours)
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("RESULT " + json.dumps(out))
        return
    rows = []
    for case in (*PATHS, "ef"):
        cmd = [sys.executable, __file__, "--case", case]
        if args.hours:
            cmd += ["--hours", args.hours]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{case}: failed\n{proc.stderr[-2000:]}")
            continue
        row = json.loads(line[7:]) | {"wall_s": time.perf_counter() - t0, "hours": args.hours}
        print(json.dumps(row))
        rows.append(row)
    out_dir = ROOT / "benchmarks" / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"robust-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
