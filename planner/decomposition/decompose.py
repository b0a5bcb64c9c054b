"""Site decomposition for large cases: a Lagrangian lower bound and a rounded plan, without the big LP.

The planning MILP is block-angular: every site owns its columns and rows (capacity, cooling, hourly
dispatch, storage, green-connection rules); only a few rows link sites (demand served, hub PUE cap, hub
green share, the emission total). Most candidate sites stay closed, yet a direct solve carries every site's
hourly block through every LP HiGHS solves, and on large cases the root LP alone does not finish in time.

1. **Bound (Dantzig-Wolfe column generation).** A small master LP chooses a convex combination of site
   proposals (plus a "closed" proposal) that satisfies the linking rows; each site's LP over its own block,
   priced with the master's duals y (costs c - A_link' y), proposes a new column. Each round gives the
   Lagrangian lower bound  LB = z_master + sum_s min(0, v_s - sigma_s)  on the full MILP (v_s: the site's
   priced optimum, sigma_s: the dual of its convexity row). Site LPs are small, re-solved warm, and priced on
   parallel threads (HiGHS runs without Python's lock; one HiGHS object per site).
2. **Plan (diving in the master).** Open decisions are rounded (shares >= 0.9, whole ones included, else the
   largest >= 0.5 up; when none reaches 0.5 the smallest share is closed, or opened if closing it leaves
   demand unserved; then swaps of an open site the LP did not open whole for one the LP used, kept if the
   master gets cheaper), then cooling (the technology with the most IT capacity; blends tried in order until
   feasible) and module counts (least fractional first; both roundings tried, the cheaper kept), a few rounds
   after each step.
   If that plan is not within the gap, the LP over the continuous variables with those integers fixed runs
   on the full model; local moves (another cooling where the LP blends, closing or opening a site) improve
   it; a small MIP over the open sites' cooling and modules is the last resort.
3. **Full-year cases** take their design from a few evenly spread days (`decompose_on_days`): the per-site
   LPs of 8760 h with free capacities are too slow for column generation. With the design (integers,
   assignments, PV, wind, battery) fixed, the open sites' year LPs are priced with the design days' duals,
   and column generation over them converges in a round or two: the master's solution is the plan. Its
   lower bound is the Lagrangian bound of a relaxation of the year on 12 average days of similar days, each
   site with groups of its own, the hours of the year that size each grid connection kept as rows
   (`planner.model.data.aggregated_days`), and each site's operating cost at least what its design costs
   over the real year (Benders cuts from the sites' year LPs, `planner.decomposition.year_cuts`): looser than the
   bound of step 1, so such a plan is usually reported with a gap of 0.5-1 per cent.

If plan and bound are within the MIP gap, the plan is proven and HiGHS' branch and bound is not needed;
otherwise HiGHS starts from the plan on the full model and stops as soon as the bound proves its incumbent.
Everything runs on a highspy model compiled from the Pyomo model for this solve (`planner.solver.matrix`);
the solution is loaded back into the Pyomo variables.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from operator import itemgetter

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.gc_manager import PauseGC

from planner.model.data import ModelData
from planner.pyomo_fast.elements import elements, values
from planner.solver.matrix import HighsMatrix, compile_to_highs, nearest_to_zero_values, pass_arrays
from planner.solver.persistent import SolveOutcome
from planner.solver.stop import run, time_limit

# Position of the site in the index of site-owned variables; variables not listed and not global are
# indexed by site first.
SITE_INDEX_POSITION = {"assign_share": 1}
GLOBAL_VARIABLES = ("emissions_tco2", "violation")
_EPS = 1e-6
# beyond this many time steps (e.g. 8760 h) the per-site LPs are too large for column generation: the design
# comes from DESIGN_DAYS evenly spread days, and only the final LP sees every hour
FULL_DETAIL_MAX_TIME_STEPS = 24 * 60
DESIGN_DAYS = 12
# the full year's bound (`planner.decomposition.year_cuts.YearBound`): its first rounds of cuts take up to this share of
# the time left; while the plan is not proven, a new design is dived from the relaxation in up to REDESIGN_SHARE
# of the time left (the dive and the design's year LP) whenever the bound rises too slowly, and the bound goes on.
# Once less than REDESIGN_ROOM x the last design's time is left, the rounds go on to the deadline.
BOUND_FIRST_SHARE = 0.4
REDESIGN_SHARE = 0.3
REDESIGN_ROOM = 1.2
# the year's LP sizes PV, wind and battery itself (`_size_for_the_year`) in up to this share of the time left once
# it has a plan with them fixed: on Y, 0.46 % cheaper in 96 s (session 14)
SIZING_SHARE = 0.3
# What a full-year case takes from its design days, in order of trial for each site: the integers with the
# assignments, and the capacities that have to fit the year as a whole (PV, wind, battery), not its peak (grid).
# Capacity columns appear in every hour's rows; with them free, the year's LP is 10-15 x slower.
INTEGER_DESIGN = ("open", "modules", "cool", "it_mw", "assign_share")
YEAR_FIXINGS = (
    ("integers, assignments, PV, wind and battery", (*INTEGER_DESIGN, "pv_mw", "wind_mw", "battery_mw",
                                                     "battery_mwh"), "ipm"),
    ("integers, assignments, PV and wind", (*INTEGER_DESIGN, "pv_mw", "wind_mw"), "ipm"),
    ("integers and assignments", INTEGER_DESIGN, "choose"),
)
PENALTY_SCALE = 100.0  # artificial penalty per unit of linking-row violation, times the largest cost coefficient
PENALTY_RAISES = 3  # times the penalty is raised x 100 while the master still needs artificials: then they are real
# column generation stops when the bound is within this share of the MIP gap of the master: the rounds near
# the end are cheap, and a plan just inside the gap is proven only by a bound close to the LP relaxation's
BOUND_TOLERANCE = 0.02
DIVE_ROUNDS = 6  # column-generation rounds after each diving step (the master need not converge there)
# site LPs priced at once: HiGHS' simplex is serial, so one per core
PRICING_THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else
                             (os.cpu_count() or 1)))


@dataclass
class SiteBlocks:
    """Which column and row of the HiGHS model belongs to which site (-1: global / linking)."""

    sites: list[str]
    col_site: np.ndarray
    site_cols: list[np.ndarray]
    site_rows: list[np.ndarray]
    linking_rows: np.ndarray  # rows that are not one site's own: they link sites or hold global columns
    a_csc: sp.csc_matrix
    a_csr: sp.csr_matrix
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integrality: np.ndarray
    open_col: np.ndarray
    modules_col: np.ndarray
    cool_cols: list[dict[str, int]]  # per site: cooling -> column
    it_cols: list[dict[str, int]]  # per site: cooling -> column of it_mw
    cool_by_pue: list[list[str]]  # per site: allowed cooling, lowest annual PUE first
    offset: float = 0.0  # objective constant


def row_owner(a_csr: sp.csr_matrix, col_site: np.ndarray) -> np.ndarray:
    """Each row's site: the one all its columns belong to; -1 for a row that links sites, holds a global column
    (col_site -1) or is empty."""
    n_rows = a_csr.shape[0]
    row_of_nz = np.repeat(np.arange(n_rows), np.diff(a_csr.indptr))
    owner = col_site[a_csr.indices]
    lo = np.full(n_rows, np.iinfo(np.int64).max)
    hi = np.full(n_rows, np.iinfo(np.int64).min)
    np.minimum.at(lo, row_of_nz, owner)
    np.maximum.at(hi, row_of_nz, owner)
    return np.where((lo == hi) & (lo >= 0), lo, -1)


def site_blocks(m: pyo.ConcreteModel, d: ModelData, mat: HighsMatrix) -> SiteBlocks:
    """Partition the compiled model's columns and rows by site."""
    arrays, col = mat.compiled, mat.column
    n_rows, n = arrays.a.shape
    site_no = {s: i for i, s in enumerate(d.sites)}
    col_site = np.full(n, -1, dtype=np.int64)
    for var in m.component_objects(pyo.Var, active=True):
        if var.local_name in GLOBAL_VARIABLES:
            continue
        pos = SITE_INDEX_POSITION.get(var.local_name, 0)
        of_var = elements(var)
        if not of_var:
            continue
        js = np.array(list(map(mat.index.get, map(id, of_var.values()))), dtype=float)  # nan: in no row
        names = map(itemgetter(pos), of_var) if next(iter(of_var)).__class__ is tuple else iter(of_var)
        owner = np.fromiter(map(site_no.__getitem__, names), dtype=np.int64, count=len(of_var))
        kept = ~np.isnan(js)  # a variable in no row has no column (the matrix hand-off leaves it out)
        col_site[js[kept].astype(np.int64)] = owner[kept]
    a_csc = arrays.a
    a_csr = a_csc.tocsr()
    row_site = row_owner(a_csr, col_site)
    linking = np.flatnonzero((row_site == -1) & (np.diff(a_csr.indptr) > 0))  # incl. rows of global columns
    by_site_cols = [np.flatnonzero(col_site == i) for i in range(len(d.sites))]
    by_site_rows = [np.flatnonzero(row_site == i) for i in range(len(d.sites))]
    cool_cols = [{} for _ in d.sites]
    it_cols = [{} for _ in d.sites]
    for s, k in d.site_tech:
        cool_cols[site_no[s]][k] = col(m.cool[s, k])
        it_cols[site_no[s]][k] = col(m.it_mw[s, k])
    return SiteBlocks(
        sites=list(d.sites), col_site=col_site, site_cols=by_site_cols, site_rows=by_site_rows,
        linking_rows=linking, a_csc=a_csc, a_csr=a_csr, cost=arrays.cost, col_lower=arrays.col_lower,
        col_upper=arrays.col_upper, row_lower=arrays.row_lower, row_upper=arrays.row_upper,
        integrality=arrays.integer.astype(np.int64),
        open_col=np.array([col(m.open[s]) for s in d.sites]),
        modules_col=np.array([col(m.modules[s]) for s in d.sites]),
        cool_cols=cool_cols, it_cols=it_cols, offset=arrays.offset,
        cool_by_pue=[sorted(cool_cols[site_no[s]], key=lambda k, s=s: float(d.pue[s, k].mean())) for s in d.sites])


