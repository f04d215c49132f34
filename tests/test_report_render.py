"""Drawing the report's figures in worker processes gives the bytes the main process gives, in
order, and an error building a figure reaches the caller."""

from __future__ import annotations

from functools import partial

import pytest

from npvi_model.report.figures import new_figure
from npvi_model.report.render import default_jobs, render_figures


def line_figure(slope: float, width: float = 3.0):
    fig = new_figure(width, 2.0)
    fig.subplots().plot([0, 1, 2], [0, slope, 2 * slope], label=f"slope {slope}")
    return fig


def test_workers_draw_the_same_images_in_order():
    """Five figures, two of them built beforehand and three by functions: two workers give
    the same PNG bytes, sizes (3 x 2 and 4 x 2 inches) and order as the main process."""
    sources = [
        line_figure(1.0),
        partial(line_figure, 2.0),
        partial(line_figure, 3.0, 4.0),
        line_figure(4.0),
        partial(line_figure, 5.0),
    ]
    alone = render_figures(sources, dpi=50, jobs=1)
    shared = render_figures(sources, dpi=50, jobs=2)
    assert [r.png for r in shared] == [r.png for r in alone]
    assert len({r.png for r in alone}) == 5  # five different images
    assert [(r.width_in, r.height_in) for r in shared][1:3] == [(3.0, 2.0), (4.0, 2.0)]
    assert all(r.svg is None for r in shared)
    with_svg = render_figures(sources[:2], dpi=50, svg=True, jobs=2)
    assert all(r.svg.lstrip().startswith(b"<?xml") for r in with_svg)


def test_an_error_building_a_figure_is_raised():
    def broken():
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError, match="figure failed"):
        render_figures([partial(line_figure, 1.0), broken, partial(line_figure, 2.0)], 50, jobs=2)


def test_few_figures_are_drawn_in_the_main_process():
    assert default_jobs(0) == 1 and default_jobs(2) == 1
    assert 1 <= default_jobs(20) <= 4


def figure_if_sigterm_kills() -> object:
    """A figure, drawn only where SIGTERM has its default action (it ends the process)."""
    import signal

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        raise RuntimeError("SIGTERM handler inherited by the worker")
    return line_figure(1.0)


def test_workers_die_on_sigterm_whatever_the_main_process_does():
    """`npvi` turns SIGTERM into KeyboardInterrupt in its process; a worker that inherited
    that handler once caught the pool's SIGTERM while holding the queue lock and the report
    never finished. Workers must keep SIGTERM's default action."""
    import signal

    def as_ctrl_c(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, as_ctrl_c)
    try:
        images = render_figures([figure_if_sigterm_kills] * 4, dpi=50, jobs=2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(images) == 4
