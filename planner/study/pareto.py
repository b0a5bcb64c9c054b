"""`planner pareto`: the cost-carbon frontier by the epsilon-constraint method.

The two ends are the case's own solves: the least-cost plan (objective cost) and the least-emissions plan
(objective emissions: least emissions, then least cost at that level). Between them, `points - 2` plans of least
cost under an emissions cap spread evenly between the two ends' emissions. Each point is a full plan, written as a
result workbook; the marginal abatement cost between neighbouring points is the extra cost per tCO2 avoided.

Serial: one model is built and kept with its persistent HiGHS instance; each re-solve only changes the cap
(`PlanningModel.set_carbon_cap`) and starts from the plan of the point solved before it (a MIP start; by site
decomposition, the model's `site_pool`: the last solve's site proposals and plan). The points
between the ends are solved from the least-emissions end up, so that plan always meets the next, looser, cap.
On Dask (`workers` or `scheduler`): after the two ends, the points between are spread over the workers; the case
and the least-emissions plan (within every cap: each point's start) go to each worker once, and a worker keeps the
model it built for its next point (`solve_point`).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.input.case import Case
from planner.solve import PlanningModel, SolveError
from planner.study.runner import run_dask
from planner.study.store import design_of
from planner.study.task import HIGHS_OPTIONS, Outcome, one_thread, peak_rss_mb

COST, EMISSIONS = "total_cost_cny_per_yr", "emissions_tco2_per_yr"
CAP_SETTING = "carbon_cap_tco2_per_yr"


class FrontierError(Exception):
    """An end of the frontier has no plan (the case is infeasible or no plan was found in time)."""


@dataclass
class Point:
    index: int
    label: str
    cap_tco2_per_yr: float | None
    outcome: Outcome

    @property
    def cost(self) -> float:
        return self.outcome.kpis.get(COST, float("nan"))

    @property
    def emissions(self) -> float:
        return self.outcome.kpis.get(EMISSIONS, float("nan"))


def _outcome(label: str, result, case: Case, cap: float | None, seconds: float) -> Outcome:
    """The point's outcome; its case records the cap as an override (the Run sheet shows it)."""
    if cap is not None:
        settings = dataclasses.replace(case.settings, carbon_cap_tco2_per_yr=cap)
        case = dataclasses.replace(case, settings=settings, overrides=[*case.overrides, f"{CAP_SETTING}={cap:.6g}"])
    status = result.solve.status
    kpis = {str(k): float(v) for k, v in zip(result.kpis["kpi"], result.kpis["value"])} if status != "infeasible" else {}
    return Outcome(label, status, "; ".join(result.messages[:2]) if status == "infeasible" else "", result, case,
                   seconds, "client", kpis)


@dataclass(frozen=True)
class PointTask:
    """One point between the ends, for a Dask worker: its place, label and emissions cap."""

    index: int
    scenario: str  # the point's label
    cap_tco2_per_yr: float


@dataclass(frozen=True)
class Shared:
    """What every point on a worker needs, sent to each worker once: the case, the start plan, the solve options;
    `token` names the case, so a worker reuses the model it built for it."""

    token: str
    case: Case
    start: np.ndarray | None
    mip_gap: float | None
    time_limit_s: float | None
    strategy: str


_BUILT: dict[str, PlanningModel] = {}  # on a worker: the model of the last case it solved a point of
_BUILT_IN_USE = threading.Lock()  # a worker of several threads: one point at a time on the kept model


def solve_point(task: PointTask, shared: Shared) -> Outcome:
    """Solve one capped point (on a Dask worker): the case's model, built once per worker process, with the cap
    changed, from the shared start plan (a point that finds the kept model busy builds its own)."""
    one_thread()
    if not _BUILT_IN_USE.acquire(blocking=False):
        return _solve_point(task, shared, PlanningModel(shared.case))
    try:
        model = _BUILT.get(shared.token)
        if model is None:
            _BUILT.clear()
            model = _BUILT[shared.token] = PlanningModel(shared.case)
        return _solve_point(task, shared, model)
    finally:
        _BUILT_IN_USE.release()


def _solve_point(task: PointTask, shared: Shared, model: PlanningModel) -> Outcome:
    model.set_carbon_cap(task.cap_tco2_per_yr)
    start = time.perf_counter()
    where = f"{socket.gethostname()}:{os.getpid()}"
    try:
        result = model.solve(objective="cost", mip_gap=shared.mip_gap, time_limit_s=shared.time_limit_s,
                             options=HIGHS_OPTIONS, strategy=shared.strategy, start=shared.start)
    except SolveError as exc:
        return Outcome(task.scenario, "failed", str(exc), seconds=time.perf_counter() - start, worker=where)
    outcome = _outcome(task.scenario, result, shared.case, task.cap_tco2_per_yr, time.perf_counter() - start)
    return dataclasses.replace(outcome, worker=where, peak_rss_mb=peak_rss_mb())


