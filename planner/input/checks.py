"""Checks across rows and sheets, and the feasibility pre-checks that need the assembled case.

`cross_checks` runs on whatever sheets were parsed (references between sheets, per-row rules involving several
columns, profiles fitting the unit their users need, a cooling technology for every site);
`latency_problems` runs on the assembled case (a demand with no site inside its latency cap).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import networkx as nx
import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter

from planner.input.assemble import site_cooling_frame, table_frame
from planner.input.case import Case
from planner.input.latency import allowed_pairs, unreachable_demands
from planner.input.rack_density import uncoolable_demands
from planner.input.profiles import ProfileData
from planner.input.reader import RawTable
from planner.input.reference import format_value
from planner.input.schema import (
    FIRST_DATA_ROW, HEADER_ROW, MAX_LIFETIME_YR, MAX_PUE, PROFILE_UNITS, SHEETS_BY_NAME, TECHNOLOGY_IDS, UNIT_ROW, Column,
    Problem, ProblemList,
)
from planner.input.tables import Table
from planner.input.values import show, suggest, unit_hint


def cross_checks(tables: Mapping[str, Table], profiles: ProfileData | None, problems: ProblemList) -> None:
    """Checks across rows and sheets, run on whatever sheets were present."""
    check_references(tables, profiles, problems)
    if "Sites" in tables:
        check_sites(tables["Sites"], problems)
        if "Hubs" in tables:
            check_hubs_used(tables["Hubs"], tables["Sites"], problems)
    if "Technologies" in tables:
        check_technologies(tables["Technologies"], problems)
    if "Links" in tables:
        check_links(tables["Links"], problems)
        check_link_nodes(tables["Links"], tables.get("Sites"), tables.get("Demand"), problems)
    if profiles is not None:
        check_profile_usage(tables, profiles, problems)
    if {"Sites", "Cooling"} <= set(tables):
        frames = {n: _unique(table_frame(tables.get(n), SHEETS_BY_NAME[n]))
                  for n in ("Sites", "Cooling", "SiteCooling")}
        pairs = site_cooling_frame(frames["Sites"], frames["Cooling"], frames["SiteCooling"])
        check_cooling_allowed(pairs, tables["Sites"], problems)


def _unique(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with a complete, first-seen index (duplicates and blank ids are reported elsewhere)."""
    keep = ~frame.index.duplicated() & ~pd.isna(frame.index.to_frame()).any(axis=1).to_numpy()
    return frame[keep]


# ----------------------------------------------------------------------------------------------------------
# References between sheets
# ----------------------------------------------------------------------------------------------------------
def check_references(tables: Mapping[str, Table], profiles: ProfileData | None, problems: ProblemList) -> None:
    """Every value of a column with `ref` must exist in the referenced sheet's column (or be a profile id)."""
    for table in tables.values():
        for col in table.schema.columns:
            if not col.ref or col.name not in table.positions:
                continue
            targets = _targets(col.ref, tables, profiles)
            if targets is None:
                continue  # the referenced sheet is missing: reported already
            for i, value in enumerate(table.values(col.name)):
                if value is not None and value not in targets:
                    _unknown_reference(table, i, col, value, targets, problems)


def _targets(ref: str, tables: Mapping[str, Table], profiles: ProfileData | None) -> set[str] | None:
    if ref == "Profiles":
        return set(profiles.positions) if profiles is not None else None
    sheet, column = ref.split(".")
    table = tables.get(sheet)
    return {v for v in table.values(column) if v is not None} if table is not None else None


def _unknown_reference(table: Table, i: int, col: Column, value: str, targets: set[str],
                       problems: ProblemList) -> None:
    close = suggest(value, targets)
    if col.ref == "Profiles":
        problems.error(table.tab, table.cell(i, col.name), f"{col.name} {value!r} is not a profile in Profiles",
                       f"use a profile id from Profiles row 1{close}, or add a column {value} to Profiles")
    else:
        sheet, column = col.ref.split(".")
        problems.error(table.tab, table.cell(i, col.name), f"{col.name} {value!r} is not a {column} in {sheet}",
                       f"use a {column} listed in {sheet}{close}, or add a row for {value!r} to {sheet}")


