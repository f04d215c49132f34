"""The robust (two-stage) plan on a micro case worked out by hand, for both objectives.

Micro case: one cluster A, one model year 2030, one slice of 8760 h; 100 GW of existing wind
with CF 1 (free); an electrolyser (efficiency 0.5) that may be built, capex 547.5 EUR/kW over
10 years at 0 % WACC: annuity c = 54.75 MEUR per GW per year. Hydrogen that the electrolyser
does not make falls back to grey at 50 EUR/MWh: 1 GW of hydrogen for a year = 8760 GWh x 50
EUR/MWh = 438 MEUR, so 1 GW of electrolyser (0.5 GW of hydrogen) saves s = 219 MEUR/yr.
Path "high" needs 2 GW of hydrogen (17.52 TWh/yr): H = 4 GW of electrolyser; path "low" 0.5 GW
(4.38 TWh/yr): L = 1 GW. With x GW built in 2030 (the shared decision):

    cost_high(x) = c x + 438 (2 - x/2)   for x <= 4;  own optimum 4 c = 219
    cost_low(x)  = c x                   for x >= 1;  own optimum 1 c = 54.75
"""

from __future__ import annotations

import os

import pytest
from micro import micro_inputs

from npvi_model.robust import robust_plan
from npvi_model.robust.progressive_hedging import mpi_available
from npvi_model.robust.scenarios import stage1_keys

C = 54.75  # MEUR per GW-yr
S = 219.0  # MEUR saved per GW-yr of electrolyser


def _path(h2_gw: float, years=(2030,)):
    ds = micro_inputs(
        years=years,
        slice_weights=(8760.0,),
        wind_cf=(1.0,),
        assets=[
            {"tech": "offshore_wind", "loc": "A", "existing": 100.0},
            {"tech": "electrolyser", "loc": "A", "max_new": 10.0, "capex": 547.5, "life": 10},
        ],
    )
    ds["lifetime"][:] = 10.0
    ds["hydrogen_demand_twh"][:] = h2_gw * 8.76
    return ds


def _paths():
    return {"high": _path(2.0), "low": _path(0.5)}


def test_expected_cost_builds_for_the_likelier_high_path():
    """Weights high 0.6, low 0.4. On 1 <= x <= 4 the expected cost falls by
    0.6 (s - c) - 0.4 c = 0.6 x 164.25 - 0.4 x 54.75 = 76.65 MEUR per GW: build x = 4 GW.
    Under the plan: high 4 c = 219 (regret 0); low 4 c = 219 (regret 219 - 54.75 = 164.25).
    EVPI = 0.4 x 164.25 = 65.7.
    Mean-value problem: 0.6 x 2 + 0.4 x 0.5 = 1.4 GW of hydrogen, plan 2.8 GW;
    cost_high(2.8) = 153.3 + 438 x 0.6 = 416.1, cost_low(2.8) = 153.3;
    EEV = 0.6 x 416.1 + 0.4 x 153.3 = 310.98; VSS = EEV - 219 = 91.98.
    """
    out = robust_plan(_paths(), decide_until=2030, weights={"high": 0.6, "low": 0.4})
    assert out.keys == [("electrolyser:A", 2030)]
    assert out.plan[("electrolyser:A", 2030)] == pytest.approx(4.0)
    assert out.own_cost_meur == pytest.approx({"high": 4 * C, "low": C})
    assert out.robust_cost_meur == pytest.approx({"high": 219.0, "low": 219.0})
    assert out.regret_meur == pytest.approx({"high": 0.0, "low": 164.25}, abs=1e-6)
    assert out.evpi_meur == pytest.approx(65.7)
    assert out.extensive_form.objective_meur == pytest.approx(219.0)
    assert out.mean_value_plan[("electrolyser:A", 2030)] == pytest.approx(2.8)
    assert out.eev_cost_meur == pytest.approx({"high": 416.1, "low": 153.3})
    assert out.vss_meur == pytest.approx(91.98)


def test_minmax_regret_splits_the_difference():
    """regret_high(x) = (s - c)(4 - x) = 164.25 (4 - x); regret_low(x) = c (x - 1) = 54.75 (x - 1).
    Equal where 164.25 x 4 + 54.75 = 219 x: x = 711.75 / 219 = 3.25 GW; largest regret
    54.75 x 2.25 = 123.1875 MEUR, in both paths. Costs: high 219 + 123.1875 = 342.1875,
    low 54.75 + 123.1875 = 177.9375.
    """
    out = robust_plan(_paths(), objective="minmax-regret", value_of_stochastic_solution=False)
    assert out.plan[("electrolyser:A", 2030)] == pytest.approx(3.25)
    assert out.extensive_form.objective_meur == pytest.approx(123.1875)
    assert out.regret_meur == pytest.approx({"high": 123.1875, "low": 123.1875})
    assert out.robust_cost_meur == pytest.approx({"high": 342.1875, "low": 177.9375})
    assert out.vss_meur is None


def test_plan_is_fixed_in_each_path_when_re_solved():
    """The costs under the plan come from re-solving each path with the stage-1 capacity fixed:
    the extracted results show exactly the plan's 3.25 GW in service in 2030 in both paths."""
    out = robust_plan(_paths(), objective="minmax-regret", value_of_stochastic_solution=False)
    for name in ("high", "low"):
        cap = out.under_plan[name]["capacity"].sel(technology="electrolyser", cluster="A")
        assert float(cap.sel(year=2030)) == pytest.approx(3.25)


