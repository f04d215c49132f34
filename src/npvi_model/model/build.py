"""Assemble the model from its families, in dependency order."""

from __future__ import annotations

import pyomo.environ as pyo
import xarray as xr

from npvi_model.model import (
    co2,
    core,
    electricity,
    emissions,
    hydrogen,
    investment,
    objective,
    power_system,
    tie_breaks,
)


def build_model(inputs: xr.Dataset) -> pyo.ConcreteModel:
    """Build the LP for inputs that have been through time reduction."""
    m = pyo.ConcreteModel(name=f"npvi_{inputs.attrs.get('scenario', 'model')}")
    core.add_sets(m, inputs)
    investment.add_investment(m)
    electricity.add_electricity(m)
    power_system.add_power_system(m)
    hydrogen.add_hydrogen(m)
    co2.add_co2(m)
    emissions.add_emissions(m)
    tie_breaks.add_tie_breaks(m)
    objective.add_objective(m)
    m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
    return m
