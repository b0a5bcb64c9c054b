"""The model size reported with a result (`planner.solve.model_size`) counts what a one-by-one count finds."""

from __future__ import annotations

import pyomo.environ as pyo
from model_tables import synthetic_case

from planner.model.build import build_model
from planner.model.data import prepare
from planner.solve import model_size


def one_by_one(m: pyo.ConcreteModel) -> dict[str, int]:
    variables = list(m.component_data_objects(pyo.Var, active=True))
    return {"n_variables": len(variables),
            "n_constraints": sum(1 for _ in m.component_data_objects(pyo.Constraint, active=True)),
            "n_binaries": sum(v.is_binary() for v in variables),
            "n_integers": sum(v.is_integer() and not v.is_binary() for v in variables)}


def test_model_size_counts_each_variable_and_active_row():
    """Also after a row is switched off and one variable of a component gets another domain."""
    m = build_model(prepare(synthetic_case(6, 4, 2, seed=3)))
    assert model_size(m) == one_by_one(m)
    m.energy_balance[next(iter(m.energy_balance))].deactivate()
    m.modules[next(iter(m.modules))].domain = pyo.Binary
    m.it_mw[next(iter(m.it_mw))].domain = pyo.NonNegativeIntegers
    size = model_size(m)
    assert size == one_by_one(m)
    assert size["n_binaries"] > 0 and size["n_integers"] > 0
