"""Data of the facility-side families, computed once from the case in `planner.model.data.prepare`: the water
each MW of IT load uses in a year (WUE), the sites' heat demand for recovered waste heat, and the groups of
demands that only some cooling technologies can cool (rack density).

Water is an annual, capacity-level quantity: m3/yr = sum_t w_t WUE[s,k,t] u_p(t) x it_load_mw[s,k,p], with the
hourly WUE computed here at full resolution; it needs nothing hourly in the model. Heat is hourly: the heat demand
and the utilisation at a heat site's time steps are kept here so that average days (`aggregated_days`) can
average them like every other site series (`averaged`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from planner.input.case import Case

GROUP_COOLING_SEP = "@"  # load group of demands only some technologies can cool: "<profile>@<k1>+<k2>"


@dataclass(frozen=True)
class FacilityData:
    water_m3_per_mw: dict[tuple[str, str, str], float]  # (s, k, p) -> m3/yr per MW of it_load_mw (0: left out)
    heat_demand_mw: dict[str, np.ndarray]  # heat site -> MW of heat demand per time step
    heat_util: dict[tuple[str, str], np.ndarray]  # (heat site, p) -> u_p(t) at the site's time steps
    heat_tech: dict[str, list[str]]  # heat site -> its allowed technologies with a recoverable share > 0


def density_groups(demand_group: dict[str, str], capable: dict[str, frozenset[str]],
                   every: frozenset[str]) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Load groups refined by the technologies able to cool each demand's racks: a demand that every technology
    can cool keeps its group (so cases without rack densities are unchanged); others join the group
    "<profile>@<techs>". Returns (demand -> group, group -> its technologies, for the restricted groups only)."""
    groups, cooling = {}, {}
    for i, p in demand_group.items():
        techs = capable[i]
        if techs == every:
            groups[i] = p
            continue
        name = f"{p}{GROUP_COOLING_SEP}{'+'.join(sorted(techs))}"
        groups[i], cooling[name] = name, techs
    return groups, cooling


def profile_of_group(p: str) -> str:
    """The load-profile id of a load group (its name up to a rack-density suffix)."""
    return p.split(GROUP_COOLING_SEP, 1)[0]


def hourly_wue(case: Case, s: str, k: str, temps: np.ndarray | None) -> np.ndarray | float:
    """WUE (m3/MWh = L/kWh) of site s under cooling k per hour: max(floor, WUE + slope x (T - pue_ref_temp_c)),
    or the flat WUE without a temperature profile or slope."""
    cool = case.cooling.loc[k]
    wue = float(case.site_cooling.at[(s, k), "wue_l_per_kwh"])
    slope = float(cool["wue_temp_slope_per_degc"])
    if temps is None or slope == 0.0:
        return wue
    return np.maximum(float(cool["wue_floor"]), wue + slope * (temps - float(cool["pue_ref_temp_c"])))


def facility_data(case: Case, site_tech: list[tuple[str, str]], groups_of: Callable[[str, str], list[str]],
                  weight_h: np.ndarray, utilisation: dict[str, np.ndarray]) -> FacilityData:
    """The water coefficients of every (s, k, p) and the heat series of the sites that can sell heat."""
    sites = case.sites
    temp_of = sites["temp_profile"].to_dict()
    water: dict[tuple[str, str, str], float] = {}
    if (case.cooling["wue_l_per_kwh"] > 0).any() or (case.site_cooling["wue_l_per_kwh"] > 0).any():
        for s, k in site_tech:
            temp_id = temp_of[s]
            temps = case.profiles[temp_id].to_numpy(dtype=float) if isinstance(temp_id, str) and temp_id else None
            wue = hourly_wue(case, s, k, temps)
            for p in groups_of(s, k):
                coef = float(weight_h @ (wue * utilisation[p]))
                if coef != 0.0:
                    water[s, k, p] = coef
    share = case.cooling["heat_recoverable_share"].astype(float).to_dict()
    heat_tech = {}
    for s, k in site_tech:
        profile = sites.at[s, "heat_demand_profile"]
        if isinstance(profile, str) and profile and share[k] > 0:
            heat_tech.setdefault(s, []).append(k)
    demand = {s: case.profiles[sites.at[s, "heat_demand_profile"]].to_numpy(dtype=float) for s in heat_tech}
    util = {(s, p): utilisation[p] for s in heat_tech for k in heat_tech[s] for p in groups_of(s, k)}
    return FacilityData(water_m3_per_mw=water, heat_demand_mw=demand, heat_util=util, heat_tech=heat_tech)


def averaged(f: FacilityData, mean: Callable[[np.ndarray, str], np.ndarray]) -> FacilityData:
    """The heat series on a site's average days (`mean(series, site)`); water is annual and stays."""
    return FacilityData(water_m3_per_mw=f.water_m3_per_mw, heat_tech=f.heat_tech,
                        heat_demand_mw={s: mean(v, s) for s, v in f.heat_demand_mw.items()},
                        heat_util={(s, p): mean(v, s) for (s, p), v in f.heat_util.items()})
