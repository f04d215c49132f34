"""Benchmark: the least HiGHS time in which two cores can solve the three paths, however the
solves are ordered and warm-started. A floor under the solve stage of `make run`.

For each shipped path: one cold solve (the scenario's own options, 1 thread), then a start from
each other path's optimal basis (as `solver.warm_start_from` does). Each solve runs alone in
this one process, so there is no contention between them: the seconds are what HiGHS needs at
best. From them, the shortest schedule on two cores of these kinds:

- all three cold (two at a time);
- two cold side by side, the third from the basis of the first of them to finish;
- one cold, then the other two from its basis side by side.

Inputs, build, compile, the unique-duals and one-sided steps, extract, compare and report come
on top (about 10 s per path and 7 s at the end in `make run`). Usage (about 6 minutes):

    python benchmarks/schedule_floor.py
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import highspy

from npvi_model.handoff import basis_for, compile_lp, pass_model, warm_start_of
from npvi_model.model.build import build_model
from npvi_model.pipeline import prepare
from npvi_model.scenario import resolve
from npvi_model.solver_options import apply_options, highs_options

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("domestic", "import_intermediates", "reduced_base")


def solved(lp, config, start=None) -> tuple[float, int, object]:
    """HiGHS seconds, simplex iterations and the optimal basis of one solve of `lp`."""
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    pass_model(highs, lp)
    apply_options(highs, highs_options(config))
    highs.setOptionValue("threads", 1)
    if start is not None:
        highs.setBasis(basis_for(lp, start))
    began = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - began
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    iterations = int(highs.getInfo().simplex_iteration_count)
    return seconds, iterations, warm_start_of(lp, highs.getBasis())


def floor(cold: dict, warm: dict) -> tuple[float, str]:
    """The shortest two-core schedule (seconds, in words) of the three kinds above."""
    options = []
    for a, b, c in itertools.permutations(PATHS):
        options.append((max(cold[a], cold[b] + cold[c]), f"{a} | {b} then {c}, all cold"))
        options.append((max(cold[b], cold[a] + warm[c, a]), f"{a} | {b} cold, then {c} from {a}"))
        options.append((cold[a] + max(warm[b, a], warm[c, a]), f"{a} cold, then {b} | {c} from it"))
    return min(options)


def main() -> None:
    models, lps, configs, starts, cold, warm = {}, {}, {}, {}, {}, {}
    for name in PATHS:
        resolved = resolve(ROOT / "scenarios" / f"{name}.yaml")
        configs[name] = resolved.scenario.solver
        models[name] = build_model(prepare(resolved))  # kept: the LP's names refer to it
        lps[name] = compile_lp(models[name])
        seconds, iterations, starts[name] = solved(lps[name], configs[name])
        cold[name] = seconds
        print(f"{name:22s} cold                        {seconds:6.1f} s {iterations:7d} iter")
    for name, source in itertools.permutations(PATHS, 2):
        seconds, iterations, _ = solved(lps[name], configs[name], starts[source])
        warm[name, source] = seconds
        print(f"{name:22s} from {source:22s} {seconds:6.1f} s {iterations:7d} iter")
    seconds, schedule = floor(cold, warm)
    print(f"floor of HiGHS time on two cores: {seconds:.1f} s ({schedule})")


if __name__ == "__main__":
    main()
