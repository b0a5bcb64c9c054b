"""Scenario-study benchmark (prints figures; not a test): sweep throughput serial vs a 2-worker local Dask cluster,
the Pareto frontier against one solve (serial, and spread over the workers), and the peak memory of each worker.

    python benchmarks/study_benchmark.py                  # the built-in east-data-west example: the issue's figures
    python benchmarks/study_benchmark.py --input planner/data/quickstart.xlsx --set "Demand.it_load_mw*=0.5" \\
        --set mip_gap=0.05 --scenarios 3 --points 3           # a smoke run of every step (the quickstart has
                                                               # no scenarios: the sweep is its base only)

Sweep: the example's own scenarios (base + its Scenarios sheet: 8 in all), once serially in this process and once on
a fresh `LocalCluster` of 2 single-threaded worker processes (cluster start-up included); throughput ratio = serial
wall time / Dask wall time. Each solve uses one HiGHS thread (and OMP/MKL/OpenBLAS at one thread) in both runs, so
the workers do not oversubscribe the 2 cores. Every result workbook is written on the client in both runs.
Pareto: `frontier(case, points)` (one built model, only the cap changes, each point warm-started from the plan
before it) against one `solve_case` of the same case (build + solve, one HiGHS thread); then the same frontier with
its points between the ends on a 2-worker local cluster. Memory: the peak RSS (`ru_maxrss`) each worker process
reported after its last solve. The table at the end has every figure against the issue's target.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner.examples import example_path
from planner.input.overrides import case_with_overrides, parse_overrides, read_scenarios
from planner.input.reader import read_workbook
from planner.solve import solve_case
from planner.study.pareto import frontier
from planner.study.sweep import run_study
from planner.study.task import HIGHS_OPTIONS, one_thread

TIMING = ("solve_time_s", "build_time_s")


def _same_kpis(a, b) -> bool:
    return {k: v for k, v in a.kpis.items() if not k.endswith("time_s")} == \
           {k: v for k, v in b.kpis.items() if not k.endswith("time_s")}


def sweep(path: Path, sets: list, n: int, workers: int, folder: Path, console: Console) -> list[tuple]:
    scenarios = read_scenarios(read_workbook(path))[:n]
    for s in scenarios:
        s.overrides = [*sets, *s.overrides]
    console.rule(f"sweep of {len(scenarios)} scenarios: {', '.join(s.name for s in scenarios)}")
    t = time.perf_counter()
    serial = run_study(path, scenarios, folder / "serial", console=console)
    serial_s = time.perf_counter() - t
    console.rule(f"the same on a local Dask cluster of {workers} workers")
    t = time.perf_counter()
    dask = run_study(path, scenarios, folder / "dask", console=console, workers=workers)
    dask_s = time.perf_counter() - t
    same = all(_same_kpis(serial.records[s.name], dask.records[s.name]) for s in scenarios)
    peaks: dict[str, float] = defaultdict(float)
    for r in dask.ordered:
        peaks[r.worker] = max(peaks[r.worker], r.peak_rss_mb)
    per_worker = ", ".join(f"{w.rsplit(':', 1)[-1]}: {mb:,.0f}" for w, mb in sorted(peaks.items()))
    failed = [r.scenario for r in (*serial.ordered, *dask.ordered) if not r.solved]
    return [
        (f"sweep, {len(scenarios)} scenarios: serial / {workers}-worker Dask wall time", ">= 1.7 x throughput",
         f"{serial_s:,.1f} s / {dask_s:,.1f} s = x{serial_s / dask_s:.2f}",
         f"KPIs identical: {same}" + (f"; failed: {', '.join(failed)}" if failed else "")),
        ("peak memory per worker process (MB, by pid)", "<= 1,500 MB each", per_worker or "-",
         f"largest {max(peaks.values(), default=0):,.0f} MB"),
    ]


def pareto(path: Path, sets: list, points: int, workers: int, skip_dask: bool, console: Console) -> list[tuple]:
    case = case_with_overrides(read_workbook(path), sets)
    console.rule("one solve (build + solve, one HiGHS thread)")
    t = time.perf_counter()
    one = solve_case(case, options=HIGHS_OPTIONS)
    one_s = time.perf_counter() - t
    console.print(f"one solve {one_s:,.1f} s, {one.solve.status}, strategy as picked for the case")
    console.rule(f"Pareto, {points} points, serial (warm-started re-solves of one model)")
    t = time.perf_counter()
    serial = frontier(case, points, on_point=lambda p: console.print(
        f"{p.label}: {p.cost / 1e6:,.2f} M CNY/yr, {p.emissions:,.0f} tCO2/yr, {p.outcome.seconds:,.1f} s"))
    serial_s = time.perf_counter() - t
    rows = [(f"Pareto, {points} points serial / one solve", "<= 4 x", f"{serial_s:,.1f} s / {one_s:,.1f} s = "
             f"x{serial_s / one_s:.2f}", "costs (M CNY/yr) " + ", ".join(f"{p.cost / 1e6:,.1f}" for p in serial))]
    if not skip_dask:
        console.rule(f"Pareto, {points} points, the points between the ends on {workers} Dask workers")
        t = time.perf_counter()
        dask = frontier(case, points, workers=workers)
        dask_s = time.perf_counter() - t
        worst = max(abs(a.cost - b.cost) / max(abs(a.cost), 1.0) for a, b in zip(serial, dask))
        peak = max(p.outcome.peak_rss_mb for p in dask[1:-1]) if points > 2 else 0.0
        rows.append((f"Pareto, {points} points on {workers} workers / one solve", "(no target)",
                     f"{dask_s:,.1f} s / {one_s:,.1f} s = x{dask_s / one_s:.2f}",
                     f"largest cost difference to serial {worst:.2%} (gap {case.settings.mip_gap:g}); "
                     f"worker peak {peak:,.0f} MB"))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=None, help="input workbook (default: the east-data-west example)")
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="OVERRIDE",
                    help="an override for every solve (as planner --set), e.g. to make a smoke run cheap")
    ap.add_argument("--scenarios", type=int, default=8, help="scenarios of the sweep (default 8)")
    ap.add_argument("--points", type=int, default=9, help="Pareto points (default 9)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip", choices=("sweep", "pareto", "pareto-dask"), action="append", default=[])
    args = ap.parse_args(argv)
    one_thread()
    path = args.input or Path(example_path("east-data-west"))
    sets = parse_overrides(args.sets)
    console = Console()
    if not console.is_terminal:  # a log file: wide enough for the table
        console = Console(width=150)
    console.print(f"input {path}" + (f", with {', '.join(args.sets)}" if args.sets else ""))
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if "sweep" not in args.skip:
            rows += sweep(path, sets, args.scenarios, args.workers, Path(tmp), console)
        if "pareto" not in args.skip:
            rows += pareto(path, sets, args.points, args.workers, "pareto-dask" in args.skip, console)
    table = Table(title=f"Scenario-study benchmark: {path.name} ({time.perf_counter() - start:,.0f} s in all)",
                  header_style="bold")
    for name in ("figure", "target (issue 22)", "measured", "note"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
