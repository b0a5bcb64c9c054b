"""The policy rules, declared once: what each requires (from the inputs), what a plan achieves (from its annual
quantities), its sense, unit and text.

The build writes each rule as linear rows (`planner.model.build`); the Policy sheet (`planner.results.postprocess`)
and the infeasibility explanation (`planner.results.diagnose`) both read the required and achieved values from
here, so a rule's numbers cannot drift between them. Policies without a row of their own (latency caps and the
maximum share per site are enforced by the allowed pairs and their bounds; no export by the export set) are
declared here too, for the Policy sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from planner.input.case import Case


@dataclass(frozen=True)
class Policy:
    name: str  # the Policy sheet's id; the constraint family's name where the rule has rows of its own
    scope: str  # hub | site | demand | pair | case
    sense: str  # <=, >= or ==
    unit: str  # of required and achieved
    description: str  # the rule, for the Policy sheet
    shortfall: str  # the diagnosis' explanation: {scope}, {required} and {reachable} are filled in


POLICIES = {p.name: p for p in (
    Policy("hub_pue_cap", "hub", "<=", "-", "Energy-weighted annual PUE of the hub's sites <= the hub's PUE cap",
           "hub {scope}: energy-weighted PUE {reachable:.3f} reachable, {required:.3f} required (no allowed cooling "
           "technology is efficient enough at its sites, or load must be placed there)"),
    Policy("hub_green_share", "hub", ">=", "-", "Green share of the hub's consumption (self-use + grid green share "
           "+ certificates + contracts) >= the hub's minimum",
           "hub {scope}: green share {reachable:.2f} reachable, {required:.2f} required (not enough PV/wind "
           "potential, storage, grid green share, or green certificates/contracts within the hub's caps at its sites)"),
    Policy("green_selfuse_of_generation", "site", ">=", "-",
           "Green direct connection: self-used renewables >= share of available generation",
           "site {scope}: self-use {reachable:.2f} of renewable generation reachable, {required:.2f} required"),
    Policy("green_export_limit", "site", "<=", "-",
           "Green direct connection: exported energy <= share of available generation",
           "site {scope}: export {reachable:.2f} of generation needed, at most {required:.2f} allowed"),
    Policy("green_no_export", "site", "<=", "-", "Green direct connection: no export to the grid allowed",
           "site {scope}: export {reachable:.2f} of generation needed, none allowed"),
    Policy("green_selfuse_of_consumption", "site", ">=", "-",
           "Green direct connection: self-used renewables >= share of the site's consumption",
           "site {scope}: self-used renewables cover {reachable:.2f} of consumption, {required:.2f} required "
           "(PV/wind potential max_pv_mw/max_wind_mw too small for the load placed there)"),
    Policy("green_min_storage_power", "site", ">=", "MW", "Battery power >= the required share of the site's PV + "
           "wind MW", "site {scope}: battery power {reachable:,.1f} MW reachable, {required:,.1f} MW required "
           "(the minimum share of its renewable MW)"),
    Policy("latency_cap", "pair", "<=", "ms", "One-way latency of a demand-site assignment <= the demand's latency "
           "cap", "{scope}: latency {reachable:g} ms, cap {required:g} ms"),
    Policy("max_share_per_site", "pair", "<=", "-", "Share of a demand served by one site <= the demand's maximum",
           "{scope}: share {reachable:.2f}, at most {required:.2f}"),
    Policy("demand_served", "demand", "==", "MW", "IT load served = the demand's IT load",
           "demand {scope}: only {reachable:,.1f} MW of {required:,.1f} MW can be served by sites within its "
           "latency cap (site capacity, max share per site, or policies elsewhere limit it)"),
    Policy("carbon_cap", "case", "<=", "tCO2/yr", "Total annual emissions <= the carbon cap",
           "carbon cap: at least {reachable:,.0f} tCO2/yr needed, cap is {required:,.0f} tCO2/yr"),
    # water and waste heat (planner.model.water, planner.model.waste_heat)
    Policy("site_water_limit", "site", "<=", "m3/yr", "Annual water use of the site <= its water limit",
           "site {scope}: at least {reachable:,.0f} m3/yr of water needed, limit is {required:,.0f} m3/yr (cooling "
           "with a lower WUE, or less load placed there)"),
    Policy("hub_wue_cap", "hub", "<=", "L/kWh", "Water usage effectiveness of the hub's sites (m3 / IT MWh) <= "
           "the hub's WUE cap", "hub {scope}: WUE {reachable:.3f} L/kWh reachable, {required:.3f} L/kWh required "
           "(no allowed cooling technology is dry enough at its sites, or load must be placed there)"),
    Policy("hub_min_heat_reuse", "hub", ">=", "-", "Waste-heat reuse rate of the hub (recovered heat / IT energy) "
           ">= the hub's minimum", "hub {scope}: waste-heat reuse rate {reachable:.3f} reachable, {required:.3f} "
           "required (heat demand, recoverable share of the cooling, or IT load at its sites too small)"),
)}


@dataclass
class Annual:
    """A plan's annual quantities of one site, or added up over several (a hub)."""
    it_mwh: float = 0.0
    facility_mwh: float = 0.0
    import_mwh: float = 0.0
    green_import_mwh: float = 0.0  # grid import x the site's grid green share
    generation_mwh: float = 0.0
    selfuse_mwh: float = 0.0
    export_mwh: float = 0.0
    pv_mw: float = 0.0
    wind_mw: float = 0.0
    battery_mw: float = 0.0
    purchased_green_mwh: float = 0.0  # green certificates + green-power contracts (`planner.model.green_trade`)
    water_m3: float = 0.0
    heat_mwh: float = 0.0  # recovered heat delivered

    def __add__(self, other: Annual) -> Annual:
        return Annual(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def consumption_mwh(self) -> float:
        return self.selfuse_mwh + self.import_mwh


def ratio(num: float, den: float, tol: float = 1e-9) -> float:
    """num / den, NaN where den is (about) zero."""
    return num / den if den > tol else float("nan")


def achieved(name: str, a: Annual) -> float:
    """What a plan with annual quantities `a` achieves on an energy or capacity rule."""
    if name == "hub_pue_cap":
        return ratio(a.facility_mwh, a.it_mwh)
    if name == "hub_green_share":
        return ratio(a.selfuse_mwh + a.green_import_mwh + a.purchased_green_mwh, a.consumption_mwh)
    if name == "green_selfuse_of_generation":
        return ratio(a.selfuse_mwh, a.generation_mwh)
    if name in ("green_export_limit", "green_no_export"):
        return ratio(a.export_mwh, a.generation_mwh)
    if name == "green_selfuse_of_consumption":
        return ratio(a.selfuse_mwh, a.consumption_mwh)
    if name == "green_min_storage_power":
        return a.battery_mw
    if name == "site_water_limit":
        return a.water_m3
    if name == "hub_wue_cap":
        return ratio(a.water_m3, a.it_mwh)
    if name == "hub_min_heat_reuse":
        return ratio(a.heat_mwh, a.it_mwh)
    raise KeyError(f"{name} is not a rule on annual quantities")


def required(name: str, case: Case, scope: str, a: Annual | None = None) -> float:
    """What a rule requires of `scope`, from the inputs (`a`: the plan's quantities, for a rule relative to its
    capacities). NaN where the case sets no such rule."""
    st = case.settings
    if name == "hub_pue_cap":
        return float(case.hubs.at[scope, "pue_cap"])
    if name == "hub_green_share":
        return float(case.hubs.at[scope, "min_green_share"])
    if name == "green_selfuse_of_generation":
        return float(st.green_min_selfuse_share_of_generation)
    if name == "green_selfuse_of_consumption":
        return float(st.green_min_selfuse_share_of_consumption)
    if name == "green_export_limit":
        return float(st.green_max_export_share_of_generation)
    if name == "green_no_export":
        return 0.0
    if name == "green_min_storage_power":
        share = st.green_min_storage_power_share
        return float("nan") if not share else float(share) * (a.pv_mw + a.wind_mw if a is not None else math.nan)
    if name == "demand_served":
        return float(case.demand.at[scope, "it_load_mw"])
    if name == "carbon_cap":
        cap = st.carbon_cap_tco2_per_yr
        return float("nan") if cap is None else float(cap)
    if name == "max_share_per_site":
        return float(case.demand.at[scope, "max_share_per_site"])
    if name == "latency_cap":
        return float(case.demand.at[scope, "latency_cap_ms"])
    if name == "site_water_limit":
        return float(case.sites.at[scope, "max_water_m3_per_yr"])
    if name == "hub_wue_cap":
        return float(case.hubs.at[scope, "wue_cap_l_per_kwh"])
    if name == "hub_min_heat_reuse":
        return float(case.hubs.at[scope, "min_heat_reuse_share"])
    raise KeyError(f"no policy named {name}")


def applies(name: str, case: Case, scope: str) -> bool:
    """Whether the case sets the rule at all for `scope` (a hub without a minimum green share has none)."""
    value = required(name, case, scope, Annual())
    return not (isinstance(value, float) and np.isnan(value))


def explanation(name: str, scope: str, required_value: float, reachable: float, case: Case | None = None) -> str:
    """The diagnosis' sentence for a rule that cannot be met (with `case`: a hub's caps on green purchases)."""
    text = POLICIES[name].shortfall.format(scope=scope, required=required_value, reachable=reachable)
    return text + (purchase_caps(case, scope) if case is not None and name == "hub_green_share" else "")


def purchase_caps(case: Case, hub: str) -> str:
    """'; green certificates capped at X MWh/yr (Hubs.max_certificate_mwh_per_yr)...' for the caps the hub sets."""
    caps = [(f"green {what} capped at {float(case.hubs.at[hub, col]):,.0f} MWh/yr (Hubs.{col})")
            for what, col in (("certificates", "max_certificate_mwh_per_yr"), ("contracts", "max_contract_mwh_per_yr"))
            if col in case.hubs and not np.isnan(float(case.hubs.at[hub, col]))]
    return "; " + ", ".join(caps) if caps else ""
