"""Build the planning MILP in Pyomo, one function per variable or constraint family.

The names of sets, variables, constraints and expressions here are the names in `models/formulation.md`;
`tests/test_formulation_doc.py` keeps the two in sync.

Binaries sit only on capacity-level decisions (open, cooling choice, module count); every hourly
quantity is a linear function of continuous variables, so there is no hourly big-M.
"""

from __future__ import annotations

import math

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from planner.model import roles
from planner.model.costs import define_costs, define_site_emissions, flat_sum
from planner.input.case import HOURS_PER_YEAR
from planner.model.data import ModelData
from planner.model import flexible_load, green_trade
from planner.model.embodied_carbon import define_embodied_carbon
from planner.model.policies import required
from planner.model.waste_heat import define_min_heat_reuse, define_waste_heat, heat_pump_load, heat_pump_mwh
from planner.model.water import define_water
from planner.pyomo_fast.elements import elements
from planner.pyomo_fast.rows import add_rows, weighted_sum

def _define_within(m: pyo.ConcreteModel, name: str, sites: pyo.Set, x: pyo.Var, capacity: pyo.Var) -> None:
    """m.<name>[s, t]: x[s, t] <= capacity[s], written x[s, t] - capacity[s] <= 0 (see `add_rows`)."""
    xs, cap = elements(x), elements(capacity)
    add_rows(m, name, (sites, m.T), lambda s, t: ([1, -1], [xs[s, t], cap[s]]), equality=False)


def _columns(frame, *names: str) -> list[dict]:
    """Columns of a table as {index: float} dicts, for lookups in loops (`frame.at` is slow per element)."""
    return [frame[n].astype(float).to_dict() for n in names]


def _over_time(elements: dict, s: str, n_t: int) -> list:
    return [elements[s, t] for t in range(n_t)]


def _relax(m: pyo.ConcreteModel, family: str, scope) -> pyo.Var | float:
    """The violation variable of one elastic constraint, or 0 in the normal model."""
    if not m.elastic:
        return 0.0
    return m.violation[family, str(scope)]


