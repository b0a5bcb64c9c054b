"""Pricing: each site's LP over its own block, with costs c - A_link' y for the master's duals y of the linking rows.

One warm HiGHS object per site, priced on `pricing_threads()` threads at once (HiGHS runs without Python's lock).
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

import highspy
import numpy as np
import scipy.sparse as sp

from planner.decomposition.blocks import SiteBlocks, column_position
from planner.decomposition.budget import NO_LIMIT, Budget
from planner.decomposition.highs_tools import objective_scale
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.tuning import (
    AGREEMENT_TOL,
    pricing_threads,
    STALL_EXTRA,
    STALL_PER_DIMENSION,
    WARM_EXTRA,
    WARM_PER_COLD,
)
from planner.solver.matrix import pass_arrays
from planner.solver.stop import run

# a run that ended with one of these has a usable answer: no other way of solving is tried
ANSWERED = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit)


class PricedCosts:
    """A site LP's costs c - A_link' y. Only the site's columns in linking rows change with y (a few of its
    columns): HiGHS is given just those, since it sorts the columns it is given."""

    def __init__(self, base: np.ndarray, a_link: sp.csr_matrix):
        self.linked = np.unique(a_link.indices).astype(np.int32)
        self.base = base[self.linked]
        self.a_link_t = a_link[:, self.linked].T.tocsr()
        self.largest_other = float(np.abs(np.delete(base, self.linked)).max(initial=1.0))

    def change(self, h: highspy.Highs, y_link: np.ndarray) -> float:
        """Set the costs for duals `y_link` in `h`; the largest absolute cost."""
        cost = self.base - self.a_link_t @ y_link
        h.changeColsCost(len(self.linked), self.linked, cost)
        return max(self.largest_other, float(np.abs(cost).max(initial=0.0)))


class SiteLps:
    """One warm HiGHS LP per site over its own rows and bounds (integrality relaxed); costs change per round."""

    def __init__(self, b: SiteBlocks, out: DecompositionOutcome, threads: int | None = None):
        """`threads`: site LPs priced at once (default `pricing_threads()`)."""
        self.b, self.out = b, out
        self.a_link = b.a_csr[b.linking_rows].tocsc()
        self._a_link_site: dict[int, sp.csr_matrix] = {}
        self._priced: dict[int, PricedCosts] = {}
        self._lps: dict[int, highspy.Highs] = {}
        self._cold_iterations: dict[int, int] = {}
        self._pool: ThreadPoolExecutor | None = None  # its idle threads end when this object is collected
        self._threads = threads or pricing_threads()
        self.cold_solvers: dict[int, str] = {}  # HiGHS' solver for a site's cold solves, if not "choose"
        self._unscaled: dict[int, bool] = {}  # site -> whether its last cold solve was answered unscaled

    def lp(self, i: int) -> highspy.Highs:
        """Site i's HiGHS object (made when first asked for)."""
        if i not in self._lps:
            b = self.b
            cols, rows = b.site_cols[i], b.site_rows[i]
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            pass_arrays(h, b.a_csr[rows][:, cols].tocsc(), b.cost[cols], b.col_lower[cols], b.col_upper[cols],
                        b.row_lower[rows], b.row_upper[rows])
            self._lps[i] = h
        return self._lps[i]

    def fix(self, i: int, fixes: dict[int, float]) -> None:
        """Fix columns (full-model indices) of site i's LP."""
        h = self.lp(i)
        for col, value in fixes.items():
            h.changeColBounds(column_position(self.b, i, col), value, value)

    def free(self, i: int, cols, *, cold: bool = True) -> None:
        """Give columns (full-model indices) of site i's LP their own bounds again; its next solve is cold, or
        (`cold` false) starts from its last basis."""
        h, b = self.lp(i), self.b
        for col in cols:
            h.changeColBounds(column_position(b, i, col), b.col_lower[col], b.col_upper[col])
        if cold:
            self._cold_iterations.pop(i, None)
        elif i in self._cold_iterations:
            # the last cold solve's count says little of the freed LP's (after an interior point solve it is
            # only the crossover's): allow a simplex pass over every row before starting cold
            self._cold_iterations[i] = max(self._cold_iterations[i], h.getNumRow())

    def add_rows(self, i: int, rows: np.ndarray) -> None:
        """Rows of the blocks (site i's, appended since its LP was made) into site i's LP, if it has one yet (one
        made later has them); the next solve starts from the last basis."""
        if i not in self._lps:
            return
        b = self.b
        sub = b.a_csr[rows][:, b.site_cols[i]].tocsr()
        self._lps[i].addRows(len(rows), b.row_lower[rows], b.row_upper[rows], sub.nnz, sub.indptr[:-1].astype(np.int32),
                             sub.indices.astype(np.int32), sub.data.astype(float))

    def proposal(self, i: int, x: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
        """(site, its columns' values, their linking-row coefficients): a column for the master."""
        return i, x, self._link_part(i) @ x

    def _link_part(self, i: int) -> sp.csr_matrix:
        """Site i's columns of the linking rows."""
        if i not in self._a_link_site:
            self._a_link_site[i] = self.a_link[:, self.b.site_cols[i]].tocsr()
        return self._a_link_site[i]

    def costs(self, i: int) -> PricedCosts:
        """Site i's priced costs (made when first asked for)."""
        if i not in self._priced:
            self._priced[i] = PricedCosts(self.b.cost[self.b.site_cols[i]], self._link_part(i))
        return self._priced[i]

    @staticmethod
    def _run(h: highspy.Highs, budget: Budget) -> None:
        h.setOptionValue("time_limit", budget.highs_limit(h))
        run(h)

    def _run_cold(self, h: highspy.Highs, scale: int, solver: str, budget: Budget) -> int:
        """A cold solve; the objective scale that answered (0: unscaled). The scale that keeps very large priced
        costs workable (early duals near the artificial penalty) also loosens HiGHS' dual tolerance by as much:
        scaled, the simplex stalled for 200,000 iterations on site LPs that unscaled solve in 3,000, and stopped
        at a point 6e4 CNY from the optimum. So: unscaled with an iteration cap, then scaled with the cap, then
        scaled without it."""
        cap = STALL_PER_DIMENSION * (h.getNumRow() + h.getNumCol()) + STALL_EXTRA
        h.setOptionValue("solver", solver)
        tries = [(0, cap), *([(scale, cap)] if scale else []), (scale, highspy.kHighsIInf)]
        try:
            for user_scale, limit in tries:
                h.clearSolver()
                h.setOptionValue("user_objective_scale", user_scale)
                h.setOptionValue("simplex_iteration_limit", limit)
                self._run(h, budget)
                if h.getModelStatus() in ANSWERED:
                    return user_scale
            return scale
        finally:
            h.setOptionValue("solver", "choose")

    def price_all(self, sites: list[int], y_link: np.ndarray, budget: Budget = NO_LIMIT, *,
                  start_by: Budget | None = None, wanted=None) -> list[tuple[float, np.ndarray | None] | None]:
        """(v_i, x_i): each site's optimum with costs c - A_link' y and its solution (v_i = -inf if it is not
        solved; x_i None then, or if `wanted(i, v_i)` is false: copying a solution out of HiGHS takes longer
        than a warm re-solve of a small LP, and most are not taken), `pricing_threads()` sites at a time (HiGHS
        runs without Python's lock; each site has its own HiGHS object). Every run stops with `budget`; None for
        a site not started before `start_by` (default: `budget`) is spent. The HiGHS time counted is the wall
        time during which at least one of these runs was going on."""
        start_by = budget if start_by is None else start_by
        spans: list[tuple[float, float]] = []

        def one(i: int) -> tuple[float, np.ndarray | None] | None:
            if start_by.expired:
                return None
            v = self._price(i, y_link, spans, budget)
            take = v > -math.inf and (wanted is None or wanted(i, v))
            if not take:
                return v, None
            x = np.asarray(self._lps[i].getSolution().col_value)
            if not solution_agrees(v, x, self.b.cost[self.b.site_cols[i]], self._link_part(i), y_link):
                # HiGHS' optimum and its solution disagree: neither is trusted; the site's next solve is cold
                self._cold_iterations.pop(i, None)
                return -math.inf, None
            return v, x

        if len(sites) == 1 or self._threads == 1:
            results = [one(i) for i in sites]
        else:
            if self._pool is None:  # one pool for every round, not threads started per round
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="planner-site-lp")
            # one task per thread, each taking the next site in turn: with a future per site the first HiGHS
            # run of a round waited until all were submitted
            results = [None] * len(sites)
            positions = iter(range(len(sites)))
            lock = threading.Lock()

            def worker() -> None:
                while True:
                    with lock:
                        k = next(positions, None)
                    if k is None:
                        return
                    results[k] = one(sites[k])

            tasks = [self._pool.submit(worker) for _ in range(min(self._threads, len(sites)))]
            wait(tasks)  # every run has ended, even if one raised
            for task in tasks:
                task.result()
        self.out.highs_s += busy_s(spans)
        return results

    def _price(self, i: int, y_link: np.ndarray, spans: list, budget: Budget) -> float:
        h = self.lp(i)
        scale = objective_scale(self.costs(i).change(h, y_link))
        # a warm start usually takes a few hundred iterations, but can stall for far longer than a cold solve
        # takes: past a few cold solves' worth, start again cold
        cold = self._cold_iterations.get(i)
        solver = self.cold_solvers.get(i, "choose")
        clock = time.perf_counter()
        try:
            if cold is None:
                self._unscaled[i] = self._run_cold(h, scale, solver, budget) == 0
            else:
                # as the last cold solve: a warm start scaled after an unscaled cold one stalls as a cold one does
                h.setOptionValue("user_objective_scale", 0 if self._unscaled.get(i) else scale)
                h.setOptionValue("simplex_iteration_limit", WARM_PER_COLD * cold + WARM_EXTRA)
                self._run(h, budget)
                if h.getModelStatus() not in ANSWERED:
                    self._unscaled[i] = self._run_cold(h, scale, solver, budget) == 0
                    cold = None
        finally:
            spans.append((clock, time.perf_counter()))
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return -math.inf
        if cold is None:  # getInfo() copies the whole HighsInfo: only what is needed
            self._cold_iterations[i] = h.getInfoValue("simplex_iteration_count")[1]
        return h.getObjectiveValue()


def solution_agrees(v: float, x: np.ndarray, cost: np.ndarray, a_link: sp.csr_matrix, y_link: np.ndarray) -> bool:
    """Whether a site LP's optimum v is the priced cost of its solution x, (c - A_link' y) x, to AGREEMENT_TOL of
    the terms' sizes: the priced cost is a difference of large sums, and HiGHS' tolerances apply to the terms."""
    link = a_link @ x
    worth = float(cost @ x - y_link @ link)
    size = float(np.abs(cost) @ np.abs(x) + np.abs(y_link) @ np.abs(link))
    return abs(worth - v) <= AGREEMENT_TOL * max(size, abs(v), 1.0)


def busy_s(spans: list[tuple[float, float]]) -> float:
    """Length of the union of time intervals."""
    total, end = 0.0, -math.inf
    for a, b in sorted(spans):
        if b > end:
            total += b - max(a, end)
            end = b
    return total