def test_stage1_is_only_builds_up_to_the_decision_year():
    """Years 2030 and 2035: the 2035 build stays with each path (stage 2)."""
    from npvi_model.model import build_model

    m = build_model(_path(1.0, years=(2030, 2035)))
    assert stage1_keys([m], 2030) == [("electrolyser:A", 2030)]
    assert stage1_keys([m], 2035) == [("electrolyser:A", 2030), ("electrolyser:A", 2035)]


@pytest.mark.skipif(
    not mpi_available() and os.environ.get("CI") != "true",
    reason="needs mpirun and mpi4py: `make mpi`",
)
def test_progressive_hedging_on_two_ranks_agrees_with_the_extensive_form():
    """PH over 2 MPI ranks (one path each) on the expected-cost case above converges to the
    extensive form's plan, x = 4 GW, and so to its expected cost 219 MEUR, within PH's
    convergence threshold (1e-5 per decision; the plan within 1e-3 GW). Skipped only where MPI
    is absent, and never on CI, whose `.ci/run` installs it (`make mpi`)."""
    assert mpi_available(), "MPI is missing although CI installs it (make mpi)"
    weights = {"high": 0.6, "low": 0.4}
    ef = robust_plan(_paths(), weights=weights, value_of_stochastic_solution=False)
    ph = robust_plan(
        _paths(), weights=weights, method="ph", ranks=2, value_of_stochastic_solution=False
    )
    assert ph.extensive_form.method == "progressive_hedging"
    assert ph.extensive_form.ph["convergence"] < 1e-5
    key = ("electrolyser:A", 2030)
    assert ph.plan[key] == pytest.approx(ef.plan[key], abs=1e-3)
    assert ph.extensive_form.objective_meur == pytest.approx(
        ef.extensive_form.objective_meur, rel=1e-5
    )


def test_folder_and_report_section_say_the_plan_in_plain_words(tmp_path):
    """The minmax-regret case written to `robust/` and read back by the report section: build
    3.25 GW of electrolyser at A by 2030; at most 123.1875 MEUR (shown as 123.2 million EUR)
    more than the best plan for any single path; EVPI = (123.1875 + 123.1875) / 2; the plan
    differs from high's own 4 GW by -0.75 GW and from low's own 1 GW by +2.25 GW."""
    import json

    from npvi_model.robust.report import robust_report_section
    from npvi_model.robust.results import write_robust

    out = robust_plan(_paths(), objective="minmax-regret", value_of_stochastic_solution=False)
    folder = write_robust(tmp_path, out)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["evpi_meur"] == pytest.approx(123.1875)
    assert summary["stage1_plan"][0]["new_capacity"] == pytest.approx(3.25)
    differences = summary["differences_from_own_plans"]  # 3.25 - 4 and 3.25 - 1
    assert differences["high"]["robust_minus_own_by_technology"]["electrolyser [GW]"] == (
        pytest.approx(-0.75)
    )
    assert differences["low"]["robust_minus_own_by_technology"]["electrolyser [GW]"] == (
        pytest.approx(2.25)
    )
    section = robust_report_section(folder)
    assert section["key"] == "robust"
    assert "3.25 GW of electrolyser at A" in section["text"]
    assert "at most 123.2 million EUR" in section["text"]
    assert len(section["figures"]) == 2 and len(section["tables"]) == 2
    assert not list(tmp_path.glob(".robust.*"))


def test_report_finds_the_robust_folder_beside_the_path_folders(tmp_path):
    """`robust_sections_for` gives one section when `<parent>/robust/` exists, none otherwise."""
    from npvi_model.robust.report import robust_sections_for
    from npvi_model.robust.results import write_robust

    paths = [tmp_path / "high", tmp_path / "low"]
    assert robust_sections_for(paths) == []
    out = robust_plan(_paths(), value_of_stochastic_solution=False)
    write_robust(tmp_path, out)
    sections = robust_sections_for(paths)
    assert [s["key"] for s in sections] == ["robust"]


def test_mean_value_inputs_average_with_the_weights_or_are_absent():
    """Hydrogen demand 17.52 and 4.38 TWh with weights 0.6 / 0.4: mean 12.264 TWh
    (1.4 GW x 8.76). Paths on different model years have no mean-value problem (None)."""
    from npvi_model.robust.evaluate import mean_inputs

    mean = mean_inputs(_paths(), {"high": 0.6, "low": 0.4})
    assert float(mean["hydrogen_demand_twh"].sum()) == pytest.approx(12.264)
    other = {"high": _path(2.0), "low": _path(0.5, years=(2030, 2035))}
    assert mean_inputs(other, {"high": 0.5, "low": 0.5}) is None


def test_the_report_builder_accepts_the_robust_section(tmp_path):
    """The section's figures and tables render through the report's extra sections."""
    from npvi_model.report.build import check_extra_section
    from npvi_model.robust.report import robust_report_section
    from npvi_model.robust.results import write_robust

    folder = write_robust(tmp_path, robust_plan(_paths(), value_of_stochastic_solution=False))
    check_extra_section(robust_report_section(folder))


def test_section_in_memory_equals_the_section_from_the_folder(tmp_path):
    """The notebook's in-memory preview says what the written folder says."""
    from npvi_model.robust.report import outcome_report_section, robust_report_section
    from npvi_model.robust.results import write_robust

    out = robust_plan(_paths(), objective="minmax-regret", value_of_stochastic_solution=False)
    folder = write_robust(tmp_path, out)
    assert outcome_report_section(out)["text"] == robust_report_section(folder)["text"]
