"""Benders cuts from the full year's dispatch: a tighter lower bound for cases solved on design days.

The average-day relaxation (`planner.model.data.aggregated_days`) smooths the weather, so it underestimates
what a site's hours cost over the real year: less import, a smaller grid connection. Its bound is therefore
below the plans found for a full year. This module adds, per site s, the year's own operating cost as a
function of the site's design:

    Q_s(x) = min  sum_j c_j y_j   over the site's year dispatch y (every hour, storage, green-connection rules)
             with the design x fixed: IT load by cooling and load group, PV, wind, battery power and energy.

The operating columns y are all of the site's columns that are not design (cut_side "design" in `roles.csv`): the hourly
flows, the annual energies and the grid connection, which the year sizes for its own hardest hour. Q_s is
the optimum of an LP whose design enters as fixed columns, so it is convex in x, and the reduced costs g of
the fixed columns at an optimum give a supporting plane:  Q_s(x') >= Q_s(x) + g (x' - x)  for every x'.

In the relaxation each site gets a column theta_s (CNY/yr) that carries its operating cost:

    operating_cost_at_least_days[s]:  theta_s >= sum_j c_j y_j   over its average-day columns (costs moved here)
    operating_cost_at_least_year[s, k]:  theta_s >= Q_s(x_k) + g_k (x - x_k)   for the cuts k made so far

Both hold for every plan of the full year, mapped onto the average days, with theta_s its year's operating
cost (its days cost no more, at the groups' lowest prices, and its year costs at least Q_s of its design), so
the relaxation with the cuts is still a relaxation: its Lagrangian bound is a lower bound of the case. Rows
that link sites (demand, hub rules, emissions) are not in Q_s: leaving rows out of a minimum only lowers it.
The carbon price is folded into the sites' import costs when emissions are only priced, not capped; with a cap
the cuts leave emissions to the relaxation.

Where the year cannot run a design x_k at all (a green-connection rule fails over the real year, though not on
the average days), the cut is a feasibility cut  0 >= V_s(x_k) + h_k (x - x_k), V_s the least violation of the
site's green-connection rules with the design fixed (`YearDispatch.feasibility_cut`): convex, and 0 at every
design the year can run.

This module makes the cuts (`YearDispatch`, `YearCuts.violated`) and the relaxation's theta columns and rows
(`OperatingCost`); `planner.decomposition.year_bound.YearBound` runs the rounds of cuts and column generation.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import NamedTuple

import highspy
import numpy as np
import scipy.sparse as sp

from planner.decomposition.blocks import built_blocks, row_owner
from planner.decomposition.budget import Budget
from planner.decomposition.tuning import CUT_TOLERANCE, FEASIBILITY_TOLERANCE, SAFETY, pricing_threads
from planner.model import roles
from planner.model.data import restricted_to_sites
from planner.solver.matrix import HighsMatrix, pass_arrays
from planner.solver.stop import run, time_limit


def design_variables() -> frozenset[str]:
    """The site variables a design fixes (the cuts' x); every other site column is operation (the year's y)."""
    return frozenset(roles.variables(cut_side="design"))


def _family(row) -> str:
    return row[0].parent_component().local_name


def _key(var) -> tuple[str, object]:
    return var.parent_component().local_name, var.index()


def carbon_price_on_imports(mat: HighsMatrix, cost: np.ndarray) -> np.ndarray:
    """Costs with the carbon price moved from the global emissions column onto the columns that define it, when
    the emissions column is in no row but its definition (emissions priced, not capped): the same objective,
    in terms each site owns."""
    a = mat.compiled.a
    emissions = [j for j, v in enumerate(mat.columns) if v.parent_component().local_name == "emissions_tco2"]
    if not emissions:
        return cost
    j = emissions[0]
    rows = a[:, j].indices
    if len(rows) != 1 or _family(mat.rows[rows[0]]) != "emissions_definition" or cost[j] == 0:
        return cost
    r = int(rows[0])
    row = a.tocsr()[r]  # emissions - sum_t ef_t w_t import_t == 0
    out = cost.copy()
    scale = cost[j] / row[0, j]
    others = row.indices != j
    out[row.indices[others]] -= scale * row.data[others]
    out[j] = 0.0
    return out


class Cut(NamedTuple):
    """A plane from site `site`'s year LP at the design `at`, with `grad` its slopes in the design columns.
    Optimality cut: theta_s >= value + grad (x - at), value = Q_s(at). Feasibility cut (`feasibility`): 0 >= value +
    grad (x - at), value = the least violation of the site's green-connection rules over the year at `at`."""

    site: int
    value: float
    at: dict
    grad: dict
    feasibility: bool = False