@dataclass
class DecompositionOutcome:
    plan: np.ndarray | None = None  # column values of the best plan found
    plan_objective: float | None = None
    bound: float = -math.inf  # valid lower bound on the full MILP
    candidates: list[str] = field(default_factory=list)
    rounds: int = 0
    link_duals: np.ndarray | None = None  # the master's last duals of the linking rows
    bound_days: int | None = None  # average days of the relaxation that gave the bound (full-year cases)
    year_cuts: int = 0  # cuts from the year's dispatch in that relaxation (`planner.decomposition.year_cuts`)
    highs_s: float = 0.0  # wall time of the site LPs' and the master's HiGHS runs (HiGHS objects of their own)
    log: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        if self.plan_objective is None or not math.isfinite(self.bound):
            return None
        return max(0.0, self.plan_objective - self.bound) / max(abs(self.plan_objective), 1e-9)


def target_for(bound: float, mip_gap: float) -> float:
    """The largest objective proven within `mip_gap` of optimal by `bound`."""
    return bound / (1.0 - mip_gap) if bound >= 0 else bound * (1.0 - mip_gap)


class _Restricted:
    """The HiGHS model with integrality relaxed and some sites closed; restores everything on exit."""

    def __init__(self, h: highspy.Highs, b: SiteBlocks, out: DecompositionOutcome):
        self.h, self.b, self.out = h, b, out
        self.int_cols = np.flatnonzero(b.integrality != 0).astype(np.int32)
        self.all_cols = np.arange(len(b.cost), dtype=np.int32)

    def __enter__(self):
        self.h.setOptionValue("output_flag", False)
        self._integrality(False)
        return self

    def __exit__(self, *exc):
        b, h = self.b, self.h
        h.changeColsBounds(len(self.all_cols), self.all_cols, b.col_lower, b.col_upper)
        self._integrality(True)
        h.setOptionValue("objective_target", -math.inf)
        h.setOptionValue("time_limit", math.inf)
        h.setOptionValue("output_flag", True)
        return False

    def _integrality(self, on: bool) -> None:
        ic = self.int_cols
        values = self.b.integrality[ic] if on else np.zeros(len(ic))
        self.h.changeColsIntegrality(len(ic), ic, values.astype(np.uint8))

    def set_bounds(self, fixed: dict[int, float], closed) -> None:
        """Fix the given columns; every column of a closed site at 0."""
        b = self.b
        lower, upper = b.col_lower.copy(), b.col_upper.copy()
        for i in closed:
            lower[b.site_cols[i]] = upper[b.site_cols[i]] = 0.0
        if fixed:
            cols = np.fromiter(fixed, dtype=np.int64)
            lower[cols] = upper[cols] = np.fromiter(fixed.values(), dtype=float)
        self.h.changeColsBounds(len(self.all_cols), self.all_cols, lower, upper)

    def _run(self, time_limit_s: float) -> None:
        self.h.setOptionValue("time_limit", time_limit(self.h, max(time_limit_s, 0.5)))
        run(self.h)

    def lp(self, time_limit_s: float, solver: str = "choose") -> tuple[np.ndarray, np.ndarray, float] | None:
        """LP optimum over the current bounds: (column values, row duals, objective), or None."""
        self.h.setOptionValue("solver", solver)
        try:
            self._run(time_limit_s)
        finally:
            self.h.setOptionValue("solver", "choose")
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        return np.asarray(sol.col_value), np.asarray(sol.row_dual), float(self.h.getInfo().objective_function_value)

    def mip(self, time_limit_s: float, mip_gap: float, target: float,
            start: np.ndarray | None) -> tuple[np.ndarray, float] | None:
        """MIP over the current bounds, stopping at `target`; (column values, objective) or None."""
        h = self.h
        self._integrality(True)
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("objective_target", target)
        try:
            if start is not None:
                h.setSolution(_solution(start))
            self._run(time_limit_s)
            if h.getInfo().primal_solution_status != 2:  # 2 = feasible
                return None
            return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)
        finally:
            h.setOptionValue("objective_target", -math.inf)
            self._integrality(False)


