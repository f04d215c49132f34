"""The robust plan for the reader notebook (`notebooks/04_robust_plan.ipynb`): find the
`robust/` folder of `npvi robust` and say where it was read, or compute a small preview in
memory (nothing written) when there is none; show a figure as a PNG image.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from npvi_model.notebook import project_root
from npvi_model.robust.report import outcome_report_section, robust_report_section

PATHS = ("domestic", "import_intermediates", "reduced_base")


def find_robust() -> Path | None:
    """`robust/` under NPVI_RESULTS_DIR, else under the project's results/ (None if neither)."""
    candidates = []
    if os.environ.get("NPVI_RESULTS_DIR"):
        candidates.append(Path(os.environ["NPVI_RESULTS_DIR"]))
    candidates.append(project_root() / "results")
    return next(
        (c / "robust" for c in candidates if (c / "robust" / "summary.json").is_file()), None
    )


def robust_section() -> dict:
    """The report section of the robust plan: from `robust/` when there is one (it says where),
    else a preview of the three paths at 1 representative day without the VSS, in memory."""
    folder = find_robust()
    if folder is not None:
        print(f"Reading the results in {folder}")
        return robust_report_section(folder)
    from npvi_model.robust.command import prepare_paths
    from npvi_model.robust.evaluate import robust_plan

    print("No robust/ folder (run `make robust`): solving a preview at 1 representative day,")
    print("in memory, nothing written.")
    files = [project_root() / "scenarios" / f"{p}.yaml" for p in PATHS]
    inputs, solver = prepare_paths(files, None, "1", False)
    outcome = robust_plan(inputs, solver=solver, value_of_stochastic_solution=False)
    return outcome_report_section(outcome)


def show(figure):  # noqa: ANN201 - an IPython Image
    """A matplotlib figure as a PNG image in the notebook."""
    from IPython.display import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return Image(buffer.getvalue())
