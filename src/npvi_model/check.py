"""Regression check of scenario outputs against committed references (`npvi check`).

Each shipped scenario is re-solved and its compact *reference* (`reference_from`) is compared
with `tests/reference/<scenario>.json` (`compare`). `npvi check --update --reason "..."`
rewrites the references and appends the reason to `tests/reference/CHANGELOG.md`.

What a reference holds
----------------------
- the headline figures of `summary.json` per year (unmet per carrier, emissions, emission gap,
  electrolysis GW, offshore wind GW), the solver status and the objective;
- key tables: `capacity` per technology x cluster x year, `unmet` per carrier x cluster x year,
  `emissions` per year, the power system's `grid_supply_by_step` (step x year) and
  `scope2_emissions` per year (national aggregates), and `path_rule_value` (rule x year: what
  relaxing each path rule saves, one-sided, so unique; compared value by value);
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

Code: the reference and its comparison in `check_compare.py`, the Markdown report in
`check_report.py`; this module runs the check and keeps the reference store (files, changelog).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# re-exported: tests, the CLI and the fixtures import these from npvi_model.check
from npvi_model.check_compare import (  # noqa: F401
    _SEVERITY_ORDER,
    _SEVERITY_TEXT,
    ALTERNATIVE,
    CLUSTER_TABLES,
    FAIL,
    HEADLINE_KEYS,
    INFO,
    METADATA_KEYS,
    NATIONAL_TABLES,
    POWER_SYSTEM_TABLES,
    REFERENCE_FORMAT,
    TOLERANCES,
    VALUE_TABLES,
    Difference,
    Tolerance,
    compare,
    reference_from,
    sort_by_size,
)
from npvi_model.check_report import _fmt, _fmt_rel, difference_rows, markdown  # noqa: F401
from npvi_model.errors import InputError, Problem, SolveError

DEFAULT_REFERENCE_DIR = Path("tests/reference")
CHANGELOG = "CHANGELOG.md"


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
    jobs: int | None = None,
) -> CheckReport:
    """Re-solve each scenario once, compare with its reference, write the Markdown report.

    The scenarios are solved cold, side by side in `jobs` worker processes (default: one per
    usable core, `parallel_runs.default_jobs`); each solve is the same as alone (one HiGHS
    thread, same LP, same options).

    Raises InputError before solving anything on bad input: --update without a reason, an
    unreadable scenario, or (unless `update` or `allow_missing_reference`, which turns it into
    a failing difference) a scenario without a reference file. Raises SolveError when a
    scenario does not solve to optimality.
    """
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
    solved = _solve_all([res for _, res in resolved], data_dir, say, jobs)
    for _path, res in resolved:
        name = res.scenario.name
        ds, summary, seconds[name] = solved[name]
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


def _solve_cold(res, data_dir, progress=None) -> tuple:
    """One scenario solved cold (no basis cache: the check tests the solve from scratch):
    (results, summary, seconds)."""
    from npvi_model.pipeline import solve_scenario

    t0 = time.perf_counter()
    ds, summary = solve_scenario(res, data_dir, progress=progress, basis_cache=False)
    return ds, summary, round(time.perf_counter() - t0, 1)


def _solve_cold_in_worker(res, data_dir) -> tuple:
    """`_solve_cold` in a worker process; a SolveError comes back as (None, status, text,
    diagnosis), since it does not pickle across processes."""
    try:
        return _solve_cold(res, data_dir)
    except SolveError as err:
        return (None, err.status, str(err), err.diagnosis)


def _solve_all(resolved: list, data_dir, say: Callable[[str], None], jobs: int | None) -> dict:
    """{scenario name: (results, summary, seconds)} for every resolved scenario, solved one
    after another (jobs 1, or one scenario) or in `jobs` worker processes."""
    from npvi_model.parallel_runs import _context, default_jobs

    jobs = default_jobs(len(resolved)) if jobs is None else max(1, jobs)
    names = [res.scenario.name for res in resolved]
    if jobs == 1 or len(resolved) == 1:
        outcomes = {
            name: _solve_cold(res, data_dir, progress=lambda msg, n=name: say(f"{n}: {msg}"))
            for name, res in zip(names, resolved, strict=True)
        }
    else:
        from concurrent.futures import ProcessPoolExecutor

        say(f"solving {len(resolved)} scenarios in {jobs} worker processes")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
            futures = {
                name: pool.submit(_solve_cold_in_worker, res, data_dir)
                for name, res in zip(names, resolved, strict=True)
            }
            try:
                outcomes = {name: future.result() for name, future in futures.items()}
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    for name in names:  # the first failure in file order, as a solve alone raises it
        if outcomes[name][0] is None:
            _, status, text, diagnosis = outcomes[name]
            raise SolveError(status, text, diagnosis)
    return outcomes


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
