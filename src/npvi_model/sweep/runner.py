"""`npvi sweep`: run every sample of a sweep on dask.distributed, then gather the results.

- Engine: a `LocalCluster` of worker processes (default one per core, one thread each, HiGHS
  with one thread), or an existing cluster given by its scheduler address, used unchanged.
- Every variant is built and validated in this process before anything is submitted: a bad
  value exits 2 with nothing written.
- Each sample is one task (`worker.solve_sample`), retried once by Dask if it raises; a worker
  that dies mid-task has its task rescheduled by the scheduler. Samples go to workers in the
  order of `ordering.plan` (alike variants one after another on one worker, so each warm
  re-solve starts near); other workers may take them when that worker is gone. A sample that
  still fails is recorded as failed with its reason (`samples/sample_NNNNN.failed.json`) and
  the sweep goes on.
- The output folder holds `sweep.json` (the definition, written first; it marks the folder as a
  sweep's), `samples/` (one complete file per finished sample), and at the end `sweep.nc` and
  `sweep.csv`. `--resume` checks the definition is the same and skips finished samples.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from npvi_model.errors import InputError, Problem
from npvi_model.sweep import ordering, worker
from npvi_model.sweep.sampling import VariantMaker, design_table
from npvi_model.sweep.spec import LoadedSweep, load_sweep

MARKER = "sweep.json"


@dataclass
class SweepOutcome:
    out_dir: Path
    n_samples: int
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    dashboard: str = ""
    wall_seconds: float = 0.0


def _check_out_dir(out_dir: Path, sweep: LoadedSweep, hours: str | None, resume: bool) -> dict:
    """The marker content; refuse a folder that is not this sweep's (exit 2, nothing written)."""
    marker = {
        "sweep": sweep.spec.name,
        "sweep_file": sweep.file,
        "definition_sha256": sweep.definition_sha256,
        "hours": hours,
        "definition": sweep.spec.model_dump(mode="json"),
    }
    path = out_dir / MARKER
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError([Problem("command line", "--out", f"'{out_dir}' is a file")])
    if path.is_file():
        old = json.loads(path.read_text())
        same = old.get("definition_sha256") == marker["definition_sha256"] and (
            old.get("hours") == hours
        )
        if not resume:
            raise InputError(
                [
                    Problem(
                        "command line",
                        "--out",
                        f"'{out_dir}' already holds a sweep; pass --resume to continue it "
                        "or choose another --out",
                    )
                ]
            )
        if not same:
            raise InputError(
                [
                    Problem(
                        "command line",
                        "--resume",
                        f"'{out_dir}' holds sweep '{old.get('sweep')}' with another "
                        "definition or --hours; resume needs the same sweep file",
                    )
                ]
            )
    else:  # a new sweep folder: the project's rules for output folders (output_dirs.py)
        from npvi_model.output_dirs import check_output_dir

        check_output_dir(out_dir, "sweep", inputs=[sweep.base_path.parent])
        if out_dir.exists() and any(out_dir.iterdir()):
            raise InputError(
                [
                    Problem(
                        "command line",
                        "--out",
                        f"'{out_dir}' exists, is not empty and is not a sweep folder; "
                        "nothing was written",
                    )
                ]
            )
    return marker


def prepare_sweep(
    sweep_file: Path, hours: str | None, data_dir: Path | None
) -> tuple[LoadedSweep, dict[int, dict], str | None]:
    """Validate the sweep and every variant; return the sweep, the samples' values and the
    resolution (`hours`: the command line's, else the sweep file's)."""
    from npvi_model.inputs import apply_overrides

    sweep = load_sweep(sweep_file)
    if hours is None and sweep.spec.hours is not None:
        hours = str(sweep.spec.hours)
    table = design_table(sweep)
    maker = VariantMaker(sweep, data_dir)
    samples = {}
    for sample, row in table.iterrows():
        values = worker.as_float(row.to_dict())
        variant = maker.variant(int(sample), values)
        if variant.scenario.data_overrides:
            try:
                apply_overrides({k: v.copy() for k, v in maker.raw_tables.items()}, variant)
            except InputError as err:
                p = err.problems[0]
                raise InputError(
                    [Problem(sweep.file, f"sample {sample}", f"{p.where}: {p.message}")]
                ) from None
        samples[int(sample)] = values
    return sweep, samples, hours


