"""The cost-carbon frontier of the small study case: costs rise and emissions fall along it, its ends are the
cost-objective and emissions-objective solves, and the abatement costs follow from its points."""

from __future__ import annotations

import dataclasses

import pytest

from study_cases import study_tables
from planner.input.validate import case_from_tables
from planner.solve import PlanningModel, solve_case
from planner.study.pareto import COST, EMISSIONS, frontier, frontier_table
from planner.study.task import HIGHS_OPTIONS


@pytest.fixture(scope="module")
def case():
    tables = study_tables(scenarios=[])
    tables.pop("Scenarios")
    return case_from_tables(tables)


@pytest.fixture(scope="module")
def points(case):
    return frontier(case, 5)


def test_costs_rise_and_emissions_fall(points):
    costs, emissions = [p.cost for p in points], [p.emissions for p in points]
    assert all(b >= a - 1e-6 * abs(a) for a, b in zip(costs, costs[1:])), costs
    assert all(b <= a + 1e-6 * abs(a) for a, b in zip(emissions, emissions[1:])), emissions
    assert costs[-1] > costs[0] and emissions[-1] < emissions[0]
    for p in points[1:-1]:
        assert p.emissions <= p.cap_tco2_per_yr * (1 + 1e-6)


def test_ends_are_the_cost_and_emissions_solves(case, points):
    cheapest = solve_case(case)
    cleanest = solve_case(dataclasses.replace(case, settings=dataclasses.replace(case.settings, objective="emissions")))
    assert points[0].cost == pytest.approx(cheapest.kpi(COST), rel=1e-6)
    assert points[0].emissions == pytest.approx(cheapest.kpi(EMISSIONS), rel=1e-6)
    assert points[-1].emissions == pytest.approx(cleanest.kpi(EMISSIONS), rel=1e-6)
    assert points[-1].cost == pytest.approx(cleanest.kpi(COST), rel=1e-6)


def test_frontier_table_and_abatement_cost(points):
    table = frontier_table(points)
    assert list(table["point"]) == ["point-00-least-cost", "point-01", "point-02", "point-03",
                                    "point-04-least-emissions"]
    mac = table["marginal_abatement_cost_cny_per_tco2"]
    assert mac.iloc[0] is None or mac.isna().iloc[0]
    for k in range(1, len(points)):
        if points[k - 1].emissions - points[k].emissions > 1e-6:
            expected = (points[k].cost - points[k - 1].cost) / (points[k - 1].emissions - points[k].emissions)
            assert mac.iloc[k] == pytest.approx(expected)
            assert mac.iloc[k] >= 0
    assert table["design_changes"].iloc[-1]  # the cleanest plan differs from the one before it


def test_a_capped_re_solve_starts_from_the_cleaner_plan(case):
    """The warm start: the least-emissions plan, handed to HiGHS as the MIP start of a capped re-solve of the built
    model, is accepted (it meets the looser cap), and the plan found costs what a cold solve's does."""
    model = PlanningModel(case)
    cheapest = model.solve(options=HIGHS_OPTIONS)
    cleanest = model.solve(objective="emissions", options=HIGHS_OPTIONS)
    cap = (cheapest.kpi(EMISSIONS) + cleanest.kpi(EMISSIONS)) / 2
    plan = model.solver.plan()
    model.set_carbon_cap(cap)
    lines: list[str] = []
    warm = model.solve(options=HIGHS_OPTIONS, start=plan, log=lines.append)
    assert any("MIP start solution is feasible" in line for line in lines), "\n".join(lines)
    capped = dataclasses.replace(case, settings=dataclasses.replace(case.settings, carbon_cap_tco2_per_yr=cap))
    cold = solve_case(capped, options=HIGHS_OPTIONS)
    assert warm.kpi(COST) == pytest.approx(cold.kpi(COST), rel=2 * case.settings.mip_gap)
    assert warm.kpi(EMISSIONS) <= cap * (1 + 1e-6)
