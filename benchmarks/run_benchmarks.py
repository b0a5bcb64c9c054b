"""Performance benchmark of the planning MILP: prints figures, it is not a pass/fail test.

    /tmp/venv/bin/python benchmarks/run_benchmarks.py                    # all cases: S M L Y capa
    /tmp/venv/bin/python benchmarks/run_benchmarks.py --cases S M --gap 0.005 --time-limit 120
    /tmp/venv/bin/python benchmarks/run_benchmarks.py --cases M --profile   # cProfile of build + hand-off

Per case: build the planning model (`PlanningModel`), solve it through the planner (persistent Pyomo ->
HiGHS), write the very model HiGHS received to MPS (`writeModel` of the highspy object held by the Pyomo
solver) and solve that file with highspy alone (same mip_rel_gap and time limit, default threads). For
capa (OR-Library, 100 sites x 1000 customers, capacity 14000) additionally a hand-written highspy model of
the CFLP (strong formulation) is solved to optimality and compared with the planner's solve of the same
instance. See benchmarks/README.md for the columns and the targets.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import inspect
import io
import math
import multiprocessing as mp
import os
import platform
import pstats
import re
import subprocess
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from queue import Empty

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import highspy  # noqa: E402

from benchmarks.synthetic import CASES, synthetic_tables  # noqa: E402
from planner.input.orlib import cflp_case, read_cflp, read_optima  # noqa: E402
from planner.solve import PlanningModel, SolveError  # noqa: E402
from planner.input.validate import case_from_tables  # noqa: E402

CFLP_DIR = Path("/work/shared/benchmarks/orlib-cflp")
CAPA_CAPACITY = 14000.0
CAPA_OPTIMUM = 17160439.012
OPT_GAP = 1e-9  # "to optimality" for capa
# default time limit per case (s) when --time-limit is not given: the target, or a bound that keeps the
# whole run well under an hour. The limit is the solve's; Y's leaves 20 s of its 600 s target for making the
# case, building the model and reading the result back, since an unproven Y plan uses all of its limit
DEFAULT_LIMITS = {"S": 60.0, "M": 120.0, "L": 300.0, "Y": 580.0, "XL": 900.0, "XY": 1800.0, "capa": 300.0}
# wall-clock budget of one case (its own process: case generation, build, hand-off, HiGHS, MPS, HiGHS alone);
# beyond it the process is ended and the row reports how far it got. Default: 2 x limit + BUDGET_SLACK_S
BUDGET_SLACK_S = 300.0
RUN_STARTED = re.compile(r"^\s*(MIP|LP|QP)\b.*\brows\b")
TARGETS = {"M": "<= 30 s total at 0.5 % gap; outside-HiGHS <= 10 % of total", "L": "<= 300 s total",
           "Y": "<= 600 s total", "capa": "optimal, total <= 1.2 x hand-written highspy",
           "XL": "<= 300 s total at 0.5 % gap (issue 27)", "XY": "<= 900 s total at 1 % gap (issue 27)"}

COLUMNS = (  # (key, header, format)
    ("case", "case", "{}"), ("vars", "vars", "{:,}"), ("cons", "cons", "{:,}"), ("bins", "bins", "{:,}"),
    ("ints", "ints", "{:,}"), ("case_s", "case s", "{:.2f}"), ("build_s", "build s", "{:.2f}"),
    ("handoff_s", "hand-off s", "{:.2f}"), ("set_instance_s", "(set_inst) s", "{:.2f}"),
("highs_s", "HiGHS s", "{:.2f}"), ("post_s", "post s", "{:.2f}"),
    ("total_s", "total s", "{:.2f}"), ("outside_pct", "outside %", "{:.1f}"), ("peak_mb", "peak MB", "{:,.0f}"),
    ("fixed_lp_s", "fixed-design LP s", "{:.2f}"), ("fixed_lp_vs_total", "x fixed LP", "{:.1f}"),
    ("alone_s", "alone s", "{:.2f}"), ("alone_wall_s", "alone wall", "{:.2f}"), ("ratio", "ratio", "{:.2f}"),
    ("status", "status", "{}"), ("gap_pct", "gap %", "{:.3f}"), ("objective", "objective", "{:,.0f}"),
    ("alone_status", "alone status", "{}"), ("alone_gap_pct", "alone gap %", "{:.3f}"),
    ("alone_objective", "alone objective", "{:,.0f}"),
)
EXTRA_COLUMNS = ("strategy", "highs_banner_s", "planner_commit", "stage", "time_limit_s", "mip_gap", "mps_write_s", "mps_read_s", "solve_call_s", "bound",
                 "handwritten_s", "handwritten_wall_s", "handwritten_build_s", "handwritten_objective",
                 "handwritten_status", "ratio_vs_handwritten", "highs_ratio_vs_handwritten", "reference_objective",
                 "objective_error", "timestamp")


class Row(dict):
    """One result row; every assignment is also sent to the parent process (see `run_case_bounded`)."""

    emit = None  # set in the worker: a callable taking a dict of changed values

    def __getitem__(self, key):
        return self.get(key)

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if Row.emit:
            Row.emit({key: value})

    def update(self, *args, **kw):
        changed = dict(*args, **kw)
        super().update(changed)
        if Row.emit:
            Row.emit(changed)



def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", flush=True)


# ----------------------------------------------------------------------------------------------------------
# HiGHS alone
# ----------------------------------------------------------------------------------------------------------
def _status_text(h: highspy.Highs) -> str:
    status = h.getModelStatus()
    text = h.modelStatusToString(status).lower()
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if status == highspy.HighsModelStatus.kTimeLimit:
        return "time_limit"
    return text.replace(" ", "_")


def _highs_summary(h: highspy.Highs) -> dict:
    info = h.getInfo()
    obj = info.objective_function_value if info.primal_solution_status == 2 else None
    bound = getattr(info, "mip_dual_bound", None)
    gap = getattr(info, "mip_gap", None)
    if gap is not None and (math.isinf(gap) or gap > 1e20):
        gap = None
    return {"status": _status_text(h), "objective": obj, "bound": bound, "gap": gap}


def _new_highs(log_path: Path, gap: float, limit: float) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", str(log_path))
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("time_limit", limit)
    return h


def highs_alone(mps: Path, gap: float, limit: float, log_path: Path) -> dict:
    """Solve an MPS file with highspy alone; run time (HiGHS' clock) and wall of run(), plus read time."""
    h = _new_highs(log_path, gap, limit)
    start = time.perf_counter()
    h.readModel(str(mps))
    read_s = time.perf_counter() - start
    before = h.getRunTime()
    start = time.perf_counter()
    h.run()
    wall = time.perf_counter() - start
    out = {"read_s": read_s, "run_s": h.getRunTime() - before, "wall_s": wall, **_highs_summary(h)}
    del h
    return out


def write_mps(pm: PlanningModel, path: Path) -> float:
    """Write exactly what HiGHS received: the highspy object held by Pyomo's persistent solver (direct), or the
    compiled matrix (sites)."""
    start = time.perf_counter()
    if getattr(pm, "strategy_used", "direct") == "sites":
        from planner.solver.matrix import compile_to_highs

        h = compile_to_highs(pm.model).highs
    else:
        h = pm.solver.solver._solver_model
    # writeModel logs a line through the solver's log settings; keep it off the console
    h.setOptionValue("log_to_console", False)
    status = h.writeModel(str(path))
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"writeModel({path}) failed")
    return time.perf_counter() - start


