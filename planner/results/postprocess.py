"""Turn a solved model into the `Result` tables: KPIs, costs, sites, assignments, policy checks, dispatch."""

from __future__ import annotations

from operator import itemgetter, mul

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.expr.numeric_expr import LinearExpression, NegationExpression

from planner.model.build import COST_COMPONENTS
from planner.model.data import ModelData
from planner.pyomo_fast.elements import elements, values
from planner.pyomo_fast.standard_form import plain_linear_terms
from planner.results.result import (ASSIGNMENT_COLUMNS, DISPATCH_COLUMNS, KPI_COLUMNS, POLICY_COLUMNS, SITE_COLUMNS,
                            Result, SolveInfo)

TOL = 1e-6


def _values(var) -> dict:
    return dict(zip(elements(var), values(var, missing=0.0).tolist()))


def _value(expression) -> float:
    """Value of a named expression. The hourly sums (a LinearExpression, or its negation) are added up term by
    term: Pyomo's general evaluation walks each term as a tree and took most of the post-processing time."""
    expr, sign = expression.expr, 1.0
    if type(expr) is NegationExpression and type(expr.args[0]) is LinearExpression:
        expr, sign = expr.args[0], -1.0
    if type(expr) is not LinearExpression:
        return float(pyo.value(expression))
    plain = plain_linear_terms(expr.args)
    if plain is None:
        return float(pyo.value(expression))  # e.g. a mutable parameter as coefficient
    coefs, xs = plain
    return sign * sum(map(mul, coefs, [x.value or 0.0 for x in xs]))


def _share(num: float, den: float) -> float:
    return num / den if den > TOL else float("nan")


class _Solution:
    """Primal values of one solved model, as dicts and per-site hourly arrays."""

    def __init__(self, m: pyo.ConcreteModel, d: ModelData):
        self.d = d
        for name in ("open", "modules", "cool", "it_mw", "assign_share", "it_load_mw", "pv_mw", "wind_mw",
                     "grid_mw", "battery_mw", "battery_mwh", "it_mwh", "facility_mwh", "import_mwh",
                     "generation_mwh", "selfuse_mwh", "export_mwh"):
            setattr(self, name, _values(getattr(m, name)))
        load = d.case.demand["it_load_mw"].astype(float)
        self.assign_mw = {(i, s): load[i] * v for (i, s), v in self.assign_share.items()}
        self.service_cny: dict[str, float] = {}  # per site, over its pairs in the order of d.pairs
        for i, s, c in zip(d.pairs["demand_id"], d.pairs["site_id"], d.pairs["service_cost_cny_per_mw_yr"]):
            self.service_cny[s] = self.service_cny.get(s, 0) + c * self.assign_mw[i, s]
        self.emissions_tco2 = float(pyo.value(m.emissions_tco2))
        self.costs = {c: _value(m.cost[c]) for c in COST_COMPONENTS}
        self.hourly = {name: self._hourly(getattr(m, name)) for name in
                       ("grid_import_mw", "charge_mw", "discharge_mw", "soc_mwh", "export_mw", "curtail_mw")}

    def _hourly(self, var) -> dict[str, np.ndarray]:
        """{site: values by time step} of a variable indexed by (site, time step); 0 where there is no value."""
        index = elements(var)
        sites = list(dict.fromkeys(map(itemgetter(0), index)))
        row = {s: i for i, s in enumerate(sites)}
        table = np.zeros((len(sites), self.d.n_t))
        table[np.fromiter(map(row.__getitem__, map(itemgetter(0), index)), dtype=np.int64, count=len(index)),
              np.fromiter(map(itemgetter(1), index), dtype=np.int64, count=len(index))] = values(var, missing=0.0)
        return dict(zip(sites, table))

    def series(self, name: str, s: str) -> np.ndarray:
        return self.hourly[name].get(s, np.zeros(self.d.n_t))

    def generation(self, s: str) -> tuple[np.ndarray, np.ndarray]:
        d = self.d
        pv = d.pv_cf[s] * self.pv_mw.get(s, 0.0) if s in d.pv_cf else np.zeros(d.n_t)
        wind = d.wind_cf[s] * self.wind_mw.get(s, 0.0) if s in d.wind_cf else np.zeros(d.n_t)
        return pv, wind

    def it_and_facility_load(self, s: str) -> tuple[np.ndarray, np.ndarray]:
        d = self.d
        it, fac = np.zeros(d.n_t), np.zeros(d.n_t)
        for (s2, k, p), v in self.it_load_mw.items():
            if s2 == s and v > TOL:
                it += v * d.utilisation[p]
                fac += v * d.utilisation[p] * d.pue[s, k]
        return it, fac

    def chosen_cooling(self, s: str) -> str | None:
        best = max(((v, k) for (s2, k), v in self.cool.items() if s2 == s), default=(0.0, None))
        return best[1] if best[0] > 0.5 else None


