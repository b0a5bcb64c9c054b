"""Constraint families made by `planner.pyomo_fast.rows.add_rows`: rows whose expressions are made when first read.

The rows must behave as Pyomo rows in every way a user or a Pyomo tool can see (keys, order, expressions,
bounds, a clone, a pickle, a solve through Pyomo's own HiGHS interface), while the planner's compile reads
their coefficient and variable lists and never makes the expressions.
"""

from __future__ import annotations

import pickle

import numpy as np
import pyomo.environ as pyo
import pytest
from model_tables import synthetic_case
from pyomo.common.gc_manager import PauseGC

from planner.model.build import build_model
from planner.model.data import prepare
from planner.pyomo_fast.elements import elements
from planner.solver.matrix import compile_to_highs
from planner.pyomo_fast.rows import RELATION, REPLACED, add_rows, linear_rows
from planner.pyomo_fast.standard_form import standard_form


def _rule(m, s, t):
    return m.x[s, t] - 1.5 * m.cap[s] <= 0


def small_model() -> pyo.ConcreteModel:
    """min cap[a] + cap[b] - sum_t x[b, t] with x[s, t] <= 1.5 cap[s], x[a, t] == x[b, t], x <= 5, cap <= 4:
    x = 5 needs cap = 10/3, at -25/3."""
    m = pyo.ConcreteModel()
    m.S = pyo.Set(initialize=["b", "a"])
    m.T = pyo.RangeSet(0, 2)
    m.x = pyo.Var(m.S, m.T, bounds=(0, 5))
    m.cap = pyo.Var(m.S, bounds=(0, 4))
    x, cap = elements(m.x), elements(m.cap)
    add_rows(m, "within", (m.S, m.T), lambda s, t: ([1, -1.5], [x[s, t], cap[s]]), equality=False)
    add_rows(m, "same", (m.T,), lambda t: ([1.0, -1.0], [x["a", t], x["b", t]]), equality=True)
    m.by_rule = pyo.Constraint(m.S, m.T, rule=_rule)
    m.by_rule.deactivate()
    m.obj = pyo.Objective(expr=sum(m.cap[s] for s in m.S) - sum(m.x[i] for i in m.x) + sum(m.x["a", t] for t in m.T))
    return m


def made(component) -> int:
    """How many rows of the component have their relation made."""
    return sum(RELATION.__get__(row) is not None for row in elements(component).values())


def test_rows_read_as_the_rows_a_rule_makes():
    m = small_model()
    assert made(m.within) == 0
    assert list(m.within.keys()) == list(m.by_rule.keys()) == [(s, t) for s in ("b", "a") for t in range(3)]
    for i in m.within:
        row, ref = m.within[i], m.by_rule[i]
        assert str(row.body) == str(ref.body)
        assert (row.lower, row.upper, row.equality) == (ref.lower, ref.upper, ref.equality) == (None, 0, False)
        assert row.index() == i and row.parent_component() is m.within and row.active
    assert str(m.same[1].expr) == "x[a,1] - x[b,1]  ==  0"
    assert made(m.within) == 6


def test_the_compile_reads_the_lists_without_making_the_rows():
    m = build_model(prepare(synthetic_case(6, 4, 2, seed=3)))
    families = [c for c in m.component_objects(pyo.Constraint) if linear_rows(c) is not None]
    assert {c.name for c in families} >= {"energy_balance", "storage_soc_balance", "grid_import_within_connection"}
    with PauseGC():
        compile_to_highs(m)
    assert all(made(c) == 0 for c in families)


def test_a_clone_and_a_pickle_are_the_same_model():
    m = small_model()
    ours = standard_form(m)
    for copy in (m.clone(), pickle.loads(pickle.dumps(m))):
        assert [str(copy.within[i].expr) for i in copy.within] == [str(m.within[i].expr) for i in m.within]
        theirs = standard_form(copy)
        assert [v.name for v in theirs.columns] == [v.name for v in ours.columns]
        assert (theirs.a != ours.a).nnz == 0 and np.array_equal(theirs.rhs, ours.rhs)
        assert linear_rows(copy.within).variables[0] is copy.x["b", 0]


def solved(m: pyo.ConcreteModel) -> tuple[float, float]:
    """The optimum through Pyomo's HiGHS interface (the rows' expressions) and through the planner's compile."""
    result = pyo.SolverFactory("appsi_highs").solve(m)
    assert result.solver.termination_condition == pyo.TerminationCondition.optimal
    h = compile_to_highs(m).highs
    h.run()
    return pyo.value(m.obj), h.getInfo().objective_function_value


def test_a_row_given_another_expression_stays_replaced_and_solves_as_such():
    m = small_model()
    assert solved(m) == pytest.approx((-25 / 3, -25 / 3))
    m.within["a", 2].set_value(m.x["a", 2] <= 3)  # x[a, 2] = x[b, 2] = 3 at most: -19/3 with cap = 10/3
    assert m.within["a", 2]._row == REPLACED and str(m.within["a", 2].expr) == "x[a,2]  <=  3"
    assert not linear_rows(m.within).describes(list(m.within.values()))
    assert solved(m) == pytest.approx((-19 / 3, -19 / 3))
    assert pyo.value(m.x["a", 2]) == pytest.approx(3.0)


def test_a_row_without_a_coefficient_per_variable_is_refused():
    m = pyo.ConcreteModel()
    m.T = pyo.RangeSet(0, 1)
    m.x = pyo.Var(m.T)
    with pytest.raises(ValueError, match="bad: a row has not one coefficient per variable"):
        add_rows(m, "bad", (m.T,), lambda t: ([1.0, 2.0], [m.x[t]]), equality=True)
