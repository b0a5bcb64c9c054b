"""The full year's lower bound: the relaxation on average days with each site's operating cost at least its year's.

`YearBound` runs the rounds: each cuts the relaxation's solution (per site, a convex combination of design
proposals) where a site's year costs more than theta_s says (`year_cuts`), by in-out separation (the cut made
part of the way from a core design, the best plan's, towards the relaxation's; at the relaxation's own where that
does not cut it off), until the plan is proven, no cut is violated, or the bound cannot prove the plan in the time
given; `YearBound.design` dives the relaxation to a new design (`year_plan` runs it over the year, in turns with
the rounds).
"""

from __future__ import annotations

import math
import time

import numpy as np

from planner.decomposition.blocks import built_blocks, linking_duals
from planner.decomposition.budget import Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.dives import dive
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.tuning import (
    BOUND_DAYS,
    BOUND_TOLERANCE,
    MIN_INTERVAL_S,
    PROGRESS_ROUNDS,
    SEPARATION_WEIGHT,
    VALUE_TOL,
)
from planner.decomposition.year_cuts import YearCuts, YearDispatch, with_operating_cost
from planner.model.data import aggregated_days
from planner.solver.outcome import bound_proving, target_for


def may_prove(history: list[tuple[float, float]], needed: float, deadline: float) -> bool:
    """Whether the bound, rising as over its last PROGRESS_ROUNDS rounds of cuts ((perf_counter time, bound) each),
    may reach `needed` by `deadline` (a perf_counter time). Benders bounds rise ever more slowly, so the
    projection is generous."""
    if len(history) <= PROGRESS_ROUNDS:
        return True
    (t0, b0), (t1, b1) = history[-1 - PROGRESS_ROUNDS], history[-1]
    rate = max(b1 - b0, 0.0) / max(t1 - t0, MIN_INTERVAL_S)
    return b1 + rate * (deadline - t1) >= needed


