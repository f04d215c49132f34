"""`npvi run --jobs N`: independent scenarios solved side by side in worker processes give the
same numbers as one after another; a failing scenario gives its exit code; Ctrl-C / SIGTERM
stops every worker and leaves nothing half-written (`parallel_runs.py`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import xarray as xr
from typer.testing import CliRunner

from npvi_model import parallel_runs
from npvi_model.cli import app
from npvi_model.output_dirs import MARKER

ROOT = Path(__file__).resolve().parents[1]


def small(tmp_path: Path, path: str, extra: str = "", years: str = "[2025, 2030]") -> Path:
    """A development path with two model years (solved at 1 representative day below)."""
    file = tmp_path / f"{path}.yaml"
    file.write_text(
        f"extends: {ROOT / 'scenarios' / path}.yaml\nname: small_{path}\nyears: {years}\n{extra}"
    )
    return file


def run(*args: str):
    return CliRunner().invoke(app, ["run", *args, "--allow-outside-extends"])


def test_side_by_side_gives_the_numbers_of_one_after_another(tmp_path):
    """Two paths with --jobs 1 and with --jobs 2 (every solve cold): every variable of
    results.nc equal bit for bit, summary.json equal but for the timings."""
    files = [str(small(tmp_path, p)) for p in ("domestic", "import_intermediates")]
    one = run(*files, "--hours", "1", "--jobs", "1", "--no-cache", "--out", str(tmp_path / "a"))
    assert one.exit_code == 0, one.output
    two = run(*files, "--hours", "1", "--jobs", "2", "--no-cache", "--out", str(tmp_path / "b"))
    assert two.exit_code == 0, two.output
    assert "solving 2 scenarios in 2 worker processes" in two.output
    assert "solved 1 of 2: domestic.yaml" in two.output
    assert "solved 2 of 2: import_intermediates.yaml" in two.output
    # each folder whole on its "solved" line, however long (no line break inside the path)
    for name in ("small_domestic", "small_import_intermediates"):
        folder = str(tmp_path / "b" / name)
        assert any(
            line.startswith("solved") and line.endswith(folder) for line in two.output.splitlines()
        )
    for name in ("small_domestic", "small_import_intermediates"):
        with (
            xr.open_dataset(tmp_path / "a" / name / "results.nc") as a,
            xr.open_dataset(tmp_path / "b" / name / "results.nc") as b,
        ):
            assert sorted(a.data_vars) == sorted(b.data_vars)
            for var in a.data_vars:
                assert np.array_equal(a[var].values, b[var].values, equal_nan=True), var
        summaries = [json.loads((tmp_path / d / name / "summary.json").read_text()) for d in "ab"]
        for summary in summaries:
            summary.pop("timing_s")
        assert summaries[0] == summaries[1]
        assert summaries[0]["solver"]["basis_cache"] == "off"


def test_a_failing_scenario_gives_its_exit_code_and_the_others_are_written(tmp_path):
    """One path cannot finish within 0.001 s: exit 3 with its file named; the other path
    solved side by side is written whole."""
    ok = small(tmp_path, "domestic")
    late = small(tmp_path, "reduced_base", "solver: {time_limit_s: 0.001}\n")
    out = tmp_path / "out"
    result = run(str(ok), str(late), "--hours", "1", "--jobs", "2", "--out", str(out))
    assert result.exit_code == 3, result.output
    assert "solver: time_limit" in result.output and "reduced_base.yaml" in result.output
    assert (out / "small_domestic" / "summary.json").is_file()
    assert not (out / "small_reduced_base").exists()


def test_a_warm_start_needs_one_after_another(tmp_path):
    """`solver.warm_start: true`: the scenarios are solved in order in this process (said)."""
    files = [
        str(small(tmp_path, p, "solver: {warm_start: true}\n", years="[2030]"))
        for p in ("domestic", "reduced_base")
    ]
    result = run(
        *files, "--hours", "1", "--jobs", "2", "--no-cache", "--out", str(tmp_path / "out")
    )
    assert result.exit_code == 0, result.output
    assert "solving the scenarios one after another" in " ".join(result.output.split())
    assert "worker processes" not in result.output
    summary = json.loads((tmp_path / "out" / "small_reduced_base" / "summary.json").read_text())
    assert summary["solver"]["warm_start"]


def test_a_path_started_from_another_paths_basis_gives_the_cold_answer(tmp_path):
    """`solver.warm_start_from`: import_intermediates waits for reduced_base (given after it)
    and starts from its optimal basis, in the worker that is free then (--jobs 2) or after it
    (--jobs 1); both give the results of every path solved cold (each variable of results.nc
    to 1e-6: one plan, one set of duals)."""
    names = ("domestic", "import_intermediates", "reduced_base")
    cold = [str(small(tmp_path, p, "solver: {warm_start_from: null}\n")) for p in names]
    result = run(*cold, "--hours", "1", "--no-cache", "--out", str(tmp_path / "cold"))
    assert result.exit_code == 0, result.output
    (tmp_path / "warm").mkdir()
    source = "solver: {warm_start_from: small_reduced_base}\n"
    warm = [
        str(small(tmp_path / "warm", p, source if p == "import_intermediates" else ""))
        for p in names
    ]
    for jobs in ("2", "1"):
        out = tmp_path / f"warm_{jobs}"
        result = run(*warm, "--hours", "1", "--jobs", jobs, "--no-cache", "--out", str(out))
        assert result.exit_code == 0, result.output
        solved = [
            line.split(": ")[1].split()[0]
            for line in result.output.splitlines()
            if line.startswith("solved")
        ]
        assert solved.index("reduced_base.yaml") < solved.index("import_intermediates.yaml")
        for name in (f"small_{p}" for p in names):
            summary = json.loads((out / name / "summary.json").read_text())
            assert summary["solver"]["warm_start"] == (name == "small_import_intermediates")
            with (
                xr.open_dataset(tmp_path / "cold" / name / "results.nc") as a,
                xr.open_dataset(out / name / "results.nc") as b,
            ):
                for var in a.data_vars:
                    x, y = a[var].values, b[var].values
                    if np.issubdtype(x.dtype, np.number):
                        bad = ~np.isclose(x, y, rtol=1e-6, atol=1e-6, equal_nan=True)
                        assert not bad.any(), (var, x[bad][:5], y[bad][:5], np.argwhere(bad)[:5])


def test_a_cycle_of_warm_starts_starts_cold():
    """a from b, b from a, c from a: a and b start cold (a cycle); c after a."""
    from types import SimpleNamespace

    from npvi_model.cli_run import solving_order, starts_from

    def scenario(name, source):
        solver = SimpleNamespace(warm_start_from=source)
        return SimpleNamespace(scenario=SimpleNamespace(name=name, solver=solver))

    resolved = [scenario("c", "a"), scenario("a", "b"), scenario("b", "a")]
    assert starts_from(resolved) == [1, None, None]
    assert solving_order([1, None, None]) == [1, 0, 2]


def test_default_jobs_capped_by_cores_scenarios_and_memory(monkeypatch):
    """Cores 2 -> at most 2; 3 scenarios on 8 cores -> 3; 1.5 GB free at 1 GB per reference
    job -> 1; at 24 representative days (2 GB a job) 5 GB free -> 2."""
    monkeypatch.setattr(parallel_runs, "available_memory_gb", lambda: 64.0)
    monkeypatch.setattr(parallel_runs, "usable_cores", lambda: 2)
    assert parallel_runs.default_jobs(3) == 2
    monkeypatch.setattr(parallel_runs, "usable_cores", lambda: 8)
    assert parallel_runs.default_jobs(3) == 3
    monkeypatch.setattr(parallel_runs, "available_memory_gb", lambda: 1.5)
    assert parallel_runs.default_jobs(3) == 1
    monkeypatch.setattr(parallel_runs, "available_memory_gb", lambda: 5.0)
    assert parallel_runs.default_jobs(3, slices=24 * 24) == 2
    monkeypatch.setattr(parallel_runs, "available_memory_gb", lambda: 0.2)
    assert parallel_runs.default_jobs(3) == 1  # never fewer than one


def test_sigterm_stops_every_worker_and_leaves_nothing(tmp_path):
    """Two paths at the reference resolution solved side by side (each solve takes ~50 s);
    SIGTERM once both are under way: exit 143 with the message, no result folder, no staging
    folder, and the workers gone."""
    files = [
        str(small(tmp_path, p, years="[2025, 2030, 2035, 2040]"))
        for p in ("domestic", "import_intermediates")
    ]
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "npvi_model.cli", "run", *files, "--jobs", "2", "--no-cache"]
        + ["--allow-outside-extends", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(12)  # validation, worker start, inputs and build: a few seconds
        assert proc.poll() is None, "the run ended before it could be stopped"
        workers = _descendants(proc.pid)
        assert workers, "no worker processes"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143, stdout + stderr
    assert "terminated (SIGTERM)" in stderr and "Traceback" not in stdout + stderr
    assert not out.exists() or sorted(p.name for p in out.iterdir()) in ([], [MARKER])
    time.sleep(2)
    assert not [pid for pid in workers if _running(pid)], "worker processes left running"


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (Linux /proc)."""
    out = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith("PPid:"):
                    out[int(status.parent.name)] = int(line.split()[1])
        except (OSError, ValueError):
            continue
    return out


def _descendants(pid: int) -> list[int]:
    """Children, grandchildren, ... of `pid` (the forkserver's workers are grandchildren)."""
    parents, found, todo = _parents(), [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        todo += kids
    return found


def _running(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
