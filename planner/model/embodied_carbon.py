"""Embodied carbon: the emissions of building PV, wind, batteries, IT and cooling, spread over their lifetimes.

`site_embodied_tco2[s]` (tCO2/yr) = sum over technologies of (tCO2 per MW or MWh) / lifetime x capacity:
PV and wind MW (Technologies.embodied_tco2_per_mw), battery MW and MWh (embodied_tco2_per_mw, _per_mwh), new
IT MW (Settings.it_embodied_tco2_per_mw over it_lifetime_yr) and IT MW per cooling technology
(Cooling.embodied_tco2_per_mw_it). Always reported; counted in `site_emissions_tco2` (and so under the carbon
price, cap and emissions objective) only with Settings.embodied_carbon_priced.
"""

from __future__ import annotations

import pyomo.environ as pyo

from planner.model.data import ModelData


def _per_year(d: ModelData, tech: str, column: str) -> float:
    t = d.case.technologies
    value = float(t.at[tech, column]) if column in t else 0.0
    return 0.0 if not value > 0 else value / float(t.at[tech, "lifetime_yr"])


def define_embodied_carbon(m: pyo.ConcreteModel, d: ModelData) -> None:
    """site_embodied_tco2[s]: the site's embodied emissions per year (an expression of its capacities)."""
    st, sites, cooling = d.case.settings, d.case.sites, d.case.cooling
    pv, wind = _per_year(d, "pv", "embodied_tco2_per_mw"), _per_year(d, "wind", "embodied_tco2_per_mw")
    bat_mw, bat_mwh = _per_year(d, "battery", "embodied_tco2_per_mw"), _per_year(d, "battery", "embodied_tco2_per_mwh")
    it = float(st.it_embodied_tco2_per_mw) / float(st.it_lifetime_yr)
    cool = {k: float(cooling.at[k, "embodied_tco2_per_mw_it"]) / float(cooling.at[k, "lifetime_yr"])
            for k in cooling.index} if "embodied_tco2_per_mw_it" in cooling else {}
    pv_s, wind_s, re_s = set(d.pv_sites), set(d.wind_sites), set(d.re_sites)

    def site(m, s):
        terms = []
        if it > 0:
            terms.append(it * float(sites.at[s, "module_mw"]) * m.modules[s])
        terms += [cool[k] * m.it_mw[s, k] for site, k in d.site_tech if site == s and cool.get(k, 0.0) > 0]
        if pv > 0 and s in pv_s:
            terms.append(pv * m.pv_mw[s])
        if wind > 0 and s in wind_s:
            terms.append(wind * m.wind_mw[s])
        if s in re_s:
            terms += ([bat_mw * m.battery_mw[s]] if bat_mw > 0 else []) + ([bat_mwh * m.battery_mwh[s]] if bat_mwh > 0
                                                                            else [])
        return sum(terms) if terms else 0.0

    m.site_embodied_tco2 = pyo.Expression(m.S, rule=site, doc="embodied emissions of a site (tCO2/yr)")


def priced(d: ModelData) -> bool:
    """Whether embodied emissions count under the carbon price, cap and emissions objective."""
    return bool(d.case.settings.embodied_carbon_priced)
