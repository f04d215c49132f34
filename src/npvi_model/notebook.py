"""Helpers for the reader notebooks (`notebooks/`): find the results, show figures and tables.

    from npvi_model.notebook import load_paths
    paths = load_paths()          # results/ after `make run`, else solves (and says so)
    paths.key_messages()          # the report's first screen, as Markdown
    paths.table("fit_in_time")    # a comparison table with readable headers and numbers
    paths.figure("emissions")     # a report figure

Where the results come from, in this order: the folder in the environment variable
`NPVI_RESULTS_DIR`; the project's `results/` folder (what `make run` writes); otherwise the three
paths are solved now, in memory (nothing is written), and the notebook says so first.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from npvi_model import analysis
from npvi_model.api import Results, load, run
from npvi_model.report import figures as figs
from npvi_model.report import fmt, messages
from npvi_model.report import tables as report_tables
from npvi_model.report.texts import t

PATHS = ("domestic", "import_intermediates", "reduced_base")

#: readable headers of the comparison tables' columns
HEADERS = {
    "scenario": "path",
    "cluster_name": "cluster",
    "first_access": "first year of access",
    "green_share_last_year": "green share, last year",
    "capacity_gw": "built (GW)",
    "target_gw": "target (GW)",
    "shortfall_gw": "short by (GW)",
    "target_label": "target",
    "emissions_mt": "emissions (Mt)",
    "target_mt": "target (Mt)",
    "gap_mt": "above target (Mt)",
    "main_cause": "main cause",
    "unmet_energy_twh": "falls back to fossil (TWh)",
    "demand_energy_twh": "demand (TWh)",
    "unmet_energy_share": "share falling back",
    "emission_gap_mt": "emission gap (Mt)",
    "target_shortfall_gw": "target shortfall (GW)",
    "marginal_value_eur_per_unit_yr": "value (EUR per unit per year)",
    "rank_in_unit": "rank",
    "label": "limit",
    "stranded_capacity": "not needed",
    "built_for": "built for",
    "materialises": "if instead",
    "capacity": "new capacity",
}


def project_root() -> Path:
    """The project folder (the one holding pyproject.toml above this package, or the current
    folder when installed elsewhere)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd()


def find_results(names: Sequence[str] = PATHS) -> Path | None:
    """The folder holding a result folder for every name: NPVI_RESULTS_DIR, else results/."""
    candidates = []
    if os.environ.get("NPVI_RESULTS_DIR"):
        candidates.append(Path(os.environ["NPVI_RESULTS_DIR"]))
    candidates.append(project_root() / "results")
    for folder in candidates:
        if all((folder / n / "results.nc").is_file() for n in names):
            return folder
    return None


@dataclass
class Paths:
    """The development paths' results, with the comparison tables computed once."""

    results: list[Results]
    source: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.tables:
            self.tables = analysis.comparison_tables(self.datasets)

    @property
    def datasets(self):  # noqa: ANN201
        return [r.ds for r in self.results]

    @property
    def names(self) -> list[str]:
        return analysis._unique_names(self.datasets)

    def key_messages(self, lang: str = "en"):  # noqa: ANN201
        """The report's key messages as Markdown (displayed as formatted text)."""
        from IPython.display import Markdown

        lines = []
        for ds, name in zip(self.datasets, self.names, strict=True):
            km = messages.key_messages(messages.path_numbers(ds, name, self.tables), lang)
            lines.append(f"### {t('path', lang)}: {name}\n")
            lines += [f"- **{q}.** {s}" for q, s in km.items]
            lines.append("")
        return Markdown("\n".join(lines))

    def table(  # noqa: ANN201
        self, key: str | pd.DataFrame, columns: Sequence[str] | None = None, rows: int = 60
    ):
        """A comparison table (its name, or a DataFrame made from one) with readable headers and
        human numbers, up to `rows` rows."""
        df = self.tables[key] if isinstance(key, str) else key
        if columns is not None:
            df = df[list(columns)]
        rt = report_tables.from_frame("", df, HEADERS, max_rows=rows)
        shown = pd.DataFrame(rt.rows, columns=rt.headers)
        styler = shown.style.hide(axis="index")
        if rt.note:
            styler = styler.set_caption(f"first {rt.note} rows (all in the CSV files)")
        return styler

    def figure(self, name: str, path: str | None = None, carrier: str = "hydrogen"):  # noqa: ANN201
        """A report figure: "capacity", "emissions", "paths", "no_regret", or per path
        ("access", "bottlenecks", "supply") for `path` (default: the first)."""
        from IPython.display import Image

        tables = self.tables
        if name == "capacity":
            fig = figs.fig_capacity_vs_targets(
                self.datasets, self.names, tables["capacity_vs_targets"]
            )
        elif name == "emissions":
            fig = figs.fig_emissions(self.datasets, self.names, tables["emissions_vs_targets"])
        elif name == "paths":
            fig = figs.fig_path_comparison(tables["headline"])
        elif name == "no_regret":
            fig = figs.fig_no_regret(tables["no_regret_new"])
        else:
            path = path or self.names[0]
            ds = self.datasets[self.names.index(path)]

            def mine(key: str) -> pd.DataFrame:
                return tables[key][tables[key]["scenario"] == path]

            if name == "access":
                fig = figs.fig_access_heatmap(ds, mine("access_timeline"))
            elif name == "bottlenecks":
                fig = figs.fig_bottlenecks(path, mine("bottlenecks"))
            elif name == "supply":
                fig = figs.fig_supply(ds, carrier)
            else:
                raise ValueError(f"unknown figure {name!r}")
        return Image(figs.to_png(fig))


def load_paths(names: Sequence[str] = PATHS, hours: int | None = None) -> Paths:
    """Load the paths' results (see the module docstring); print where they come from."""
    folder = find_results(names)
    if folder is not None:
        print(f"Reading the results in {folder}")
        return Paths([load(folder / n) for n in names], str(folder))
    scenarios = project_root() / "scenarios"
    print(
        "No results found (run `make run` first to read them instead). Solving the "
        f"{len(names)} paths now, in memory; this takes a few minutes and writes nothing."
    )
    solved = [run(scenarios / f"{n}.yaml", hours=hours) for n in names]
    return Paths(solved, "solved in this notebook")


def number(value: float, unit: str = "", lang: str = "en") -> str:
    """A number as the report prints it ("12.3 TWh")."""
    return fmt.with_unit(value, unit, lang)
