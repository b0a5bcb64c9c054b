"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def varying_year():
    """The two-site year of `test_aggregated_days.year_case` (days that differ), solved to optimality by HiGHS
    on the full 8760 hours: (the PlanningModel, its optimal cost)."""
    from planner.solve import PlanningModel
    from test_aggregated_days import year_case

    model = PlanningModel(year_case(varying=True))
    result = model.solve(mip_gap=1e-9, strategy="direct")
    assert result.solve.status == "optimal"
    return model, result.solve.objective_cny
