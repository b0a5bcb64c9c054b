"""One scenario solve, the unit of work of a study: run in this process or on a Dask worker.

`solve_scenario` reads the workbook, applies the scenario's overrides, validates, builds and solves with one
HiGHS thread, and returns a picklable `Outcome` (the result and the case for the client to write, or why it
failed); it never raises for a scenario's own failure (invalid, infeasible, no plan in time), so one bad scenario
never stops a study.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.decomposition.tuning import THREADS_VARIABLE
from planner.report.run_sheet import sha256_of
from planner.solver.outcome import WITH_PLAN

# one thread each for the numeric libraries and for the site decomposition's pricing (`THREADS_VARIABLE`)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    THREADS_VARIABLE)
HIGHS_OPTIONS = {"threads": 1}  # one HiGHS thread per worker process: workers must not oversubscribe the cores


def one_thread() -> None:
    """Limit this process' numeric libraries to one thread (before they start their pools)."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


@dataclass(frozen=True)
class Task:
    """What one scenario solve needs: the input workbook, the overrides (texts), the solve options."""

    scenario: str
    input_path: str
    overrides: tuple[str, ...] = ()
    solve_time_limit_s: float | None = None  # None: the case's Settings time_limit_s
    solve_mip_gap: float | None = None  # None: the case's Settings mip_gap
    strategy: str = "auto"
    origins: tuple[tuple[str, str], ...] = ()  # (tab, cell) of each override written in a Scenarios sheet

    def key(self, input_sha256: str) -> str:
        """The scenario's identity for resuming: the input's hash, the overrides and the solve options."""
        text = json.dumps([input_sha256, list(self.overrides), self.solve_time_limit_s, self.solve_mip_gap, self.strategy])
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Outcome:
    """A scenario's result (`status` ok, time_limit, feasible, infeasible) or its failure (invalid, failed)."""

    scenario: str
    status: str
    reason: str = ""
    result: Any = None  # planner.results.result.Result
    case: Any = None  # planner.input.case.Case
    seconds: float = 0.0
    worker: str = ""
    kpis: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0  # the solving process' peak resident memory so far

    @property
    def solved(self) -> bool:
        return self.status in WITH_PLAN


def _kpis(result) -> dict[str, float]:
    return {str(k): float(v) for k, v in zip(result.kpis["kpi"], result.kpis["value"]) if v is not None}


def _overrides(task: Task):
    from planner.input.overrides import parse_override

    origins = task.origins or (("--set", ""),) * len(task.overrides)
    return [parse_override(text, origin, cell) for text, (origin, cell) in zip(task.overrides, origins)]


def solve_scenario(task: Task) -> Outcome:
    """Solve one scenario; every failure of the scenario itself comes back as an Outcome with its reason."""
    one_thread()
    from planner.input.overrides import case_with_overrides
    from planner.input.reader import WorkbookError, read_workbook
    from planner.input.validate import CaseInvalid
    from planner.solve import SolveError, solve_case

    start = time.perf_counter()
    where = f"{socket.gethostname()}:{os.getpid()}"
    try:
        case = case_with_overrides(read_workbook(task.input_path), _overrides(task))
    except CaseInvalid as exc:
        errors = exc.errors or exc.problems
        text = "; ".join(str(p) for p in errors[:3]) + (f" (+{len(errors) - 3} more)" if len(errors) > 3 else "")
        return Outcome(task.scenario, "invalid", text, seconds=time.perf_counter() - start, worker=where)
    except (WorkbookError, OSError) as exc:
        return Outcome(task.scenario, "invalid", str(exc), seconds=time.perf_counter() - start, worker=where)
    try:
        result = solve_case(case, mip_gap=task.solve_mip_gap, time_limit_s=task.solve_time_limit_s, options=HIGHS_OPTIONS,
                            strategy=task.strategy)
    except SolveError as exc:
        return Outcome(task.scenario, "failed", str(exc), seconds=time.perf_counter() - start, worker=where)
    status = result.solve.status
    reason = "; ".join(result.messages[:2]) if status == "infeasible" else ""
    kpis = _kpis(result) if status != "infeasible" else {}
    return Outcome(task.scenario, status, reason, result, case, time.perf_counter() - start, where, kpis,
                   peak_rss_mb())


def peak_rss_mb() -> float:
    """This process' peak resident set size in MB (0 where the platform cannot tell)."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux
    except (ImportError, OSError):  # pragma: no cover - Windows
        return 0.0


def input_sha256(path: str | Path) -> str:
    """The input workbook's SHA-256, as its result's Run sheet records it."""
    return sha256_of(path)
