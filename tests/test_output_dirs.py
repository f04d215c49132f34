"""Output folders never cost a user a file (`npvi_model.output_dirs`): dangerous `--out` values
are refused before anything is written, only npvi-made folders are replaced, and concurrent
writers into one folder never crash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from npvi_model.errors import InputError
from npvi_model.output_dirs import (
    MARKER,
    check_output_dir,
    check_run_parent,
    ensure_runs_dir,
    foreign_entries,
    npvi_output_dir,
    read_marker,
)

ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders and links): equal snapshots
    mean nothing was added, removed, moved or changed."""
    out: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(folder))
            out[rel] = None if path.is_dir() or path.is_symlink() else path.read_bytes()
    return out


def make_npvi_folder(path: Path, kind: str, files: dict[str, str]) -> Path:
    with npvi_output_dir(path, kind) as staging:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text)
    return path


def refused(out, kind="comparison", **kwargs) -> str:
    with pytest.raises(InputError) as info:
        check_output_dir(out, kind, **kwargs)
    (problem,) = info.value.problems
    assert problem.where == "--out"
    return str(problem)


# --------------------------------------------------------------------------------------------
# the dangerous --out cases of the issue


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    """A user's folder: an input result folder, notes, and the current folder set to it."""
    (tmp_path / "runs" / "domestic").mkdir(parents=True)
    (tmp_path / "runs" / "domestic" / "results.nc").write_bytes(b"not really")
    (tmp_path / "notes.md").write_text("my notes")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dot_is_refused(workspace):
    assert "current folder" in refused(".", inputs=[workspace / "runs" / "domestic"])


def test_parent_of_an_input_is_refused_even_with_force(workspace):
    (workspace / "runs" / MARKER).write_text(json.dumps({"tool": "npvi-model", "kind": "runs"}))
    message = refused("runs", inputs=["runs/domestic"], force=True)
    assert "holds the input" in message


def test_folder_inside_an_input_is_refused(workspace):
    assert "lies inside the input" in refused("runs/domestic/cmp", inputs=["runs/domestic"])


def test_a_file_is_refused(workspace):
    assert "is a file" in refused("notes.md")


def test_a_folder_under_a_file_is_refused(workspace):
    assert "sits under a file" in refused("notes.md/out")


def test_root_is_refused(workspace):
    assert "root or home" in refused("/", force=True)


def test_home_is_refused(workspace):
    assert "root or home" in refused(Path.home(), force=True)


def test_project_root_is_refused(workspace):
    """The project holds no marker: never replaced, whatever the flags."""
    assert "not made by npvi" in refused(ROOT, force=True)


def test_symlink_is_refused_even_to_an_npvi_folder(workspace):
    make_npvi_folder(workspace / "cmp", "comparison", {"a.csv": "1"})
    (workspace / "link").symlink_to(workspace / "cmp")
    assert "symbolic link" in refused("link")


def test_existing_user_folder_is_refused(workspace):
    (workspace / "mine").mkdir()
    (workspace / "mine" / "data.csv").write_text("precious")
    assert "not made by npvi" in refused("mine", force=True)


def test_refusals_change_nothing(workspace):
    before = snapshot(workspace)
    for out in (".", "/", "notes.md", "notes.md/x", "runs", ROOT):
        writer = npvi_output_dir(out, "comparison", inputs=["runs/domestic"])
        with pytest.raises(InputError), writer as staging:
            (staging / "x.csv").write_text("x")  # pragma: no cover - never reached
    assert snapshot(workspace) == before


# --------------------------------------------------------------------------------------------
# what may be replaced


def test_new_folder_gets_a_marker_listing_its_files(tmp_path):
    out = make_npvi_folder(tmp_path / "rep", "report", {"r.html": "x", "figures/a.png": "p"})
    marker = read_marker(out)
    assert marker["tool"] == "npvi-model" and marker["kind"] == "report"
    assert marker["files"] == ["figures/a.png", "r.html"]
    assert sorted(os.listdir(tmp_path)) == ["rep"]  # no staging left beside it


def test_same_kind_is_replaced_whole(tmp_path):
    out = make_npvi_folder(tmp_path / "cmp", "comparison", {"old.csv": "1"})
    make_npvi_folder(out, "comparison", {"new.csv": "2"})
    assert sorted(os.listdir(out)) == [MARKER, "new.csv"]
    assert sorted(os.listdir(tmp_path)) == ["cmp"]


def test_empty_user_folder_may_be_used(tmp_path):
    (tmp_path / "empty").mkdir()
    make_npvi_folder(tmp_path / "empty", "report", {"r.html": "x"})
    assert (tmp_path / "empty" / "r.html").read_text() == "x"


def test_other_kind_needs_force(tmp_path):
    out = make_npvi_folder(tmp_path / "x", "scenario", {"results.nc": "1"})
    assert "pass --force" in refused(out, "report")
    check_output_dir(out, "report", force=True)  # allowed with --force


