"""Waste-heat reuse: heat recovered from the IT load and sold to a heat demand (district heating), the heat
pumps' electricity, the recovery plant, and the hubs' minimum reuse rate (`models/formulation.md`, Water and
waste heat).

Only (site, cooling) pairs of a site with a heat demand profile and a technology with a recoverable share get
heat variables, and only at the time steps with heat demand (SKHT; a heating season's summer hours have none).
Hourly, with no big-M:
    heat_mw[s,k,t] <= share_k x sum_p u_p(t) x it_load_mw[s,k,p]     (heat_within_recoverable)
    sum_k heat_mw[s,k,t] <= sum_k heat_recovery_mw[s,k]               (heat_within_plant)
    sum_k heat_mw[s,k,t] <= heat demand[s,t] x sum_k cool[s,k]         (heat_within_demand)
    heat_recovery_mw[s,k] <= share_k x it_mw[s,k]                      (heat_plant_within_capacity)
The plant rows are per site and hour, not per technology: with one technology per site, the capacity row keeps
an unchosen technology's plant at 0, so the site-level row is exact and has a quarter of the rows.
The demand row's right-hand side is the hour's heat demand times the binaries of the site's heat-recovering
technologies: the same integer solutions (heat needs IT load under a chosen heat-recovering technology), but in the
LP relaxation a site open by a fraction sells at most that fraction of its heat demand, where the plain demand
bound let it sell all of it (a tighter relaxation: the decomposition's bound is the LP relaxation's). The demand is
the row's own bound, not a big-M.
The heat pumps' electricity, e_k x heat_mw[s,k,t], joins the facility load in the energy balance and the
annual facility energy (so PUE, grid import, emissions and the green rules count it).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from planner.model.data import ModelData
from planner.model.policies import required
from planner.model.water import relax
from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.rows import add_rows


def _cooling(d: ModelData, column: str) -> dict[str, float]:
    return d.case.cooling[column].astype(float).to_dict()


def heat_pairs(d: ModelData) -> list[tuple[str, str]]:
    """SKH: (site, cooling) pairs that can recover heat for a heat demand, at the model's sites."""
    tech = d.facility.heat_tech if d.facility is not None else {}
    keep = set(d.sites)
    return [(s, k) for s, ks in tech.items() if s in keep for k in ks]


def define_waste_heat(m: pyo.ConcreteModel, d: ModelData) -> None:
    """heat_recovery_mw[s,k], heat_mw[s,k,t], their rows, site_heat_mwh[s] and site_heat_pump_mwh[s] (MWh/yr)."""
    pairs = heat_pairs(d)
    share, pump = _cooling(d, "heat_recoverable_share"), _cooling(d, "heat_pump_mwh_per_mwh")
    max_it = d.case.sites["max_it_mw"].astype(float).to_dict()
    f = d.facility
    sites = list(dict.fromkeys(s for s, _ in pairs))
    hours = {s: [t for t, x in enumerate(f.heat_demand_mw[s].tolist()) if x > 0] for s in sites}  # demand > 0
    m.SKH = pyo.Set(initialize=pairs, dimen=2, ordered=True, doc="(site, cooling) pairs that can recover heat")
    m.HS = pyo.Set(initialize=sites, ordered=True, doc="sites selling heat")
    m.HST = pyo.Set(initialize=[(s, t) for s in sites for t in hours[s]], dimen=2, ordered=True,
                    doc="(heat site, time step with heat demand)")
    m.SKHT = pyo.Set(initialize=[(s, k, t) for s, k in pairs for t in hours[s]], dimen=3, ordered=True,
                     doc="(site, cooling, time step) of SKH at the site's hours with heat demand")
    m.heat_recovery_mw = pyo.Var(m.SKH, bounds=lambda _, s, k: (0, share[k] * max_it[s]),
                                 doc="heat-recovery plant capacity (MW of heat)")
    m.heat_mw = pyo.Var(m.SKHT, domain=pyo.NonNegativeReals, doc="recovered heat delivered (MW)")
    heat, load, plant = elements(m.heat_mw), elements(m.it_load_mw), elements(m.heat_recovery_mw)
    groups = {(s, k): d.groups_of(s, k) for s, k in pairs}

    def recoverable(s, k, t):  # heat - share x sum_p u_p(t) it_load <= 0
        ps = groups[s, k]
        return [1.0, *(-share[k] * float(f.heat_util[s, p][t]) for p in ps)], [heat[s, k, t], *(load[s, k, p] for p in ps)]

    add_rows(m, "heat_within_recoverable", (m.SKHT,), recoverable, equality=False)
    techs = {s: [k for s2, k in pairs if s2 == s] for s in m.HS}
    add_rows(m, "heat_within_plant", (m.HST,), lambda s, t: (
        [1.0] * len(techs[s]) + [-1.0] * len(techs[s]), [*(heat[s, k, t] for k in techs[s]),
                                                         *(plant[s, k] for k in techs[s])]), equality=False)
    m.heat_plant_within_capacity = pyo.Constraint(m.SKH, rule=lambda m, s, k: (
        m.heat_recovery_mw[s, k] <= share[k] * m.it_mw[s, k]))
    cool = elements(m.cool)
    add_rows(m, "heat_within_demand", (m.HST,), lambda s, t: (  # heat - demand x sum_k cool[s,k] <= 0
        [1.0] * len(techs[s]) + [-float(f.heat_demand_mw[s][t])] * len(techs[s]),
        [*(heat[s, k, t] for k in techs[s]), *(cool[s, k] for k in techs[s])]), equality=False)

    def annual(s: str, per_mwh) -> LinearExpression | float:
        w = d.weights(s).tolist()
        terms = [MonomialTermExpression((w[t] * per_mwh(k), heat[s, k, t])) for k in techs.get(s, ())
                 for t in hours.get(s, ()) if per_mwh(k) != 0]
        return LinearExpression(terms) if terms else 0.0

    m.site_heat_mwh = pyo.Expression(m.S, initialize=lambda m, s: annual(s, lambda k: 1.0),
                                     doc="annual recovered heat delivered (MWh/yr)")
    m.site_heat_pump_mwh = pyo.Expression(m.S, initialize=lambda m, s: annual(s, lambda k: pump[k]),
                                          doc="annual heat-pump electricity (MWh/yr)")


