"""Benchmark of `npvi compare` and `npvi report` on solved result folders: wall seconds, CPU
seconds (user + sys, worker processes included) and peak memory (max RSS of its largest
process) of each command in a fresh process, with the load average at its start; the report
also with its figures drawn in the main process (`build_report(..., jobs=1)`) to show what the
worker processes add. Results go to benchmarks/out/report-<timestamp>.json. Usage (after
`make run`, which writes results/):

    python benchmarks/report_benchmark.py                          # results/<three paths>
    python benchmarks/report_benchmark.py --rounds 3 RUN_DIR RUN_DIR ...
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

#: runs a command; prints the CPU seconds of its process tree and the largest max RSS (kB)
_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.write(f'\\nCPU_S={u.ru_utime + u.ru_stime} PEAK_RSS_KB={u.ru_maxrss}')\n"
    "sys.exit(rc)\n"
)
_REPORT_ONE_PROCESS = (
    "import sys\n"
    "from npvi_model.report import build_report\n"
    "build_report(sys.argv[2:], sys.argv[1], jobs=1)\n"
)


def measured(cmd: list[str]) -> dict:
    """Run `cmd` in a fresh process: wall and CPU seconds, peak MB, load average at start."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    tail = proc.stderr.rsplit("CPU_S=", 1)[-1]
    cpu, peak = tail.split(" PEAK_RSS_KB=")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(float(cpu), 2),
        "peak_mb": round(float(peak) / 1024),
        "load_average_1min": round(load, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path, help="result folders")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    folders = [str(f) for f in args.folders] or [str(ROOT / "results" / p) for p in PATHS]
    npvi = [sys.executable, "-m", "npvi_model.cli"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            cases = {
                "compare": [*npvi, "compare", *folders, "--out", f"{tmp}/c{round_}"],
                "report": [*npvi, "report", *folders, "--out", f"{tmp}/r{round_}"],
                "report_jobs_1": [sys.executable, "-c", _REPORT_ONE_PROCESS, f"{tmp}/s{round_}"]
                + folders,
            }
            for case, cmd in cases.items():
                row = {"round": round_, "case": case, **measured(cmd)}
                rows.append(row)
                print(
                    f"{case:14s} round {round_}: wall {row['wall_s']:6.2f} s  CPU "
                    f"{row['cpu_s']:6.2f} s  peak {row['peak_mb']:5d} MB  load "
                    f"{row['load_average_1min']:.2f}",
                    flush=True,
                )
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"report-{time.strftime('%Y%m%d-%H%M%S')}.json"
    summary = {"folders": folders, "cpus": os.cpu_count(), "rows": rows}
    path.write_text(json.dumps(summary, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