def plan_holds(b: SiteBlocks, x: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether column values x meet every row, bound and integrality of the full model (relative tolerance):
    the check before a plan assembled from the master's proposals is returned without HiGHS."""
    activity = b.a_csr @ x
    slack = tol * (1.0 + np.abs(activity))
    whole = b.integrality != 0
    return bool(np.all(activity >= b.row_lower - slack) and np.all(activity <= b.row_upper + slack)
                and np.all(x >= b.col_lower - tol * (1.0 + np.abs(x)))
                and np.all(x <= b.col_upper + tol * (1.0 + np.abs(x)))
                and np.all(np.abs(x[whole] - np.round(x[whole])) <= tol))


def _closable(b: SiteBlocks, i: int) -> bool:
    """Whether site i's own rows and bounds admit all zeros, the "closed" proposal the master implies. They do
    not for a must-open site, or one that is the only site within reach of some demand (that demand's
    'served' row is then the site's own row)."""
    rows, cols = b.site_rows[i], b.site_cols[i]
    return bool(np.all(b.row_lower[rows] <= _EPS) and np.all(b.row_upper[rows] >= -_EPS)
                and np.all(b.col_lower[cols] <= _EPS) and np.all(b.col_upper[cols] >= -_EPS))


def _objective_scale(largest_cost: float) -> int:
    """HiGHS' user_objective_scale (a power of 2) that brings the largest cost to about 1e3: costs of 1e10
    CNY and more make its dual simplex fail the ratio test ("excessive dual values")."""
    return -max(0, math.ceil(math.log2(max(largest_cost, 1.0))) - 10)


def _position(b: SiteBlocks, i: int, col: int) -> int:
    """Position of a full-model column within site i's columns."""
    return int(np.searchsorted(b.site_cols[i], col))


def _solution(x: np.ndarray) -> highspy.HighsSolution:
    solution = highspy.HighsSolution()
    solution.col_value = list(x)
    solution.value_valid = True
    return solution


class _PricedCosts:
    """A site LP's costs c - A_link' y. Only the site's columns in linking rows change with y (a few dozen of
    over a thousand): HiGHS is given just those, since it sorts the columns it is given (85 us per call for
    all columns of a 288-h site LP, about 0.15 s over the benchmark M's 2,000 pricings)."""

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


class _SiteLps:
    """One warm HiGHS LP per site over its own rows and bounds (integrality relaxed); costs change per round."""

    def __init__(self, b: SiteBlocks, out: DecompositionOutcome):
        self.b, self.out = b, out
        self.a_link = b.a_csr[b.linking_rows].tocsc()
        self._a_link_site: dict[int, sp.csr_matrix] = {}
        self._priced: dict[int, _PricedCosts] = {}
        self._lps: dict[int, highspy.Highs] = {}
        self._cold_iterations: dict[int, int] = {}
        self.deadline = math.inf  # perf_counter time by which every run stops (a site LP can take minutes)
        self._pool: ThreadPoolExecutor | None = None  # its idle threads end when this object is collected
        self.cold_solvers: dict[int, str] = {}  # HiGHS' solver for a site's cold solves, if not "choose"

    def _lp(self, i: int) -> highspy.Highs:
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
        h = self._lp(i)
        for col, value in fixes.items():
            h.changeColBounds(_position(self.b, i, col), value, value)

    def free(self, i: int, cols, *, cold: bool = True) -> None:
        """Give columns (full-model indices) of site i's LP their own bounds again; its next solve is cold, or
        (`cold` false) starts from its last basis."""
        h, b = self._lp(i), self.b
        for col in cols:
            h.changeColBounds(_position(b, i, col), b.col_lower[col], b.col_upper[col])
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

    def _costs(self, i: int) -> _PricedCosts:
        if i not in self._priced:
            self._priced[i] = _PricedCosts(self.b.cost[self.b.site_cols[i]], self._link_part(i))
        return self._priced[i]

    def _run(self, h: highspy.Highs) -> None:
        left = self.deadline - time.perf_counter()
        h.setOptionValue("time_limit", time_limit(h, max(left, 0.5)) if math.isfinite(left) else math.inf)
        run(h)

    def _run_cold(self, h: highspy.Highs, scale: int, solver: str) -> None:
        """A cold solve. The objective scale that keeps large priced costs workable can also push small costs
        under HiGHS' tolerances, and the simplex then stalls (40,000 iterations on a 288-h site LP that
        solves unscaled at once); so: scaled with an iteration cap, then unscaled with the cap, then scaled
        without it."""
        cap = 2 * (h.getNumRow() + h.getNumCol()) + 10_000
        h.setOptionValue("solver", solver)
        try:
            tries = [(scale, cap), *([(0, cap)] if scale else []), (scale, highspy.kHighsIInf)]
            for user_scale, limit in tries:
                h.clearSolver()
                h.setOptionValue("user_objective_scale", user_scale)
                h.setOptionValue("simplex_iteration_limit", limit)
                self._run(h)
                if h.getModelStatus() in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
                    break
        finally:
            h.setOptionValue("solver", "choose")
            h.setOptionValue("user_objective_scale", scale)

    def price_all(self, sites: list[int], y_link: np.ndarray, deadline: float = math.inf, wanted=None
                  ) -> list[tuple[float, np.ndarray | None] | None]:
        """(v_i, x_i): each site's optimum with costs c - A_link' y and its solution (v_i = -inf if it is not
        solved; x_i None then, or if `wanted(i, v_i)` is false: copying a solution out of HiGHS takes longer
        than a warm re-solve of a small LP, and most are not taken), PRICING_THREADS sites at a time (HiGHS
        runs without Python's lock; each site has its own HiGHS object); None for a site not started by
        `deadline` (a perf_counter time). The HiGHS time counted is the wall time during which at least one of
        these runs was going on."""
        spans: list[tuple[float, float]] = []

        def one(i: int) -> tuple[float, np.ndarray | None] | None:
            if time.perf_counter() > deadline:
                return None
            v = self._price(i, y_link, spans)
            take = v > -math.inf and (wanted is None or wanted(i, v))
            if not take:
                return v, None
            x = np.asarray(self._lps[i].getSolution().col_value)
            if not _solution_agrees(v, x, self.b.cost[self.b.site_cols[i]], self._link_part(i), y_link):
                # HiGHS' optimum and its solution disagree (seen after many rows were added to a site's LP):
                # neither is trusted; the site's next solve is cold
                self._cold_iterations.pop(i, None)
                return -math.inf, None
            return v, x

        if len(sites) == 1 or PRICING_THREADS == 1:
            results = [one(i) for i in sites]
        else:
            if self._pool is None:  # one pool for every round: 100 rounds started 200 threads
                self._pool = ThreadPoolExecutor(PRICING_THREADS, thread_name_prefix="planner-site-lp")
            # one task per thread, each taking the next site in turn: a future per site made the first HiGHS
            # run of a round wait until all were submitted (about 1 ms per round)
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

            tasks = [self._pool.submit(worker) for _ in range(min(PRICING_THREADS, len(sites)))]
            wait(tasks)  # every run has ended, even if one raised
            for task in tasks:
                task.result()
        self.out.highs_s += _busy_s(spans)
        return results

    def _price(self, i: int, y_link: np.ndarray, spans: list) -> float:
        h = self._lp(i)
        scale = _objective_scale(self._costs(i).change(h, y_link))
        h.setOptionValue("user_objective_scale", scale)
        # a warm start usually takes a few hundred iterations, but can stall for 100 x more than a cold solve
        # (seen on 12-day site LPs after a dive step): past a few cold solves' worth, start again cold
        cold = self._cold_iterations.get(i)
        solver = self.cold_solvers.get(i, "choose")
        clock = time.perf_counter()
        try:
            if cold is None:
                self._run_cold(h, scale, solver)
            else:
                h.setOptionValue("simplex_iteration_limit", 2 * cold + 1000)
                self._run(h)
                if h.getModelStatus() not in (highspy.HighsModelStatus.kOptimal,
                                              highspy.HighsModelStatus.kTimeLimit):
                    self._run_cold(h, scale, solver)
                    cold = None
        finally:
            spans.append((clock, time.perf_counter()))
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return -math.inf
        if cold is None:  # getInfo() copies the whole HighsInfo (20 us): only what is needed
            self._cold_iterations[i] = h.getInfoValue("simplex_iteration_count")[1]
        return h.getObjectiveValue()


def _solution_agrees(v: float, x: np.ndarray, cost: np.ndarray, a_link: sp.csr_matrix, y_link: np.ndarray) -> bool:
    """Whether a site LP's optimum v is the priced cost of its solution x, (c - A_link' y) x, to 1e-6 of the
    terms' sizes: the priced cost is a difference of large sums, HiGHS' tolerances apply to the terms, and on
    the 8760-h example a check relative to the priced cost itself failed for one site every round."""
    link = a_link @ x
    worth = float(cost @ x - y_link @ link)
    size = float(np.abs(cost) @ np.abs(x) + np.abs(y_link) @ np.abs(link))
    return abs(worth - v) <= 1e-6 * max(size, abs(v), 1.0)


def _busy_s(spans: list[tuple[float, float]]) -> float:
    """Length of the union of time intervals."""
    total, end = 0.0, -math.inf
    for a, b in sorted(spans):
        if b > end:
            total += b - max(a, end)
            end = b
    return total


class _Master:
    """Dantzig-Wolfe master: linking rows, one convexity row per site, global columns, site proposals.

    Penalised artificial columns keep it feasible before enough proposals exist; the Lagrangian bound stays
    valid with them (they only relax the linking rows)."""

    def __init__(self, b: SiteBlocks, forced: set[int], penalty: float, out: DecompositionOutcome):
        self.b, self.n_link, self.out = b, len(b.linking_rows), out
        n = len(b.sites)
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("user_objective_scale", _objective_scale(penalty))
        no_index, no_value = np.zeros(0, dtype=np.int32), np.zeros(0)
        h.addRows(self.n_link, b.row_lower[b.linking_rows], b.row_upper[b.linking_rows], 0,
                  np.zeros(self.n_link + 1, dtype=np.int32), no_index, no_value)
        lower = np.array([1.0 if i in forced else 0.0 for i in range(n)])
        h.addRows(n, lower, np.ones(n), 0, np.zeros(n + 1, dtype=np.int32), no_index, no_value)
        a_link = b.a_csr[b.linking_rows].tocsc()
        self.global_cols = np.flatnonzero(b.col_site == -1)
        for j in self.global_cols:
            col = a_link[:, j]
            h.addCol(b.cost[j], b.col_lower[j], b.col_upper[j], col.nnz, col.indices.astype(np.int32), col.data)
        for r in range(self.n_link):
            for sign in (1.0, -1.0):
                h.addCol(penalty, 0.0, highspy.kHighsInf, 1, np.array([r], dtype=np.int32), np.array([sign]))
        self.n_fixed_cols = h.getNumCol()
        self.values: np.ndarray | None = None  # the master's columns at its last optimal solve
        self.proposals: list[tuple[int, np.ndarray]] = []
        self.of_site: list[list[int]] = [[] for _ in range(n)]  # site -> its proposals' positions in `proposals`
        self.retired: set[int] = set()  # proposals that break rows added to their site since: never taken again

    def add(self, proposals: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        """Columns for site proposals (site, its columns' values, its linking-row coefficients), in one call."""
        if not proposals:
            return
        costs, indices, values, starts = [], [], [], [0]
        for i, x, link in proposals:
            nz = np.flatnonzero(np.abs(link) > 1e-12)
            costs.append(float(self.b.cost[self.b.site_cols[i]] @ x))
            indices += (nz, [self.n_link + i])
            values += (link[nz], [1.0])
            starts.append(starts[-1] + len(nz) + 1)
            self.of_site[i].append(len(self.proposals))
            self.proposals.append((i, x))
        n = len(proposals)
        self.h.addCols(n, np.array(costs), np.zeros(n), np.full(n, highspy.kHighsInf), starts[-1],
                       np.array(starts[:-1], dtype=np.int32), np.concatenate(indices).astype(np.int32),
                       np.concatenate(values).astype(float))

    def raise_to(self, i: int, at: int, least) -> int:
        """Site i's proposals whose column `at` (a position in the site's columns) is below least(x) are raised to
        it, their costs with them: they agree with rows added to the site since (theta >= a cut). How many."""
        b, changed = self.b, []
        for k in self.of_site[i]:
            x = self.proposals[k][1]
            need = least(x)
            if x[at] < need:
                x[at] = need
                changed.append((self.n_fixed_cols + k, float(b.cost[b.site_cols[i]] @ x)))
        if changed:
            cols, costs = zip(*changed)
            self.h.changeColsCost(len(cols), np.array(cols, dtype=np.int32), np.array(costs))
        return len(changed)

    def retire_breaking(self, i: int, rows: np.ndarray) -> int:
        """Site i's proposals that break any of `rows` (of the blocks, added to the site since) are never taken
        again (a feasibility cut, which no cost can pay for). How many."""
        b = self.b
        sub = b.a_csr[rows][:, b.site_cols[i]]
        lower, upper = b.row_lower[rows], b.row_upper[rows]
        breaking = []
        for k in self.of_site[i]:
            if k in self.retired:
                continue
            r = sub @ self.proposals[k][1]
            slack = 1e-9 * np.maximum(np.abs(r), 1.0)
            if np.any(r < lower - slack) or np.any(r > upper + slack):
                breaking.append(k)
        if breaking:
            self.retired.update(breaking)
            cols = self.n_fixed_cols + np.array(breaking, dtype=np.int32)
            self.h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))
        return len(breaking)

    def set_penalty(self, penalty: float) -> None:
        n_art = 2 * self.n_link
        first = len(self.global_cols)
        cols = np.arange(first, first + n_art, dtype=np.int32)
        self.h.changeColsCost(n_art, cols, np.full(n_art, penalty))

    def violation(self) -> float:
        return float(self._artificials().sum())

    def violated_rows(self) -> np.ndarray:
        """Positions (in b.linking_rows) of the linking rows the master meets only with artificials."""
        return np.flatnonzero(self._artificials().reshape(-1, 2).sum(axis=1) > 1e-6)

    def _artificials(self) -> np.ndarray:
        first = len(self.global_cols)
        return np.asarray(self.h.getSolution().col_value)[first:first + 2 * self.n_link]

    def fix(self, i: int, fixes: dict[int, float], closed: bool = False) -> None:
        """Site i may take only the proposals that agree with `fixes` (all of its fixed columns: full-model
        column -> value; proposals dropped by an earlier fix come back if they agree again); `closed`: no
        proposal at all; an open fix makes its convexity row an equality."""
        b = self.b
        if closed:
            self.h.changeRowBounds(self.n_link + i, 0.0, 0.0)
            return
        if fixes.get(b.open_col[i], 0.0) > 0.5:
            self.h.changeRowBounds(self.n_link + i, 1.0, 1.0)
        ks = self.of_site[i]
        if not ks:
            return
        pos = np.array([_position(b, i, col) for col in fixes], dtype=np.int64)
        values = np.fromiter(fixes.values(), dtype=float, count=len(fixes))
        agree = np.array([k not in self.retired and np.all(np.abs(self.proposals[k][1][pos] - values) <= _EPS)
                          for k in ks])
        cols = self.n_fixed_cols + np.asarray(ks, dtype=np.int32)
        self.h.changeColsBounds(len(ks), cols, np.zeros(len(ks)), np.where(agree, highspy.kHighsInf, 0.0))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """(objective, duals of the linking rows, duals of the convexity rows)."""
        h = self.h
        h.clearSolver()  # tiny LP: a cold solve is instant and avoids warm-start trouble after added columns
        clock = time.perf_counter()
        run(h)
        self.out.highs_s += time.perf_counter() - clock
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = h.getSolution()
        self.values = np.asarray(solution.col_value)
        y = np.asarray(solution.row_dual)
        return h.getObjectiveValue() + self.b.offset, y[:self.n_link], y[self.n_link:]

    def columns(self) -> np.ndarray:
        """The last optimal master solution as values of the full model's columns (site parts: convex
        combinations)."""
        b, values = self.b, self.values
        x = np.zeros(len(b.cost))
        x[self.global_cols] = values[:len(self.global_cols)]
        weights = values[self.n_fixed_cols:]
        for k in np.flatnonzero(weights > 0).tolist():
            i, proposal = self.proposals[k]
            x[b.site_cols[i]] += weights[k] * proposal
        return x


