"""Experiment: where the hand-off time (Pyomo model -> HiGHS) goes, and what cheaper hand-offs would give.

    /tmp/venv/bin/python benchmarks/handoff_experiment.py --cases S M [--solve]

Builds a synthetic case once and times three ways of loading the same Pyomo model into a highspy object
(no planner code is changed; the variants are local to this script):

  stock     what the planner does today: Pyomo's persistent `Highs.set_instance`. Pyomo adds each
            constraint's not-yet-seen variables one constraint at a time, so HiGHS receives one addVars +
            changeColsIntegrality call per constraint (tens of thousands of tiny calls whose cost grows
            with the number of columns already present).
  batched   the same persistent interface, but every variable is added in ONE addVars/changeColsIntegrality
            call before the constraints (a 6-line subclass overriding `add_block`); the model stays
            persistent (mutable carbon price / cap still work).
  matrix    Pyomo's `compile_standard_form` (mixed form, scipy CSC) passed to highspy in one `passModel`:
            no persistence, shown as a lower bound of what the hand-off could cost.

With --solve each variant's model is also solved as an LP relaxation so that their objectives can be
compared (they must agree).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import highspy  # noqa: E402
import pyomo.environ as pyo  # noqa: E402
from pyomo.contrib.solver.solvers.highs import Highs  # noqa: E402

from benchmarks.synthetic import CASES, synthetic_case  # noqa: E402
from planner.solve import PlanningModel  # noqa: E402


class BatchedHighs(Highs):
    """Pyomo's persistent HiGHS interface, adding all variables in one batch before the constraints."""

    def add_block(self, block):
        self.add_variables(list(block.component_data_objects(pyo.Var, descend_into=True)))
        super().add_block(block)


def load_stock(model) -> tuple[float, highspy.Highs]:
    solver = Highs()
    start = time.perf_counter()
    solver.set_instance(model)
    return time.perf_counter() - start, solver._solver_model


def load_batched(model) -> tuple[float, highspy.Highs]:
    solver = BatchedHighs()
    start = time.perf_counter()
    solver.set_instance(model)
    return time.perf_counter() - start, solver._solver_model


def load_matrix(model) -> tuple[float, highspy.Highs]:
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    start = time.perf_counter()
    info = LinearStandardFormCompiler().write(model, mixed_form=True)
    compiled = time.perf_counter() - start
    A = info.A.tocsc()
    n_row, n_col = A.shape
    sense = np.array([op for _, op in info.rows])
    rhs = np.asarray(info.rhs, dtype=float)
    lower = np.where(sense >= 0, np.where(sense == 0, rhs, -highspy.kHighsInf), rhs)
    upper = np.where(sense <= 0, np.where(sense == 0, rhs, highspy.kHighsInf), rhs)
    cols = info.columns
    lb = np.array([-highspy.kHighsInf if v.lb is None else v.lb for v in cols], dtype=float)
    ub = np.array([highspy.kHighsInf if v.ub is None else v.ub for v in cols], dtype=float)
    integer = [highspy.HighsVarType.kInteger if v.is_integer() else highspy.HighsVarType.kContinuous
               for v in cols]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = np.asarray(info.c.todense()).ravel()[:n_col] if info.c.shape[0] else np.zeros(n_col)
    lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    lp.col_lower_, lp.col_upper_ = lb, ub
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_col, n_row
    lp.integrality_ = integer
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    total = time.perf_counter() - start
    print(f"    matrix: compile_standard_form {compiled:.2f} s, arrays + passModel {total - compiled:.2f} s")
    return total, h


def relaxation(h: highspy.Highs) -> float:
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solve_relaxation", True)
    h.run()
    return h.getInfo().objective_function_value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="+", default=["S", "M"], choices=list(CASES))
    parser.add_argument("--variants", nargs="+", default=["stock", "batched", "matrix"],
                        choices=["stock", "batched", "matrix"])
    parser.add_argument("--solve", action="store_true", help="solve each variant's LP relaxation")
    args = parser.parse_args()
    for name in args.cases:
        case = synthetic_case(*CASES[name])
        pm = PlanningModel(case)
        print(f"{name}: build {pm.build_s:.2f} s, {pm.size}")
        for label, fn in (("stock", load_stock), ("batched", load_batched), ("matrix", load_matrix)):
            if label not in args.variants:
                continue
            gc.collect()
            seconds, h = fn(pm.model)
            line = f"  {name} {label:8s} hand-off {seconds:7.2f} s  ({h.getNumCol()} cols, {h.getNumRow()} rows, " \
                   f"{h.getNumNz()} nz)"
            if args.solve:
                line += f"  LP relaxation {relaxation(h):.6e}"
            print(line, flush=True)
            del h
        del pm


if __name__ == "__main__":
    main()