# ----------------------------------------------------------------------------------------------------------
# The planner on one case
# ----------------------------------------------------------------------------------------------------------
def run_planner(name: str, case, gap: float, limit: float, out: Path, *, alone: bool = True,
                profile: bool = False, strategy: str = "auto") -> Row:
    row = Row({"case": name, "mip_gap": gap, "time_limit_s": limit})
    log(f"{name}: {case.summary()}")
    plog = open(out / f"{name}-planner-highs.log", "w")
    prof = cProfile.Profile() if profile else None
    first_line: list[float] = []

    def highs_log(line: str) -> None:
        # HiGHS prints "MIP <name> has N rows; M cols; ..." when the MIP run() starts (after any warm start)
        if not first_line and RUN_STARTED.match(line):
            first_line.append(time.perf_counter() - start)
            row.update({"stage": "HiGHS running", "highs_banner_s": first_line[0]})
        plog.write(line + "\n")

    try:
        if prof:
            prof.enable()
        row["stage"] = "build"
        pm = PlanningModel(case)
        row["build_s"] = pm.build_s
        row.update({"vars": pm.size["n_variables"], "cons": pm.size["n_constraints"],
                    "bins": pm.size["n_binaries"], "ints": pm.size["n_integers"], "stage": "hand-off"})
        log(f"{name}: built in {pm.build_s:.2f} s: {pm.size}")
        _time_set_instance(pm, row)
        solve_kw = {}
        if "strategy" in inspect.signature(pm.solve).parameters:
            solve_kw["strategy"] = strategy
        elif strategy != "auto":
            raise SystemExit("--strategy: this planner version has no solve strategies")
        start = time.perf_counter()
        row["solve_started"] = time.time()
        try:
            res = pm.solve(mip_gap=gap, time_limit_s=limit, log=highs_log, **solve_kw)
            info = res.solve
        except SolveError as err:  # e.g. no incumbent within the time limit: keep the timings
            res, info = None, None
            log(f"{name}: SolveError: {err}")
        call = time.perf_counter() - start
        if prof:
            prof.disable()
    finally:
        plog.close()
    row["strategy"] = getattr(pm, "strategy_used", "direct")
    if info is None:
        h = pm.solver.solver._solver_model
        highs_s = h.getRunTime() if h is not None else 0.0
        summary = _highs_summary(h) if h is not None else {"bound": None}
        row.update({"solve_call_s": call, "handoff_s": call - highs_s, "highs_s": highs_s, "post_s": 0.0,
                           "total_s": pm.build_s + call, "status": "no_solution", "objective": None,
                           "bound": summary["bound"], "gap_pct": None})
    else:
        highs_s = info.highs_s or 0.0
        row.update({
            "solve_call_s": call, "handoff_s": info.solve_s - highs_s, "highs_s": highs_s,
            "post_s": call - info.solve_s, "total_s": pm.build_s + call, "status": info.status,
            "gap_pct": None if info.gap is None else 100 * info.gap, "objective": info.objective_cny,
            "bound": info.best_bound_cny,
        })
    row["outside_pct"] = 100 * (row["total_s"] - highs_s) / row["total_s"]
    if name in CASES and res is not None and not res.sites.empty:
        fixed_design_lp(case, res, row, name)
    row["stage"] = "planner done"
    log(f"{name}: planner {row['status']} obj {row['objective']} gap {row['gap_pct']} | build {pm.build_s:.2f} "
        f"hand-off {row['handoff_s']:.2f} (set_instance {row['set_instance_s'] or 0:.2f}) strategy "
        f"{row['strategy']} HiGHS {highs_s:.2f} post {row['post_s']:.2f} total {row['total_s']:.2f}")
    if prof:
        _write_profile(prof, out / f"profile-{name}.txt", name)

    if alone:
        mps = out / f"{name}.mps"
        row["stage"] = "MPS + HiGHS alone"
        row["mps_write_s"] = write_mps(pm, mps)
        del pm, res
        gc.collect()
        log(f"{name}: wrote {mps.name} ({mps.stat().st_size / 1e6:.1f} MB) in {row['mps_write_s']:.2f} s; "
            f"HiGHS alone ...")
        a = highs_alone(mps, gap, limit, out / f"{name}-alone-highs.log")
        row.update({"mps_read_s": a["read_s"], "alone_s": a["run_s"], "alone_wall_s": a["wall_s"],
                           "alone_status": a["status"], "alone_objective": a["objective"],
                           "alone_gap_pct": None if a["gap"] is None else 100 * a["gap"]})
        row["ratio"] = row["total_s"] / a["run_s"] if a["run_s"] > 0 else None
        log(f"{name}: HiGHS alone {a['status']} obj {a['objective']} in {a['run_s']:.2f} s "
            f"(wall {a['wall_s']:.2f}, read {a['read_s']:.2f}); ratio total/alone {row['ratio']:.2f}")
        if os.environ.get("BENCH_KEEP_MPS") != "1":
            mps.unlink(missing_ok=True)
    row["stage"] = "done"
    return row