def _cut_level(cut: Cut, keys: list) -> tuple[float, np.ndarray]:
    """(level, slopes over `keys`) of the plane  level + g x  of a cut, with the design as `YearDispatch.cut`
    fixed it (negatives at 0), less the SAFETY margin, and never above 0 at x = 0 (the zero design costs nothing
    and breaks no rule, so a plane below Q_s, or below the violation, is <= 0 there)."""
    g = np.array([cut.grad[k] for k in keys])
    x = np.array([max(cut.at.get(k, 0.0), 0.0) for k in keys])
    return min(cut.value - abs(cut.value) * SAFETY - float(g @ x), 0.0), g


def cut_value(cut: Cut, design: dict) -> float:
    """The plane of `cut` at another design of its site."""
    keys = list(cut.grad)
    level, g = _cut_level(cut, keys)
    return level + float(g @ np.array([max(design.get(k, 0.0), 0.0) for k in keys]))


@dataclass
class OperatingCost:
    """The average-day blocks with theta_s: `blocks` (a `SiteBlocks` with the theta columns and rows appended)
    and, per site, theta's column, its design columns ((name, index) -> column) and the cuts added so far."""

    blocks: object  # SiteBlocks
    theta_col: np.ndarray
    design_cols: list[dict[tuple[str, object], int]]
    cuts: list[list[tuple[float, np.ndarray, np.ndarray]]] = None  # per site, optimality cuts: (level, columns, g)
    n_feasibility: int = 0  # feasibility cuts added (rows over the design columns only)

    def __post_init__(self):
        if self.cuts is None:
            self.cuts = [[] for _ in self.theta_col]

    @property
    def n_cuts(self) -> int:
        return sum(map(len, self.cuts)) + self.n_feasibility

    def required(self, i: int, x: np.ndarray) -> float:
        """The least theta_s that site i's cuts allow at its columns' values x (in the order of site_cols)."""
        return max((level + float(g @ x[pos]) for level, pos, g in self.cuts[i]), default=-math.inf)

    def add_cuts(self, cuts: list[Cut]) -> None:
        """Rows into `blocks`: theta_s - g x >= level for optimality cuts, -g x >= level for feasibility cuts."""
        b = self.blocks
        n_col = b.a_csc.shape[1]
        data, indices, indptr, lower = [], [], [0], []
        for cut in cuts:
            i = cut.site
            keys = [k for k, g in cut.grad.items() if g != 0.0]
            cols = np.array([self.design_cols[i][k] for k in keys], dtype=np.int64)
            level, g = _cut_level(cut, keys)
            if cut.feasibility:  # no theta: scaled to slopes <= 1, as MWh per MW can reach thousands
                self.n_feasibility += 1
                lead_idx, lead_val = [], []
                scale = max(float(np.abs(g).max(initial=0.0)), 1.0)
                level, g = level / scale, g / scale
            else:
                self.cuts[i].append((level, np.searchsorted(b.site_cols[i], cols), g))
                lead_idx, lead_val = [self.theta_col[i]], [1.0]
            indices += [*lead_idx, *cols.tolist()]
            data += [*lead_val, *(-g).tolist()]
            indptr.append(len(indices))
            lower.append(level)
        new = sp.csr_matrix((np.array(data), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
                            shape=(len(cuts), n_col))
        first = b.a_csr.shape[0]
        b.a_csr = sp.vstack([b.a_csr, new], format="csr")
        b.a_csc = b.a_csr.tocsc()
        b.row_lower = np.concatenate([b.row_lower, lower])
        b.row_upper = np.concatenate([b.row_upper, np.full(len(cuts), highspy.kHighsInf)])
        for k, cut in enumerate(cuts):
            b.site_rows[cut.site] = np.append(b.site_rows[cut.site], first + k)


def with_operating_cost(b, mat: HighsMatrix) -> OperatingCost:
    """`b` (the average days' `SiteBlocks`) with a column theta_s per site that carries the site's operating
    cost (its operating columns' costs moved into the row theta_s >= sum c_j y_j)."""
    n_col, n_row = len(b.cost), b.a_csr.shape[0]
    n = len(b.sites)
    cost = carbon_price_on_imports(mat, b.cost)
    design_vars = design_variables()
    design = np.array([v.parent_component().local_name in design_vars for v in mat.columns])
    theta = n_col + np.arange(n)
    rows_data, rows_idx, rows_ptr = [], [], [0]
    new_cost = np.concatenate([cost, np.ones(n)])
    for i in range(n):
        op = b.site_cols[i][~design[b.site_cols[i]]]
        op = op[cost[op] != 0]
        rows_idx += [theta[i], *op.tolist()]
        rows_data += [1.0, *(-cost[op]).tolist()]
        rows_ptr.append(len(rows_idx))
        new_cost[op] = 0.0
    a = sp.hstack([b.a_csr, sp.csr_matrix((n_row, n))], format="csr")
    theta_rows = sp.csr_matrix((np.array(rows_data), np.array(rows_idx, dtype=np.int32),
                                np.array(rows_ptr, dtype=np.int32)), shape=(n, n_col + n))
    a = sp.vstack([a, theta_rows], format="csr")
    inf = highspy.kHighsInf
    design_cols = [{_key(mat.columns[j]): int(j) for j in b.site_cols[i][design[b.site_cols[i]]].tolist()}
                   for i in range(n)]
    blocks = replace(
        b, col_site=np.concatenate([b.col_site, np.arange(n)]),
        site_cols=[np.append(b.site_cols[i], theta[i]) for i in range(n)],
        site_rows=[np.append(b.site_rows[i], n_row + i) for i in range(n)],
        a_csr=a, a_csc=a.tocsc(), cost=new_cost,
        col_lower=np.concatenate([b.col_lower, np.full(n, -inf)]),
        col_upper=np.concatenate([b.col_upper, np.full(n, inf)]),
        row_lower=np.concatenate([b.row_lower, np.zeros(n)]),
        row_upper=np.concatenate([b.row_upper, np.full(n, inf)]),
        integrality=np.concatenate([b.integrality, np.zeros(n, dtype=b.integrality.dtype)]))
    return OperatingCost(blocks=blocks, theta_col=theta, design_cols=design_cols)


class YearDispatch:
    """A site's year as an LP over its operating columns, with its design fixed: Q_s and its reduced costs.

    Made from a compiled model of the year (any of its sites, `for_sites`): the site's own rows that hold an
    operating column, without the families that link sites (scope "linking" in `roles.csv`)."""

    def __init__(self, mat: HighsMatrix, rows: np.ndarray, a_csr: sp.csr_matrix, cost: np.ndarray,
                 design: np.ndarray, elastic: np.ndarray):
        sub = a_csr[rows]
        cols = np.unique(sub.indices)
        self.design = {_key(mat.columns[j]): k for k, j in enumerate(cols.tolist()) if design[j]}
        self._pos = np.fromiter(self.design.values(), dtype=np.int32, count=len(self.design))
        arrays = mat.compiled
        lower, upper = arrays.row_lower[rows], arrays.row_upper[rows]
        # a violation column per side of each elastic row, fixed at 0 but in `feasibility_cut`
        at_row, sign = [], []
        for side, bound in ((1.0, lower), (-1.0, upper)):
            bounded = np.flatnonzero(elastic & np.isfinite(bound) & (np.abs(bound) < highspy.kHighsInf))
            at_row += bounded.tolist()
            sign += [side] * len(bounded)
        n_slack = len(at_row)
        slack = sp.csc_matrix((np.array(sign), (np.array(at_row, dtype=np.int64), np.arange(n_slack))),
                              shape=(len(rows), n_slack))
        self._slack = len(cols) + np.arange(n_slack, dtype=np.int32)
        self._cost = np.concatenate([np.where(design[cols], 0.0, cost[cols]), np.zeros(n_slack)])
        self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", False)
        pass_arrays(self.h, sp.hstack([sub[:, cols], slack], format="csc"), self._cost,
                    np.concatenate([arrays.col_lower[cols], np.zeros(n_slack)]),
                    np.concatenate([arrays.col_upper[cols], np.zeros(n_slack)]), lower, upper)

    @staticmethod
    def for_sites(mat: HighsMatrix, site_of_col: np.ndarray) -> dict[int, YearDispatch]:
        """Every site's year LP from the compiled model `mat` (site_of_col: each column's site, -1 global)."""
        a = mat.compiled.a.tocsr()
        n_rows = a.shape[0]
        design_vars = design_variables()
        design = np.fromiter((v.parent_component().local_name in design_vars for v in mat.columns), dtype=bool,
                             count=len(mat.columns))
        site = row_owner(a, site_of_col)  # -1 also for empty rows
        row_of_nz = np.repeat(np.arange(n_rows), np.diff(a.indptr))
        operating = np.bincount(row_of_nz, weights=~design[a.indices], minlength=n_rows) > 0
        families: dict[int, str] = {}
        family = [families.setdefault(id(c := row[0].parent_component()), c.local_name) for row in mat.rows]
        # rows that link sites or hold global columns are never part of one site's year; a site's annual
        # green-connection rules, which a design the average days allow can fail over the real year, are elastic
        # in the year LP's feasibility problem, whose planes are the feasibility cuts
        linking_families = frozenset(roles.constraints(scope="linking"))
        elastic_families = frozenset(roles.constraints(year_elastic=True))
        linking = np.fromiter((f in linking_families for f in family), dtype=bool, count=n_rows)
        elastic = np.fromiter((f in elastic_families for f in family), dtype=bool, count=n_rows)
        own = (site >= 0) & operating & ~linking
        cost = carbon_price_on_imports(mat, mat.compiled.cost)
        return {int(i): YearDispatch(mat, rows := np.flatnonzero(own & (site == i)), a, cost, design, elastic[rows])
                for i in np.unique(site[own]).tolist()}

    def cut(self, at: dict[tuple[str, object], float], budget: Budget) -> tuple[float, dict] | None:
        """(Q_s at the design `at`, reduced costs of the design columns); (inf, {}) if the site has no dispatch for
        the year with that design (e.g. a green-connection rule fails over the year); None if the LP does not
        solve within `budget`. Design columns not in `at` are fixed at 0."""
        h = self.h
        x = np.fromiter((max(at.get(k, 0.0), 0.0) for k in self.design), dtype=float, count=len(self.design))
        h.changeColsBounds(len(self._pos), self._pos, x, x)
        return self._solve(budget, infeasible=(math.inf, {}))

    def feasibility_cut(self, budget: Budget) -> tuple[float, dict] | None:
        """At the design of the last `cut` (one the year cannot run): (the least total violation of the site's
        green-connection rules over the year, MWh/yr, and its reduced costs in the design columns). The least
        violation is convex in the design and 0 at every design the year can run, so its plane there is <= 0:
        a feasibility cut. None if the rows of other families fail too, or out of time."""
        h, n_slack = self.h, len(self._slack)
        if not n_slack:
            return None
        n_col = len(self._cost)
        every = np.arange(n_col, dtype=np.int32)
        h.changeColsBounds(n_slack, self._slack, np.zeros(n_slack), np.full(n_slack, highspy.kHighsInf))
        h.changeColsCost(n_col, every, np.where(np.isin(every, self._slack), 1.0, 0.0))
        try:
            return self._solve(budget, infeasible=None)
        finally:
            h.changeColsCost(n_col, every, self._cost)
            h.changeColsBounds(n_slack, self._slack, np.zeros(n_slack), np.zeros(n_slack))

    def _solve(self, budget: Budget, *, infeasible) -> tuple[float, dict] | None:
        """Run the LP as it stands within `budget`: (its optimum, the reduced costs of the design columns);
        `infeasible` if it has no solution; None if it does not solve in time."""
        h = self.h
        left = budget.left()
        if left <= 0:
            return None
        h.setOptionValue("time_limit", time_limit(h, left))
        run(h)
        status = h.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return infeasible
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        dual = np.asarray(h.getSolution().col_dual)[self._pos]
        return h.getObjectiveValue(), dict(zip(self.design, dual.tolist()))


def site_year_data(d, site: str):
    """The case's `ModelData` on one site and the demands it can serve: the model of that site's year."""
    one = restricted_to_sites(d, [site])
    served = set(one.pairs["demand_id"])
    return replace(one, demands=[i for i in d.demands if i in served])


class YearCuts:
    """The sites' year LPs (from the plan's year model, else built when first needed) and the cuts they give."""

    def __init__(self, d, oc: OperatingCost, dispatch: dict[str, YearDispatch]):
        self.d, self.oc, self.by_site = d, oc, dict(dispatch)
        self.highs_s = 0.0  # wall time of the year LPs' runs
        self.pool = ThreadPoolExecutor(pricing_threads(), thread_name_prefix="planner-year-lp")

    def _dispatch(self, site: str) -> YearDispatch:
        if site not in self.by_site:
            _, mat, blocks = built_blocks(site_year_data(self.d, site))
            self.by_site[site] = YearDispatch.for_sites(mat, blocks.col_site)[0]
        return self.by_site[site]

    def violated(self, points: list[tuple[int, dict, dict, float]], budget: Budget) -> list | None:
        """Cuts at the designs of `points` (site, design to cut at, design to check, theta there) that cut the
        checked design off: optimality cuts whose plane there is above theta, feasibility cuts (where the year
        cannot run the design) whose plane there is above 0. None if a year LP did not solve within `budget`. A
        site's points run in turn (one HiGHS object per site), the sites on `pricing_threads()` threads."""
        sites = self.oc.blocks.sites
        by_site: dict[int, list] = {}
        for point in points:
            by_site.setdefault(point[0], []).append(point)
        for i in by_site:
            if budget.expired:
                return None
            self._dispatch(sites[i])

        def of_site(todo: list) -> list | None:
            got = []
            for i, at, check, theta in todo:
                lp = self.by_site[sites[i]]
                year = lp.cut(at, budget)
                if year is None:
                    return None
                if year[0] == math.inf:  # the year cannot run this design: cut by its least rule violation
                    year = lp.feasibility_cut(budget)
                    if year is None or year[0] <= FEASIBILITY_TOLERANCE:
                        continue
                    cut = Cut(i, year[0], at, year[1], feasibility=True)
                    cuts_off = cut_value(cut, check) > FEASIBILITY_TOLERANCE
                else:
                    cut = Cut(i, year[0], at, year[1])
                    value = cut_value(cut, check)
                    cuts_off = theta == -math.inf or value > theta + CUT_TOLERANCE * max(abs(value), 1.0)
                if cuts_off and all(k in self.oc.design_cols[i] for k, g in cut.grad.items() if g != 0.0):
                    got.append(cut)
            return got

        clock = time.perf_counter()
        found = list(self.pool.map(of_site, by_site.values()))
        self.highs_s += time.perf_counter() - clock
        return None if any(f is None for f in found) else [c for f in found for c in f]