def define_min_heat_reuse(m: pyo.ConcreteModel, d: ModelData) -> None:
    """hub_min_heat_reuse[h]: the hub's recovered heat >= its minimum reuse rate x its IT energy (after the annual
    energies)."""
    sites_of_hub = {h: [s for s in d.sites if d.site_hub[s] == h] for h in d.hubs}

    def min_reuse(m, h):
        rate = required("hub_min_heat_reuse", d.case, h)
        if math.isnan(rate) or rate <= 0 or not sites_of_hub[h]:
            return pyo.Constraint.Skip
        return (sum(m.site_heat_mwh[s] for s in sites_of_hub[h]) + relax(m, "hub_min_heat_reuse", h)
                >= rate * sum(m.it_mwh[s] for s in sites_of_hub[h]))

    m.hub_min_heat_reuse = pyo.Constraint(m.H, rule=min_reuse)


def heat_pump_load(m: pyo.ConcreteModel, d: ModelData) -> dict:
    """Per heat site, t -> (coefficients, variables) of minus its heat pumps' electricity at time step t, for the
    energy balance (facility load enters it negatively)."""
    pump = _cooling(d, "heat_pump_mwh_per_mwh")
    heat = elements(m.heat_mw)
    techs: dict[tuple[str, int], list[str]] = {}
    for s, k, t in m.SKHT:
        if pump[k] != 0:
            techs.setdefault((s, t), []).append(k)
    sites = {s for s, _ in techs}
    return {s: (lambda t, s=s: ([-pump[k] for k in techs.get((s, t), ())], [heat[s, k, t] for k in techs.get((s, t), ())]))
            for s in sites}


def heat_pump_mwh(m: pyo.ConcreteModel, s: str):
    """The site's annual heat-pump electricity (MWh/yr) for its annual facility energy; 0 where it has none."""
    return m.site_heat_pump_mwh[s] if s in m.HS else 0.0


def heat_cost_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, dict[str, object]]:
    """The 'heat_revenue' cost component per site: minus heat price x heat delivered. (The plant's capex,
    'heat_recovery', is a capex term: `planner.model.capex`.)"""
    price = d.case.sites["heat_price_cny_per_mwh"].astype(float).to_dict()
    return {"heat_revenue": {s: -price[s] * m.site_heat_mwh[s] for s in m.HS if price[s] != 0}}


