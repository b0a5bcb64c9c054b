"""Linear constraint families made from (coefficient, variable) lists: rows whose expressions are made when
first read.

Large indexed families (one row per index, e.g. x[i, t] <= capacity[i]) can hold nearly all rows and terms of
a model. The caller gives
each row as a list of coefficients and a list of variables; `add_rows` keeps the lists, flat, with the component
(`LinearRows`), and stores a row per index (`_MadeRow`, a `ConstraintData`) whose relation
`LinearExpression (==|<=) 0` is made from those lists the first time anything reads it (its `expr`, `body`,
bounds, a writer, Pyomo's compilers...): term for term what `sum(c * x) == 0` builds, x for a coefficient of 1
and c * x otherwise. The compile (`planner.pyomo_fast.standard_form`) takes the terms from the lists directly, while
the component's active rows are still the rows made here and none has been given another expression
(`LinearRows.describes`); so a solve through that compile never makes those expression nodes at all. Any other
component, or one changed since, is read from its expressions, which are made on the way.

Rows are written `a - b == 0` (or <= 0) as one LinearExpression, not `a == b`: Pyomo turns `a == b` into a - b
when the model is handed to a solver, and with a sum on either side that difference is a general expression (a
sum with a negation) that its compiler walks node by node (writing the difference cut build + compile by about
40 %, benchmarks/README.md).

The rows are stored in the component as Pyomo's own construction stores them (a `ConstraintData` per index, in
the order of the index set), without the per-row machinery of a rule (an initializer call, index handling,
`set_value`'s checks of a relation made right here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter

import pyomo.environ as pyo
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression

_RECORD = "_planner_linear_rows"  # attribute of the Constraint component that holds its LinearRows
RELATION = ConstraintData._expr  # the slot in which a ConstraintData keeps its relation
REPLACED = -1  # `_MadeRow._row` of a row given another expression


def weighted_sum(coefs: list[float], xs: list) -> LinearExpression:
    """sum_i coefs[i] * xs[i] as one LinearExpression, term for term what `sum(c * x ...)` builds (x for a
    coefficient of 1, c * x otherwise, a zero term kept), without Pyomo's operator dispatch."""
    return LinearExpression([x if c == 1 else MonomialTermExpression((c, x)) for c, x in zip(coefs, xs)])


@dataclass
class LinearRows:
    """The rows of a constraint component: sum_j coefficients[j] x variables[j] (== | <=) 0, row by row."""

    lengths: list[int]  # terms per row
    coefficients: list[float]
    variables: list  # VarData per term
    equality: bool
    _starts: list[int] | None = field(default=None, repr=False)

    def relation(self, k: int):
        """The relation of row k, as `sum(c * x) == 0` (or <= 0) builds it."""
        if self._starts is None:
            self._starts = [0, *accumulate(self.lengths)]
        a, b = self._starts[k], self._starts[k + 1]
        body = weighted_sum(self.coefficients[a:b], self.variables[a:b])
        return EqualityExpression((body, 0)) if self.equality else InequalityExpression((body, 0), False)

    def describes(self, rows: list) -> bool:
        """True if `rows` (a component's active rows, in order) are all the rows made here, none of them given
        another expression since."""
        if len(rows) != len(self.lengths):
            return False
        try:
            return list(map(attrgetter("_row"), rows)) == list(range(len(rows)))
        except AttributeError:  # a row that is not a _MadeRow
            return False


class _MadeRow(ConstraintData):
    """A row of `add_rows`: its relation is made from the component's `LinearRows` when first read. Every read
    of the relation by Pyomo goes through `_expr`; setting it (`set_value`) replaces the row for good."""

    __slots__ = ("_row",)

    @property
    def _expr(self):
        relation = RELATION.__get__(self)
        if relation is None and self._row != REPLACED:
            relation = linear_rows(self.parent_component()).relation(self._row)
            RELATION.__set__(self, relation)
        return relation

    @_expr.setter
    def _expr(self, relation) -> None:
        RELATION.__set__(self, relation)
        self._row = REPLACED


def add_rows(m: pyo.Block, name: str, sets: tuple, row: Callable[..., tuple[list, list]], *,
             equality: bool) -> None:
    """m.<name>[i] = (sum_j c_j x_j == 0 if `equality` else <= 0) with (c, x) = row(*i), for each index i of
    the product of `sets` (in its order)."""
    component = pyo.Constraint(*sets)
    m.add_component(name, component)
    data = component._data
    lengths: list[int] = []
    coefficients: list = []
    variables: list = []
    for k, index in enumerate(component.index_set()):
        cs, xs = row(*index) if index.__class__ is tuple else row(index)
        member = _MadeRow(component=component)
        member._row = k
        member._index = index
        data[index] = member
        lengths.append(len(xs))
        coefficients += cs
        variables += xs
    if len(coefficients) != len(variables):
        raise ValueError(f"{name}: a row has not one coefficient per variable")
    setattr(component, _RECORD, LinearRows(lengths, coefficients, variables, equality))


def linear_rows(component) -> LinearRows | None:
    """The lists a constraint component was made from by `add_rows`, if it was."""
    return getattr(component, _RECORD, None)
