"""Water: each site's annual water use from the WUE of its cooling, its price, the sites' water limits and the
hubs' WUE caps (`models/formulation.md`, Water and waste heat).

Water use is capacity-level: site_water_m3[s] = sum over (k, p) of water_m3_per_mw[s,k,p] x it_load_mw[s,k,p]
(`planner.model.facility`), so the limits are single annual rows with no hourly variable and no big-M. A site's
limit is multiplied by its open binary: a closed site uses no water, so the integer solutions are the same, and in
the LP relaxation a site open by a fraction gets that fraction of its water limit (a tighter relaxation).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from planner.model.data import ModelData
from planner.model.policies import required


def relax(m: pyo.ConcreteModel, family: str, scope) -> pyo.Var | float:
    """The violation variable of one elastic constraint (`build_model(elastic=True)`), or 0 in the normal model."""
    return m.violation[family, str(scope)] if m.elastic else 0.0


def water_limit_sites(d: ModelData) -> list[str]:
    """Sites with an annual water limit (Sites.max_water_m3_per_yr)."""
    limit = d.case.sites["max_water_m3_per_yr"].astype(float)
    return [s for s in d.sites if not math.isnan(limit[s])]


def define_water(m: pyo.ConcreteModel, d: ModelData) -> None:
    """site_water_m3[s] (m3/yr); site_water_limit[s]: within the site's limit; hub_wue_cap[h]: the hub's water
    m3 <= its WUE cap (L/kWh = m3/MWh) x its IT MWh."""
    coef = d.facility.water_m3_per_mw if d.facility is not None else {}
    terms: dict[str, list] = {}
    for (s, k, p), c in coef.items():
        if (s, k, p) in m.it_load_mw:
            terms.setdefault(s, []).append(MonomialTermExpression((c, m.it_load_mw[s, k, p])))
    m.site_water_m3 = pyo.Expression(m.S, initialize=lambda m, s: LinearExpression(terms[s]) if s in terms else 0.0,
                                     doc="annual water use of a site (m3/yr)")
    limit = d.case.sites["max_water_m3_per_yr"].astype(float).to_dict()
    m.SWL = pyo.Set(initialize=water_limit_sites(d), ordered=True, doc="sites with a water limit")
    # limit x open: the same integer solutions (a closed site uses no water), a tighter LP relaxation
    m.site_water_limit = pyo.Constraint(m.SWL, rule=lambda m, s: (
        m.site_water_m3[s] <= limit[s] * m.open[s] + relax(m, "site_water_limit", s)))
    sites_of_hub = {h: [s for s in d.sites if d.site_hub[s] == h] for h in d.hubs}

    def wue_cap(m, h):
        cap = required("hub_wue_cap", d.case, h)
        if math.isnan(cap) or not sites_of_hub[h]:
            return pyo.Constraint.Skip
        return (sum(m.site_water_m3[s] for s in sites_of_hub[h])
                <= cap * sum(m.it_mwh[s] for s in sites_of_hub[h]) + relax(m, "hub_wue_cap", h))

    m.hub_wue_cap = pyo.Constraint(m.H, rule=wue_cap)


def water_cost_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, object]:
    """The 'water' cost component per site: water price (CNY/m3) x annual water use."""
    price = d.case.sites["water_price_cny_per_m3"].astype(float).to_dict()
    coef = d.facility.water_m3_per_mw if d.facility is not None else {}
    used = {s for s, _, _ in coef}
    return {s: price[s] * m.site_water_m3[s] for s in d.sites if price[s] != 0 and s in used}
