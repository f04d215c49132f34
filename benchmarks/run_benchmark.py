"""Benchmark: one case per performance lever, each in its own process (`npvi run`), so the peak
memory is that case's alone. Prints, per case and scenario: variables, constraints, non-zeros,
the seconds of each stage (inputs, build, compile, hand-off, HiGHS, load of the solution,
extract, write), simplex iterations and whether the solve was warm-started, then the wall time
and the peak memory of the whole command: of its process tree (the command and the processes it
starts, e.g. the full-hourly dispatch workers: the sum of their PSS, sampled every 0.2 s) and of
its largest single process (max RSS), and the load average (1, 5, 15 min) as the case ended.
Results also go to benchmarks/out/<timestamp>.json. Usage:

    python benchmarks/run_benchmark.py                      # the default cases (below)
    python benchmarks/run_benchmark.py --cases handoff_direct handoff_pyomo
    python benchmarks/run_benchmark.py --full               # add the full-hourly cases
    python benchmarks/run_benchmark.py --list

Cases (the lever each measures):
- handoff_direct / handoff_pyomo: domestic at reference scale (12 days x 6 years) with the fast
  hand-off and with Pyomo's interface (the state before the fast hand-off);
- paths_warm / paths_cold: the three paths in one command, one after another, each from the
  previous one's basis (`solver.warm_start`) and cold (no path starts from another);
- paths_side_by_side: the three paths as `make run` solves them: 2 worker processes,
  import_intermediates from reduced_base's basis (`solver.warm_start_from`);
- full_year_two_step / full_year_direct (--full): one model year (2030) at 8760 h, capacities
  from representative days then the hourly dispatch, against the direct hourly solve;
- full_six_two_step (--full): every model year of the scenario (seven since 2032 was added; the
  name is kept) at 8760 h, two-step, with `time.full_hourly_workers: auto`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("domestic", "import_intermediates", "reduced_base")

#: name -> (scenarios it extends, extra YAML for all or {scenario: extra YAML}, --hours)
CASES: dict[str, tuple[tuple[str, ...], str | dict, str | None]] = {
    "handoff_direct": (("domestic",), "solver: {interface: direct}", None),
    "handoff_pyomo": (("domestic",), "solver: {interface: pyomo}", None),
    "paths_warm": (PATHS, "solver: {warm_start: true}", None),
    "paths_cold": (PATHS, "solver: {warm_start: false}", None),
    "paths_side_by_side": (
        PATHS,
        {"import_intermediates": "solver: {warm_start_from: reduced_base__paths_side_by_side}"},
        None,
    ),
    "full_year_two_step": (("domestic",), "years: [2030]\ntime: {full_hourly: two_step}", "full"),
    "full_year_direct": (("domestic",), "years: [2030]\ntime: {full_hourly: direct}", "full"),
    "full_six_two_step": (("domestic",), "time: {full_hourly: two_step}", "full"),
}
DEFAULT = ("handoff_direct", "handoff_pyomo", "paths_warm", "paths_cold", "paths_side_by_side")
#: cases run with more than one worker process (all others: --jobs 1)
JOBS = {"paths_side_by_side": "2"}
FULL = ("full_year_two_step", "full_year_direct", "full_six_two_step")
STAGES = (
    "inputs",
    "build",
    "compile",
    "handoff",
    "highs",
    "polish",
    "unique_duals",
    "one_sided",
    "load",
    "extract",
    "write",
    "solve",
)

#: runs a command and prints two peaks (kB): the memory of the whole process tree (the command
#: and every process it starts, e.g. the full-hourly dispatch workers), as the sum of each
#: process's proportional set size (PSS: shared pages split between the processes that share
#: them) sampled every 0.2 s from /proc/<pid>/smaps_rollup; and the largest max RSS of any one
#: process (getrusage RUSAGE_CHILDREN gives the largest child's, not a sum)
_MEASURE = r"""
import os, resource, subprocess, sys, time

def children(pid):
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out

def tree_kb(root):
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
            todo += children(pid)
        except (OSError, StopIteration):
            pass
    return total

proc = subprocess.Popen(sys.argv[1:])
peak = 0
while proc.poll() is None:
    peak = max(peak, tree_kb(proc.pid))
    time.sleep(0.2)
