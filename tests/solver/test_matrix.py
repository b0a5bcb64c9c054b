"""The matrix hand-off (planner/solver/matrix.py): what HiGHS receives, and a solution put back into Pyomo."""

from __future__ import annotations

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.solver.matrix import compile_to_highs, nearest_to_zero_values


def small_model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.n = pyo.Var([1, 2], domain=pyo.NonNegativeIntegers, bounds=(0, 9))
    m.x = pyo.Var(bounds=(0, 10))
    m.above = pyo.Var(bounds=(2, 5))  # in no row: left out of the matrix
    m.below = pyo.Var(bounds=(-5, -1))
    m.free = pyo.Var()
    m.row = pyo.Constraint(expr=m.n[1] + m.n[2] + m.x >= 3.5)
    m.obj = pyo.Objective(expr=2 * m.n[1] + 3 * m.n[2] + 1.5 * m.x)
    return m


def test_bounds_integrality_and_costs_handed_to_highs():
    m = small_model()
    mat = compile_to_highs(m)
    assert [v.name for v in mat.columns] == ["n[1]", "n[2]", "x"]
    lp = mat.highs.getLp()
    assert list(lp.col_lower_) == [0, 0, 0] and list(lp.col_upper_) == [9, 9, 10]
    assert list(lp.integrality_) == [highspy.HighsVarType.kInteger] * 2 + [highspy.HighsVarType.kContinuous]
    assert list(lp.col_cost_) == [2, 3, 1.5]
    assert list(lp.row_lower_) == [3.5] and list(lp.row_upper_) == [highspy.kHighsInf]
    assert np.array_equal(mat.compiled.integer, [True, True, False])


def test_a_solution_put_back_rounds_integers_and_sets_the_rest_nearest_to_zero():
    m = small_model()
    mat = compile_to_highs(m)
    mat.load(m, np.array([2.9999999, 0.0000001, 0.5]))
    assert m.n[1].value == 3 and type(m.n[1].value) is int and m.n[2].value == 0
    assert m.x.value == 0.5
    assert (m.above.value, m.below.value, m.free.value) == (2.0, -1.0, 0.0)
    m.above.set_value(4.0)  # a value already there stays
    mat.load(m, np.array([1.0, 1.0, 1.5]))
    assert m.above.value == 4.0


def test_nearest_to_zero_values():
    m = small_model()
    assert nearest_to_zero_values([m.above, m.below, m.free, m.x]).tolist() == [2.0, -1.0, 0.0, 0.0]
    assert nearest_to_zero_values([]).tolist() == []
