"""`solver.time_limit_s` bounds the whole run (budget.py): inputs, build, compile and hand-off,
HiGHS, diagnosis. Exit 3 and nothing written when it runs out."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from npvi_model.budget import TimeBudget, TimeBudgetError
from npvi_model.errors import SolveError

ROOT = Path(__file__).resolve().parents[1]


def test_guard_cuts_a_long_stage_short():
    """A stage that would take 30 s inside a 0.3 s budget stops at about 0.3 s with
    status time_limit, naming the stage."""
    budget = TimeBudget(0.3)
    start = time.perf_counter()
    with pytest.raises(TimeBudgetError) as caught, budget.guard("sleeping"):
        time.sleep(30)
    assert time.perf_counter() - start < 5
    assert caught.value.status == "time_limit"
    assert isinstance(caught.value, SolveError)
    assert "time limit of 0.3 s while sleeping" in str(caught.value)


def test_guard_leaves_no_timer_behind():
    """After a stage that ends in time, no alarm fires later."""
    budget = TimeBudget(0.5)
    with budget.guard("a short stage"):
        pass
    time.sleep(0.8)  # the old timer would have fired here
    assert budget.remaining() < 0


def test_check_between_stages():
    budget = TimeBudget(0.05)
    budget.check("the first stage")
    time.sleep(0.1)
    with pytest.raises(TimeBudgetError, match="while the second stage"):
        budget.check("the second stage")


def test_five_second_budget_stops_a_full_hourly_run(tmp_path):
    """The domestic path at 8760 h x 6 years needs about a minute to build alone; with
    `time_limit_s: 5` the command ends within 20 s (process start included), exit 3, no folder."""
    scenario = tmp_path / "full_hourly_5s.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'domestic.yaml'}\n"
        "name: full_hourly_5s\nsolver: {time_limit_s: 5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--hours", "full", "--allow-outside-extends"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "solver: time_limit" in proc.stderr
    assert "time limit of 5 s" in proc.stderr
    assert seconds < 20, seconds
    assert not out.exists() or not any(out.iterdir())