# ----------------------------------------------------------------------------------------------------------
# Rules involving several columns or rows
# ----------------------------------------------------------------------------------------------------------
def check_sites(sites: Table, problems: ProblemList) -> None:
    """Per-site rules that involve more than one column (skipped where one of the values is already wrong)."""
    for i, r in enumerate(sites.records):
        def ok(*names: str) -> bool:
            return not any((i, n) in sites.invalid for n in names)

        for flat, profile, what in (("grid_price_cny_per_mwh", "grid_price_profile", "a grid price"),
                                    ("grid_ef_tco2_per_mwh", "grid_ef_profile", "a grid emission factor")):
            if ok(flat, profile) and r.get(flat) is None and r.get(profile) is None:
                problems.error(sites.tab, sites.cell(i, flat), f"site {r.get('site_id')!r} has no {flat} and no "
                               f"{profile}", f"enter {what}: a flat value in {flat} or a profile id in {profile}")
        for mw, profile in (("max_pv_mw", "pv_profile"), ("max_wind_mw", "wind_profile")):
            if ok(profile) and (r.get(mw) or 0.0) > 0 and r.get(profile) is None:
                problems.error(sites.tab, sites.cell(i, profile),
                               f"site {r.get('site_id')!r} has {mw} {show(r[mw])} but no {profile}",
                               f"enter the capacity-factor profile id in {profile}, or set {mw} to 0")
        existing, max_it, module = r.get("existing_it_mw") or 0.0, r.get("max_it_mw"), r.get("module_mw")
        if max_it is not None and existing > max_it:
            problems.error(sites.tab, sites.cell(i, "existing_it_mw"),
                           f"existing_it_mw {show(existing)} is larger than max_it_mw {show(max_it)}",
                           "lower existing_it_mw or raise max_it_mw")
        if module is not None and max_it is not None and module > max_it:
            problems.warning(sites.tab, sites.cell(i, "module_mw"),
                             f"module_mw {show(module)} is larger than max_it_mw {show(max_it)}: no module fits",
                             "lower module_mw or raise max_it_mw")


def check_technologies(tech: Table, problems: ProblemList) -> None:
    """Exactly one row each for pv, wind and battery; battery min_hours <= max_hours."""
    ids = tech.values("tech_id")
    missing = [t for t in TECHNOLOGY_IDS if t not in ids]
    if missing and not any(n == "tech_id" for _, n in tech.invalid):
        problems.error(tech.tab, RawTable.cell(0, FIRST_DATA_ROW + len(ids)),
                       f"Technologies has no row for {', '.join(missing)}",
                       f"add one row each for {', '.join(TECHNOLOGY_IDS)}")
    for i, r in enumerate(tech.records):
        if r.get("tech_id") != "battery":
            continue
        low = r.get("min_hours") if r.get("min_hours") is not None else tech.schema.column("min_hours").default
        high = r.get("max_hours") if r.get("max_hours") is not None else tech.schema.column("max_hours").default
        if low > high:
            problems.error(tech.tab, tech.cell(i, "min_hours"),
                           f"battery min_hours {show(low)} is larger than max_hours {show(high)}",
                           "lower min_hours or raise max_hours")


def check_links(links: Table, problems: ProblemList) -> None:
    for i, r in enumerate(links.records):
        if r.get("node_a") is not None and r.get("node_a") == r.get("node_b"):
            problems.error(links.tab, links.cell(i, "node_b"), f"link connects {r['node_a']!r} to itself",
                           "enter two different nodes or delete the row")


