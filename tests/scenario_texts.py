"""Scenario files for tests, as text: each written to a test's own folder when needed."""

from __future__ import annotations

#: infeasible by construction: offshore wind roadmap `schedule` (industry's share of the roadmap
#: must all be built), but no offshore wind may land anywhere and no offshore electrolysis may
#: be built, so in 2035 the roadmap share exceeds the capacity already in service, which the
#: landing limits cap
INFEASIBLE = """\
# Offshore wind roadmap `schedule` (industry's share of the roadmap must all be built), but no
# offshore wind may land anywhere and no offshore electrolysis may be built: in 2035 the roadmap
# share exceeds the capacity already in service, which the landing limits cap.
name: infeasible_wind
years: [2025, 2035]
time: {resolution: representative, typical_days: 2}
parameters: {offshore_wind_roadmap: schedule}
data_overrides:
  - {table: offshore_wind_landing, set: {max_landing_gw: 0}}
  - table: expansion_limits
    where: {technology: offshore_electrolysis}
    set: {max_new_capacity: 0}
"""
