"""Solving a built model with HiGHS through Pyomo's persistent HiGHS interface.

The interface keeps the HiGHS model in memory, so re-solving after changing mutable parameters (carbon
price, carbon cap, the lexicographic emission bound) or the active objective only sends the changes.
HiGHS' own log is streamed line by line to a callback, and its MIP progress lines are parsed into
elapsed time, incumbent, bound and gap for a progress display.
"""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass
from typing import Callable

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from planner.solver.stop import raise_if_stopped, stop_requested, time_limit, watch

LogCallback = Callable[[str], None]
ProgressCallback = Callable[[dict], None]

# A HiGHS MIP progress line: src, nodes, queue, leaves, explored %, BestBound, BestSol, Gap, ..., time
_MIP_LINE = re.compile(
    r"^\s*[A-Za-z]?\s*\d+\s+\d+\s+\d+\s+[\d.]+%\s+(?P<bound>\S+)\s+(?P<sol>\S+)\s+(?P<gap>\S+)\s+.*?"
    r"(?P<time>\d+(?:\.\d+)?)s\s*$")


def _number(token: str) -> float | None:
    try:
        return float(token.rstrip("%"))
    except ValueError:
        return None


def parse_progress(line: str) -> dict | None:
    """Elapsed time, incumbent, bound and gap from one HiGHS MIP log line (None if it is not one)."""
    match = _MIP_LINE.match(line)
    if not match:
        return None
    gap = _number(match["gap"]) if match["gap"].endswith("%") else None
    return {"stage": "solve", "elapsed_s": float(match["time"]), "incumbent": _number(match["sol"]),
            "bound": _number(match["bound"]), "gap": None if gap is None else gap / 100.0}


class _LineStream(io.TextIOBase):
    """A text stream that hands every complete line to the log and progress callbacks."""

    def __init__(self, log: LogCallback | None, progress: ProgressCallback | None):
        self._log, self._progress, self._buffer = log, progress, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self._emit(line)
        return len(text)

    def _emit(self, line: str) -> None:
        if self._log:
            self._log(line)
        if self._progress and (info := parse_progress(line)):
            self._progress(info)

    def flush(self) -> None:
        if self._buffer:
            self._emit(self._buffer)
            self._buffer = ""


@dataclass
class SolveOutcome:
    status: str  # optimal | time_limit | infeasible | unbounded | interrupted | no_solution | error
    termination: str
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    wall_s: float
    highs_s: float | None
    log: str


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
              options: dict | None = None, model_is_current: bool = False) -> SolveOutcome:
        """Solve; `model_is_current`: the HiGHS model is already up to date (skip Pyomo's change detection,
        which would also discard a MIP start set on the HiGHS model)."""
        stream = _LineStream(log, progress)
        start = time.perf_counter()
        skip = {name: False for name in _AUTO_UPDATES} if model_is_current else {}
        if time_limit_s is not None:  # the persistent HiGHS object's run clock adds up over solves
            time_limit_s = time_limit(getattr(self.solver, "_solver_model", None), time_limit_s)
        with PauseGC():  # the hand-off allocates per row; GC passes would walk the whole model each time
            results = self.solver.solve(self.model, tee=[stream], rel_gap=mip_gap, time_limit=time_limit_s,
                                        solver_options=dict(options or {}), auto_updates=skip)
        stream.flush()
        raise_if_stopped()
        wall = time.perf_counter() - start
        has_solution = results.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible)
        if has_solution:
            results.solution_loader.load_vars()
        status = _status(results.termination_condition, has_solution)
        obj, bound = results.incumbent_objective, results.objective_bound
        gap = None
        if obj is not None and bound is not None:
            gap = abs(obj - bound) / max(abs(obj), 1e-9) if status != "optimal" or obj != bound else 0.0
        return SolveOutcome(status=status, termination=results.termination_condition.name,
                            has_solution=has_solution, objective=obj, bound=bound, gap=gap, wall_s=wall,
                            highs_s=results.timing_info.highs_time, log=results.solver_log or "")


_AUTO_UPDATES = ("check_for_new_or_removed_constraints", "check_for_new_or_removed_vars",
                 "check_for_new_or_removed_params", "check_for_new_objective", "update_constraints", "update_vars",
                 "update_parameters", "update_named_expressions", "update_objective")


def _status(tc: TerminationCondition, has_solution: bool) -> str:
    if tc == TerminationCondition.convergenceCriteriaSatisfied:
        return "optimal"
    if tc in (TerminationCondition.provenInfeasible, TerminationCondition.locallyInfeasible):
        return "infeasible"
    if tc == TerminationCondition.infeasibleOrUnbounded:
        return "infeasible_or_unbounded"
    if tc == TerminationCondition.unbounded:
        return "unbounded"
    if tc == TerminationCondition.interrupted:
        return "interrupted"
    if tc in (TerminationCondition.maxTimeLimit, TerminationCondition.iterationLimit,
              TerminationCondition.objectiveLimit):
        return "time_limit" if has_solution else "no_solution"
    return "error" if not has_solution else "time_limit"
