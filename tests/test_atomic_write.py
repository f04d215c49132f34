"""Nothing half-written: a run killed (SIGKILL) during the solve or during the write leaves the
previous complete result folder, or none, never a partial one; the next run succeeds and removes
the hidden temporary folder the killed one left.

The write is killed through a small helper script run as a subprocess: it calls
`npvi_model.results_io.write_results` with a `_fsync_tree` that announces itself and sleeps, so
the kill lands after the files are in the temporary folder and before the rename.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from npvi_model.output_dirs import MARKER

ROOT = Path(__file__).resolve().parents[1]
NAME = "atomic"

SMALL = f"""\
name: {NAME}
years: [2025, 2030]
time: {{resolution: representative, typical_days: 2}}
"""
# same scenario name, the full default horizon at 12 days: a solve of ~50 s
LONG = f"name: {NAME}\n"

WRITER = textwrap.dedent("""\
    import json, sys, time
    from pathlib import Path
    from npvi_model import results_io

    source, out_dir, marker, sleep = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    ds = results_io.load_results(source)
    summary = results_io.load_summary(source)
    summary["marker"] = marker
    real_fsync = results_io._fsync_tree

    def slow_fsync(folder):
        real_fsync(folder)
        print("WRITING", folder, flush=True)
        time.sleep(float(sleep))

    results_io._fsync_tree = slow_fsync
    print("DONE", results_io.write_results(out_dir, ds, summary), flush=True)
""")


def npvi_run(scenario: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_complete(folder: Path) -> dict:
    """A complete result folder: results.nc, csv/ with tables, a parseable summary.json."""
    assert (folder / "results.nc").is_file() and (folder / "results.nc").stat().st_size > 0
    assert any((folder / "csv").glob("*.csv"))
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["scenario"] == NAME and summary["status"] == "optimal"
    return summary


def hidden(out: Path) -> list[Path]:
    """Hidden staging or old folders (npvi's marker file excepted)."""
    return sorted(p for p in out.iterdir() if p.name.startswith(".") and p.name != MARKER)


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A complete result folder of the small scenario (the 'previous run')."""
    base = tmp_path_factory.mktemp("atomic_src")
    scenario = base / "small.yaml"
    scenario.write_text(SMALL)
    proc = npvi_run(scenario, base / "out", "--hours", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = base / "out" / NAME
    assert_complete(folder)
    return folder


def start_writer(tmp_path: Path, source: Path, out: Path, marker: str, sleep: float):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen(
        [sys.executable, str(script), str(source), str(out), marker, str(sleep)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_writing(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()  # blocks until the helper is inside the write
    assert line.startswith("WRITING"), line + proc.stderr.read()
    tmp_folder = Path(line.split(maxsplit=1)[1].strip())
    assert (tmp_folder / "results.nc").is_file()  # the kill lands mid-write, files staged
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_kill_during_write_keeps_previous_folder(tmp_path, previous):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(previous, out / NAME)
    before = assert_complete(out / NAME)

    kill_when_writing(start_writer(tmp_path, previous, out, "new", sleep=120))
    after = assert_complete(out / NAME)  # the previous folder, untouched
    assert after == before and "marker" not in after
    leftovers = hidden(out)
    assert [p.name.startswith(f".{NAME}.tmp-") for p in leftovers] == [True], leftovers

    # the next write succeeds and removes the killed run's temporary folder
    proc = start_writer(tmp_path, previous, out, "rerun", sleep=0)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stdout + stderr
    assert assert_complete(out / NAME)["marker"] == "rerun"
    assert hidden(out) == []


def test_kill_during_first_write_leaves_no_folder(tmp_path, previous):
    out = tmp_path / "out"
    kill_when_writing(start_writer(tmp_path, previous, out, "new", sleep=120))
    assert not (out / NAME).exists()
    assert [p.name.startswith(f".{NAME}.tmp-") for p in hidden(out)] == [True]


def test_kill_during_solve_keeps_previous_folder(tmp_path, previous):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copytree(previous, out / NAME)
    before = assert_complete(out / NAME)
    scenario = tmp_path / "long.yaml"
    scenario.write_text(LONG)
    proc = subprocess.Popen(
        [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(9)  # in the solve (import + inputs + build take ~5 s, the solve ~50 s)
    assert proc.poll() is None, "the run ended before the kill"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert assert_complete(out / NAME) == before
    assert hidden(out) == []  # killed before the write began: nothing staged

    # a rerun (the small scenario, same name) replaces the folder cleanly
    small = tmp_path / "small.yaml"
    small.write_text(SMALL)
    rerun = npvi_run(small, out, "--hours", "2")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert_complete(out / NAME)
    assert hidden(out) == []
