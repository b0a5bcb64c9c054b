"""`planner.pyomo_fast.elements` reads a component's elements as Pyomo's `items()` and `extract_values()` give them."""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo

from planner.pyomo_fast.elements import elements, values


def test_elements_and_values_are_pyomos():
    m = pyo.ConcreteModel()
    m.S = pyo.Set(initialize=["b", "a", "c"], ordered=True)
    m.T = pyo.RangeSet(0, 3)
    m.x = pyo.Var(m.S, m.T)
    m.y = pyo.Var(m.S, domain=pyo.Binary)
    m.z = pyo.Var()
    m.sparse = pyo.Var([(1, 2), (3, 4)], dense=False)
    m.sparse[3, 4].set_value(1.5)
    for (s, t), v in m.x.items():
        if t != 2:
            v.set_value(10.0 * t + len(s))
    m.y["a"].set_value(1)
    for var in (m.x, m.y, m.z, m.sparse):
        assert list(elements(var)) == list(var.keys())
        assert all(a is b for a, b in zip(elements(var).values(), var.values(), strict=True))
        expected = [np.nan if v is None else v for v in var.extract_values().values()]
        np.testing.assert_array_equal(values(var), np.array(expected, dtype=float))
        np.testing.assert_array_equal(values(var, missing=0.0), np.nan_to_num(np.array(expected, dtype=float)))
    assert values(m.y).tolist()[1] == 1.0
