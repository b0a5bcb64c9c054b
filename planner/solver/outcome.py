"""What a solve ends with: one outcome type, one map from HiGHS' model status to ours, one gap formula.

Every path (the persistent Pyomo hand-off, the matrix hand-off, the site decomposition, the full year) reports
through `SolveOutcome`, `status_of` and `relative_gap`, so a status or a gap means the same wherever it comes
from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy

# the gap's denominator never falls below this (an objective of 0 would divide by zero)
GAP_FLOOR = 1e-9
# "optimal" means proven optimal: the plan's gap to the bound is at most this (HiGHS' own tolerance, 0.0001 %). A plan
# proven within the gap setting but not that close is "within_gap": the user asked for no more, so it counts as solved
# (exit code 0) but is never called optimal (`status_text`, the Summary's "within gap (x %)")
OPTIMAL_GAP = 1e-6
SOLVED = ("optimal", "within_gap")  # proven within the gap setting: a finished solve
WITH_PLAN = (*SOLVED, "time_limit", "feasible")  # a plan, proven within the gap setting or not
# the method that proved (or found) a plan, as the Summary and Run sheets name it (`SolveOutcome.termination`:
# "<method>: <how it ended>"); the site decomposition names its own (`planner.decomposition.strategy`)
METHOD = "HiGHS branch and bound on the whole model"

_S = highspy.HighsModelStatus
_STATUS = {_S.kOptimal: "optimal", _S.kModelEmpty: "optimal", _S.kInfeasible: "infeasible",
           _S.kUnboundedOrInfeasible: "infeasible_or_unbounded", _S.kUnbounded: "unbounded",
           _S.kInterrupt: "interrupted", _S.kHighsInterrupt: "interrupted"}
# HiGHS stopped by a limit: the plan found so far is a plan, not proven optimal
_LIMITS = frozenset({_S.kTimeLimit, _S.kIterationLimit, _S.kObjectiveBound, _S.kObjectiveTarget, _S.kSolutionLimit,
                     _S.kMemoryLimit})


@dataclass
class SolveOutcome:
    status: str  # optimal (gap <= OPTIMAL_GAP) | within_gap (proven within the gap setting, not optimal) |
    #              time_limit | infeasible | infeasible_or_unbounded | unbounded | interrupted | no_solution | error |
    #              feasible (a full-year plan not proven within the gap)
    termination: str  # the method that proved the plan and how it ended, e.g. f"{METHOD}: Optimal"
    has_solution: bool
    objective: float | None
    bound: float | None
    gap: float | None
    wall_s: float
    highs_s: float | None
    log: str


def status_of(model_status: highspy.HighsModelStatus, has_solution: bool, gap: float | None = None) -> str:
    """Our status for HiGHS' model status: optimal with a `gap` above OPTIMAL_GAP is 'within_gap' (HiGHS stops at
    the gap setting and calls that optimal); a limit with a plan is 'time_limit', without one 'no_solution'; an
    error with a plan still returns the plan as not proven ('time_limit')."""
    if model_status in _STATUS:
        return proven_status(gap) if _STATUS[model_status] == "optimal" else _STATUS[model_status]
    if model_status in _LIMITS:
        return "time_limit" if has_solution else "no_solution"
    return "time_limit" if has_solution else "error"


def proven_status(gap: float | None) -> str:
    """The status of a plan proven within the gap setting: 'optimal' if its `gap` is at most OPTIMAL_GAP (or there
    is no gap: an LP), else 'within_gap'."""
    return "within_gap" if gap is not None and gap > OPTIMAL_GAP else "optimal"


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """(objective - bound) / |objective|, never negative; None without both or with an infinite bound."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return max(0.0, objective - bound) / max(abs(objective), GAP_FLOOR)


def target_for(bound: float, mip_gap: float) -> float:
    """The largest objective proven within `mip_gap` of optimal by `bound` (inverse of `bound_proving`)."""
    return bound / (1.0 - mip_gap) if bound >= 0 else bound * (1.0 - mip_gap)


def bound_proving(objective: float, mip_gap: float) -> float:
    """The least bound that proves a plan of cost `objective` within `mip_gap` (inverse of `target_for`)."""
    return objective * (1.0 - mip_gap) if objective >= 0 else objective / (1.0 - mip_gap)
