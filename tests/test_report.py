"""The report: key messages first, escaped jinja2 HTML, PNG figures (SVG on request), nl/en,
extra sections, and atomic writing."""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest
from fake_results import make_results, make_three_paths, write_results
from matplotlib.figure import Figure

from npvi_model import report
from npvi_model.errors import InputError
from npvi_model.output_dirs import MARKER, npvi_output_dir
from npvi_model.report import build, fmt, messages

EVIL = "<script>alert(1)</script>"


@pytest.fixture()
def runs(tmp_path):
    """Two small runs; the second one's scenario name is a script tag (its folder is 'evil')."""
    a = make_results("domestic")
    a["limit_marginal_value"].loc[dict(limit="grid_connection:CH")] = 1.0e5
    b = make_results(EVIL, description=f"desc {EVIL}")
    b["capacity"].loc[dict(technology="electrolyser")] = 0.5
    return [write_results(a, tmp_path / "runs"), write_results(b, tmp_path / "runs", "evil")]


def test_report_leads_with_key_messages_and_escapes(runs, tmp_path):
    out = tmp_path / "report"
    html_path = report.build_report(runs, out)
    assert html_path == out.resolve() / "report.html"
    pngs = sorted(p.stem for p in (out / "figures").glob("*.png"))
    assert not list((out / "figures").glob("*.svg"))  # SVG only on request
    # per run: 3 supply + access + bottlenecks; shared: capacity, emissions, paths, no-regret
    assert len(pngs) == 2 * 5 + 4
    text = html_path.read_text(encoding="utf-8")
    assert '<meta name="viewport"' in text
    body = text[text.index("<body>") + len("<body>") :].lstrip()
    assert body.startswith('<section id="key-messages"')
    assert EVIL not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text.lower()
    assert text.count('src="data:image/png;base64,') == len(pngs)
    assert 'href="#no_regret"' in text  # table of contents
    assert not re.search(r"\d\.\d+e[-+]\d", text)  # no exponent notation anywhere
    assert sorted(os.listdir(tmp_path)) == ["report", "runs"]


def test_report_svg_on_request_and_dutch(tmp_path):
    folders = make_three_paths(tmp_path / "runs")
    report.build_report(folders, tmp_path / "r", lang="nl", svg=True)
    figures = tmp_path / "r" / "figures"
    assert sorted(p.stem for p in figures.glob("*.svg")) == sorted(
        p.stem for p in figures.glob("*.png")
    )
    text = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in text
    for term in ("Kernboodschappen", "netcongestie", "vollooprisico", "Ontwikkelpad"):
        assert term in text


def test_extra_sections_render_after_the_built_in_ones(runs, tmp_path):
    fig = Figure()
    fig.subplots().plot([0, 1], [1, 2])
    extra = {
        "key": "robust",
        "title": "Robust no-regret plan",
        "text": f"First paragraph {EVIL}.\n\nSecond paragraph.",
        "figures": [("fan chart", fig)],
        "tables": [("plan", pd.DataFrame({"technology": ["electrolyser"], "gw": [1.23456]}))],
    }
    path = report.build_report(runs, tmp_path / "r", extra_sections=[extra])
    text = path.read_text(encoding="utf-8")
    assert text.index('id="robust"') > text.index('id="supply"')
    assert 'href="#robust"' in text
    assert "<p>Second paragraph.</p>" in text and EVIL not in text
    assert "1.23" in text and "1.23456" not in text
    assert (tmp_path / "r" / "figures" / "robust_0.png").is_file()


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"key": "x", "title": "t"}, "'text' must be a string"),
        ({"key": "Bad Key", "title": "t", "text": ""}, "lower-case"),
        ({"key": "x", "title": "t", "text": "", "figures": [("c", "no figure")]}, "Figure"),
        ({"key": "x", "title": "t", "text": "", "colour": "red"}, "unknown keys"),
    ],
)
def test_bad_extra_section_is_refused_before_writing(runs, tmp_path, section, problem):
    with pytest.raises(ValueError, match=problem):
        report.build_report(runs, tmp_path / "r", extra_sections=[section])
    assert not (tmp_path / "r").exists()


def test_number_formats():
    """Solver noise prints as 0; 3 significant figures; grouped thousands; bn EUR; percent."""
    assert fmt.number(5.68e-14) == "0"
    assert fmt.number(3.5399999999999996) == "3.54"
    assert fmt.number(310_000.0) == "310,000"
    assert fmt.number(1234.5, "nl") == "1.230"
    assert fmt.number(0.293, "nl") == "0,293"
    assert fmt.eur(257_297_607_279) == "257 bn EUR"
    assert fmt.eur(257_297_607_279, "nl") == "257 mld. euro"
    assert fmt.share(0.293) == "29 %"


def test_cap_doing_the_work_is_said(tmp_path):
    """Emissions 35.3 Mt against a scenario cap of 35.3 Mt with a 300 EUR/t penalty: the
    message says the cap binds and names the penalty; 36.3 Mt says 1 Mt above it."""
    ds = make_results("p", years=(2025, 2030))
    ds["emissions"].loc[dict(year=2030)] = 35.3
    ds["emission_target"].loc[dict(year=2030)] = 35.3
    ds.attrs["resolved_scenario"] = '{"parameters": {"emission_cap_penalty_eur_per_t": 300}}'
    from npvi_model import analysis

    n = messages.emissions_numbers(ds, analysis.emissions_vs_targets(ds))
    assert n.cap_binding and n.year == 2030
    text = messages._say_emissions(n, "en")
    assert "exactly the scenario's cap of 35.3 Mt" in text and "300 EUR/t" in text
    ds["emissions"].loc[dict(year=2030)] = 36.3
    n = messages.emissions_numbers(ds, analysis.emissions_vs_targets(ds))
    assert not n.cap_binding and abs(n.gap_mt - 1.0) < 1e-9
    assert "1 Mt above the scenario's cap" in messages._say_emissions(n, "en")


def test_build_now_leaves_out_existing_assets():
    """Offshore wind: 2 GW per cluster (RM, CH) in 2025, of which the model built 1 GW in RM in
    2025 (so 1 GW exists in RM before the start). In 2030 RM has 2 + 3 = 5 GW (3 GW added: 2.5
    committed + 0.5 built by the model), CH 2 GW. Added by 2030 beyond the start: RM 3 + 1
    (built in 2025) = 4, CH 0, so 4 GW; built by the model: 1 + 0.5 = 1.5 GW. Existing assets
    (RM 1, CH 2) are in neither."""
    ds = make_results("p", years=(2025, 2030, 2035))
    ds["capacity"].loc[dict(technology="offshore_wind", cluster="RM", year=[2030, 2035])] = 5.0
    ds["new_capacity"].loc[dict(technology="offshore_wind", cluster="RM", year=2025)] = 1.0
    ds["new_capacity"].loc[dict(technology="offshore_wind", cluster="RM", year=2030)] = 0.5
    n = messages.build_now_numbers(ds)
    assert n.year == 2030
    assert n.added == [("offshore_wind", pytest.approx(4.0), "GW")]
    assert n.by_model == [("offshore_wind", pytest.approx(1.5), "GW")]


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

    monkeypatch.setattr(build.figs, "fig_emissions", boom)
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
