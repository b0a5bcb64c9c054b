"""Dantzig-Wolfe column generation over sites: the Lagrangian lower bound, and the master the dives fix.

Each round prices every site's LP with the master's duals y (costs c - A_link' y), adds the proposals that
improve the master, and solves it again. The round's Lagrangian lower bound on the full MILP is

    LB = z_master + sum_s min(0, v_s - sigma_s)

(v_s: the site's priced optimum, sigma_s: the dual of its convexity row); it is a global bound only while no
open decision is fixed. The rounds stop when no proposal improves the master, or the bound is within a
tolerance of it (`convergence_gap`).
"""

from __future__ import annotations

import math

import numpy as np

from planner.decomposition.blocks import SiteBlocks, closable
from planner.decomposition.budget import NO_LIMIT, Budget
from planner.decomposition.master import Master
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.pricing import SiteLps
from planner.decomposition.tuning import (
    ARTIFICIAL_TOL,
    PENALTY_RAISE,
    PENALTY_RAISES,
    PENALTY_SCALE,
    PRICING_TOL,
)


def convergence_gap(z: float, bound: float) -> float:
    """How far column generation is from converged: the round's Lagrangian bound below the master's objective z,
    relative to z (floored at 1). Not the MIP gap (`planner.solver.outcome.relative_gap`): both are values of the
    LP relaxation."""
    return (z - bound) / max(abs(z), 1.0)