def _site_cost(sol: _Solution, d: ModelData, s: str, site: dict, cooling: dict, tech: dict) -> float:
    """The site's share of the annualised cost (everything but the service cost of other sites); `site`: its
    row of the Sites table, `cooling` and `tech`: the SiteCooling and Technologies tables as dicts of rows."""
    crf, w = d.crf, d.weights(s)
    k = sol.chosen_cooling(s)
    factor = {t: crf[t] + float(tech[t]["fixed_om_share"]) for t in ("pv", "wind", "battery")}
    cost = 0.0 if site["existing_it_mw"] > 0 else crf["site"] * site["fixed_cost_cny"] * sol.open[s]
    cost += crf["it"] * site["it_capex_cny_per_mw"] * site["module_mw"] * sol.modules[s]
    if k is not None:
        cost += crf[f"cooling:{k}"] * cooling[s, k]["capex_cny_per_mw_it"] * sol.it_mw[s, k]
    cost += factor["pv"] * 1000 * tech["pv"]["capex_cny_per_kw"] * sol.pv_mw.get(s, 0.0)
    cost += factor["wind"] * 1000 * tech["wind"]["capex_cny_per_kw"] * sol.wind_mw.get(s, 0.0)
    cost += factor["battery"] * 1000 * (tech["battery"]["capex_cny_per_kw"] * sol.battery_mw.get(s, 0.0)
                                        + tech["battery"]["capex_cny_per_kwh"] * sol.battery_mwh.get(s, 0.0))
    cost += site["grid_connection_cost_cny_per_mw_yr"] * sol.grid_mw[s]
    imp = sol.series("grid_import_mw", s)
    cost += float(w @ (d.price[s] * imp))
    cost += float(pyo.value(d.case.settings.carbon_price_cny_per_tco2)) * float(w @ (d.ef[s] * imp))
    cost -= site["export_price_cny_per_mwh"] * sol.export_mwh.get(s, 0.0)
    cost += sol.service_cny.get(s, 0)
    return float(cost)


