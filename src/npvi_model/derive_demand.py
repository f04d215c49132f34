"""Reconstruct the CES-based baseline demand (`data/demand_baseline.csv`) and check it.

No cluster x sector x carrier x year demand matrix is published for the NPVI clusters. This module
rebuilds one, transparently, from three inputs in `data/`:

- `demand_anchors.csv`: per cluster and demand carrier, the annual demand at a few anchor years
  (2021, 2030, 2035, 2050). The 2021 and 2035 anchors of Rotterdam-Moerdijk, Zeeland/West-Brabant,
  Noordzeekanaalgebied and Noord-Nederland are the CES 3.0 figures; the rest are computed values
  or labelled assumptions (see each row's `source` and `flag`);
- `ces3_cluster_extract.csv`: the CES 3.0 figures themselves (PJ and Mt). They are used to verify
  that every CES-based anchor equals the CES figure (PJ / 3.6 = TWh), so the two files cannot drift;
- `sector_shares.csv`: per cluster and carrier, the split of demand over the five sectors.

The derivation, step by step:

1. Read the anchors and check they are complete and agree with the CES 3.0 extract.
2. For every cluster and carrier, interpolate linearly between the anchor years; before the first
   anchor and after the last one, hold the nearest anchor value flat.
3. Multiply by the sector share of that cluster and carrier (the shares sum to 1, so the sector
   split never changes a cluster total).
4. Round to 4 decimals, label every row with its derivation (flag `C`) and write the table sorted
   by cluster, sector, carrier and year.

It then checks the cluster sums against published national totals (`published_totals.csv`),
each with an explicit relative tolerance, and reports how far the 2035 reconstruction is from
the CES 3.0 figure of each cluster.

Run it with `python -m npvi_model.derive_demand [DATA_DIR]`: it writes the table, prints the
checks and exits with status 1 if a check fails.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from npvi_model.sets import CLUSTER_IDS, DATA_YEARS, DEMAND_CARRIERS, PJ_PER_TWH, SECTORS

#: Default data directory: `<repo>/data`.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: Annual unit of each demand carrier in the demand tables.
CARRIER_UNIT: dict[str, str] = {"electricity": "TWh", "hydrogen": "TWh", "co2_capture": "Mt"}

#: The CES 3.0 extract quantities that are anchors, with their carrier and PJ -> unit factor.
CES_ANCHOR_QUANTITIES: dict[str, tuple[str, float]] = {
    "electricity_industry_excl_electrolysis": ("electricity", 1.0 / PJ_PER_TWH),
    "h2_demand_industry": ("hydrogen", 1.0 / PJ_PER_TWH),
    "h2_demand_total": ("hydrogen", 1.0 / PJ_PER_TWH),
    "co2_capture": ("co2_capture", 1.0),
}
#: CES 3.0 years used as anchors (the extract also holds single-project figures for other years).
CES_ANCHOR_YEARS: tuple[int, ...] = (2021, 2035)

#: Each published quantity: the carrier it sums and the factor from the carrier unit to its unit.
PUBLISHED_QUANTITY: dict[str, tuple[str, float]] = {
    "industry_electricity_twh": ("electricity", 1.0),
    "industry_hydrogen_pj": ("hydrogen", PJ_PER_TWH),
    "co2_captured_stored_mt": ("co2_capture", 1.0),
}
#: Published totals that include more than the derivation covers (CO2 capture incl. the power
#: sector). For these the check is one-sided: (1 - tolerance) x published <= derived <= published.
UPPER_BOUND_QUANTITIES: frozenset[str] = frozenset({"co2_captured_stored_mt"})

DERIVED_SOURCE = (
    "derived: npvi_model.derive_demand from demand_anchors.csv x sector_shares.csv "
    "(CES 3.0 anchors checked against ces3_cluster_extract.csv)"
)
#: Tolerance (in the carrier unit) for an anchor to count as equal to its CES 3.0 figure.
ANCHOR_ATOL = 1e-3


def _read(data_dir: Path, name: str) -> pd.DataFrame:
    path = Path(data_dir) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing input of the demand derivation")
    return pd.read_csv(path)


def load_anchors(data_dir: Path) -> pd.DataFrame:
    """Read `demand_anchors.csv` and check completeness, units and agreement with CES 3.0.

    Every cluster x demand carrier needs at least one anchor; every CES 3.0 2021/2035 figure in
    `ces3_cluster_extract.csv` must equal its anchor after conversion (PJ / 3.6 = TWh).
    """
    anchors = _read(data_dir, "demand_anchors")
    for (cluster, carrier), group in anchors.groupby(["cluster", "carrier"]):
        if group["year"].duplicated().any():
            raise ValueError(f"demand_anchors.csv: duplicate year for {cluster}/{carrier}")
        bad_unit = group.loc[group["unit"] != CARRIER_UNIT.get(str(carrier)), "unit"]
        if not bad_unit.empty:
            raise ValueError(
                f"demand_anchors.csv: {cluster}/{carrier} has unit {bad_unit.iloc[0]!r}, "
                f"expected {CARRIER_UNIT.get(str(carrier))!r}"
            )
    present = set(zip(anchors["cluster"], anchors["carrier"], strict=True))
    missing = [(c, k) for c in CLUSTER_IDS for k in DEMAND_CARRIERS if (c, k) not in present]
    if missing:
        raise ValueError(f"demand_anchors.csv: no anchor for {missing}")

    ces_path = Path(data_dir) / "ces3_cluster_extract.csv"
    if ces_path.exists():
        ces = pd.read_csv(ces_path)
        indexed = anchors.set_index(["cluster", "carrier", "year"])["value"]
        for row in ces.itertuples(index=False):
            if row.quantity not in CES_ANCHOR_QUANTITIES or row.year not in CES_ANCHOR_YEARS:
                continue
            carrier, factor = CES_ANCHOR_QUANTITIES[row.quantity]
            expected = float(row.value) * factor
            key = (row.cluster, carrier, int(row.year))
            if key not in indexed.index:
                raise ValueError(f"demand_anchors.csv: no anchor for CES 3.0 figure {key}")
            if abs(float(indexed[key]) - expected) > ANCHOR_ATOL:
                raise ValueError(
                    f"demand_anchors.csv: anchor {key} = {indexed[key]} differs from CES 3.0 "
                    f"{row.quantity} = {row.value} {row.unit} (-> {expected:.4f})"
                )
    return anchors


def load_shares(data_dir: Path) -> pd.DataFrame:
    """Read `sector_shares.csv` and check that each cluster x carrier sums to 1 over all sectors."""
    shares = _read(data_dir, "sector_shares")
    for cluster in CLUSTER_IDS:
        for carrier in DEMAND_CARRIERS:
            part = shares[(shares["cluster"] == cluster) & (shares["carrier"] == carrier)]
            if set(part["sector"]) != set(SECTORS):
                raise ValueError(f"sector_shares.csv: {cluster}/{carrier} must list all sectors")
            total = float(part["share"].sum())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(
                    f"sector_shares.csv: shares of {cluster}/{carrier} sum to {total}, not 1"
                )
    return shares


def interpolate_anchors(anchors: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Interpolate the anchors of each cluster and carrier to `years`.

    Linear between anchor years; the first (last) anchor value is held flat before (after) it.
    Returns columns cluster, carrier, year, value, unit, one row per cluster x carrier x year.
    """
    year_list = [int(y) for y in years]
    frames = []
    for (cluster, carrier), group in anchors.groupby(["cluster", "carrier"], sort=True):
        group = group.sort_values("year")
        values = np.interp(year_list, group["year"].to_numpy(float), group["value"].to_numpy(float))
        frames.append(
            pd.DataFrame(
                {
                    "cluster": cluster,
                    "carrier": carrier,
                    "year": year_list,
                    "value": values,
                    "unit": group["unit"].iloc[0],
                }
            )
        )
    columns = ["cluster", "carrier", "year", "value", "unit"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def split_by_sector(totals: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Multiply cluster x carrier x year totals by the sector shares (step 3)."""
    merged = totals.merge(
        shares[["cluster", "sector", "carrier", "share"]], on=["cluster", "carrier"], how="inner"
    )
    merged["value"] = merged["value"] * merged["share"]
    return merged[["cluster", "sector", "carrier", "year", "value", "unit"]]


def derive_baseline_demand(data_dir: Path) -> pd.DataFrame:
    """Build the `demand_baseline` table (cluster x sector x carrier x DATA_YEARS)."""
    anchors = load_anchors(data_dir)
    shares = load_shares(data_dir)
    table = split_by_sector(interpolate_anchors(anchors, DATA_YEARS), shares)
    # + 0.0 turns a rounded -0.0 into 0.0
    table["value"] = table["value"].round(4) + 0.0
    table["source"] = DERIVED_SOURCE
    table["flag"] = "C"
    order = {
        "cluster": {c: i for i, c in enumerate(CLUSTER_IDS)},
        "sector": {s: i for i, s in enumerate(SECTORS)},
        "carrier": {k: i for i, k in enumerate(DEMAND_CARRIERS)},
    }
    table = table.sort_values(
        ["cluster", "sector", "carrier", "year"],
        key=lambda col: col.map(order[col.name]) if col.name in order else col,
    )
    return table.reset_index(drop=True)


def baseline_csv_text(table: pd.DataFrame) -> str:
    """The exact text of `demand_baseline.csv` for a derived table (UTF-8, LF line endings)."""
    return table.to_csv(index=False, lineterminator="\n")


#: every row this module writes names it in its `source`
SOURCE_PREFIX = "derived: npvi_model.derive_demand"


def is_derived_baseline(text: str) -> bool:
    """True if `text` is a demand_baseline.csv this module wrote: the table's header and a
    `source` of every row that starts with SOURCE_PREFIX."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or "source" not in lines[0].split(","):
        return False
    return all(SOURCE_PREFIX in line for line in lines[1:])


def write_baseline_demand(data_dir: Path) -> Path:
    """Derive the baseline demand and write it to `<data_dir>/demand_baseline.csv`: only over a
    file this module wrote (else InputError, exit 2, nothing written), and whole."""
    from npvi_model.generated_files import check_replaceable, write_whole

    path = Path(data_dir) / "demand_baseline.csv"
    check_replaceable(path, is_derived_baseline, "npvi derive-demand")
    text = baseline_csv_text(derive_baseline_demand(data_dir))
    write_whole(path, text)
    return path


@dataclass
class TotalCheck:
    """A derived national total set against a published one."""

    quantity: str
    year: int
    published: float
    derived: float
    unit: str
    tolerance_rel: float
    source: str
    upper_bound: bool = False  # published value includes more than the derivation covers

    @property
    def rel_deviation(self) -> float:
        """(derived - published) / published; 0 if both are 0."""
        if self.published == 0:
            return 0.0 if self.derived == 0 else float("inf")
        return (self.derived - self.published) / self.published

    @property
    def ok(self) -> bool:
        """Within tolerance; for an upper-bound quantity also not above the published value."""
        dev = self.rel_deviation
        if self.upper_bound:
            return -self.tolerance_rel <= dev <= 0.0
        return abs(dev) <= self.tolerance_rel

    def describe(self) -> str:
        bound = " (one-sided: derived <= published)" if self.upper_bound else ""
        status = "ok" if self.ok else "FAIL"
        return (
            f"{status:4} {self.quantity} {self.year}: published {self.published:g} {self.unit}, "
            f"derived {self.derived:.2f} {self.unit}, deviation {self.rel_deviation:+.1%}, "
            f"tolerance {self.tolerance_rel:.0%}{bound}"
        )


def national_total(anchors: pd.DataFrame, carrier: str, year: int) -> float:
    """Sum over clusters of the interpolated demand of `carrier` in `year` (carrier unit).

    Any year works, also one before 2025 (the table starts in 2025, the anchors do not).
    The sector split is not needed: the shares of each cluster and carrier sum to 1.
    """
    values = interpolate_anchors(anchors[anchors["carrier"] == carrier], [year])
    return float(values["value"].sum())


def check_published_totals(data_dir: Path) -> list[TotalCheck]:
    """Compare the derivation with every row of `published_totals.csv`."""
    anchors = load_anchors(data_dir)
    load_shares(data_dir)  # the table is built with them: they must be valid too
    published = _read(data_dir, "published_totals")
    checks = []
    for row in published.itertuples(index=False):
        if row.quantity not in PUBLISHED_QUANTITY:
            raise ValueError(f"published_totals.csv: unknown quantity {row.quantity!r}")
        carrier, factor = PUBLISHED_QUANTITY[row.quantity]
        checks.append(
            TotalCheck(
                quantity=row.quantity,
                year=int(row.year),
                published=float(row.value),
                derived=national_total(anchors, carrier, int(row.year)) * factor,
                unit=str(row.unit),
                tolerance_rel=float(row.tolerance_rel),
                source=str(row.source),
                upper_bound=row.quantity in UPPER_BOUND_QUANTITIES,
            )
        )
    return checks


def ces_2035_deviations(data_dir: Path) -> pd.DataFrame:
    """Per cluster with CES 3.0 data: the 2035 reconstruction against the CES 3.0 figure.

    Columns cluster, carrier, ces, derived, unit, deviation (derived - ces). The derived value is
    the sum over sectors of `derive_baseline_demand` in 2035.
    """
    table = derive_baseline_demand(data_dir)
    derived = table[table["year"] == 2035].groupby(["cluster", "carrier"])["value"].sum()
    ces = _read(data_dir, "ces3_cluster_extract")
    rows = []
    for row in ces.itertuples(index=False):
        if row.quantity not in CES_ANCHOR_QUANTITIES or int(row.year) != 2035:
            continue
        carrier, factor = CES_ANCHOR_QUANTITIES[row.quantity]
        ces_value = float(row.value) * factor
        got = float(derived.get((row.cluster, carrier), float("nan")))
        rows.append(
            {
                "cluster": row.cluster,
                "carrier": carrier,
                "ces": round(ces_value, 4),
                "derived": round(got, 4),
                "unit": CARRIER_UNIT[carrier],
                "deviation": round(got - ces_value, 4),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Write `demand_baseline.csv`, print the checks; return 1 if a published-total check fails."""
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else DEFAULT_DATA_DIR
    try:
        path = write_baseline_demand(data_dir)
        checks = check_published_totals(data_dir)
        deviations = ces_2035_deviations(data_dir)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    print("Published national totals:")
    for check in checks:
        print("  " + check.describe())
    print("2035 reconstruction vs CES 3.0 (derived - CES):")
    for row in deviations.itertuples(index=False):
        print(
            f"  {row.cluster:5} {row.carrier:12} CES {row.ces:9.4f} derived {row.derived:9.4f} "
            f"{row.unit:3} deviation {row.deviation:+.4f}"
        )
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
