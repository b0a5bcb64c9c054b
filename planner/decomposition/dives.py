"""Diving in the master: whole open decisions, then cooling and module counts, a few rounds after each step.

Open decisions are rounded (shares >= OPEN_TOGETHER, whole ones included, else the largest >= ROUND_UP up; when
none reaches it the smallest share is closed, or opened if closing it leaves demand unserved); then swaps of an
open site the LP did not open whole for one the LP used, kept if the master gets cheaper; then cooling (the
technology with the most IT capacity; blends tried in order until feasible) and module counts (least
fractional first; both roundings tried, the cheaper kept).
"""

from __future__ import annotations

import math

import numpy as np

from planner.decomposition.blocks import SiteBlocks
from planner.decomposition.budget import Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.tuning import (
    BINARY_ON,
    DIVE_DESIGN_SHARE,
    DIVE_OPEN_SHARE,
    DIVE_ROUNDS,
    KEPT_OBJECTIVE,
    ONE_COOLING_SHARE,
    OPEN_TOGETHER,
    ROUND_UP,
    SWAP_IMPROVEMENT,
    SWAP_SHARE,
    VALUE_TOL,
)


def rerun(cg: ColumnGeneration, budget: Budget) -> np.ndarray | None:
    """A few rounds after a diving step; to convergence if the master still needs its artificials."""
    x = cg.run(tolerance=0.0, budget=budget, escalate=False, max_rounds=DIVE_ROUNDS, partial=True)
    if x is not None and cg.needs_artificials:
        x = cg.run(tolerance=0.0, budget=budget, escalate=False, partial=True)
    return x


def _infeasible(cg: ColumnGeneration, x: np.ndarray | None) -> bool:
    return x is None or cg.needs_artificials


def cooling_fixes(b: SiteBlocks, i: int, k: str) -> dict[int, float]:
    """Site i open with cooling technology k: its open and cooling columns' values."""
    return {b.open_col[i]: 1.0, **{c: (1.0 if kk == k else 0.0) for kk, c in b.cool_cols[i].items()}}


def main_cooling(b: SiteBlocks, x: np.ndarray, i: int) -> str:
    """The cooling technology with the most IT capacity at site i in column values x."""
    cap = {k: x[c] for k, c in b.it_cols[i].items()}
    return max(cap, key=cap.get)


def dive_open(cg: ColumnGeneration, budget: Budget) -> set[int] | None:
    """Whole open decisions by diving: open every site with a share >= OPEN_TOGETHER, else the largest if >=
    ROUND_UP; when none is left, close the site with the smallest share (or open it, if closing it leaves demand
    unserved); re-solve each time. The open sites, or None out of time."""
    b, x = cg.b, cg.x
    while x is not None and not budget.expired:
        share = {i: x[b.open_col[i]] for i in range(len(b.sites)) if i not in cg.fixed_open
                 and i not in cg.forced}
        fractional = {i: v for i, v in share.items() if VALUE_TOL < v < 1 - VALUE_TOL}
        if not fractional:
            opened = cg.forced | {i for i, v in cg.fixed_open.items() if v > BINARY_ON} | {
                i for i, v in share.items() if v >= 1 - VALUE_TOL}
            for i in set(range(len(b.sites))) - opened - set(cg.fixed_open):
                cg.fix_open(i, 0.0)  # closed for good: the design dive must not reopen it
            return opened
        # sites already whole open are kept open: left unfixed, later steps could push them out
        up = ([i for i, v in share.items() if v >= OPEN_TOGETHER]
              or [i for i in [max(fractional, key=fractional.get)] if fractional[i] >= ROUND_UP])
        if up:
            for i in up:
                cg.fix_open(i, 1.0)
            x = rerun(cg, budget)
            continue
        i = min(fractional, key=fractional.get)
        cg.fix_open(i, 0.0)
        x = rerun(cg, budget)
        if x is not None and cg.needs_artificials:
            cg.fix_open(i, 1.0)
            x = rerun(cg, budget)
    return None


def swap_open(cg: ColumnGeneration, opened: set[int], lp_x: np.ndarray, budget: Budget) -> set[int]:
    """Local moves on the dived open decisions, cooling and modules still relaxed: open a site the LP used
    but the dive closed in place of a site the LP did not open whole. Rounding shares one at a time can
    cascade (closing a site the LP used by a share moves its load to the next site, and so on); a swap
    undoes that. A move is kept if the master gets cheaper within a few rounds, and undone otherwise."""
    b = cg.b

    def share(i: int) -> float:
        return float(lp_x[b.open_col[i]])

    improved = True
    while improved and not budget.expired:
        improved = False
        outs = sorted((i for i in opened if i not in cg.forced and share(i) < 1 - VALUE_TOL), key=share)
        ins = sorted((j for j in range(len(b.sites)) if j not in opened and share(j) > VALUE_TOL), key=share,
                     reverse=True)
        for j in ins:
            for i in outs:
                if budget.expired:
                    return opened
                before = cg.z
                cg.fix_open(j, 1.0)
                cg.fix_open(i, 0.0)
                x = cg.run(tolerance=0.0, budget=budget, escalate=False, max_rounds=DIVE_ROUNDS, partial=True)
                if not _infeasible(cg, x) and cg.z < before * (1 - SWAP_IMPROVEMENT):
                    cg.say(f"open {b.sites[j]} instead of {b.sites[i]}: master {cg.z:,.0f}")
                    opened = (opened - {i}) | {j}
                    improved = True
                    break
                cg.fix_open(j, 0.0)
                cg.fix_open(i, 1.0)  # its earlier proposals agree again
                if not cg.solve_master():
                    return opened
            if improved:
                break
    return opened


