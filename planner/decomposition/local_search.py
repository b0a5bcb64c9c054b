"""A plan on the full model when the master's is not within the gap: the dived integers fixed and the LP over the
continuous variables, local moves (another cooling where the LP blends, closing or opening a site), and a small
MIP over the open sites' cooling and modules as the last resort."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.decomposition.blocks import SiteBlocks, closable
from planner.decomposition.budget import Budget
from planner.decomposition.dives import cooling_fixes, dive_modules, main_cooling
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.restricted import Restricted
from planner.decomposition.tuning import BINARY_ON, MOVE_IMPROVEMENT, PLAN_MIP_SHARE, VALUE_TOL
from planner.solver.outcome import target_for


@dataclass
class Plan:
    """Integer decisions of a plan: open sites and their cooling (modules follow by diving)."""

    tech: dict[int, str]

    @classmethod
    def of_design(cls, b: SiteBlocks, opened: set[int], design: dict[int, float]) -> Plan:
        """The open sites' cooling in a design (integer columns' values)."""
        return cls({i: next(k for k, c in b.cool_cols[i].items() if design[c] > BINARY_ON) for i in opened})

    def with_tech(self, i: int, k: str) -> Plan:
        return Plan({**self.tech, i: k})

    def without(self, i: int) -> Plan:
        return Plan({j: k for j, k in self.tech.items() if j != i})


def moves(b: SiteBlocks, plan: Plan, lp_x: np.ndarray, candidates: set[int]):
    """Neighbour plans, the likeliest improvements first: other cooling where the LP blends, close, open."""
    for i, k in plan.tech.items():
        for kk, c in b.it_cols[i].items():
            if kk != k and lp_x[c] > VALUE_TOL:
                yield f"{b.sites[i]}: cooling {kk}", plan.with_tech(i, kk)
    for i in sorted(plan.tech, key=lambda i: lp_x[b.open_col[i]]):
        if lp_x[b.open_col[i]] < 1 - VALUE_TOL and closable(b, i):
            yield f"close {b.sites[i]}", plan.without(i)
    for i in sorted(candidates - set(plan.tech), key=lambda i: -lp_x[b.open_col[i]]):
        if lp_x[b.open_col[i]] > VALUE_TOL:
            yield f"open {b.sites[i]}", plan.with_tech(i, main_cooling(b, lp_x, i))


def evaluate(r: Restricted, plan: Plan, budget: Budget) -> tuple[np.ndarray, float] | None:
    """The best plan with these sites and cooling: module counts by diving, then the LP over everything
    continuous."""
    b = r.b
    fixed: dict[int, float] = {}
    for i, k in plan.tech.items():
        fixed.update(cooling_fixes(b, i, k))
    closed = [i for i in range(len(b.sites)) if i not in plan.tech]
    last: list[float] = []

    def solve() -> np.ndarray | None:
        r.set_bounds(fixed, closed)
        got = r.lp(budget)
        last[:] = [] if got is None else [got[2]]
        return None if got is None else got[0]

    def fix_modules(i: int, count: float) -> tuple[np.ndarray, float] | None:
        fixed[b.modules_col[i]] = count
        x = solve()
        return None if x is None else (x, last[0])

    x = solve()
    if x is None:
        return None
    got = dive_modules(b, set(plan.tech), x, last[0], fix_modules, budget)
    if got is None:
        return None
    counts, x = got
    if any(fixed.get(b.modules_col[i]) != n for i, n in counts.items()):  # integral without being fixed
        fixed.update({b.modules_col[i]: n for i, n in counts.items()})
        x = solve()
    return None if x is None else (x, last[0])


def find_plan(r: Restricted, b: SiteBlocks, lp_x: np.ndarray, opened: set[int], design: dict[int, float] | None,
              candidates: set[int], out: DecompositionOutcome, mip_gap: float, say, budget: Budget,
              moved: tuple[np.ndarray, float] | None = None) -> None:
    """The dived plan on the full model, improved by local moves, then (if needed) a MIP over its sites'
    cooling and modules; the best into `out`. `moved`: the dived plan already improved by the same moves in the
    master (`master_moves`), with its objective: straight to the MIP."""
    target = target_for(out.bound, mip_gap)
    closed = [i for i in range(len(b.sites)) if i not in opened]
    best = None
    if moved is not None:
        best = moved
        plan = Plan.of_design(b, opened, design)
    elif design is not None:
        r.set_bounds(design, closed)
        got = r.lp(budget)
        best = None if got is None else (got[0], got[2])
        plan = Plan.of_design(b, opened, design)
    else:
        r.set_bounds({b.open_col[i]: 1.0 for i in opened}, closed)
        got = r.lp(budget)
        if got is None:
            say(f"opening the {len(opened)} dived sites cannot serve the demand")
            return
        plan = Plan({i: main_cooling(b, got[0], i) for i in opened})
        best = evaluate(r, plan, budget)
    say(f"plan opening {len(opened)} sites: {'infeasible' if best is None else f'{best[1]:,.0f}'}")
    improved = best is not None and moved is None
    while improved and best[1] > target and not budget.expired:
        improved = False
        for what, p in moves(b, plan, lp_x, candidates):
            if budget.expired:
                break
            got = evaluate(r, p, budget)
            if got is not None and got[1] < best[1] - MOVE_IMPROVEMENT * abs(best[1]):
                say(f"{what}: {got[1]:,.0f}")
                plan, best, improved = p, got, True
                break
    if best is not None:
        out.plan, out.plan_objective = best
    if (best is None or best[1] > target) and not budget.expired:
        r.set_bounds({b.open_col[i]: 1.0 for i in plan.tech}, [i for i in range(len(b.sites)) if i not in plan.tech])
        got = r.mip(budget.share(PLAN_MIP_SHARE), mip_gap, target, None if best is None else best[0])
        say(f"MIP over cooling and modules of the {len(plan.tech)} open sites: "
            f"{'no plan' if got is None else f'{got[1]:,.0f}'}")
        if got is not None and (best is None or got[1] < best[1]):
            out.plan, out.plan_objective = got
