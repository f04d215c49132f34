"""Which worker solves which sample, in which order (`sweep/ordering.py`), worked by hand, and
that the runner follows the plan on a 2-worker LocalCluster."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from test_sweep import GAS, write_sweep

from npvi_model.sweep import ordering
from npvi_model.sweep.runner import prepare_sweep, run_sweep
from npvi_model.sweep.spec import load_sweep
from npvi_model.sweep.worker import read_sample

ROOT = Path(__file__).resolve().parents[1]


def test_unit_position_scales_by_the_span_in_the_sweep_file(tmp_path):
    """gas range [0.6, 1.5]: 0.6, 1.0, 1.5 -> (x - 0.6) / 0.9 = 0, 4/9, 1; delay values
    [0, 1, 3]: 1 -> 1/3; a normal distribution (mean 1, sd 0.25) spans 0.5-1.5: 1.25 -> 0.75."""
    delay = {
        "parameter": "offshore_wind_delay_years",
        "flag": "A",
        "note": "t",
        "values": [0, 1, 3],
    }
    norm = {**GAS, "distribution": {"kind": "normal", "mean": 1.0, "sd": 0.25}}
    norm["data"] = {"table": "prices", "where": {"commodity": "co2_emission"}, "column": "value"}
    factors = {"gas": {**GAS, "range": [0.6, 1.5]}, "d": delay, "co2": norm}
    design = {"method": "lhs", "samples": 3, "seed": 1}
    spec = load_sweep(write_sweep(tmp_path, design, factors)).spec
    names = ["gas", "d", "co2"]
    got = [
        ordering.unit_position(spec, {"gas": g, "d": 1, "co2": 1.25}, names)
        for g in (0.6, 1.0, 1.5)
    ]
    np.testing.assert_allclose([p[0] for p in got], [0.0, 4 / 9, 1.0])
    np.testing.assert_allclose(got[0][1:], [1 / 3, 0.75])


def test_two_opt_uncrosses_a_path():
    """(0,0) -> (1,1) -> (1,0) -> (0,1) is sqrt 2 + 1 + sqrt 2 = 3.83 long and crosses itself;
    reversing its middle gives (0,0) -> (1,0) -> (1,1) -> (0,1), 1 + 1 + 1 = 3."""
    points = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert ordering.path_length(points, [0, 1, 2, 3]) == pytest.approx(2 + 2 * math.sqrt(2) - 1)
    dist = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    path = ordering._two_opt(dist, [0, 1, 2, 3])
    assert path == [0, 2, 1, 3]
    assert ordering.path_length(points, path) == pytest.approx(3.0)


def test_short_path_on_a_line_visits_the_points_in_order():
    """Points 0.9, 0.1, 0.5, 0.0, 0.3 on a line, from 0.0: 0.0, 0.1, 0.3, 0.5, 0.9 (length 0.9)."""
    points = np.array([[0.9], [0.1], [0.5], [0.0], [0.3]])
    path = ordering.short_path(points, start=3)
    assert path == [3, 1, 4, 2, 0]
    assert ordering.path_length(points, path) == pytest.approx(0.9)


def test_split_gives_contiguous_pieces_of_equal_length():
    assert ordering.split([4, 2, 0, 1, 3], 2) == [[4, 2, 0], [1, 3]]
    assert ordering.split([4, 2], 3) == [[4], [2]]  # fewer samples than workers
    assert ordering.split([], 2) == []


def test_plan_groups_a_discrete_parameter_and_orders_within_it(tmp_path):
    """Delay is a parameter drawn from values: samples with delay 0 come first, then delay 1;
    within each, the gas path runs from the lowest value. Six samples on 2 workers: worker 0
    gets the delay-0 group, worker 1 the delay-1 group."""
    delay = {"parameter": "offshore_wind_delay_years", "flag": "A", "note": "t", "values": [0, 1]}
    gas = {**GAS, "range": [0.5, 1.5]}
    design = {"method": "lhs", "samples": 6, "seed": 1}
    sweep = write_sweep(tmp_path, design, {"gas": gas, "d": delay})
    spec = load_sweep(sweep).spec
    samples = {
        0: {"gas": 1.4, "d": 1}, 1: {"gas": 0.6, "d": 0}, 2: {"gas": 0.95, "d": 1},
        3: {"gas": 1.2, "d": 0}, 4: {"gas": 0.7, "d": 1}, 5: {"gas": 0.9, "d": 0},
    }  # fmt: skip
    assert ordering.group_factors(spec) == ["d"]
    # delay 0: gas 0.6 (1), 0.9 (5), 1.2 (3); delay 1 starts nearest 1.2: 1.4 (0), 0.95 (2), 0.7 (4)
    assert ordering.sample_order(spec, samples) == [1, 5, 3, 0, 2, 4]
    assert ordering.plan(spec, samples, 2) == [[1, 5, 3], [0, 2, 4]]


def test_plan_of_the_example_sweep_is_shorter_than_design_order():
    """Invariant on the shipped example (64 samples, 2 workers): every sample once; each
    worker's piece holds two of the four wind delays; the path through the scaled factors is
    shorter than in design order."""
    sweep, samples, _ = prepare_sweep(ROOT / "sweeps" / "example.yaml", None, None)
    pieces = ordering.plan(sweep.spec, samples, 2)
    order = [s for piece in pieces for s in piece]
    assert sorted(order) == sorted(samples) and [len(p) for p in pieces] == [32, 32]
    for piece in pieces:
        assert len({samples[s]["wind_delay"] for s in piece}) == 2
    names = list(sweep.spec.factors)
    points = np.array(
        [ordering.unit_position(sweep.spec, samples[s], names) for s in sorted(samples)]
    )
    index = {s: i for i, s in enumerate(sorted(samples))}
    planned = sum(ordering.path_length(points, [index[s] for s in p]) for p in pieces)
    design = ordering.path_length(points, list(range(len(samples))))
    assert planned < 0.6 * design


def test_runner_gives_each_worker_its_piece_in_order(tmp_path):
    """Four samples of one structure on the 2-worker cluster: the plan's first two go to one
    worker, the last two to the other, so each worker solves one cold and one warm."""
    from dask.distributed import Client, LocalCluster

    gas = {**GAS, "values": [1.5, 0.5, 1.4, 0.6]}
    sweep = write_sweep(tmp_path / "s", {"method": "list"}, {"gas": gas})
    spec = load_sweep(sweep).spec
    _, samples, _ = prepare_sweep(sweep, None, None)
    assert ordering.plan(spec, samples, 2) == [[1, 3], [2, 0]]  # 0.5, 0.6 | 1.4, 1.5
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        outcome = run_sweep(sweep, tmp_path / "out", client=client)
    assert sorted(outcome.done) == [0, 1, 2, 3]
    info = {s: json.loads(read_sample(tmp_path / "out", s).attrs["solve_info"]) for s in range(4)}
    assert info[1]["worker_pid"] == info[3]["worker_pid"] != info[2]["worker_pid"]
    assert info[2]["worker_pid"] == info[0]["worker_pid"]
    assert [info[s]["warm_start"] for s in (1, 3, 2, 0)] == [False, True, False, True]
