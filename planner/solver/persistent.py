"""Solving a built model with HiGHS through Pyomo's persistent HiGHS interface.

The interface keeps the HiGHS model in memory, so re-solving after changing mutable parameters (carbon
price, carbon cap, the lexicographic emission bound) or the active objective only sends the changes.
HiGHS' own log is streamed line by line to a callback, and its MIP progress lines are parsed into
elapsed time, incumbent, bound and gap for a progress display.
"""

from __future__ import annotations

import logging
import time

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.contrib.solver.common.results import SolutionStatus
from pyomo.contrib.solver.solvers.highs import Highs

from planner.solver.log import LineStream, LogCallback, ProgressCallback
from planner.solver.outcome import METHOD, SolveOutcome, relative_gap, status_of
from planner.solver.stop import raise_if_stopped, stop_requested, time_limit, watch

class _BatchedHighs(Highs):
    """Pyomo's persistent HiGHS interface, handing all variables over in one call before the constraints.

    The stock interface adds the variables of each constraint as it meets them (one highspy call per
    constraint); adding them in one batch first cuts the hand-off by about 40 % (benchmarks/README.md).
    """

    def add_block(self, block):
        self.add_variables(list(block.component_data_objects(pyo.Var, descend_into=True)))
        super().add_block(block)

    def _solve(self):
        watch(self._solver_model)
        return super()._solve()


def _not_after_ctrl_c(record: logging.LogRecord) -> bool:
    """Pyomo warns of HiGHS' 'interrupted' status, which it does not know; after Ctrl-C it is expected."""
    return not (stop_requested() and "kInterrupt" in record.getMessage())


logging.getLogger(Highs.__module__).addFilter(_not_after_ctrl_c)


class HighsSolver:
    """A persistent HiGHS solver for one Pyomo model."""

    def __init__(self, model: pyo.ConcreteModel):
        self.model = model
        self.solver = _BatchedHighs()
        self.solver.config.load_solutions = False
        self.solver.config.raise_exception_on_nonoptimal_result = False

    @staticmethod
    def available() -> bool:
        return bool(Highs().available())

    @staticmethod
    def version() -> str:
        return ".".join(str(v) for v in Highs().version())

    def solve(self, *, mip_gap: float | None = None, time_limit_s: float | None = None,
              log: LogCallback | None = None, progress: ProgressCallback | None = None,
              options: dict | None = None, model_is_current: bool = False,
              start: np.ndarray | None = None) -> SolveOutcome:
        """Solve; `model_is_current`: the HiGHS model is already up to date (skip Pyomo's change detection,
        which would also discard a MIP start set on the HiGHS model). `start`: a plan (`plan()` of a solve of
        the same model) handed to HiGHS as its MIP start, after the model's changes since then are sent."""
        began = time.perf_counter()
        if start is not None:
            self._set_start(start)
            model_is_current = True
        stream = LineStream(log, progress)
        skip = {name: False for name in _AUTO_UPDATES} if model_is_current else {}
        if time_limit_s is not None:  # the persistent HiGHS object's run clock adds up over solves
            time_limit_s = time_limit(getattr(self.solver, "_solver_model", None), time_limit_s)
        with PauseGC():  # the hand-off allocates per row; GC passes would walk the whole model each time
            results = self.solver.solve(self.model, tee=[stream], rel_gap=mip_gap, time_limit=time_limit_s,
                                        solver_options=dict(options or {}), auto_updates=skip)
        stream.flush()
        raise_if_stopped()
        wall = time.perf_counter() - began
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        if has_solution:
            results.solution_loader.load_vars()
        obj, bound = results.incumbent_objective, results.objective_bound
        gap = relative_gap(obj, bound)
        h = self.solver._solver_model
        status = status_of(h.getModelStatus(), has_solution, gap)
        return SolveOutcome(status=status, termination=f"{METHOD}: {h.modelStatusToString(h.getModelStatus())}",
                            has_solution=has_solution, objective=obj, bound=bound, gap=gap, wall_s=wall,
                            highs_s=results.timing_info.highs_time, log=results.solver_log or "")


    def _variables(self) -> list:
        return list(self.model.component_data_objects(pyo.Var, descend_into=True))

    def plan(self) -> np.ndarray:
        """The model's variable values (its last plan) in the model's own variable order: a start for a re-solve
        of this model, or of the same case's model built elsewhere (e.g. on another process)."""
        return np.array([v.value if v.value is not None else 0.0 for v in self._variables()], dtype=float)

    def _set_start(self, plan: np.ndarray) -> None:
        """Send the model's changes to HiGHS (or hand it the model), then set `plan` as the MIP start; HiGHS
        drops it if it breaks a constraint of the changed model."""
        if self.solver._model is not self.model:
            self.solver.set_instance(self.model)
        else:
            self.solver.update()
        columns = self.solver._pyomo_var_to_solver_var_map
        values = np.zeros(len(columns))
        for var, value in zip(self._variables(), plan, strict=True):
            column = columns.get(id(var))
            if column is not None:
                values[column] = round(value) if var.is_integer() or var.is_binary() else value
        solution = highspy.HighsSolution()
        solution.col_value = values.tolist()
        solution.value_valid = True
        self.solver._solver_model.setSolution(solution)


_AUTO_UPDATES = ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                 "check_for_new_or_removed_params", "check_for_new_objective", "update_constraints", "update_vars",
                 "update_parameters", "update_named_expressions", "update_objective")
