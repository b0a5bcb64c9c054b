"""The full model's HiGHS object as a restricted LP or MIP: integrality relaxed, some columns fixed, sites closed."""

from __future__ import annotations

import math

import highspy
import numpy as np

from planner.decomposition.blocks import SiteBlocks
from planner.decomposition.budget import Budget
from planner.decomposition.highs_tools import highs_solution
from planner.solver.stop import run

FEASIBLE = 2  # HiGHS' primal_solution_status of a feasible solution


class Restricted:
    """The HiGHS model with integrality relaxed and some sites closed; restores everything on exit."""

    def __init__(self, h: highspy.Highs, b: SiteBlocks):
        self.h, self.b = h, b
        self.int_cols = np.flatnonzero(b.integrality != 0).astype(np.int32)
        self.all_cols = np.arange(len(b.cost), dtype=np.int32)

    def __enter__(self):
        self.h.setOptionValue("output_flag", False)
        self._integrality(False)
        return self

    def __exit__(self, *exc):
        b, h = self.b, self.h
        h.changeColsBounds(len(self.all_cols), self.all_cols, b.col_lower, b.col_upper)
        self._integrality(True)
        h.setOptionValue("objective_target", -math.inf)
        h.setOptionValue("time_limit", math.inf)
        h.setOptionValue("output_flag", True)
        return False

    def _integrality(self, on: bool) -> None:
        ic = self.int_cols
        values = self.b.integrality[ic] if on else np.zeros(len(ic))
        self.h.changeColsIntegrality(len(ic), ic, values.astype(np.uint8))

    def set_bounds(self, fixed: dict[int, float], closed) -> None:
        """Fix the given columns; every column of a closed site at 0."""
        b = self.b
        lower, upper = b.col_lower.copy(), b.col_upper.copy()
        for i in closed:
            lower[b.site_cols[i]] = upper[b.site_cols[i]] = 0.0
        if fixed:
            cols = np.fromiter(fixed, dtype=np.int64)
            lower[cols] = upper[cols] = np.fromiter(fixed.values(), dtype=float)
        self.h.changeColsBounds(len(self.all_cols), self.all_cols, lower, upper)

    def _run(self, budget: Budget) -> None:
        self.h.setOptionValue("time_limit", budget.highs_limit(self.h))
        run(self.h)

    def lp(self, budget: Budget, solver: str = "choose") -> tuple[np.ndarray, np.ndarray, float] | None:
        """LP optimum over the current bounds: (column values, row duals, objective), or None."""
        self.h.setOptionValue("solver", solver)
        try:
            self._run(budget)
        finally:
            self.h.setOptionValue("solver", "choose")
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        return np.asarray(sol.col_value), np.asarray(sol.row_dual), float(self.h.getInfo().objective_function_value)

    def mip(self, budget: Budget, mip_gap: float, target: float,
            start: np.ndarray | None) -> tuple[np.ndarray, float] | None:
        """MIP over the current bounds, stopping at `target`; (column values, objective) or None."""
        h = self.h
        self._integrality(True)
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("objective_target", target)
        try:
            if start is not None:
                h.setSolution(highs_solution(start))
            self._run(budget)
            if h.getInfo().primal_solution_status != FEASIBLE:
                return None
            return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)
        finally:
            h.setOptionValue("objective_target", -math.inf)
            self._integrality(False)