class _DantzigWolfe:
    """Column generation over sites; open decisions can be fixed for diving (the bound is then not global)."""

    def __init__(self, b: SiteBlocks, out: DecompositionOutcome, say):
        self.b, self.out, self.say = b, out, say
        n = len(b.sites)
        self.forced = {i for i in range(n) if not _closable(b, i)}
        self.penalty = PENALTY_SCALE * max(float(np.abs(b.cost).max()), 1.0)
        self.penalty_raises = 0
        self.master, self.sites = _Master(b, self.forced, self.penalty, out), _SiteLps(b, out)
        self.y_link, self.sigma, self.z = np.zeros(len(b.linking_rows)), np.zeros(n), math.inf
        self.fixed_open: dict[int, float] = {}
        self.fixed: dict[int, dict[int, float]] = {}  # site -> its fixed columns (full-model column -> value)
        self._x: np.ndarray | None = None

    def run(self, *, tolerance: float, time_limit_s: float, escalate: bool = True,
            max_rounds: int | None = None) -> np.ndarray | None:
        """Rounds until no site proposal improves the master, or the bound is within `tolerance` of it.
        `escalate`: raise the artificial penalty while the master still violates linking rows at the end."""
        start = time.perf_counter()
        out, n = self.out, len(self.b.sites)
        rounds = 0
        self.sites.deadline = start + time_limit_s
        while True:
            rounds += 1
            bound = self.z if math.isfinite(self.z) else 0.0
            todo = [i for i in range(n) if self.fixed_open.get(i) != 0.0]
            deadline = start + time_limit_s if math.isfinite(self.z) else math.inf
            z, sigma = self.z, self.sigma.copy()

            def improves(i: int, v: float) -> bool:
                return not math.isfinite(z) or v - sigma[i] < -1e-9 * max(abs(z), 1.0)

            proposals = []
            for i, priced in zip(todo, self.sites.price_all(todo, self.y_link, deadline, improves), strict=True):
                if priced is None:
                    bound = -math.inf  # out of time within a round: its bound is incomplete
                    break
                v, proposal = priced
                if v == -math.inf:  # not solved
                    bound = -math.inf
                    continue
                bound += min(0.0, v - self.sigma[i])
                if proposal is not None:
                    proposals.append(self.sites.proposal(i, proposal))
            self.master.add(proposals)
            added = len(proposals)
            global_bound = math.isfinite(self.z) and not self.fixed_open
            if global_bound:
                out.bound = max(out.bound, bound)
            out.rounds += 1
            if not self.solve_master():
                status = self.master.h.modelStatusToString(self.master.h.getModelStatus())
                self.say(f"round {out.rounds}: the master LP did not solve ({status})")
                return None
            gap = (self.z - bound) / max(abs(self.z), 1.0)
            if global_bound and (out.rounds % 5 == 0 or added == 0 or gap <= tolerance):
                self.say(f"round {out.rounds}: master {self.z:,.0f}, lower bound {out.bound:,.0f} ({gap:.3%}), "
                         f"{added} new site proposals")
            out_of_time = time.perf_counter() - start > time_limit_s
            if added == 0 or gap <= tolerance:
                if (escalate and self.master.violation() > 1e-6 and self.penalty_raises < PENALTY_RAISES
                        and not out_of_time):  # the penalty may have been too small to force feasibility
                    self.penalty_raises += 1
                    self.penalty *= 100.0
                    self.master.set_penalty(self.penalty)
                    continue
                return self.x
            if out_of_time or (max_rounds is not None and rounds >= max_rounds):
                return self.x

    def add_site_rows(self, rows: dict[int, np.ndarray], at: dict[int, int], least) -> int:
        """Rows appended to the blocks for some sites (site -> row indices): into their LPs, and their proposals
        raised in column `at[site]` (a position in its columns) to least(site, x) where below, so that they
        agree with the rows (`_Master.raise_to`); proposals that still break a row are retired
        (`_Master.retire_breaking`); then the master is solved again. How many proposals were raised."""
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

    def fix_all(self, fixes: dict[int, dict[int, float]], deadline: float = math.inf) -> set[int] | None:
        """`fix` for several sites (site -> its fixes), their LPs priced at once: the sites whose LP then has
        no solution, or None if `deadline` (a perf_counter time) came before all of them were priced."""
        b, priced = self.b, []
        self.sites.deadline = deadline
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
        for i, got in zip(priced, self.sites.price_all(priced, self.y_link, deadline), strict=True):
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
        `_SiteLps.free`."""
        for col in cols:
            self.fixed.get(i, {}).pop(col, None)
        self.sites.free(i, cols, cold=cold)
        self.master.fix(i, self.fixed.get(i, {}))

    def fix_open(self, i: int, value: float) -> None:
        self.fix(i, {self.b.open_col[i]: value})

    def _rerun(self, left) -> np.ndarray | None:
        """A few rounds after a diving step; to convergence if the master still needs its artificials."""
        x = self.run(tolerance=0.0, time_limit_s=left(), escalate=False, max_rounds=DIVE_ROUNDS)
        if x is not None and self.master.violation() > 1e-6:
            x = self.run(tolerance=0.0, time_limit_s=left(), escalate=False)
        return x

    def _infeasible(self, x) -> bool:
        return x is None or self.master.violation() > 1e-6

    def dive_design(self, opened: set[int], *, time_limit_s: float) -> dict[int, float] | None:
        """Cooling (the technology with the most IT capacity) and whole module counts for the open sites, by
        diving; returns the integer columns' values."""
        start = time.perf_counter()
        b, x = self.b, self.x

        def left() -> float:
            return time_limit_s - (time.perf_counter() - start)

        design: dict[int, float] = {}

        def cooling(i: int, k: str) -> dict[int, float]:
            fixes = {c: (1.0 if kk == k else 0.0) for kk, c in b.cool_cols[i].items()}
            fixes[b.open_col[i]] = 1.0
            return fixes

        share = {i: {k: x[c] for k, c in b.it_cols[i].items()} for i in opened}
        clear = {i for i in opened if max(share[i].values()) >= (1 - 1e-3) * max(sum(share[i].values()), _EPS)}
        for i in clear:  # one technology carries (nearly) all IT capacity: take it
            design.update(cooling(i, _main_cooling(b, x, i)))
            self.fix(i, cooling(i, _main_cooling(b, x, i)))
        x = self._rerun(left)
        for i in sorted(set(opened) - clear):  # blends: the cheapest of the blended technologies, else by PUE
            blended = [k for k in b.cool_cols[i] if share[i][k] > _EPS]
            others = [k for k in b.cool_by_pue[i] if k not in blended]
            tried: dict[str, float] = {}
            last = None
            for k in blended + others:
                if k in others and (tried or left() <= 0):
                    break
                self.fix(i, cooling(i, k))
                x, last = self._rerun(left), k
                if not self._infeasible(x):
                    tried[k] = self.z
            k = min(tried, key=tried.get) if tried else b.cool_by_pue[i][0]
            if k != last:
                self.fix(i, cooling(i, k))
                x = self._rerun(left)
            design.update(cooling(i, k))
        if self._infeasible(x):
            return None
        def fix_modules(i: int, count: float) -> tuple[np.ndarray, float] | None:
            self.fix(i, {b.modules_col[i]: count})
            x = self._rerun(left)
            return None if self._infeasible(x) else (x, self.z)

        got = _dive_modules(b, set(opened), x, self.z, fix_modules, left)
        if got is None:
            return None
        design.update({b.modules_col[i]: count for i, count in got[0].items()})
        return design

    def swap_open(self, opened: set[int], lp_x: np.ndarray, *, time_limit_s: float) -> set[int]:
        """Local moves on the dived open decisions, cooling and modules still relaxed: open a site the LP used
        but the dive closed in place of a site the LP did not open whole. Rounding shares one at a time can
        cascade (closing a site the LP used by a share moves its load to the next site, and so on); a swap
        undoes that. A move is kept if the master gets cheaper within a few rounds, and undone otherwise."""
        start = time.perf_counter()
        b = self.b

        def share(i: int) -> float:
            return float(lp_x[b.open_col[i]])

        def left() -> float:
            return time_limit_s - (time.perf_counter() - start)

        improved = True
        while improved and left() > 0:
            improved = False
            outs = sorted((i for i in opened if i not in self.forced and share(i) < 1 - _EPS), key=share)
            ins = sorted((j for j in range(len(b.sites)) if j not in opened and share(j) > _EPS), key=share,
                         reverse=True)
            for j in ins:
                for i in outs:
                    if left() <= 0:
                        return opened
                    before = self.z
                    self.fix_open(j, 1.0)
                    self.fix_open(i, 0.0)
                    x = self.run(tolerance=0.0, time_limit_s=left(), escalate=False, max_rounds=DIVE_ROUNDS)
                    if not self._infeasible(x) and self.z < before * (1 - 1e-6):
                        self.say(f"open {b.sites[j]} instead of {b.sites[i]}: master {self.z:,.0f}")
                        opened = (opened - {i}) | {j}
                        improved = True
                        break
                    self.fix_open(j, 0.0)
                    self.fix_open(i, 1.0)  # its earlier proposals agree again
                    if not self.solve_master():
                        return opened
                if improved:
                    break
        return opened

    def dive_open(self, *, time_limit_s: float) -> set[int] | None:
        """Whole open decisions by diving: open every site with a share >= 0.5; when none is left, close the
        site with the smallest share (or open it, if closing it leaves demand unserved); re-solve each time."""
        start = time.perf_counter()
        b, x = self.b, self.x

        def left() -> float:
            return time_limit_s - (time.perf_counter() - start)

        while x is not None and left() > 0:
            share = {i: x[b.open_col[i]] for i in range(len(b.sites)) if i not in self.fixed_open
                     and i not in self.forced}
            fractional = {i: v for i, v in share.items() if _EPS < v < 1 - _EPS}
            if not fractional:
                opened = self.forced | {i for i, v in self.fixed_open.items() if v > 0.5} | {
                    i for i, v in share.items() if v >= 1 - _EPS}
                for i in set(range(len(b.sites))) - opened - set(self.fixed_open):
                    self.fix_open(i, 0.0)  # closed for good: the design dive must not reopen it
                return opened
            # sites already whole open are kept open: left unfixed, later steps could push them out
            up = ([i for i, v in share.items() if v >= 0.9]
                  or [i for i in [max(fractional, key=fractional.get)] if fractional[i] >= 0.5])
            if up:
                for i in up:
                    self.fix_open(i, 1.0)
                x = self._rerun(left)
                continue
            i = min(fractional, key=fractional.get)
            self.fix_open(i, 0.0)
            x = self._rerun(left)
            if x is not None and self.master.violation() > 1e-6:
                self.fix_open(i, 1.0)
                x = self._rerun(left)
        return None


