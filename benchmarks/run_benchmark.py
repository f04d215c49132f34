"""Benchmark: build time, solve time and peak memory at the reference scale and at full hours.

Each case runs in its own process (`npvi run`), so peak memory (max RSS) is that case's alone.
Results go to benchmarks/out/<timestamp>.json and are printed as a table. Usage:

    python benchmarks/run_benchmark.py                 # reference scale, the three paths
    python benchmarks/run_benchmark.py --full domestic # plus one path at 8760 h
    python benchmarks/run_benchmark.py --algorithms    # ipm against simplex, reference scale
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("domestic", "import_intermediates", "reduced_base")


#: runs a command and prints its peak RSS (kB): a fresh process, so the figure is this case's
_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "sys.stderr.write(f'\\nPEAK_RSS_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}')\n"
    "sys.exit(rc)\n"
)


def measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run `cmd`; return the process, its wall time (s) and its peak memory (MB)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    peak_kb = float(proc.stderr.rsplit("PEAK_RSS_KB=", 1)[-1])
    return proc, wall, peak_kb / 1024


def run_case(scenario: Path, hours: str | None, out: Path) -> dict:
    cmd = [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out)]
    if hours:
        cmd += ["--hours", hours]
    proc, wall, peak_mb = measured(cmd)
    case = {
        "scenario": scenario.stem,
        "hours": hours or "representative",
        "exit": proc.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_mb),
    }
    if proc.returncode != 0:
        case["error"] = proc.stderr[-2000:]
        return case
    summary = json.loads((out / scenario.stem / "summary.json").read_text())
    case.update(
        timing_s=summary["timing_s"],
        n_variables=summary["model"]["n_variables"],
        n_constraints=summary["model"]["n_constraints"],
        n_slices=summary["metadata"]["n_slices"],
        objective_eur=summary["objective_eur"],
    )
    return case


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", nargs="*", default=[], help="paths to run at 8760 h")
    parser.add_argument("--algorithms", action="store_true", help="compare ipm and simplex")
    parser.add_argument("--paths", nargs="*", default=list(PATHS))
    args = parser.parse_args()
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for path in args.paths:
            cases.append(run_case(ROOT / "scenarios" / f"{path}.yaml", None, out))
            print(json.dumps(cases[-1]), flush=True)
        if args.algorithms:
            for path in args.paths:
                for algorithm in ("simplex", "ipm"):
                    child = out / f"{path}_{algorithm}.yaml"
                    child.write_text(
                        f"extends: {ROOT / 'scenarios' / path}.yaml\n"
                        f"name: {path}_{algorithm}\nsolver: {{algorithm: {algorithm}}}\n"
                    )
                    case = run_case_outside(child, out)
                    case["algorithm"] = algorithm
                    cases.append(case)
                    print(json.dumps(case), flush=True)
        for path in args.full:
            cases.append(run_case(ROOT / "scenarios" / f"{path}.yaml", "full", out))
            print(json.dumps(cases[-1]), flush=True)
    target = ROOT / "benchmarks" / "out"
    target.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (target / f"{stamp}.json").write_text(json.dumps(cases, indent=2))
    print(f"wrote {target / f'{stamp}.json'}")
    return 0


def run_case_outside(scenario: Path, out: Path) -> dict:
    """A scenario file outside scenarios/ that extends a shipped one."""
    cmd = [
        sys.executable,
        "-m",
        "npvi_model.cli",
        "run",
        str(scenario),
        "--out",
        str(out),
        "--allow-outside-extends",
    ]
    proc, wall, peak_mb = measured(cmd)
    case = {
        "scenario": scenario.stem,
        "exit": proc.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak_mb),
    }
    if proc.returncode == 0:
        summary = json.loads((out / scenario.stem / "summary.json").read_text())
        case.update(timing_s=summary["timing_s"], objective_eur=summary["objective_eur"])
    else:
        case["error"] = proc.stderr[-2000:]
    return case


if __name__ == "__main__":
    sys.exit(main())
