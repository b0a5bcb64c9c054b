"""Wall-time budgets: how long a step may run, handed down to the steps within it."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy

from planner.decomposition.tuning import MIN_RUN_S
from planner.solver.stop import time_limit


@dataclass(frozen=True)
class Budget:
    """`seconds` of wall time from `start` (perf_counter times); infinite seconds: no limit."""

    start: float
    seconds: float

    @classmethod
    def of(cls, seconds: float) -> Budget:
        """`seconds` from now."""
        return cls(time.perf_counter(), seconds)

    @property
    def deadline(self) -> float:
        """The perf_counter time at which the budget is spent."""
        return self.start + self.seconds

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    @property
    def expired(self) -> bool:
        return self.left() <= 0.0

    def share(self, fraction: float) -> Budget:
        """A step's budget from now: `fraction` of the time left."""
        now = time.perf_counter()
        return Budget(now, fraction * (self.deadline - now))

    def share_of_total(self, fraction: float) -> Budget:
        """A step's budget from now: `fraction` of the whole budget."""
        return Budget(time.perf_counter(), fraction * self.seconds)

    def highs_limit(self, h: highspy.Highs) -> float:
        """HiGHS' time_limit option for a run of `h` until the deadline, at least MIN_RUN_S."""
        return time_limit(h, max(self.left(), MIN_RUN_S))


NO_LIMIT = Budget(0.0, math.inf)
