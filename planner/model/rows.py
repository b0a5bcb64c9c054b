"""Linear constraint families made from (coefficient, variable) lists, the lists kept for the compile.

The hourly families (energy balance, state of charge, x[s, t] <= capacity[s], ...) hold nearly all rows of a
model: 58,000 of 60,500 on the benchmark's 40 sites x 12 days. The build makes each row from a list of
coefficients and a list of variables; `add_rows` turns them into the Pyomo row (`LinearExpression (==|<=) 0`,
term for term what `sum(c * x) == 0` builds: x for a coefficient of 1, c * x otherwise) and keeps the flat
lists with the component (`LinearRows`). The compile (`planner.model.standard_form`) then takes the terms from
those lists instead of reading them back out of some 300,000 expression nodes, as long as the component's
active rows are still the very relation objects that were made (`LinearRows.describes`); any other component,
or one changed since, is read from its expressions.

Rows are written `a - b == 0` (or <= 0) as one LinearExpression, not `a == b`: Pyomo turns `a == b` into a - b
when the model is handed to a solver, and with a sum on either side that difference is a general expression (a
sum with a negation) that its compiler walks node by node. On 40 sites x 48 days writing the difference took
build + compile from 9.0-10.3 s to 5.8-6.2 s.

The rows are stored in the component as Pyomo's own construction would store them (a `ConstraintData` per
index, in the order of the index set), without the per-row machinery of a rule (an initializer call, index
handling, `set_value`'s checks of a relation that is made right here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import is_

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression

_RECORD = "_planner_linear_rows"  # attribute of the Constraint component that holds its LinearRows


@dataclass
class LinearRows:
    """The rows of a constraint component: sum_j coefficients[j] x variables[j] (== | <=) 0, row by row."""

    relations: list  # the relation objects made, in the component's order
    lengths: list[int]  # terms per row
    coefficients: list[float]
    variables: list  # VarData per term
    equality: bool

    def describes(self, relations: list) -> bool:
        """True if `relations` (a component's active rows' relations, in order) are the ones made here."""
        return len(relations) == len(self.relations) and all(map(is_, relations, self.relations))


def add_rows(m: pyo.Block, name: str, sets: tuple, row: Callable[..., tuple[list, list]], *,
             equality: bool) -> None:
    """m.<name>[i] = (sum_j c_j x_j == 0 if `equality` else <= 0) with (c, x) = row(*i), for each index i of
    the product of `sets` (in its order)."""
    component = pyo.Constraint(*sets)
    m.add_component(name, component)
    data = component._data
    relations: list = []
    lengths: list[int] = []
    coefficients: list = []
    variables: list = []
    for index in component.index_set():
        cs, xs = row(*index) if index.__class__ is tuple else row(index)
        body = LinearExpression([x if c == 1 else MonomialTermExpression((c, x)) for c, x in zip(cs, xs)])
        relation = EqualityExpression((body, 0)) if equality else InequalityExpression((body, 0), False)
        member = component._ComponentDataClass(component=component)
        member._index = index
        member._expr = relation
        data[index] = member
        relations.append(relation)
        lengths.append(len(xs))
        coefficients += cs
        variables += xs
    setattr(component, _RECORD, LinearRows(relations, lengths, coefficients, variables, equality))


def linear_rows(component) -> LinearRows | None:
    """The lists a constraint component was made from by `add_rows`, if it was."""
    return getattr(component, _RECORD, None)