def _reporter(out: DecompositionOutcome, log, start: float):
    """say(text): a timed 'planner decomposition' line, kept in out.log and passed to the log callback."""
    def say(text: str) -> None:
        line = f"planner decomposition [{time.perf_counter() - start:6.1f} s] {text}"
        out.log.append(line)
        if log:
            log(line)
    return say


def decompose(h: highspy.Highs, b: SiteBlocks, *, mip_gap: float, time_limit_s: float,
              log=None) -> DecompositionOutcome:
    """Bound and plan for the full MILP held in `h` (see the module docstring). `h` is left as it was."""
    start = time.perf_counter()
    out = DecompositionOutcome()
    say = _reporter(out, log, start)

    def left() -> float:
        return time_limit_s - (time.perf_counter() - start)

    dw = _DantzigWolfe(b, out, say)
    x = dw.run(tolerance=BOUND_TOLERANCE * mip_gap, time_limit_s=0.5 * time_limit_s)
    if x is None:
        return out
    candidates = {i for i in range(len(b.sites)) if x[b.open_col[i]] > _EPS}
    out.candidates = [b.sites[i] for i in sorted(candidates)]
    opened, design = _dive(dw, x, left)
    if opened is None:  # out of time: every site with some capacity in the LP, which is feasible; moves close
        opened = candidates | dw.forced
        say(f"diving ran out of time: opening all {len(opened)} sites with some capacity in the LP")
    say(f"cooling and modules dived, rounds {out.rounds}" if design is not None else "cooling and modules: no dive")
    out.link_duals = dw.y_link
    if (design is not None and dw.master.violation() <= 1e-6 and dw.z <= target_for(out.bound, mip_gap)
            and plan_holds(b, dw.x)):
        # the master's solution is itself a plan: every proposal holds the fixed integers and satisfies its
        # site's rows, and the convex combination satisfies the linking rows
        out.plan, out.plan_objective = dw.x, dw.z
        say(f"plan from the master, opening {len(opened)} sites: {dw.z:,.0f}, bound {out.bound:,.0f}, "
            f"gap {out.gap:.3%}")
        return out
    with _Restricted(h, b, out) as r:
        _find_plan(r, b, x, opened, design, candidates, out, mip_gap, say, left)
    say(f"best plan {'none' if out.plan_objective is None else f'{out.plan_objective:,.0f}'}, "
        f"bound {out.bound:,.0f}" + ("" if out.gap is None else f", gap {out.gap:.3%}"))
    return out


def _dive(dw: _DantzigWolfe, x: np.ndarray, left) -> tuple[set[int] | None, dict[int, float] | None]:
    """Open decisions (then swaps), cooling and modules by diving from the LP solution x: (open sites, the
    integer columns' values); (None, None) if the open decisions ran out of time, a None design if the rest
    did."""
    opened = dw.dive_open(time_limit_s=0.6 * left())
    if opened is None:
        return None, None
    dw.say(f"opening {len(opened)} sites (LP: {int(np.sum(x[dw.b.open_col] > _EPS))} sites with some capacity), "
           f"rounds {dw.out.rounds}")
    opened = dw.swap_open(opened, x, time_limit_s=0.2 * left())
    return opened, dw.dive_design(opened, time_limit_s=0.5 * left())


def dive(dw: _DantzigWolfe, x: np.ndarray, *, time_limit_s: float) -> np.ndarray | None:
    """A whole design by diving in `dw` from its LP solution x (`_dive`): the master's solution then (integers
    whole, the rest convex combinations of the sites' proposals), or None."""
    start = time.perf_counter()
    _, design = _dive(dw, x, lambda: time_limit_s - (time.perf_counter() - start))
    return None if design is None or dw.master.violation() > 1e-6 else dw.x


@dataclass
class _Plan:
    """Integer decisions of a plan: open sites and their cooling (modules follow by diving)."""

    tech: dict[int, str]

    def with_tech(self, i: int, k: str) -> _Plan:
        return _Plan({**self.tech, i: k})

    def without(self, i: int) -> _Plan:
        return _Plan({j: k for j, k in self.tech.items() if j != i})


def _main_cooling(b: SiteBlocks, x: np.ndarray, i: int) -> str:
    cap = {k: x[c] for k, c in b.it_cols[i].items()}
    return max(cap, key=cap.get)


def _moves(b: SiteBlocks, plan: _Plan, lp_x: np.ndarray, candidates: set[int]):
    """Neighbour plans, the likeliest improvements first: other cooling where the LP blends, close, open."""
    for i, k in plan.tech.items():
        for kk, c in b.it_cols[i].items():
            if kk != k and lp_x[c] > _EPS:
                yield f"{b.sites[i]}: cooling {kk}", plan.with_tech(i, kk)
    for i in sorted(plan.tech, key=lambda i: lp_x[b.open_col[i]]):
        if lp_x[b.open_col[i]] < 1 - _EPS and _closable(b, i):
            yield f"close {b.sites[i]}", plan.without(i)
    for i in sorted(candidates - set(plan.tech), key=lambda i: -lp_x[b.open_col[i]]):
        if lp_x[b.open_col[i]] > _EPS:
            yield f"open {b.sites[i]}", plan.with_tech(i, _main_cooling(b, lp_x, i))