def check_link_nodes(links: Table, sites: Table | None, demand: Table | None, problems: ProblemList) -> None:
    """Links name nodes by id, so a site and a demand with one id would be one node (latency 0 between them):
    an error. A node that is neither a site nor a demand and leads nowhere (one link only, or no demand or no
    site in its part of the graph) is most likely a misspelt id: a warning."""
    rows = [(i, r["node_a"], r["node_b"]) for i, r in enumerate(links.records)
            if r.get("node_a") is not None and r.get("node_b") is not None]
    if not rows or sites is None or demand is None:
        return
    site_cells = {v: sites.cell(i, "site_id") for i, v in enumerate(sites.values("site_id")) if v is not None}
    demand_ids = {v for v in demand.values("demand_id") if v is not None}
    for i, d in enumerate(demand.values("demand_id")):
        if d is not None and d in site_cells:
            problems.error(demand.tab, demand.cell(i, "demand_id"),
                           f"demand_id {d!r} is also the site_id in {sites.tab}!{site_cells[d]}; Links joins nodes "
                           f"by id, so this demand would be at that site (latency 0, no service cost)",
                           "rename the demand or the site: with a Links sheet, site and demand ids must differ")
    graph = nx.Graph()
    graph.add_edges_from((a, b) for _, a, b in rows)
    part = {n: k for k, nodes in enumerate(nx.connected_components(graph)) for n in nodes}
    has_site = {part[n] for n in graph if n in site_cells}
    has_demand = {part[n] for n in graph if n in demand_ids}
    warned: set[str] = set()
    for i, a, b in rows:
        for end, node in (("node_a", a), ("node_b", b)):
            if node in site_cells or node in demand_ids or node in warned:
                continue
            if graph.degree(node) > 1 and part[node] in has_site and part[node] in has_demand:
                continue  # a backbone node on a possible demand-site path
            warned.add(node)
            problems.warning(links.tab, links.cell(i, end),
                             f"{end} {node!r} is neither a site_id nor a demand_id and leads nowhere (no path "
                             f"through it joins a demand to a site)",
                             f"check the spelling{suggest(node, [*site_cells, *demand_ids])}; a backbone node "
                             f"needs links towards both a demand and a site")


def check_hubs_used(hubs: Table, sites: Table, problems: ProblemList) -> None:
    used = set(sites.values("hub_id"))
    for i, hub in enumerate(hubs.values("hub_id")):
        if hub is not None and hub not in used:
            problems.warning(hubs.tab, hubs.cell(i, "hub_id"), f"hub {hub!r} has no sites",
                             "add sites with this hub_id in Sites, or delete the hub")


def check_cooling_allowed(site_cooling: pd.DataFrame, sites: Table, problems: ProblemList) -> None:
    """Each site needs at least one allowed cooling technology after the SiteCooling overrides."""
    if site_cooling.empty:
        return
    allowed = site_cooling["allowed"].groupby(level="site_id").any()
    for i, site in enumerate(sites.values("site_id")):
        if site is not None and not allowed.get(site, True):
            problems.error(sites.tab, sites.cell(i, "site_id"), f"site {site!r} has no allowed cooling technology",
                           "set allowed = yes for at least one cooling technology of this site in SiteCooling")


# ----------------------------------------------------------------------------------------------------------
# Profiles against their uses
# ----------------------------------------------------------------------------------------------------------
def check_profile_usage(tables: Mapping[str, Table], profiles: ProfileData, problems: ProblemList) -> None:
    """Each profile must fit the unit its use needs (e.g. PV capacity factors within 0-1) and the unit of its
    own units row."""
    checked: set[tuple[str, str]] = set()
    for table in tables.values():
        for col in table.schema.columns:
            if col.ref != "Profiles" or not col.profile_unit or col.name not in table.positions:
                continue
            for i, pid in enumerate(table.values(col.name)):
                if pid in profiles.values and (pid, col.profile_unit) not in checked:
                    checked.add((pid, col.profile_unit))
                    reason = f"{table.tab}!{table.cell(i, col.name)} uses it as {col.name}"
                    _check_unit_row(profiles, pid, col.profile_unit, reason, problems)
                    _check_profile_values(profiles, pid, col.profile_unit, reason, problems)
    for pid, unit in profiles.units.items():
        if unit in PROFILE_UNITS and (pid, unit) not in checked:
            _check_profile_values(profiles, pid, unit, f"its unit in row {UNIT_ROW} is {unit}", problems)


def _check_unit_row(profiles: ProfileData, pid: str, unit: str, reason: str, problems: ProblemList) -> None:
    given = profiles.units.get(pid, "")
    if given in PROFILE_UNITS and given != unit:
        problems.warning(profiles.table.tab, RawTable.cell(profiles.positions[pid], UNIT_ROW),
                         f"profile {pid} has unit {given!r} but {reason} ({unit})",
                         f"check the profile: a {unit} profile holds {PROFILE_UNITS[unit].meaning}")