def _client(workers: int | None, scheduler: str | None):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=40,
    )
    return Client(cluster), cluster


def run_sweep(
    sweep_file: Path,
    out_dir: Path,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    hours: str | None = None,
    data_dir: Path | None = None,
    client=None,
    task: Callable = worker.solve_sample,
    on_start: Callable[[str, int], None] | None = None,
    on_sample: Callable[[int, str], None] | None = None,
) -> SweepOutcome:
    """Run a sweep and write its folder; see the module docstring."""
    import time

    from dask.distributed import as_completed

    from npvi_model.sweep.results import write_sweep_results

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    sweep, samples, hours = prepare_sweep(Path(sweep_file), hours, data_dir)
    marker = _check_out_dir(out_dir, sweep, hours, resume)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (out_dir / MARKER).is_file():
        staged = out_dir / f".{MARKER}.tmp"
        staged.write_text(json.dumps(marker, indent=2))
        staged.replace(out_dir / MARKER)
    outcome = SweepOutcome(out_dir, len(samples))
    todo = {}
    for sample, values in samples.items():
        if resume and worker.sample_path(out_dir, sample).is_file():
            outcome.skipped.append(sample)
        else:
            worker.failure_path(out_dir, sample).unlink(missing_ok=True)
            todo[sample] = values
    own_client = client is None
    cluster = None
    if todo:
        if own_client:
            client, cluster = _client(workers, scheduler)
        try:
            outcome.dashboard = client.dashboard_link or ""
            if on_start:
                on_start(outcome.dashboard, len(todo))
            futures = {}
            addresses = _worker_addresses(client)
            pieces = ordering.plan(sweep.spec, todo, max(1, len(addresses)))
            for k, piece in enumerate(pieces):
                where = [addresses[k]] if addresses else None
                for position, sample in enumerate(piece):
                    future = client.submit(
                        task,
                        str(Path(sweep_file).resolve()),
                        sample,
                        todo[sample],
                        str(out_dir.resolve()),
                        hours,
                        str(data_dir) if data_dir else None,
                        key=f"npvi-sweep-{sweep.spec.name}-{sample:05d}-{os.getpid()}",
                        retries=1,
                        pure=False,
                        workers=where,
                        allow_other_workers=True,  # a dead worker's samples go elsewhere
                        priority=len(piece) - position,  # in path order on its worker
                    )
                    futures[future] = sample
            for future in as_completed(futures):
                sample = futures[future]
                if future.status == "finished":
                    outcome.done.append(sample)
                    status = "done"
                else:
                    reason = _reason(future)
                    worker.write_failure(out_dir, sample, todo[sample], reason)
                    outcome.failed[sample] = reason
                    status = f"failed: {reason}"
                if on_sample:
                    on_sample(sample, status)
        finally:
            if own_client:
                client.close()
                if cluster is not None:
                    cluster.close()
    outcome.wall_seconds = time.perf_counter() - t0
    write_sweep_results(out_dir, sweep, samples, hours)
    return outcome


def _worker_addresses(client) -> list[str]:
    """The addresses of the cluster's workers, sorted (all of them: some versions of
    distributed list 5 unless asked for all)."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # older distributed: no n_workers, all workers listed
        info = client.scheduler_info()
    return sorted(info.get("workers", {}))


def _reason(future) -> str:
    try:
        err = future.exception()
    except Exception as exc:  # the exception could not be fetched (e.g. cancelled)
        return f"{type(exc).__name__}: {exc}"
    return f"{type(err).__name__}: {err}".splitlines()[0][:300]
