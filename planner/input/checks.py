"""Checks across rows and sheets, and the feasibility pre-checks that need the assembled case.

`cross_checks` runs on whatever sheets were parsed (references between sheets, per-row rules involving several
columns, profiles fitting the unit their users need, a cooling technology for every site);
`latency_problems` runs on the assembled case (a demand with no site inside its latency cap).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string

from planner.input.assemble import site_cooling_frame, table_frame
from planner.input.case import Case
from planner.input.latency import unreachable_demands
from planner.input.profiles import ProfileData
from planner.input.reader import RawTable
from planner.input.reference import format_value
from planner.input.schema import (
    FIRST_DATA_ROW, HEADER_ROW, PROFILE_UNITS, SHEETS_BY_NAME, TECHNOLOGY_IDS, UNIT_ROW, Column, Problem,
    ProblemList,
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
    """planner.input.latency's unreachable-demand errors, with cells mapped to where the values really are."""
    problems = []
    for p in unreachable_demands(case):
        if demand is not None and p.sheet == "Demand":
            p = replace(p, sheet=demand.tab, cell=_remap_cell(p.cell, demand))
        problems.append(p)
    return problems


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