one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\nPEAK_TREE_PSS_KB={peak} PEAK_ONE_RSS_KB={one}")
sys.exit(proc.returncode)
"""


def measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, dict]:
    """Run `cmd`; return the process, its wall time (s) and its peak memory (MB): `tree`, the
    whole process tree (sampled PSS sum), and `one_process`, the largest max RSS of one process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    tail = proc.stderr.rsplit("PEAK_TREE_PSS_KB=", 1)[-1].split()
    tree_kb, one_kb = float(tail[0]), float(tail[1].split("=")[1])
    return proc, wall, {"tree": tree_kb / 1024, "one_process": one_kb / 1024}


def run_case(name: str, tmp: Path) -> dict:
    paths, extra, hours = CASES[name]
    files = []
    for path in paths:
        child = tmp / f"{path}__{name}.yaml"
        own = extra.get(path, "") if isinstance(extra, dict) else extra
        child.write_text(
            f"extends: {ROOT / 'scenarios' / path}.yaml\nname: {path}__{name}\n{own}\n"
        )
        files.append(str(child))
    out = tmp / name
    cmd = [sys.executable, "-m", "npvi_model.cli", "run", *files, "--out", str(out)]
    cmd += ["--allow-outside-extends"] + (["--hours", hours] if hours else [])
    # one process (but for JOBS), every solve cold but for the warm starts a case asks for
    cmd += ["--jobs", JOBS.get(name, "1"), "--no-cache"]
    proc, wall, peak_mb = measured(cmd)
    case = {"case": name, "exit": proc.returncode, "wall_s": round(wall, 1)}
    case["peak_tree_pss_mb"] = round(peak_mb["tree"])
    case["peak_one_process_rss_mb"] = round(peak_mb["one_process"])
    case["load_average"] = [round(x, 2) for x in os.getloadavg()]
    if proc.returncode != 0:
        case["error"] = proc.stderr[-2000:]
        return case
    case["scenarios"] = []
    for path in paths:
        summary = json.loads((out / f"{path}__{name}" / "summary.json").read_text())
        model = summary["model"]
        case["scenarios"].append(
            {
                "scenario": path,
                "n_variables": model["n_variables"],
                "n_constraints": model["n_constraints"],
                "n_nonzeros": model.get("n_nonzeros"),
                "timing_s": summary["timing_s"],
                "solver": summary.get("solver", {}),
                "objective_eur": summary["objective_eur"],
                "full_hourly": summary.get("full_hourly"),
            }
        )
    return case


def print_case(case: dict) -> None:
    head = f"{case['case']}: exit {case['exit']}, wall {case['wall_s']} s, "
    print(
        head + f"peak memory {case['peak_tree_pss_mb']} MB (process tree, PSS sampled every "
        f"0.2 s), largest process {case['peak_one_process_rss_mb']} MB (max RSS); "
        "load average after: " + " / ".join(f"{x:.2f}" for x in case["load_average"])
    )
    if case["exit"] != 0:
        print("  " + case.get("error", "").strip().splitlines()[-1])
        return
    cols = ("scenario", "vars", "cons", "nnz", *STAGES, "total", "iter", "warm")
    print("  " + " ".join(f"{c:>10}" for c in cols))
    for s in case["scenarios"]:
        t = s["timing_s"]
        cells = [s["scenario"][:10], s["n_variables"], s["n_constraints"], s["n_nonzeros"] or "-"]
        cells += [f"{t[k]:.1f}" if k in t else "-" for k in (*STAGES, "total")]
        iterations = s["solver"].get("iterations", {}).get("simplex", "-")
        cells += [iterations, "yes" if s["solver"].get("warm_start") else "no"]
        print("  " + " ".join(f"{c!s:>10}" for c in cells))
        if s.get("full_hourly"):
            print("  full hourly: " + json.dumps(s["full_hourly"]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="*", default=None, choices=list(CASES))
    parser.add_argument("--full", action="store_true", help="add the full-hourly cases")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    names = list(args.cases or DEFAULT) + (list(FULL) if args.full else [])
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            cases.append(run_case(name, Path(tmp)))
            print_case(cases[-1])
            sys.stdout.flush()
    target = ROOT / "benchmarks" / "out"
    target.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (target / f"{stamp}.json").write_text(json.dumps(cases, indent=2))
    print(f"wrote {target / f'{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
