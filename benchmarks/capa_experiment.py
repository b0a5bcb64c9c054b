"""Experiment: does linking the module count to the open binary close the capa gap to the hand-written model?

    /tmp/venv/bin/python benchmarks/capa_experiment.py

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

from planner.orlib import cflp_case  # noqa: E402
from planner.solve import PlanningModel  # noqa: E402

CAPA = Path("/work/shared/benchmarks/orlib-cflp/capa.txt")
OPTIMUM = 17160439.012


def main() -> None:
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
