"""The annualised cost components (CNY/yr), declared once as model expressions.

`m.site_cost[c, s]` is component c at site s; `m.cost[c]` is its total over the sites (the sum of the same
site parts), and the objective (`planner.model.build.define_objective`) is the sum of the totals. Every result that shows a cost (the cost
breakdown, each site's cost, the Summary) reads these expressions' values; none recomputes a cost from the
inputs. The one total that is not written as the sum of its site parts is carbon: `m.cost["carbon"]` prices
the global `emissions_tco2` column (as the decomposition expects), and the `emissions_definition` row makes that
column equal to the sum of the sites' `site_emissions_tco2`, which the site parts price.
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression, NegationExpression

from planner.model.cost_components import CAPEX_COMPONENTS, COST_COMPONENTS, PRICED_GLOBALLY
from planner.model.capex import capex_terms, define_capex
from planner.model.data import ModelData
from planner.model import embodied_carbon, flexible_load, green_trade
from planner.model.waste_heat import heat_cost_parts
from planner.model.water import water_cost_parts
from planner.pyomo_fast.elements import elements



def term(c: float, x):
    """c * x as Pyomo's operator builds it (1 * x is x, 0 * x stays a zero term), without operator dispatch."""
    return x if c == 1 else MonomialTermExpression((c, x))


def hourly_sum(x: pyo.Var, s: str, d: ModelData, c) -> LinearExpression:
    """sum over hours t of w[s]_t c[s]_t x[s, t] (w: `ModelData.weights`), skipping hours where c[s]_t = 0."""
    x = elements(x)
    return LinearExpression([term(wc, x[s, t]) for t, (ct, wc) in
                             enumerate(zip(c[s].tolist(), (d.weights(s) * c[s]).tolist())) if ct != 0])


def define_site_emissions(m: pyo.ConcreteModel, d: ModelData) -> None:
    """site_emissions_tco2[s]: the site's annual grid import x (hourly) emission factor, less what `market`
    accounting takes off for green purchases (`green_trade`), plus embodied emissions where they are priced."""
    embodied = embodied_carbon.priced(d)

    def site(m, s):
        grid = hourly_sum(m.grid_import_mw, s, d, d.ef)
        extra = [e for e in (green_trade.market_credit_tco2(m, d, s), m.site_embodied_tco2[s].expr if embodied
                             else 0.0) if not (type(e) is float and e == 0.0)]
        return grid + sum(extra) if extra else grid

    m.site_emissions_tco2 = pyo.Expression(m.S, initialize=site, doc="annual emissions of a site (tCO2/yr)")


def _site_parts(m: pyo.ConcreteModel, d: ModelData) -> dict[str, dict[str, object]]:
    """{component: {site: expression}}; a site without the component is left out. The capex components are the
    overnight capex terms (`planner.model.capex`) times their annualisation factors."""
    case = d.case
    sites = case.sites
    load_mw = case.demand["it_load_mw"].astype(float).to_dict()
    grid_cost, export_price = (sites[n].astype(float).to_dict() for n in (
        "grid_connection_cost_cny_per_mw_yr", "export_price_cny_per_mwh"))
    terms = capex_terms(d)
    define_capex(m, d, terms)
    capex: dict[str, dict[str, list]] = {c: {} for c in CAPEX_COMPONENTS}
    for t in terms:
        capex[t.component].setdefault(t.site, []).append(t.annual_cny * getattr(m, t.var)[t.index])
    exp = elements(m.export_mw)
    service: dict[str, list] = {}
    for i, s, c in zip(d.pairs["demand_id"], d.pairs["site_id"], d.pairs["service_cost_cny_per_mw_yr"]):
        if c != 0:
            service.setdefault(s, []).append(float(c) * load_mw[i] * m.assign_share[i, s])
    return {
        **{c: {s: parts[0] if len(parts) == 1 else sum(parts) for s, parts in by_site.items()}
           for c, by_site in capex.items()},
        "grid_connection": {s: grid_cost[s] * m.grid_mw[s] for s in d.sites},
        "energy": {s: hourly_sum(m.grid_import_mw, s, d, d.price) for s in d.sites},
        "service": {s: sum(terms) for s, terms in service.items()},
        "carbon": {s: m.carbon_price * m.site_emissions_tco2[s] for s in d.sites},
        **green_trade.cost_parts(m, d), **flexible_load.cost_parts(m, d),
        "export_revenue": {s: -LinearExpression([term(c, exp[s, t]) for t, c in enumerate(
            (d.weights(s) * export_price[s]).tolist())]) for s in d.export_sites if export_price[s] != 0},
        "water": water_cost_parts(m, d),
        **heat_cost_parts(m, d),
    }


def flat_sum(parts: list):
    """The sum of a component's site parts, built from the parts themselves (not their named expressions): the
    persistent hand-off walks each named expression, and a total over named site parts made it 1.7 x slower on
    capa. Linear parts (or negated linear parts) become one LinearExpression of all their terms."""
    if not parts:
        return 0.0
    if all(type(e) is LinearExpression or type(e) is MonomialTermExpression for e in parts):
        return LinearExpression([t for e in parts for t in (e.args if type(e) is LinearExpression else (e,))])
    if all(type(e) is NegationExpression and type(e.args[0]) is LinearExpression for e in parts):
        return -LinearExpression([t for e in parts for t in e.args[0].args])
    return sum(parts)


def define_costs(m: pyo.ConcreteModel, d: ModelData) -> None:
    """site_cost[c, s] for every component and site (0 where the site has none), cost[c] their total."""
    m.carbon_price = pyo.Param(mutable=True, initialize=d.case.settings.carbon_price_cny_per_tco2)
    parts = _site_parts(m, d)
    m.C = pyo.Set(initialize=COST_COMPONENTS, ordered=True, doc="cost components")
    m.site_cost = pyo.Expression(m.C, m.S, initialize=lambda m, c, s: parts[c].get(s, 0.0),
                                 doc="annualised cost of component c at site s (CNY/yr)")

    def total(m, c):
        if c in PRICED_GLOBALLY:
            return m.carbon_price * m.emissions_tco2
        return flat_sum(list(parts[c].values()))

    m.cost = pyo.Expression(m.C, initialize=total, doc="annualised cost of component c (CNY/yr)")
