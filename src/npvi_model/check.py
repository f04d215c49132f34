"""Regression check of scenario outputs against committed references (`npvi check`).

Each shipped scenario is re-solved and its compact *reference* (`reference_from`) is compared
with `tests/reference/<scenario>.json` (`compare`). `npvi check --update --reason "..."`
rewrites the references and appends the reason to `tests/reference/CHANGELOG.md`.

What a reference holds
----------------------
- the headline figures of `summary.json` per year (unmet per carrier, emissions, emission gap,
  electrolysis GW, offshore wind GW), the solver status and the objective;
- key tables: `capacity` per technology x cluster x year, `unmet` per carrier x cluster x year,
  `emissions` per year, and the power system's `grid_supply_by_step` (step x year) and
  `scope2_emissions` per year (national aggregates);
- the model fingerprint: variables and constraints per family (Pyomo component) and in total,
  and the non-zeros per constraint family. The non-zeros come from Pyomo's
  `LinearStandardFormCompiler` (the matrix the LP writers build; ~2 s for the 136k rows of a
  default-resolution scenario), computed on the model `solve_scenario` builds (see
  `pipeline.model_fingerprint`). Rows whose body is constant are dropped by the compiler, so
  only non-zeros are taken from it, never row counts;
- metadata for information only (input hash, versions, solver options, time resolution).

Severities and alternative optima
---------------------------------
An LP optimum is unique in its objective value, not necessarily in its solution: with ties
(degeneracy) the solver may return another vertex of the optimal face, e.g. electrolyser
capacity in RM instead of ZWB at the same cost, or a different slice pattern. Which vertex
comes out depends on HiGHS version, presolve and the order of rows, so per-cluster values are
not a sound hard test. We therefore grade:

- **fail** (exit 1): the objective (unique by LP theory), the fingerprint (exact; a structural
  change of the model), the solver status, and the national aggregates per year (unmet per
  carrier, emissions, emission gap, electrolysis GW, offshore wind GW). National aggregates are
  *not* guaranteed unique in an LP with ties either; we hard-fail on them because in this model
  they carry cost directly: every unit of unmet demand is priced via the fossil fallback, every
  tonne of emissions carries the CO2 price (and the cap penalty), and wind and electrolysis
  capacity carry investment annuities. A tie that keeps the objective but moves one of them is
  possible but requires an exact cost coincidence, so a change there is far more likely a real
  change. If a genuine tie ever shows up here, the diff says so (objective unchanged while the
  aggregate moves) and the reference is updated with a reason.
- **alternative optimum** (reported, not a failure): a difference in a per-cluster table
  (capacity per technology x cluster x year, unmet per carrier x cluster x year) while the
  objective is within tolerance AND the national total of the same quantity (sum over clusters
  for the same technology/carrier and year) is within tolerance. That is the signature of
  capacity or shortfall moved between clusters at equal cost. A per-cluster difference whose
  national total or the objective moved is a **fail**.
- **info**: metadata that changed (input hash, solver version); explains a failure, is not one.

Tolerances (`TOLERANCES`, the one place they are stated)
--------------------------------------------------------
A value differs when |new - old| exceeds BOTH its absolute and its relative tolerance
(|new - old| > abs and |new - old| > rel * |old|); i.e. the effective tolerance is
max(abs, rel * |old|), so large numbers are judged relatively and numbers near zero absolutely.

- objective: rel 1e-6, abs 1 EUR. HiGHS ipm stops at a relative primal-dual gap of
  `ipm_optimality_tolerance` = 1e-8; crossover then returns a basic solution whose primal and
  dual infeasibilities are within `primal/dual_feasibility_tolerance` = 1e-7 (on the scaled
  model), so the objective of the vertex is exact to ~1e-9 relative, and identical on repeated
  solves of one machine. 1e-6 leaves a factor 100 over the ipm gap (and room for a simplex
  solve, whose objective tolerance is also set by the 1e-7 feasibility tolerances), yet it is
  ~100 k EUR on a ~1e11 EUR objective: any data change worth reporting moves it far more.
- aggregates and per-cluster tables: rel 1e-6, abs 1e-4 (TWh, Mt, GW or GWh). A basic solution
  satisfies each row to 1e-7 in model units (GW per slice); an annual energy is a sum of slice
  values weighted by hours that add up to 8760 h, so a 1e-7 GW error in every slice adds up to
  8760 h x 1e-7 GW ~ 1e-6 TWh per term, and a national total over a few dozen terms stays
  below ~1e-5. 1e-4 is 10x above that and 1000x below the precision the summary is read at
  (0.1 TWh, 0.01 Mt); rel 1e-6 matches the objective for large values.
- fingerprint: exact (integers).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import xarray as xr

from npvi_model.errors import InputError, Problem

REFERENCE_FORMAT = 1
DEFAULT_REFERENCE_DIR = Path("tests/reference")
CHANGELOG = "CHANGELOG.md"

FAIL = "fail"
ALTERNATIVE = "alternative optimum"
INFO = "info"
_SEVERITY_ORDER = {FAIL: 0, ALTERNATIVE: 1, INFO: 2}
_SEVERITY_TEXT = {FAIL: "FAIL", ALTERNATIVE: "alternative optimum (not a failure)", INFO: "info"}


@dataclass(frozen=True)
class Tolerance:
    """A value differs when |new - old| > abs and |new - old| > rel * |old|."""

    rel: float
    abs: float

    def differs(self, old: float, new: float) -> bool:
        delta = abs(new - old)
        return delta > self.abs and delta > self.rel * abs(old)


#: The tolerances of the check; the derivation is in the module docstring.
TOLERANCES: dict[str, Tolerance] = {
    "objective": Tolerance(rel=1e-6, abs=1.0),
    "aggregate": Tolerance(rel=1e-6, abs=1e-4),
    "table": Tolerance(rel=1e-6, abs=1e-4),
}

#: headline keys of summary.json compared as national aggregates (`emissions_mt` is the
#: `emissions` table, compared there once)
HEADLINE_KEYS = ("emission_gap_mt", "electrolysis_gw", "offshore_wind_gw")
#: per-cluster tables: name -> dims (the national total sums `cluster` out)
CLUSTER_TABLES = {
    "capacity": ("technology", "cluster", "year"),
    "unmet": ("carrier", "cluster", "year"),
}
#: national tables of the power system behind the grid (compared value by value, FAIL)
POWER_SYSTEM_TABLES = {
    "grid_supply_by_step": ("grid_step", "year"),
    "scope2_emissions": ("year",),
}
METADATA_KEYS = ("input_sha256", "time_resolution", "n_slices", "solver_options", "versions")


@dataclass(frozen=True)
class Difference:
    """One differing value. `old`/`new` are None where a value is missing on one side;
    `rel_change` is (new - old) / |old| (inf when old is 0, None when not numeric)."""

    scenario: str
    quantity: str
    index: str
    old: float | int | str | None
    new: float | int | str | None
    rel_change: float | None
    severity: str

    @property
    def is_failure(self) -> bool:
        return self.severity == FAIL


# -- the reference of one solved scenario -------------------------------------------------------


def _num(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _table(da: xr.DataArray, dims: tuple[str, ...]) -> dict:
    series = da.transpose(*dims).to_series()
    values = {
        "|".join(str(k) for k in (key if isinstance(key, tuple) else (key,))): _num(v)
        for key, v in series.items()
    }
    return {"dims": list(dims), "units": str(da.attrs.get("units", "")), "values": values}


def reference_from(ds: xr.Dataset, summary: dict) -> dict:
    """The compact reference of one solved scenario (see the module docstring)."""
    fingerprint = dict(summary["model"])
    tables = {name: _table(ds[name], dims) for name, dims in CLUSTER_TABLES.items()}
    if "units_by_technology" in ds["capacity"].attrs:
        tables["capacity"]["units"] = str(ds["capacity"].attrs["units_by_technology"])
    tables["emissions"] = _table(ds["emissions"], ("year",))
    for name, dims in POWER_SYSTEM_TABLES.items():
        if name in ds:
            tables[name] = _table(ds[name], dims)
    headline = {
        str(year): {
            "unmet": {str(c): float(v) for c, v in values["unmet"].items()},
            **{k: float(values[k]) for k in ("emissions_mt", *HEADLINE_KEYS)},
        }
        for year, values in summary["years"].items()
    }
    metadata = summary.get("metadata", {})
    return {
        "format": REFERENCE_FORMAT,
        "scenario": summary["scenario"],
        "status": summary["status"],
        "objective_eur": float(summary["objective_eur"]),
        "headline": headline,
        "tables": tables,
        "fingerprint": fingerprint,
        "metadata": {k: metadata[k] for k in METADATA_KEYS if k in metadata},
    }


# -- comparison -------------------------------------------------------------------------------


def _rel(old, new) -> float | None:
    if not isinstance(old, int | float) or not isinstance(new, int | float):
        return None
    if old == new:
        return 0.0
    if old == 0:
        return math.copysign(math.inf, new)
    return (new - old) / abs(old)


def _size_key(d: Difference) -> tuple:
    rel = d.rel_change
    size = abs(rel) if rel is not None else -1.0
    delta = (
        abs(d.new - d.old)
        if isinstance(d.old, int | float) and isinstance(d.new, int | float)
        else 0.0
    )
    return (-size, -delta, d.quantity, d.index)


def sort_by_size(diffs: list[Difference]) -> list[Difference]:
    """Largest relative change first (new-from-zero and missing values count as infinite)."""
    return sorted(diffs, key=_size_key)


def _differs(old, new, tol: Tolerance) -> bool:
    if old is None or new is None:
        return old is not new
    return tol.differs(float(old), float(new))


def _missing_rel(old, new) -> float | None:
    return math.inf if (old is None) != (new is None) else _rel(old, new)


def _index(dims: list[str], key: str) -> str:
    return " ".join(f"{d}={v}" for d, v in zip(dims, key.split("|"), strict=True))


def compare(reference: dict, fresh: dict, scenario: str) -> list[Difference]:
    """Differences between a committed reference and a fresh one, sorted by size."""
    out: list[Difference] = []

    def add(quantity, index, old, new, severity):
        out.append(
            Difference(scenario, quantity, index, old, new, _missing_rel(old, new), severity)
        )

    if reference.get("status") != fresh.get("status"):
        add("status", "", reference.get("status"), fresh.get("status"), FAIL)
    old_obj, new_obj = reference.get("objective_eur"), fresh.get("objective_eur")
    objective_ok = not _differs(old_obj, new_obj, TOLERANCES["objective"])
    if not objective_ok:
        add("objective_eur", "", old_obj, new_obj, FAIL)

    agg = TOLERANCES["aggregate"]
    old_h, new_h = reference.get("headline", {}), fresh.get("headline", {})
    for year in sorted(set(old_h) | set(new_h)):
        o, n = old_h.get(year, {}), new_h.get(year, {})
        for carrier in sorted(set(o.get("unmet", {})) | set(n.get("unmet", {}))):
            ov, nv = o.get("unmet", {}).get(carrier), n.get("unmet", {}).get(carrier)
            if _differs(ov, nv, agg):
                add("unmet (national)", f"carrier={carrier} year={year}", ov, nv, FAIL)
        for key in HEADLINE_KEYS:
            if _differs(o.get(key), n.get(key), agg):
                add(f"{key} (national)", f"year={year}", o.get(key), n.get(key), FAIL)

    old_t, new_t = reference.get("tables", {}), fresh.get("tables", {})
    old_e = old_t.get("emissions", {}).get("values", {})
    new_e = new_t.get("emissions", {}).get("values", {})
    for year in sorted(set(old_e) | set(new_e)):
        if _differs(old_e.get(year), new_e.get(year), agg):
            add("emissions (national)", f"year={year}", old_e.get(year), new_e.get(year), FAIL)

    for name, dims in POWER_SYSTEM_TABLES.items():
        old_v = old_t.get(name, {}).get("values", {})
        new_v = new_t.get(name, {}).get("values", {})
        for key in sorted(set(old_v) | set(new_v)):
            if _differs(old_v.get(key), new_v.get(key), agg):
                where = _index(list(dims), key)
                add(f"{name} (national)", where, old_v.get(key), new_v.get(key), FAIL)

    for name, dims in CLUSTER_TABLES.items():
        out += _compare_cluster_table(
            name,
            list(dims),
            old_t.get(name, {}).get("values", {}),
            new_t.get(name, {}).get("values", {}),
            objective_ok,
            scenario,
        )

    out += _compare_fingerprint(
        reference.get("fingerprint", {}), fresh.get("fingerprint", {}), scenario
    )
    old_m, new_m = reference.get("metadata", {}), fresh.get("metadata", {})
    for key in METADATA_KEYS:
        if old_m.get(key) != new_m.get(key):
            out.append(
                Difference(
                    scenario,
                    f"metadata.{key}",
                    "",
                    _short(old_m.get(key)),
                    _short(new_m.get(key)),
                    None,
                    INFO,
                )
            )
    return sort_by_size(out)


def _short(value) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def _compare_cluster_table(
    name: str, dims: list[str], old: dict, new: dict, objective_ok: bool, scenario: str
) -> list[Difference]:
    tol = TOLERANCES["table"]
    cluster_pos = dims.index("cluster")

    def national(values: dict) -> dict[tuple, float]:
        totals: dict[tuple, float] = {}
        for key, v in values.items():
            parts = key.split("|")
            group = tuple(p for i, p in enumerate(parts) if i != cluster_pos)
            totals[group] = totals.get(group, 0.0) + (v or 0.0)
        return totals

    old_nat, new_nat = national(old), national(new)
    out = []
    for key in sorted(set(old) | set(new)):
        ov, nv = old.get(key), new.get(key)
        if not _differs(ov, nv, tol):
            continue
        group = tuple(p for i, p in enumerate(key.split("|")) if i != cluster_pos)
        national_ok = (
            group in old_nat
            and group in new_nat
            and not TOLERANCES["aggregate"].differs(old_nat[group], new_nat[group])
        )
        severity = ALTERNATIVE if (objective_ok and national_ok) else FAIL
        out.append(
            Difference(scenario, name, _index(dims, key), ov, nv, _missing_rel(ov, nv), severity)
        )
    return out


def _compare_fingerprint(old: dict, new: dict, scenario: str) -> list[Difference]:
    out = []
    for total in ("n_variables", "n_constraints", "n_nonzeros"):
        if old.get(total) != new.get(total):
            out.append(
                Difference(
                    scenario,
                    f"fingerprint.{total}",
                    "",
                    old.get(total),
                    new.get(total),
                    _missing_rel(old.get(total), new.get(total)),
                    FAIL,
                )
            )
    for part in ("variables", "constraints", "nonzeros"):
        o, n = old.get(part) or {}, new.get(part) or {}
        if (part in old) != (part in new):
            out.append(
                Difference(
                    scenario,
                    f"fingerprint.{part}",
                    "",
                    _short(o) if o else None,
                    _short(n) if n else None,
                    math.inf,
                    FAIL,
                )
            )
            continue
        for family in sorted(set(o) | set(n)):
            if o.get(family) != n.get(family):
                out.append(
                    Difference(
                        scenario,
                        f"fingerprint.{part}",
                        f"family={family}",
                        o.get(family),
                        n.get(family),
                        _missing_rel(o.get(family), n.get(family)),
                        FAIL,
                    )
                )
    return out


# -- the check ---------------------------------------------------------------------------------


@dataclass
class CheckReport:
    """Outcome of `run_check`. `results` maps scenario name -> result folder (with
    keep_results); `updated` lists the scenarios whose reference was rewritten, `created`
    those of them that had no (readable) reference before."""

    scenarios: list[str]
    differences: list[Difference]
    markdown: str
    report_path: Path | None = None
    results: dict[str, Path] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Difference]:
        return [d for d in self.differences if d.is_failure]

    @property
    def ok(self) -> bool:
        return not self.failures


def shipped_scenarios(folder: Path = Path("scenarios")) -> list[Path]:
    """Every `scenarios/*.yaml`, except private scratch files whose name starts with '_'."""
    return sorted(p for p in Path(folder).glob("*.yaml") if not p.name.startswith("_"))


def reference_path(reference_dir: Path, scenario: str) -> Path:
    return Path(reference_dir) / f"{scenario}.json"


def load_reference(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        problem = Problem(str(path), "", f"not a readable reference file: {err}")
        raise InputError([problem]) from None
    if data.get("format") != REFERENCE_FORMAT:
        raise InputError(
            [
                Problem(
                    str(path),
                    "format",
                    f"reference format {data.get('format')!r}"
                    f", expected {REFERENCE_FORMAT}; regenerate it with --update",
                )
            ]
        )
    return data


def _check_reason(update: bool, reason: str | None) -> list[Problem]:
    if not update:
        return []
    if reason is None or not reason.strip():
        return [
            Problem(
                "command line",
                "--reason",
                "--update needs a non-empty one-line "
                '--reason, e.g. --reason "new offshore wind roadmap"',
            )
        ]
    if "\n" in reason.strip() or "\r" in reason:
        return [Problem("command line", "--reason", "the reason must be one line")]
    return []


def run_check(
    scenarios: list[Path],
    reference_dir: Path,
    update: bool = False,
    reason: str | None = None,
    keep_results: Path | None = None,
    report_path: Path | None = None,
    data_dir: Path | None = None,
    allow_missing_reference: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Re-solve each scenario once, compare with its reference, write the Markdown report.

    Raises InputError before solving anything on bad input: --update without a reason, an
    unreadable scenario, or (unless `update` or `allow_missing_reference`, which turns it into
    a failing difference) a scenario without a reference file. Raises SolveError when a
    scenario does not solve to optimality.
    """
    from npvi_model.pipeline import solve_scenario
    from npvi_model.results_io import write_results
    from npvi_model.scenario import resolve

    say = progress or (lambda _msg: None)
    reference_dir = Path(reference_dir)
    problems = _check_reason(update, reason)
    resolved = []
    for path in scenarios:
        try:
            resolved.append((Path(path), resolve(path)))
        except InputError as err:
            problems += err.problems
    references: dict[str, dict | None] = {}
    for path, res in resolved:
        name = res.scenario.name
        ref = reference_path(reference_dir, name)
        if ref.is_file():
            try:
                references[name] = load_reference(ref)
            except InputError as err:
                if not update:
                    problems += err.problems
                references[name] = None
        elif update or allow_missing_reference:
            references[name] = None
        else:
            problems.append(
                Problem(
                    str(path),
                    "",
                    f"no reference file {ref}; create it with "
                    f"`npvi check {path} --reference {reference_dir} --update "
                    f'--reason "..."`',
                )
            )
    if not scenarios:
        problems.append(Problem("command line", "SCENARIO", "no scenario files to check"))
    if problems:
        raise InputError(problems)

    diffs: list[Difference] = []
    fresh_refs: dict[str, dict] = {}
    results: dict[str, Path] = {}
    seconds: dict[str, float] = {}
    for _path, res in resolved:
        name = res.scenario.name
        t0 = time.perf_counter()
        ds, summary = solve_scenario(res, data_dir, progress=lambda msg, n=name: say(f"{n}: {msg}"))
        seconds[name] = round(time.perf_counter() - t0, 1)
        fresh = reference_from(ds, summary)
        fresh_refs[name] = fresh
        if keep_results is not None:
            results[name] = write_results(Path(keep_results), ds, summary)
        old = references[name]
        if old is not None:
            diffs += compare(old, fresh, name)
        elif not update:
            diffs.append(
                Difference(
                    name,
                    "reference",
                    str(reference_path(reference_dir, name)),
                    None,
                    "missing",
                    math.inf,
                    FAIL,
                )
            )
        say(f"{name}: done in {seconds[name]:.0f} s")

    updated: list[str] = []
    created: list[str] = []
    if update:
        reference_dir.mkdir(parents=True, exist_ok=True)
        for name, fresh in fresh_refs.items():
            _write_json(reference_path(reference_dir, name), fresh)
            updated.append(name)
        created = [name for name in updated if references[name] is None]
        _append_changelog(reference_dir, updated, (reason or "").strip(), diffs, created)

    report = CheckReport(
        scenarios=[r.scenario.name for _, r in resolved],
        differences=sort_by_size(diffs),
        markdown="",
        report_path=report_path,
        results=results,
        updated=updated,
        seconds=seconds,
        created=created,
    )
    report.markdown = markdown(report, reference_dir)
    if report_path is not None:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(report.markdown)
    return report


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    tmp.replace(path)


def _append_changelog(
    reference_dir: Path,
    scenarios: list[str],
    reason: str,
    diffs: list[Difference],
    created: list[str],
) -> None:
    path = reference_dir / CHANGELOG
    if not path.is_file():
        path.write_text(
            "# Changelog of the regression references\n\n"
            'One line per `npvi check --update --reason "..."`: date, scenarios, '
            "reason, and what changed against the previous reference.\n\n"
        )
    failing = sum(d.is_failure for d in diffs)
    alternative = sum(d.severity == ALTERNATIVE for d in diffs)
    objective = [
        f"{d.scenario} {_fmt_rel(d.rel_change)}" for d in diffs if d.quantity == "objective_eur"
    ]
    changed = (
        f"{failing} failing, {alternative} alternative-optimum differences vs the previous "
        "reference" + (f" (objective: {', '.join(objective)})" if objective else "")
    )
    if created:
        changed = (
            "new reference"
            if len(created) == len(scenarios)
            else f"new reference for {', '.join(created)}; {changed}"
        )
    line = f"- {_dt.date.today().isoformat()} | {', '.join(scenarios)} | {reason} | {changed}\n"
    with path.open("a") as handle:
        handle.write(line)


# -- formatting ------------------------------------------------------------------------------


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
