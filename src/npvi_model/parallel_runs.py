"""Independent scenarios solved side by side in worker processes (`npvi run --jobs N`).

Each scenario of one `npvi run` is an LP of its own: nothing flows from one to the next (unless
`solver.warm_start` is on, which needs them one after another). So `run_parallel` hands each
scenario to a worker process (`concurrent.futures.ProcessPoolExecutor`, `forkserver` start
method where there is one, else `spawn`: a fresh interpreter, no forked solver state), which
calls `pipeline.run_scenario` exactly as the sequential run does. The numbers are therefore
the same, byte for byte: the same code on the same input, HiGHS with its own `solver.threads`
(1 by default) in each worker.

How many workers (`default_jobs`): the usable cores (`os.sched_getaffinity`), at most one per
scenario, and at most one per GB_PER_REFERENCE_JOB of available memory (scaled by the time
resolution: a reference solve, 12 representative days, peaks near 1 GB).

Inside a worker: the run's time budget counts from the start of its scenario (as in a
sequential run); progress messages go to the parent through a queue, which shows them prefixed
with the scenario's name; the outcome comes back as plain data (`Outcome`), never as a pickled
exception. Ctrl-C: workers ignore SIGINT and the parent, on Ctrl-C or SIGTERM, stops them with
SIGTERM, which each worker turns into KeyboardInterrupt: a solve is cancelled, a result folder
being written is dropped with its staging folder (`output_dirs`), then the parent exits 130 or
143. Nothing half-written is left.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

#: memory one worker may need at the reference resolution (12 representative days), GB
GB_PER_REFERENCE_JOB = 1.0
#: time slices of the reference resolution (12 representative days of 24 h)
REFERENCE_SLICES = 12 * 24
#: how long the parent waits for stopped workers to clean up, s
STOP_GRACE_S = 60.0


@dataclass
class Outcome:
    """What one scenario's worker reports: `kind` "ok" (folder), "input" (problems), "solve"
    (status, message, diagnosis) or "interrupted"."""

    index: int
    kind: str
    seconds: float = 0.0
    folder: Path | None = None
    problems: list = field(default_factory=list)
    #: (scenario name, handoff.WarmStart): the optimal basis, for scenarios that start from it
    start: tuple | None = None
    status: str = ""
    message: str = ""
    diagnosis: list = field(default_factory=list)


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def available_memory_gb() -> float | None:
    """MemAvailable of /proc/meminfo in GB, or None where it cannot be read."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except (OSError, ValueError, IndexError):
        return None
    return None


def gb_per_job(slices: int) -> float:
    """Memory to allow for one worker solving a model of `slices` time slices per year, GB."""
    return GB_PER_REFERENCE_JOB * max(1.0, slices / REFERENCE_SLICES)