def test_user_file_in_npvi_folder_blocks_replacement_even_with_force(tmp_path):
    out = make_npvi_folder(tmp_path / "rep", "report", {"r.html": "x"})
    (out / "figures").mkdir()
    (out / "figures" / "mine.png").write_text("user's")
    message = refused(out, "report", force=True)
    assert "figures/mine.png" in message and "did not write" in message
    assert foreign_entries(out) == ["figures/mine.png"]


def test_output_of_an_older_npvi_is_refused_with_a_hint(tmp_path):
    """Result folders from before the marker are not replaced either; the message says so."""
    old = tmp_path / "results"
    (old / "domestic").mkdir(parents=True)
    (old / "domestic" / "results.nc").write_bytes(b"old")
    with pytest.raises(InputError, match="npvi version without the marker"):
        check_run_parent(old)
    assert "npvi version without the marker" in refused(old / "domestic", "scenario")
    assert (old / "domestic" / "results.nc").read_bytes() == b"old"


def test_forged_marker_of_another_tool_is_not_npvi(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / MARKER).write_text(json.dumps({"tool": "other", "kind": "report"}))
    (tmp_path / "x" / "y").write_text("y")
    assert "not made by npvi" in refused(tmp_path / "x", "report")
    (tmp_path / "x" / MARKER).write_text("{not json")
    assert "not made by npvi" in refused(tmp_path / "x", "report")


def test_error_inside_removes_only_the_staging_folder(tmp_path):
    out = make_npvi_folder(tmp_path / "cmp", "comparison", {"keep.csv": "old"})
    before = snapshot(tmp_path)
    with pytest.raises(KeyboardInterrupt), npvi_output_dir(out, "comparison") as staging:
        (staging / "half.csv").write_text("half")
        raise KeyboardInterrupt
    assert snapshot(tmp_path) == before


def test_user_file_added_during_the_work_blocks_the_publish(tmp_path):
    """The folder is checked again when the result is published: a file the user saved into
    it meanwhile stops the replacement, and both the file and the folder stay."""
    out = make_npvi_folder(tmp_path / "cmp", "comparison", {"a.csv": "old"})
    with (
        pytest.raises(InputError, match=r"did not write \(notes.md\)"),
        npvi_output_dir(out, "comparison") as staging,
    ):
        (staging / "a.csv").write_text("new")
        (out / "notes.md").write_text("written while npvi worked")
    assert (out / "notes.md").read_text() == "written while npvi worked"
    assert (out / "a.csv").read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["cmp"]  # staging removed, nothing moved aside


def test_runs_folder_adopts_only_npvi_content(tmp_path):
    runs = tmp_path / "runs"
    make_npvi_folder(runs / "a", "scenario", {"results.nc": "1"})
    assert read_marker(runs) is None
    ensure_runs_dir(runs)  # only npvi folders inside: adopted
    assert read_marker(runs)["kind"] == "runs"
    (runs / "notes.md").write_text("mine")
    check_run_parent(runs)  # an npvi runs folder: written into, never replaced
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.md").write_text("mine")
    with pytest.raises(InputError, match="not made by npvi"):
        ensure_runs_dir(other)
    assert os.listdir(other) == ["notes.md"]
    cmp = make_npvi_folder(tmp_path / "cmp", "comparison", {"a.csv": "1"})
    with pytest.raises(InputError, match="not the result folders"):
        ensure_runs_dir(cmp)


# --------------------------------------------------------------------------------------------
# concurrency: 8 runs x 4 rounds write the same result folder

WRITER = textwrap.dedent("""\
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    from fake_results import make_results
    from npvi_model.results_io import write_results

    out, signals, me = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    ds = make_results("shared")
    for round_ in range(4):
        while not (signals / f"go{round_}").exists():
            time.sleep(0.002)
        writer = f"{round_}-{me}"
        ds.attrs["writer"] = writer
        summary = {"scenario": "shared", "writer": writer}
        print(write_results(out, ds, summary), flush=True)  # where the result went
        (signals / f"done{round_}-{me}").write_text("")
""")


def test_eight_runs_four_rounds_into_one_folder(tmp_path):
    """The write stage of `npvi run` (results_io.write_results) in 8 processes at once, 4
    rounds: no writer fails, each says where its result went, and after each round the folder
    is one writer's complete result (NetCDF and summary from the same writer), with no staging
    or moved-aside folders left."""
    import xarray as xr

    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    signals = tmp_path / "signals"
    signals.mkdir()
    out = tmp_path / "runs"
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(out), str(signals), str(i), str(ROOT / "tests")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    try:
        for round_ in range(4):
            (signals / f"go{round_}").write_text("")
            deadline = time.monotonic() + 120
            while len(list(signals.glob(f"done{round_}-*"))) < 8:
                crashed = [p for p in procs if p.poll() not in (None, 0)]
                assert not crashed, crashed[0].communicate()[1]
                assert time.monotonic() < deadline, "writers hung"
                time.sleep(0.01)
            folder = out / "shared"
            summary = json.loads((folder / "summary.json").read_text())
            assert summary["writer"].startswith(f"{round_}-")
            with xr.open_dataset(folder / "results.nc") as ds:
                assert ds.attrs["writer"] == summary["writer"], "the folder mixes two writers"
            assert sorted(os.listdir(out)) == [MARKER, "shared"], "staging or old folders left"
    finally:
        outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert stdout.split() == [str(out.resolve() / "shared")] * 4


