"""The basis cache (`basis_cache.py`): an LP solved again starts at its stored optimal basis,
keyed by the LP's content; a changed LP misses; a broken entry is ignored, never fatal.

Every test has an empty cache folder of its own (`NPVI_CACHE_DIR`, conftest.py)."""

from __future__ import annotations

import os

import numpy as np
import pyomo.environ as pyo
import pytest

from npvi_model import basis_cache
from npvi_model.handoff import compile_lp
from npvi_model.pipeline import solve_scenario
from npvi_model.scenario import SolverConfig, resolve
from npvi_model.solve import cache_key_of, deciding_options, solve

#: presolve off, so that the cold solve needs simplex iterations (HiGHS's presolve alone
#: solves a model this small)
CONFIG = SolverConfig(time_limit_s=60, options={"presolve": "off"})


def transport(cost_s2_d2: float = 2.0) -> pyo.ConcreteModel:
    """Two sources, two sinks. Supply S1 <= 30, S2 <= 30; demand D1 >= 20, D2 >= 25; cost per
    unit S1->D1 1, S1->D2 4, S2->D1 3, S2->D2 `cost_s2_d2` (2).

    By hand: each sink takes its cheapest source, neither source is full: x(S1,D1) = 20,
    x(S2,D2) = 25, the rest 0; cost 20 x 1 + 25 x 2 = 70. Duals: one more unit of D1 costs 1,
    of D2 costs 2; the supplies have slack, so their duals are 0."""
    m = pyo.ConcreteModel()
    m.S, m.D = pyo.Set(initialize=["S1", "S2"]), pyo.Set(initialize=["D1", "D2"])
    cost = {("S1", "D1"): 1.0, ("S1", "D2"): 4.0, ("S2", "D1"): 3.0, ("S2", "D2"): cost_s2_d2}
    m.x = pyo.Var(m.S, m.D, domain=pyo.NonNegativeReals)
    m.supply = pyo.Constraint(m.S, rule=lambda m, s: sum(m.x[s, d] for d in m.D) <= 30)
    need = {"D1": 20.0, "D2": 25.0}
    m.demand = pyo.Constraint(m.D, rule=lambda m, d: sum(m.x[s, d] for s in m.S) >= need[d])
    m.cost = pyo.Objective(expr=sum(cost[k] * m.x[k] for k in cost))
    return m


def solved(model: pyo.ConcreteModel):
    result = solve(model, CONFIG, basis_cache=True)
    primal = {k: pyo.value(v) for k, v in model.x.items()}
    duals = {c.name: d for c, d in result.duals.items()}
    return result, primal, duals


def test_second_solve_starts_at_the_stored_basis():
    """Cold: a miss, some simplex iterations, the hand answer (cost 70, duals 1 and 2), and
    the basis stored. Again, on a model built anew: a hit, 0 iterations, and exactly the same
    primal values and duals (the same vertex)."""
    first, primal, duals = solved(transport())
    assert first.basis_cache == "miss" and first.iterations["simplex"] > 0
    assert first.objective_meur == pytest.approx(70.0)
    assert primal[("S1", "D1")] == pytest.approx(20.0)
    assert primal[("S2", "D2")] == pytest.approx(25.0)
    assert duals["demand[D1]"] == pytest.approx(1.0) and duals["demand[D2]"] == pytest.approx(2.0)
    assert len(list(basis_cache.cache_dir().glob("basis-*.npz"))) == 1
    again, primal_again, duals_again = solved(transport())
    assert again.basis_cache == "hit"
    assert again.iterations["simplex"] == 0
    assert primal_again == primal and duals_again == duals
    assert again.objective_meur == first.objective_meur


def test_a_changed_coefficient_misses():
    """S2->D2 at 2.5 instead of 2: another LP, another key, a cold solve with its own answer
    (20 x 1 + 25 x 2.5 = 82.5), and a second entry in the cache."""
    solved(transport())
    changed, primal, _ = solved(transport(cost_s2_d2=2.5))
    assert changed.basis_cache == "miss" and changed.iterations["simplex"] > 0
    assert changed.objective_meur == pytest.approx(82.5)
    assert primal[("S2", "D2")] == pytest.approx(25.0)
    assert len(list(basis_cache.cache_dir().glob("basis-*.npz"))) == 2
    assert basis_cache.lp_key(compile_lp(transport())) != basis_cache.lp_key(
        compile_lp(transport(cost_s2_d2=2.5))
    )


