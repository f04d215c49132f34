"""Tests of the demand derivation (src/npvi_model/derive_demand.py) on the shipped data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from npvi_model.derive_demand import (
    baseline_csv_text,
    ces_2035_deviations,
    check_published_totals,
    derive_baseline_demand,
    interpolate_anchors,
    split_by_sector,
    write_baseline_demand,
)
from npvi_model.sets import CLUSTER_IDS, DATA_YEARS, DEMAND_CARRIERS, SECTORS

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DERIVATION_INPUTS = (
    "demand_anchors.csv",
    "sector_shares.csv",
    "published_totals.csv",
    "ces3_cluster_extract.csv",
)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the derivation's input files in a temporary directory."""
    for name in DERIVATION_INPUTS:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def test_published_totals_pass_on_shipped_data() -> None:
    checks = check_published_totals(DATA_DIR)
    assert checks, "published_totals.csv has no rows"
    for check in checks:
        print(check.describe())
    failed = [check.describe() for check in checks if not check.ok]
    assert not failed, "\n".join(failed)


def test_shipped_baseline_matches_the_derivation() -> None:
    shipped = (DATA_DIR / "demand_baseline.csv").read_text(encoding="utf-8")
    fresh = baseline_csv_text(derive_baseline_demand(DATA_DIR))
    assert shipped == fresh, (
        "data/demand_baseline.csv is out of date: run `python -m npvi_model.derive_demand`"
    )


def test_baseline_covers_every_cluster_sector_carrier_and_year() -> None:
    table = derive_baseline_demand(DATA_DIR)
    assert len(table) == len(CLUSTER_IDS) * len(SECTORS) * len(DEMAND_CARRIERS) * len(DATA_YEARS)
    assert not table.duplicated(["cluster", "sector", "carrier", "year"]).any()
    assert (table["value"] >= 0).all()


def test_2035_reproduces_ces3_where_anchored() -> None:
    """The 2035 CES 3.0 anchors come back up to the 4-decimal rounding of each sector's value."""
    deviations = ces_2035_deviations(DATA_DIR)
    assert set(deviations["cluster"]) == {"RM", "ZWB", "NZKG", "NN"}
    assert deviations["deviation"].abs().max() <= 5 * 0.5e-4


def test_micro_interpolation_and_share(tmp_path: Path) -> None:
    """Hand-computed case.

    Anchors 10 TWh in 2020 and 20 TWh in 2030: in 2025 the value is 10 + (20 - 10) x 5/10 = 15;
    held flat outside the anchors, so 2015 -> 10 and 2035 -> 20. With a sector share of 0.4 the
    sector's 2025 demand is 15 x 0.4 = 6.0, and the other sector (share 0.6) gets 9.0.
    """
    anchors = pd.DataFrame(
        {
            "cluster": ["RM", "RM"],
            "carrier": ["electricity", "electricity"],
            "year": [2020, 2030],
            "value": [10.0, 20.0],
            "unit": ["TWh", "TWh"],
        }
    )
    shares = pd.DataFrame(
        {
            "cluster": ["RM", "RM"],
            "sector": ["chemicals", "refining"],
            "carrier": ["electricity", "electricity"],
            "share": [0.4, 0.6],
        }
    )
    anchors.to_csv(tmp_path / "anchors.csv", index=False)  # round trip through a file
    anchors = pd.read_csv(tmp_path / "anchors.csv")

    totals = interpolate_anchors(anchors, [2015, 2025, 2035])
    assert totals["value"].tolist() == pytest.approx([10.0, 15.0, 20.0])
    assert list(totals.columns) == ["cluster", "carrier", "year", "value", "unit"]

    split = split_by_sector(totals[totals["year"] == 2025], shares).set_index("sector")
    assert split.loc["chemicals", "value"] == pytest.approx(6.0)
    assert split.loc["refining", "value"] == pytest.approx(9.0)


def test_check_fails_when_a_published_total_is_far_off(data_copy: Path) -> None:
    path = data_copy / "published_totals.csv"
    totals = pd.read_csv(path)
    row = (totals["quantity"] == "industry_electricity_twh") & (totals["year"] == 2030)
    assert row.sum() == 1
    totals.loc[row, "value"] = 850.0  # ten times the CES 1.0 figure
    totals.to_csv(path, index=False, lineterminator="\n")

    checks = {(c.quantity, c.year): c for c in check_published_totals(data_copy)}
    edited = checks[("industry_electricity_twh", 2030)]
    assert not edited.ok
    assert edited.rel_deviation < -0.9
    assert checks[("industry_electricity_twh", 2020)].ok  # the others are untouched


def test_upper_bound_check_fails_above_the_published_value(data_copy: Path) -> None:
    path = data_copy / "published_totals.csv"
    totals = pd.read_csv(path)
    totals.loc[totals["quantity"] == "co2_captured_stored_mt", "value"] = 3.0  # below derived 6.1
    totals.to_csv(path, index=False, lineterminator="\n")
    check = next(c for c in check_published_totals(data_copy) if c.upper_bound)
    assert check.rel_deviation > 0
    assert not check.ok


def test_anchor_that_disagrees_with_ces_is_rejected(data_copy: Path) -> None:
    path = data_copy / "demand_anchors.csv"
    anchors = pd.read_csv(path)
    row = (anchors["cluster"] == "RM") & (anchors["carrier"] == "electricity")
    anchors.loc[row & (anchors["year"] == 2035), "value"] = 25.0
    anchors.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(ValueError, match="CES 3.0"):
        derive_baseline_demand(data_copy)


def test_write_baseline_demand_writes_the_table(data_copy: Path) -> None:
    path = write_baseline_demand(data_copy)
    assert path == data_copy / "demand_baseline.csv"
    text = path.read_bytes()
    assert b"\r\n" not in text
    table = pd.read_csv(path)
    assert list(table.columns) == [
        "cluster",
        "sector",
        "carrier",
        "year",
        "value",
        "unit",
        "source",
        "flag",
    ]
    assert set(table["flag"]) == {"C"}
