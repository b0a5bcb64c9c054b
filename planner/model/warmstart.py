"""A MIP start for large cases: relax, round the capacity-level integers, re-solve the LP, hand it to HiGHS.

On large cases HiGHS' own heuristics can spend the whole time limit without a feasible plan, because every
sub-MIP needs the (slow) hourly LP. This heuristic costs two LP solves on the HiGHS model the persistent
interface already holds (no second hand-off):
1. the LP relaxation;
2. round: a site is open if it holds any IT capacity or load; its cooling is the technology with the most
   IT capacity (or, as a fallback, the lowest-PUE allowed one, which eases the hub PUE caps); modules are
   rounded up to cover its capacity; then the LP over the continuous variables with those fixed.
If that LP is feasible its solution is set as HiGHS' starting incumbent; the model is then restored exactly.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np
import pyomo.environ as pyo

from planner.model.data import ModelData

_EPS = 1e-6


class _Columns:
    """Column indices of Pyomo variables in the HiGHS model held by the persistent interface."""

    def __init__(self, interface):
        self._map = interface._pyomo_var_to_solver_var_map  # noqa: SLF001 - Pyomo keeps no public accessor

    def __call__(self, var) -> int:
        return self._map[id(var)]


def _run_lp(h: highspy.Highs, time_limit_s: float) -> tuple[np.ndarray, float] | None:
    h.setOptionValue("time_limit", max(time_limit_s, 1.0))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_value), float(h.getInfo().objective_function_value)


def _rounded_integers(m: pyo.ConcreteModel, d: ModelData, col: _Columns, x: np.ndarray,
                      lowest_pue: bool) -> dict[int, float]:
    sites = d.case.sites
    fixed: dict[int, float] = {}
    techs: dict[str, list[str]] = {}
    for s, k in d.site_tech:
        techs.setdefault(s, []).append(k)
    for s in d.sites:
        cap = {k: x[col(m.it_mw[s, k])] for k in techs.get(s, [])}
        total = sum(cap.values())
        is_open = total > _EPS or x[col(m.open[s])] > 1 - _EPS
        fixed[col(m.open[s])] = 1.0 if is_open else 0.0
        existing, module = float(sites.at[s, "existing_it_mw"]), float(sites.at[s, "module_mw"])
        n_max = m.modules[s].ub
        fixed[col(m.modules[s])] = float(min(n_max, max(0, math.ceil((total - existing) / module - _EPS))))
        if lowest_pue:
            chosen = min(techs.get(s, []), key=lambda k: float(d.pue[s, k].mean()), default=None)
        else:
            chosen = max(cap, key=cap.get, default=None)
        for k in techs.get(s, []):
            fixed[col(m.cool[s, k])] = 1.0 if (is_open and k == chosen) else 0.0
    return fixed


def set_mip_start(interface, m: pyo.ConcreteModel, d: ModelData, *, time_limit_s: float) -> dict:
    """Try to give HiGHS a feasible starting plan. Returns what happened (for logs and benchmarks)."""
    start = time.perf_counter()
    if interface._model is not m:  # noqa: SLF001 - first solve: hand the model over once, as solve() would
        interface.set_instance(m)
    else:
        interface.update()
    h: highspy.Highs = interface._solver_model  # noqa: SLF001
    col = _Columns(interface)
    lp = h.getLp()
    n = h.getNumCol()
    integrality = np.asarray([int(v) for v in lp.integrality_]) if len(lp.integrality_) else np.zeros(n, int)
    int_cols = np.flatnonzero(integrality != 0).astype(np.int32)
    lower, upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
    info = {"warm_start": "none", "warm_start_s": 0.0, "warm_start_objective": None}
    if len(int_cols) == 0:
        return info

    h.setOptionValue("output_flag", False)
    h.changeColsIntegrality(len(int_cols), int_cols, np.zeros(len(int_cols), dtype=np.uint8))
    try:
        relaxed = _run_lp(h, time_limit_s)
        for lowest_pue in (False, True):
            if relaxed is None or time.perf_counter() - start > time_limit_s:
                break
            fixed = _rounded_integers(m, d, col, relaxed[0], lowest_pue)
            idx = np.fromiter(fixed, dtype=np.int32)
            vals = np.fromiter(fixed.values(), dtype=float)
            h.changeColsBounds(len(idx), idx, vals, vals)
            plan = _run_lp(h, time_limit_s - (time.perf_counter() - start))
            h.changeColsBounds(len(int_cols), int_cols, lower[int_cols], upper[int_cols])
            if plan is not None:
                info.update(warm_start="lowest_pue" if lowest_pue else "rounded", warm_start_objective=plan[1],
                            relaxation_objective=relaxed[1])
                break
    finally:
        h.changeColsBounds(len(int_cols), int_cols, lower[int_cols], upper[int_cols])
        h.changeColsIntegrality(len(int_cols), int_cols, integrality[int_cols].astype(np.uint8))
        h.setOptionValue("output_flag", True)
    if info["warm_start"] != "none":
        solution = highspy.HighsSolution()
        solution.col_value = list(plan[0])
        solution.value_valid = True
        h.setSolution(solution)
    info["warm_start_s"] = time.perf_counter() - start
    return info
