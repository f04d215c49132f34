"""The files of a run and of a comparison: one unit per variable in results.nc (CF-style), JSON
attributes, CSV values without float noise, and results.xlsx."""

from __future__ import annotations

import json
import re
import zipfile

import numpy as np
import pandas as pd
import xarray as xr
from fake_results import make_results, make_three_paths

from npvi_model import analysis
from npvi_model.cf_layout import from_file, to_file
from npvi_model.results_io import check_results_file, write_results


def _varied():
    """Fake results with distinct values everywhere, so a mix-up in the join would show."""
    ds = make_results("p", years=(2030, 2035))
    rng = np.random.default_rng(1)
    for name in (
        "demand",
        "supply",
        "unmet",
        "capacity",
        "new_capacity",
        "carrier_price",
        "link_capacity",
        "link_flow",
        "limit_marginal_value",
        "policy_target",
    ):
        ds[name][:] = rng.uniform(0, 10, ds[name].shape)
    return ds


def test_file_layout_has_one_unit_per_variable_and_joins_back(tmp_path):
    ds = _varied()
    on_disk = to_file(ds)
    units = {n: str(on_disk[n].attrs.get("units", "")) for n in on_disk.data_vars}
    assert all("|" not in u and "unit*" not in u and u for u in units.values()), units
    assert units["demand_TWh"] == "TWh" and units["demand_Mt"] == "Mt"
    assert list(on_disk["demand_Mt"]["carrier_Mt"].values) == ["co2"]
    assert units["capacity_Mt_per_yr"] == "Mt/yr" and units["green_share"] == "1"
    assert units["link_capacity_GW"] == "GW" and units["policy_target_Mt"] == "Mt"
    assert on_disk.attrs["Conventions"].startswith("CF-")
    assert all("long_name" in on_disk[n].attrs for n in on_disk.data_vars)
    back = from_file(on_disk)
    xr.testing.assert_equal(back, ds)
    assert list(back.data_vars) == list(ds.data_vars)
    assert back["demand"].attrs["units"] == "TWh | Mt"
    # through a real file and the loaders
    folder = write_results(tmp_path, ds, {"scenario": "p"})
    xr.testing.assert_equal(analysis.load_results(folder), ds)
    with xr.open_dataset(folder / "results.nc") as raw:
        assert "demand" not in raw and "demand_TWh" in raw
    # the command line takes the folder as a result (the split variables count as present)
    assert check_results_file(folder) == []


def test_json_attributes_are_json(tmp_path):
    ds = _varied()
    ds["source"].attrs["by_carrier"] = json.dumps({"co2": ["captured"]})
    folder = write_results(tmp_path, ds, {"scenario": "p"})
    loaded = analysis.load_results(folder)
    json.loads(loaded["capacity"].attrs["units_by_technology"])
    for name in ("resolved_scenario", "versions", "solver_options"):
        json.loads(loaded.attrs[name])


def test_comparison_csv_has_no_float_noise_and_a_workbook(tmp_path):
    folders = make_three_paths(tmp_path / "runs")
    out = tmp_path / "cmp"
    analysis.write_comparison(folders, out)
    for csv in out.glob("*.csv"):
        text = csv.read_text()
        assert not re.search(r"\.\d{10,}", text), f"{csv.name} carries float noise"
    side = pd.read_csv(out / "side_by_side.csv")
    assert not side.empty
    with zipfile.ZipFile(out / "results.xlsx") as book:
        sheets = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    assert sheets[:3] == ["Paths side by side", "Fit in time", "Green access"]
    assert "Vollooprisico" in sheets