def _check_profile_values(profiles: ProfileData, pid: str, unit: str, reason: str, problems: ProblemList) -> None:
    """Values outside the unit's range are an error (first cell + count); an odd mean is a unit warning."""
    spec, values, tab = PROFILE_UNITS[unit], profiles.values[pid], profiles.table.tab
    low = -np.inf if spec.min is None else spec.min
    high = np.inf if spec.max is None else spec.max
    outside = np.flatnonzero((values < low) | (values > high))
    if outside.size:
        t = int(outside[0])
        problems.error(tab, profiles.cell(pid, t),
                       f"profile {pid} is {show(float(values[t]))} here ({outside.size} value(s) outside "
                       f"{format_value(spec.min)}-{format_value(spec.max)}); {reason}",
                       f"a {unit} profile holds {spec.meaning}: enter values between {format_value(spec.min)} "
                       f"and {format_value(spec.max)}")
    finite = values[np.isfinite(values)]
    if spec.plausible_mean and finite.size:
        mean, (lo, hi) = float(finite.mean()), spec.plausible_mean
        if not lo <= mean <= hi:
            problems.warning(tab, RawTable.cell(profiles.positions[pid], HEADER_ROW),
                             f"profile {pid} averages {mean:.4g} {unit}, outside the usual "
                             f"{format_value(lo)}-{format_value(hi)} {unit}; {reason}", unit_hint(unit, mean, lo, hi))


# ----------------------------------------------------------------------------------------------------------
# Feasibility pre-checks on the assembled case
# ----------------------------------------------------------------------------------------------------------
def latency_problems(case: Case, demand: Table | None) -> list[Problem]:
    """planner.input.latency's unreachable-demand errors, with cells mapped to where the values really are, and
    the checks of numbers derived from several cells (`case_problems`)."""
    problems = []
    for p in unreachable_demands(case) + uncoolable_demands(case):
        if demand is not None and p.sheet == "Demand":
            p = replace(p, sheet=demand.tab, cell=_remap_cell(p.cell, demand))
        problems.append(p)
    return problems + case_problems(case)


# Objective coefficients (CNY/yr per unit of a variable) the model may get. Above COST_HARD_MAX the solve breaks
# (HiGHS takes |c| >= 1e20 as infinite, and a sum of such terms loses every smaller cost to rounding); a ratio of
# largest to smallest above COST_RANGE_WARN makes HiGHS warn about excessively large costs and solve unreliably.
COST_HARD_MAX = 1.0e15
COST_RANGE_WARN = 1.0e9
KW_PER_MW = 1000.0


def annuity_factor(rate: float, lifetime_yr: float) -> float:
    """planner.model.data.capital_recovery_factor, returning inf instead of raising where (1 + r)^L overflows."""
    if rate == 0:
        return 1.0 / lifetime_yr
    try:
        growth = (1.0 + rate) ** lifetime_yr
    except OverflowError:
        return float("inf")
    return rate * growth / (growth - 1.0) if np.isfinite(growth) and growth != 1.0 else float("inf")


def _where(case: Case, sheet: str, i: int | None, column: str) -> tuple[str, str]:
    """(tab, cell) of record i's column in a sheet, from the positions `build_case` kept (else the template
    layout); Settings: the sheet only."""
    if i is None:
        return sheet, ""
    tab, positions, rows = case.cell_positions.get(sheet, (sheet, None, None))
    names = SHEETS_BY_NAME[sheet].column_names
    if positions is None or i >= len(rows):
        return tab, f"{get_column_letter(names.index(column) + 1)}{FIRST_DATA_ROW + i}"
    pos = positions.get(column, positions.get(names[0], 0))
    return tab, RawTable.cell(pos, rows[i])


