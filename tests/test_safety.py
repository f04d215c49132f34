"""Scenario files are untrusted input: YAML tags never construct Python objects, strings are
never evaluated, an alias bomb is refused quickly, and `extends` stays inside the scenario
folder unless the user passes --allow-outside-extends.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from npvi_model.cli import app
from npvi_model.pipeline import run_scenario
from npvi_model.results_io import load_results, load_summary

ROOT = Path(__file__).resolve().parents[1]

TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    '!!python/object/new:os.system ["touch {marker}"]',
    "!!python/name:os.system",
]


def validate(*args: str):
    result = CliRunner().invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("tag", TAGS, ids=["apply_os_system", "apply_check_call", "new", "name"])
@pytest.mark.parametrize("where", ["top", "nested"])
def test_python_tags_rejected_and_not_executed(tmp_path, tag, where):
    marker = tmp_path / "hacked"
    value = tag.format(marker=marker)
    text = f"name: tagged\ndescription: {value}\n" if where == "nested" else f"{value}\n"
    path = tmp_path / "tagged.yaml"
    path.write_text(text)
    result = validate(str(path))
    assert result.exit_code == 2, result.output
    assert "tagged.yaml" in result.output and "broken YAML" in result.output
    assert "python/" in result.output  # the message names the tag it refused
    assert "Traceback" not in result.output
    assert not marker.exists(), "the YAML tag was executed"


def test_python_tag_rejected_by_a_real_process(tmp_path):
    marker = tmp_path / "hacked"
    path = tmp_path / "evil.yaml"
    path.write_text(f'name: evil\nx: !!python/object/apply:os.system ["echo hacked > {marker}"]\n')
    proc = subprocess.run(
        [sys.executable, "-m", "npvi_model.cli", "run", str(path), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "hacked" not in proc.stdout and not marker.exists()
    assert not (tmp_path / "out").exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    """A few hundred bytes of nested YAML aliases expand to 9^9 values: refused, not expanded."""
    lines = ["l0: &l0 {" + ", ".join(f"k{i}: 1" for i in range(9)) + "}"]
    for level in range(1, 9):
        refs = ", ".join(f"k{i}: *l{level - 1}" for i in range(9))
        lines.append(f"l{level}: &l{level} {{{refs}}}")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 2000
    start = time.perf_counter()
    result = validate(str(path))
    assert time.perf_counter() - start < 10
    assert result.exit_code == 2, result.output
    assert "bomb.yaml" in result.output and "aliases" in result.output


def test_scenario_strings_are_never_evaluated(tmp_path, monkeypatch):
    marker = tmp_path / "evaluated"
    description = (
        f"__import__('os').system('touch {marker}') {{0.__class__}} "
        "${HOME} $(touch x) [bold]not markup[/bold] {{ jinja }} %s"
    )
    path = tmp_path / "strings.yaml"
    path.write_text(
        "name: strings\n"
        f"description: {json.dumps(description)}\n"
        "years: [2025, 2030]\n"
        "time: {resolution: representative, typical_days: 2}\n"
    )
    monkeypatch.chdir(tmp_path)
    folder = run_scenario(path, tmp_path / "out", hours="2")
    attrs = load_results(folder).attrs
    assert attrs["description"] == description  # round-trips as text, byte for byte
    assert json.loads(attrs["resolved_scenario"])["description"] == description
    assert load_summary(folder)["resolved_scenario"]["description"] == description
    assert not marker.exists() and not (tmp_path / "x").exists()


def _outside_layout(tmp_path: Path) -> Path:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "parent.yaml").write_text("name: parent\nyears: [2025, 2030]\n")
    (tmp_path / "scenarios").mkdir()
    child = tmp_path / "scenarios" / "child.yaml"
    child.write_text("extends: ../shared/parent.yaml\nname: child\n")
    return child


def test_extends_cannot_escape_without_the_flag(tmp_path):
    child = _outside_layout(tmp_path)
    refused = validate(str(child))
    assert refused.exit_code == 2, refused.output
    assert "child.yaml" in refused.output and "points outside the scenario folder" in refused.output
    allowed = validate(str(child), "--allow-outside-extends")
    assert allowed.exit_code == 0, allowed.output


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "../../../../../../../../etc/passwd", "~/.ssh/id_rsa"]
)
def test_extends_to_system_files_refused(tmp_path, target):
    path = tmp_path / "sneaky.yaml"
    path.write_text(f"extends: {target}\n")
    result = validate(str(path))
    assert result.exit_code == 2, result.output
    assert "sneaky.yaml" in result.output
    assert "points outside" in result.output or "file not found" in result.output
    assert "root:" not in result.output  # the file's content is never echoed


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    child = _outside_layout(tmp_path)
    link = tmp_path / "scenarios" / "parent_link.yaml"
    link.symlink_to(tmp_path / "shared" / "parent.yaml")
    child.write_text("extends: parent_link.yaml\nname: child\n")
    result = validate(str(child))
    assert result.exit_code == 2, result.output
    assert "points outside" in result.output