def site_table(sol: _Solution, d: ModelData) -> pd.DataFrame:
    # the tables as dicts of rows: `.at` is slow per cell
    sites, cooling, tech = (t.to_dict("index") for t in (d.case.sites, d.case.site_cooling, d.case.technologies))
    rows = []
    for s in d.sites:
        site = sites[s]
        k = sol.chosen_cooling(s)
        it_mwh, fac_mwh = sol.it_mwh[s], sol.facility_mwh[s]
        gen, selfuse, export = sol.generation_mwh.get(s, 0.0), sol.selfuse_mwh.get(s, 0.0), sol.export_mwh.get(s,
                                                                                                             0.0)
        imp = sol.import_mwh[s]
        consumption = selfuse + imp
        w = d.weights(s)
        curtail = float(w @ sol.series("curtail_mw", s))
        pue = _share(fac_mwh, it_mwh)
        if np.isnan(pue) and k is not None:
            pue = float(cooling[s, k]["pue_annual"])
        rows.append({
            "site_id": s, "name": site["name"], "hub_id": site["hub_id"],
            "opened": bool(sol.open[s] > 0.5),
            "it_mw": sum(v for (s2, _), v in sol.it_mw.items() if s2 == s),
            "new_it_mw": float(site["module_mw"] * round(sol.modules[s])), "modules": int(round(sol.modules[s])),
            "cooling_id": k or "", "pue_annual": pue, "it_energy_mwh": it_mwh, "facility_energy_mwh": fac_mwh,
            "pv_mw": sol.pv_mw.get(s, 0.0), "wind_mw": sol.wind_mw.get(s, 0.0),
            "battery_mw": sol.battery_mw.get(s, 0.0), "battery_mwh": sol.battery_mwh.get(s, 0.0),
            "grid_mw": sol.grid_mw[s], "renewable_generation_mwh": gen, "selfuse_mwh": selfuse,
            "export_mwh": export, "curtailment_mwh": curtail, "grid_import_mwh": imp,
            "consumption_mwh": consumption, "selfuse_share_of_generation": _share(selfuse, gen),
            "selfuse_share_of_consumption": _share(selfuse, consumption),
            "export_share_of_generation": _share(export, gen),
            "green_share": _share(selfuse + site["grid_green_share"] * imp, consumption),
            "emissions_tco2": float(w @ (d.ef[s] * sol.series("grid_import_mw", s))),
            "cost_cny": _site_cost(sol, d, s, site, cooling, tech),
        })
    return pd.DataFrame(rows, columns=list(SITE_COLUMNS))


def assignment_table(sol: _Solution, d: ModelData) -> pd.DataFrame:
    load, cap = (d.case.demand[c].to_dict() for c in ("it_load_mw", "latency_cap_ms"))
    rows = []
    for i, s, ms, cost in zip(d.pairs["demand_id"], d.pairs["site_id"], d.pairs["latency_ms"],
                              d.pairs["service_cost_cny_per_mw_yr"]):
        mw = sol.assign_mw[i, s]
        if mw > TOL:
            rows.append({"demand_id": i, "site_id": s, "it_mw": mw, "share_of_demand": mw / load[i],
                         "latency_ms": float(ms), "latency_cap_ms": float(cap[i]),
                         "service_cost_cny": float(cost) * mw})
    return pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))


def _policy_row(policy: str, scope: str, required: float, achieved: float, unit: str, sense: str,
                scale: float = 1.0) -> dict:
    slack = required - achieved if sense == "<=" else (achieved - required if sense == ">=" else
                                                       -abs(achieved - required))
    tol = TOL * max(1.0, abs(scale), abs(required))
    return {"policy": policy, "scope": scope, "required": required, "achieved": achieved, "slack": slack,
            "unit": unit, "sense": sense, "binding": bool(abs(slack) <= max(tol, 1e-4 * abs(required))),
            "satisfied": bool(slack >= -max(tol, 1e-5 * abs(required)))}