def test_another_algorithm_misses_and_a_time_limit_does_not_matter():
    """The entry belongs to the LP and the options that decide its vertex: after a simplex
    solve, interior point with crossover on the same LP misses (a cold solve of its own, which
    on a degenerate LP may end at another optimal vertex) and stores a second entry; the same
    options with another time limit or with the log on hit. Both answers are the hand answer."""
    solved(transport())
    ipm = SolverConfig(time_limit_s=60, algorithm="ipm", options={"presolve": "off"})
    model = transport()
    result = solve(model, ipm, basis_cache=True)
    assert result.basis_cache == "miss" and result.iterations["ipm"] > 0
    assert result.objective_meur == pytest.approx(70.0)
    assert len(list(basis_cache.cache_dir().glob("basis-*.npz"))) == 2
    assert solve(transport(), ipm, basis_cache=True).basis_cache == "hit"
    longer = SolverConfig(time_limit_s=600, options={"presolve": "off"})
    assert solve(transport(), longer, basis_cache=True, tee=True).basis_cache == "hit"
    assert cache_key_of(compile_lp(transport()), CONFIG) != cache_key_of(
        compile_lp(transport()), ipm
    )


@pytest.mark.parametrize("content", [b"not a zip file", b""])
def test_a_corrupt_entry_is_ignored_with_a_note(content, capsys):
    """A broken entry under the LP's key: a note on stderr, a cold solve with the right
    answer, and the entry rewritten whole (the next solve hits)."""
    key = cache_key_of(compile_lp(transport()), CONFIG)
    entry = basis_cache.entry_path(key)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(content)
    result, _, _ = solved(transport())
    assert result.basis_cache == "miss" and result.objective_meur == pytest.approx(70.0)
    assert "ignored the unreadable entry" in capsys.readouterr().err
    assert solved(transport())[0].basis_cache == "hit"


def test_an_entry_of_another_shape_is_ignored(capsys):
    """An entry whose arrays do not fit the LP (wrong length) is not handed to HiGHS."""
    key = cache_key_of(compile_lp(transport()), CONFIG)
    basis_cache.store(key, np.zeros(3, dtype=np.int8), np.zeros(1, dtype=np.int8))
    result, _, _ = solved(transport())
    assert result.basis_cache == "miss" and result.objective_meur == pytest.approx(70.0)
    assert "does not fit this model" in capsys.readouterr().err


