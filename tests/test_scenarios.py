"""The shipped scenarios validate; extends, overrides and provenance behave as documented."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from npvi_model.cli import app
from npvi_model.data_io import default_data_dir
from npvi_model.inputs import build_inputs
from npvi_model.scenario import resolve

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_every_shipped_scenario_validates():
    result = CliRunner().invoke(app, ["validate", *map(str, SHIPPED)])
    assert result.exit_code == 0, result.output
    assert len(SHIPPED) >= 6
    names = {resolve(p).scenario.name for p in SHIPPED}
    assert {"base", "domestic", "import_intermediates", "reduced_base"} <= names


def test_provenance_names_the_file_that_set_each_value():
    """domestic.yaml extends base.yaml: the years come from base, the path from domestic, the
    sensitivity's delay from the sensitivity file."""
    resolved = resolve(ROOT / "scenarios" / "sensitivity_wind_late.yaml")
    prov = resolved.provenance
    assert prov["years"].endswith("base.yaml")
    assert prov["demand_path.production_index.steel.2050"].endswith("domestic.yaml")
    assert prov["parameters.offshore_wind_delay_years"].endswith("sensitivity_wind_late.yaml")
    assert resolved.scenario.parameters.offshore_wind_delay_years == 2
    assert [Path(f).name for f in resolved.files] == [
        "base.yaml",
        "domestic.yaml",
        "sensitivity_wind_late.yaml",
    ]


def test_data_override_sets_a_value_and_records_it(tmp_path):
    """An override of the Chemelot grid connection from 2029 to 2.5 GW shows in the inputs (the
    grid_connection:CH asset in 2030) and in the record of applied overrides."""
    for name in ("base.yaml", "domestic.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    (tmp_path / "ch.yaml").write_text(
        "extends: domestic.yaml\n"
        "years: [2025, 2030]\n"
        "data_overrides:\n"
        "  - table: grid_connections\n"
        "    where: {cluster: CH, from_year: 2029}\n"
        "    set: {capacity_gw: 2.5}\n"
    )
    inputs = build_inputs(resolve(tmp_path / "ch.yaml"), default_data_dir())
    cap = inputs["existing_capacity"].sel(asset="grid_connection:CH")
    assert float(cap.sel(year=2030)) == 2.5
    applied = inputs.attrs["data_overrides_applied"]
    assert '"new": 2.5' in applied and "ch.yaml" in applied