def policy_table(sites: pd.DataFrame, assignments: pd.DataFrame, sol: _Solution, d: ModelData) -> pd.DataFrame:
    """Every policy constraint instance with required vs achieved values."""
    case, st = d.case, d.case.settings
    rows = []
    by_hub = sites.groupby("hub_id")
    for h, hub in case.hubs.iterrows():
        if h not in by_hub.groups:
            continue
        g = by_hub.get_group(h)
        it_e, fac_e = g["it_energy_mwh"].sum(), g["facility_energy_mwh"].sum()
        if it_e > TOL:
            rows.append(_policy_row("hub_pue_cap", h, float(hub["pue_cap"]), fac_e / it_e, "-", "<="))
        cons = g["consumption_mwh"].sum()
        if not np.isnan(hub["min_green_share"]) and cons > TOL:
            green = (g["selfuse_mwh"] + g["grid_import_mwh"] * case.sites.loc[g["site_id"], "grid_green_share"]
                     .to_numpy()).sum()
            rows.append(_policy_row("hub_green_share", h, float(hub["min_green_share"]), green / cons, "-", ">="))
    re = set(d.re_sites)
    for r in sites[sites["site_id"].isin(re) & (sites["consumption_mwh"] + sites["renewable_generation_mwh"]
                                                   > TOL)].to_dict("records"):
        s = r["site_id"]
        if r["renewable_generation_mwh"] > TOL:
            rows.append(_policy_row("green_selfuse_of_generation", s, st.green_min_selfuse_share_of_generation,
                                    r["selfuse_share_of_generation"], "-", ">="))
            if st.green_export_allowed:
                rows.append(_policy_row("green_export_limit", s, st.green_max_export_share_of_generation,
                                        r["export_share_of_generation"], "-", "<="))
            else:
                rows.append(_policy_row("green_no_export", s, 0.0, r["export_share_of_generation"], "-", "<="))
        rows.append(_policy_row("green_selfuse_of_consumption", s, st.green_min_selfuse_share_of_consumption,
                                r["selfuse_share_of_consumption"], "-", ">="))
        share = st.green_min_storage_power_share
        if share:
            rows.append(_policy_row("green_min_storage_power", s, share * (r["pv_mw"] + r["wind_mw"]),
                                    r["battery_mw"], "MW", ">="))
    max_share = case.demand["max_share_per_site"].to_dict()
    for a in assignments.to_dict("records"):
        rows.append(_policy_row("latency_cap", f"{a['demand_id']} -> {a['site_id']}", a["latency_cap_ms"],
                                a["latency_ms"], "ms", "<="))
        share = max_share[a["demand_id"]]
        if not np.isnan(share):
            rows.append(_policy_row("max_share_per_site", f"{a['demand_id']} -> {a['site_id']}", float(share),
                                    a["share_of_demand"], "-", "<="))
    served_mw = assignments.groupby("demand_id")["it_mw"].sum()
    for i, load in case.demand["it_load_mw"].items():
        served = float(served_mw.get(i, 0.0))
        rows.append(_policy_row("demand_served", i, float(load), served, "MW", "==", scale=load))
    if st.carbon_cap_tco2_per_yr is not None:
        rows.append(_policy_row("carbon_cap", "case", st.carbon_cap_tco2_per_yr, sol.emissions_tco2, "tCO2/yr", "<=",
                                scale=st.carbon_cap_tco2_per_yr))
    return pd.DataFrame(rows, columns=list(POLICY_COLUMNS))