def fixed_design_lp(case, res, row: Row, name: str) -> None:
    """The least a solve can cost (the reference of issue 27, benchmarks/README.md): one build and solve of the
    case's dispatch LP with the plan's design fixed (`planner.results.verify`, as `planner verify` runs it)."""
    from planner.results.verify import design_from_tables, verify_design

    row["stage"] = "fixed-design LP"
    start = time.perf_counter()
    v = verify_design(case, design_from_tables(res.sites, res.assignments))
    row["fixed_lp_s"] = time.perf_counter() - start
    row["fixed_lp_vs_total"] = row["total_s"] / row["fixed_lp_s"]
    log(f"{name}: the year's dispatch LP with the plan's design fixed: {row['fixed_lp_s']:.2f} s "
        f"({'holds' if v.holds else 'breaks a rule'}); the full-year solve took {row['fixed_lp_vs_total']:.1f} x that")


def _time_set_instance(pm: PlanningModel, row: Row) -> None:
    """Time Pyomo's set_instance (the model -> HiGHS transfer) by wrapping it on this solver object only."""
    interface = pm.solver.solver
    original = interface.set_instance

    def timed(model, *args, **kw):
        start = time.perf_counter()
        row["stage"] = "hand-off (set_instance)"
        out = original(model, *args, **kw)
        row.update({"set_instance_s": time.perf_counter() - start, "stage": "warm start / HiGHS"})
        return out

    interface.set_instance = timed


