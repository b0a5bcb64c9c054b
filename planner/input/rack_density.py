"""Rack power density decides the cooling: which cooling technologies can cool each demand's racks.

A demand with `Demand.rack_kw` may only be served by IT capacity under a technology whose `Cooling.max_rack_kw`
is at least that density (blank limit: any density). A demand that no allowed technology at any site within its
latency cap can cool is an input error (`uncoolable_demands`), named with its density and the nearest sites'
technologies and their limits.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.utils import get_column_letter

from planner.input.case import Case
from planner.input.latency import pair_table
from planner.input.schema import DEMAND, FIRST_DATA_ROW, Problem

N_NEAREST = 3  # sites named in the error of a demand no reachable site can cool


def capable_cooling(case: Case) -> dict[str, frozenset[str]]:
    """Per demand, the cooling technologies able to cool its racks (all of them where it gives no rack_kw)."""
    limit = case.cooling["max_rack_kw"].astype(float).to_dict()
    every = frozenset(case.cooling.index)
    out = {}
    for i, kw in case.demand["rack_kw"].astype(float).items():
        out[i] = every if math.isnan(kw) else frozenset(k for k in every if math.isnan(limit[k]) or limit[k] >= kw)
    return out


def _techs_of_site(case: Case) -> dict[str, list[str]]:
    allowed = case.site_cooling["allowed"]
    out: dict[str, list[str]] = {}
    for (s, k), ok in allowed.items():
        if ok:
            out.setdefault(s, []).append(k)
    return out


def coolable_pairs(case: Case, pairs: pd.DataFrame, capable: dict[str, frozenset[str]]) -> pd.DataFrame:
    """The (demand, site) rows of `pairs` whose site allows a technology able to cool the demand's racks."""
    techs = _techs_of_site(case)
    keep = [bool(capable[i].intersection(techs.get(s, ()))) for i, s in zip(pairs["demand_id"], pairs["site_id"])]
    return pairs[keep].reset_index(drop=True)


def uncoolable_demands(case: Case) -> list[Problem]:
    """An input error for each demand whose racks no allowed technology at a site within its latency cap can
    cool (demands no site can reach at all are `latency.unreachable_demands`' errors)."""
    kw = case.demand["rack_kw"].astype(float)
    if kw.isna().all():
        return []
    capable, techs = capable_cooling(case), _techs_of_site(case)
    limit = case.cooling["max_rack_kw"].astype(float).to_dict()
    table = pair_table(case).reset_index()
    col = get_column_letter(DEMAND.column_names.index("rack_kw") + 1)
    problems = []
    for i, group in table.groupby("demand_id", sort=False):
        reach = group[group["allowed"]].sort_values("latency_ms")
        if math.isnan(kw[i]) or reach.empty or any(capable[i].intersection(techs.get(s, ())) for s in reach["site_id"]):
            continue

        def limits(s: str) -> str:
            return ", ".join(f"{k} {'no limit' if math.isnan(limit[k]) else f'<= {limit[k]:g} kW'}"
                             for k in techs.get(s, ()))

        nearest = "; ".join(f"{s} at {ms:.1f} ms ({limits(s) or 'no allowed cooling'})"
                            for s, ms in zip(reach["site_id"][:N_NEAREST], reach["latency_ms"][:N_NEAREST]))
        able = [k for k in capable[i]]
        row = case.demand.index.get_loc(i) + FIRST_DATA_ROW
        problems.append(Problem(
            "error", "Demand", f"{col}{row}",
            f"demand {i!r} has racks of {kw[i]:g} kW/rack, which no cooling technology allowed at a site within "
            f"its latency cap can cool; nearest sites: {nearest}",
            (f"allow {' or '.join(sorted(able))} (able to cool {kw[i]:g} kW racks) at one of these sites in "
             f"SiteCooling, " if able else "add a cooling technology with Cooling.max_rack_kw >= "
             f"{kw[i]:g}, ") + "check rack_kw, or raise latency_cap_ms to reach a site that can cool it"))
    return problems