def test_the_cache_folder_is_made_by_npvi_where_the_environment_says(tmp_path, monkeypatch):
    """`NPVI_CACHE_DIR` first (created with its parents on the first store), else
    `$XDG_CACHE_HOME/npvi-model/bases`, else `~/.cache/npvi-model/bases`."""
    folder = tmp_path / "nested" / "bases"
    monkeypatch.setenv("NPVI_CACHE_DIR", str(folder))
    assert basis_cache.cache_dir() == folder and not folder.exists()
    solved(transport())
    assert len(list(folder.glob("basis-*.npz"))) == 1
    monkeypatch.delenv("NPVI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert basis_cache.cache_dir() == tmp_path / "xdg" / "npvi-model" / "bases"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert basis_cache.cache_dir() == tmp_path / "home" / ".cache" / "npvi-model" / "bases"


def test_the_size_cap_deletes_only_the_oldest_own_entries(tmp_path, monkeypatch):
    """Keep the newest MAX_ENTRIES entries (3 here) of the 5 stored, and remove a temporary
    file older than an hour; a user's file, files of other names and a recent temporary file
    stay."""
    monkeypatch.setattr(basis_cache, "MAX_ENTRIES", 3)
    folder = basis_cache.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    keep = [folder / "notes.txt", folder / "basis-mine.npz", folder / f"basis-{'a' * 64}.npy"]
    for path in keep:
        path.write_text("the user's")
    keys = [f"{i:064x}" for i in range(5)]
    for age, key in enumerate(keys):
        path = basis_cache.store(key, np.ones(2, dtype=np.int8), np.zeros(1, dtype=np.int8))
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # keys[0] the oldest
    stale = folder / f".basis-{'b' * 64}.npz.tmp-99999999-0123abcd"  # a writer that died
    fresh = folder / f".basis-{'c' * 64}.npz.tmp-99999999-0123abcd"  # maybe still writing
    stale.write_text("half")
    fresh.write_text("half")
    os.utime(stale, (1_000_000, 1_000_000))
    basis_cache.prune(folder, keep=basis_cache.MAX_ENTRIES)
    left = sorted(p.name for p in folder.iterdir())
    expected = [p.name for p in keep] + [f"basis-{k}.npz" for k in keys[2:]] + [fresh.name]
    assert left == sorted(expected)


def test_summary_records_the_cache_and_the_regression_check_solves_cold(tmp_path):
    """The default scenario at 1 representative day, years 2025 and 2030: `solve_scenario` records
    miss, then hit (0 iterations, the same objective); `basis_cache=False` records off; and
    `run_check` (the regression check) neither reads nor writes the cache."""
    from npvi_model.check import run_check

    scenario = tmp_path / "small.yaml"
    scenario.write_text(
        "name: small\nyears: [2025, 2030]\ntime: {resolution: representative, typical_days: 1}\n"
    )
    resolved = resolve(scenario)
    _, cold = solve_scenario(resolved)
    _, warm = solve_scenario(resolved)
    _, off = solve_scenario(resolved, basis_cache=False)
    assert cold["solver"]["basis_cache"] == "miss" and cold["solver"]["iterations"]["simplex"] > 0
    assert warm["solver"]["basis_cache"] == "hit" and warm["solver"]["iterations"]["simplex"] == 0
    assert warm["objective_eur"] == cold["objective_eur"]
    assert off["solver"]["basis_cache"] == "off" and off["solver"]["iterations"]["simplex"] > 0
    folder = basis_cache.cache_dir()
    entries = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert sorted(name[:5] for name in entries) == ["basis", "near-"]  # the LP's, the family's
    run_check(
        [scenario], tmp_path / "ref", update=True, reason="test", report_path=tmp_path / "c.md"
    )
    # a hit would have touched the entry (`load` marks it recently used); a miss would store
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == entries


def test_an_edited_number_starts_from_the_scenario_s_last_basis():
    """Solved once as scenario "t", then with S2->D2 at 5 instead of 2: another LP (a miss of
    its own key) with the same pattern, so it starts from "t"'s last basis ("near").

    By hand at cost 5: D2's cheapest source is now S1 (4 < 5), but S1 (30) is worth more on
    D1 (saves 3 - 1 = 2 per unit) than on D2 (saves 5 - 4 = 1), so S1 serves D1 fully (20)
    and D2 with its last 10; S2 gives D2 the other 15: cost 20 x 1 + 10 x 4 + 15 x 5 = 135.
    Duals: D2 costs S2's 5; D1 costs 5 - 4 + 1 = 2 (a unit of D1 from S1 moves a unit of D2
    to S2); S1's capacity is worth 5 - 4 = 1. The start is the old optimal basis, which is no
    longer optimal, so simplex moves; the answer is the cold one in every value and dual."""
    label = {"cache_label": "t"}
    first = solve(transport(), CONFIG, basis_cache=True, **label)
    assert first.basis_cache == "miss"
    edited = transport(cost_s2_d2=5.0)
    near = solve(edited, CONFIG, basis_cache=True, **label)
    assert near.basis_cache == "near" and near.iterations["simplex"] > 0
    assert near.objective_meur == pytest.approx(135.0)
    primal = {k: pyo.value(v) for k, v in edited.x.items()}
    assert primal == pytest.approx(
        {("S1", "D1"): 20.0, ("S1", "D2"): 10.0, ("S2", "D1"): 0.0, ("S2", "D2"): 15.0}
    )
    duals = {c.name: d for c, d in near.duals.items()}
    assert duals["demand[D1]"] == pytest.approx(2.0) and duals["demand[D2]"] == pytest.approx(5.0)
    assert duals["supply[S1]"] == pytest.approx(-1.0) and duals["supply[S2]"] == pytest.approx(0)
    cold_model = transport(cost_s2_d2=5.0)
    cold = solve(cold_model, CONFIG)
    assert cold.basis_cache == "off" and cold.iterations["simplex"] > 0
    assert {k: pyo.value(v) for k, v in cold_model.x.items()} == pytest.approx(primal)
    assert {c.name: d for c, d in cold.duals.items()} == pytest.approx(duals)
    # the edited LP was stored under its own key, and is now the family's near entry
    assert solve(transport(cost_s2_d2=5.0), CONFIG, basis_cache=True, **label).basis_cache == "hit"
    names = sorted(p.name[:5] for p in basis_cache.cache_dir().iterdir())
    assert names == ["basis", "basis", "near-"]


def test_a_near_entry_belongs_to_its_scenario_and_pattern():
    """Another scenario's name, or another pattern (a third source: one more column), finds no
    near entry: a cold solve ("miss")."""
    solve(transport(), CONFIG, basis_cache=True, cache_label="a")
    other = solve(transport(cost_s2_d2=5.0), CONFIG, basis_cache=True, cache_label="b")
    assert other.basis_cache == "miss"
    bigger = transport()
    bigger.extra = pyo.Var(domain=pyo.NonNegativeReals)
    bigger.extra_use = pyo.Constraint(expr=bigger.extra <= 1)
    bigger.cost.expr = bigger.cost.expr + 7 * bigger.extra
    assert solve(bigger, CONFIG, basis_cache=True, cache_label="a").basis_cache == "miss"
    # the near entry of "a" now holds the bigger LP's pattern: the original misses it
    again = solve(transport(cost_s2_d2=6.0), CONFIG, basis_cache=True, cache_label="a")
    assert again.basis_cache == "miss"
    assert basis_cache.pattern_key(compile_lp(transport())) == basis_cache.pattern_key(
        compile_lp(transport(cost_s2_d2=5.0))
    )
    assert basis_cache.pattern_key(compile_lp(transport())) != basis_cache.pattern_key(
        compile_lp(bigger)
    )


def test_a_scenario_with_its_own_stored_basis_does_not_wait_for_another():
    """`npvi run`'s schedule: c starts from a's basis (`solver.warm_start_from`) unless c has a
    near entry of its own (solved before under that name), or the cache is off."""
    from types import SimpleNamespace

    from npvi_model.cli_run import _without_cached

    def scenario(name, source=None):
        solver = SolverConfig(warm_start_from=source)
        return SimpleNamespace(scenario=SimpleNamespace(name=name, solver=solver))

    resolved = [scenario("a"), scenario("c", "a")]
    assert _without_cached([None, 0], resolved, cache_on=True) == [None, 0]
    solve(transport(), resolved[1].scenario.solver, basis_cache=True, cache_label="c")
    assert basis_cache.has_near("c", deciding_options(resolved[1].scenario.solver))
    assert _without_cached([None, 0], resolved, cache_on=True) == [None, None]
    assert _without_cached([None, 0], resolved, cache_on=False) == [None, 0]


def test_an_edited_shipped_scenario_starts_near_and_gives_the_cold_answer(tmp_path):
    """The default scenario at 1 representative day, years 2025 and 2030, run; then its emission
    discount rate edited (4 % -> 3 %) and run again under the same name: "near", fewer
    iterations than the edited scenario's cold solve, and every variable of the results the
    cold run's to 1e-6."""
    scenario = tmp_path / "small.yaml"
    head = "name: small\nyears: [2025, 2030]\ntime: {resolution: representative, typical_days: 1}\n"
    scenario.write_text(head)
    solve_scenario(resolve(scenario))
    scenario.write_text(head + "parameters: {discount_rate: 0.03}\n")
    edited = resolve(scenario)
    near_ds, near = solve_scenario(edited)
    cold_ds, cold = solve_scenario(edited, basis_cache=False)
    assert near["solver"]["basis_cache"] == "near" and not near["solver"]["warm_start"]
    assert near["solver"]["iterations"]["simplex"] < cold["solver"]["iterations"]["simplex"]
    assert near["objective_eur"] == pytest.approx(cold["objective_eur"], rel=1e-9)
    for var in cold_ds.data_vars:
        x, y = cold_ds[var].values, near_ds[var].values
        if np.issubdtype(x.dtype, np.number):
            bad = ~np.isclose(x, y, rtol=1e-6, atol=1e-6, equal_nan=True)
            assert not bad.any(), (var, x[bad][:5], y[bad][:5])


def test_npvi_cache_clear_removes_only_the_entries():
    """`npvi cache clear` deletes the two stored bases and nothing else; `npvi cache path`
    names the folder."""
    from typer.testing import CliRunner

    from npvi_model.cli import app

    solved(transport())
    solved(transport(cost_s2_d2=2.5))
    folder = basis_cache.cache_dir()
    (folder / "notes.txt").write_text("the user's")
    runner = CliRunner()
    shown = runner.invoke(app, ["cache", "path"])
    assert shown.exit_code == 0 and "(2 entries)" in shown.output
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 2 entries" in cleared.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
