"""Local moves on the dived plan in the master, before any LP of the full model: another cooling where the LP
blends, closing a site, opening one (`local_search.moves`), each judged by column generation over the sites in play.

A move re-prices a few site LPs (0.1-0.3 s each); judged by an LP of the full model instead, as `local_search`
does, one took 30-280 s on the built-in example under its emissions objective. With every integer of the open
sites fixed, the master's converged objective is the LP optimum of the full model over that design, and its
solution is a plan (`blocks.plan_holds`).
"""

from __future__ import annotations

import numpy as np

from planner.decomposition.budget import Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.dives import cooling_fixes, dive_modules, rerun
from planner.decomposition.local_search import Plan, moves
from planner.decomposition.tuning import MOVE_IMPROVEMENT


def converge(cg: ColumnGeneration, budget: Budget) -> float | None:
    """The master's objective once no site in play (then no site) improves it; None if the master needs its
    artificials (the design cannot serve the demand) or the budget ran out first."""
    x = cg.run(tolerance=0.0, budget=budget, escalate=False, partial=True)
    if x is None or cg.needs_artificials or budget.expired:
        return None
    return cg.z


def design_of(cg: ColumnGeneration, plan: Plan) -> dict[int, float]:
    """The integer columns' values of the plan as fixed in the master (open, cooling, modules)."""
    b, design = cg.b, {}
    for i in plan.tech:
        design.update(cooling_fixes(b, i, plan.tech[i]))
        design[b.modules_col[i]] = cg.fixed[i][b.modules_col[i]]
    return design


class Moves:
    """The master's fixes moved from one plan to a neighbour (`try_move`) and back (`restore`)."""

    def __init__(self, cg: ColumnGeneration, budget: Budget):
        self.cg, self.b, self.budget = cg, cg.b, budget

    def _open(self, i: int, k: str) -> None:
        """Site i open with cooling k (its fixes changed only where they differ), its modules free."""
        b, cg = self.b, self.cg
        fixes = cooling_fixes(b, i, k)
        now = cg.fixed.get(i, {})
        if cg.fixed_open.get(i) != 1.0 or any(now.get(c) != v for c, v in fixes.items()):
            cg.unfix(i, [*b.cool_cols[i].values(), b.modules_col[i]], cold=False)
            cg.fix(i, fixes)
        else:
            cg.unfix(i, [b.modules_col[i]], cold=False)

    def _modules(self, i: int, count: float) -> tuple[np.ndarray, float] | None:
        cg = self.cg
        cg.fix(i, {self.b.modules_col[i]: count})
        x = rerun(cg, self.budget)
        return None if x is None or cg.needs_artificials else (x, cg.z)

    def try_move(self, plan: Plan, move: Plan, beat: float) -> float | None:
        """The master's fixes set to `move`, every open site's modules dived again (as `local_search.evaluate`
        does: with the dived counts kept elsewhere, another cooling at one site of the built-in example gained
        nothing, against 0.16 % with all dived again); the converged objective, or None if it cannot serve the
        demand or ran out of time, or if its modules' relaxation already costs at least `beat` (whole modules can
        only cost more; `restore` then undoes the move)."""
        b, cg = self.b, self.cg
        for i in set(plan.tech) - set(move.tech):
            cg.fix_open(i, 0.0)
        for i, k in move.tech.items():
            self._open(i, k)
        z = converge(cg, self.budget)
        if z is None or z >= beat:
            return None
        got = dive_modules(b, set(move.tech), cg.x, z, self._modules, self.budget)
        if got is None:
            return None
        cg.fix_all({i: {b.modules_col[i]: n} for i, n in got[0].items()})
        return converge(cg, self.budget)

    def saved(self, plan: Plan, move: Plan) -> dict[int, dict[int, float]]:
        """The fixes of every site `try_move(plan, move)` may change, for `restore`."""
        return {i: dict(self.cg.fixed.get(i, {})) for i in set(plan.tech) | set(move.tech)}

    def restore(self, plan: Plan, saved: dict[int, dict[int, float]]) -> None:
        """Back to `plan` for the sites in `saved` (their fixes before a move), then the master solved."""
        b, cg = self.b, self.cg
        for i, fixes in saved.items():
            if i not in plan.tech:
                if cg.fixed_open.get(i) != 0.0:
                    cg.fix_open(i, 0.0)
            elif cg.fixed.get(i) != fixes or cg.fixed_open.get(i) != 1.0:
                cg.unfix(i, [*b.cool_cols[i].values(), b.modules_col[i]], cold=False)
                cg.fix(i, fixes)
        cg.solve_master()


def improve_in_master(cg: ColumnGeneration, opened: set[int], design: dict[int, float], lp_x: np.ndarray,
                      candidates: set[int], target: float, budget: Budget) -> tuple[set[int], dict[int, float], bool]:
    """The dived plan improved by local moves in the master until its objective is within `target` or no move
    improves it: (open sites, their integer columns' values, whether the moves ran out of time). The master is
    left solved at that plan, converged unless out of time."""
    b = cg.b
    plan = Plan.of_design(b, opened, design)
    cg.fix_all({i: {b.modules_col[i]: design[b.modules_col[i]]} for i in opened
                if b.modules_col[i] not in cg.fixed.get(i, {})})  # integral without a fix in the dive
    best = converge(cg, budget)
    if best is None:
        return opened, design, budget.expired
    mover = Moves(cg, budget)
    improved = True
    while improved and best > target and not budget.expired:
        improved = False
        for what, move in moves(b, plan, lp_x, candidates):
            if budget.expired:
                break
            before = mover.saved(plan, move)
            beat = best - MOVE_IMPROVEMENT * abs(best)
            z = mover.try_move(plan, move, beat)
            if z is not None and z < beat:
                cg.say(f"{what}: master {z:,.0f}")
                plan, best, improved = move, z, True
                break
            mover.restore(plan, before)
    if not budget.expired:
        converge(cg, budget)
    return set(plan.tech), design_of(cg, plan), budget.expired