def _dive_modules(b: SiteBlocks, undecided: set[int], x: np.ndarray, objective: float, fix, left
                  ) -> tuple[dict[int, float], np.ndarray] | None:
    """Whole module counts for the sites in `undecided` by diving: the least fractional count first, rounded
    to the nearer whole count, and also to the other one unless that kept the objective (of solution x: no
    rounding can lower it), keeping the cheaper of the two that stay feasible. `fix(i, count)` fixes site i's
    modules, re-solves and returns (the new solution, its objective), or None if infeasible. Returns (counts,
    the last solution) or None.

    Both ways are tried because rounding down can stay feasible at a high price: the load it moves away may
    have only expensive sites within reach (on the built-in example, one module less at Gui'an moved load at
    +97 M CNY/yr, against +26 M for one more)."""
    counts: dict[int, float] = {}
    while True:
        value = {i: x[b.modules_col[i]] for i in undecided}
        fraction = {i: v - math.floor(v + _EPS) for i, v in value.items()}
        fractional = {i: f for i, f in fraction.items() if _EPS <= f <= 1 - _EPS}
        if not fractional:
            counts.update({i: float(round(v)) for i, v in value.items()})
            return counts, x
        if left() <= 0:
            return None
        i = min(fractional, key=lambda i: min(fractional[i], 1 - fractional[i]))
        down = float(math.floor(value[i]))
        nearer, other = (down, down + 1.0) if fractional[i] < 0.5 else (down + 1.0, down)
        tried = {}
        for count in (nearer, other):
            got = fix(i, count)
            if got is not None:
                tried[count] = got
                if got[1] <= objective + 1e-7 * abs(objective):  # no dearer than before: the other cannot be cheaper
                    break
        if not tried:
            return None
        counts[i] = min(tried, key=lambda count: tried[count][1])
        got = tried[counts[i]] if counts[i] == count else fix(i, counts[i])  # `count`: the last one fixed
        if got is None:
            return None
        x, objective = got
        undecided.discard(i)


def _evaluate(r: _Restricted, plan: _Plan, left) -> tuple[np.ndarray, float] | None:
    """The best plan with these sites and cooling: module counts by diving, then the LP over everything
    continuous."""
    b = r.b
    fixed: dict[int, float] = {}
    for i, k in plan.tech.items():
        fixed[b.open_col[i]] = 1.0
        for kk, c in b.cool_cols[i].items():
            fixed[c] = 1.0 if kk == k else 0.0
    closed = [i for i in range(len(b.sites)) if i not in plan.tech]
    last: list[float] = []

    def solve() -> np.ndarray | None:
        r.set_bounds(fixed, closed)
        got = r.lp(left())
        last[:] = [] if got is None else [got[2]]
        return None if got is None else got[0]

    def fix_modules(i: int, count: float) -> tuple[np.ndarray, float] | None:
        fixed[b.modules_col[i]] = count
        x = solve()
        return None if x is None else (x, last[0])

    x = solve()
    if x is None:
        return None
    got = _dive_modules(b, set(plan.tech), x, last[0], fix_modules, left)
    if got is None:
        return None
    counts, x = got
    if any(fixed.get(b.modules_col[i]) != n for i, n in counts.items()):  # integral without being fixed
        fixed.update({b.modules_col[i]: n for i, n in counts.items()})
        x = solve()
    return None if x is None else (x, last[0])


def _find_plan(r: _Restricted, b: SiteBlocks, lp_x: np.ndarray, opened: set[int], design: dict[int, float] | None,
               candidates: set[int], out: DecompositionOutcome, mip_gap: float, say, left) -> None:
    """The dived plan on the full model, improved by local moves, then (if needed) a MIP over its sites'
    cooling and modules."""
    target = target_for(out.bound, mip_gap)
    closed = [i for i in range(len(b.sites)) if i not in opened]
    best = None
    if design is not None:
        r.set_bounds(design, closed)
        got = r.lp(left())
        best = None if got is None else (got[0], got[2])
        plan = _Plan({i: next(k for k, c in b.cool_cols[i].items() if design[c] > 0.5) for i in opened})
    else:
        r.set_bounds({b.open_col[i]: 1.0 for i in opened}, closed)
        got = r.lp(left())
        if got is None:
            say(f"opening the {len(opened)} dived sites cannot serve the demand")
            return
        plan = _Plan({i: _main_cooling(b, got[0], i) for i in opened})
        best = _evaluate(r, plan, left)
    say(f"plan opening {len(opened)} sites: {'infeasible' if best is None else f'{best[1]:,.0f}'}")
    improved = best is not None
    while improved and best[1] > target and left() > 0:
        improved = False
        for what, p in _moves(b, plan, lp_x, candidates):
            if left() <= 0:
                break
            got = _evaluate(r, p, left)
            if got is not None and got[1] < best[1] - 1e-9 * abs(best[1]):
                say(f"{what}: {got[1]:,.0f}")
                plan, best, improved = p, got, True
                break
    if best is not None:
        out.plan, out.plan_objective = best
    if (best is None or best[1] > target) and left() > 0:
        r.set_bounds({b.open_col[i]: 1.0 for i in plan.tech}, [i for i in range(len(b.sites)) if i not in plan.tech])
        got = r.mip(0.3 * left(), mip_gap, target, None if best is None else best[0])
        say(f"MIP over cooling and modules of the {len(plan.tech)} open sites: "
            f"{'no plan' if got is None else f'{got[1]:,.0f}'}")
        if got is not None and (best is None or got[1] < best[1]):
            out.plan, out.plan_objective = got


def solve_by_sites(m: pyo.ConcreteModel, d: ModelData, *, mip_gap: float, time_limit_s: float, log=None,
                   progress=None, options: dict | None = None) -> SolveOutcome:
    """Solve the MILP by site decomposition; HiGHS' branch and bound runs only if the plan is not yet proven
    within `mip_gap`, then starting from that plan and stopping as soon as the bound proves it. The solution is
    loaded into the Pyomo model."""
    start = time.perf_counter()

    def left() -> float:
        return time_limit_s - (time.perf_counter() - start)

    def report(dec: DecompositionOutcome) -> None:
        if progress and dec.plan_objective is not None:
            progress({"stage": "solve", "elapsed_s": time.perf_counter() - start, "incumbent": dec.plan_objective,
                      "bound": dec.bound if math.isfinite(dec.bound) else None, "gap": dec.gap})

    if d.n_t > FULL_DETAIL_MAX_TIME_STEPS:
        dec, year = decompose_on_days(m, d, mip_gap=mip_gap, time_limit_s=left(), log=log)
        if year is not None:
            report(dec)
            year.load_into(m)
            return SolveOutcome(
                status="optimal" if dec.gap is not None and dec.gap <= mip_gap else "feasible",
                termination="site decomposition: full-year plan from the design of a few days" +
                            (f", bound from {dec.bound_days} average days and {dec.year_cuts} cuts from the "
                             "year's dispatch" if math.isfinite(dec.bound)
                             else ", no bound for the year"),
                has_solution=True, objective=dec.plan_objective, bound=dec.bound if math.isfinite(dec.bound) else None,
                gap=dec.gap, wall_s=time.perf_counter() - start, highs_s=dec.highs_s, log="\n".join(dec.log))
        # no plan for the year that way: HiGHS on the full model, with the time left
        mat = compile_to_highs(m)
        h = mat.highs
    else:
        mat = compile_to_highs(m)
        h = mat.highs
        dec = decompose(h, site_blocks(m, d, mat), mip_gap=mip_gap, time_limit_s=0.7 * left(), log=log)
    highs_s = dec.highs_s + h.getRunTime()
    report(dec)
    if dec.plan is not None and dec.gap is not None and dec.gap <= mip_gap:
        mat.load(m, dec.plan)
        return SolveOutcome(
            status="optimal", termination="site decomposition: plan within the gap of the bound",
            has_solution=True, objective=dec.plan_objective, bound=dec.bound, gap=dec.gap,
            wall_s=time.perf_counter() - start, highs_s=highs_s, log="\n".join(dec.log))
    if dec.plan is not None:
        h.setSolution(_solution(dec.plan))
    extra = dict(options or {})
    if math.isfinite(dec.bound):
        extra["objective_target"] = target_for(dec.bound, mip_gap)
    outcome = mat.solve(mip_gap=mip_gap, time_limit_s=max(left(), 1.0), log=log, progress=progress, options=extra)
    if outcome.has_solution:
        mat.load(m, mat.solution())
    elif dec.plan is not None:  # HiGHS found nothing better in the time left
        mat.load(m, dec.plan)
        outcome.status, outcome.has_solution, outcome.objective = "time_limit", True, dec.plan_objective
    outcome.highs_s = highs_s + outcome.highs_s
    outcome.wall_s = time.perf_counter() - start
    outcome.log = "\n".join(dec.log)
    if outcome.has_solution and outcome.objective is not None:
        bound = max(outcome.bound if outcome.bound is not None else -math.inf, dec.bound)
        if math.isfinite(bound):
            outcome.bound = bound
            outcome.gap = max(0.0, outcome.objective - bound) / max(abs(outcome.objective), 1e-9)
            if outcome.gap <= mip_gap and outcome.status == "time_limit":
                outcome.status = "optimal"
        else:
            outcome.bound = outcome.gap = None
    return outcome


