"""What a decomposition gives back: plan, bound (its gap by `planner.solver.outcome.relative_gap`), log."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from planner.solver.outcome import relative_gap


@dataclass
class DecompositionOutcome:
    plan: np.ndarray | None = None  # column values of the best plan found
    plan_objective: float | None = None
    bound: float = -math.inf  # valid lower bound on the full MILP
    candidates: list[str] = field(default_factory=list)
    rounds: int = 0
    link_duals: np.ndarray | None = None  # the master's last duals of the linking rows
    bound_days: int | None = None  # average days of the relaxation that gave the bound (full-year cases)
    year_cuts: int = 0  # cuts from the year's dispatch in that relaxation (`year_cuts`)
    highs_s: float = 0.0  # wall time of the site LPs' and the master's HiGHS runs (HiGHS objects of their own)
    log: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        return relative_gap(self.plan_objective, self.bound)


def reporter(out: DecompositionOutcome, log, start: float, progress=None):
    """say(text): a timed 'planner decomposition' line, kept in out.log and passed to the log callback; each line
    also reports out's plan and bound to `progress` (a `progress.Progress`), if given."""
    def say(text: str) -> None:
        line = f"planner decomposition [{time.perf_counter() - start:6.1f} s] {text}"
        out.log.append(line)
        if log:
            log(line)
        if progress is not None:
            progress.moved(out)
    return say
