"""Uncertainty sweeps: many variants of one scenario, solved on Dask (`npvi sweep`).

spec (the sweep file, validated) -> sampling (design table, variant scenarios) -> runner (Dask
tasks) -> worker (one sample: re-solve on a persistent HiGHS instance, resolve_lp) -> results
(sweep.nc, sweep.csv) -> report (fan charts, sensitivity ranking).
"""
