"""The matrix HiGHS receives (planner/pyomo_fast/standard_form.py) is Pyomo's own standard form, entry for entry.

Each check compiles the same model with Pyomo's `LinearStandardFormCompiler` (mixed form) and with
`standard_form`, and compares columns (the very Pyomo variables, in order), rows (constraint and sense, in
order), the matrix, the costs, the offset and the right-hand sides.
"""

from __future__ import annotations

import numpy as np
import pyomo.environ as pyo
import pytest
from model_tables import synthetic_case, violations
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from planner.pyomo_fast import standard_form as standard_form_module
from planner.model.build import build_model
from planner.model.data import aggregated_days, prepare, restricted_to_sites
from planner.pyomo_fast.elements import elements
from planner.solver.matrix import compile_to_highs
from planner.pyomo_fast.rows import add_rows
from planner.pyomo_fast.standard_form import column_bounds, standard_form


def assert_same_as_pyomo(m: pyo.ConcreteModel) -> None:
    ref = LinearStandardFormCompiler().write(m, mixed_form=True)
    ours = standard_form(m)
    assert [v.name for v in ours.columns] == [v.name for v in ref.columns]
    assert all(a is b for a, b in zip(ours.columns, ref.columns))
    assert [(c.name, s) for c, s in ours.rows] == [(c.name, s) for c, s in ref.rows]
    assert np.array_equal(ours.sense, [s for _, s in ref.rows])
    a_ref = ref.A.tocsc()
    a_ref.sort_indices()
    assert ours.a.shape == a_ref.shape
    assert np.array_equal(ours.a.indptr, a_ref.indptr) and np.array_equal(ours.a.indices, a_ref.indices)
    np.testing.assert_allclose(ours.a.data, a_ref.data, rtol=1e-14, atol=0)
    has_objective = ref.c.shape[0] > 0
    np.testing.assert_allclose(ours.c, ref.c.toarray()[0] if has_objective else 0.0, rtol=1e-14, atol=0)
    np.testing.assert_allclose(ours.rhs, np.asarray(ref.rhs, dtype=float), rtol=1e-14, atol=1e-9)
    assert ours.offset == pytest.approx(float(ref.c_offset[0]) if has_objective else 0.0, rel=1e-12, abs=1e-6)


@pytest.fixture(scope="module")
def data():
    return prepare(synthetic_case(6, 4, 2, seed=3, green_min_storage_power_share=0.1))


def test_the_planning_model_as_built(data):
    assert_same_as_pyomo(build_model(data))


def test_the_elastic_model_of_a_diagnosis(data):
    assert_same_as_pyomo(build_model(data, elastic=True))


def test_average_days_and_the_open_sites_year(data):
    assert_same_as_pyomo(build_model(aggregated_days(data, 1)))
    keep = set(data.sites)
    for s in data.sites:  # a few sites that still reach every demand
        if len(keep) > 3 and set(data.pairs[data.pairs["site_id"].isin(keep - {s})]["demand_id"]) == set(data.demands):
            keep.discard(s)
    assert len(keep) < len(data.sites)
    assert_same_as_pyomo(build_model(restricted_to_sites(data, keep)))


def test_carbon_price_cap_objectives_and_fixed_variables(data):
    """Parameters in rows and costs, a zero carbon price (its column still first met in the objective), the
    emissions objective with the lexicographic row, and fixed variables moved into the bounds."""
    m = build_model(data)
    m.carbon_price.set_value(0.0)
    assert_same_as_pyomo(m)
    m.carbon_price.set_value(120.0)
    m.carbon_cap_tco2.set_value(5e5)
    m.carbon_cap.activate()
    assert_same_as_pyomo(m)
    m.total_cost.deactivate()
    m.total_emissions.activate()
    m.emissions_bound_tco2.set_value(4e5)
    m.emissions_lexicographic.activate()
    assert_same_as_pyomo(m)
    s = data.sites[0]
    m.open[s].fix(1)
    m.modules[s].fix(3)
    m.grid_import_mw[s, 0].fix(2.5)
    assert_same_as_pyomo(m)


