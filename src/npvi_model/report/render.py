"""Figures to image bytes: PNG always, SVG on request, in worker processes when there are cores
to spare.

Building and drawing the figures (layout, then rasterising) is most of the time `npvi report`
takes. A report figure is a `Figure` or a function that builds it; `render_figures` builds and
draws each once, spread over `jobs` forked worker processes, which inherit the functions and
the data they read (nothing is pickled but the image bytes that come back). The bytes are those
drawing in the main process gives, in the same order.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

#: most worker processes used (a report has about 20 figures)
MAX_JOBS = 4
#: fewer figures than this are drawn in the main process (starting workers costs more)
MIN_FIGURES_PER_JOB = 3

#: a figure, or a function (no arguments) that builds it
FigureSource = Figure | Callable[[], Figure]

_figures: Sequence[FigureSource] = ()  # set before the workers fork; they read it by position
_settings: tuple[int, bool] = (100, False)


@dataclass(frozen=True)
class Rendered:
    png: bytes
    svg: bytes | None
    width_in: float  # figure size in inches
    height_in: float


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_jobs(n_figures: int) -> int:
    """Worker processes for `n_figures`: one per available core, at most MAX_JOBS, and only as
    many as keep MIN_FIGURES_PER_JOB figures each busy; 1 means the main process draws."""
    return max(1, min(available_cores(), MAX_JOBS, n_figures // MIN_FIGURES_PER_JOB))


def render_one(source: FigureSource, dpi: int, svg: bool) -> Rendered:
    """PNG bytes at `dpi` and, when `svg`, SVG bytes of one figure (built first when `source`
    is a function)."""
    fig = source if isinstance(source, Figure) else source()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    vector = None
    if svg:
        out = io.BytesIO()
        fig.savefig(out, format="svg")
        vector = out.getvalue()
    width, height = fig.get_size_inches()
    return Rendered(buf.getvalue(), vector, float(width), float(height))


def _render_at(i: int) -> Rendered:
    dpi, svg = _settings
    return render_one(_figures[i], dpi, svg)


def render_figures(
    figures: Sequence[FigureSource], dpi: int, svg: bool = False, jobs: int | None = None
) -> list[Rendered]:
    """Each figure built (if a function) and drawn once, in order. `jobs`: worker processes
    (None: `default_jobs`; 1 or no `fork` on this platform: the main process draws them all).
    An error building a figure is raised here, as in the main process."""
    global _figures, _settings
    jobs = default_jobs(len(figures)) if jobs is None else max(1, int(jobs))
    if jobs == 1 or len(figures) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [render_one(fig, dpi, svg) for fig in figures]
    _figures, _settings = figures, (dpi, svg)
    pool = multiprocessing.get_context("fork").Pool(
        min(jobs, len(figures)), initializer=_worker_signals
    )
    try:
        images = pool.map(_render_at, range(len(figures)), chunksize=1)
        pool.close()  # the workers leave by themselves once the work is done
        return images
    except BaseException:  # an error, Ctrl-C or SIGTERM in the main process: stop the workers
        pool.terminate()
        raise
    finally:
        pool.join()
        _figures = ()


def _worker_signals() -> None:
    """A worker leaves Ctrl-C to the main process and dies on SIGTERM (the main process's
    handler, which `npvi` installs, would otherwise be inherited: a worker stopped while it
    holds the pool's queue lock, and `terminate` waited for it for ever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
