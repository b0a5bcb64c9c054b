"""Turn a solved model into the `Result` tables: KPIs, costs, sites, assignments, policy checks, dispatch."""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.model import policies, roles
from planner.model.cost_components import COST_COMPONENTS
from planner.model.data import ModelData
from planner.model.policies import Annual
from planner.pyomo_fast.elements import elements, values
from planner.pyomo_fast.evaluate import value_of
from planner.results.green_share import hub_green_parts, with_hub_parts, with_policy_parts
from planner.results.investment import hub_table, investment_kpis, investment_table
from planner.results.schema import kpi_rows
from planner.results.result import (ASSIGNMENT_COLUMNS, DISPATCH_COLUMNS, POLICY_COLUMNS, SITE_COLUMNS,
                            Result, SolveInfo)

TOL = 1e-6


def _values(var) -> dict:
    return dict(zip(elements(var), values(var, missing=0.0).tolist()))


def _share(num: float, den: float) -> float:
    return num / den if den > TOL else float("nan")


class _Solution:
    """Primal values of one solved model, as dicts and per-site hourly arrays."""

    def __init__(self, m: pyo.ConcreteModel, d: ModelData):
        self.d = d
        # every site family (`roles.csv`): the hourly ones (indexed by site and time step) as per-site arrays, the
        # others as {index: value}, an attribute named after the family
        self.hourly: dict[str, dict[str, np.ndarray]] = {}
        for var in m.component_objects(pyo.Var, active=True):
            if roles.role(var.local_name).scope != "site":
                continue
            sets = list(var.index_set().subsets())
            if len(sets) == 2 and sets[1] is m.T and sets[0].dimen not in (2, 3):
                self.hourly[var.local_name] = self._hourly(var)
            else:
                setattr(self, var.local_name, _values(var))
        load = d.case.demand["it_load_mw"].astype(float)
        self.assign_mw = {(i, s): load[i] * v for (i, s), v in self.assign_share.items()}
        self.emissions_tco2 = float(pyo.value(m.emissions_tco2))
        self.costs = {c: value_of(m.cost[c]) for c in COST_COMPONENTS}
        self.site_cost = {s: sum(value_of(m.site_cost[c, s]) for c in COST_COMPONENTS) for s in d.sites}
        self.site_emissions = {s: value_of(m.site_emissions_tco2[s]) for s in d.sites}
        self.site_capex = {(c, s): value_of(m.site_capex[c, s]) for c in m.CA for s in d.sites}
        self.site_capex_total = {s: sum(self.site_capex[c, s] for c in m.CA) for s in d.sites}
        # compute-power coordination (issue 23): embodied carbon, flexible load's moves and saving
        self.embodied = {s: value_of(m.site_embodied_tco2[s]) for s in d.sites}
        self.flex_saving = value_of(m.flexible_saving_cny)
        self.moved: dict[str, np.ndarray] = {}  # IT load moved in less moved out, per site and time step
        self.moved_in: dict[str, np.ndarray] = {}
        for (s, k, c, t), v in self.flex_in_mw.items():
            self.moved.setdefault(s, np.zeros(d.n_t))[t] += v
            self.moved_in.setdefault(s, np.zeros(d.n_t))[t] += v
        for (s, k, c, t), v in self.flex_out_mw.items():
            self.moved[s][t] -= v
        self.facility = {s: (value_of(m.site_water_m3[s]), value_of(m.site_heat_mwh[s]),  # water and waste heat
                             value_of(m.site_heat_pump_mwh[s]), -value_of(m.site_cost["heat_revenue", s]))
                         for s in d.sites}

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

    def it_and_facility_load(self, s: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Original IT load, served IT load (after flexible moves) and facility load of site s per time step."""
        d = self.d
        it, fac = np.zeros(d.n_t), np.zeros(d.n_t)
        for (s2, k, p), v in self.it_load_mw.items():
            if s2 == s and v > TOL:
                it += v * d.utilisation[p]
                fac += v * d.utilisation[p] * d.pue[s, k]
        for sign, moves in ((1.0, self.flex_in_mw), (-1.0, self.flex_out_mw)):
            for (s2, k, _, t), v in moves.items():
                if s2 == s:
                    fac[t] += sign * v * d.pue[s, k][t]
        pump = d.case.cooling["heat_pump_mwh_per_mwh"]  # waste heat: the heat pumps' electricity
        for (s2, k, t), v in self.heat_mw.items():
            if s2 == s and v > TOL:
                fac[t] += float(pump[k]) * v
        return it, it + self.moved.get(s, 0.0), fac

    def moved_mwh(self, s: str) -> float:
        """IT energy moved into other hours at site s per year."""
        return max(float(self.d.weights(s) @ self.moved_in[s]), 0.0) if s in self.moved_in else 0.0

    def chosen_cooling(self, s: str) -> str | None:
        best = max(((v, k) for (s2, k), v in self.cool.items() if s2 == s), default=(0.0, None))
        return best[1] if best[0] > 0.5 else None


def site_table(sol: _Solution, d: ModelData) -> pd.DataFrame:
    # the tables as dicts of rows: `.at` is slow per cell
    sites, cooling = (t.to_dict("index") for t in (d.case.sites, d.case.site_cooling))
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
            "green_share": _share(selfuse + site["grid_green_share"] * imp + sol.certificate_mwh.get(s, 0.0)
                                  + sol.contract_mwh.get(s, 0.0), consumption),
            "emissions_tco2": sol.site_emissions[s],
            "certificate_mwh": sol.certificate_mwh.get(s, 0.0), "contract_mwh": sol.contract_mwh.get(s, 0.0),
            "embodied_tco2": sol.embodied[s], "flexible_moved_mwh": sol.moved_mwh(s),
            "cost_cny": sol.site_cost[s],
            "capex_cny": sol.site_capex_total[s],
            **_facility_columns(*sol.facility[s], it_mwh),
        })
    return pd.DataFrame(rows, columns=list(SITE_COLUMNS))


def _facility_columns(water_m3: float, heat_mwh: float, pump_mwh: float, revenue: float, it_mwh: float) -> dict:
    """The Sites table's water and waste-heat columns."""
    return {"water_m3": water_m3, "wue_l_per_kwh": _share(water_m3, it_mwh), "heat_recovered_mwh": heat_mwh,
            "heat_pump_mwh": pump_mwh, "heat_reuse_share": _share(heat_mwh, it_mwh), "heat_revenue_cny": revenue}


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


def _policy_row(policy: str, scope: str, required: float, achieved: float, scale: float = 1.0) -> dict:
    rule = policies.POLICIES[policy]
    sense = rule.sense
    slack = required - achieved if sense == "<=" else (achieved - required if sense == ">=" else
                                                       -abs(achieved - required))
    tol = TOL * max(1.0, abs(scale), abs(required))
    return {"policy": policy, "scope": scope, "required": required, "achieved": achieved, "slack": slack,
            "unit": rule.unit, "sense": sense, "binding": bool(abs(slack) <= max(tol, 1e-4 * abs(required))),
            "satisfied": bool(slack >= -max(tol, 1e-5 * abs(required)))}


def site_annuals(sites: pd.DataFrame, d: ModelData) -> dict[str, Annual]:
    """Each site's annual quantities (`policies.Annual`) from the Sites table."""
    green = d.case.sites["grid_green_share"].astype(float).to_dict()
    return {r["site_id"]: Annual(
        it_mwh=r["it_energy_mwh"], facility_mwh=r["facility_energy_mwh"], import_mwh=r["grid_import_mwh"],
        green_import_mwh=r["grid_import_mwh"] * green[r["site_id"]], generation_mwh=r["renewable_generation_mwh"],
        selfuse_mwh=r["selfuse_mwh"], export_mwh=r["export_mwh"], pv_mw=r["pv_mw"], wind_mw=r["wind_mw"],
        battery_mw=r["battery_mw"], purchased_green_mwh=r["certificate_mwh"] + r["contract_mwh"],
        water_m3=r["water_m3"], heat_mwh=r["heat_recovered_mwh"])
        for r in sites.to_dict("records")}


def policy_table(sites: pd.DataFrame, assignments: pd.DataFrame, sol: _Solution, d: ModelData) -> pd.DataFrame:
    """Every policy instance with required vs achieved values (`planner.model.policies`)."""
    case, st = d.case, d.case.settings
    annual = site_annuals(sites, d)
    rows = []

    def rule(name: str, scope: str, a: Annual) -> None:
        rows.append(_policy_row(name, scope, policies.required(name, case, scope, a), policies.achieved(name, a)))

    for h in case.hubs.index:
        hub_sites = [s for s in d.sites if d.site_hub[s] == h]
        if not hub_sites:
            continue
        a = sum((annual[s] for s in hub_sites), Annual())
        if a.it_mwh > TOL:
            rule("hub_pue_cap", h, a)
        if policies.applies("hub_green_share", case, h) and a.consumption_mwh > TOL:
            rule("hub_green_share", h, a)
        for name in ("hub_wue_cap", "hub_min_heat_reuse"):  # water and waste heat
            if policies.applies(name, case, h) and a.it_mwh > TOL:
                rule(name, h, a)
    for s in d.sites:
        if policies.applies("site_water_limit", case, s):
            rule("site_water_limit", s, annual[s])
    for s in d.re_sites:
        a = annual[s]
        if a.consumption_mwh + a.generation_mwh <= TOL:
            continue
        if a.generation_mwh > TOL:
            rule("green_selfuse_of_generation", s, a)
            rule("green_export_limit" if st.green_export_allowed else "green_no_export", s, a)
        rule("green_selfuse_of_consumption", s, a)
        if policies.applies("green_min_storage_power", case, s):
            rule("green_min_storage_power", s, a)
    for r in assignments.to_dict("records"):
        pair = f"{r['demand_id']} -> {r['site_id']}"
        rows.append(_policy_row("latency_cap", pair, policies.required("latency_cap", case, r["demand_id"]),
                                r["latency_ms"]))
        if policies.applies("max_share_per_site", case, r["demand_id"]):
            rows.append(_policy_row("max_share_per_site", pair,
                                    policies.required("max_share_per_site", case, r["demand_id"]),
                                    r["share_of_demand"]))
    served_mw = assignments.groupby("demand_id")["it_mw"].sum()
    for i in case.demand.index:
        load = policies.required("demand_served", case, i)
        rows.append(_policy_row("demand_served", i, load, float(served_mw.get(i, 0.0)), scale=load))
    if policies.applies("carbon_cap", case, "case"):
        cap = policies.required("carbon_cap", case, "case")
        rows.append(_policy_row("carbon_cap", "case", cap, sol.emissions_tco2, scale=cap))
    return pd.DataFrame(rows, columns=list(POLICY_COLUMNS))


def dispatch_table(sites: pd.DataFrame, sol: _Solution, d: ModelData) -> pd.DataFrame:
    ts = d.case.timesteps
    frames = []
    for s in sites.loc[sites["opened"], "site_id"]:
        it, served, fac = sol.it_and_facility_load(s)
        pv, wind = sol.generation(s)
        frames.append(pd.DataFrame({
            "site_id": s, "t": d.times, "day": ts["day"].to_numpy(), "hour": ts["hour"].to_numpy(),
            "weight_days": ts["weight_days"].to_numpy(), "it_load_mw": it, "served_it_load_mw": served,
            "facility_load_mw": fac,
            "pv_mw": pv, "wind_mw": wind, "grid_import_mw": sol.series("grid_import_mw", s),
            "battery_charge_mw": sol.series("charge_mw", s), "battery_discharge_mw": sol.series("discharge_mw", s),
            "battery_soc_mwh": sol.series("soc_mwh", s), "export_mw": sol.series("export_mw", s),
            "curtailment_mw": sol.series("curtail_mw", s)}))
    if not frames:
        return pd.DataFrame(columns=list(DISPATCH_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(DISPATCH_COLUMNS)]


def _peak_reduction(sol: _Solution) -> float:
    """Sum over the sites with flexible load of peak original IT load less peak served IT load (MW)."""
    return float(sum(it.max() - served.max() for it, served, _ in map(sol.it_and_facility_load, sol.moved)))


def kpi_table(sites: pd.DataFrame, sol: _Solution, info: SolveInfo, green_import_mwh: float,
              d: ModelData) -> pd.DataFrame:
    """The KPI values; names, units and descriptions are declared in `planner.results.schema.KPIS`."""
    purchased = sites["certificate_mwh"].sum() + sites["contract_mwh"].sum()
    it_e, fac_e = sites["it_energy_mwh"].sum(), sites["facility_energy_mwh"].sum()
    gen, selfuse = sites["renewable_generation_mwh"].sum(), sites["selfuse_mwh"].sum()
    cons, curtailed = sites["consumption_mwh"].sum(), sites["curtailment_mwh"].sum()
    return kpi_rows({
        "total_cost_cny_per_yr": sum(sol.costs.values()),
        **{f"cost_{c}_cny_per_yr": v for c, v in sol.costs.items()},
        **investment_kpis(sites, sol.site_capex, sum(sol.costs.values()), d),
        "emissions_tco2_per_yr": sol.emissions_tco2,
        "green_share": _share(selfuse + green_import_mwh + purchased, cons),
        "pue_energy_weighted": _share(fac_e, it_e),
        "cue_kgco2_per_kwh_it": _share(sol.emissions_tco2, it_e),
        "renewable_selfuse_share": _share(selfuse, gen),
        "renewable_export_share": _share(sites["export_mwh"].sum(), gen),
        "curtailment_mwh_per_yr": curtailed,
        "curtailment_share": _share(curtailed, gen),
        "certificate_mwh_per_yr": sites["certificate_mwh"].sum(), "contract_mwh_per_yr": sites["contract_mwh"].sum(),
        "embodied_emissions_tco2_per_yr": sites["embodied_tco2"].sum(),
        "sites_opened": int(sites["opened"].sum()),
        "it_capacity_mw": sites["it_mw"].sum(),
        "pv_capacity_mw": sites["pv_mw"].sum(),
        "wind_capacity_mw": sites["wind_mw"].sum(),
        "battery_power_mw": sites["battery_mw"].sum(),
        "battery_energy_mwh": sites["battery_mwh"].sum(),
        "grid_connection_mw": sites["grid_mw"].sum(),
        "it_energy_mwh_per_yr": it_e,
        "facility_energy_mwh_per_yr": fac_e,
        "consumption_mwh_per_yr": cons,
        "grid_import_mwh_per_yr": sites["grid_import_mwh"].sum(),
        "renewable_generation_mwh_per_yr": gen,
        "flexible_moved_mwh_per_yr": sites["flexible_moved_mwh"].sum(),
        "flexible_peak_reduction_mw": _peak_reduction(sol), "flexible_saving_cny_per_yr": sol.flex_saving,
        "water_m3_per_yr": sites["water_m3"].sum(),
        "wue_l_per_kwh": _share(sites["water_m3"].sum(), it_e),
        "heat_recovered_mwh_per_yr": sites["heat_recovered_mwh"].sum(),
        "heat_reuse_share": _share(sites["heat_recovered_mwh"].sum(), it_e),
        "mip_gap": info.gap if info.gap is not None else float("nan"),
        "solve_time_s": info.solve_s,
        "build_time_s": info.build_s,
    })


def postprocess(m: pyo.ConcreteModel, d: ModelData, info: SolveInfo) -> Result:
    """All result tables from a model with loaded primal values."""
    with PauseGC():  # with a large model alive, Python's cyclic GC passes would walk it again and again
        sol = _Solution(m, d)
    sites = site_table(sol, d)
    green_import = float((sites["grid_import_mwh"] * d.case.sites.loc[sites["site_id"], "grid_green_share"]
                          .to_numpy()).sum())
    assignments = assignment_table(sol, d)
    kpis = kpi_table(sites, sol, info, green_import, d)
    costs = pd.DataFrame({"component": list(sol.costs), "cost_cny_per_yr": list(sol.costs.values())})
    green = hub_green_parts(m, d)  # what makes up each hub's green share, from the model's expressions
    policy = with_policy_parts(policy_table(sites, assignments, sol, d), green)
    return Result(case_name=d.case.name, solve=info, kpis=kpis, costs=costs, sites=sites, assignments=assignments,
                  policy=policy, dispatch=dispatch_table(sites, sol, d),
                  hubs=with_hub_parts(hub_table(sites, d), green, policy, d),
                  investment=investment_table(sites, sol.site_capex))