def test_rows_of_every_shape():
    """A ranged row, a constant on either side, variables on both sides, a repeated variable, a zero
    coefficient, a parameter, a nested sum, rows emptied by fixed variables (with and without a column), a
    maximised objective."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2, 3], bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 5))
    m.unused = pyo.Var()
    m.z = pyo.Var([1, 2])
    m.p = pyo.Param(mutable=True, initialize=4.0)
    m.ranged = pyo.Constraint(expr=pyo.inequality(1, m.x[1] + 2 * m.x[2], 8))
    m.constant_left = pyo.Constraint(expr=3 <= m.x[1] + m.y)
    m.both_sides = pyo.Constraint(expr=m.x[1] + 2 == 3 * m.x[2] - m.y)
    m.repeated = pyo.Constraint(expr=m.x[1] + m.x[2] + 2 * m.x[1] <= 9)
    m.zero = pyo.Constraint(expr=0 * m.x[3] + m.x[2] >= 0.5)
    m.with_param = pyo.Constraint(expr=m.p * m.x[3] <= m.p + 1)
    m.param_left = pyo.Constraint(expr=m.p - 1 <= m.x[1] - m.x[2])  # the right side is the body, as in Pyomo
    m.param_equal = pyo.Constraint(expr=m.x[2] + m.y == 2 * m.p)
    m.nested = pyo.Constraint(expr=2 * (m.x[1] + m.x[3]) - (m.y - 1) <= 7)
    m.emptied = pyo.Constraint(expr=m.x[3] <= 6)
    m.only_z = pyo.Constraint(expr=m.z[1] - 2 * m.z[1] >= -3)  # z[1] fixed and met first: a constant row
    m.then_z = pyo.Constraint(expr=m.z[2] + m.z[1] <= 3)
    m.obj = pyo.Objective(expr=m.x[1] - 2 * m.x[2] + m.p * m.y + 5, sense=pyo.maximize)
    assert_same_as_pyomo(m)
    m.x[3].fix(1.0)
    m.z[1].fix(2.0)
    assert_same_as_pyomo(m)


def test_indexed_rows_read_at_once(monkeypatch):
    """Indexed components whose rows are all `LinearExpression (==|<=) number` are read a component at a time
    (`_linear_rows`): a component first met in the middle of one, a fixed variable met before its component,
    a repeated variable, a deactivated row, an empty sum; and a component with one row of another shape,
    read row by row."""
    at_once = []

    def spy(exprs, *args):
        got = linear_rows(exprs, *args)
        at_once.append(got is not None)
        return got

    linear_rows = standard_form_module._linear_rows
    monkeypatch.setattr(standard_form_module, "_linear_rows", spy)
    m = pyo.ConcreteModel()
    m.T = pyo.RangeSet(0, 5)
    m.a = pyo.Var(m.T, bounds=(0, 4))
    m.b = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.c = pyo.Var(m.T, bounds=(-1, 1))
    m.w = pyo.Var()
    m.first = pyo.Constraint(m.T, rule=lambda m, t: LinearExpression(
        [m.a[t], MonomialTermExpression((-2.0, m.b[t]))] + ([m.c[t]] if t >= 3 else [])) <= t)
    m.equal = pyo.Constraint(m.T, rule=lambda m, t: LinearExpression(
        [m.b[t], m.a[t], MonomialTermExpression((0.5, m.a[t])), m.w]) == 1.0)
    m.empty = pyo.Constraint(m.T, rule=lambda m, t: LinearExpression([m.c[t]] if t else []) <= 2.0)
    m.mixed = pyo.Constraint(m.T, rule=lambda m, t: (
        LinearExpression([m.a[t], m.c[t]]) >= 1.0 if t == 2 else LinearExpression([m.a[t], m.c[t]]) <= 3.0))
    m.obj = pyo.Objective(expr=sum(m.b[t] for t in m.T))
    assert_same_as_pyomo(m)
    assert at_once == [True, True, True, False]
    m.c[4].fix(0.5)  # met in `first` before any other c
    m.w.fix(2.0)
    m.equal[1].deactivate()
    assert_same_as_pyomo(m)


def test_column_bounds_are_pyomos():
    """`column_bounds` gives what `v.bounds` and `v.is_integer()` give, variable by variable: domains with and
    without bounds of their own, bounds tighter and looser than the domain's, infinite and parameter bounds."""
    m = pyo.ConcreteModel()
    m.p = pyo.Param(mutable=True, initialize=7.0)
    m.x = pyo.Var([1, 2, 3], domain=pyo.NonNegativeReals)
    m.x[2].setub(5.0)
    m.x[3].setlb(-3.0)  # looser than the domain's 0
    m.y = pyo.Var([1, 2], domain=pyo.Binary)
    m.y[2].setub(0)
    m.n = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(1, m.p))
    m.r = pyo.Var([1, 2], domain=pyo.Reals)
    m.r[1].setlb(float("-inf"))
    m.r[2].setub(float("inf"))
    m.i = pyo.Var(domain=pyo.Integers, bounds=(-2, 2))
    m.u = pyo.Var(domain=pyo.UnitInterval)
    m.x[1].domain = pyo.Integers  # one element of a component in another domain
    variables = list(m.component_data_objects(pyo.Var))
    lower, upper, integer = column_bounds(variables)
    expected = np.array([[-np.inf if v.lb is None else v.lb, np.inf if v.ub is None else v.ub]
                         for v in variables], dtype=float)
    assert np.array_equal(lower, expected[:, 0]) and np.array_equal(upper, expected[:, 1])
    assert integer.tolist() == [v.is_integer() for v in variables]
    at = {id(v): k for k, v in enumerate(variables)}
    assert lower[at[id(m.n)]] == 1.0 and upper[at[id(m.n)]] == 7.0
    assert lower[at[id(m.x[3])]] == 0.0 and integer[at[id(m.x[1])]]
    m.p.set_value(9.0)
    assert column_bounds([m.n])[1][0] == 9.0


