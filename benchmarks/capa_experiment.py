"""Experiment: does linking the module count to the open binary close the capa gap to the hand-written model?

    /tmp/venv/bin/python benchmarks/capa_experiment.py                   # planner model + modules == open
    /tmp/venv/bin/python benchmarks/capa_experiment.py --handwritten-mw  # hand-written CFLP, x in MW

In the OR-Library mapping every site is one module (max_it_mw = module_mw), so after HiGHS' presolve the
planner's capa model keeps 200 binaries (open[s] and modules[s]) where the hand-written CFLP has 100. This
script builds the planner model of capa (capacity 14000), adds modules[s] == open[s] for sites that can hold
at most one new module and have no existing capacity (a valid equality there: a module needs an open site,
and an open site without capacity is never cheaper), and solves to optimality. No planner code is changed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyomo.environ as pyo  # noqa: E402

from planner.input.orlib import cflp_case  # noqa: E402
from planner.solve import PlanningModel  # noqa: E402

CAPA = Path("/work/shared/benchmarks/orlib-cflp/capa.txt")
OPTIMUM = 17160439.012


def handwritten_mw() -> None:
    """The hand-written strong CFLP with x in MW (as the planner's assign_mw) instead of shares of demand."""
    import highspy
    import numpy as np
    import scipy.sparse as sp

    from planner.input.orlib import read_cflp

    inst = read_cflp(CAPA, 14000.0)
    m, n = inst.cost.shape
    d, cap = inst.demand, inst.capacity
    ub = np.minimum(d[None, :], cap[:, None])  # (m, n) bound of x'_ij in MW, as the planner's assign_ub
    x = m + np.arange(m * n).reshape(m, n)
    rows, cols, vals = [], [], []
    r = 0
    for j in range(n):  # sum_i x'_ij = d_j
        rows += [r] * m; cols += list(x[:, j]); vals += [1.0] * m; r += 1
    for i in range(m):  # sum_j x'_ij - s_i y_i <= 0
        rows += [r] * (n + 1); cols += list(x[i]) + [i]; vals += [1.0] * n + [-cap[i]]; r += 1
    link = np.arange(m * n)  # x'_ij - ub_ij y_i <= 0
    rows = np.r_[rows, r + link, r + link]
    cols = np.r_[cols, x.ravel(), np.repeat(np.arange(m), n)]
    vals = np.r_[vals, np.ones(m * n), -ub.ravel()]
    n_row, n_col = r + m * n, m + m * n
    A = sp.csc_array((vals, (rows, cols)), shape=(n_row, n_col))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = np.r_[inst.fixed_cost, (inst.cost / d[None, :]).ravel()]
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.r_[np.ones(m), ub.ravel()]
    lp.row_lower_ = np.r_[d, np.full(m + m * n, -highspy.kHighsInf)]
    lp.row_upper_ = np.r_[d, np.zeros(m + m * n)]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_col, n_row
    lp.integrality_ = [highspy.HighsVarType.kInteger] * m + [highspy.HighsVarType.kContinuous] * (m * n)
    h = highspy.Highs()
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", str(ROOT / "benchmarks" / "out" / "capa-handwritten-mw-highs.log"))
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.passModel(lp)
    h.run()
    obj = h.getInfo().objective_function_value
    print(f"hand-written CFLP with x in MW: {h.modelStatusToString(h.getModelStatus())}, objective {obj:,.3f} "
          f"(rel. error {abs(obj - OPTIMUM) / OPTIMUM:.1e}), HiGHS {h.getRunTime():.2f} s")


def main() -> None:
    if "--handwritten-mw" in sys.argv:
        handwritten_mw()
        return
    case = cflp_case(CAPA, 14000.0)
    pm = PlanningModel(case)
    m, sites = pm.model, case.sites
    single = [s for s in m.S if m.modules[s].ub == 1 and not sites.at[s, "existing_it_mw"] > 0]
    m.single_module_is_open = pyo.Constraint(single, rule=lambda m, s: m.modules[s] == m.open[s])
    log = open(ROOT / "benchmarks" / "out" / "capa-linked-highs.log", "w")
    start = time.perf_counter()
    res = pm.solve(mip_gap=1e-9, time_limit_s=600, log=lambda line: log.write(line + "\n"))
    call = time.perf_counter() - start
    info = res.solve
    print(f"capa with modules == open on {len(single)} sites: {info.status}, objective {info.objective_cny:,.3f} "
          f"(published {OPTIMUM:,.3f}, rel. error {abs(info.objective_cny - OPTIMUM) / OPTIMUM:.1e}); "
          f"build {pm.build_s:.2f} s, hand-off {info.solve_s - info.highs_s:.2f} s, HiGHS {info.highs_s:.2f} s, "
          f"total {pm.build_s + call:.2f} s")


if __name__ == "__main__":
    main()
