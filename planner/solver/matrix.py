"""The Pyomo model handed to HiGHS as one matrix, for solves that work on the matrix anyway.

`standard_form` turns the active model into sparse arrays in one pass (the arrays of Pyomo's
`LinearStandardFormCompiler`, sooner), and one `passModel` call loads them into highspy: on the benchmark
cases this is 3-5 x faster than the persistent interface, which adds constraints one at a time
(benchmarks/README.md, hand-off block C). It is not persistent: a changed parameter means compiling again.
The site decomposition uses it, since it slices the matrix itself; the direct strategy keeps the persistent
interface for cheap re-solves.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.common.gc_manager import PauseGC

from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.standard_form import column_bounds, standard_form
from planner.solver.log import LineStream, LogCallback, ProgressCallback
from planner.solver.outcome import METHOD, SolveOutcome, relative_gap, status_of
from planner.solver.stop import run, time_limit, watch

_INF = highspy.kHighsInf


@dataclass
class MatrixArrays:
    """The arrays handed to HiGHS: min cost x + offset, row_lower <= a x <= row_upper, col_lower <= x <=
    col_upper (+-kHighsInf where there is no bound), integer columns where `integer`."""

    a: sp.csc_matrix  # int32 indices
    cost: np.ndarray
    offset: float
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray  # bool


@dataclass
class HighsMatrix:
    """A highspy model compiled from a Pyomo model, with the Pyomo variable of every column."""

    highs: highspy.Highs
    columns: list  # Pyomo VarData per column
    rows: list  # (Pyomo ConstraintData, sense) per row; sense: 0 equality, 1 upper bound, -1 lower bound
    index: dict[int, int]  # id(VarData) -> column
    compiled: MatrixArrays  # as compiled: later changes to the HiGHS model (bounds, a start) are not in it
    compile_s: float

    def column(self, var) -> int | None:
        """The column of a Pyomo variable; None if the compiler left it out (it appears nowhere)."""
        return self.index.get(id(var))

    def load(self, m: pyo.ConcreteModel, x: np.ndarray) -> None:
        """Put column values into the Pyomo variables: integers rounded; a variable that appears in no
        active row or objective gets the value in its bounds closest to 0."""
        with PauseGC():
            self._load(m, x)

    def _load(self, m: pyo.ConcreteModel, x: np.ndarray) -> None:
        values = np.asarray(x, dtype=float).tolist()
        for j in np.flatnonzero(self.compiled.integer).tolist():
            values[j] = round(values[j])
        for v, value in zip(self.columns, values, strict=True):
            v.set_value(value, skip_validation=True)
        index = self.index
        for var in m.component_objects(pyo.Var, active=True):
            rest = [v for v in elements(var).values() if v.value is None and id(v) not in index]
            for v, value in zip(rest, nearest_to_zero_values(rest).tolist()):
                v.set_value(value, skip_validation=True)

    def solve(self, *, mip_gap: float, time_limit_s: float, log: LogCallback | None = None,
              progress: ProgressCallback | None = None, options: dict | None = None) -> SolveOutcome:
        """Run HiGHS on the model as it is (bounds, integrality, a start set with setSolution), streaming its
        log line by line to the callbacks."""
        h = self.highs
        stream = LineStream(log, progress)
        token = h.cbLogging.subscribe(lambda event: stream.write(event.message))
        h.setOptionValue("output_flag", True)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("time_limit", time_limit(h, float(time_limit_s)))
        for name, value in (options or {}).items():
            h.setOptionValue(name, value)
        start = time.perf_counter()
        clock = h.getRunTime()
        try:
            run(h)
        finally:
            h.cbLogging.unsubscribe(token)
            stream.flush()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # 2 = feasible
        objective = float(info.objective_function_value) if has_solution else None
        bound = float(info.mip_dual_bound) if h.getNumCol() and math.isfinite(info.mip_dual_bound) else None
        if status_of(h.getModelStatus(), has_solution) == "optimal" and bound is None:
            bound = objective  # an LP, or a MIP without integer columns left
        gap = relative_gap(objective, bound)
        status = status_of(h.getModelStatus(), has_solution, gap)
        return SolveOutcome(status=status, termination=f"{METHOD}: {h.modelStatusToString(h.getModelStatus())}",
                            has_solution=has_solution, objective=objective, bound=bound, gap=gap,
                            wall_s=time.perf_counter() - start, highs_s=h.getRunTime() - clock, log="")

    def solution(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value)


def nearest_to_zero_values(variables: list) -> np.ndarray:
    """The value within each Pyomo variable's bounds closest to 0: for variables no row or objective holds."""
    lower, upper, _ = column_bounds(variables)
    return np.minimum(np.maximum(0.0, lower), upper)


def compile_to_highs(m: pyo.ConcreteModel) -> HighsMatrix:
    """The active rows and objective of `m` as one highspy model (fixed variables become constants)."""
    start = time.perf_counter()
    # the compile allocates an object or more per row: with a large model alive in the process (a full year's,
    # while its design days or average days are compiled), each of Python's cyclic GC passes walks that model
    # and the compile takes 5 x longer
    with PauseGC():
        sf = standard_form(m)
        col_lower, col_upper, integer = column_bounds(sf.columns)
    a = sf.a
    a.indptr, a.indices = a.indptr.astype(np.int32), a.indices.astype(np.int32)
    n_row, n_col = a.shape
    arrays = MatrixArrays(
        a=a, cost=sf.c, offset=sf.offset, col_lower=col_lower, col_upper=col_upper, integer=integer,
        row_lower=np.where(sf.sense <= 0, sf.rhs, -_INF),  # sense: 0 equality, 1 upper bound, -1 lower bound
        row_upper=np.where(sf.sense >= 0, sf.rhs, _INF))
    h = watch(highspy.Highs())
    h.setOptionValue("output_flag", False)
    pass_arrays(h, a, arrays.cost, arrays.col_lower, arrays.col_upper, arrays.row_lower, arrays.row_upper,
                integer=integer, offset=arrays.offset)
    return HighsMatrix(highs=h, columns=sf.columns, rows=sf.rows, index={id(v): j for j, v in enumerate(sf.columns)},
                       compiled=arrays, compile_s=time.perf_counter() - start)


def pass_arrays(h: highspy.Highs, a: sp.csc_matrix, cost: np.ndarray, col_lower: np.ndarray, col_upper: np.ndarray,
                row_lower: np.ndarray, row_upper: np.ndarray, *, integer: np.ndarray | None = None,
                offset: float = 0.0) -> None:
    """Load min cost x + offset, row_lower <= a x <= row_upper, col_lower <= x <= col_upper (integer columns
    where `integer`) into `h`. The numpy arrays go straight to HiGHS: through a `HighsLp`'s attributes they
    are copied element by element (0.09 s against 0.01 s on the benchmark's M)."""
    n_row, n_col = a.shape
    integrality = np.zeros(n_col, dtype=np.int32) if integer is None else integer.astype(np.int32)
    status = h.passModel(n_col, n_row, a.nnz, int(highspy.MatrixFormat.kColwise), int(highspy.ObjSense.kMinimize),
                         float(offset), cost, col_lower, col_upper, row_lower, row_upper,
                         a.indptr.astype(np.int32, copy=False), a.indices.astype(np.int32, copy=False),
                         a.data.astype(float, copy=False), integrality)
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS did not accept the model's arrays")
