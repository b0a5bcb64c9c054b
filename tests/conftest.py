"""Fixtures shared by test modules; the tests' own helper modules (model_tables, xlsx_helpers, report_cases)
live in this folder, which the subfolders' tests import from."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from planner.solver.outcome import SOLVED

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def varying_year():
    """The two-site year of `model_tables.year_case` (days that differ), solved to optimality by HiGHS on the
    full 8760 hours: (the PlanningModel, its optimal cost)."""
    from model_tables import year_case
    from planner.solve import PlanningModel

    model = PlanningModel(year_case(varying=True))
    result = model.solve(mip_gap=1e-9, strategy="direct")
    assert result.solve.status in SOLVED
    return model, result.solve.objective_cny
