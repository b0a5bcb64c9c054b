"""Every cost the results show is read from the model's cost expressions (`planner.model.costs`): the Sites
table's costs add up to the objective, the Summary total and the cost breakdown, on every solve path."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

from model_tables import make_case, site, synthetic_case, year_case
from planner.solve import PlanningModel, SolveError
from planner.solver.outcome import SOLVED

REL = 1e-7  # the carbon part prices the emissions column, which the emissions row ties to the sites' sum


def assert_costs_add_up(pm: PlanningModel, result) -> None:
    objective = result.solve.objective_cny
    total = result.kpi("total_cost_cny_per_yr")
    by_site = float(result.sites["cost_cny"].sum())
    breakdown = float(result.costs["cost_cny_per_yr"].sum())
    scale = max(abs(objective), 1.0)
    assert abs(by_site - total) <= REL * scale, (by_site, total)
    assert abs(breakdown - total) <= REL * scale
    assert abs(pyo.value(pm.model.total_cost) - total) <= REL * scale
    if pm.model.total_cost.active:
        assert abs(objective - total) <= REL * scale, (objective, total)
    # each site's cost is its part of every component
    for c in pm.model.C:
        parts = sum(pyo.value(pm.model.site_cost[c, s]) for s in pm.model.S)
        assert parts == pytest.approx(pyo.value(pm.model.cost[c]), rel=1e-7, abs=1e-3), c
    # the services are part of the sites' costs, and of the Assignments table
    assert float(result.assignments["service_cost_cny"].sum()) == pytest.approx(
        result.costs.set_index("component").at["service", "cost_cny_per_yr"], rel=1e-9, abs=1e-6)


def test_issue_example_after_a_carbon_price_change():
    """The carbon price set on the model (not the Case's) is in every site's cost."""
    pm = PlanningModel(make_case(sites=[site("s1")]))
    pm.set_carbon_price(2000)
    result = pm.solve()
    assert result.solve.objective_cny == pytest.approx(432_240_000.0, rel=1e-9)
    assert_costs_add_up(pm, result)


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_case(12, 6, 2, service_cost_cny_per_mw_ms_yr=1000.0)


@pytest.mark.parametrize("strategy", ["direct", "sites"])
def test_costs_add_up_direct_and_by_sites(synthetic, strategy):
    pm = PlanningModel(synthetic)
    result = pm.solve(mip_gap=0.01, strategy=strategy)
    assert result.solve.status in SOLVED and pm.strategy_used == strategy
    assert result.costs.set_index("component").at["service", "cost_cny_per_yr"] > 0
    assert_costs_add_up(pm, result)
    pm.set_carbon_price(300.0)
    pm.set_carbon_cap(0.9 * result.kpi("emissions_tco2_per_yr"))
    again = pm.solve(mip_gap=0.01, strategy=strategy)
    assert again.kpi("emissions_tco2_per_yr") <= 0.9 * result.kpi("emissions_tco2_per_yr") * (1 + 1e-6)
    assert again.costs.set_index("component").at["carbon", "cost_cny_per_yr"] == pytest.approx(
        300.0 * again.kpi("emissions_tco2_per_yr"), rel=1e-9)
    assert_costs_add_up(pm, again)


@pytest.mark.parametrize("strategy", ["direct", "sites"])
def test_emissions_objective_costs_add_up_and_follow_the_strategy(synthetic, strategy):
    pm = PlanningModel(synthetic)
    result = pm.solve(mip_gap=0.01, objective="emissions", strategy=strategy)
    assert result.solve.status in SOLVED
    assert pm.strategy_used == strategy
    assert_costs_add_up(pm, result)
    cheapest = PlanningModel(synthetic).solve(mip_gap=0.01, strategy="direct")
    assert result.kpi("emissions_tco2_per_yr") <= cheapest.kpi("emissions_tco2_per_yr") * (1 + 1e-6)


def test_costs_add_up_on_the_full_year_by_sites():
    pm = PlanningModel(year_case(varying=False))
    result = pm.solve(mip_gap=1e-4, strategy="sites")
    assert result.solve.objective_cny is not None
    assert_costs_add_up(pm, result)


def test_emissions_objective_on_a_full_year_is_not_given_to_the_cost_only_decomposition():
    """The full year's decomposition designs on a few days for the least cost: asked for by name with the
    emissions objective it is refused in input terms; 'auto' solves such a case directly."""
    pm = PlanningModel(year_case(varying=False))
    with pytest.raises(SolveError, match="emissions objective on 8760 time steps cannot use the site decomposition"):
        pm.solve(objective="emissions", strategy="sites")
    assert pm.pick_strategy("auto", "emissions") == "direct"