def define_sets(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Sparse index sets: only allowed pairs, only open-able technologies, only sites with potential."""
    m.S = pyo.Set(initialize=d.sites, ordered=True, doc="candidate sites")
    m.H = pyo.Set(initialize=d.hubs, ordered=True, doc="hubs")
    m.D = pyo.Set(initialize=d.demands, ordered=True, doc="demand regions")
    m.K = pyo.Set(initialize=d.cooling, ordered=True, doc="cooling technologies")
    m.T = pyo.Set(initialize=d.times, ordered=True, doc="time steps")
    m.P = pyo.Set(initialize=d.load_groups, ordered=True, doc="load profile groups")
    m.SK = pyo.Set(initialize=d.site_tech, dimen=2, ordered=True, doc="allowed (site, cooling) pairs")
    m.DS = pyo.Set(initialize=list(zip(d.pairs["demand_id"], d.pairs["site_id"])), dimen=2, ordered=True,
                   doc="latency-feasible (demand, site) pairs")
    m.SP = pyo.Set(initialize=[(s, p) for s in d.sites for p in d.site_groups.get(s, [])], dimen=2, ordered=True,
                   doc="(site, load group) with a reachable demand")
    m.SKP = pyo.Set(initialize=[(s, k, p) for s, k in d.site_tech for p in d.groups_of(s, k)], dimen=3,
                    ordered=True, doc="(site, cooling, load group) with a reachable demand")
    m.SPV = pyo.Set(initialize=d.pv_sites, ordered=True, doc="sites with PV potential")
    m.SW = pyo.Set(initialize=d.wind_sites, ordered=True, doc="sites with wind potential")
    m.SR = pyo.Set(initialize=d.re_sites, ordered=True, doc="sites with renewable potential")
    m.SX = pyo.Set(initialize=d.export_sites, ordered=True, doc="sites that may export")


def define_siting(m: pyo.ConcreteModel, d: ModelData) -> None:
    """open[s], modules[s]; IT capacity in whole modules on top of existing capacity."""
    max_it, existing, module = _columns(d.case.sites, "max_it_mw", "existing_it_mw", "module_mw")
    must_open = d.case.sites["must_open"].to_dict()

    def module_bounds(_, s):
        room = max_it[s] - existing[s]
        return 0, math.floor(room / module[s] + 1e-9)

    m.open = pyo.Var(m.S, domain=pyo.Binary, doc="site is opened")
    m.modules = pyo.Var(m.S, domain=pyo.NonNegativeIntegers, bounds=module_bounds, doc="new IT modules")
    for s in d.sites:
        if bool(must_open[s]) or existing[s] > 0:
            m.open[s].setlb(1)  # a bound, not fix(): the column stays in the matrix hand-off


def define_cooling(m: pyo.ConcreteModel, d: ModelData) -> None:
    """cool[s,k] binary, it_mw[s,k]: IT capacity disaggregated by cooling technology."""
    max_it, existing, module = _columns(d.case.sites, "max_it_mw", "existing_it_mw", "module_mw")
    m.cool = pyo.Var(m.SK, domain=pyo.Binary, doc="cooling technology k is chosen at site s")
    m.it_mw = pyo.Var(m.SK, domain=pyo.NonNegativeReals, bounds=lambda _, s, k: (0, max_it[s]),
                      doc="IT capacity at site s cooled by k (MW)")

    sk_of_site: dict[str, list[str]] = {}
    for s, k in d.site_tech:
        sk_of_site.setdefault(s, []).append(k)

    m.site_capacity_modules = pyo.Constraint(m.S, rule=lambda m, s: (
        sum(m.it_mw[s, k] for k in sk_of_site.get(s, []))
        == existing[s] + module[s] * m.modules[s]))
    m.cooling_one_per_open_site = pyo.Constraint(m.S, rule=lambda m, s: (
        sum(m.cool[s, k] for k in sk_of_site.get(s, [])) == m.open[s]))
    m.cooling_capacity = pyo.Constraint(m.SK, rule=lambda m, s, k: (
        m.it_mw[s, k] <= max_it[s] * m.cool[s, k]))


def define_assignment(m: pyo.ConcreteModel, d: ModelData) -> None:
    """assign_share[d,s] on latency-feasible pairs; every demand fully served; IT load by cooling and group.

    Assignments are shares of the demand (0-1), not MW: columns of one scale solve markedly faster
    (benchmarks/README.md, capa)."""
    load_mw = d.case.demand["it_load_mw"].astype(float).to_dict()
    ub = {(i, s): (u / load_mw[i] if load_mw[i] > 0 else 0.0) for i, s, u in zip(
        d.pairs["demand_id"], d.pairs["site_id"], d.pairs["assign_ub_mw"].astype(float))}

    m.assign_share = pyo.Var(m.DS, domain=pyo.NonNegativeReals, bounds=lambda _, i, s: (0, ub[i, s]),
                             doc="share of demand d's IT load served at site s (0-1)")
    m.it_load_mw = pyo.Var(m.SKP, domain=pyo.NonNegativeReals, doc="IT load of group p at site s, cooling k")

    sites_of_demand: dict[str, list[str]] = {}
    demands_of_site_group: dict[tuple[str, str], list[str]] = {}
    for i, s in zip(d.pairs["demand_id"], d.pairs["site_id"]):
        sites_of_demand.setdefault(i, []).append(s)
        demands_of_site_group.setdefault((s, d.demand_group[i]), []).append(i)
    k_of_site: dict[str, list[str]] = {}
    for s, k in d.site_tech:
        k_of_site.setdefault(s, []).append(k)
    p_of_sk = {(s, k): d.groups_of(s, k) for s, k in d.site_tech}

    m.demand_served = pyo.Constraint(m.D, rule=lambda m, i: (
        sum(m.assign_share[i, s] for s in sites_of_demand.get(i, []))
        + _relax(m, "demand_served", i) / max(load_mw[i], 1e-9) == 1.0))
    m.assign_only_if_open = pyo.Constraint(m.DS, rule=lambda m, i, s: (
        m.assign_share[i, s] <= ub[i, s] * m.open[s]))
    m.it_load_by_group = pyo.Constraint(m.SP, rule=lambda m, s, p: (
        sum(m.it_load_mw[s, k, p] for k in k_of_site.get(s, []) if d.cools(k, p))
        == sum(load_mw[i] * m.assign_share[i, s] for i in demands_of_site_group[s, p])))
    m.it_load_within_capacity = pyo.Constraint(m.SK, rule=lambda m, s, k: (
        sum(m.it_load_mw[s, k, p] for p in p_of_sk[s, k]) <= m.it_mw[s, k]))


def define_renewables_and_grid(m: pyo.ConcreteModel, d: ModelData) -> None:
    """pv_mw, wind_mw (only at open sites), grid_mw sizing and the hourly flow variables."""
    max_grid, max_pv, max_wind = _columns(d.case.sites, "max_grid_mw", "max_pv_mw", "max_wind_mw")

    def optional_ub(s: str) -> tuple[float, float | None]:
        ub = max_grid[s]
        return 0, (None if np.isnan(ub) else ub)

    m.pv_mw = pyo.Var(m.SPV, bounds=lambda _, s: (0, max_pv[s]), doc="PV capacity (MW)")
    m.wind_mw = pyo.Var(m.SW, bounds=lambda _, s: (0, max_wind[s]), doc="wind capacity (MW)")
    m.grid_mw = pyo.Var(m.S, bounds=lambda _, s: optional_ub(s), doc="grid connection capacity (MW)")
    m.grid_import_mw = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals, doc="grid import (MW)")
    m.curtail_mw = pyo.Var(m.SR, m.T, domain=pyo.NonNegativeReals, doc="curtailed renewable power (MW)")
    m.export_mw = pyo.Var(m.SX, m.T, domain=pyo.NonNegativeReals, doc="renewable power exported (MW)")

    # a closed site connects no renewables. Its energy balance already leaves them nowhere to go; these rows
    # matter in the LP relaxation, where a site open by a share would otherwise get its whole potential
    m.pv_only_if_open = pyo.Constraint(m.SPV, rule=lambda m, s: m.pv_mw[s] <= max_pv[s] * m.open[s])
    m.wind_only_if_open = pyo.Constraint(m.SW, rule=lambda m, s: m.wind_mw[s] <= max_wind[s] * m.open[s])
    _define_within(m, "grid_import_within_connection", m.S, m.grid_import_mw, m.grid_mw)


def define_storage(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Battery power and energy sized per renewable site, state of charge with efficiencies."""
    bat = d.case.technologies.loc["battery"]
    min_h, max_h = float(bat["min_hours"]), float(bat["max_hours"])
    m.battery_mw = pyo.Var(m.SR, domain=pyo.NonNegativeReals, doc="battery power (MW)")
    m.battery_mwh = pyo.Var(m.SR, domain=pyo.NonNegativeReals, doc="battery energy (MWh)")
    m.charge_mw = pyo.Var(m.SR, m.T, domain=pyo.NonNegativeReals, doc="battery charging (MW)")
    m.discharge_mw = pyo.Var(m.SR, m.T, domain=pyo.NonNegativeReals, doc="battery discharging (MW)")
    m.soc_mwh = pyo.Var(m.SR, m.T, domain=pyo.NonNegativeReals, doc="battery state of charge (MWh)")

    prev = d.prev_t.tolist()
    soc, chg, dis = elements(m.soc_mwh), elements(m.charge_mw), elements(m.discharge_mw)
    # soc[t] - soc[t-1] - eta_c x charge[t] + discharge[t] / eta_d (- shift at a day's start) == 0
    coefs = [1, -1, -d.eta_charge, 1 / d.eta_discharge]
    shift = _define_soc_day_shift(m, d) if d.soc_day_shift else {}

    def soc_balance(s, t):
        if (s, t) in shift:
            return coefs + [-1], [soc[s, t], soc[s, prev[t]], chg[s, t], dis[s, t], shift[s, t]]
        return coefs, [soc[s, t], soc[s, prev[t]], chg[s, t], dis[s, t]]

    add_rows(m, "storage_soc_balance", (m.SR, m.T), soc_balance, equality=True)
    _define_within(m, "storage_soc_within_energy", m.SR, m.soc_mwh, m.battery_mwh)
    _define_within(m, "storage_charge_within_power", m.SR, m.charge_mw, m.battery_mw)
    _define_within(m, "storage_discharge_within_power", m.SR, m.discharge_mw, m.battery_mw)
    m.storage_min_hours = pyo.Constraint(m.SR, rule=lambda m, s: m.battery_mwh[s] >= min_h * m.battery_mw[s])
    m.storage_max_hours = pyo.Constraint(m.SR, rule=lambda m, s: m.battery_mwh[s] <= max_h * m.battery_mw[s])


def define_grid_peaks(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Average days of a full year only: at each kept hour q of the year (`PeakHours`), the facility load less
    the renewables' output and the battery's power is at most the grid connection. Every hour's energy balance
    implies this in the year; averaging days hides the hardest hours, so without these rows a relaxation
    sizes the grid connection for average hours."""
    peaks = d.peak_hours
    m.SQ = pyo.Set(initialize=[(s, q) for s in d.sites for q in range(len(peaks[s].hours))], dimen=2, ordered=True,
                   doc="(site, kept hour of the year)")
    re = set(d.re_sites)

    def covered(m, s, q):
        ph = peaks[s]
        load = sum(float(c[q]) * m.it_load_mw[s, k, p] for (k, p), c in ph.load_coef.items())
        supply = m.grid_mw[s] + (m.battery_mw[s] if s in re else 0.0)
        if ph.pv_cf is not None:
            supply += float(ph.pv_cf[q]) * m.pv_mw[s]
        if ph.wind_cf is not None:
            supply += float(ph.wind_cf[q]) * m.wind_mw[s]
        return load <= supply

    m.grid_covers_peak_hour = pyo.Constraint(m.SQ, rule=covered)


def _define_soc_day_shift(m: pyo.ConcreteModel, d: ModelData) -> dict:
    """A full year aggregated into average days only (`aggregated_days`): a free shift of the state of charge
    at each day's start, the shifts weighted by the days they stand for summing to zero over the year."""
    days = d.day_starts().tolist()
    m.TD = pyo.Set(initialize=days, ordered=True, doc="first time step of each day")
    m.soc_day_shift_mwh = pyo.Var(m.SR, m.TD, domain=pyo.Reals, doc="state-of-charge shift at a day's start")
    shift = elements(m.soc_day_shift_mwh)
    m.storage_year_net_zero = pyo.Constraint(m.SR, rule=lambda m, s: weighted_sum(
        d.weights(s)[days].tolist(), [shift[s, t] for t in days]) == 0)
    return shift


def _generation(m: pyo.ConcreteModel, d: ModelData) -> dict[str, list[tuple[list[float], pyo.Var]]]:
    """Per site, the (hourly capacity factors, capacity variable) of its PV and wind."""
    gen: dict[str, list] = {}
    for cf, var in ((d.pv_cf, m.pv_mw), (d.wind_cf, m.wind_mw)):
        for s, profile in cf.items():
            gen.setdefault(s, []).append((profile.tolist(), var[s]))
    return gen


def define_energy_balance(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Hourly balance per site: renewables + grid + discharge - charge - export - curtailment = facility load.

    Facility load = sum over cooling k and load group p of PUE[s,k,t] x u_p(t) x it_load_mw[s,k,p]: linear,
    because the cooling choice acts on it_load_mw through the capacity-level binaries.
    """
    re, ex = set(d.re_sites), set(d.export_sites)
    gen = _generation(m, d)
    imp, chg, dis = elements(m.grid_import_mw), elements(m.charge_mw), elements(m.discharge_mw)
    cur, exp = elements(m.curtail_mw), elements(m.export_mw)
    skp_of_site: dict[str, list[tuple[str, str]]] = {}
    for s, k, p in m.SKP:
        skp_of_site.setdefault(s, []).append((k, p))
    load = elements(m.it_load_mw)
    load_vars = {s: [load[s, k, p] for k, p in kp] for s, kp in skp_of_site.items()}
    n_t = d.n_t
    pump = heat_pump_load(m, d)  # waste heat: the heat pumps' electricity joins the facility load

    def per_hour(columns: list) -> list[list[float]]:
        """Per time step, one coefficient per entry of `columns`: a profile (its value at t) or a number."""
        return np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), n_t) for c in columns]).tolist()

    # balance of site s at t: generation + import (+ discharge - charge - curtailment) (- export) - facility load,
    # facility load = sum_j PUE[s,k,t] x u_p(t) x it_load_mw[s,k,p] over the (k, p) of the site
    balance_coefs, balance_vars = {}, {}
    for s in d.sites:
        g = gen.get(s, ())
        signs = [1.0] + ([1.0, -1.0, -1.0] if s in re else []) + ([-1.0] if s in ex else [])
        minus_load = [-np.asarray(d.load_coef(s, k, p), dtype=float) for k, p in skp_of_site.get(s, ())]
        balance_coefs[s] = per_hour([cf for cf, _ in g] + signs + minus_load)
        balance_vars[s] = ([var for _, var in g], load_vars.get(s, []))

    def balance(s, t):
        flows = [imp[s, t]]
        if s in re:
            flows += (dis[s, t], chg[s, t], cur[s, t])
        if s in ex:
            flows.append(exp[s, t])
        capacities, loads = balance_vars[s]
        coefs, columns = balance_coefs[s][t], capacities + flows + loads
        if s in moved:  # flexible load moved into t, at the hour's PUE (`flexible_load`)
            coefs, columns = coefs + moved[s][0][t], columns + moved[s][1][t]
        if s in pump:  # the heat pumps' electricity (`waste_heat`)
            pump_coefs, heat = pump[s](t)
            coefs, columns = coefs + pump_coefs, columns + heat
        return coefs, columns

    # renewable power used (charged, curtailed, exported) <= generation
    use_coefs = {s: per_hour([1.0, 1.0] + ([1.0] if s in ex else []) + [-np.asarray(cf) for cf, _ in gen.get(s, ())])
                 for s in d.re_sites}

    def renewable_use(s, t):
        used = [chg[s, t], cur[s, t]] + ([exp[s, t]] if s in ex else [])
        return use_coefs[s][t], used + [var for _, var in gen.get(s, ())]

    moved = flexible_load.balance_terms(m, d)
    add_rows(m, "energy_balance", (m.S, m.T), balance, equality=True)
    add_rows(m, "renewable_use_within_generation", (m.SR, m.T), renewable_use, equality=False)


def define_annual_energy(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Weighted annual energies per site (MWh/yr) as variables defined by equalities."""
    skp_of_site: dict[str, list[tuple[str, str]]] = {}
    for s, k, p in m.SKP:
        skp_of_site.setdefault(s, []).append((k, p))
    ex = set(d.export_sites)
    w = _per_weights(d, np.ndarray.tolist)

    m.it_mwh = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="annual IT energy (MWh)")
    m.facility_mwh = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="annual facility energy (MWh)")
    m.import_mwh = pyo.Var(m.S, domain=pyo.NonNegativeReals, doc="annual grid import (MWh)")
    m.generation_mwh = pyo.Var(m.SR, domain=pyo.NonNegativeReals, doc="annual available renewable energy")
    m.selfuse_mwh = pyo.Var(m.SR, domain=pyo.NonNegativeReals, doc="annual self-used renewable energy")
    m.export_mwh = pyo.Var(m.SX, domain=pyo.NonNegativeReals, doc="annual exported renewable energy")

    m.annual_it_energy = pyo.Constraint(m.S, rule=lambda m, s: m.it_mwh[s] == sum(
        d.it_energy_coef(p) * m.it_load_mw[s, k, p] for k, p in skp_of_site.get(s, [])))
    m.annual_facility_energy = pyo.Constraint(m.S, rule=lambda m, s: m.facility_mwh[s] == sum(
        d.facility_energy_coef(s, k, p) * m.it_load_mw[s, k, p] for k, p in skp_of_site.get(s, []))
        + flexible_load.facility_energy(m, d, s) + heat_pump_mwh(m, s))
    n_t = d.n_t
    imp, cur, exp = elements(m.grid_import_mw), elements(m.curtail_mw), elements(m.export_mw)
    import_mwh, selfuse_mwh, export_mwh = elements(m.import_mwh), elements(m.selfuse_mwh), elements(m.export_mwh)
    generation_mwh = elements(m.generation_mwh)
    one_minus_w = _per_weights(d, lambda x: [1.0, *(-x).tolist()])  # annual energy - sum_t w_t x power == 0
    add_rows(m, "annual_import", (m.S,), lambda s: (one_minus_w[s], [import_mwh[s], *_over_time(imp, s, n_t)]),
             equality=True)
    gen_mwh = {s: tuple(float(d.weights(s) @ cf[s]) if s in cf else 0.0 for cf in (d.pv_cf, d.wind_cf))
               for s in d.re_sites}
    m.annual_generation = pyo.Constraint(m.SR, rule=lambda m, s: m.generation_mwh[s] == (
        (gen_mwh[s][0] * m.pv_mw[s] if s in d.pv_cf else 0.0)
        + (gen_mwh[s][1] * m.wind_mw[s] if s in d.wind_cf else 0.0)))

    def selfuse(s):
        # self-use - (generation - sum_t w_t (curtail + export)) == 0
        if s not in ex:
            return [1.0, -1.0, *w[s]], [selfuse_mwh[s], generation_mwh[s], *_over_time(cur, s, n_t)]
        lost = [x for t in range(n_t) for x in (cur[s, t], exp[s, t])]
        return [1.0, -1.0, *(c for c in w[s] for _ in (0, 1))], [selfuse_mwh[s], generation_mwh[s], *lost]

    add_rows(m, "annual_selfuse", (m.SR,), selfuse, equality=True)
    add_rows(m, "annual_export", (m.SX,), lambda s: (one_minus_w[s], [export_mwh[s], *_over_time(exp, s, n_t)]),
             equality=True)


def define_green_connection(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Green direct connection rules per site with renewable potential (annual, weighted)."""
    st = d.case.settings
    a, b, c = (required(rule, d.case, "") for rule in (
        "green_selfuse_of_generation", "green_selfuse_of_consumption", "green_export_limit"))
    m.green_selfuse_of_generation = pyo.Constraint(m.SR, rule=lambda m, s: (
        m.selfuse_mwh[s] + _relax(m, "green_selfuse_of_generation", s) >= a * m.generation_mwh[s]))
    # self-use >= b x consumption, with consumption = self-use + import
    m.green_selfuse_of_consumption = pyo.Constraint(m.SR, rule=lambda m, s: (
        (1.0 - b) * m.selfuse_mwh[s] + _relax(m, "green_selfuse_of_consumption", s) >= b * m.import_mwh[s]))
    m.green_export_limit = pyo.Constraint(m.SX, rule=lambda m, s: (
        m.export_mwh[s] <= c * m.generation_mwh[s] + _relax(m, "green_export_limit", s)))
    share = st.green_min_storage_power_share
    if share is not None and share > 0:
        m.green_min_storage_power = pyo.Constraint(m.SR, rule=lambda m, s: (
            m.battery_mw[s] + _relax(m, "green_min_storage_power", s)
            >= share * ((m.pv_mw[s] if s in d.pv_cf else 0.0) + (m.wind_mw[s] if s in d.wind_cf else 0.0))))


def define_hub_policies(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Hub PUE cap on energy-weighted annual PUE; hub minimum green share of consumption."""
    sites = d.case.sites
    sites_of_hub = {h: [s for s in d.sites if d.site_hub[s] == h] for h in d.hubs}
    re = set(d.re_sites)
    green_share = {s: float(sites.at[s, "grid_green_share"]) for s in d.sites}

    m.hub_pue_cap = pyo.Constraint(m.H, rule=lambda m, h: (
        sum(m.facility_mwh[s] for s in sites_of_hub[h])
        <= required("hub_pue_cap", d.case, h) * sum(m.it_mwh[s] for s in sites_of_hub[h])
        + _relax(m, "hub_pue_cap", h)) if sites_of_hub[h] else pyo.Constraint.Skip)

    def green(m, h):
        target = required("hub_green_share", d.case, h)
        if np.isnan(target) or not sites_of_hub[h]:
            return pyo.Constraint.Skip
        # (selfuse + g x import) >= target x (selfuse + import)
        lhs = sum((1.0 - target) * (m.selfuse_mwh[s] if s in re else 0.0)
                  + (green_share[s] - target) * m.import_mwh[s] for s in sites_of_hub[h])
        lhs += green_trade.purchased_mwh(m, sites_of_hub[h])  # certificates and contracts (`green_trade`)
        return lhs + _relax(m, "hub_green_share", h) >= 0.0

    m.hub_green_share = pyo.Constraint(m.H, rule=green)


def _per_weights(d: ModelData, make) -> dict[str, list[float]]:
    """site -> make(its time-step weights), made once for the sites that share their weights (all of them,
    except in average days)."""
    made: dict[int, list[float]] = {}
    out = {}
    for s in d.sites:
        w = d.weights(s)
        if id(w) not in made:
            made[id(w)] = make(w)
        out[s] = made[id(w)]
    return out


def define_emissions(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Annual emissions from grid import x (hourly) emission factor; optional cap (a mutable parameter)."""
    define_site_emissions(m, d)
    m.emissions_tco2 = pyo.Var(domain=pyo.NonNegativeReals, doc="annual emissions (tCO2)")
    m.emissions_definition = pyo.Constraint(
        expr=m.emissions_tco2 == flat_sum([m.site_emissions_tco2[s].expr for s in d.sites]))
    cap = d.case.settings.carbon_cap_tco2_per_yr
    m.carbon_cap_tco2 = pyo.Param(mutable=True, initialize=float("inf") if cap is None else float(cap))
    m.carbon_cap = pyo.Constraint(expr=m.emissions_tco2 <= m.carbon_cap_tco2 + _relax(m, "carbon_cap", "case"))
    if cap is None:
        m.carbon_cap.deactivate()


def define_objective(m: pyo.ConcreteModel, d: ModelData) -> None:
    """The cost components (`planner.model.costs`); objective = their sum (or emissions)."""
    define_costs(m, d)
    m.total_cost = pyo.Objective(expr=sum(m.cost[c] for c in m.C), sense=pyo.minimize)
    m.total_emissions = pyo.Objective(expr=m.emissions_tco2, sense=pyo.minimize)
    m.total_emissions.deactivate()
    # used by the 'emissions' objective's second stage: cost at (near) minimal emissions
    m.emissions_bound_tco2 = pyo.Param(mutable=True, initialize=float("inf"))
    m.emissions_lexicographic = pyo.Constraint(expr=m.emissions_tco2 <= m.emissions_bound_tco2)
    m.emissions_lexicographic.deactivate()


def relaxable_scopes(d: ModelData) -> dict[str, list[str]]:
    """Per relaxable constraint family (`roles.constraints(relaxable=True)`), the scopes of its instances."""
    sites_of = {"demand_served": d.demands, "hub_pue_cap": d.hubs, "hub_green_share": d.hubs,
                "green_selfuse_of_generation": d.re_sites, "green_selfuse_of_consumption": d.re_sites,
                "green_min_storage_power": d.re_sites, "green_export_limit": d.export_sites, "carbon_cap": ["case"],
                "site_water_limit": d.sites, "hub_wue_cap": d.hubs, "hub_min_heat_reuse": d.hubs}
    return {f: list(sites_of[f]) for f in roles.constraints(relaxable=True)}


def define_violations(m: pyo.ConcreteModel, d: ModelData) -> None:
    """Elastic model only: a violation variable per relaxable constraint instance, and the phase-1 objective."""
    keys = [(f, scope) for f, scopes in relaxable_scopes(d).items() for scope in scopes]
    m.V = pyo.Set(initialize=keys, dimen=2, ordered=True, doc="relaxable constraint instances")
    m.violation = pyo.Var(m.V, domain=pyo.NonNegativeReals, doc="constraint violation (constraint's units)")


def violation_scale(d: ModelData, family: str, scope: str) -> float:
    """A natural size for a violation (its role's `violation_scale`), so that violations of different units
    are comparable."""
    total_mwh = float(d.case.demand["it_load_mw"].sum()) * HOURS_PER_YEAR
    kind = roles.role(family).violation_scale
    if kind == "demand":
        return float(d.case.demand.at[scope, "it_load_mw"])
    if kind == "half_energy":
        return max(total_mwh * 0.5, 1.0)
    if kind == "renewable_potential":
        return max(float(d.case.sites.at[scope, "max_pv_mw"] + d.case.sites.at[scope, "max_wind_mw"]), 1.0)
    return max(total_mwh, 1.0)


def build_model(d: ModelData, *, elastic: bool = False) -> pyo.ConcreteModel:
    """The planning MILP. `elastic=True` adds penalised violations to policy and demand constraints and
    minimises their (scaled) sum instead of cost: used to explain an infeasible case."""
    with PauseGC():  # the build allocates millions of small objects; cyclic GC passes would double its time
        return _build(d, elastic)


def _build(d: ModelData, elastic: bool) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=d.case.name)
    m.elastic = elastic
    define_sets(m, d)
    if elastic:
        define_violations(m, d)
    define_siting(m, d)
    define_cooling(m, d)
    define_assignment(m, d)
    define_renewables_and_grid(m, d)
    define_storage(m, d)
    flexible_load.define_flexible_load(m, d)
    define_waste_heat(m, d)
    if d.peak_hours is not None:
        define_grid_peaks(m, d)
    define_energy_balance(m, d)
    define_annual_energy(m, d)
    define_green_connection(m, d)
    green_trade.define_green_trade(m, d)
    define_hub_policies(m, d)
    define_embodied_carbon(m, d)
    define_water(m, d)
    define_min_heat_reuse(m, d)
    define_emissions(m, d)
    define_objective(m, d)
    if elastic:
        m.total_cost.deactivate()
        m.total_violation = pyo.Objective(
            expr=sum(m.violation[f, s] / violation_scale(d, f, s) for f, s in m.V), sense=pyo.minimize)
    return m
