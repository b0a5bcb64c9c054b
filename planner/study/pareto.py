"""`planner pareto`: the cost-carbon frontier by the epsilon-constraint method.

The two ends are the case's own solves: the least-cost plan (objective cost) and the least-emissions plan
(objective emissions: least emissions, then least cost at that level). Between them, `points - 2` plans of least
cost under an emissions cap spread evenly between the two ends' emissions. One model is built and kept with its
persistent HiGHS instance: each re-solve only changes the cap (`PlanningModel.set_carbon_cap`). Each point is a full
plan, written as a result workbook; the marginal abatement cost between neighbouring points is the extra cost per
tCO2 avoided.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from planner.input.case import Case
from planner.solve import PlanningModel
from planner.study.store import design_of
from planner.study.task import HIGHS_OPTIONS, Outcome

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


def frontier(case: Case, points: int, *, mip_gap: float | None = None, time_limit_s: float | None = None,
             strategy: str = "auto", on_point: Callable[[Point], None] | None = None) -> list[Point]:
    """The frontier's points from least cost to least emissions; `on_point` gets each as it is solved."""
    if points < 2:
        raise ValueError("a frontier needs at least 2 points")
    model = PlanningModel(case)
    solve = dict(mip_gap=mip_gap, time_limit_s=time_limit_s, options=HIGHS_OPTIONS, strategy=strategy)
    found: list[Point] = []

    def run(index: int, label: str, cap: float | None, objective: str) -> Point:
        start = time.perf_counter()
        result = model.solve(objective=objective, **solve)
        point = Point(index, label, cap, _outcome(label, result, case, cap, time.perf_counter() - start))
        if not point.outcome.solved:
            what = f"capped ({cap:,.0f} tCO2/yr)" if cap is not None else label.split("-", 2)[-1]
            raise FrontierError(f"the {what} plan has no solution ({point.outcome.status}"
                                f"{': ' + point.outcome.reason if point.outcome.reason else ''})")
        if on_point:
            on_point(point)
        return point

    first = run(0, "point-00-least-cost", None, "cost")
    found.append(first)
    last = run(points - 1, f"point-{points - 1:02d}-least-emissions", None, "emissions")
    high, low = first.emissions, last.emissions
    for k in range(1, points - 1):
        cap = high - k * (high - low) / (points - 1)
        model.set_carbon_cap(cap)
        found.append(run(k, f"point-{k:02d}", cap, "cost"))
    model.set_carbon_cap(case.settings.carbon_cap_tco2_per_yr)
    found.append(last)
    return found


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
