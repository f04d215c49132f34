"""Stage 4: build the Pyomo model, one module per math family.

- `core.py`: sets and the scaled parameters every family reads;
- `investment.py`: capacity in service, new builds, lifetimes, build rates, landing and roadmap;
- `electricity.py`: the electricity balance per cluster and time slice;
- `power_system.py`: grid supply steps, the national grid limit, grid price and scope-2 CO2;
- `hydrogen.py`: the hydrogen balance, electrolysis, imports, backbone and salt-cavern storage;
- `co2.py`: CO2 capture, pipelines and sinks (annual);
- `emissions.py`: national industry emissions and the soft caps;
- `tie_breaks.py`: tiny documented costs that make the optimum unique;
- `objective.py`: the discounted system cost (plus the tie-break cost).

Units inside the model: power GW, energy GWh, CO2 Mt, money MEUR.
"""

from npvi_model.model.build import build_model

__all__ = ["build_model"]
