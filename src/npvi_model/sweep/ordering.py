"""Which worker solves which samples, in which order, so that warm re-solves start near.

A warm re-solve starts HiGHS from the basis of the worker's previous sample of the same model
structure (`resolve_lp.ReSolver`). The closer the two variants, the fewer simplex iterations:
on the example sweep a neighbouring variant took 1-10 s, a distant one (electrolyser capex
x0.45 -> x1.2) up to 107 s, more than a cold solve. So the runner does not hand out samples in
design order; `plan` does this:

1. Position (`unit_position`): each factor's value scaled by its span in the sweep file,
   (value - low) / (high - low): low and high of its `range`, of its list of `values`, or of
   its distribution (uniform, triangular, truncated normal: low, high; normal: mean -+ 2 sd);
   0 where the span is empty. The workers use the same positions to pick the nearest basis.
2. Groups: samples with equal values of every *discrete parameter factor* (a scenario parameter
   drawn from a list of `values`, such as a wind delay) form a group, in increasing order of
   those values. A parameter can change which coefficients the model has (a new structure,
   solved cold), so each group is kept together.
3. Within a group, a short path through the samples over the other factors: greedy nearest
   neighbour from the sample nearest the end of the previous group (the first group starts at
   the sample with the smallest coordinate sum), then 2-opt (reverse a stretch of the path
   whenever that shortens it, until no reversal does). Distance: Euclidean over the scaled
   positions.
4. Workers: the path (groups one after another) is cut into as many contiguous pieces as there
   are workers, of equal length (+-1); worker k solves piece k in path order.

The plan only orders the work: every sample is still solved to the LP's optimum, and a worker
that dies hands its samples to the others (the runner allows other workers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from npvi_model.sweep.spec import Factor, SweepSpec

#: 2-opt is skipped for larger groups (its cost grows with the square of the group's size)
TWO_OPT_MAX_SAMPLES = 400


def factor_span(factor: Factor) -> tuple[float, float]:
    """(low, high) of a factor's values as the sweep file gives them."""
    if factor.values is not None:
        return float(min(factor.values)), float(max(factor.values))
    if factor.range is not None:
        return float(factor.range[0]), float(factor.range[1])
    d = factor.distribution
    if d.kind == "normal":
        return d.mean - 2 * d.sd, d.mean + 2 * d.sd
    return float(d.low), float(d.high)


def unit_position(spec: SweepSpec, values: Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    """The sample's factors `names`, each scaled by its span to [0, 1] (0 for an empty span)."""
    out = []
    for name in names:
        low, high = factor_span(spec.factors[name])
        out.append((float(values[name]) - low) / (high - low) if high > low else 0.0)
    return np.array(out, dtype=float)


def path_length(points: np.ndarray, path: Sequence[int]) -> float:
    """Sum of Euclidean steps along `path` (indices into `points`)."""
    if len(path) < 2:
        return 0.0
    steps = np.diff(points[list(path)], axis=0)
    return float(np.sqrt((steps**2).sum(axis=1)).sum())


def short_path(points: np.ndarray, start: int) -> list[int]:
    """An open path through every point from `start`: greedy nearest neighbour, then 2-opt.
    Ties go to the lower index, so the path is deterministic."""
    n = len(points)
    if n == 0:
        return []
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    path, free = [start], np.ones(n, dtype=bool)
    free[start] = False
    while free.any():
        candidates = np.where(free, dist[path[-1]], np.inf)
        nxt = int(np.argmin(candidates))
        path.append(nxt)
        free[nxt] = False
    if n <= TWO_OPT_MAX_SAMPLES:
        path = _two_opt(dist, path)
    return path


def _two_opt(dist: np.ndarray, path: list[int]) -> list[int]:
    """Reverse path[i:j+1] while that shortens the open path (the start stays first)."""
    improved = True
    while improved:
        improved = False
        for i in range(1, len(path) - 1):
            for j in range(i + 1, len(path)):
                a, b = path[i - 1], path[i]
                c = path[j]
                d = path[j + 1] if j + 1 < len(path) else None
                before = dist[a, b] + (dist[c, d] if d is not None else 0.0)
                after = dist[a, c] + (dist[b, d] if d is not None else 0.0)
                if after < before - 1e-12:
                    path[i : j + 1] = path[i : j + 1][::-1]
                    improved = True
    return path


def group_factors(spec: SweepSpec) -> list[str]:
    """The discrete parameter factors (a scenario parameter drawn from a list of values)."""
    return [n for n, f in spec.factors.items() if f.parameter is not None and f.values is not None]


def sample_order(spec: SweepSpec, samples: Mapping[int, Mapping[str, float]]) -> list[int]:
    """Every sample once: groups by the discrete parameter factors, a short path in each."""
    if not samples:
        return []
    keys = group_factors(spec)
    others = [n for n in spec.factors if n not in keys]
    position = {s: unit_position(spec, samples[s], others) for s in samples}
    groups: dict[tuple, list[int]] = {}
    for s in sorted(samples):
        groups.setdefault(tuple(float(samples[s][k]) for k in keys), []).append(s)
    order: list[int] = []
    for key in sorted(groups):
        members = groups[key]
        points = np.array([position[s] for s in members]).reshape(len(members), -1)
        if order:  # start near where the previous group ended
            last = position[order[-1]]
            start = int(np.argmin(np.sqrt(((points - last) ** 2).sum(axis=1))))
        else:
            start = int(np.argmin(points.sum(axis=1)))
        order.extend(members[i] for i in short_path(points, start))
    return order


def split(order: Sequence[int], n_workers: int) -> list[list[int]]:
    """`order` cut into `n_workers` contiguous pieces of equal length (+-1), longest first;
    fewer pieces when there are fewer samples than workers."""
    n = max(1, min(int(n_workers), len(order)))
    size, extra = divmod(len(order), n)
    pieces, start = [], 0
    for k in range(n):
        end = start + size + (1 if k < extra else 0)
        pieces.append(list(order[start:end]))
        start = end
    return [p for p in pieces if p]


def plan(
    spec: SweepSpec, samples: Mapping[int, Mapping[str, float]], n_workers: int
) -> list[list[int]]:
    """The samples of each worker, in the order that worker solves them (module docstring)."""
    return split(sample_order(spec, samples), n_workers)
