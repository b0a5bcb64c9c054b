"""Investment-grade figures of a plan: overnight capex by site and technology, unit costs, NPV, and the hubs.

Overnight capex is the model's `site_capex[c, s]` (`planner.model.capex`), annualised costs its `site_cost` /
`cost` (`planner.model.costs`); nothing here recomputes a cost from the inputs. The NPV discounts the total
annualised cost with the model's own annuity factor of the study lifetime (`NPV_DEFINITION` in the schema).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.model.cost_components import CAPEX_COMPONENTS
from planner.model.data import KW_PER_MW, ModelData
from planner.results.schema import HUB_COLUMNS, INVESTMENT_COLUMNS, capex_kpi


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den > 1e-9 else float("nan")


def npv_of(annual_cny: float, crf_study: float) -> float:
    """The present value of `annual_cny` paid at the end of each year of the study lifetime: annual / its annuity
    factor (= annual x (1 - (1 + r)^-L) / r; annual x L at r = 0)."""
    return annual_cny / crf_study


def investment_table(sites: pd.DataFrame, site_capex: Mapping[tuple[str, str], float]) -> pd.DataFrame:
    """One row per open site (INVESTMENT_COLUMNS): capex by component, its total, annualised and unit costs."""
    rows = []
    for r in sites.loc[sites["opened"].astype(bool)].to_dict("records"):
        s = r["site_id"]
        capex = {capex_kpi(c): site_capex.get((c, s), 0.0) for c in CAPEX_COMPONENTS}
        rows.append({"site_id": s, "hub_id": r["hub_id"], "it_mw": r["it_mw"], **capex,
                     "capex_total_cny": sum(capex.values()), "cost_cny": r["cost_cny"],
                     "unit_cost_cny_per_kw_it_yr": _ratio(r["cost_cny"], r["it_mw"] * KW_PER_MW),
                     "unit_cost_cny_per_mwh_it": _ratio(r["cost_cny"], r["it_energy_mwh"])})
    return pd.DataFrame(rows, columns=list(INVESTMENT_COLUMNS))


def hub_table(sites: pd.DataFrame, d: ModelData) -> pd.DataFrame:
    """One row per hub with an open site (HUB_COLUMNS): the sums over its open sites (the green share and its
    parts: `planner.results.green_share.with_hub_parts`)."""
    open_sites = sites.loc[sites["opened"].astype(bool)].copy()
    rows = []
    for h in d.case.hubs.index:
        g = open_sites.loc[open_sites["hub_id"] == h]
        if g.empty:
            continue
        it_mw, cost = float(g["it_mw"].sum()), float(g["cost_cny"].sum())
        rows.append({"hub_id": h, "sites_opened": len(g), "it_mw": it_mw, "pv_mw": g["pv_mw"].sum(),
                     "wind_mw": g["wind_mw"].sum(), "battery_mw": g["battery_mw"].sum(),
                     "capex_cny": g["capex_cny"].sum(), "cost_cny": cost,
                     "unit_cost_cny_per_kw_it_yr": _ratio(cost, it_mw * KW_PER_MW),
                     "it_energy_mwh": g["it_energy_mwh"].sum(), "consumption_mwh": g["consumption_mwh"].sum(),
                     "green_share": float("nan"),  # the model's parts (`planner.results.green_share`)
                     "pue": _ratio(g["facility_energy_mwh"].sum(), g["it_energy_mwh"].sum()),
                     "emissions_tco2": g["emissions_tco2"].sum()})
    return pd.DataFrame(rows, columns=list(HUB_COLUMNS))


def investment_kpis(sites: pd.DataFrame, site_capex: Mapping[tuple[str, str], float], total_cost_cny: float,
                    d: ModelData) -> dict[str, float]:
    """The Investment KPIs: overnight capex (total and by component), NPV of cost, unit costs."""
    by_component = {capex_kpi(c): float(np.sum([v for (c2, _), v in site_capex.items() if c2 == c]))
                    for c in CAPEX_COMPONENTS}
    it_kw = float(sites["it_mw"].sum()) * KW_PER_MW
    return {"capex_total_cny": sum(by_component.values()), **by_component,
            "npv_cost_cny": npv_of(total_cost_cny, d.crf["site"]),
            "unit_cost_cny_per_kw_it_yr": _ratio(total_cost_cny, it_kw),
            "unit_cost_cny_per_mwh_it": _ratio(total_cost_cny, float(sites["it_energy_mwh"].sum()))}


__all__ = ["hub_table", "investment_kpis", "investment_table", "npv_of"]