def dive_design(cg: ColumnGeneration, opened: set[int], budget: Budget) -> dict[int, float] | None:
    """Cooling (the technology with the most IT capacity) and whole module counts for the open sites, by
    diving; returns the integer columns' values."""
    b, x = cg.b, cg.x
    design: dict[int, float] = {}

    share = {i: {k: x[c] for k, c in b.it_cols[i].items()} for i in opened}
    clear = {i for i in opened
             if max(share[i].values()) >= (1 - ONE_COOLING_SHARE) * max(sum(share[i].values()), VALUE_TOL)}
    for i in clear:  # one technology carries (nearly) all IT capacity: take it
        design.update(cooling_fixes(b, i, main_cooling(b, x, i)))
        cg.fix(i, cooling_fixes(b, i, main_cooling(b, x, i)))
    x = rerun(cg, budget)
    for i in sorted(set(opened) - clear):  # blends: the cheapest of the blended technologies, else by PUE
        blended = [k for k in b.cool_cols[i] if share[i][k] > VALUE_TOL]
        others = [k for k in b.cool_by_pue[i] if k not in blended]
        tried: dict[str, float] = {}
        last = None
        for k in blended + others:
            if k in others and (tried or budget.expired):
                break
            cg.fix(i, cooling_fixes(b, i, k))
            x, last = rerun(cg, budget), k
            if not _infeasible(cg, x):
                tried[k] = cg.z
        k = min(tried, key=tried.get) if tried else b.cool_by_pue[i][0]
        if k != last:
            cg.fix(i, cooling_fixes(b, i, k))
            x = rerun(cg, budget)
        design.update(cooling_fixes(b, i, k))
    if _infeasible(cg, x):
        return None

    def fix_modules(i: int, count: float) -> tuple[np.ndarray, float] | None:
        cg.fix(i, {b.modules_col[i]: count})
        x = rerun(cg, budget)
        return None if _infeasible(cg, x) else (x, cg.z)

    got = dive_modules(b, set(opened), x, cg.z, fix_modules, budget)
    if got is None:
        return None
    design.update({b.modules_col[i]: count for i, count in got[0].items()})
    return design


def dive_modules(b: SiteBlocks, undecided: set[int], x: np.ndarray, objective: float, fix, budget: Budget
                 ) -> tuple[dict[int, float], np.ndarray] | None:
    """Whole module counts for the sites in `undecided` by diving: the least fractional count first, rounded
    to the nearer whole count, and also to the other one unless that kept the objective (of solution x: no
    rounding can lower it), keeping the cheaper of the two that stay feasible. `fix(i, count)` fixes site i's
    modules, re-solves and returns (the new solution, its objective), or None if infeasible. Returns (counts,
    the last solution) or None.

    Both ways are tried because rounding down can stay feasible at a high price: the load it moves away may
    have only expensive sites within reach."""
    counts: dict[int, float] = {}
    while True:
        value = {i: x[b.modules_col[i]] for i in undecided}
        fraction = {i: v - math.floor(v + VALUE_TOL) for i, v in value.items()}
        fractional = {i: f for i, f in fraction.items() if VALUE_TOL <= f <= 1 - VALUE_TOL}
        if not fractional:
            counts.update({i: float(round(v)) for i, v in value.items()})
            return counts, x
        if budget.expired:
            return None
        i = min(fractional, key=lambda i: min(fractional[i], 1 - fractional[i]))
        down = float(math.floor(value[i]))
        nearer, other = (down, down + 1.0) if fractional[i] < 0.5 else (down + 1.0, down)
        tried = {}
        for count in (nearer, other):
            got = fix(i, count)
            if got is not None:
                tried[count] = got
                if got[1] <= objective + KEPT_OBJECTIVE * abs(objective):  # the other cannot be cheaper
                    break
        if not tried:
            return None
        counts[i] = min(tried, key=lambda count: tried[count][1])
        got = tried[counts[i]] if counts[i] == count else fix(i, counts[i])  # `count`: the last one fixed
        if got is None:
            return None
        x, objective = got
        undecided.discard(i)


def dive_plan(cg: ColumnGeneration, x: np.ndarray, budget: Budget
              ) -> tuple[set[int] | None, dict[int, float] | None]:
    """Open decisions (then swaps), cooling and modules by diving from the LP solution x: (open sites, the
    integer columns' values); (None, None) if the open decisions ran out of time, a None design if the rest
    did."""
    opened = dive_open(cg, budget.share(DIVE_OPEN_SHARE))
    if opened is None:
        return None, None
    cg.say(f"opening {len(opened)} sites (LP: {int(np.sum(x[cg.b.open_col] > VALUE_TOL))} sites with some "
           f"capacity), rounds {cg.out.rounds}")
    opened = swap_open(cg, opened, x, budget.share(SWAP_SHARE))
    return opened, dive_design(cg, opened, budget.share(DIVE_DESIGN_SHARE))


def dive(cg: ColumnGeneration, x: np.ndarray, budget: Budget) -> np.ndarray | None:
    """A whole design by diving in `cg` from its LP solution x (`dive_plan`): the master's solution then
    (integers whole, the rest convex combinations of the sites' proposals), or None."""
    _, design = dive_plan(cg, x, budget)
    return None if design is None or cg.needs_artificials else cg.x
