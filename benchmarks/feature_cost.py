"""What the facility features of issue 24 (water, waste heat, rack density) and flexible load (issue 23) cost the
built-in example (prints figures; not a test).

Each configuration is the example workbook with some features switched off by overrides (the `--set` syntax of
`planner.input.overrides`), built and solved as `planner solve` does (strategy auto = site decomposition, 1 % gap):

    all         every feature of the example on (the workbook as it is)
    no-heat     Sites.heat_demand_profile cleared (no heat sales)
    no-water    WUE 0 (Cooling), no water limits (Sites) and no WUE caps (Hubs)
    no-density  Demand.rack_kw cleared (any cooling may serve any demand)
    no-flex     Demand.flexible_share=0
    before-24   heat, water and density off, flexible load on (the example before issue 24: "today's time")
    none        all four off ("today", before issues 23-24's inputs)

Deterministic figures first (model rows, columns, nonzeros, integers, the rows and columns of the new families,
the LP relaxation's value and simplex iterations with --lp, the decomposition's rounds, HiGHS' branch-and-bound
nodes and LP iterations), then wall times, which on a shared machine are noisy: compare them only back to back.

    python benchmarks/feature_cost.py                         # all configurations, size + solve
    python benchmarks/feature_cost.py --configs all none --lp # with the LP relaxation (a full-model LP each)
    python benchmarks/feature_cost.py --size-only             # model sizes only (seconds)
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import highspy
import numpy as np

from planner.examples import example_path
from planner.input.overrides import case_with_overrides, parse_override
from planner.input.reader import read_workbook
from planner.solve import PlanningModel
from planner.solver.matrix import compile_to_highs

OFF = {
    "heat": ["Sites.heat_demand_profile="],
    "water": ["Cooling.wue_l_per_kwh=0", "Cooling.wue_temp_slope_per_degc=0", "Cooling.wue_floor=0",
              "SiteCooling.wue_l_per_kwh=", "Sites.max_water_m3_per_yr=", "Hubs.wue_cap_l_per_kwh="],
    "density": ["Demand.rack_kw="],
    "flex": ["Demand.flexible_share=0"],
}
CONFIGS = {"all": [], "no-heat": ["heat"], "no-water": ["water"], "no-density": ["density"], "no-flex": ["flex"],
           "before-24": ["heat", "water", "density"], "none": ["heat", "water", "density", "flex"]}
FAMILIES = ("heat_mw", "heat_recovery_mw", "heat_within_recoverable", "heat_within_plant", "heat_within_demand",
            "heat_plant_within_capacity", "site_water_limit", "hub_wue_cap", "hub_min_heat_reuse", "flex_in_mw",
            "flex_out_mw", "flex_within_flexible", "flex_within_capacity", "flex_day_energy", "it_load_mw")
NODES = re.compile(r"^\s*Nodes\s+(\d+)")
LP_ITERS = re.compile(r"^\s*LP iterations\s+(\d+)")
ROUND = re.compile(r"round (\d+):")


def case_for(path: Path, off: list[str]):
    overrides = [parse_override(text) for feature in off for text in OFF[feature]]
    return case_with_overrides(read_workbook(path), overrides)


def family_sizes(m) -> dict[str, int]:
    return {name: len(getattr(m, name)) for name in FAMILIES if hasattr(m, name)}


def lp_relaxation(pm: PlanningModel) -> tuple[float, int, float]:
    """(objective, interior point iterations, seconds) of the full model's LP relaxation (HiGHS' simplex takes
    over 10 min on the full example: the reason for the site decomposition)."""
    mat = compile_to_highs(pm.model)
    h = mat.highs
    n = h.getNumCol()
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8))
    h.setOptionValue("solver", "ipm")
    start = time.perf_counter()
    h.run()
    info = h.getInfo()
    ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return (info.objective_function_value if ok else float("nan")), info.ipm_iteration_count, \
        time.perf_counter() - start


def measure(name: str, path: Path, *, lp: bool, size_only: bool, gap: float, limit: float,
            log_dir: Path | None = None) -> dict:
    start = time.perf_counter()
    pm = PlanningModel(case_for(path, CONFIGS[name]))
    build_s = time.perf_counter() - start
    a = compile_to_highs(pm.model).compiled.a
    row = {"config": name, "rows": a.shape[0], "cols": a.shape[1], "nnz": a.nnz,
           "integers": pm.size["n_binaries"] + pm.size["n_integers"], "build_s": round(build_s, 1),
           **family_sizes(pm.model)}
    if lp:
        row["lp_obj"], row["lp_iters"], lp_s = lp_relaxation(pm)
        row["lp_s"] = round(lp_s, 1)
    if size_only:
        return row
    lines: list[str] = []
    start = time.perf_counter()
    res = pm.solve(mip_gap=gap, time_limit_s=limit, log=lines.append)
    row["solve_s"] = round(time.perf_counter() - start, 1)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        (log_dir / f"feature-cost-{name}.log").write_text("\n".join(lines) + "\n")
    s = res.solve
    row |= {"status": s.status, "objective": s.objective_cny, "bound": s.best_bound_cny, "gap": s.gap,
            "highs_s": round(s.highs_s, 1), "rounds": max((int(x) for ln in lines for x in ROUND.findall(ln)), default=0),
            "bb_nodes": sum(int(mt[1]) for ln in lines if (mt := NODES.match(ln))),
            "bb_lp_iters": sum(int(mt[1]) for ln in lines if (mt := LP_ITERS.match(ln))),
            "branch_and_bound": "then" in s.termination}
    if lp and row.get("objective"):
        row["lp_gap"] = (row["objective"] - row["lp_obj"]) / abs(row["objective"])
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=None, help="input workbook (default: the east-data-west example)")
    ap.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    ap.add_argument("--lp", action="store_true", help="also solve each model's LP relaxation (full model, interior "
                    "point; the decomposition's 'lower bound' lines give the same bound)")
    ap.add_argument("--size-only", action="store_true", help="model sizes only, no solve")
    ap.add_argument("--log-dir", type=Path, default=None, help="write each solve's log there")
    ap.add_argument("--gap", type=float, default=0.01)
    ap.add_argument("--time-limit", type=float, default=1800.0)
    args = ap.parse_args(argv)
    path = args.input or example_path("east-data-west")
    for name in args.configs:
        row = measure(name, path, lp=args.lp, size_only=args.size_only, gap=args.gap, limit=args.time_limit,
                      log_dir=args.log_dir)
        print("  ".join(f"{k}={v:,.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
