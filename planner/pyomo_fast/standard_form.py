"""The active rows and objective of a Pyomo model as sparse arrays: the matrix HiGHS receives.

The result is, entry for entry, what Pyomo's `LinearStandardFormCompiler` gives in mixed form
(`tests/test_standard_form.py` compares the two on every kind of model the planner builds); it only gets
there sooner. Pyomo's compiler walks every row with its general expression visitor. The build writes almost
every row as `LinearExpression (==|<=) number`, and a constraint component of such rows is read at once, with
a few list operations over all its terms (`_linear_rows`): 3 x faster on the planner's models
(benchmarks/README.md). Families of many rows made by `planner.pyomo_fast.rows.add_rows`, which
keeps the coefficient and variable lists its rows are made from: their terms are taken from those lists while
the component's rows are still the ones made there (`_recorded_rows`), without making their expressions.
Other rows and the objective are opened term by term (named expressions, negations, constant x sum, parameter
coefficients); anything else (e.g. a ranged row) goes through Pyomo's `generate_standard_repn`.

Rules kept from Pyomo's compiler:
- rows: the active constraints in model order; `lb == ub` gives one row (sense 0), otherwise one row per
  finite bound (sense 1 for the upper, then -1 for the lower); a row with no term is dropped if its bounds
  hold (else `InfeasibleConstraintException`);
- which side is the body: a constant (or parameter) right-hand side bounds the left side, a constant left-hand
  side the right side; otherwise the row is left - right against 0;
- columns: a variable component takes its columns, in construction order, when one of its variables is first met
  (objective first, then rows); columns that end up in no row and not in the objective are left out;
  a fixed variable is a constant (moved into the bounds and the objective's offset), and a fixed variable
  met before its component does not bring the component in;
- repeated variables in a row are added up, zero coefficients dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import attrgetter, itemgetter

import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.common.numeric_types import native_numeric_types, native_types
from pyomo.core.base.var import ScalarVar, VarData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.repn.standard_repn import generate_standard_repn

from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.rows import linear_rows

_VARS = frozenset((VarData, ScalarVar))
_NUMBER_OR_NONE = frozenset(native_numeric_types) | {type(None)}
_ROW_RELATIONS = frozenset((EqualityExpression, InequalityExpression))  # Pyomo allows no strict inequality


@dataclass
class StandardForm:
    """min c x + offset subject to rhs rows (sense 0: ==, 1: <=, -1: >=) of A x, over `columns`."""

    c: np.ndarray
    offset: float
    a: sp.csc_matrix
    rhs: np.ndarray
    sense: np.ndarray  # int8 per row
    rows: list  # (ConstraintData, sense) per row
    columns: list  # VarData per column


class _Columns:
    """Column numbers of variables, given a whole component at a time when one of its variables is first met.
    A fixed variable met before its component gives none: it gets a negative number, -1 - its position in
    `fixed` (a constant, as in Pyomo's compiler)."""

    def __init__(self):
        self.number: dict[int, int] = {}
        self.variables: list = []
        self.fixed: list = []

    def __call__(self, v) -> int:
        j = self.number.get(id(v))
        if j is None:
            if v.fixed:
                self.fixed.append(v)
                return -len(self.fixed)
            members = list(elements(v.parent_component()).values())
            self.number.update(zip(map(id, members), range(len(self.variables), len(self.variables) + len(members))))
            self.variables += members
            j = self.number[id(v)]
        return j


def _plain_terms(e, sign: float, cols: list, vals: list, column) -> float | None:
    """Append sign x the terms of `e` to cols/vals and return its constant; None (nothing appended) if `e` is
    not a sum of numbers, variables and fixed coefficient x variable (named expressions, negations and nested
    sums are opened)."""
    cls = e.__class__
    if cls in native_numeric_types:
        return sign * e
    if cls in _VARS:
        cols.append(column(e))
        vals.append(sign)
        return 0.0
    mark = len(cols)
    if cls is LinearExpression:  # rows made by `add_rows`: the hot path, one list operation at a time
        plain = plain_linear_terms(e.args)
        if plain is not None:
            cs, xs = plain
            cols += _column_numbers(xs, column)
            vals += cs if sign == 1.0 else [sign * c for c in cs]
            return 0.0
    if cls is MonomialTermExpression:
        c, v = e.args
        if v.__class__ in _VARS and (c.__class__ in native_numeric_types or not c.is_potentially_variable()):
            cols.append(column(v))
            vals.append(sign * pyo.value(c))
            return 0.0
        return None
    if cls is NegationExpression:
        return _plain_terms(e.args[0], -sign, cols, vals, column)
    if cls is ProductExpression:  # constant x (sum)
        c, x = e.args
        if c.__class__ in native_numeric_types or not c.is_potentially_variable():
            return _plain_terms(x, sign * pyo.value(c), cols, vals, column)
        return None
    if isinstance(e, SumExpression):
        constant = 0.0
        for t in e.args:
            part = _plain_terms(t, sign, cols, vals, column)
            if part is None:
                del cols[mark:], vals[mark:]
                return None
            constant += part
        return constant
    if e.is_named_expression_type():
        return _plain_terms(e.expr, sign, cols, vals, column)
    if not e.is_potentially_variable():  # a parameter or an expression of parameters
        return sign * pyo.value(e)
    return None


def plain_linear_terms(terms: list) -> tuple[list, list] | None:
    """(coefficients, variables) of a LinearExpression's terms, if each is a variable or number x variable;
    None if one is anything else (a constant, a parameter as coefficient)."""
    xs = [t._args_[1] if t.__class__ is MonomialTermExpression else t for t in terms]
    if not _VARS.issuperset(map(type, xs)):
        return None
    cs = [t._args_[0] if t.__class__ is MonomialTermExpression else 1 for t in terms]
    if not native_numeric_types.issuperset(map(type, cs)):
        return None
    return cs, xs


def _column_numbers(xs: list, column: _Columns) -> list[int]:
    """The columns of variables, numbering the components met for the first time in the order met."""
    number = column.number
    js = list(map(number.get, map(id, xs)))
    if None in js:  # a component not met yet (its first variable numbers it), or a fixed variable
        for i in [i for i, j in enumerate(js) if j is None]:
            j = number.get(id(xs[i]))
            js[i] = column(xs[i]) if j is None else j
    return js


def _recorded_rows(component, cons: list, cols: list, vals: list, column) -> tuple[list, list, list] | None:
    """`_linear_rows` for a component made by `add_rows` whose active rows are still all the rows made there:
    the terms from the lists they are made from (their expressions are not read, so not made)."""
    made = linear_rows(component)
    if made is None or not made.describes(cons):
        return None
    cols += _column_numbers(made.variables, column)
    vals += made.coefficients
    zeros = [0] * len(cons)
    return made.lengths, (zeros if made.equality else [None] * len(cons)), zeros


def _linear_rows(exprs: list, cols: list, vals: list, column) -> tuple[list, list, list] | None:
    """The rows of a constraint component at once, if every one is `LinearExpression (==|<=) number` whose
    terms are variables and number x variable (rows made by `add_rows`): their terms appended, and (terms per
    row, lower bounds, upper bounds). None (nothing appended) if a row is of another shape. What `_plain_row`
    does per row, with a few list operations per component instead of per row."""
    if not _ROW_RELATIONS.issuperset(map(type, exprs)):
        return None
    sides = list(map(attrgetter("_args_"), exprs))
    bodies, bounds = list(map(itemgetter(0), sides)), list(map(itemgetter(1), sides))
    if set(map(type, bodies)) != {LinearExpression} or not native_numeric_types.issuperset(map(type, bounds)):
        return None
    per_row = list(map(attrgetter("args"), bodies))
    plain = plain_linear_terms(list(chain.from_iterable(per_row)))
    if plain is None:
        return None
    cs, xs = plain
    cols += _column_numbers(xs, column)
    vals += cs
    lower = [b if e.__class__ is EqualityExpression else None for e, b in zip(exprs, bounds)]
    return list(map(len, per_row)), lower, bounds


def _plain_row(expr, cols: list, vals: list, column) -> tuple[float | None, float | None] | None:
    """(lb, ub) of a relation between two plain sides (see `_plain_terms`), its terms appended; None if the
    row is not that simple."""
    cls = expr.__class__
    if cls is not EqualityExpression and (cls is not InequalityExpression or expr.strict):
        return None
    lhs, rhs = expr.args
    equality = cls is EqualityExpression
    if rhs.__class__ in native_types or not rhs.is_potentially_variable():  # Pyomo's choice of the body
        offset = _plain_terms(lhs, 1.0, cols, vals, column)
        if offset is None:
            return None
        bound = pyo.value(rhs) - offset
        return (bound if equality else None), bound
    if lhs.__class__ in native_types or not lhs.is_potentially_variable():
        offset = _plain_terms(rhs, 1.0, cols, vals, column)
        if offset is None:
            return None
        bound = pyo.value(lhs) - offset
        return bound, (bound if equality else None)
    mark = len(cols)
    left = _plain_terms(lhs, 1.0, cols, vals, column)
    right = None if left is None else _plain_terms(rhs, -1.0, cols, vals, column)
    if right is None:
        del cols[mark:], vals[mark:]
        return None
    bound = -(left + right)
    return (bound if equality else None), bound


def _repn_row(con, cols: list, vals: list, column) -> tuple[float | None, float | None]:
    """(lb, ub) of any linear row through Pyomo's standard representation, its terms appended."""
    lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
    repn = generate_standard_repn(body, compute_values=True, quadratic=False)
    if not repn.is_linear():
        raise ValueError(f"constraint {con.name} is not linear")
    for c, v in zip(repn.linear_coefs, repn.linear_vars):
        cols.append(column(v))
        vals.append(float(c))
    offset = float(repn.constant)
    return (None if lb is None else lb - offset), (None if ub is None else ub - offset)


def _objective(objective, cols: list, vals: list, column) -> float:
    """The objective's terms appended (negated for a maximisation: the standard form minimises); its constant."""
    sign = 1.0 if objective.sense == pyo.minimize else -1.0
    offset = _plain_terms(objective.expr, sign, cols, vals, column)
    if offset is not None:
        return offset
    repn = generate_standard_repn(objective.expr, compute_values=True, quadratic=False)
    if not repn.is_linear():
        raise ValueError(f"objective {objective.name} is not linear")
    cols += [column(v) for v in repn.linear_vars]
    vals += [sign * float(c) for c in repn.linear_coefs]
    return sign * float(repn.constant)


def standard_form(m: pyo.ConcreteModel) -> StandardForm:
    """The active objective and rows of `m` as sparse arrays (see the module's docstring for the rules)."""
    columns = _Columns()
    column = columns
    objectives = list(m.component_data_objects(pyo.Objective, active=True))
    if len(objectives) > 1:
        raise ValueError(f"the model has {len(objectives)} active objectives; HiGHS takes one")
    obj_cols: list[int] = []
    obj_vals: list[float] = []
    offset = 0.0
    if objectives:
        offset = _objective(objectives[0], obj_cols, obj_vals, column)

    cols: list[int] = []
    vals: list[float] = []
    starts = [0]
    row_cons: list = []
    lower: list = []
    upper: list = []
    for component in m.component_objects(pyo.Constraint, active=True):
        cons = [con for con in elements(component).values() if con.active]
        got = _recorded_rows(component, cons, cols, vals, column) if len(cons) > 1 else None
        exprs = None if got is not None else list(map(attrgetter("expr"), cons))
        if got is None and len(cons) > 1:
            got = _linear_rows(exprs, cols, vals, column)
        if got is not None:
            n_terms, bounds_lower, bounds_upper = got
            starts += (np.cumsum(n_terms) + starts[-1]).tolist()
            row_cons += cons
            lower += bounds_lower
            upper += bounds_upper
            continue
        for con, expr in zip(cons, exprs):
            bounds = _plain_row(expr, cols, vals, column)
            if bounds is None:
                bounds = _repn_row(con, cols, vals, column)
            if bounds[0] is None and bounds[1] is None:
                del cols[starts[-1]:], vals[starts[-1]:]
                continue
            starts.append(len(cols))
            row_cons.append(con)
            lower.append(bounds[0])
            upper.append(bounds[1])
    return _arrays(columns, obj_cols, obj_vals, offset, cols, vals, starts, row_cons, lower, upper)


def _entries(columns: _Columns, cols: list, vals: list, starts: list
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(columns, coefficients, starts, constant per row) of rows of entries, with the fixed variables that
    have no column taken out as constants (value x coefficient)."""
    j, v, starts = np.asarray(cols, dtype=np.int64), np.asarray(vals, dtype=float), np.asarray(starts, dtype=np.int64)
    n_rows = len(starts) - 1
    if not columns.fixed or not (j < 0).any():
        return j, v, starts, np.zeros(n_rows)
    row = np.repeat(np.arange(n_rows), np.diff(starts))
    at = j < 0
    values = np.array([w.value for w in columns.fixed], dtype=float)
    constant = np.bincount(row[at], weights=v[at] * values[-1 - j[at]], minlength=n_rows)
    kept = np.bincount(row[~at], minlength=n_rows)
    return j[~at], v[~at], np.r_[0, np.cumsum(kept)], constant


def _arrays(columns: _Columns, obj_cols, obj_vals, offset, cols, vals, starts, row_cons, lower, upper
            ) -> StandardForm:
    variables = columns.variables
    n_col, n_con = len(variables), len(row_cons)
    j, v, starts, row_constant = _entries(columns, cols, vals, starts)
    a = sp.csr_matrix((v, j, starts), shape=(n_con, n_col))
    a.sum_duplicates()  # sorts indices and adds repeated variables up
    a.eliminate_zeros()
    oj, ov, _, obj_constant = _entries(columns, obj_cols, obj_vals, [0, len(obj_cols)])
    offset += float(obj_constant.sum())
    c = np.zeros(n_col)
    np.add.at(c, oj, ov)
    lb, ub = np.array(lower, dtype=float), np.array(upper, dtype=float)  # None (no bound) becomes nan
    lb, ub = np.where(np.isnan(lb), -np.inf, lb) - row_constant, np.where(np.isnan(ub), np.inf, ub) - row_constant

    # a row with no term: dropped if its bounds hold (as Pyomo's, before fixed variables with a column go)
    empty = np.diff(a.indptr) == 0
    if empty.any():
        broken = empty & ((lb > 1e-9) | (ub < -1e-9))
        if broken.any():
            name = row_cons[int(np.flatnonzero(broken)[0])].name
            raise InfeasibleConstraintException(f"model contains a trivially infeasible constraint, '{name}'")
        a = a[~empty]
        lb, ub = lb[~empty], ub[~empty]
        row_cons = [r for r, e in zip(row_cons, empty) if not e]

    fixed = np.fromiter(map(attrgetter("fixed"), variables), dtype=bool, count=n_col)
    if fixed.any():
        x = np.array([v.value if f else 0.0 for v, f in zip(variables, fixed)], dtype=float)
        moved = a @ x
        lb, ub = lb - moved, ub - moved
        offset += float(c @ x)
        a.data[fixed[a.indices]] = 0.0
        a.eliminate_zeros()
        c = np.where(fixed, 0.0, c)

    # mixed form: an equality is one row; a row with two finite bounds becomes two (upper first, then lower)
    equal = lb == ub
    has_ub, has_lb = ~equal & np.isfinite(ub), ~equal & np.isfinite(lb)
    per_con = equal.astype(np.int64) + has_ub + has_lb
    take = np.repeat(np.arange(len(row_cons)), per_con)
    first = np.cumsum(per_con) - per_con
    sense = np.empty(len(take), dtype=np.int8)
    rhs = np.empty(len(take))
    sense[first[equal]], rhs[first[equal]] = 0, ub[equal]
    sense[first[has_ub]], rhs[first[has_ub]] = 1, ub[has_ub]
    second = first + has_ub  # the lower-bound row follows the upper-bound row of a ranged constraint
    sense[second[has_lb]], rhs[second[has_lb]] = -1, lb[has_lb]
    if len(take) != len(row_cons):
        a = a[take]
    rows = list(zip(row_cons if len(take) == len(row_cons) else map(row_cons.__getitem__, take.tolist()),
                    sense.tolist()))

    a = a.tocsc()
    used = ((np.diff(a.indptr) > 0) | (c != 0)) & ~fixed
    if not used.all():
        a, c = a[:, used], c[used]
    columns = [v for v, u in zip(variables, used.tolist()) if u]
    return StandardForm(c=c, offset=offset, a=a, rhs=rhs, sense=sense, rows=rows, columns=columns)


def column_bounds(columns: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lower, upper, integer) of variables, as `v.bounds` (None as -inf / inf) and `v.is_integer()` give
    them, one numpy operation per domain instead of two property calls per variable (0.1 s on 50,000
    columns). Bounds that are not plain numbers (parameters, expressions) are evaluated one by one."""
    n = len(columns)
    lower, upper = _raw_bounds(list(map(attrgetter("_lb"), columns))), _raw_bounds(
        list(map(attrgetter("_ub"), columns)))
    domains = list(map(id, map(attrgetter("_domain"), columns)))
    kinds: dict[int, tuple[float, float, bool]] = {}
    for d, v in zip(domains, columns):
        if d not in kinds:
            lb, ub = v.domain.bounds()
            kinds[d] = (-np.inf if lb is None else lb, np.inf if ub is None else ub, v.is_integer())
    index = {d: i for i, d in enumerate(kinds)}
    which = np.fromiter(map(index.__getitem__, domains), dtype=np.int64, count=n)
    table = np.array(list(kinds.values()), dtype=float).reshape(-1, 3)
    # the tighter of the variable's and the domain's bound; fmax / fmin: a missing (nan) one takes the domain's
    lower, upper = np.fmax(lower, table[which, 0]), np.fmin(upper, table[which, 1])
    return lower, upper, table[which, 2].astype(bool)


def _raw_bounds(raw: list) -> np.ndarray:
    """Bounds as set on the variables (`_lb` / `_ub`): None -> nan; parameters and expressions evaluated."""
    if _NUMBER_OR_NONE.issuperset(map(type, raw)):
        return np.array(raw, dtype=float)  # None becomes nan
    return np.array([np.nan if b is None else float(pyo.value(b)) for b in raw], dtype=float)