def default_jobs(n_scenarios: int, slices: int = REFERENCE_SLICES) -> int:
    """Workers for `n_scenarios`: usable cores, capped by the scenarios and by the available
    memory at `gb_per_job(slices)` each; at least 1."""
    jobs = min(usable_cores(), n_scenarios)
    memory = available_memory_gb()
    if memory is not None:
        jobs = min(jobs, int(memory // gb_per_job(slices)))
    return max(1, jobs)


# -- inside a worker process ------------------------------------------------------------------

_progress_queue = None
_busy = False


class _HideInterrupts(logging.Filter):
    """Pyomo logs 'Constructing component ... failed: KeyboardInterrupt' when a worker is
    stopped during the build; the parent prints the one line that matters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "KeyboardInterrupt" not in record.getMessage()


def _start_worker(progress_queue) -> None:
    """Worker initializer: Ctrl-C is the parent's to handle; SIGTERM stops the scenario."""
    global _progress_queue
    _progress_queue = progress_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    import pyomo.environ  # noqa: F401 - Pyomo's log handlers exist from here on

    for handler in logging.getLogger("pyomo").handlers + logging.getLogger().handlers:
        handler.addFilter(_HideInterrupts())


def _on_sigterm(signum, frame) -> None:  # noqa: ANN001
    """While a scenario runs: KeyboardInterrupt (the solve is cancelled, staging removed);
    while idle: leave quietly."""
    if _busy:
        raise KeyboardInterrupt
    raise SystemExit(143)


def _say(index: int, message: str) -> None:
    with contextlib.suppress(Exception):  # progress is best effort, never a failure
        _progress_queue.put_nowait((index, message))


def _run_one(
    index: int,
    path: Path,
    out_dir: Path,
    options: dict,
    start: tuple | None = None,
    keep_basis: bool = False,
) -> Outcome:
    """Run one scenario in this worker (`pipeline.run_scenario`); report plain data. `start`:
    (scenario name, handoff.WarmStart) of the scenario this one starts from; `keep_basis`:
    return this scenario's own (name, WarmStart) for the scenarios that start from it."""
    global _busy
    from npvi_model.errors import InputError, SolveError
    from npvi_model.pipeline import run_scenario

    started = time.monotonic()
    warm_starts = dict([start]) if start is not None else {}
    _busy = True
    try:
        folder = run_scenario(
            Path(path),
            Path(out_dir),
            progress=lambda msg: _say(index, msg),
            warm_starts=warm_starts,
            **options,
        )
        own = _own_basis(warm_starts, start) if keep_basis else None
        return Outcome(index, "ok", time.monotonic() - started, folder=folder, start=own)
    except InputError as err:
        return Outcome(index, "input", problems=list(err.problems))
    except SolveError as err:
        return Outcome(
            index, "solve", status=err.status, message=str(err), diagnosis=list(err.diagnosis)
        )
    except KeyboardInterrupt:
        return Outcome(index, "interrupted", message="nothing half-written was left")
    finally:
        _busy = False


def _own_basis(warm_starts: dict, start: tuple | None) -> tuple | None:
    """(name, WarmStart) of the scenario just solved: the one entry `run_scenario` added to
    `warm_starts` under a scenario name (besides `"last"` and the basis it started from)."""
    taken = {"last", start[0] if start else None}
    own = [(name, basis) for name, basis in warm_starts.items() if name not in taken]
    return own[0] if own else None


# -- in the parent ----------------------------------------------------------------------------


def _context():
    """`forkserver` (the server imports the pipeline once, each worker is forked from it
    without re-importing Pyomo), else `spawn`."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # pragma: no cover - not Linux
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["npvi_model.pipeline"])
    return context


def run_parallel(
    paths: Sequence[Path],
    out_dir: Path,
    jobs: int,
    options: dict,
    progress: Callable[[int, str], None] | None = None,
    done: Callable[[Outcome], None] | None = None,
    starts_from: Sequence[int | None] | None = None,
) -> list[Outcome]:
    """Run every scenario of `paths` in up to `jobs` worker processes; return one Outcome per
    scenario, in the order of `paths`. `options` are `run_scenario`'s keyword arguments (no
    `progress`, no `warm_starts`). `starts_from[i]`: the position of the scenario whose
    optimal basis scenario i starts from (`solver.warm_start_from`; no cycles), or None;
    scenario i is then handed to a worker when that one is done (cold if it failed).
    `progress(index, message)` and `done(outcome)` are called in this process as workers
    report. Ctrl-C or SIGTERM (as KeyboardInterrupt) stops every worker, waits for them to
    clean up and re-raises KeyboardInterrupt."""
    starts_from = list(starts_from or [None] * len(paths))
    sources = {j for j in starts_from if j is not None}
    context = _context()
    messages = context.Queue()
    outcomes: dict[int, Outcome] = {}
    executor = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(messages,)
    )
    pending = {}

    def submit(index: int, start: tuple | None = None) -> None:
        future = executor.submit(
            _run_one, index, Path(paths[index]), Path(out_dir), options, start, index in sources
        )
        pending[future] = index

    try:
        for index in range(len(paths)):
            if starts_from[index] is None:
                submit(index)
        while pending:
            finished, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            _drain(messages, progress)
            for future in finished:
                index = pending.pop(future)
                outcome = outcomes[index] = _outcome_of(future, index)
                for waiting in (i for i, j in enumerate(starts_from) if j == index):
                    submit(waiting, outcome.start)
                outcome.start = None  # the basis is only for the scenarios started from it
                if done is not None:
                    done(outcome)
        _drain(messages, progress)
    except BaseException:
        _stop_workers(executor, pending)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        messages.close()
    return [outcomes[i] for i in range(len(paths))]


def _outcome_of(future, index: int) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        return Outcome(
            index,
            "solve",
            status="error",
            message="the worker process solving this scenario died (out of memory?); "
            "nothing was written; try --jobs 1",
        )


def _drain(messages, progress) -> None:
    while True:
        try:
            index, message = messages.get_nowait()
        except (queue.Empty, OSError, ValueError, EOFError):
            return
        if progress is not None:
            progress(index, message)


def _stop_workers(executor: ProcessPoolExecutor, pending: dict) -> None:
    """Cancel what has not started, SIGTERM every worker, wait for the running scenarios to
    clean up (their staging folders) and the workers to exit."""
    for future in pending:
        future.cancel()
    processes = list(getattr(executor, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            with contextlib.suppress(ProcessLookupError, TypeError):
                os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            process.kill()
            process.join(5.0)
