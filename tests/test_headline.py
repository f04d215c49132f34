"""The run headline: interpolation to 2032 and target marks, checked by hand."""

from __future__ import annotations

import math

from rich.console import Console

from npvi_model.headline import headline_table, value_at


def summary(name="p"):
    years = {}
    for year, ely, em in ((2030, 3.0, 36.0), (2035, 8.0, 20.0)):
        years[str(year)] = {
            "unmet": {"electricity": 0.0, "hydrogen": 10.0, "co2": 1.0},
            "emissions_mt": em,
            "electrolysis_gw": ely,
        }
    return {"scenario": name, "years": years}


def test_value_at_interpolates_2032_between_2030_and_2035():
    """3 GW in 2030, 8 GW in 2035: 2032 = 3 + (8 - 3) x 2/5 = 5 GW, marked interpolated."""
    value, interpolated = value_at(summary(), "electrolysis_gw", 2032)
    assert value == 5.0 and interpolated
    assert value_at(summary(), "electrolysis_gw", 2030) == (3.0, False)
    assert math.isnan(value_at(summary(), "electrolysis_gw", 2050)[0])


def test_headline_marks_the_missed_2030_target():
    console = Console(record=True, width=200)
    console.print(headline_table([summary("domestic")]))
    text = console.export_text()
    assert "36.0 MISSED" in text
    assert "~5.00" in text