class YearBound:
    """The Lagrangian bound of a full-year case's relaxation on BOUND_DAYS average days (`aggregated_days`) with
    each site's operating cost at least its year's (the cuts of `year_cuts`), by column generation over the
    sites. `cut_at` adds cuts at a plan's design; `tighten` runs rounds of cuts at the relaxation's solution;
    `design` dives the relaxation to a whole design, a candidate plan that knows the year's costs."""

    def __init__(self, d, *, mip_gap: float, out, say, start_duals=None):
        self.mip_gap, self.out, self.say = mip_gap, out, say
        self.model, self.mat, blocks = built_blocks(aggregated_days(d, BOUND_DAYS))
        self.n_days = len(self.model.T) // 24
        self.oc = with_operating_cost(blocks, self.mat)
        self.blocks = b = self.oc.blocks
        self._out = DecompositionOutcome()
        self.cg = ColumnGeneration(b, self._out, say)
        if start_duals is not None:
            self.cg.y_link = linking_duals(b, self.mat.rows, *start_duals)
        self.year = YearCuts(d, self.oc, {})
        self.site_no = {s: i for i, s in enumerate(b.sites)}
        self.history: list[tuple[float, float]] = []  # (perf_counter time, bound) after each round of cuts
        self._pending: list = []
        self.stopped = ""  # why the last `tighten` stopped
        self.core: dict[int, dict] = {}  # site -> its core design for in-out separation (absent: the zero design)

    @property
    def bound(self) -> float:
        return self._out.bound

    def cut_at(self, designs: dict[str, dict], dispatch: dict[str, YearDispatch], budget: Budget, *,
               core: bool = True) -> None:
        """Cuts at a plan's design ({site: {(name, index): value}}), from the year's LPs in `dispatch` where
        given ({site: YearDispatch}; a site without one gets its own model). `core`: the design becomes the core
        of the in-out separation (the best plan's design)."""
        for s, lp in dispatch.items():
            self.year.by_site.setdefault(s, lp)
        got = self.year.violated([(self.site_no[s], at, at, -math.inf) for s, at in designs.items()], budget)
        self._pending += got or []
        if core:
            self.core = {self.site_no[s]: dict(at) for s, at in designs.items()}

    def tighten(self, plan_objective: float | None, budget: Budget, *, give_up: bool = True) -> float:
        """Rounds of column generation and cuts until the bound proves `plan_objective` within the gap, no cut
        is violated, the budget is spent, or (`give_up`) the bound, rising as over this call's last
        PROGRESS_ROUNDS rounds, would not prove it in time; the bound. Why it stopped is left in `stopped`:
        "proven", "converged" (no cut violated: more rounds would not raise it), "slow", "time" or "failed" (no
        solution of the relaxation)."""
        cg, oc = self.cg, self.oc
        first = len(self.history)
        self.stopped = "time"
        while True:
            if self._pending:
                self.add(self._pending)
                self._pending = []
            clock = time.perf_counter()
            cg.run(tolerance=BOUND_TOLERANCE * self.mip_gap, budget=budget)
            if not math.isfinite(self.bound) or cg.x is None:  # out of time before a bound, or no relaxation
                self.stopped = "failed" if cg.x is None else "time"
                break
            self.say(f"lower bound from {self.n_days} average days and {oc.n_cuts} cuts from the year's dispatch: "
                     f"{self.bound:,.0f} after {self._out.rounds} rounds ({time.perf_counter() - clock:.1f} s)")
            self.history.append((time.perf_counter(), self.bound))
            if plan_objective is not None and plan_objective <= target_for(self.bound, self.mip_gap):
                self.stopped = "proven"
                break
            if budget.expired:
                break
            if give_up and plan_objective is not None and not may_prove(
                    self.history[first:], bound_proving(plan_objective, self.mip_gap), budget.deadline):
                self.say("the bound rises too slowly to prove the plan within the gap in the time given: stopped")
                self.stopped = "slow"
                break
            self._pending = self.separate(cg.x, budget)
            if not self._pending:
                self.stopped = "converged" if not budget.expired else "time"
                break
        return self.bound

    def separate(self, x: np.ndarray, budget: Budget) -> list:
        """In-out separation at the relaxation's solution x: for each used site, a cut at SEPARATION_WEIGHT of the
        way from its core design to its design in x, kept if it cuts x off (the core moves to that point); where
        none does, a cut at x itself if that does. The cuts; none if out of time."""
        b, oc, w = self.blocks, self.oc, SEPARATION_WEIGHT
        relaxed = {i: ({k: float(x[j]) for k, j in oc.design_cols[i].items()}, float(x[oc.theta_col[i]]))
                   for i in range(len(b.sites)) if x[b.open_col[i]] > VALUE_TOL}
        points, mixed = [], set()
        for i, (at, theta) in relaxed.items():
            core = self.core.get(i, {})
            point = {k: w * at.get(k, 0.0) + (1.0 - w) * core.get(k, 0.0) for k in at.keys() | core.keys()}
            if any(abs(point[k] - at.get(k, 0.0)) > VALUE_TOL * max(abs(point[k]), 1.0) for k in point):
                mixed.add(i)
            self.core[i] = point
            points.append((i, point, at, theta))
        got = self.year.violated(points, budget) or []
        missed = mixed - {cut.site for cut in got}
        if missed and not budget.expired:
            at_x = [(i, relaxed[i][0], relaxed[i][0], relaxed[i][1]) for i in sorted(missed)]
            got += self.year.violated(at_x, budget) or []
        return got

    def add(self, cuts: list) -> None:
        """Cuts into the relaxation: rows into the blocks and the site LPs; the master's proposals raised to them,
        or retired where they break a feasibility cut."""
        b = self.blocks
        first = b.a_csr.shape[0]
        self.oc.add_cuts(cuts)
        added: dict[int, list[int]] = {}
        for k, cut in enumerate(cuts):
            added.setdefault(cut.site, []).append(first + k)
        self.cg.add_site_rows({i: np.array(rows) for i, rows in added.items()},
                              {i: len(b.site_cols[i]) - 1 for i in added}, self.oc.required)

    def design(self, budget: Budget) -> np.ndarray | None:
        """A whole design dived from the relaxation (open sites, cooling, modules; assignments and capacities
        as the master has them then), as column values of the average days' model, or None. The dive runs on
        a copy of the column generation, started from its proposals and duals, so the bound's own goes on."""
        cg = ColumnGeneration(self.blocks, DecompositionOutcome(), self.say)
        cg.penalty, cg.penalty_raises = self.cg.penalty, self.cg.penalty_raises  # as raised to serve every row
        cg.master.set_penalty(cg.penalty)
        cg.master.add([cg.sites.proposal(i, x.copy()) for k, (i, x) in enumerate(self.cg.master.proposals)
                       if k not in self.cg.master.retired])
        cg.y_link = self.cg.y_link.copy()
        if not cg.solve_master() or cg.x is None:
            return None
        return dive(cg, cg.x, budget)

    def close(self) -> None:
        self.year.pool.shutdown(wait=False)
        self.out.highs_s += self._out.highs_s + self.year.highs_s
        self.out.rounds += self._out.rounds
        if math.isfinite(self.bound):
            self.out.bound_days, self.out.year_cuts = self.n_days, self.oc.n_cuts


def year_bound(d, *, mip_gap: float, budget: Budget, out, say, start_duals=None, plan=None) -> float:
    """`YearBound` with cuts at the plan's design, tightened until it proves the plan, no cut is violated, or the
    budget is spent; -inf without time for it. `start_duals`: (blocks, rows, duals of the linking rows) of the
    design days, to price the first round; `plan`: (objective, each site's design {site: {(name, index):
    value}}, the year's LPs already made {site: YearDispatch}), or None."""
    try:
        yb = YearBound(d, mip_gap=mip_gap, out=out, say=say, start_duals=start_duals)
    except ValueError as why:  # days that are not 24 hourly steps
        say(f"no average days: {why}")
        return -math.inf
    try:
        plan_objective = None
        if plan is not None:
            plan_objective = plan[0]
            yb.cut_at(plan[1], plan[2], budget)
        return yb.tighten(plan_objective, budget)
    finally:
        yb.close()