# --------------------------------------------------------------------------------------------
# the commands


def _cli(*args: str):
    from typer.testing import CliRunner

    from npvi_model.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture()
def results_folder(tmp_path, monkeypatch):
    """A user's folder with two result folders and other files, as the current folder."""
    from fake_results import make_results, write_results

    write_results(make_results("domestic"), tmp_path / "runs")
    write_results(make_results("reduced_base"), tmp_path / "runs")
    (tmp_path / "notes.md").write_text("my notes")
    (tmp_path / "scenario.yaml").write_text("name: mine\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["compare", "report"])
def test_compare_out_dot_exits_2_and_leaves_every_file(results_folder, command):
    """`npvi compare results/domestic --out .` once wiped the current folder."""
    before = snapshot(results_folder)
    for force in ([], ["--force"]):
        result = _cli(command, "runs/domestic", "runs/reduced_base", "--out", ".", *force)
        assert result.exit_code == 2, result.output
        assert "[--out]" in result.output and "current folder" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert snapshot(results_folder) == before


@pytest.mark.parametrize(
    "out, message",
    [
        ("runs", "holds the input"),
        ("runs/domestic", "holds the input"),
        ("notes.md", "is a file"),
        ("notes.md/report", "sits under a file"),
        ("/", "root or home"),
    ],
)
def test_report_dangerous_out_exits_2_and_changes_nothing(results_folder, out, message):
    before = snapshot(results_folder)
    result = _cli("report", "runs/domestic", "--out", out, "--force")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert snapshot(results_folder) == before


def test_compare_writes_then_rewrites_its_own_folder(results_folder):
    for _ in range(2):
        result = _cli("compare", "runs/domestic", "runs/reduced_base", "--out", "cmp")
        assert result.exit_code == 0, result.output
    assert read_marker(results_folder / "cmp")["kind"] == "comparison"
    result = _cli("report", "runs/domestic", "--out", "cmp")  # another kind: needs --force
    assert result.exit_code == 2 and "pass --force" in result.output


def test_run_checks_out_before_any_solve(tmp_path, monkeypatch):
    """A bad --out once failed after the whole solve; now it fails before it starts."""
    import npvi_model.pipeline as pipeline

    def no_solve(*args, **kwargs):
        raise AssertionError("the solve started")

    monkeypatch.setattr(pipeline, "solve_scenario", no_solve)
    scenario = tmp_path / "small.yaml"
    scenario.write_text("name: small\nyears: [2025, 2030]\n")
    (tmp_path / "a_file").write_text("x")
    user = tmp_path / "user"
    user.mkdir()
    (user / "data.csv").write_text("precious")
    runs = tmp_path / "runs"
    make_npvi_folder(runs / "other", "scenario", {"results.nc": "1"})
    ensure_runs_dir(runs)
    (runs / "small").mkdir()
    (runs / "small" / "mine.txt").write_text("user's")
    before = snapshot(tmp_path)
    for out, message in (
        (tmp_path / "a_file" / "out", "sits under a file"),
        (user, "not made by npvi"),
        (runs, "not made by npvi"),  # runs/small is the user's
    ):
        result = _cli("run", str(scenario), "--out", str(out), "--hours", "2")
        assert result.exit_code == 2, result.output
        assert message in result.output
        with pytest.raises(InputError, match=message):
            pipeline.run_scenario(scenario, out, hours="2")
    assert snapshot(tmp_path) == before


SIGTERM_RUN = textwrap.dedent("""\
    import sys, time
    from npvi_model import cli, results_io

    real = results_io._fsync_tree

    def slow(folder):
        real(folder)
        print("WRITING", folder, flush=True)
        time.sleep(60)

    results_io._fsync_tree = slow
    sys.argv = ["npvi", "run", sys.argv[1], "--out", sys.argv[2], "--hours", "2"]
    cli.main()
""")


def test_the_npvi_command_installs_the_signal_handling():
    """The `npvi` console script enters through `cli.main` (SIGTERM -> exit 143, Ctrl-C ->
    130, a message either way), not through the bare typer app."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["npvi"] == "npvi_model.cli:main"


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    """SIGTERM while the result folder is being written: a message, exit 143, and no staging
    folder (or anything else) left behind."""
    import signal

    scenario = tmp_path / "small.yaml"
    scenario.write_text(
        "name: small\nyears: [2025, 2030]\ntime: {resolution: representative, typical_days: 2}\n"
    )
    script = tmp_path / "run.py"
    script.write_text(SIGTERM_RUN)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(scenario), str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = ""
    while not line.startswith("WRITING") and proc.poll() is None:
        line = proc.stdout.readline()
    assert line.startswith("WRITING"), proc.stderr.read()
    staging = Path(line.split(maxsplit=1)[1].strip())
    assert staging.is_dir()
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stdout + stderr
    assert "terminated (SIGTERM)" in stderr and "Traceback" not in stdout + stderr
    assert not staging.exists()
    assert sorted(os.listdir(out)) == [MARKER]  # the run folder npvi made, nothing in it
