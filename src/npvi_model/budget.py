"""One wall-clock budget for a whole run: `solver.time_limit_s` bounds loading the inputs, the
time reduction, the build, the compile and hand-off, the HiGHS solve and the infeasibility
diagnosis together.

The budget is checked between stages, and HiGHS gets what is left (`remaining()`). A long Python
stage (a full-hourly build takes about 10 s per model year) is also cut short inside: `guard`
arms a SIGALRM timer for what is left, whose handler raises TimeBudgetError, a SolveError
with status `time_limit` (exit 3, nothing written). The timer works in the main thread only;
elsewhere (e.g. a worker thread) the budget is checked between stages only.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from npvi_model.errors import SolveError


class TimeBudgetError(SolveError):
    """The run's wall-clock budget ran out during a stage."""

    def __init__(self, limit_s: float, stage: str):
        super().__init__(
            "time_limit",
            f"the run reached its time limit of {limit_s:g} s while {stage}; nothing was written",
        )


class _HideBudgetErrors(logging.Filter):
    """Pyomo logs 'Rule failed ...' for any exception raised while it builds a component; the
    budget's own exception is not such a failure, and the CLI prints its one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return TimeBudgetError.__name__ not in record.getMessage()


_HIDE = _HideBudgetErrors()


class TimeBudget:
    """Seconds left of `limit_s`, counted from construction."""

    def __init__(self, limit_s: float):
        self.limit_s = float(limit_s)
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def remaining(self) -> float:
        return self.limit_s - self.elapsed()

    def check(self, stage: str) -> None:
        """Raise TimeBudgetError if nothing is left before `stage`."""
        if self.remaining() <= 0:
            raise TimeBudgetError(self.limit_s, stage)

    @contextmanager
    def guard(self, stage: str) -> Iterator[None]:
        """Run a stage that must stop when the budget runs out (checked before and after)."""
        self.check(stage)
        armed = threading.current_thread() is threading.main_thread() and hasattr(
            signal, "setitimer"
        )
        if armed:

            def _expired(_signum, _frame):
                raise TimeBudgetError(self.limit_s, stage)

            handlers = logging.getLogger("pyomo").handlers + logging.getLogger().handlers
            for handler in handlers:
                handler.addFilter(_HIDE)
            previous = signal.signal(signal.SIGALRM, _expired)
            signal.setitimer(signal.ITIMER_REAL, max(self.remaining(), 1e-3))
        try:
            yield
        finally:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                for handler in handlers:
                    handler.removeFilter(_HIDE)
        self.check(stage)
