"""Scenario-study benchmark (prints figures; not a test): sweep throughput serial vs a 2-worker local Dask cluster,
the Pareto frontier against one solve, and the peak memory of a worker process.

    python benchmarks/study_benchmark.py                       # the built-in east-data-west example
    python benchmarks/study_benchmark.py --input planner/data/quickstart.xlsx --scenarios 4 --points 5

Sweep: the example's own scenarios (base + its Scenarios sheet: 8 in all), once serially in this process and once on
a fresh `LocalCluster` of 2 single-threaded worker processes (cluster start-up included); throughput ratio = serial
wall time / Dask wall time. Each solve uses one HiGHS thread in both runs. Pareto: `frontier(case, points)` (one
model, only the cap changes) against one `solve_case` of the same case (build + solve). Memory: the largest peak
RSS a worker reported (`ru_maxrss` of the solving process, after its solves).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rich.console import Console

from planner.examples import example_path
from planner.input.overrides import read_scenarios
from planner.input.reader import read_workbook
from planner.input.validate import load_case
from planner.solve import solve_case
from planner.study.pareto import frontier
from planner.study.sweep import run_study
from planner.study.task import HIGHS_OPTIONS


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=None, help="input workbook (default: the east-data-west example)")
    ap.add_argument("--scenarios", type=int, default=8, help="scenarios of the sweep (default 8)")
    ap.add_argument("--points", type=int, default=9, help="Pareto points (default 9)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", choices=("sweep", "pareto"), action="append", default=[])
    args = ap.parse_args(argv)
    path = args.input or Path(example_path("east-data-west"))
    console = Console()
    console.print(f"input {path}")
    with tempfile.TemporaryDirectory() as tmp:
        if "sweep" not in args.skip:
            scenarios = read_scenarios(read_workbook(path))[: args.scenarios]
            console.print(f"sweep of {len(scenarios)} scenarios: {', '.join(s.name for s in scenarios)}")
            t = time.perf_counter()
            serial = run_study(path, scenarios, Path(tmp) / "serial", console=console)
            serial_s = time.perf_counter() - t
            t = time.perf_counter()
            dask = run_study(path, scenarios, Path(tmp) / "dask", console=console, workers=args.workers)
            dask_s = time.perf_counter() - t
            same = all({k: v for k, v in serial.records[s.name].kpis.items() if not k.endswith("time_s")} ==
                       {k: v for k, v in dask.records[s.name].kpis.items() if not k.endswith("time_s")}
                       for s in scenarios)
            peak = max(r.peak_rss_mb for r in dask.ordered)
            console.print(f"SWEEP serial {serial_s:.1f} s, {args.workers}-worker Dask {dask_s:.1f} s: throughput "
                          f"x{serial_s / dask_s:.2f}; identical KPIs: {same}; peak worker RSS {peak:.0f} MB")
        if "pareto" not in args.skip:
            case = load_case(path)
            t = time.perf_counter()
            solve_case(case, options=HIGHS_OPTIONS)
            one_s = time.perf_counter() - t
            t = time.perf_counter()
            points = frontier(case, args.points)
            pareto_s = time.perf_counter() - t
            console.print(f"PARETO {args.points} points {pareto_s:.1f} s vs one solve {one_s:.1f} s: "
                          f"x{pareto_s / one_s:.2f}; costs {[round(p.cost / 1e6, 1) for p in points]} M CNY/yr")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
