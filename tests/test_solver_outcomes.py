"""What `npvi run` does when the solver does not reach an optimum: infeasible, time limit,
interrupted. Each ends non-zero with a status line on stderr and writes no result folder.

Unbounded: not reachable with valid inputs. Every variable is bounded, directly or through the
balances: flows and builds by capacities, expansion caps and build rates (`investment.py`,
`electricity.py`, `hydrogen.py`, `co2.py`), fallbacks and unmet demand by demand; and every cost
coefficient is non-negative because the data dictionary forbids negative prices, capex and fom
(`minimum=0.0` in tables.py) and the scenario schema forbids a negative emission penalty. So the
objective is bounded below by 0 and HiGHS cannot report `unbounded`; solve.py still maps that
status to exit 3 with its own message, but no test fakes it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from scenario_texts import INFEASIBLE

from npvi_model.sets import CLUSTER_IDS

ROOT = Path(__file__).resolve().parents[1]


TIME_LIMIT = """\
name: time_limited
years: [2025, 2030]
time: {resolution: representative, typical_days: 2}
solver: {time_limit_s: 0.001}
"""

# the full default horizon at 12 representative days: ~5 s to build, ~50 s to solve
LONG = """\
name: long_run
"""


def npvi_run(scenario: Path, out: Path, *args: str, timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_infeasible_exits_3_with_a_diagnosis(tmp_path):
    out = tmp_path / "out"
    proc = npvi_run(write(tmp_path, INFEASIBLE, "infeasible.yaml"), out, "--hours", "2")
    err = proc.stderr
    assert "Traceback" not in proc.stdout + err
    assert proc.returncode == 3, proc.stdout + err
    assert "solver: infeasible the model is infeasible; nothing was written" in err
    hits = re.findall(r"constraint family '(\w+)' must be relaxed at \((\w+), (\d{4})\) by", err)
    assert hits, err
    # the conflict is landing limits vs. the scheduled roadmap, in 2035, at landing clusters
    families = {family for family, _, _ in hits}
    assert families <= {"landing_limit", "wind_roadmap"}, err
    assert all(cluster in CLUSTER_IDS and year == "2035" for _, cluster, year in hits), err
    # one status line, then one line per family: nothing wrapped at the terminal width
    for line in err.strip().splitlines():
        assert line.startswith(("solver: ", "  constraint family ")), line
    assert not out.exists()


def test_same_scenario_without_the_conflict_solves(tmp_path):
    """Control for the infeasible case: dropping the landing override makes it feasible, so the
    infeasibility above comes from the conflict and not from the test set-up."""
    text = INFEASIBLE.replace("  - {table: offshore_wind_landing, set: {max_landing_gw: 0}}\n", "")
    out = tmp_path / "out"
    proc = npvi_run(write(tmp_path, text, "feasible.yaml"), out, "--hours", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "infeasible_wind" / "summary.json").is_file()


def test_time_limit_exits_non_zero_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    proc = npvi_run(write(tmp_path, TIME_LIMIT, "time_limit.yaml"), out, "--hours", "2")
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "solver: time_limit" in proc.stderr
    assert "time limit of 0.001 s" in proc.stderr
    assert not out.exists()


def test_interrupt_during_solve(tmp_path):
    out = tmp_path / "out"
    scenario = write(tmp_path, LONG, "long.yaml")
    proc = subprocess.Popen(
        [sys.executable, "-m", "npvi_model.cli", "run", str(scenario), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(9)  # import + inputs + build take ~5 s; the solve takes ~50 s
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in stdout + stderr
    assert proc.returncode in (130, 3), stdout + stderr
    assert "interrupted" in stderr
    assert "nothing" in stderr  # "nothing was written" / "nothing half-written was left"
    # no result folder, not even a hidden temporary one
    assert not (out / "long_run").exists()
    assert not out.exists() or not any(out.iterdir())


def test_a_cancel_that_highs_ignores_still_counts_as_interrupted():
    """Ctrl-C during HiGHS's presolve: highspy calls `cancelSolve`, but HiGHS only reads the
    request inside its solvers, and the solve can end 'optimal'. The run must still stop as
    interrupted (exit 130, nothing written), and the request is repeated until HiGHS stops."""
    import pytest

    from npvi_model.errors import SolveError
    from npvi_model.solve import _solve_interruptibly

    class PresolveThatIgnoresCancel:
        HandleKeyboardInterrupt = False

        def __init__(self):
            self.cancels = 0

        def cancelSolve(self):  # noqa: N802 (highspy's name)
            self.cancels += 1

        def solve(self):
            self.cancelSolve()  # what highspy does when Ctrl-C arrives
            time.sleep(0.5)  # the solve goes on; the request is repeated meanwhile

    highs = PresolveThatIgnoresCancel()
    with pytest.raises(SolveError) as err:
        _solve_interruptibly(highs)
    assert err.value.status == "interrupted"
    assert highs.cancels >= 2  # the first request, and at least one repeat


def test_a_solve_without_ctrl_c_is_not_interrupted():
    from npvi_model.solve import _solve_interruptibly

    class Quiet:
        HandleKeyboardInterrupt = False
        cancels = 0

        def cancelSolve(self):  # noqa: N802 (highspy's name)
            self.cancels += 1

        def solve(self):
            time.sleep(0.3)

    highs = Quiet()
    _solve_interruptibly(highs)
    assert highs.cancels == 0
