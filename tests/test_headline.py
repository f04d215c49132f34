"""The run headline: interpolation to 2032, targets taken from the run, and 80 columns."""

from __future__ import annotations

import math

from rich.console import Console

from npvi_model.headline import headline_table, headline_tables, value_at

PUBLISHED = {"electrolysis_gw": {2030: 4.0, 2032: 8.0}, "industry_emissions_mt": {2030: 35.3}}


def summary(name="p", cap=None):
    years = {}
    for year, ely, em in ((2030, 3.0, 36.0), (2035, 8.0, 20.0)):
        years[str(year)] = {
            "unmet": {"electricity": 0.0, "hydrogen": 10.0, "co2": 1.0},
            "emissions_mt": em,
            "electrolysis_gw": ely,
        }
    params = {} if cap is None else {"emission_caps_mt": {"2030": cap}}
    return {"scenario": name, "years": years, "resolved_scenario": {"parameters": params}}


def render(tables, width=80) -> str:
    console = Console(record=True, width=width, force_terminal=False)
    for table in tables:
        console.print(table)
    return console.export_text()


def test_value_at_interpolates_2032_between_2030_and_2035():
    """3 GW in 2030, 8 GW in 2035: 2032 = 3 + (8 - 3) x 2/5 = 5 GW, marked interpolated."""
    value, interpolated = value_at(summary(), "electrolysis_gw", 2032)
    assert value == 5.0 and interpolated
    assert value_at(summary(), "electrolysis_gw", 2030) == (3.0, False)
    assert math.isnan(value_at(summary(), "electrolysis_gw", 2050)[0])


def test_headline_marks_the_missed_2030_target():
    text = render([headline_table([summary("domestic")], [PUBLISHED])], width=200)
    assert "36.0 MISSED" in text
    assert "~5.00" in text
    assert "35.3 policy" in text


def test_targets_come_from_the_run_not_the_code():
    """A scenario cap of 40 Mt for 2030: 36 Mt meets it; without published targets the
    electrolysis target is '-' rather than a number written in code."""
    text = render([headline_table([summary("own_cap", cap=40.0)], [{}])], width=200)
    assert "36.0 met" in text and "40.0 cap" in text
    assert "8.00" not in text and "4.00" not in text


def test_three_paths_fit_80_columns_and_more_paths_split():
    names = ["domestic", "import_intermediates", "reduced_base", "sensitivity_wind_late"]
    summaries = [summary(n) for n in names]
    text = render(headline_tables(summaries, [PUBLISHED] * 4))
    assert max(len(line) for line in text.splitlines()) <= 80
    for name in names:  # never cut mid-word: long names break after an underscore
        assert all(part in text for part in name.split("_"))
    assert "import_\n" not in text and "intermediates" in text
    assert text.count("Headline per development path") == 2
    wide = render(headline_tables(summaries, [PUBLISHED] * 4, wide=True), width=200)
    assert wide.count("Headline per development path") == 1
