"""The Markdown diff report of `npvi check` and the text form of its differences.

`markdown` gives the verdict per scenario, then every difference, failures first, each group
sorted by size; `difference_rows` is the same table as text for the command line.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import TYPE_CHECKING

from npvi_model.check_compare import (
    _SEVERITY_TEXT,
    ALTERNATIVE,
    FAIL,
    INFO,
    TOLERANCES,
    Difference,
)

if TYPE_CHECKING:
    from npvi_model.check import CheckReport


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.10g}"


def _fmt_rel(rel: float | None) -> str:
    if rel is None:
        return ""
    if math.isinf(rel):
        return "new" if rel > 0 else "-inf"
    return f"{rel:+.3g}" if abs(rel) < 1e-3 and rel != 0 else f"{rel:+.3%}"


def difference_rows(diffs: list[Difference]) -> list[tuple[str, ...]]:
    """(scenario, severity, quantity, index, old, new, relative change) as text."""
    return [
        (
            d.scenario,
            _SEVERITY_TEXT[d.severity],
            d.quantity,
            d.index,
            _fmt(d.old),
            _fmt(d.new),
            _fmt_rel(d.rel_change),
        )
        for d in diffs
    ]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(report: CheckReport, reference_dir: Path) -> str:
    """The diff report: verdict per scenario, then every difference, failures first, each
    group sorted by size."""
    failures = report.failures
    verdict = "FAIL" if failures else "OK"
    lines = [
        f"# Regression check: {verdict}",
        "",
        f"- date: {_dt.datetime.now().isoformat(timespec='seconds')}",
        f"- reference: `{reference_dir}`",
        "- tolerances: "
        + "; ".join(f"{k} rel {t.rel:g}, abs {t.abs:g}" for k, t in TOLERANCES.items())
        + "; fingerprint exact",
        "- a per-cluster difference with unchanged objective and national total is an "
        "alternative optimum of the LP, reported but not a failure",
        "",
    ]
    if report.updated:
        lines += [
            f"References rewritten for: {', '.join(report.updated)} (the differences "
            "below are against the previous reference).",
            "",
        ]
    lines += [
        "| scenario | result | failing | alternative optimum | info | solve s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in report.scenarios:
        own = [d for d in report.differences if d.scenario == name]
        n_fail = sum(d.is_failure for d in own)
        verdict = "new reference" if name in report.created else "FAIL" if n_fail else "match"
        lines.append(
            f"| {name} | {verdict} | {n_fail} | "
            f"{sum(d.severity == ALTERNATIVE for d in own)} | "
            f"{sum(d.severity == INFO for d in own)} | {report.seconds.get(name, '')} |"
        )
    lines.append("")
    for severity in (FAIL, ALTERNATIVE, INFO):
        group = [d for d in report.differences if d.severity == severity]
        if not group:
            continue
        lines += [
            f"## {_SEVERITY_TEXT[severity]} ({len(group)})",
            "",
            "| scenario | quantity | index | old | new | relative change |",
            "|---|---|---|---:|---:|---:|",
        ]
        for row in difference_rows(group):
            scenario, _sev, *rest = row
            lines.append("| " + " | ".join(_md_cell(c) for c in (scenario, *rest)) + " |")
        lines.append("")
    if not report.differences:
        lines += ["No differences.", ""]
    return "\n".join(lines)
