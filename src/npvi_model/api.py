"""The Python API for notebooks and scripts: run a scenario, load a result folder, ask questions.

    import npvi_model
    res = npvi_model.load("results/domestic")             # after `make run`
    res = npvi_model.run("scenarios/domestic.yaml", hours=2,
                         overrides={"parameters.discount_rate": 0.05})
    res = npvi_model.run({"extends": "base.yaml", "name": "mine"}, base_dir="scenarios")
    res.first_access()            # the same tables the CLI writes, as DataFrames
    res.key_messages()            # the report's key messages, as sentences
    npvi_model.compare([a, b, c]) # comparison tables across paths

`run` solves in memory and writes nothing unless `out` is given; `Results.save(out)` writes the
result folder later (results.nc, CSV, summary.json), as `npvi run` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from npvi_model import analysis


@dataclass
class Results:
    """One run: the result Dataset (`ds`, the variables of `docs/outputs.md`), its summary
    (the content of summary.json; empty when loaded without one) and, when it is on disk, its
    folder. The methods are the analysis of `npvi_model.analysis`, one per question."""

    ds: xr.Dataset
    summary: dict = field(default_factory=dict)
    folder: Path | None = None

    @property
    def name(self) -> str:
        return analysis.scenario_name(self.ds)

    @property
    def years(self) -> list[int]:
        return analysis.model_years(self.ds)

    def __repr__(self) -> str:
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return f"Results(name={self.name!r}, years={self.years}{where})"

    # -- the questions, as in the CLI's comparison tables
    def access_timeline(self, threshold: float | None = None) -> pd.DataFrame:
        """Green share per cluster, carrier and year, and when access starts."""
        return analysis.access_timeline(self.ds, threshold)

    def first_access(self, threshold: float | None = None) -> pd.DataFrame:
        """First year of green access per cluster and carrier."""
        return analysis.first_access_table(analysis.access_timeline(self.ds, threshold))

    def capacity_vs_targets(self) -> pd.DataFrame:
        """Electrolysis and offshore wind capacity (GW) against the policy targets."""
        return analysis.capacity_vs_targets(self.ds)

    def national_capacity(self) -> pd.DataFrame:
        return analysis.national_capacity(self.ds)

    def capacity_by_cluster(self) -> pd.DataFrame:
        return analysis.capacity_by_cluster(self.ds)

    def bottlenecks(self, year: int | Sequence[int] | None = None, top: int | None = None):
        """Binding capacity limits ranked by marginal value within each unit."""
        return analysis.bottleneck_ranking(self.ds, year=year, top=top)

    def carrier_prices(self) -> pd.DataFrame:
        return analysis.carrier_prices(self.ds)

    def emissions_vs_targets(self) -> pd.DataFrame:
        """Emissions per year against the cap or target, the gap split by cause."""
        return analysis.emissions_vs_targets(self.ds)

    def gaps(self) -> pd.DataFrame:
        """Delivery gap and cost gap per carrier and year, national (analysis/gaps.py)."""
        from npvi_model.analysis.gaps import gaps_national

        return gaps_national(self.ds)

    def delivery_fit(self) -> pd.DataFrame:
        """Per year: does the demand fit in time, and if not, what holds it back."""
        from npvi_model.analysis.gaps import delivery_fit

        return delivery_fit(self.ds)

    def key_messages(self, lang: str = "en") -> list[tuple[str, str]]:
        """The report's key messages for this run: (question, sentence) pairs."""
        from npvi_model.report import messages

        tables = analysis.comparison_tables([self.ds])
        return messages.key_messages(messages.path_numbers(self.ds, self.name, tables), lang).items

    def save(self, out_dir: str | Path) -> Path:
        """Write the result folder `<out_dir>/<name>/` (atomically); returns it."""
        from npvi_model.results_io import write_results

        self.folder = write_results(Path(out_dir), self.ds, self.summary)
        return self.folder


def load(folder: str | Path) -> Results:
    """Load a result folder (results.nc, and summary.json when present)."""
    from npvi_model.results_io import load_summary

    folder = Path(folder)
    ds = analysis.load_results(folder)
    summary = load_summary(folder) if (folder / "summary.json").is_file() else {}
    return Results(ds, summary, folder)


def load_all(folder: str | Path) -> list[Results]:
    """Every result folder in `folder` (or `folder` itself), sorted by name."""
    return [load(d) for d in analysis.find_result_dirs([folder])]


def resolve_any(
    scenario: str | Path | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    base_dir: str | Path | None = None,
):
    """A ResolvedScenario from a YAML path or a dict (see `scenario.resolve_dict`)."""
    from npvi_model.scenario import resolve, resolve_dict

    over = dict(overrides or {})
    if isinstance(scenario, Mapping):
        return resolve_dict(dict(scenario), base_dir=base_dir, overrides=over)
    return resolve(scenario, overrides=over)


def run(
    scenario: str | Path | Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    hours: int | str | None = None,
    *,
    base_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    out: str | Path | None = None,
) -> Results:
    """Solve one scenario and return its Results.

    `scenario`: a YAML path or a dict as the YAML would read (`extends` relative to `base_dir`).
    `overrides`: values to change, nested or with dotted keys, e.g.
    {"parameters.discount_rate": 0.05}; recorded in provenance as "--set". `hours`: a number of
    representative days, "full" for 8760 h, or None for the scenario's own setting. Writes the
    result folder into `out` when given. Raises InputError on bad input, SolveError when the
    solver does not reach an optimum.
    """
    from npvi_model.pipeline import solve_scenario

    resolved = resolve_any(scenario, overrides, base_dir)
    ds, summary = solve_scenario(
        resolved, Path(data_dir) if data_dir else None, None if hours is None else str(hours)
    )
    results = Results(ds, summary)
    if out is not None:
        results.save(out)
    return results


def compare(results: Sequence[Results]) -> dict[str, pd.DataFrame]:
    """The comparison tables of several runs (as `npvi compare` writes them)."""
    return analysis.comparison_tables([r.ds for r in results])