def case_problems(case: Case) -> list[Problem]:
    """Numbers no single cell shows: every annuity factor must be finite, and the objective's cost coefficients
    must stay below COST_HARD_MAX (an error) and within COST_RANGE_WARN of each other (a warning)."""
    st, problems = case.settings, []
    lifetimes = [("site", "Settings", None, "site_lifetime_yr", st.site_lifetime_yr),
                 ("it", "Settings", None, "it_lifetime_yr", st.it_lifetime_yr)]
    lifetimes += [(t, "Technologies", i, "lifetime_yr", float(case.technologies.at[t, "lifetime_yr"]))
                  for i, t in enumerate(case.technologies.index)]
    lifetimes += [(f"cooling:{k}", "Cooling", i, "lifetime_yr", float(case.cooling.at[k, "lifetime_yr"]))
                  for i, k in enumerate(case.cooling.index)]
    crf = {}
    for key, sheet, i, column, years in lifetimes:
        crf[key] = annuity_factor(st.discount_rate, years)
        if not np.isfinite(crf[key]):
            tab, cell = _where(case, sheet, i, column)
            problems.append(Problem("error", tab, cell, f"{column} {years:g} with discount_rate {st.discount_rate:g} "
                                    f"gives an annuity factor that is not a finite number",
                                    f"enter a lifetime of at most {format_value(MAX_LIFETIME_YR)} years"))
    problems += _hourly_pue_problems(case)
    if problems:
        return problems
    coefs = _cost_coefficients(case, crf)
    for value, sheet, i, column, what in coefs:
        if not value <= COST_HARD_MAX:
            tab, cell = _where(case, sheet, i, column)
            problems.append(Problem("error", tab, cell, f"{what} gives a cost of {value:.3g} CNY/yr per unit in the "
                                    f"objective, above the {COST_HARD_MAX:g} the solver can handle",
                                    f"check {column} and its unit; realistic costs are many orders of magnitude "
                                    f"smaller"))
    if problems or not coefs:
        return problems
    high, low = max(coefs, key=lambda c: c[0]), min(coefs, key=lambda c: c[0])
    if high[0] > COST_RANGE_WARN * low[0]:
        tab, cell = _where(case, *high[1:4])
        low_tab, low_cell = _where(case, *low[1:4])
        low_at = f"{low_tab}!{low_cell}" if low_cell else low_tab
        problems.append(Problem(
            "warning", tab, cell,
            f"the objective's cost coefficients span {high[0] / low[0]:.2g} (more than {COST_RANGE_WARN:g}): "
            f"largest {high[0]:.3g} from {high[4]}, smallest {low[0]:.3g} from {low[4]} ({low_at}); HiGHS warns "
            f"about excessively large costs and may solve inaccurately",
            "check both values and their units; raise the smallest to 0 if it does not matter or scale the "
            "largest to a realistic value"))
    return problems


def _hourly_pue_problems(case: Case) -> list[Problem]:
    """Hourly PUE = max(floor, annual PUE + slope x (T - reference T)) multiplies the IT load in every hour: it
    must stay within MAX_PUE for every site's temperature profile (an error at the site's temp_profile cell)."""
    problems = []
    for i, (s, temp_id) in enumerate(case.sites["temp_profile"].items()):
        if not isinstance(temp_id, str) or temp_id not in case.profiles:
            continue
        temps = case.profiles[temp_id].to_numpy(dtype=float)
        for k, cool in case.cooling.iterrows():
            slope = float(cool["pue_temp_slope_per_degc"])
            if slope == 0 or not case.site_cooling.at[(s, k), "allowed"]:
                continue
            annual = float(case.site_cooling.at[(s, k), "pue_annual"])
            worst = float(np.max(np.maximum(float(cool["pue_floor"]),
                                            annual + slope * (temps - float(cool["pue_ref_temp_c"])))))
            if not worst <= MAX_PUE:
                tab, cell = _where(case, "Sites", i, "temp_profile")
                problems.append(Problem("error", tab, cell, f"site {s!r} with cooling {k!r} reaches an hourly PUE of "
                                        f"{worst:.3g} (above {MAX_PUE:g}) from profile {temp_id} and "
                                        f"pue_temp_slope_per_degc {slope:g}",
                                        f"check the temperatures of profile {temp_id} (degC) and the cooling's "
                                        f"pue_temp_slope_per_degc"))
    return problems