def _write_profile(prof: cProfile.Profile, path: Path, name: str) -> None:
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    for key in ("cumulative", "tottime"):
        buf.write(f"\n===== {name}: top 60 by {key} =====\n")
        stats.sort_stats(key).print_stats(60)
    path.write_text(buf.getvalue())
    log(f"{name}: profile written to {path}")


def run_synthetic(name: str, gap: float, limit: float, out: Path, seed: int = 0, **kw) -> Row:
    start = time.perf_counter()
    n_sites, n_demands, n_days = CASES[name]
    case = case_from_tables(synthetic_tables(n_sites, n_demands, n_days, seed=seed),
                            source=f"synthetic {name} {CASES[name]} seed {seed}")
    case_s = time.perf_counter() - start
    row = run_planner(name, case, gap, limit, out, **kw)
    row["case_s"] = case_s
    return row


# ----------------------------------------------------------------------------------------------------------
# capa: hand-written highspy CFLP vs the planner
# ----------------------------------------------------------------------------------------------------------
def cflp_highspy(inst, log_path: Path, limit: float) -> dict:
    """Strong CFLP: min f y + c x; sum_i x_ij = 1; sum_j d_j x_ij <= s_i y_i; x_ij <= y_i; 0<=x<=1, y binary."""
    start = time.perf_counter()
    m, n = inst.cost.shape
    n_col = m + m * n  # y_0..y_{m-1}, then x_ij at m + i*n + j
    x = lambda i, j: m + i * n + j  # noqa: E731
    col_cost = np.concatenate([inst.fixed_cost, inst.cost.ravel()])
    # rows (CSR): n assignment rows, m capacity rows, m*n linking rows
    starts, index, value = [0], [], []
    ii = np.arange(m)
    for j in range(n):
        index.append(x(ii, j))
        value.append(np.ones(m))
        starts.append(starts[-1] + m)
    jj = np.arange(n)
    for i in range(m):
        index.append(np.r_[x(i, jj), i])
        value.append(np.r_[inst.demand, -inst.capacity[i]])
        starts.append(starts[-1] + n + 1)
    link_idx = np.column_stack([m + np.arange(m * n), np.repeat(np.arange(m), n)]).ravel()
    link_val = np.tile([1.0, -1.0], m * n)
    index.append(link_idx)
    value.append(link_val)
    starts = np.r_[np.array(starts[:-1]), starts[-1] + 2 * np.arange(m * n + 1)]
    index, value = np.concatenate(index).astype(np.int32), np.concatenate(value)
    n_row = n + m + m * n
    lower = np.r_[np.ones(n), np.full(m + m * n, -highspy.kHighsInf)]
    upper = np.r_[np.ones(n), np.zeros(m + m * n)]

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = col_cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ones(n_col)
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_col, n_row
    lp.integrality_ = [highspy.HighsVarType.kInteger] * m + [highspy.HighsVarType.kContinuous] * (m * n)
    h = _new_highs(log_path, OPT_GAP, limit)
    h.passModel(lp)
    build = time.perf_counter() - start
    start = time.perf_counter()
    h.run()
    wall = time.perf_counter() - start
    out = {"build_s": build, "run_s": h.getRunTime(), "wall_s": wall, **_highs_summary(h)}
    del h
    return out