def frontier(case: Case, points: int, *, mip_gap: float | None = None, time_limit_s: float | None = None,
             strategy: str = "auto", on_point: Callable[[Point], None] | None = None,
             on_start: Callable[[object], None] | None = None, workers: int | None = None,
             scheduler: str | None = None) -> list[Point]:
    """The frontier's points from least cost to least emissions; `on_point` gets each as it is solved (the ends
    first), `on_start` each point as it starts. The points between the ends on a Dask cluster (a local one of
    `workers`, or the one at `scheduler`), else here, one after another."""
    if points < 2:
        raise ValueError("a frontier needs at least 2 points")
    model = PlanningModel(case)
    solve = dict(mip_gap=mip_gap, time_limit_s=time_limit_s, options=HIGHS_OPTIONS, strategy=strategy)
    found: dict[int, Point] = {}

    def take(point: Point) -> Point:
        if not point.outcome.solved:
            cap = point.cap_tco2_per_yr
            what = f"capped ({cap:,.0f} tCO2/yr)" if cap is not None else point.label.split("-", 2)[-1]
            raise FrontierError(f"the {what} plan has no solution ({point.outcome.status}"
                                f"{': ' + point.outcome.reason if point.outcome.reason else ''})")
        found[point.index] = point
        if on_point:
            on_point(point)
        return point

    def run(index: int, label: str, cap: float | None, objective: str, start: np.ndarray | None = None) -> Point:
        if on_start:
            on_start(label)
        begin = time.perf_counter()
        result = model.solve(objective=objective, start=start, **solve)
        return take(Point(index, label, cap, _outcome(label, result, case, cap, time.perf_counter() - begin)))

    first = run(0, "point-00-least-cost", None, "cost")
    last = run(points - 1, f"point-{points - 1:02d}-least-emissions", None, "emissions")
    high, low = first.emissions, last.emissions
    caps = {k: high - k * (high - low) / (points - 1) for k in range(1, points - 1)}
    warm = model.pick_strategy(strategy, "cost") == "direct"  # the site decomposition: the model's site_pool
    if caps and (workers or scheduler):
        shared = Shared(uuid.uuid4().hex, case, model.solver.plan() if warm else None, mip_gap, time_limit_s, strategy)
        tasks = [PointTask(k, f"point-{k:02d}", cap) for k, cap in caps.items()]
        by_label = {t.scenario: t for t in tasks}
        run_dask(tasks, lambda o: take(Point(by_label[o.scenario].index, o.scenario,
                                             by_label[o.scenario].cap_tco2_per_yr, o)),
                 scheduler=scheduler, workers=workers, function=solve_point, shared=shared,
                 on_start=(lambda t: on_start(t.scenario)) if on_start else None)
    else:
        for k in sorted(caps, reverse=True):  # from the cleanest: the plan before meets the looser cap
            start = model.solver.plan() if warm else None
            model.set_carbon_cap(caps[k])
            run(k, f"point-{k:02d}", caps[k], "cost", start)
        model.set_carbon_cap(case.settings.carbon_cap_tco2_per_yr)
    return [found[k] for k in sorted(found)]


def _changes(before: dict, after: dict) -> str:
    """The main design changes from one plan to the next, in words."""
    out = []
    for site in sorted(set(before) | set(after)):
        a, b = before.get(site, {}), after.get(site, {})
        if bool(a.get("opened")) != bool(b.get("opened")):
            out.append(f"{site} {'opened' if b.get('opened') else 'closed'}")
            continue
        if a.get("cooling_id") != b.get("cooling_id") and b.get("opened"):
            out.append(f"{site} cooling {a.get('cooling_id')} -> {b.get('cooling_id')}")
        for item, name in (("it_mw", "IT"), ("pv_mw", "PV"), ("wind_mw", "wind"), ("battery_mw", "battery")):
            x, y = float(a.get(item) or 0.0), float(b.get(item) or 0.0)
            if abs(y - x) > 0.5:
                out.append(f"{site} {name} {y - x:+,.0f} MW")
    return "; ".join(out[:6]) + (f"; +{len(out) - 6} more" if len(out) > 6 else "")


def frontier_table(points: list[Point]) -> pd.DataFrame:
    """One row per point: cap, cost, emissions, marginal abatement cost from the previous point, changes."""
    rows = []
    previous, previous_design = None, {}
    for p in points:
        design = design_of(p.outcome.result)
        mac = None
        if previous is not None and previous.emissions - p.emissions > 1e-9:
            mac = (p.cost - previous.cost) / (previous.emissions - p.emissions)
        rows.append({"point": p.label, "emissions_cap_tco2_per_yr": p.cap_tco2_per_yr, COST: p.cost, EMISSIONS: p.emissions,
                     "marginal_abatement_cost_cny_per_tco2": mac, "status": p.outcome.status,
                     "design_changes": _changes(previous_design, design) if previous is not None else "",
                     "workbook": ""})
        previous, previous_design = p, design
    return pd.DataFrame(rows)