def test_no_objective_and_no_rows():
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2], bounds=(0, 1))
    m.row = pyo.Constraint(expr=m.x[1] + m.x[2] >= 1)
    assert_same_as_pyomo(m)
    m.row.deactivate()
    m.obj = pyo.Objective(expr=m.x[1] + 3 * m.x[2])
    assert_same_as_pyomo(m)


def test_a_row_that_cannot_hold_is_an_error():
    m = pyo.ConcreteModel()
    m.x = pyo.Var()
    m.bad = pyo.Constraint(expr=m.x >= 2)
    m.obj = pyo.Objective(expr=m.x)
    m.x.fix(1.0)
    with pytest.raises(InfeasibleConstraintException, match="bad"):
        standard_form(m)


def test_highs_solves_the_compiled_model_to_the_pyomo_models_objective(data):
    """HiGHS' optimum of the compiled MILP, put back into the Pyomo model, gives the same total cost and meets
    every row."""
    m = build_model(data)
    mat = compile_to_highs(m)
    mat.highs.setOptionValue("mip_rel_gap", 1e-6)
    mat.highs.run()
    mat.load(m, mat.solution())
    assert pyo.value(m.total_cost) == pytest.approx(mat.highs.getInfo().objective_function_value, rel=1e-6)
    assert violations(m) == []


def test_rows_made_by_add_rows_are_read_from_their_lists(monkeypatch):
    """A family made by `add_rows` holds the rows a rule would make (same keys, order and expressions), and
    the compile takes its terms from the lists they were made from, while its active rows are still those
    relations: not after a row is deactivated or given another expression. Pyomo's compiler agrees each time."""
    recorded = []

    def spy(component, *args):
        got = recorded_rows(component, *args)
        recorded.append((component.name, got is not None))
        return got

    recorded_rows = standard_form_module._recorded_rows
    monkeypatch.setattr(standard_form_module, "_recorded_rows", spy)
    m = pyo.ConcreteModel()
    m.S = pyo.Set(initialize=["b", "a"])  # not sorted: the index set's order is kept
    m.T = pyo.RangeSet(0, 3)
    m.x = pyo.Var(m.S, m.T, bounds=(0, 5))
    m.cap = pyo.Var(m.S, domain=pyo.NonNegativeReals)
    m.y = pyo.Var(m.T)
    x, cap, y = elements(m.x), elements(m.cap), elements(m.y)

    def balance(s, t):  # coefficient 1 (a bare variable), -1, 0 (kept as a term), a repeated variable
        return [1.0, -1, 0.0, 2.5, 0.5], [x[s, t], cap[s], y[t], y[t], x[s, t]]

    add_rows(m, "within", (m.S, m.T), balance, equality=False)
    add_rows(m, "hourly", (m.T,), lambda t: ([1, 1], [y[t], x["a", t]]), equality=True)
    m.by_rule = pyo.Constraint(m.S, m.T, rule=lambda m, s, t: (
        LinearExpression([m.x[s, t], MonomialTermExpression((-1, m.cap[s])), MonomialTermExpression((0.0, m.y[t])),
                          MonomialTermExpression((2.5, m.y[t])), MonomialTermExpression((0.5, m.x[s, t]))]) <= 0))
    m.obj = pyo.Objective(expr=sum(m.cap[s] for s in m.S) - sum(m.y[t] for t in m.T))
    assert list(m.within.keys()) == list(m.by_rule.keys())
    assert [str(m.within[i].expr) for i in m.within] == [str(m.by_rule[i].expr) for i in m.by_rule]
    assert all(m.within[i].index() == i and m.within[i].parent_component() is m.within for i in m.within)
    assert str(m.hourly[2].expr) == "y[2] + x[a,2]  ==  0"
    assert_same_as_pyomo(m)
    assert recorded == [("within", True), ("hourly", True), ("by_rule", False)]

    recorded.clear()
    m.within["a", 1].deactivate()
    m.hourly[0].set_value(m.y[0] + 2 * m.x["b", 0] == 1)
    assert_same_as_pyomo(m)
    assert recorded == [("within", False), ("hourly", False), ("by_rule", False)]
    m.within["a", 1].activate()
    assert_same_as_pyomo(m)
    assert recorded[-3] == ("within", True)