def coarse_case(case, n_days: int):
    """The case on `n_days` of its days, evenly spread, each weighted with the days it stands for."""
    ts = case.timesteps
    days = list(dict.fromkeys(ts["day"]))
    if len(days) <= n_days:
        return case
    day_weight = ts.groupby("day", sort=False)["weight_days"].first()
    keep, weight = [], {}
    for chunk in np.array_split(np.arange(len(days)), n_days):
        pick = days[chunk[len(chunk) // 2]]
        keep.append(pick)
        weight[pick] = float(sum(day_weight[days[j]] for j in chunk))
    rows = ts.index[ts["day"].isin(keep)]
    new_ts = ts.loc[rows].reset_index(drop=True)
    new_ts["weight_days"] = new_ts["day"].map(weight).astype(float)
    return dataclasses.replace(case, timesteps=new_ts, profiles=case.profiles.loc[rows].reset_index(drop=True))


def _design_fixes(year: pyo.ConcreteModel, year_col, coarse: pyo.ConcreteModel, coarse_col, plan: np.ndarray,
                  names) -> dict[int, float]:
    """Year-model columns -> the coarse plan's values, for the variables `names` (not indexed by time, so both
    models have the same index)."""
    fixes: dict[int, float] = {}
    for name in names:
        coarse_var = getattr(coarse, name)
        for idx, v in getattr(year, name).items():
            j, jc = year_col(v), coarse_col(coarse_var[idx])
            if j is not None and jc is not None:
                value = float(plan[jc])
                fixes[j] = float(round(value)) if v.is_integer() else value
    return fixes


def _built_blocks(d: ModelData) -> tuple[pyo.ConcreteModel, HighsMatrix, SiteBlocks]:
    """The model of `d` (design days, average days), compiled for HiGHS and partitioned by site."""
    from planner.model.build import build_model

    m = build_model(d)
    mat = compile_to_highs(m)
    with PauseGC():
        return m, mat, site_blocks(m, d, mat)


def case_as_modelled(m: pyo.ConcreteModel, case):
    """`case` with the carbon price and cap the model holds now (`PlanningModel.set_carbon_price` and
    `set_carbon_cap` change the model, not the case): the models built from it for design days, average days
    and the open sites must solve the same problem."""
    cap = float(pyo.value(m.carbon_cap_tco2)) if m.carbon_cap.active else None
    settings = dataclasses.replace(case.settings, carbon_price_cny_per_tco2=float(pyo.value(m.carbon_price)),
                                   carbon_cap_tco2_per_yr=cap)
    return dataclasses.replace(case, settings=settings)


@dataclass
class YearPlan:
    """A full-year plan: the model of the open sites' year that its column values refer to."""

    model: pyo.ConcreteModel
    matrix: HighsMatrix
    x: np.ndarray
    objective: float

    def load_into(self, m: pyo.ConcreteModel) -> None:
        """The plan as values of the full model's variables: the open sites' from the plan, the other
        (closed) sites' 0, or the bound nearest to 0."""
        self.matrix.load(self.model, self.x)
        with PauseGC():
            self._carry_into(m)

    def _carry_into(self, m: pyo.ConcreteModel) -> None:
        for var in m.component_objects(pyo.Var, active=True):
            year_var = getattr(self.model, var.local_name)
            year_values = dict(zip(elements(year_var), values(year_var).tolist()))
            got = list(map(year_values.get, elements(var)))  # None: not in the year's model, nan: no value
            of_var = list(elements(var).values())
            missing = [k for k, value in enumerate(got) if value is None or value != value]
            for k, value in zip(missing, nearest_to_zero_values([of_var[k] for k in missing]).tolist()):
                got[k] = value
            for v, value in zip(of_var, got):
                v.set_value(value, skip_validation=True)


def decompose_on_days(m: pyo.ConcreteModel, d: ModelData, *, mip_gap: float, time_limit_s: float,
                      log=None) -> tuple[DecompositionOutcome, YearPlan | None]:
    """Full-year cases: the design by `decompose` on a few evenly spread days of the year, then the year's
    LP with that design fixed (`_year_plan`); then the lower bound from average days with cuts from the year's
    dispatch, and a second design from that relaxation if the first plan is not proven (`_bound_and_redesign`).

    The year's LP is built for the open sites only (`restricted_to_sites`): the closed sites' hourly blocks,
    most of the full model, are never compiled. The design fixed for the year is the integers, the assignments
    and the PV, wind and battery capacities; the grid connection stays free, since the year's peak load is not
    among the design days. A site that cannot run the year with that design (e.g. a green-connection rule fails
    over the whole year) frees its battery and then its PV and wind (`YEAR_FIXINGS`, `_year_lp_by_sites`)."""
    from planner.model.data import prepare

    start = time.perf_counter()
    out = DecompositionOutcome()
    say = _reporter(out, log, start)
    d = dataclasses.replace(d, case=case_as_modelled(m, d.case))

    coarse = prepare(coarse_case(d.case, DESIGN_DAYS))
    cm, coarse_mat, cb = _built_blocks(coarse)
    say(f"design on {DESIGN_DAYS} days of the year ({coarse.n_t} time steps)")
    design = decompose(coarse_mat.highs, cb, mip_gap=mip_gap, time_limit_s=0.3 * time_limit_s, log=log)
    out.log = [*out.log, *design.log]
    out.highs_s = design.highs_s + coarse_mat.highs.getRunTime()
    out.rounds = design.rounds
    if design.plan is None:
        return out, None
    deadline = start + time_limit_s
    first = _year_plan(d, design.plan, (cm, coarse_mat, cb), design.link_duals, source=f"{DESIGN_DAYS} days",
                       mip_gap=mip_gap, deadline=deadline, out=out, say=say)
    if first is None:
        return out, None
    plan, b = first
    out.plan, out.plan_objective = plan.x, plan.objective
    if time.perf_counter() < deadline:
        plan = _bound_and_redesign(d, plan, b, (cb, coarse_mat.rows, design.link_duals),
                                   {_design_key(cb, coarse_mat, design.plan)}, mip_gap=mip_gap, deadline=deadline,
                                   out=out, say=say)
    if not math.isfinite(out.bound):
        say("no lower bound for the full year")
    return out, plan


def _year_plan(d: ModelData, x: np.ndarray, source_model, link_duals: np.ndarray | None, *, source: str,
               mip_gap: float, deadline: float, out: DecompositionOutcome, say) -> tuple[YearPlan, SiteBlocks] | None:
    """The year's LP with a design fixed: x, column values of a model of a few days (`source_model`: its Pyomo
    model, HighsMatrix and SiteBlocks; `link_duals`: its duals of the linking rows, to price the first round).
    Built for the design's open sites only (`restricted_to_sites`). (The plan, the year model's blocks), or None
    if the design has no dispatch for the year by `deadline`."""
    from planner.model.data import restricted_to_sites

    dm, dmat, db = source_model
    opened = [s for i, s in enumerate(db.sites) if x[db.open_col[i]] > 0.5]
    clock = time.perf_counter()
    ym, year_mat, b = _built_blocks(restricted_to_sites(d, opened))
    say(f"year: model of the {len(opened)} open sites built ({time.perf_counter() - clock:.1f} s)")
    duals = _linking_duals(b, year_mat.rows, db, dmat.rows, link_duals)
    levels = [(what, _design_fixes(ym, year_mat.column, dm, dmat.column, x, names), solver)
              for what, names, solver in YEAR_FIXINGS]
    got = _year_lp_by_sites(b, levels, duals, tolerance=0.1 * mip_gap, time_limit_s=deadline - time.perf_counter(),
                            out=out, say=say)
    if got is None:
        say(f"the year's LP of the {len(opened)} open sites: no plan")
        return None
    by_level = {}
    for i, k in enumerate(got[2]):
        by_level.setdefault(k, []).append(b.sites[i])
    say(f"the year's LP of the {len(opened)} open sites: {got[1]:,.0f}, with "
        + "; ".join(f"{YEAR_FIXINGS[k][0]} of the {source} fixed at "
                    + (", ".join(sites) if len(sites) < len(opened) else "every site")
                    for k, sites in sorted(by_level.items())))
    return YearPlan(ym, year_mat, got[0], got[1]), b


def _bound_and_redesign(d: ModelData, plan: YearPlan, b: SiteBlocks, start_duals, tried: set[tuple], *,
                        mip_gap: float, deadline: float, out: DecompositionOutcome, say) -> YearPlan:
    """The lower bound for the year (`planner.decomposition.year_cuts.YearBound`), with cuts first at the plan's design,
    in turns with new designs: while the plan is not proven, rounds of cuts (the first turn for up to
    BOUND_FIRST_SHARE of the time) until the bound rises too slowly to prove it, then a design dived from the
    relaxation with the year's cuts so far, whose year LP replaces the plan if cheaper and is cut at. When the
    time left would not hold another design, the rounds go on to the deadline; they end early when no cut is
    violated and the dive gives a design tried before (`tried`: `_design_key` of the designs run over the year
    so far). The best plan."""
    from planner.decomposition.year_cuts import YearBound, YearDispatch

    def dispatch(p: YearPlan, pb: SiteBlocks) -> dict:
        return {pb.sites[i]: lp for i, lp in YearDispatch.for_sites(p.matrix, pb.col_site).items()}

    def proven() -> bool:
        return out.plan_objective <= target_for(out.bound, mip_gap)

    try:
        yb = YearBound(d, mip_gap=mip_gap, out=out, say=say, start_duals=start_duals)
    except ValueError as why:  # days that are not 24 hourly steps
        say(f"no average days: {why}")
        return plan

    def redesign(deadline_dive: float) -> bool:
        """A design dived from the relaxation, run over the year and cut at; the plan if cheaper. Whether the
        design was a new one."""
        nonlocal plan
        x = yb.design(deadline_dive)
        if x is None:
            return False
        key = _design_key(yb.blocks, yb.mat, x)
        if key in tried:
            say("the design dived from the relaxation was tried before")
            return False
        tried.add(key)
        got = _year_plan(d, x, (yb.model, yb.mat, yb.blocks), yb.dw.y_link, source="average days with the year's "
                         "cuts", mip_gap=mip_gap, deadline=deadline, out=out, say=say)
        if got is not None:
            cheaper = got[0].objective < out.plan_objective
            yb.cut_at(_site_designs(got[1], got[0].matrix, got[0].x), dispatch(*got), deadline, core=cheaper)
            say(f"plan from the average days with the year's cuts: {got[0].objective:,.0f}, "
                f"{got[0].objective / out.plan_objective - 1:+.3%} against the best so far")
            if cheaper:
                plan = got[0]
                out.plan, out.plan_objective = plan.x, plan.objective
        return True

    try:
        yb.cut_at(_site_designs(b, plan.matrix, plan.x), dispatch(plan, b), deadline)
        now = time.perf_counter()
        until, redesign_s = now + BOUND_FIRST_SHARE * (deadline - now), 0.0
        while True:
            out.bound = max(out.bound, yb.tighten(out.plan_objective, until))
            now = time.perf_counter()
            if proven() or now > deadline or yb.stopped == "failed":
                break
            until = deadline
            if deadline - now < REDESIGN_ROOM * redesign_s:  # no time for another design: rounds to the deadline
                if yb.stopped != "converged":
                    out.bound = max(out.bound, yb.tighten(out.plan_objective, deadline, give_up=False))
                break
            if not redesign(now + REDESIGN_SHARE * (deadline - now)) and yb.stopped == "converged":
                break  # neither the bound nor the designs can change any more
            redesign_s = time.perf_counter() - now
    finally:
        yb.close()
    return plan


def _design_key(b: SiteBlocks, mat: HighsMatrix, x: np.ndarray) -> tuple:
    """The integers and assignments of a design (column values x of a model of all sites), rounded: what a
    design's year plan keeps of it once the year sizes PV, wind and battery, to tell a design met before."""
    return tuple((site, k, round(v, 3)) for site, at in _site_designs(b, mat, x).items() for k, v in at.items()
                 if k[0] in INTEGER_DESIGN)


def _site_designs(b: SiteBlocks, mat: HighsMatrix, x: np.ndarray) -> dict[str, dict[tuple[str, object], float]]:
    """Each site's design in the column values x: {site: {(variable, index): value}} (`year_cuts.DESIGN_VARIABLES`)."""
    from planner.decomposition.year_cuts import DESIGN_VARIABLES

    designs: dict[str, dict] = {s: {} for s in b.sites}
    for j, v in enumerate(mat.columns):
        name = v.parent_component().local_name
        if name in DESIGN_VARIABLES and b.col_site[j] >= 0:
            designs[b.sites[b.col_site[j]]][name, v.index()] = float(x[j])
    return designs


def _linking_duals(b: SiteBlocks, rows, cb: SiteBlocks, coarse_rows, coarse_duals: np.ndarray | None) -> np.ndarray:
    """The design days' duals of the linking rows, carried over to the year's linking rows of the same
    constraint (both are annual quantities in the same units); 0 where there is none."""
    y = np.zeros(len(b.linking_rows))
    if coarse_duals is None:
        return y
    by_row = {(coarse_rows[r][0].name, coarse_rows[r][1]): k for k, r in enumerate(cb.linking_rows)}
    for k, r in enumerate(b.linking_rows):
        j = by_row.get((rows[r][0].name, rows[r][1]))
        if j is not None:
            y[k] = coarse_duals[j]
    return y


def _year_lp_by_sites(b: SiteBlocks, levels: list[tuple[str, dict[int, float], str]], duals: np.ndarray, *,
                      tolerance: float, time_limit_s: float, out: DecompositionOutcome, say
                      ) -> tuple[np.ndarray, float, list[int]] | None:
    """The year's LP of the open sites (the sites of `b`) with the design fixed, by column generation over
    them, priced first with the design days' duals. `levels`: (what, fixed columns -> values, HiGHS' solver for
    cold solves), from the tightest fixing to the loosest. Every site starts at the tightest. A site whose
    year LP has no solution there moves on to the next, alone: a freed capacity makes its LP much slower. If
    the linking rows (demand, hub rules, carbon cap) cannot be met, the sites in the rows not met move on (those
    at the tightest fixing among them), and the column generation starts again. Once the master needs no
    artificials its solution is a feasible plan (a convex combination of each site's year dispatches satisfies
    the linking rows); (column values, objective, each site's level)."""
    deadline = time.perf_counter() + time_limit_s
    n = len(b.sites)
    of_site: list[list[dict[int, float]]] = [[{} for _ in levels] for _ in range(n)]
    for k, (_, fixes, _) in enumerate(levels):
        for j, value in fixes.items():
            of_site[int(b.col_site[j])][k][j] = value
    level = [0] * n

    def set_level(dw: _DantzigWolfe, i: int, k: int) -> None:
        level[i] = k
        dw.sites.cold_solvers[i] = levels[k][2]

    while True:
        clock = time.perf_counter()
        dw = _DantzigWolfe(b, out, say)
        dw.y_link = duals
        for i in range(n):
            set_level(dw, i, level[i])
        failed = dw.fix_all({i: of_site[i][level[i]] for i in range(n)}, deadline=deadline)
        say(f"year: the {n} open sites' LPs solved once ({time.perf_counter() - clock:.1f} s)")
        while failed:
            for i in sorted(failed):
                say(f"year: {b.sites[i]} has no dispatch for the year with {levels[level[i]][0]} of the "
                    f"{DESIGN_DAYS} days fixed" + ("" if level[i] + 1 < len(levels) else "; no plan"))
            if any(level[i] + 1 == len(levels) for i in failed):
                return None
            for i in failed:
                dw.unfix(i, [j for j in of_site[i][level[i]] if j not in of_site[i][level[i] + 1]])
                set_level(dw, i, level[i] + 1)
            failed = dw.fix_all({i: of_site[i][level[i]] for i in failed}, deadline=deadline)
        if failed is None:  # out of time
            return None
        if dw.solve_master():
            dw.run(tolerance=tolerance, time_limit_s=deadline - time.perf_counter())
        if dw.x is not None and dw.master.violation() <= 1e-6:
            say(f"year: master {dw.z:,.0f} after {out.rounds} rounds, artificials {dw.master.violation():.3g}")
            now = time.perf_counter()
            _size_for_the_year(dw, [of_site[i][-1] for i in range(n)], level, levels, tolerance=tolerance,
                               until=now + SIZING_SHARE * (deadline - now), say=say)
            return dw.x, dw.z, level
        rows = b.linking_rows[dw.master.violated_rows()] if dw.x is not None else b.linking_rows
        in_rows = {int(c) for c in b.col_site[np.unique(b.a_csr[rows].indices)] if c >= 0}
        lowest = min((level[i] for i in in_rows), default=len(levels) - 1)
        if lowest + 1 == len(levels) or time.perf_counter() > deadline:
            say("year: the demand, hub or carbon rules cannot be met with the design; no plan")
            return None
        moving = sorted(i for i in in_rows if level[i] == lowest)
        say(f"year: the demand, hub or carbon rules cannot be met with the design: "
            f"{', '.join(b.sites[i] for i in moving)} keep only {levels[lowest + 1][0]} fixed")
        for i in moving:
            level[i] += 1


def _size_for_the_year(dw: _DantzigWolfe, loosest: list[dict[int, float]], level: list[int], levels, *,
                       tolerance: float, until: float, say) -> None:
    """PV, wind and battery sized for the year itself, once the year's LP with them fixed has a plan: the sites
    at a tighter fixing than the loosest (`loosest`: each site's fixes there) free those columns, their LPs
    start from the fixed optimum's basis, and the column generation goes on until `until` (a perf_counter
    time). The master keeps the fixed plan's proposals, so its solution stays a plan, never a dearer one.
    `level` is updated for the sites sized."""
    sizing = [i for i in range(len(level)) if level[i] < len(levels) - 1]
    if not sizing or time.perf_counter() >= until:
        return
    clock, before = time.perf_counter(), dw.z
    for i in sizing:
        dw.unfix(i, [j for j in dw.fixed.get(i, {}) if j not in loosest[i]], cold=False)
        dw.sites.cold_solvers[i] = levels[-1][2]
    dw.sites.deadline = until
    sized = {i: got[1] for i, got in zip(sizing, dw.sites.price_all(sizing, dw.y_link, until), strict=True)
             if got is not None and got[1] is not None}
    dw.master.add([dw.sites.proposal(i, x) for i, x in sized.items()])
    if dw.solve_master():
        dw.run(tolerance=tolerance, time_limit_s=until - time.perf_counter())
    for i in sized:
        level[i] = len(levels) - 1
    say(f"year: PV, wind and battery sized for the year at {len(sized)} of {len(sizing)} sites: master "
        f"{dw.z:,.0f} ({dw.z / before - 1:+.3%}, {time.perf_counter() - clock:.1f} s)")
