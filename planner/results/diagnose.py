"""Explain an infeasible case in terms of its inputs.

The elastic model gives every policy and demand constraint a non-negative violation variable and minimises
their scaled sum (a phase-1 problem). The constraints that still had to be violated, and by how much, are
what makes the case infeasible; each is reported with the value that was reachable and the one required.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from planner.model.build import build_model, violation_scale
from planner.model.data import ModelData
from planner.solver.persistent import HighsSolver

INFEASIBILITY_COLUMNS = ("constraint", "scope", "required", "reachable", "violation", "unit", "explanation")
_REL_TOL = 1e-6


def _hub_sites(d: ModelData, h: str) -> list[str]:
    return [s for s in d.sites if d.site_hub[s] == h]


def _describe(m: pyo.ConcreteModel, d: ModelData, family: str, scope: str, amount: float) -> dict:
    case, st = d.case, d.case.settings
    v = pyo.value

    def ratio(num: float, den: float) -> float:
        return num / den if den > 1e-9 else float("nan")

    if family == "demand_served":
        load = float(case.demand.at[scope, "it_load_mw"])
        cap = float(case.demand.at[scope, "latency_cap_ms"])
        return dict(required=load, reachable=load - amount, unit="MW", explanation=(
            f"demand {scope}: only {load - amount:,.1f} MW of {load:,.1f} MW can be served by sites within its "
            f"{cap:g} ms latency cap (site capacity, max share per site, or policies elsewhere limit it)"))
    if family == "hub_pue_cap":
        sites = _hub_sites(d, scope)
        pue = ratio(sum(v(m.facility_mwh[s]) for s in sites), sum(v(m.it_mwh[s]) for s in sites))
        cap = float(case.hubs.at[scope, "pue_cap"])
        return dict(required=cap, reachable=pue, unit="-", explanation=(
            f"hub {scope}: energy-weighted PUE {pue:.3f} reachable, {cap:.3f} required (no allowed cooling "
            f"technology is efficient enough at its sites, or load must be placed there)"))
    if family == "hub_green_share":
        sites = _hub_sites(d, scope)
        re = set(d.re_sites)
        green = sum((v(m.selfuse_mwh[s]) if s in re else 0.0)
                    + float(case.sites.at[s, "grid_green_share"]) * v(m.import_mwh[s]) for s in sites)
        cons = sum((v(m.selfuse_mwh[s]) if s in re else 0.0) + v(m.import_mwh[s]) for s in sites)
        target = float(case.hubs.at[scope, "min_green_share"])
        share = ratio(green, cons)
        return dict(required=target, reachable=share, unit="-", explanation=(
            f"hub {scope}: green share {share:.2f} reachable, {target:.2f} required (not enough PV/wind "
            f"potential, storage or grid green share at its sites)"))
    if family == "green_selfuse_of_generation":
        share = ratio(v(m.selfuse_mwh[scope]), v(m.generation_mwh[scope]))
        req = st.green_min_selfuse_share_of_generation
        return dict(required=req, reachable=share, unit="-", explanation=(
            f"site {scope}: self-use {share:.2f} of renewable generation reachable, {req:.2f} required"))
    if family == "green_selfuse_of_consumption":
        cons = v(m.selfuse_mwh[scope]) + v(m.import_mwh[scope])
        share = ratio(v(m.selfuse_mwh[scope]), cons)
        req = st.green_min_selfuse_share_of_consumption
        return dict(required=req, reachable=share, unit="-", explanation=(
            f"site {scope}: self-used renewables cover {share:.2f} of consumption, {req:.2f} required "
            f"(PV/wind potential max_pv_mw/max_wind_mw too small for the load placed there)"))
    if family == "green_export_limit":
        share = ratio(v(m.export_mwh[scope]), v(m.generation_mwh[scope]))
        req = st.green_max_export_share_of_generation
        return dict(required=req, reachable=share, unit="-", explanation=(
            f"site {scope}: export {share:.2f} of generation needed, at most {req:.2f} allowed"))
    if family == "green_min_storage_power":
        return dict(required=float("nan"), reachable=float("nan"), unit="MW", explanation=(
            f"site {scope}: battery power short of the minimum share of renewable MW by {amount:,.1f} MW"))
    if family == "carbon_cap":
        cap = float(st.carbon_cap_tco2_per_yr)
        return dict(required=cap, reachable=cap + amount, unit="tCO2/yr", explanation=(
            f"carbon cap: at least {cap + amount:,.0f} tCO2/yr needed, cap is {cap:,.0f} tCO2/yr"))
    return dict(required=float("nan"), reachable=float("nan"), unit="", explanation=f"{family} {scope}")


def explain_infeasibility(d: ModelData, *, time_limit_s: float | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Which policy/demand constraints must be violated, by how much, in input terms."""
    m = build_model(d, elastic=True)
    outcome = HighsSolver(m).solve(time_limit_s=time_limit_s, mip_gap=1e-6)
    if not outcome.has_solution:
        msg = ("The case is infeasible even with every policy and demand constraint relaxed: check grid "
               "connection limits (Sites.max_grid_mw) against the site loads, and the Technologies battery "
               "hours (min_hours <= max_hours).")
        return pd.DataFrame(columns=list(INFEASIBILITY_COLUMNS)), [msg]
    rows = []
    for (family, scope), var in m.violation.items():
        amount = float(var.value or 0.0)
        if amount <= _REL_TOL * violation_scale(d, family, scope):
            continue
        rows.append({"constraint": family, "scope": scope, "violation": amount, **_describe(m, d, family, scope,
                                                                                             amount)})
    table = pd.DataFrame(rows, columns=list(INFEASIBILITY_COLUMNS))
    messages = list(table["explanation"])
    if not messages:
        messages = ["HiGHS reported the case infeasible, but relaxing policies found no violation: the case "
                    "is numerically borderline; try again with a slightly looser policy value."]
    return table, messages
