"""Explain an infeasible case in terms of its inputs.

The elastic model gives every policy and demand constraint a non-negative violation variable and minimises
their scaled sum (a phase-1 problem). The constraints that still had to be violated, and by how much, are
what makes the case infeasible; each is reported with the value that was reachable and the one required.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from planner.model.build import build_model, violation_scale
from planner.model import policies
from planner.model.data import ModelData
from planner.model.policies import Annual
from planner.pyomo_fast.evaluate import value_of
from planner.solver.persistent import HighsSolver

INFEASIBILITY_COLUMNS = ("constraint", "scope", "required", "reachable", "violation", "unit", "explanation")
_REL_TOL = 1e-6


def _annual(m: pyo.ConcreteModel, d: ModelData) -> dict[str, Annual]:
    """Each site's annual quantities in the elastic model's solution."""
    green = d.case.sites["grid_green_share"].astype(float).to_dict()

    def v(var, s: str) -> float:
        return float(var[s].value or 0.0) if s in var else 0.0

    return {s: Annual(it_mwh=v(m.it_mwh, s), facility_mwh=v(m.facility_mwh, s), import_mwh=v(m.import_mwh, s),
                      green_import_mwh=green[s] * v(m.import_mwh, s), generation_mwh=v(m.generation_mwh, s),
                      selfuse_mwh=v(m.selfuse_mwh, s), export_mwh=v(m.export_mwh, s), pv_mw=v(m.pv_mw, s),
                      wind_mw=v(m.wind_mw, s), battery_mw=v(m.battery_mw, s),
                      purchased_green_mwh=v(m.certificate_mwh, s) + v(m.contract_mwh, s),
                      water_m3=value_of(m.site_water_m3[s]), heat_mwh=value_of(m.site_heat_mwh[s])) for s in d.sites}


def _describe(annual: dict[str, Annual], d: ModelData, family: str, scope: str, amount: float) -> dict:
    """Required and reachable values of a violated rule (`planner.model.policies`), and the sentence."""
    case = d.case
    if family == "demand_served":
        need = policies.required(family, case, scope)
        reach = need - amount
    elif family == "carbon_cap":
        need = policies.required(family, case, scope)
        reach = need + amount
    else:
        a = annual[scope] if policies.POLICIES[family].scope == "site" else sum(
            (annual[s] for s in d.sites if d.site_hub[s] == scope), Annual())
        need, reach = policies.required(family, case, scope, a), policies.achieved(family, a)
    return dict(required=need, reachable=reach, unit=policies.POLICIES[family].unit,
                explanation=policies.explanation(family, scope, need, reach, case))


def explain_infeasibility(d: ModelData, *, time_limit_s: float | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Which policy/demand constraints must be violated, by how much, in input terms."""
    m = build_model(d, elastic=True)
    outcome = HighsSolver(m).solve(time_limit_s=time_limit_s, mip_gap=1e-6)
    if not outcome.has_solution:
        msg = ("The case is infeasible even with every policy and demand constraint relaxed: check grid "
               "connection limits (Sites.max_grid_mw) against the site loads, and the Technologies battery "
               "hours (min_hours <= max_hours).")
        return pd.DataFrame(columns=list(INFEASIBILITY_COLUMNS)), [msg]
    table = violation_table(m, d)
    messages = list(table["explanation"])
    if not messages:
        messages = ["HiGHS reported the case infeasible, but relaxing policies found no violation: the case "
                    "is numerically borderline; try again with a slightly looser policy value."]
    return table, messages


def violation_table(m: pyo.ConcreteModel, d: ModelData) -> pd.DataFrame:
    """The violated rules of a solved elastic model (INFEASIBILITY_COLUMNS): each relaxable constraint whose
    violation is above its natural size's tolerance, with the required and reachable values in input terms."""
    rows = []
    annual = _annual(m, d)
    for (family, scope), var in m.violation.items():
        amount = float(var.value or 0.0)
        if amount <= _REL_TOL * violation_scale(d, family, scope):
            continue
        rows.append({"constraint": family, "scope": scope, "violation": amount,
                     **_describe(annual, d, family, scope, amount)})
    return pd.DataFrame(rows, columns=list(INFEASIBILITY_COLUMNS))
