"""Invariants on every shipped scenario, read from the result folders the regression check
solved once for the whole session (`shipped_results`, see conftest.py).

Balances close per cluster, carrier and slice; nothing is stored that was not captured;
capacities respect their bounds and opening years; slice weights sum to 8760 h.
"""

from __future__ import annotations

import numpy as np
import pytest

from npvi_model.pipeline import prepare
from npvi_model.results_io import load_results
from npvi_model.scenario import resolve

pytestmark = pytest.mark.scenario
TOL_GW = 1e-5
TOL_MT = 1e-6


@pytest.fixture(scope="module")
def solved(shipped_results):
    """(scenario name, results, inputs after time reduction) for every shipped scenario."""
    out = []
    for name, folder in sorted(shipped_results["folders"].items()):
        ds = load_results(folder)
        inputs = prepare(resolve(shipped_results["scenarios"][name]))
        out.append((name, ds, inputs))
    assert len(out) >= 6, "every shipped scenario must be checked"
    return out


def test_slice_weights_sum_to_8760(solved):
    for name, ds, _ in solved:
        assert float(ds["slice_weight_h"].sum()) == pytest.approx(8760.0), name


def test_electricity_and_hydrogen_balances_close(solved):
    for name, ds, _ in solved:
        residual = (
            ds["dispatch_gw"].sel(carrier=["electricity", "hydrogen"]).sum("component", skipna=True)
        )
        worst = float(np.abs(residual).max())
        assert worst < TOL_GW, f"{name}: a balance is off by {worst} GW"


def test_co2_balance_closes_and_nothing_stored_that_was_not_captured(solved):
    for name, ds, _ in solved:
        captured = ds["supply"].sel(carrier="co2", source="captured")
        flow = ds["link_flow"].where(ds["link_carrier"] == "co2", 0.0)
        for cluster in ds.cluster.values:
            inflow = flow.where(ds["link_to"] == cluster, 0.0).sum("link")
            outflow = flow.where(ds["link_from"] == cluster, 0.0).sum("link")
            net = captured.sel(cluster=cluster) + inflow - outflow
            stored = ds["co2_stored"].sel(cluster=cluster)
            assert np.allclose(net, stored, atol=TOL_MT), f"{name} {cluster}: CO2 balance"
        assert (ds["co2_stored"].sum("cluster") <= captured.sum("cluster") + TOL_MT).all(), name
        assert (captured <= ds["demand"].sel(carrier="co2") + TOL_MT).all(), name


def test_unmet_within_demand_and_shares_within_bounds(solved):
    for name, ds, _ in solved:
        assert (ds["unmet"] >= -TOL_MT).all(), name
        assert (ds["unmet"] <= ds["demand"] + 1e-6).all(), name
        share = ds["green_share"]
        assert bool(((share >= 0) & (share <= 1) | share.isnull()).all()), name
        by_cause = ds["emissions_by_cause"].sum("cause")
        assert np.allclose(by_cause, ds["emissions"], atol=TOL_MT), name


def test_capacities_respect_bounds_and_opening_years(solved):
    for name, ds, inputs in solved:
        existing = inputs["existing_capacity"]
        techs = inputs["asset_technology"]
        for tech in ds.technology.values:
            for cluster in ds.cluster.values:
                mask = (techs == tech) & (inputs["asset_from"] == cluster)
                if not bool(mask.any()):
                    assert (
                        float(np.abs(ds["capacity"].sel(technology=tech, cluster=cluster)).max())
                        == 0
                    )
                    continue
                cap = ds["capacity"].sel(technology=tech, cluster=cluster)
                ex = existing.where(mask, 0.0).sum("asset")
                assert (cap >= ex - TOL_GW).all(), f"{name} {tech} {cluster}: below existing"
                earliest = float(inputs["earliest_new_year"].where(mask).min())
                max_new = float(inputs["max_new_capacity"].where(mask, 0.0).sum())
                for year in ds.year.values:
                    new = float(ds["new_capacity"].sel(technology=tech, cluster=cluster, year=year))
                    if year < earliest:
                        assert new <= TOL_GW, f"{name} {tech} {cluster} {year}: built too early"
                assert float(ds["new_capacity"].sel(technology=tech, cluster=cluster).sum()) <= (
                    max_new + TOL_GW
                ), f"{name} {tech} {cluster}: over its expansion cap"
        landing = inputs["landing_limit_gw"]
        wind = ds["capacity"].sel(technology="offshore_wind")
        wind_existing = existing.where(techs == "offshore_wind", 0.0)
        for cluster in ds.cluster.values:
            ex = wind_existing.where(inputs["asset_from"] == cluster, 0.0).sum("asset")
            limit = np.maximum(float(landing.sel(cluster=cluster)), ex)
            assert (wind.sel(cluster=cluster) <= limit + TOL_GW).all(), f"{name} {cluster}"


def test_links_carry_no_more_than_capacity_and_nothing_before_opening(solved):
    for name, ds, inputs in solved:
        for link in ds.link.values:
            cap = ds["link_capacity"].sel(link=link)
            flow = ds["link_flow"].sel(link=link)
            carrier = str(ds["link_carrier"].sel(link=link).item())
            # both directions together can use the capacity each way in every hour
            most = cap * (1.0 if carrier == "co2" else 2 * 8.76)
            assert (flow <= most + 1e-6).all(), f"{name} {link}: flow above capacity"
            closed = inputs["existing_capacity"].sel(asset=link) <= 0
            not_buildable = inputs["max_new_capacity"].sel(asset=link) <= 0
            if bool(not_buildable):
                assert (flow.where(closed.values, 0.0) <= 1e-9).all(), (
                    f"{name} {link}: before opening"
                )


def test_no_hydrogen_import_before_the_scenarios_first_import_year(solved):
    """The import sensitivity allows no import before 2032; every scenario keeps its own rule."""
    checked = 0
    for _name, ds, inputs in solved:
        first = inputs.attrs["h2_import_earliest_year"]
        imports = ds["supply"].sel(carrier="hydrogen", source="import_terminal")
        early = [y for y in ds.year.values if y < first]
        if early:
            checked += 1
            assert float(imports.sel(year=early).sum()) <= 1e-9
    assert checked >= 1, "the no-import sensitivity must be among the shipped scenarios"


def test_grid_supply_within_the_power_system(solved):
    """All clusters' grid supply = the supply of the power-system steps, each step within what
    it can deliver, and scope 2 is never counted in industry's emissions causes."""
    for name, ds, _ in solved:
        by_clusters = ds["supply"].sel(carrier="electricity", source="grid").sum("cluster")
        by_steps = ds["grid_supply_by_step"].sum("grid_step")
        assert np.allclose(by_clusters, by_steps, atol=1e-6), name
        assert (ds["grid_supply_by_step"] <= ds["grid_step_available"] + 1e-6).all(), name
        assert (ds["scope2_emissions"] >= -TOL_MT).all(), name
        assert np.allclose(ds["emissions"], ds["emissions_by_cause"].sum("cause")), name
