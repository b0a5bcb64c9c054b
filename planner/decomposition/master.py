"""The restricted Dantzig-Wolfe master: a convex combination of site proposals that satisfies the linking rows."""

from __future__ import annotations

import time

import highspy
import numpy as np

from planner.decomposition.blocks import SiteBlocks, column_position
from planner.decomposition.highs_tools import objective_scale
from planner.decomposition.outcome import DecompositionOutcome
from planner.decomposition.tuning import ARTIFICIAL_TOL, BINARY_ON, CUT_ROW_SLACK, LINK_COEF_ZERO, VALUE_TOL
from planner.solver.stop import run


class Master:
    """Dantzig-Wolfe master: linking rows, one convexity row per site, global columns, site proposals.

    Penalised artificial columns keep it feasible before enough proposals exist; the Lagrangian bound stays
    valid with them (they only relax the linking rows)."""

    def __init__(self, b: SiteBlocks, forced: set[int], penalty: float, out: DecompositionOutcome):
        self.b, self.n_link, self.out = b, len(b.linking_rows), out
        n = len(b.sites)
        h = self.h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("user_objective_scale", objective_scale(penalty))
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
            nz = np.flatnonzero(np.abs(link) > LINK_COEF_ZERO)
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
            slack = CUT_ROW_SLACK * np.maximum(np.abs(r), 1.0)
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
        return np.flatnonzero(self._artificials().reshape(-1, 2).sum(axis=1) > ARTIFICIAL_TOL)

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
        if fixes.get(b.open_col[i], 0.0) > BINARY_ON:
            self.h.changeRowBounds(self.n_link + i, 1.0, 1.0)
        ks = self.of_site[i]
        if not ks:
            return
        pos = np.array([column_position(b, i, col) for col in fixes], dtype=np.int64)
        values = np.fromiter(fixes.values(), dtype=float, count=len(fixes))
        agree = np.array([k not in self.retired and np.all(np.abs(self.proposals[k][1][pos] - values) <= VALUE_TOL)
                          for k in ks])
        cols = self.n_fixed_cols + np.asarray(ks, dtype=np.int32)
        self.h.changeColsBounds(len(ks), cols, np.zeros(len(ks)), np.where(agree, highspy.kHighsInf, 0.0))

    def solve(self) -> tuple[float, np.ndarray, np.ndarray] | None:
        """(objective, duals of the linking rows, duals of the convexity rows)."""
        h = self.h
        clock = time.perf_counter()
        run(h)  # from the last basis: on 150 sites a cold solve took 4,000 iterations, each round
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()  # a warm start can go wrong after columns are added and bounds change: once more, cold
            run(h)
        self.out.highs_s += time.perf_counter() - clock
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution = h.getSolution()
        self.values = np.asarray(solution.col_value)
        y = np.asarray(solution.row_dual)
        return h.getObjectiveValue() + self.b.offset, y[:self.n_link], y[self.n_link:]

    def used_sites(self) -> set[int]:
        """Sites with a proposal of positive weight in the last optimal solution."""
        if self.values is None:
            return set()
        weights = self.values[self.n_fixed_cols:]
        return {self.proposals[k][0] for k in np.flatnonzero(weights > 0).tolist()}

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
