"""Small helpers for the decomposition's own HiGHS objects."""

from __future__ import annotations

import math

import highspy
import numpy as np

from planner.decomposition.tuning import OBJECTIVE_SCALE_LOG2


def objective_scale(largest_cost: float) -> int:
    """HiGHS' user_objective_scale (a power of 2) that brings the largest cost to about 2 ** OBJECTIVE_SCALE_LOG2."""
    return -max(0, math.ceil(math.log2(max(largest_cost, 1.0))) - OBJECTIVE_SCALE_LOG2)


def highs_solution(x: np.ndarray) -> highspy.HighsSolution:
    """Column values x as a start solution for HiGHS."""
    solution = highspy.HighsSolution()
    solution.col_value = list(x)
    solution.value_valid = True
    return solution
