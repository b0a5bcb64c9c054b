"""Overnight capital cost (CNY), declared once: the capex coefficients times the built capacities.

`capex_terms(d)` lists, per capex cost component and site, each built quantity (a model variable), its overnight
capex coefficient (CNY per unit of the variable) and the factor that turns that capex into its annualised cost
(the capital recovery factor of `planner.model.data.capital_recovery_factor`, plus the fixed O&M share for PV,
wind and battery). `planner.model.costs` builds the annualised components from these terms; `define_capex`
builds `m.site_capex[c, s]`, the overnight capex of component c at site s, from the same terms, for the results
(`planner.results`) to read. Neither recomputes the other's coefficients.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from planner.model.cost_components import CAPEX_COMPONENTS
from planner.model.data import KW_PER_MW, ModelData
from planner.model.waste_heat import heat_pairs



@dataclass(frozen=True)
class CapexTerm:
    component: str  # one of CAPEX_COMPONENTS
    site: str
    var: str  # the model variable of the built quantity
    index: object  # its index
    capex_per_unit: float  # overnight capex per unit of the input's price (CNY per MW, or per kW for PV, wind, battery)
    annual_factor: float  # annualised cost per CNY of capex (1/yr): annuity factor (+ fixed O&M share)
    units_per_var: float = 1.0  # price units per unit of the variable (KW_PER_MW for a per-kW price)

    @property
    def capex_cny(self) -> float:
        """Overnight capex per unit of the variable (CNY)."""
        return self.units_per_var * self.capex_per_unit

    @property
    def annual_cny(self) -> float:
        """Annualised cost per unit of the variable (CNY/yr), multiplied in the order the objective always has
        (factor x units, then price): the same coefficients, so the same solver path, as before capex was declared
        here."""
        return (self.annual_factor * self.units_per_var) * self.capex_per_unit


def capex_terms(d: ModelData) -> list[CapexTerm]:
    """Every (component, site, built quantity) with its overnight capex coefficient and annualisation factor."""
    case, crf = d.case, d.crf
    tech, sites = case.technologies, case.sites
    existing, fixed_cost, it_capex, module = (sites[n].astype(float).to_dict() for n in (
        "existing_it_mw", "fixed_cost_cny", "it_capex_cny_per_mw", "module_mw"))
    cooling_capex = case.site_cooling["capex_cny_per_mw_it"].astype(float).to_dict()

    def factor(t: str) -> float:
        return crf[t] + float(tech.at[t, "fixed_om_share"])

    pv_kw, wind_kw, bat_kw, bat_kwh = (float(tech.at[t, c]) for t, c in (
        ("pv", "capex_cny_per_kw"), ("wind", "capex_cny_per_kw"), ("battery", "capex_cny_per_kw"),
        ("battery", "capex_cny_per_kwh")))
    terms = [CapexTerm("site_opening", s, "open", s, fixed_cost[s], crf["site"]) for s in d.sites
             if not existing[s] > 0]
    terms += [CapexTerm("it", s, "modules", s, it_capex[s] * module[s], crf["it"]) for s in d.sites]
    terms += [CapexTerm("cooling", s, "it_mw", (s, k), cooling_capex[s, k], crf[f"cooling:{k}"])
              for s, k in d.site_tech]
    terms += [CapexTerm("pv", s, "pv_mw", s, pv_kw, factor("pv"), KW_PER_MW) for s in d.pv_sites]
    terms += [CapexTerm("wind", s, "wind_mw", s, wind_kw, factor("wind"), KW_PER_MW) for s in d.wind_sites]
    for s in d.re_sites:
        terms += [CapexTerm("battery", s, "battery_mw", s, bat_kw, factor("battery"), KW_PER_MW),
                  CapexTerm("battery", s, "battery_mwh", s, bat_kwh, factor("battery"), KW_PER_MW)]
    heat_capex = case.cooling["heat_recovery_capex_cny_per_mw"].astype(float).to_dict()
    terms += [CapexTerm("heat_recovery", s, "heat_recovery_mw", (s, k), heat_capex[k], crf[f"cooling:{k}"])
              for s, k in heat_pairs(d) if heat_capex[k] != 0]  # the plant lives as long as its cooling
    return terms


def define_capex(m: pyo.ConcreteModel, d: ModelData, terms: list[CapexTerm]) -> None:
    """site_capex[c, s]: the overnight capex (CNY) of component c at site s (0 where the site has none)."""
    parts: dict[tuple[str, str], list] = {}
    for t in terms:
        parts.setdefault((t.component, t.site), []).append(t.capex_cny * getattr(m, t.var)[t.index])
    m.CA = pyo.Set(initialize=CAPEX_COMPONENTS, ordered=True, doc="cost components with a capital cost")
    m.site_capex = pyo.Expression(m.CA, m.S, initialize=lambda m, c, s: sum(parts.get((c, s), [])),
                                  doc="overnight capex of component c at site s (CNY)")
