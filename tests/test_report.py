"""The report: figures as PNG and SVG, an escaped self-contained HTML, and atomic writing."""

from __future__ import annotations

import os

import pytest
from fake_results import make_results, write_results

from npvi_model import report
from npvi_model.errors import InputError
from npvi_model.output_dirs import MARKER, npvi_output_dir

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def runs(tmp_path):
    """Two small runs; the second one's scenario name is a script tag (its folder is 'evil')."""
    a = make_results("domestic")
    a["limit_marginal_value"].loc[dict(limit="grid_connection:CH")] = 1.0e5
    b = make_results(EVIL, description=f"desc {EVIL}")
    b["capacity"].loc[dict(technology="electrolyser")] = 0.5
    return [write_results(a, tmp_path / "runs"), write_results(b, tmp_path / "runs", "evil")]


def test_report_writes_figures_and_escaped_html(runs, tmp_path):
    out = tmp_path / "report"
    html_path = report.build_report(runs, out)
    assert html_path == out.resolve() / "report.html"
    figures = out / "figures"
    pngs = sorted(p.stem for p in figures.glob("*.png"))
    svgs = sorted(p.stem for p in figures.glob("*.svg"))
    assert pngs == svgs
    # per run: 3 supply + access + bottlenecks; shared: capacity, emissions, paths, no-regret
    assert len(pngs) == 2 * 5 + 4
    for stem in ("capacity_vs_targets", "emissions", "path_comparison", "access_domestic"):
        assert stem in pngs
    assert (figures / "emissions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (figures / "emissions.svg").read_bytes()[:1000]
    text = html_path.read_text(encoding="utf-8")
    assert EVIL not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower()
    assert text.count('src="data:image/png;base64,') == len(pngs)
    for term in ("netcongestie", "vollooprisico", "No-regret"):
        assert term in text
    assert sorted(os.listdir(tmp_path)) == ["report", "runs"]


def test_report_refuses_a_user_folder_and_its_inputs(runs, tmp_path):
    """`npvi report some/run --out some` once deleted notes.md and the run."""
    notes = tmp_path / "runs" / "notes.md"
    notes.write_text("my notes")
    for out, message in ((tmp_path / "runs", "holds the input"), (runs[0], "holds the input")):
        with pytest.raises(InputError, match=message):
            report.build_report(runs, out, force=True)
    assert notes.read_text() == "my notes"
    assert all((run / "results.nc").is_file() for run in runs)
    assert sorted(os.listdir(tmp_path)) == ["runs"]


def test_report_failure_leaves_no_partial_folder(runs, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(report, "fig_emissions", boom)
    out = tmp_path / "report"
    with pytest.raises(RuntimeError, match="figure failed"):
        report.build_report(runs, out)
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["runs"]

    # an existing report stays exactly as it was
    with npvi_output_dir(out, "report") as staging:
        (staging / "report.html").write_text("previous")
    with pytest.raises(RuntimeError):
        report.build_report(runs, out)
    assert sorted(os.listdir(out)) == [MARKER, "report.html"]
    assert (out / "report.html").read_text() == "previous"
    assert sorted(os.listdir(tmp_path)) == ["report", "runs"]