def run_capa(limit: float, out: Path, **kw) -> Row:
    path = CFLP_DIR / "capa.txt"
    optima = read_optima(CFLP_DIR / "capopt.txt")
    ref = optima.get(("capa", CAPA_CAPACITY), CAPA_OPTIMUM)
    inst = read_cflp(path, CAPA_CAPACITY)
    log(f"capa: hand-written highspy CFLP ({inst.cost.shape[0]} x {inst.cost.shape[1]}) to optimality ...")
    hw = cflp_highspy(inst, out / "capa-handwritten-highs.log", limit)
    log(f"capa: hand-written {hw['status']} obj {hw['objective']} in {hw['run_s']:.2f} s "
        f"(wall {hw['wall_s']:.2f}, build {hw['build_s']:.2f}); published {ref}")
    gc.collect()
    hw_values = {"handwritten_s": hw["run_s"], "handwritten_wall_s": hw["wall_s"],
                 "handwritten_build_s": hw["build_s"], "handwritten_objective": hw["objective"],
                 "handwritten_status": hw["status"], "reference_objective": ref}
    if Row.emit:
        Row.emit(hw_values)

    start = time.perf_counter()
    case = cflp_case(path, CAPA_CAPACITY)
    case_s = time.perf_counter() - start
    row = run_planner("capa", case, OPT_GAP, limit, out, **kw)
    row["case_s"] = case_s
    row.update({
        **hw_values,
        "ratio_vs_handwritten": row["total_s"] / hw["run_s"],
        "highs_ratio_vs_handwritten": row["highs_s"] / hw["run_s"],
        "objective_error": None if row["objective"] is None else abs(row["objective"] - ref) / ref,
    })
    return row


# ----------------------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------------------
def _fmt(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    try:
        return spec.format(value)
    except (ValueError, TypeError):
        return str(value)


def print_table(rows: list[Row]) -> None:
    cells = [[h for _, h, _ in COLUMNS]] + [[_fmt(r[k], f) for k, _, f in COLUMNS] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths)))
             for line in cells]
    lines.insert(1, "-" * len(lines[0]))
    print("\n".join(lines), flush=True)
    for r in rows:
        if r["handwritten_s"] is not None:
            err = r["objective_error"]
            hw_err = (None if r["handwritten_objective"] is None
                      else abs(r["handwritten_objective"] - r["reference_objective"]) / r["reference_objective"])
            print(f"\ncapa (capacity {CAPA_CAPACITY:g}) to optimality, published optimum "
                  f"{r['reference_objective']:,.3f}:\n"
                  f"  hand-written highspy : {r['handwritten_status']}, objective {_fmt(r['handwritten_objective'], '{:,.3f}')}"
                  f" (rel. error {_fmt(hw_err, '{:.1e}')}), HiGHS {r['handwritten_s']:.2f} s "
                  f"(wall {r['handwritten_wall_s']:.2f} s, model build {r['handwritten_build_s']:.2f} s)\n"
                  f"  planner              : {r['status']}, objective {_fmt(r['objective'], '{:,.3f}')} "
                  f"(rel. error {_fmt(err, '{:.1e}')}), total {r['total_s']:.2f} s (build {r['build_s']:.2f}, "
                  f"hand-off {r['handoff_s']:.2f}, HiGHS {r['highs_s']:.2f}, post {r['post_s']:.2f})\n"
                  f"  ratio planner total / hand-written HiGHS = {r['ratio_vs_handwritten']:.2f} (target <= 1.2); "
                  f"planner HiGHS / hand-written HiGHS = {r['highs_ratio_vs_handwritten']:.2f}", flush=True)


def write_csv(rows: list[Row], path: Path) -> None:
    keys = [k for k, _, _ in COLUMNS] + list(EXTRA_COLUMNS)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in keys})


def _worker(name: str, gap: float, limit: float, out: Path, kw: dict, queue) -> None:
    """Run one case in a child process, streaming every row update to the parent."""
    Row.emit = lambda changed: queue.put(("update", dict(changed)))
    try:
        if name == "capa":
            row = run_capa(limit, out, **{k: v for k, v in kw.items() if k != "seed"})
        else:
            row = run_synthetic(name, gap, limit, out, **kw)
        queue.put(("done", dict(row)))
    except BaseException:  # noqa: BLE001 - report anything to the parent
        queue.put(("error", traceback.format_exc()))


