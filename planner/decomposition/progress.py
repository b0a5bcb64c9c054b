"""A decomposition's progress for a live display: the stage it is in, the best plan's cost, the bound and the gap as
they move, and the time limit (the display shows the time left against it).

Each event is a dict for `solve_case(progress=...)`: {"stage": "solve", "phase": STAGE, "elapsed_s", "time_limit_s",
"incumbent", "bound", "gap"} (the last three only when known). A phase's figures are of the problem that phase
solves: on DESIGN_DAYS, of the design days (a year's cost on a few days); from YEAR on, of the full year.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from planner.solver.outcome import relative_gap

# the stages, as the display names them
BOUND = "bound: column generation over the sites"
PLAN = "plan: diving and local moves"
DESIGN_DAYS = "design days"
YEAR = "year dispatch and sizing"
CUTS = "cuts: bound from average days and the year's dispatch"
REDESIGN = "design from the relaxation"
BRANCH = "HiGHS branch and bound from the plan"


@dataclass
class Progress:
    """Reports a decomposition's moves to `callback` (None: nothing is reported)."""

    callback: Callable[[dict], None] | None
    start: float
    time_limit_s: float
    phase: str = ""

    def stage(self, phase: str, out=None) -> None:
        """A new stage begins (`out`: the DecompositionOutcome whose plan and bound it reports)."""
        self.phase = phase
        self.moved(out)

    def moved(self, out=None, bound: float | None = None) -> None:
        """The plan or bound may have moved: `out`'s plan and bound (`bound`: a better one not yet in `out`)."""
        if self.callback is None:
            return
        info = {"stage": "solve", "phase": self.phase, "elapsed_s": time.perf_counter() - self.start,
                "time_limit_s": self.time_limit_s}
        plan = None if out is None else out.plan_objective
        best = max(-math.inf if out is None else out.bound, -math.inf if bound is None else bound)
        if plan is not None:
            info["incumbent"] = plan
        if math.isfinite(best):
            info["bound"] = best
            if plan is not None:
                info["gap"] = relative_gap(plan, best)
        self.callback(info)


NO_PROGRESS = Progress(None, 0.0, math.inf)

__all__ = ["BOUND", "BRANCH", "CUTS", "DESIGN_DAYS", "NO_PROGRESS", "PLAN", "Progress", "REDESIGN", "YEAR"]
