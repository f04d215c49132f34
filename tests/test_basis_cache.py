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
from npvi_model.solve import cache_key_of, solve

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
    assert len(entries) == 1
    run_check(
        [scenario], tmp_path / "ref", update=True, reason="test", report_path=tmp_path / "c.md"
    )
    # a hit would have touched the entry (`load` marks it recently used); a miss would store
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == entries


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