def dispatch_table(sites: pd.DataFrame, sol: _Solution, d: ModelData) -> pd.DataFrame:
    ts = d.case.timesteps
    frames = []
    for s in sites.loc[sites["opened"], "site_id"]:
        it, fac = sol.it_and_facility_load(s)
        pv, wind = sol.generation(s)
        frames.append(pd.DataFrame({
            "site_id": s, "t": d.times, "day": ts["day"].to_numpy(), "hour": ts["hour"].to_numpy(),
            "weight_days": ts["weight_days"].to_numpy(), "it_load_mw": it, "facility_load_mw": fac,
            "pv_mw": pv, "wind_mw": wind, "grid_import_mw": sol.series("grid_import_mw", s),
            "battery_charge_mw": sol.series("charge_mw", s), "battery_discharge_mw": sol.series("discharge_mw", s),
            "battery_soc_mwh": sol.series("soc_mwh", s), "export_mw": sol.series("export_mw", s),
            "curtailment_mw": sol.series("curtail_mw", s)}))
    if not frames:
        return pd.DataFrame(columns=list(DISPATCH_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(DISPATCH_COLUMNS)]


def kpi_table(sites: pd.DataFrame, sol: _Solution, info: SolveInfo, green_import_mwh: float) -> pd.DataFrame:
    total = sum(sol.costs.values())
    it_e, fac_e = sites["it_energy_mwh"].sum(), sites["facility_energy_mwh"].sum()
    gen, selfuse = sites["renewable_generation_mwh"].sum(), sites["selfuse_mwh"].sum()
    imp, cons = sites["grid_import_mwh"].sum(), sites["consumption_mwh"].sum()
    rows = [
        ("total_cost_cny_per_yr", total, "CNY/yr", "Total annualised cost (capex annuities + O&M + energy + "
         "network + carbon - export revenue)"),
        *[(f"cost_{c}_cny_per_yr", v, "CNY/yr", f"Annualised cost: {c.replace('_', ' ')}") for c, v in
          sol.costs.items()],
        ("emissions_tco2_per_yr", sol.emissions_tco2, "tCO2/yr", "Grid-import emissions"),
        ("green_share", _share(selfuse + green_import_mwh, cons), "-",
         "Green share of consumption (self-used renewables + green share of grid import)"),
        ("pue_energy_weighted", _share(fac_e, it_e), "-", "Facility energy / IT energy over all sites"),
        ("cue_kgco2_per_kwh_it", _share(sol.emissions_tco2, it_e), "kgCO2/kWh", "Carbon usage effectiveness: "
         "emissions per kWh of IT energy"),
        ("renewable_selfuse_share", _share(selfuse, gen), "-", "Self-used share of available renewable energy"),
        ("renewable_export_share", _share(sites["export_mwh"].sum(), gen), "-", "Exported share of available "
         "renewable energy"),
        ("curtailment_mwh_per_yr", sites["curtailment_mwh"].sum(), "MWh/yr", "Curtailed renewable energy"),
        ("curtailment_share", _share(sites["curtailment_mwh"].sum(), gen), "-", "Curtailed share of renewables"),
        ("sites_opened", int(sites["opened"].sum()), "count", "Sites opened"),
        ("it_capacity_mw", sites["it_mw"].sum(), "MW", "Total IT capacity"),
        ("pv_capacity_mw", sites["pv_mw"].sum(), "MW", "Direct-connected PV"),
        ("wind_capacity_mw", sites["wind_mw"].sum(), "MW", "Direct-connected wind"),
        ("battery_power_mw", sites["battery_mw"].sum(), "MW", "Battery power"),
        ("battery_energy_mwh", sites["battery_mwh"].sum(), "MWh", "Battery energy"),
        ("grid_connection_mw", sites["grid_mw"].sum(), "MW", "Grid connection capacity"),
        ("it_energy_mwh_per_yr", it_e, "MWh/yr", "IT energy"),
        ("facility_energy_mwh_per_yr", fac_e, "MWh/yr", "Facility energy (IT x PUE)"),
        ("consumption_mwh_per_yr", cons, "MWh/yr", "Electricity consumed (facility + storage losses)"),
        ("grid_import_mwh_per_yr", imp, "MWh/yr", "Grid import"),
        ("renewable_generation_mwh_per_yr", gen, "MWh/yr", "Available direct-connected renewable energy"),
        ("mip_gap", info.gap if info.gap is not None else float("nan"), "-", "Relative MIP gap at the end"),
        ("solve_time_s", info.solve_s, "s", "Solver wall time (hand-off + HiGHS)"),
        ("build_time_s", info.build_s, "s", "Model build time"),
    ]
    return pd.DataFrame(rows, columns=list(KPI_COLUMNS))


def postprocess(m: pyo.ConcreteModel, d: ModelData, info: SolveInfo) -> Result:
    """All result tables from a model with loaded primal values."""
    with PauseGC():  # with a large model alive, Python's cyclic GC passes would walk it again and again
        sol = _Solution(m, d)
    sites = site_table(sol, d)
    green_import = float((sites["grid_import_mwh"] * d.case.sites.loc[sites["site_id"], "grid_green_share"]
                          .to_numpy()).sum())
    assignments = assignment_table(sol, d)
    kpis = kpi_table(sites, sol, info, green_import)
    costs = pd.DataFrame({"component": list(sol.costs), "cost_cny_per_yr": list(sol.costs.values())})
    return Result(case_name=d.case.name, solve=info, kpis=kpis, costs=costs, sites=sites, assignments=assignments,
                  policy=policy_table(sites, assignments, sol, d), dispatch=dispatch_table(sites, sol, d))
