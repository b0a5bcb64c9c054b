"""The value of a named expression, read term by term.

Pyomo's general evaluation walks every term of a LinearExpression as a tree; on sums of hundreds of thousands
of terms that took most of the post-processing time. `value_of` adds up plain linear terms directly and
opens named expressions, negations, a parameter times an expression, and sums of named expressions, falling back to Pyomo's evaluation for anything else
(e.g. a mutable parameter as a coefficient).
"""

from __future__ import annotations

from operator import mul

import pyomo.environ as pyo
from pyomo.core.expr.numvalue import is_potentially_variable
from pyomo.core.expr.numeric_expr import LinearExpression, NegationExpression, ProductExpression, SumExpression

from planner.pyomo_fast.standard_form import plain_linear_terms


def value_of(expression) -> float:
    """The value of a (named) expression at the variables' current values; a variable without a value is 0."""
    if isinstance(expression, (int, float)):
        return float(expression)
    if expression.is_named_expression_type():
        return value_of(expression.expr)
    cls = type(expression)
    if cls is NegationExpression:
        return -value_of(expression.args[0])
    if cls is ProductExpression and not is_potentially_variable(expression.args[0]):  # (parameter) x (sum)
        return float(pyo.value(expression.args[0])) * value_of(expression.args[1])
    if cls is LinearExpression:
        plain = plain_linear_terms(expression.args)
        if plain is not None:
            coefs, xs = plain
            return float(sum(map(mul, coefs, [x.value or 0.0 for x in xs])))
    elif cls is SumExpression and all(a.is_named_expression_type() for a in expression.args
                                      if not isinstance(a, (int, float))):
        return float(sum(map(value_of, expression.args)))
    return float(pyo.value(expression))