def run_case_bounded(name: str, gap: float, limit: float, out: Path, budget: float, kw: dict) -> Row:
    """One case in its own process (fresh memory, comparable timings), ended after `budget` seconds."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_worker, args=(name, gap, limit, out, kw, queue), name=f"bench-{name}")
    start = time.time()
    proc.start()
    row = Row({"case": name, "mip_gap": OPT_GAP if name == "capa" else gap, "time_limit_s": limit})
    while True:
        peak = _peak_mb(proc.pid)
        if peak is not None and peak > (row["peak_mb"] or 0.0):
            row["peak_mb"] = peak
        try:
            kind, payload = queue.get(timeout=1.0)
        except Empty:
            if not proc.is_alive():
                row["status"] = f"crashed (exit code {proc.exitcode}) during {row['stage']}"
                break
            if time.time() - start > budget:
                log(f"{name}: budget of {budget:g} s exceeded during {row['stage']}: ending process {proc.pid}")
                proc.terminate()
                proc.join(10)
                if proc.is_alive():
                    proc.kill()
                _budget_exceeded(row, start)
                break
            continue
        if kind == "update":
            row.update(payload)
        elif kind == "done":
            row.update(payload)
            break
        else:
            log(f"{name}: error in the case process:\n{payload}")
            row["status"] = "error"
            break
    proc.join(30)
    return row


def _peak_mb(pid: int) -> float | None:
    """Peak resident memory of a running process so far (VmHWM, MB), or None once it has ended."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def _budget_exceeded(row: Row, start: float) -> None:
    """Lower bounds of the times of a case ended at its budget."""
    stage = row["stage"] or "?"
    now = time.time()
    row["status"] = f"budget_exceeded ({stage})"
    if row["solve_started"] is not None and row["total_s"] is None:
        elapsed = now - row["solve_started"]
        if row["set_instance_s"] is None:  # still handing the model over: hand-off >= elapsed
            row["handoff_s"] = elapsed
        else:  # HiGHS (warm start LPs, then the MIP) has been running since: attribute the rest to it
            row["handoff_s"] = row["set_instance_s"]
            row["highs_s"] = elapsed - row["set_instance_s"]
        row["total_s"] = (row["build_s"] or 0.0) + elapsed
        if row["highs_s"] is not None:
            row["outside_pct"] = 100 * (row["total_s"] - row["highs_s"]) / row["total_s"]


def _planner_commit() -> str:
    """HEAD of the checkout, with '+dirty' if planner/ has uncommitted changes (others work in it too)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "planner"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="+", default=["S", "M", "L", "Y", "capa"],
                        choices=["S", "M", "L", "Y", "XL", "XY", "capa"],
                        help="cases to run (default: S M L Y capa; XL and XY, issue 27's large cases, on request)")
    parser.add_argument("--gap", type=float, default=0.005, help="relative MIP gap of the synthetic cases "
                        "(capa is always solved to optimality, gap 1e-9)")
    parser.add_argument("--time-limit", type=float, default=None,
                        help=f"time limit per solve in s (default per case: {DEFAULT_LIMITS})")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "results.csv")
    parser.add_argument("--no-alone", action="store_true", help="skip the MPS + HiGHS-alone solves")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile build + solve call, written to <out dir>/profile-<case>.txt")
    parser.add_argument("--budget", type=float, default=None,
                        help=f"wall-clock budget per case in s (default 2 x time limit + {BUDGET_SLACK_S:g}); "
                        "a case still running then is stopped and reported as budget_exceeded")
    parser.add_argument("--strategy", choices=["auto", "direct", "sites"], default="auto",
                        help="the planner's solve strategy (PlanningModel.solve): its own choice (auto), the whole "
                        "MILP to HiGHS (direct) or site decomposition (sites)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the synthetic cases S, M, L, Y (the figures in README.md use 0)")
    args = parser.parse_args(argv)

    out = args.out.parent
    out.mkdir(parents=True, exist_ok=True)
    log(f"planner benchmark on {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()}, "
        f"HiGHS {highspy.Highs().version()}), cases {args.cases}, gap {args.gap}, seed {args.seed}")
    commit = _planner_commit()
    log(f"planner code: {commit}")
    rows: list[Row] = []
    for name in args.cases:
        limit = args.time_limit if args.time_limit is not None else DEFAULT_LIMITS[name]
        budget = args.budget if args.budget is not None else 2 * limit + BUDGET_SLACK_S
        kw = {"alone": not args.no_alone, "profile": args.profile, "strategy": args.strategy, "seed": args.seed}
        started = time.perf_counter()
        row = run_case_bounded(name, args.gap, limit, out, budget, kw)
        row["timestamp"] = datetime.now().isoformat(timespec="seconds")
        row["planner_commit"] = commit
        rows.append(row)
        write_csv(rows, args.out)
        log(f"{name}: done in {time.perf_counter() - started:.1f} s")
    print()
    print_table(rows)
    print(f"\nresults written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
