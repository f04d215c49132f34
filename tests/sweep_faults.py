"""Sweep tasks that misbehave on purpose, for the fault tests of `npvi sweep` (imported by the
Dask worker processes, which share the test session's sys.path)."""

from __future__ import annotations

import os
from pathlib import Path

from npvi_model.sweep.worker import solve_sample


def kill_worker_once(sweep_file, sample, values, out_dir, hours, data_dir=None):
    """Kill the worker process (no clean-up, like `kill -9`) the first time a sample whose
    marker file `<out_dir>/../kill_<sample>` exists is run; solve normally afterwards."""
    marker = Path(out_dir).parent / f"kill_{sample}"
    if marker.exists():
        marker.unlink()
        os._exit(1)
    return solve_sample(sweep_file, sample, values, out_dir, hours, data_dir)


def fail_sample_one(sweep_file, sample, values, out_dir, hours, data_dir=None):
    """Sample 1 always raises (and leaves one `attempt_1_<n>` file per attempt)."""
    if sample == 1:
        folder = Path(out_dir).parent
        n = len(list(folder.glob("attempt_1_*")))
        (folder / f"attempt_1_{n}").touch()
        raise RuntimeError("deliberate failure of sample 1")
    return solve_sample(sweep_file, sample, values, out_dir, hours, data_dir)


def count_runs(sweep_file, sample, values, out_dir, hours, data_dir=None):
    """Solve normally and leave a `ran_<sample>` file beside the output folder."""
    (Path(out_dir).parent / f"ran_{sample}").touch()
    return solve_sample(sweep_file, sample, values, out_dir, hours, data_dir)
