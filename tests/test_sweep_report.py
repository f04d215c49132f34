"""The sweep report section: sensitivity ranking and fan charts on hand-made sweep results."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from npvi_model.sweep.report_section import (
    fan_series,
    rank_regression,
    sensitivity_table,
    sweep_report_section,
)


def fake_sweep(n: int = 8) -> xr.Dataset:
    """n samples, inputs a = 1..n and b = (3 k mod n) + 1 (a permutation of 1..n, not a
    itself). Cost = 10 a (b plays no part); unmet H2 in 2030 = 100 - 5 b; emissions
    in 2030 = sample index; electrolysis 2 GW."""
    a = np.arange(1, n + 1, dtype=float)
    b = np.array([(3 * k) % n + 1 for k in range(n)], dtype=float)
    years, carriers = [2030, 2050], ["electricity", "hydrogen", "co2"]
    unmet = np.zeros((n, 3, 2))
    unmet[:, 1, 0] = 100 - 5 * b
    capacity = np.zeros((n, 2, 2))
    capacity[:, 0, :] = 2.0
    ds = xr.Dataset(
        {
            "unmet": (("sample", "carrier", "year"), unmet),
            "capacity": (("sample", "technology", "year"), capacity),
            "emissions": (("sample", "year"), np.column_stack([np.arange(n), np.zeros(n)])),
            "emission_gap": (("sample", "year"), np.zeros((n, 2))),
            "objective_eur": ("sample", 10e9 * a),
            "input_a": ("sample", a),
            "input_b": ("sample", b),
            "status": ("sample", ["done"] * n),
        },
        coords={
            "sample": range(n),
            "carrier": carriers,
            "year": years,
            "technology": ["electrolyser", "offshore_wind"],
        },
    )
    ds.attrs.update(sweep="fake", base_scenario="domestic.yaml", factors=json.dumps(["a", "b"]))
    return ds


def test_rank_regression_finds_the_input_that_moves_the_answer():
    """y = 10 a exactly: the ranks of y equal the ranks of a, so the least-squares fit on the
    standardised ranks is exact with coefficient 1 for a and 0 for b, R^2 = 1 (whatever the
    rank correlation of a and b). y = 100 - 5 b: coefficient -1 for b, 0 for a. A constant
    answer: coefficients 0, R^2 undefined."""
    ds = fake_sweep()
    inputs = pd.DataFrame({"a": ds["input_a"].values, "b": ds["input_b"].values})
    coef, r2 = rank_regression(inputs, 10 * inputs["a"].to_numpy())
    assert coef["a"] == pytest.approx(1.0) and coef["b"] == pytest.approx(0.0, abs=1e-12)
    assert r2 == pytest.approx(1.0)
    coef, _ = rank_regression(inputs, 100 - 5 * inputs["b"].to_numpy())
    assert coef["b"] == pytest.approx(-1.0) and coef["a"] == pytest.approx(0.0, abs=1e-12)
    coef, r2 = rank_regression(inputs, np.full(8, 3.0))
    assert (coef == 0).all() and np.isnan(r2)


def test_sensitivity_table_and_fan_quantiles():
    """Cost ranks on a (+1), unmet H2 2030 on b (-1); electrolysis is constant (0). The median
    unmet H2 in 2030 over b = 1..8 is 100 - 5 x 4.5 = 77.5."""
    ds = fake_sweep()
    table = sensitivity_table(ds)
    assert table.loc["a", "system cost (bn EUR)"] == pytest.approx(1.0)
    assert table.loc["b", "unmet hydrogen 2030 (TWh)"] == pytest.approx(-1.0)
    assert table.loc["a", "electrolysis 2030 (GW)"] == 0.0
    median = fan_series(ds)["unmet hydrogen (TWh)"].sel(year=2030).median("sample")
    assert float(median) == pytest.approx(77.5)


def test_sweep_report_section_has_the_report_keys(tmp_path):
    ds = fake_sweep()
    ds.to_netcdf(tmp_path / "sweep.nc")
    section = sweep_report_section(tmp_path)
    assert set(section) == {"key", "title", "text", "figures", "tables"}
    assert "moves the system cost most is a" in section["text"]
    assert [type(f).__name__ for _, f in section["figures"]] == ["Figure", "Figure"]
    assert all(isinstance(t, pd.DataFrame) for _, t in section["tables"])


def test_npvi_report_renders_a_sweep_section(tmp_path):
    """`npvi report RUN --sweep DIR`: the sweep's title, its two figures (PNG and SVG files)
    and its tables appear in report.html."""
    from fake_results import make_results, write_results
    from typer.testing import CliRunner

    from npvi_model.cli import app

    run = write_results(make_results("domestic"), tmp_path / "runs")
    fake_sweep().to_netcdf(tmp_path / "sweep.nc")
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["report", str(run), "--out", str(out), "--sweep", str(tmp_path), "--svg"]
    )
    assert result.exit_code == 0, result.output
    text = (out / "report.html").read_text(encoding="utf-8")
    assert "Uncertainty sweep 'fake' on domestic.yaml" in html.unescape(text)
    assert "Sensitivity ranking" in text and "Tornado" in text
    assert sorted(p.name for p in (out / "figures").glob("sweep_fake*")) == [
        "sweep_fake_0.png",
        "sweep_fake_0.svg",
        "sweep_fake_1.png",
        "sweep_fake_1.svg",
    ]
