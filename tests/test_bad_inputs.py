"""The bad-input corpus (tests/bad_inputs/cases.yaml): every case must end with exit code 2, one
message line naming the file, key or row and value, no Python traceback, and, for `npvi run`,
no output folder.

`npvi validate` runs in-process (typer's CliRunner) to keep the corpus fast; the cases marked
`run: true` and the command-line cases also run `npvi run` as a real subprocess, so the exit
code and stderr are those a user sees.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from npvi_model.cli import app
from npvi_model.scenario import MAX_SCENARIO_BYTES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
SCENARIOS = CORPUS / "scenarios"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["cases"]
BY_ID = {case["id"]: case for case in CASES}
RUN_CASES = [c for c in CASES if c.get("run")]


# --------------------------------------------------------------------------------------------
# preparing a case


def _rows(df: pd.DataFrame, where: dict) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for column, text in where.items():
        assert column in df.columns, f"manifest selector: no column {column!r}"
        mask &= df[column] == str(text)
    return mask


def apply_edit(data_dir: Path, file: str, edit: dict) -> None:
    """Apply one manifest edit to `data_dir/file` (a copy of the project's data)."""
    path = data_dir / file
    op = edit["op"]
    if op == "delete":
        path.unlink()
        return
    if op == "truncate":
        path.write_bytes(b"")
        return
    if op == "replace":
        shutil.copyfile(CORPUS / "data" / edit["with"], path)
        return
    if op == "make_folder":  # a folder where the file should be
        path.unlink()
        path.mkdir()
        (path / "inside.csv").write_text("hour_of_year\n0\n")
        return
    if op == "symlink":  # e.g. to /dev/zero, which never ends
        path.unlink()
        path.symlink_to(edit["to"])
        return
    if op == "grow":  # a sparse file of the given size: no disk used, no memory if refused
        with open(path, "r+b") as handle:
            handle.truncate(int(edit["bytes"]))
        return
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    where = edit.get("where", {})
    mask = _rows(df, where)
    if op not in ("rename_column", "drop_column"):
        assert mask.any() or (op == "drop_rows" and not where), f"{file}: no row matches {where}"
    if op == "set":
        assert edit["column"] in df.columns
        df.loc[mask, edit["column"]] = edit["value"]
    elif op == "drop_rows":
        df = df[~mask]
    elif op == "append_row":
        row = df[mask].iloc[[0]].copy()
        for column, value in edit["with"].items():
            row[column] = str(value)
        df = pd.concat([df, row], ignore_index=True)
    elif op == "duplicate_row":
        i = df.index[mask][0]
        df = pd.concat([df.loc[:i], df.loc[[i]], df.loc[i + 1 :]], ignore_index=True)
    elif op == "swap_rows":
        a = df.index[mask][0]
        b = df.index[_rows(df, edit["with"])][0]
        df.loc[a], df.loc[b] = df.loc[b].copy(), df.loc[a].copy()
    elif op == "rename_column":
        df = df.rename(columns={edit["column"]: edit["value"]})
    elif op == "drop_column":
        df = df.drop(columns=[edit["column"]])
    else:  # pragma: no cover - a typo in the manifest
        raise AssertionError(f"unknown edit op {op!r}")
    df.to_csv(path, index=False, encoding=edit.get("encoding", "utf-8"))


def generate(kind: str, path: Path) -> None:
    """Files that are not committed: a > 1 MB scenario, one that is not UTF-8, one nested 600
    levels deep, and the head of an `extends` chain of 2,000 files."""
    if kind == "large":
        filler = "# " + "x" * 98 + "\n"
        text = "name: large\n" + filler * (MAX_SCENARIO_BYTES // len(filler) + 10)
        path.write_text(text, encoding="utf-8")
        assert path.stat().st_size > 1_000_000
    elif kind == "non_utf8":
        path.write_bytes(b"# a scenario saved as Latin-1, not UTF-8\ndescription: caf\xe9\n")
    elif kind == "deep":
        depth = 600
        path.write_text("name: deep\nparameters: " + "{a: " * depth + "1" + "}" * depth + "\n")
    elif kind == "extends_chain":
        n = 2000
        for i in range(n):
            link = f"extends: chain_{i + 1}.yaml\n" if i + 1 < n else "name: chain\n"
            (path.parent / f"chain_{i}.yaml").write_text(link)
        shutil.copyfile(path.parent / "chain_0.yaml", path)
    else:  # pragma: no cover
        raise AssertionError(f"unknown generator {kind!r}")


def make_result_folder(kind: str, folder: Path) -> None:
    """A result folder whose results.nc is truncated, empty or some other NetCDF file."""
    import xarray as xr
    from fake_results import make_results, write_results

    if kind == "foreign":
        folder.mkdir(parents=True)
        xr.Dataset({"x": ("t", [1.0, 2.0])}).to_netcdf(folder / "results.nc", engine="netcdf4")
        return
    write_results(make_results("domestic"), folder.parent, folder.name)
    nc = folder / "results.nc"
    size = nc.stat().st_size
    with open(nc, "r+b") as handle:
        handle.truncate(0 if kind == "empty" else size // 2)


def case_args(case: dict, tmp_path: Path) -> list[str]:
    """The command-line arguments (after the command) of a case; prepares files in tmp_path."""
    extra = [str(a) for a in case.get("args", [])]
    if case["kind"] == "results":
        folders = []
        for name in case["files"]:
            make_result_folder(case["generate"], tmp_path / "runs" / name)
            folders.append(str(tmp_path / "runs" / name))
        return [*folders, *extra]
    if case["kind"] == "data":
        data_dir = tmp_path / "data"
        shutil.copytree(ROOT / "data", data_dir)
        apply_edit(data_dir, case["files"][0], case["edit"])
        return ["scenarios/base.yaml", "--data-dir", str(data_dir), *extra]
    paths = []
    for name in case["files"]:
        if case.get("generate"):
            path = tmp_path / name
            generate(case["generate"], path)
        else:
            path = SCENARIOS / name
        paths.append(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    return [*paths, *extra]


def check_output(case: dict, code: int, output: str) -> None:
    assert "Traceback" not in output, output
    assert code == case.get("exit", 2), f"exit {code}, expected {case.get('exit', 2)}:\n{output}"
    missing = [f for f in case["expect"] if str(f) not in output]
    assert not missing, f"fragments {missing} not in the output:\n{output}"


# --------------------------------------------------------------------------------------------
# the manifest itself


def test_manifest_is_complete():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 30
    assert len(RUN_CASES) >= 10
    for case in CASES:
        assert case["kind"] in ("scenario", "data", "results"), case["id"]
        assert case["expect"], case["id"]
        if case["kind"] == "data":
            assert (ROOT / "data" / case["files"][0]).is_file(), case["id"]
        elif (
            case["kind"] == "scenario"
            and not case.get("generate")
            and (case["id"] != "scenario_file_missing")
        ):
            for name in case["files"]:
                assert (SCENARIOS / name).is_file(), (case["id"], name)
    # every committed scenario file is exercised by some case (directly or as a parent)
    used = {n for c in CASES if c["kind"] == "scenario" for n in c["files"]}
    parents = {
        "_parent.yaml",
        "typo_parent.yaml",
        "cycle_b.yaml",
        "broken_syntax.yaml",
        "ov_parent.yaml",
        "year_key_parent.yaml",
    }
    on_disk = {str(p.relative_to(SCENARIOS)) for p in SCENARIOS.rglob("*.yaml")}
    assert on_disk - used - parents == set()


def test_apply_edit_changes_the_file(tmp_path):
    """The edit helper does what the manifest says (else data cases could pass vacuously)."""
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    before = (data_dir / "prices.csv").read_text()
    apply_edit(data_dir, "prices.csv", BY_ID["data_years_out_of_order"]["edit"])
    after = (data_dir / "prices.csv").read_text().splitlines()
    assert after[11].startswith("natural_gas,2050") and after[12].startswith("natural_gas,2030")
    assert sorted(after) == sorted(before.splitlines())


# --------------------------------------------------------------------------------------------
# every case in-process: `npvi validate`, or `npvi run` for the command-line cases


def out_option(case: dict, tmp_path: Path) -> Path:
    """The `--out` of a case: a fresh folder, or (`out: under_file`) a folder under a file."""
    if case.get("out") == "under_file":
        (tmp_path / "a_file").write_text("not a folder")
        return tmp_path / "a_file" / "out"
    return tmp_path / "out"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_case(case, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    command = case.get("command", "validate")
    out = out_option(case, tmp_path)
    args = [command, *case_args(case, tmp_path)]
    if command != "validate":
        args += ["--out", str(out)]
    result = CliRunner().invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"uncaught exception (a user would see a traceback):\n{tb}")
    check_output(case, result.exit_code, result.output)
    assert not out.exists(), f"an output folder was created: {list(out.rglob('*'))}"
    if case["kind"] == "results":  # compare and report leave the input folders as they were
        assert sorted(p.name for p in tmp_path.iterdir()) == ["runs"]


# --------------------------------------------------------------------------------------------
# a subset through `npvi run` (real subprocess): fails before anything is written


@pytest.mark.parametrize("case", RUN_CASES, ids=lambda c: c["id"])
def test_run_fails_before_writing(case, tmp_path):
    out = out_option(case, tmp_path)
    args = case_args(case, tmp_path)
    if "--hours" not in args:
        args += ["--hours", "2"]
    proc = subprocess.run(
        [sys.executable, "-m", "npvi_model.cli", "run", *args, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    check_output(case, proc.returncode, proc.stdout + proc.stderr)
    assert case["expect"][0] in proc.stderr, "problems go to stderr"
    assert not out.exists(), f"an output folder was created: {list(out.rglob('*'))}"


# --------------------------------------------------------------------------------------------
# Windows line endings and a byte-order mark simply work


def test_crlf_and_bom_inputs_validate(tmp_path, monkeypatch):
    scen = tmp_path / "scenarios"
    scen.mkdir()
    for name in ("base.yaml", "domestic.yaml"):
        text = (ROOT / "scenarios" / name).read_text(encoding="utf-8")
        (scen / name).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        assert b"\r\n" in (scen / name).read_bytes()
    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    for name in ("prices.csv", "demand_baseline.csv", "timeseries/nl_wind_offshore_cf_hourly.csv"):
        raw = (data_dir / name).read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        (data_dir / name).write_bytes(raw)
    clusters = data_dir / "clusters.csv"
    clusters.write_bytes(b"\xef\xbb\xbf" + clusters.read_bytes())  # UTF-8 BOM (Excel)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        ["validate", "scenarios/base.yaml", "scenarios/domestic.yaml", "--data-dir", str(data_dir)],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert result.output.count("ok ") == 2


def test_crlf_data_hashes_like_lf(tmp_path):
    """A CRLF copy of the data is the same input: the same data hash (runs are comparable)."""
    from npvi_model.data_io import load_tables

    data_dir = tmp_path / "data"
    shutil.copytree(ROOT / "data", data_dir)
    raw = (data_dir / "prices.csv").read_bytes()
    (data_dir / "prices.csv").write_bytes(raw.replace(b"\n", b"\r\n"))
    assert load_tables(data_dir)[1] == load_tables(ROOT / "data")[1]
