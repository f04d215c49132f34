"""Benchmark of `npvi sweep`: re-solve against cold runs, wall time, peak memory, speed-up.

1. Cold: `solve_scenario` of sample 0's variant in a fresh process (inputs, build, compile,
   the fast hand-off to HiGHS, extract): what `npvi run` costs per variant.
2. Re-solve: the first `--resolve-samples` samples solved one after another by one worker
   function in one process (`worker.solve_sample`, persistent HiGHS instance, warm start):
   the mean cost of the warm samples against the cold run is the re-solve / cold ratio.
3. The sweep of `--samples` samples with `--workers` workers (LocalCluster): wall time, peak
   memory of each worker process (max RSS) and of the whole process tree (client, scheduler,
   nannies and workers together, sampled every 0.2 s); from the samples' files, how many were
   solved warm and cold, their mean seconds, and the mean warm sample against the cold run
   (`sweep_resolve_over_cold`: the re-solve / cold ratio over the whole sweep).
4. Speed-up: the first `--speedup-samples` samples with 1 worker and with `--workers` workers.

Results go to benchmarks/out/sweep-<timestamp>.json. Usage:

    python benchmarks/sweep_benchmark.py                          # 64 samples, reference
    python benchmarks/sweep_benchmark.py --samples 8 --speedup-samples 4 --hours 2  # quick
    python benchmarks/sweep_benchmark.py --speedup-only --speedup-samples 32   # speed-up only
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

_COLD = """
import json, resource, sys, time
from pathlib import Path
from npvi_model.pipeline import solve_scenario
from npvi_model.sweep.runner import prepare_sweep
from npvi_model.sweep.sampling import VariantMaker
sweep, samples, hours = prepare_sweep(Path(sys.argv[1]), None, None)
variant = VariantMaker(sweep).variant(0, samples[0])
t = time.perf_counter()
ds, summary = solve_scenario(variant, hours=hours)
print(json.dumps({"cold_s": time.perf_counter() - t, "timing": summary["timing_s"],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_RESOLVE = """
import json, resource, sys, time
from pathlib import Path
from npvi_model.sweep import worker
from npvi_model.sweep.runner import prepare_sweep
sweep, samples, hours = prepare_sweep(Path(sys.argv[1]), None, None)
infos = [worker.solve_sample(sys.argv[1], s, samples[s], sys.argv[2], hours)
         for s in sorted(samples)[: int(sys.argv[3])]]
print(json.dumps({"samples": infos,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _python(code: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


class TreeMemory:
    """Peak resident memory of this process and all its descendants (client, scheduler, nannies,
    workers) together, sampled every `every_s` seconds in a background thread (psutil, which
    dask.distributed depends on): a lower bound of the true peak, within one sampling step."""

    def __init__(self, every_s: float = 0.2) -> None:
        import threading

        self.every_s, self.peak_mb = every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # ended between listing and reading
                    total += proc.memory_info().rss
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._stop.wait(self.every_s)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _sweep(sweep_file: Path, out: Path, workers: int) -> dict:
    import resource

    from dask.distributed import Client, LocalCluster

    from npvi_model.sweep.runner import run_sweep

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: None)  # workers up before the clock starts
        with TreeMemory() as tree:
            t = time.perf_counter()
            outcome = run_sweep(sweep_file, out, client=client)
            wall = time.perf_counter() - t
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {
        **_per_sample(out, outcome.done),
        "workers": workers,
        "wall_s": round(wall, 1),
        "done": len(outcome.done),
        "failed": len(outcome.failed),
        "worker_peak_rss_mb": sorted(round(v) for v in rss.values()),
        "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "tree_peak_rss_mb": round(tree.peak_mb),
    }


def _per_sample(out: Path, done: list[int]) -> dict:
    """How the sweep's samples were solved (from each sample file's `solve_info`): counts,
    mean seconds per warm and per cold sample, the warm samples' HiGHS seconds and simplex
    iterations (median, max)."""
    import statistics

    from npvi_model.sweep.worker import read_sample

    infos = [json.loads(read_sample(out, s).attrs["solve_info"]) for s in sorted(done)]
    warm = [i for i in infos if i["warm_start"]]
    cold = [i for i in infos if not i["warm_start"]]

    def mean(rows, key):
        return round(statistics.fmean(r[key] for r in rows), 2) if rows else None

    result = {
        "n_warm": len(warm),
        "n_cold": len(cold),
        "warm_mean_total_s": mean(warm, "total_s"),
        "cold_mean_total_s": mean(cold, "total_s"),
    }
    if warm:
        solve = [i["solve_s"] for i in warm]
        result["warm_solve_s_median_max"] = [
            round(statistics.median(solve), 1),
            round(max(solve), 1),
        ]
        its = [i.get("simplex_iterations", 0) for i in warm]
        result["warm_iterations_median_max"] = [int(statistics.median(its)), max(its)]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sweep", default=str(ROOT / "sweeps" / "example.yaml"))
    parser.add_argument("--samples", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hours", default=None, help="representative days (default: the base)")
    parser.add_argument("--resolve-samples", type=int, default=4)
    parser.add_argument("--speedup-samples", type=int, default=8, help="0: no speed-up runs")
    parser.add_argument("--keep", default=None, help="copy the full sweep's folder here (new)")
    parser.add_argument(
        "--speedup-only", action="store_true", help="only the 1 -> N worker speed-up runs"
    )
    args = parser.parse_args()
    # the cold run must be cold: an empty basis cache of the benchmark's own (removed at exit)
    cache = tempfile.mkdtemp(prefix="npvi-bench-cache-")
    os.environ["NPVI_CACHE_DIR"] = cache
    atexit.register(shutil.rmtree, cache, True)

    spec = yaml.safe_load(Path(args.sweep).read_text())
    spec["base"] = str((Path(args.sweep).resolve().parent / spec["base"]).resolve())
    if spec["design"]["method"] == "lhs":
        spec["design"]["samples"] = args.samples
    if args.hours:
        spec["hours"] = int(args.hours)
    report: dict = {"sweep_file": args.sweep, "samples": args.samples, "hours": spec.get("hours")}
    with tempfile.TemporaryDirectory() as tmp:
        sweep_file = Path(tmp) / "bench.yaml"
        sweep_file.write_text(yaml.safe_dump(spec))
        if not args.speedup_only:
            report["cold"] = cold = _python(_COLD, str(sweep_file))
            print("cold run", json.dumps(cold), flush=True)
            resolved = _python(
                _RESOLVE, str(sweep_file), str(Path(tmp) / "resolve"), str(args.resolve_samples)
            )
            warm = [s for s in resolved["samples"] if s["warm_start"]]
            report["resolve"] = resolved
            if warm:
                mean_total = sum(s["total_s"] for s in warm) / len(warm)
                mean_solve = sum(s["solve_s"] for s in warm) / len(warm)
                report["resolve_over_cold"] = round(mean_total / cold["cold_s"], 3)
                solve_cold = cold["timing"]["solve"]
                report["warm_solve_over_cold_solve"] = round(mean_solve / solve_cold, 3)
            print("re-solve", json.dumps(resolved), flush=True)
            report["sweep"] = _sweep(sweep_file, Path(tmp) / "sweep", args.workers)
            print("sweep", json.dumps(report["sweep"]), flush=True)
            if report["sweep"]["warm_mean_total_s"] is not None:  # over the whole sweep
                report["sweep_resolve_over_cold"] = round(
                    report["sweep"]["warm_mean_total_s"] / cold["cold_s"], 3
                )
            if args.keep:
                shutil.copytree(Path(tmp) / "sweep", args.keep)  # fails if it exists: no overwrite
        if args.speedup_samples:
            spec["design"]["samples"] = args.speedup_samples
            small = Path(tmp) / "small.yaml"
            small.write_text(yaml.safe_dump(spec))
            runs = [_sweep(small, Path(tmp) / f"small{w}", w) for w in (1, args.workers)]
            print("speed-up runs", json.dumps(runs), flush=True)
            report["speed_up_runs"] = runs
            report["speed_up"] = round(runs[0]["wall_s"] / runs[1]["wall_s"], 2)
            report["speed_up_samples"] = args.speedup_samples
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"sweep-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k not in ("resolve",)}, indent=2))
    for line in _summary(report):
        print(line)
    print(f"wrote {path}")


def _summary(report: dict) -> list[str]:
    """The four headline numbers in words."""
    lines = []
    run = report.get("sweep")
    if run is None:
        return lines + _speed_up_line(report)
    lines += [
        f"wall time: {run['done']} samples on {run['workers']} workers in {run['wall_s']} s",
        f"peak memory: worker max {max(run['worker_peak_rss_mb'])} MB, client "
        f"{run['client_peak_rss_mb']} MB, whole tree {run['tree_peak_rss_mb']} MB",
    ]
    if "resolve_over_cold" in report:
        lines.append(
            f"re-solve / cold: {report['resolve_over_cold']} per sample "
            f"(solve only: {report['warm_solve_over_cold_solve']})"
        )
    else:
        lines.append("re-solve / cold: no warm sample among the re-solve samples")
    if "sweep_resolve_over_cold" in report:
        lines.append(
            f"re-solve / cold over the sweep: {report['sweep_resolve_over_cold']} "
            f"({run['n_warm']} warm samples, mean {run['warm_mean_total_s']} s; "
            f"{run['n_cold']} cold, mean {run['cold_mean_total_s']} s)"
        )
    return lines + _speed_up_line(report)


def _speed_up_line(report: dict) -> list[str]:
    if "speed_up" not in report:
        return []
    one, many = report["speed_up_runs"]
    return [
        f"speed-up 1 -> {many['workers']} workers ({report['speed_up_samples']} samples): "
        f"{one['wall_s']} s -> {many['wall_s']} s = {report['speed_up']}"
    ]


if __name__ == "__main__":
    main()
