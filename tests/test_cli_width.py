"""The comparison printed by `npvi compare` fits an 80-column terminal, without breaking names
mid-word, and `--wide` lifts the limit."""

from __future__ import annotations

from fake_results import make_three_paths
from rich.console import Console
from typer.testing import CliRunner

from npvi_model import analysis
from npvi_model.cli import app


def _printed(tmp_path, width: int) -> str:
    folders = make_three_paths(tmp_path)
    datasets = [analysis.load_results(f) for f in folders]
    # a long explanation for a missed target, to be wrapped under its table
    console = Console(record=True, width=width, force_terminal=False)
    analysis.print_comparison(analysis.comparison_tables(datasets), console)
    return console.export_text()


def test_compare_fits_80_columns(tmp_path):
    text = _printed(tmp_path, 80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    # names whole: cluster names in the legend, path names broken only after "_"
    assert "Noord-Nederland" in text and "Rotterdam-Moerdijk" in text
    assert "intermediates" in text and "import_" in text
    for title in ("Paths side by side", "Capacity against the policy targets", "No-regret"):
        assert title in text
    # the no-regret table leaves existing assets out: the fake runs build nothing new
    assert "existing assets left out): none" in text


def test_cli_compare_and_wide(tmp_path):
    folders = [str(f) for f in make_three_paths(tmp_path / "runs")]
    runner = CliRunner()
    narrow = runner.invoke(
        app, ["compare", *folders, "--out", str(tmp_path / "cmp")], env={"COLUMNS": "80"}
    )
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.output.splitlines()) <= 80
    wide = runner.invoke(
        app, ["compare", *folders, "--out", str(tmp_path / "cmp2"), "--wide"], env={"COLUMNS": "80"}
    )
    assert wide.exit_code == 0, wide.output
    assert (tmp_path / "cmp" / "fit_in_time.csv").is_file()
