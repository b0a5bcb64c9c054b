"""The year's LP of a design's open sites, by column generation over them, the design fixed as tightly as each site's
year allows; then PV, wind and battery sized for the year itself.

What a full-year case takes from its design, in order of trial for each site (`year_fixings`): the integers with
the assignments, and the capacities that have to fit the year as a whole (PV, wind, battery), not its peak (grid).
Capacity columns appear in every hour's rows, so with them free the year's LP is much slower.
"""

from __future__ import annotations

import time

import numpy as np

from planner.decomposition.blocks import SiteBlocks
from planner.decomposition.budget import Budget
from planner.decomposition.colgen import ColumnGeneration
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.tuning import DESIGN_DAYS, SIZING_SHARE
from planner.model import roles

# per fixing level of `roles.year_fixings()`, tightest first: what the log calls it, and HiGHS' solver for a site's
# cold solves there
FIXING_LEVELS = (("integers, assignments, PV, wind and battery", "ipm"),
                 ("integers, assignments, PV and wind", "ipm"),
                 ("integers and assignments", "choose"))


def year_fixings() -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Per fixing level, tightest first: (what the log calls it, the variable families fixed, HiGHS' solver)."""
    return tuple((what, names, solver) for (what, solver), names
                 in zip(FIXING_LEVELS, roles.year_fixings(), strict=True))


def year_lp_by_sites(b: SiteBlocks, levels: list[tuple[str, dict[int, float], str]], duals: np.ndarray, *,
                     tolerance: float, budget: Budget, out: DecompositionOutcome, say
                     ) -> tuple[np.ndarray, float, list[int]] | None:
    """The year's LP of the open sites (the sites of `b`) with the design fixed, by column generation over
    them, priced first with the design days' duals. `levels`: (what, fixed columns -> values, HiGHS' solver for
    cold solves), from the tightest fixing to the loosest. Every site starts at the tightest. A site whose
    year LP has no solution there moves on to the next, alone: a freed capacity makes its LP much slower. If
    the linking rows (demand, hub rules, carbon cap) cannot be met, the sites in the rows not met move on (those
    at the tightest fixing among them), and the column generation starts again. Once the master needs no
    artificials its solution is a feasible plan (a convex combination of each site's year dispatches satisfies
    the linking rows); (column values, objective, each site's level)."""
    n = len(b.sites)
    of_site: list[list[dict[int, float]]] = [[{} for _ in levels] for _ in range(n)]
    for k, (_, fixes, _) in enumerate(levels):
        for j, value in fixes.items():
            of_site[int(b.col_site[j])][k][j] = value
    level = [0] * n

    def set_level(cg: ColumnGeneration, i: int, k: int) -> None:
        level[i] = k
        cg.sites.cold_solvers[i] = levels[k][2]

    while True:
        clock = time.perf_counter()
        cg = ColumnGeneration(b, out, say)
        cg.y_link = duals
        for i in range(n):
            set_level(cg, i, level[i])
        failed = cg.fix_all({i: of_site[i][level[i]] for i in range(n)}, budget)
        say(f"year: the {n} open sites' LPs solved once ({time.perf_counter() - clock:.1f} s)")
        while failed:
            for i in sorted(failed):
                say(f"year: {b.sites[i]} has no dispatch for the year with {levels[level[i]][0]} of the "
                    f"{DESIGN_DAYS} days fixed" + ("" if level[i] + 1 < len(levels) else "; no plan"))
            if any(level[i] + 1 == len(levels) for i in failed):
                return None
            for i in failed:
                cg.unfix(i, [j for j in of_site[i][level[i]] if j not in of_site[i][level[i] + 1]])
                set_level(cg, i, level[i] + 1)
            failed = cg.fix_all({i: of_site[i][level[i]] for i in failed}, budget)
        if failed is None:  # out of time
            return None
        if cg.solve_master():
            cg.run(tolerance=tolerance, budget=budget)
        if cg.x is not None and not cg.needs_artificials:
            say(f"year: master {cg.z:,.0f} after {out.rounds} rounds, artificials {cg.master.violation():.3g}")
            size_for_the_year(cg, [of_site[i][-1] for i in range(n)], level, levels, tolerance=tolerance,
                              budget=budget.share(SIZING_SHARE), say=say)
            return cg.x, cg.z, level
        rows = b.linking_rows[cg.master.violated_rows()] if cg.x is not None else b.linking_rows
        in_rows = {int(c) for c in b.col_site[np.unique(b.a_csr[rows].indices)] if c >= 0}
        lowest = min((level[i] for i in in_rows), default=len(levels) - 1)
        if lowest + 1 == len(levels) or budget.expired:
            say("year: the demand, hub or carbon rules cannot be met with the design; no plan")
            return None
        moving = sorted(i for i in in_rows if level[i] == lowest)
        say(f"year: the demand, hub or carbon rules cannot be met with the design: "
            f"{', '.join(b.sites[i] for i in moving)} keep only {levels[lowest + 1][0]} fixed")
        for i in moving:
            level[i] += 1


def size_for_the_year(cg: ColumnGeneration, loosest: list[dict[int, float]], level: list[int], levels, *,
                      tolerance: float, budget: Budget, say) -> None:
    """PV, wind and battery sized for the year itself, once the year's LP with them fixed has a plan: the sites
    at a tighter fixing than the loosest (`loosest`: each site's fixes there) free those columns, their LPs
    start from the fixed optimum's basis, and the column generation goes on within `budget`. The master keeps
    the fixed plan's proposals, so its solution stays a plan, never a dearer one. `level` is updated for the
    sites sized."""
    sizing = [i for i in range(len(level)) if level[i] < len(levels) - 1]
    if not sizing or budget.expired:
        return
    clock, before = time.perf_counter(), cg.z
    for i in sizing:
        cg.unfix(i, [j for j in cg.fixed.get(i, {}) if j not in loosest[i]], cold=False)
        cg.sites.cold_solvers[i] = levels[-1][2]
    sized = {i: got[1] for i, got in zip(sizing, cg.sites.price_all(sizing, cg.y_link, budget), strict=True)
             if got is not None and got[1] is not None}
    cg.master.add([cg.sites.proposal(i, x) for i, x in sized.items()])
    if cg.solve_master():
        cg.run(tolerance=tolerance, budget=budget)
    for i in sized:
        level[i] = len(levels) - 1
    say(f"year: PV, wind and battery sized for the year at {len(sized)} of {len(sizing)} sites: master "
        f"{cg.z:,.0f} ({cg.z / before - 1:+.3%}, {time.perf_counter() - clock:.1f} s)")