def _cost_coefficients(case: Case, crf: dict[str, float]) -> list[tuple[float, str, int | None, str, str]]:
    """The nonzero objective coefficients `planner.model.costs` builds (absolute values, CNY/yr per MW, MWh or
    tCO2), each with the sheet, record and column of the input that sets it and a description."""
    st, sites, tech = case.settings, case.sites, case.technologies
    out: list[tuple[float, str, int | None, str, str]] = []

    def add(value: float, sheet: str, i: int | None, column: str, what: str) -> None:
        if value != 0:
            out.append((abs(float(value)), sheet, i, column, what))

    def series(site: str, flat: str, profile: str) -> np.ndarray:
        pid = sites.at[site, profile]
        if isinstance(pid, str) and pid:
            return case.profiles[pid].to_numpy(dtype=float)
        return np.full(case.n_hours, float(sites.at[site, flat]))

    weight_h = case.hour_weights  # hours of the year each time step stands for
    re_any = False
    for i, s in enumerate(sites.index):
        r = sites.loc[s]
        if not r["existing_it_mw"] > 0:
            add(crf["site"] * r["fixed_cost_cny"], "Sites", i, "fixed_cost_cny",
                f"site {s!r} fixed_cost_cny {r['fixed_cost_cny']:g} x annuity factor {crf['site']:.3g}")
        add(crf["it"] * r["it_capex_cny_per_mw"] * r["module_mw"], "Sites", i, "it_capex_cny_per_mw",
            f"site {s!r} it_capex_cny_per_mw {r['it_capex_cny_per_mw']:g} x module_mw {r['module_mw']:g} x "
            f"annuity factor {crf['it']:.3g}")
        add(r["grid_connection_cost_cny_per_mw_yr"], "Sites", i, "grid_connection_cost_cny_per_mw_yr",
            f"site {s!r} grid_connection_cost_cny_per_mw_yr")
        re_site = r["max_pv_mw"] > 0 or r["max_wind_mw"] > 0
        re_any = re_any or re_site
        priced = [("grid_price_cny_per_mwh", "grid_price_profile", True),
                  ("export_price_cny_per_mwh", None, re_site and st.green_export_allowed)]
        for flat, profile, used in priced:
            if not used:
                continue
            values = np.abs(series(s, flat, profile) if profile else np.full(case.n_hours, float(r[flat])))
            coef = (weight_h * values)[values != 0]
            if coef.size:
                column = profile if profile and isinstance(r[profile], str) else flat
                add(coef.max(), "Sites", i, column, f"site {s!r} {column} x hours per time step")
                add(coef.min(), "Sites", i, column, f"site {s!r} {column} x hours per time step")
    for i, k in enumerate(case.cooling.index):
        capex = case.site_cooling.xs(k, level="cooling_id")
        capex = capex.loc[capex["allowed"], "capex_cny_per_mw_it"].abs()
        for value in {capex.max(), capex[capex > 0].min()} if len(capex) else ():
            if np.isfinite(value):
                add(crf[f"cooling:{k}"] * value, "Cooling", i, "capex_cny_per_mw_it",
                    f"cooling {k!r} capex_cny_per_mw_it {value:g} x annuity factor {crf[f'cooling:{k}']:.3g}")
    used_tech = {"pv": (sites["max_pv_mw"] > 0).any(), "wind": (sites["max_wind_mw"] > 0).any(), "battery": re_any}
    for i, t in enumerate(tech.index):
        if not used_tech.get(t, False):
            continue
        factor = (crf[t] + float(tech.at[t, "fixed_om_share"])) * KW_PER_MW
        for column in ("capex_cny_per_kw", "capex_cny_per_kwh") if t == "battery" else ("capex_cny_per_kw",):
            add(factor * float(tech.at[t, column]), "Technologies", i, column,
                f"{t} {column} {float(tech.at[t, column]):g} x 1000 x (annuity factor + fixed_om_share)")
    pairs = allowed_pairs(case)
    if not pairs.empty:
        load = case.demand["it_load_mw"].reindex(pairs.index.get_level_values("demand_id")).to_numpy(dtype=float)
        service = np.abs(pairs["service_cost_cny_per_mw_yr"].to_numpy(dtype=float)) * load
        for pick in (np.argmax, np.argmin):
            nonzero = np.flatnonzero(service != 0)
            if nonzero.size:
                j = nonzero[pick(service[nonzero])]
                d, s = pairs.index[j]
                add(service[j], "Demand", case.demand.index.get_loc(d), "it_load_mw",
                    f"demand {d!r} it_load_mw x service cost {pairs['service_cost_cny_per_mw_yr'].iloc[j]:g} "
                    f"CNY/(MW*yr) to site {s!r}")
    add(st.carbon_price_cny_per_tco2, "Settings", None, "carbon_price_cny_per_tco2", "carbon_price_cny_per_tco2")
    return out


def _remap_cell(cell: str, table: Table) -> str:
    """A cell computed for the template layout -> the same record and column in the real sheet."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    if not match:
        return cell
    i = int(match[2]) - FIRST_DATA_ROW
    pos = column_index_from_string(match[1]) - 1
    names = table.schema.column_names
    if not 0 <= i < len(table.rows) or pos >= len(names):
        return cell
    return table.cell(i, names[pos])