class ColumnGeneration:
    """Column generation over sites; open decisions can be fixed for diving (the bound is then not global).

    The contract: `run` leaves the master solved (`z`, `y_link`, `sigma`, `x`) and raises `out.bound` with
    every round's global Lagrangian bound; fixes (`fix`, `fix_all`, `unfix`) restrict the site LPs and the
    master alike, so the master's solution stays a convex combination of proposals that agree with them."""

    def __init__(self, b: SiteBlocks, out: DecompositionOutcome, say):
        self.b, self.out, self.say = b, out, say
        n = len(b.sites)
        self.forced = {i for i in range(n) if not closable(b, i)}
        self.penalty = PENALTY_SCALE * max(float(np.abs(b.cost).max()), 1.0)
        self.penalty_raises = 0
        self.master, self.sites = Master(b, self.forced, self.penalty, out), SiteLps(b, out)
        self.y_link, self.sigma, self.z = np.zeros(len(b.linking_rows)), np.zeros(n), math.inf
        self.fixed_open: dict[int, float] = {}
        self.fixed: dict[int, dict[int, float]] = {}  # site -> its fixed columns (full-model column -> value)
        self._x: np.ndarray | None = None
        self._proposed: set[int] = set()  # sites with a proposal in the last round

    def seed(self, proposals: list[tuple[int, np.ndarray]]) -> None:
        """Proposals (site, its columns' values) of an earlier decomposition of the same sites (`warm.SitePool`)
        into the master, which is then solved: the first round prices with its duals."""
        if proposals:
            self.master.add([self.sites.proposal(i, x) for i, x in proposals])
            self.solve_master()

    def run(self, *, tolerance: float, budget: Budget, escalate: bool = True,
            max_rounds: int | None = None, partial: bool = False) -> np.ndarray | None:
        """Rounds until no site proposal improves the master, or the bound is within `tolerance` of it
        (`convergence_gap`). `escalate`: raise the artificial penalty while the master still violates linking
        rows at the end. `partial`: a round prices only the sites in play (`in_play`), and every site only once
        those propose nothing: it stops where a full round would (such rounds have no bound; for dives)."""
        out, n = self.out, len(self.b.sites)
        rounds = 0
        full = not partial
        while True:
            rounds += 1
            todo = [i for i in range(n) if self.fixed_open.get(i) != 0.0]
            if not full:
                in_play = self.in_play()
                todo = [i for i in todo if i in in_play]
            global_bound = math.isfinite(self.z) and not self.fixed_open and full
            proposals, bound = self._round(todo, budget)
            if not full:
                bound = -math.inf  # sites left out
            self.master.add(proposals)
            added = len(proposals)
            self._proposed = {p[0] for p in proposals}
            if global_bound:
                out.bound = max(out.bound, bound)
            out.rounds += 1
            if not self.solve_master():
                status = self.master.h.modelStatusToString(self.master.h.getModelStatus())
                self.say(f"round {out.rounds}: the master LP did not solve ({status})")
                return None
            gap = convergence_gap(self.z, bound)
            if global_bound and (out.rounds % 5 == 0 or added == 0 or gap <= tolerance):
                self.say(f"round {out.rounds}: master {self.z:,.0f}, lower bound {out.bound:,.0f} ({gap:.3%}), "
                         f"{added} new site proposals")
            out_of_time = budget.expired
            if not full and added == 0 and not out_of_time:
                full = True  # the sites left out may still improve the master
                continue
            full = not partial
            if added == 0 or gap <= tolerance:
                if (escalate and self.needs_artificials and self.penalty_raises < PENALTY_RAISES
                        and not out_of_time):  # the penalty may have been too small to force feasibility
                    self.penalty_raises += 1
                    self.penalty *= PENALTY_RAISE
                    self.master.set_penalty(self.penalty)
                    continue
                return self.x
            if out_of_time or (max_rounds is not None and rounds >= max_rounds):
                return self.x

    def _round(self, todo: list[int], budget: Budget) -> tuple[list, float]:
        """Price the sites `todo` at the master's duals: the proposals that improve the master, and the round's
        Lagrangian bound (-inf if a site was not solved or not priced in time; meaningful only when every open
        decision is free and every site priced)."""
        z, sigma = self.z, self.sigma.copy()
        start_by = budget if math.isfinite(z) else NO_LIMIT  # the first round prices every site

        def improves(i: int, v: float) -> bool:
            return not math.isfinite(z) or v - sigma[i] < -PRICING_TOL * max(abs(z), 1.0)

        proposals, bound = [], z if math.isfinite(z) else 0.0
        priced_all = self.sites.price_all(todo, self.y_link, budget, start_by=start_by, wanted=improves)
        for i, priced in zip(todo, priced_all, strict=True):
            if priced is None:
                bound = -math.inf  # out of time within a round: its bound is incomplete
                break
            v, x = priced
            if v == -math.inf:  # not solved
                bound = -math.inf
                continue
            bound += min(0.0, v - sigma[i])
            if x is not None:
                proposals.append(self.sites.proposal(i, x))
        return proposals, bound

    def in_play(self) -> set[int]:
        """Sites whose pricing can matter in a dive: fixed open, in the master's solution, or with a proposal in
        the last round. In a dive a few of 150 sites are; the others' LPs rarely propose anything."""
        return ({i for i, v in self.fixed_open.items() if v != 0.0} | self.master.used_sites()
                | self._proposed)

    @property
    def needs_artificials(self) -> bool:
        """Whether the master's last solution meets some linking row only with artificial columns."""
        return self.master.violation() > ARTIFICIAL_TOL

    def add_site_rows(self, rows: dict[int, np.ndarray], at: dict[int, int], least) -> int:
        """Rows appended to the blocks for some sites (site -> row indices): into their LPs, and their proposals
        raised in column `at[site]` (a position in its columns) to least(site, x) where below, so that they
        agree with the rows (`Master.raise_to`); proposals that still break a row are retired
        (`Master.retire_breaking`); then the master is solved again. How many proposals were raised."""
        raised = 0
        for i, added in rows.items():
            self.sites.add_rows(i, added)
            raised += self.master.raise_to(i, at[i], lambda x, i=i: least(i, x))
            self.master.retire_breaking(i, added)
        self.solve_master()
        return raised

    def solve_master(self) -> bool:
        """Solve the master and take its objective, duals and solution (as full-model columns); False if it
        does not solve."""
        solved = self.master.solve()
        if solved is None:
            return False
        self.z, self.y_link, self.sigma = solved
        self._x = None
        return True

    @property
    def x(self) -> np.ndarray | None:
        """The master's last optimal solution as full-model columns (made when first asked for: most rounds do
        not need it), or None before the first."""
        if self._x is None and self.master.values is not None:
            self._x = self.master.columns()
        return self._x

    def fix(self, i: int, fixes: dict[int, float]) -> None:
        """Fix columns of site i (open, cooling, modules) in its LP and in the master."""
        self.fix_all({i: fixes})

    def fix_all(self, fixes: dict[int, dict[int, float]], budget: Budget = NO_LIMIT) -> set[int] | None:
        """`fix` for several sites (site -> its fixes), their LPs priced at once: the sites whose LP then has
        no solution, or None if `budget` was spent before all of them were priced."""
        b, priced = self.b, []
        for i, site_fixes in fixes.items():
            if b.open_col[i] in site_fixes:
                self.fixed_open[i] = site_fixes[b.open_col[i]]
            if self.fixed_open.get(i) == 0.0:
                self.master.fix(i, {}, closed=True)
                continue
            self.fixed.setdefault(i, {}).update(site_fixes)
            self.sites.fix(i, site_fixes)
            self.master.fix(i, self.fixed[i])
            priced.append(i)
        # the master needs one proposal per site that agrees with its fixes
        failed, proposals = set(), []
        for i, got in zip(priced, self.sites.price_all(priced, self.y_link, budget), strict=True):
            if got is None:
                break
            if got[1] is None:
                failed.add(i)
            else:
                proposals.append(self.sites.proposal(i, got[1]))
        self.master.add(proposals)
        return None if len(proposals) + len(failed) < len(priced) else failed

    def unfix(self, i: int, cols, *, cold: bool = True) -> None:
        """Free fixed columns of site i again (their own bounds), in its LP and in the master; `cold`: as in
        `SiteLps.free`."""
        for col in cols:
            self.fixed.get(i, {}).pop(col, None)
        self.sites.free(i, cols, cold=cold)
        self.master.fix(i, self.fixed.get(i, {}))

    def fix_open(self, i: int, value: float) -> None:
        self.fix(i, {self.b.open_col[i]: value})
