"""Model data: the sparse index sets and numeric parameters the MILP is built from.

Everything the optimisation needs is computed here once from a validated `Case` (numpy arrays indexed by
time step), so the Pyomo build only wires them together. Names follow `models/formulation.md`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.input.case import Case
from planner.input.latency import allowed_pairs
from planner.input.rack_density import capable_cooling, coolable_pairs
from planner.model.facility import FacilityData, averaged, density_groups, facility_data, profile_of_group

FLAT_PROFILE = "__flat__"  # load profile group of demands without a load profile (utilisation 1 every hour)
KW_PER_MW = 1000.0


def capital_recovery_factor(rate: float, lifetime_yr: float) -> float:
    """Annuity factor turning a one-off capex into an equal annual payment over its lifetime."""
    if rate == 0:
        return 1.0 / lifetime_yr
    growth = (1.0 + rate) ** lifetime_yr
    return rate * growth / (growth - 1.0)


def _profile_or_flat(case: Case, profile_id, flat_value: float) -> np.ndarray:
    if isinstance(profile_id, str) and profile_id:
        return case.profiles[profile_id].to_numpy(dtype=float)
    return np.full(case.n_hours, float(flat_value))


@dataclass(frozen=True)
class PeakHours:
    """Hours of a full year that a site's average days keep as rows of their own (`grid_covers_peak_hour`):
    the coefficients of its facility load, PV and wind at those hours."""

    hours: np.ndarray  # hours of the year
    load_coef: dict[tuple[str, str], np.ndarray]  # (k, p) -> PUE x u_p at those hours
    pv_cf: np.ndarray | None
    wind_cf: np.ndarray | None


@dataclass
class ModelData:
    case: Case
    sites: list[str]
    hubs: list[str]
    demands: list[str]
    cooling: list[str]
    times: list[int]
    weight_h: np.ndarray  # hours of the year each time step stands for (sums to 8760)
    prev_t: np.ndarray  # previous time step for storage (cyclic within each day, or over the year)
    site_hub: dict[str, str]
    site_tech: list[tuple[str, str]]  # SK: allowed (site, cooling) pairs
    pairs: pd.DataFrame  # DS: allowed demand-site pairs with latency_ms, service_cost_cny_per_mw_yr
    load_groups: list[str]  # P: load profile groups
    demand_group: dict[str, str]
    site_groups: dict[str, list[str]]  # groups whose demands can reach the site
    utilisation: dict[str, np.ndarray]  # p -> u_p(t)
    pue: dict[tuple[str, str], np.ndarray]  # (s, k) -> hourly PUE
    pv_sites: list[str]
    wind_sites: list[str]
    re_sites: list[str]  # sites with PV or wind potential: storage, curtailment, export, green rules
    export_sites: list[str]
    pv_cf: dict[str, np.ndarray]
    wind_cf: dict[str, np.ndarray]
    price: dict[str, np.ndarray]  # CNY/MWh
    ef: dict[str, np.ndarray]  # tCO2/MWh
    crf: dict[str, float]  # annuity factors: site, it, pv, wind, battery, and cooling:<k>
    eta_charge: float
    eta_discharge: float
    # aggregated days (`aggregated_days`) only: PUE[s,k,t] x u_p(t) averaged over the days each time step stands
    # for, which is not the product of the averages
    load_coef_override: dict[tuple[str, str, str], np.ndarray] | None = None
    # a full year aggregated into days only: the state of charge may shift between days, with a weighted net zero
    soc_day_shift: bool = False
    # aggregated days only: each site's own time-step weights, where its days are grouped apart from other sites'
    site_weight_h: dict[str, np.ndarray] | None = None
    # aggregated days of a full year only: hours of the year each site's grid connection must cover
    peak_hours: dict[str, PeakHours] | None = None
    # flexible compute load (`planner.model.flexible_load`): share of each flexible load group's IT energy that may
    # move within its day, and (aggregated days only) u_p(t) averaged over each site's own groups of days
    flex_share: dict[str, float] = dataclasses.field(default_factory=dict)
    flex_utilisation: dict[tuple[str, str], np.ndarray] | None = None
    # flexible groups with a rolling window (Demand.flexible_window_h): group -> hours; absent = the day
    flex_window_h: dict[str, float] = dataclasses.field(default_factory=dict)
    # rack density (`planner.model.facility`): group -> the technologies able to cool it (absent: every one)
    group_cooling: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    facility: FacilityData | None = None  # water and waste-heat data (`planner.model.facility`)

    def cools(self, k: str, p: str) -> bool:
        """Whether cooling k can cool the racks of load group p."""
        return p not in self.group_cooling or k in self.group_cooling[p]

    def groups_of(self, s: str, k: str) -> list[str]:
        """The load groups reaching site s that cooling k can cool: the p of SKP."""
        return [p for p in self.site_groups.get(s, []) if self.cools(k, p)]

    @property
    def n_t(self) -> int:
        return len(self.times)

    def load_coef(self, s: str, k: str, p: str) -> np.ndarray:
        """Facility MW per MW of IT load of group p at site s with cooling k, per time step: PUE x u_p."""
        if self.load_coef_override is not None:
            return self.load_coef_override[s, k, p]
        return self.pue[s, k] * self.utilisation[p]

    def weights(self, s: str) -> np.ndarray:
        """Hours of the year each time step of site s stands for: `weight_h`, unless the site's days are grouped
        on their own (`aggregated_days`)."""
        return self.weight_h if self.site_weight_h is None else self.site_weight_h[s]

    def it_energy_coef(self, p: str) -> float:
        """MWh of IT energy per MW of IT load of group p per year."""
        return float(self.weight_h @ self.utilisation[p])

    def facility_energy_coef(self, s: str, k: str, p: str) -> float:
        """MWh of facility energy per MW of IT load of group p at site s with cooling k per year."""
        return float(self.weights(s) @ self.load_coef(s, k, p))

    def day_starts(self) -> np.ndarray:
        """The first time step of each day (of each block that storage is cyclic over)."""
        t = np.arange(self.n_t)
        return t[self.prev_t != t - 1]


FLEX_MARK = "~flexible:"  # load group of demands with a flexible share: "<profile>~flexible:<share>"
WINDOW_MARK = "~window_h:"  # ... and a rolling window: "<profile>~flexible:<share>~window_h:<hours>"


def flexible_group(profile_group: str, share: float, window_h: float = float("nan")) -> str:
    """The load group of a demand: its profile's group, apart per flexible share and rolling window (one share
    and one window per group)."""
    if not share > 0:
        return profile_group
    return f"{profile_group}{FLEX_MARK}{share:g}" + (f"{WINDOW_MARK}{window_h:g}" if window_h > 0 else "")


def _previous_time_step(case: Case) -> np.ndarray:
    t = np.arange(case.n_hours)
    prev = t - 1
    if case.is_full_year:
        prev[0] = case.n_hours - 1
        return prev
    day = case.timesteps["day"].to_numpy()
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], case.n_hours] - 1
    prev[starts] = ends
    return prev


def _hourly_pue(case: Case, site_tech: list[tuple[str, str]]) -> dict[tuple[str, str], np.ndarray]:
    """PUE per (site, cooling) and hour: max(floor, annual PUE + slope x (T - T_ref)), or the annual PUE
    without a temperature profile or slope (the tables read once, not per pair: 160 pairs on 40 sites)."""
    cooling = case.cooling.to_dict("index")
    annual_pue = case.site_cooling["pue_annual"].to_dict()
    temp_of = case.sites["temp_profile"].to_dict()
    temps: dict[str, np.ndarray] = {}
    pue = {}
    for site, tech in site_tech:
        cool, annual, temp_id = cooling[tech], float(annual_pue[site, tech]), temp_of[site]
        slope = float(cool["pue_temp_slope_per_degc"])
        if not isinstance(temp_id, str) or slope == 0.0:
            pue[site, tech] = np.full(case.n_hours, annual)
            continue
        if temp_id not in temps:
            temps[temp_id] = case.profiles[temp_id].to_numpy(dtype=float)
        pue[site, tech] = np.maximum(float(cool["pue_floor"]),
                                     annual + slope * (temps[temp_id] - float(cool["pue_ref_temp_c"])))
    return pue


def prepare(case: Case) -> ModelData:
    """Compute the sparse sets and parameter arrays of the MILP from a validated case."""
    sites_df, st, tech = case.sites, case.settings, case.technologies
    sites = list(sites_df.index)
    capable = capable_cooling(case)  # rack density: only (demand, site) pairs with a capable technology
    pairs = coolable_pairs(case, allowed_pairs(case).reset_index(), capable)

    window = case.demand.get("flexible_window_h", pd.Series(np.nan, index=case.demand.index)).astype(float)
    demand_group = {d: flexible_group(p if isinstance(p, str) and p else FLAT_PROFILE, float(f), float(w))
                    for d, p, f, w in zip(case.demand.index, case.demand["load_profile"], case.demand["flexible_share"],
                                          window)}
    demand_group, group_cooling = density_groups(demand_group, capable, frozenset(case.cooling.index))
    load_groups = sorted(set(demand_group.values()))
    # a group's name: "<profile>[~flexible:<share>][@<techs>]" (`flexible_group`, then `density_groups`)
    flex_part = {p: profile_of_group(p) for p in load_groups}
    profile_of = {p: flex_part[p].split(FLEX_MARK)[0] for p in load_groups}
    utilisation = {p: _profile_or_flat(case, None if profile_of[p] == FLAT_PROFILE else profile_of[p], 1.0)
                   for p in load_groups}
    flex_share = {p: float(flex_part[p].split(FLEX_MARK)[1].split(WINDOW_MARK)[0]) for p in load_groups
                  if FLEX_MARK in flex_part[p]}
    flex_window_h = {p: float(flex_part[p].split(WINDOW_MARK)[1]) for p in flex_share if WINDOW_MARK in flex_part[p]}
    pairs["group"] = pairs["demand_id"].map(demand_group)
    share = case.demand["max_share_per_site"].fillna(1.0).astype(float)
    pairs["assign_ub_mw"] = np.minimum(
        pairs["demand_id"].map(case.demand["it_load_mw"].astype(float) * share).to_numpy(),
        pairs["site_id"].map(sites_df["max_it_mw"].astype(float)).to_numpy())
    site_groups = {s: sorted(g) for s, g in pairs.groupby("site_id")["group"].unique().items()}

    sc = case.site_cooling
    site_tech = [(s, k) for (s, k), ok in sc["allowed"].items() if ok and s in case.sites.index]

    pv_sites = [s for s in sites if sites_df.at[s, "max_pv_mw"] > 0]
    wind_sites = [s for s in sites if sites_df.at[s, "max_wind_mw"] > 0]
    re_sites = [s for s in sites if s in set(pv_sites) | set(wind_sites)]
    export_sites = re_sites if st.green_export_allowed else []

    bat = tech.loc["battery"]
    rte = float(bat["round_trip_efficiency"])
    crf = {
        "site": capital_recovery_factor(st.discount_rate, st.site_lifetime_yr),
        "it": capital_recovery_factor(st.discount_rate, st.it_lifetime_yr),
        **{t: capital_recovery_factor(st.discount_rate, float(tech.at[t, "lifetime_yr"]))
           for t in ("pv", "wind", "battery")},
        **{f"cooling:{k}": capital_recovery_factor(st.discount_rate, float(case.cooling.at[k, "lifetime_yr"]))
           for k in case.cooling.index},
    }

    def series(column_flat: str, column_profile: str) -> dict[str, np.ndarray]:
        return {s: _profile_or_flat(case, sites_df.at[s, column_profile], sites_df.at[s, column_flat])
                for s in sites}

    d = ModelData(
        case=case, sites=sites, hubs=list(case.hubs.index), demands=list(case.demand.index),
        cooling=list(case.cooling.index), times=list(range(case.n_hours)),
        weight_h=case.hour_weights, prev_t=_previous_time_step(case),
        site_hub=sites_df["hub_id"].to_dict(), site_tech=site_tech, pairs=pairs,
        load_groups=load_groups, demand_group=demand_group, site_groups=site_groups,
        utilisation=utilisation,
        pue=_hourly_pue(case, site_tech),
        pv_sites=pv_sites, wind_sites=wind_sites, re_sites=re_sites, export_sites=export_sites,
        pv_cf={s: case.profiles[sites_df.at[s, "pv_profile"]].to_numpy(dtype=float) for s in pv_sites},
        wind_cf={s: case.profiles[sites_df.at[s, "wind_profile"]].to_numpy(dtype=float) for s in wind_sites},
        price=series("grid_price_cny_per_mwh", "grid_price_profile"),
        ef=series("grid_ef_tco2_per_mwh", "grid_ef_profile"),
        crf=crf, eta_charge=float(np.sqrt(rte)), eta_discharge=float(np.sqrt(rte)), flex_share=flex_share,
        flex_window_h=flex_window_h, group_cooling=group_cooling,
    )
    d.facility = facility_data(case, site_tech, d.groups_of, d.weight_h, utilisation)
    return d


def site_series(d: ModelData, s: str) -> list[np.ndarray]:
    """Every hourly series the rows of site s use: PV and wind capacity factors, the utilisation of the load
    groups that can reach it, the PUE of its cooling technologies, grid price and emission factor."""
    return [*(cf[s] for cf in (d.pv_cf, d.wind_cf) if s in cf), *(d.utilisation[p] for p in d.site_groups.get(s, [])),
            *(d.pue[s, k] for site, k in d.site_tech if site == s), d.price[s], d.ef[s],
            *([d.facility.heat_demand_mw[s]] if d.facility is not None and s in d.facility.heat_demand_mw else [])]


def similar_days(series: list[np.ndarray], steps: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """The days (rows of `steps`) in exactly `n_groups` groups of similar hourly profiles (Ward's hierarchical
    clustering of the series, each scaled to its range), as arrays of day positions: averaging over similar
    days loses little. Groups of identical days are split to make up the number."""
    from scipy.cluster.hierarchy import fcluster, linkage

    features = []
    for x in series:
        span = float(x.max() - x.min())
        if span > 0:
            features.append((x[steps] - x.min()) / span)  # days x 24
    if not features:
        return np.array_split(np.arange(len(steps)), n_groups)
    labels = fcluster(linkage(np.hstack(features), method="ward"), t=n_groups, criterion="maxclust")
    groups = [np.flatnonzero(labels == g) for g in np.unique(labels)]
    while len(groups) < n_groups:
        largest = groups.pop(max(range(len(groups)), key=lambda g: len(groups[g])))
        groups += np.array_split(largest, 2)
    return groups


def aggregated_days(d: ModelData, n_days: int) -> ModelData:
    """A relaxation of the model on `n_days` average days per site: its optimum is a lower bound for the case.

    Each site's days are grouped by the similarity of the site's own series (`site_series`, `similar_days`):
    sites far apart see different weather on the same day, and a site's hourly variables meet other sites'
    only in annual sums, so each site may have its own groups. Each group becomes one day whose hour h holds
    the group's averages at hour h, weighted by the days the group stands for (`site_weight_h`). Any plan for
    the case maps onto it by averaging each site's hourly values over each of its groups' days, at no higher
    cost, because every row is linear:
    - capacity factors, utilisation and the facility-load coefficient PUE x u_p are averaged (the load
      coefficient as the average product, `load_coef_override`), so balances and limits hold for the averages;
    - price and emission factor are the group's minimum at each hour, so energy cost and emissions are not
      overstated (imports are not negative);
    - storage: with representative days, each is cyclic, so their averages are too; in a full year the days
      join end to start, so the state of charge may shift at each average day's start, with a net zero over
      the year weighted by days (`soc_day_shift`): the average of the year's day-to-day shifts adds up to zero.
    Annual sums are unchanged: each hour weighs the days of its group. `weight_h` and `utilisation` are used
    only in annual sums of capacity-level variables (IT energy), the same for any grouping: they follow runs
    of consecutive days.
    """
    day = d.case.timesteps["day"].to_numpy()
    hours = 24
    per_day = [np.flatnonzero(day == x) for x in dict.fromkeys(day.tolist())]
    if any(len(r) != hours for r in per_day):
        raise ValueError("aggregating days needs days of 24 hourly time steps")
    steps = np.stack(per_day)  # days x 24
    day_w = d.weight_h[steps[:, 0]]  # days of the year each day stands for
    n_groups = min(n_days, len(steps))

    def grouped(series: list[np.ndarray]) -> list[np.ndarray]:
        if len(steps) <= n_groups:
            return [np.array([j]) for j in range(len(steps))]
        return similar_days(series, steps, n_groups)

    runs = np.array_split(np.arange(len(steps)), n_groups)
    of_site = {s: grouped(site_series(d, s)) for s in d.sites}

    def by_group(x: np.ndarray, groups: list[np.ndarray], how) -> np.ndarray:
        return np.concatenate([how(x[steps[g]], day_w[g]) for g in groups])

    def mean(x: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
        return by_group(x, groups, lambda rows, w: w @ rows / w.sum())

    def low(x: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
        return by_group(x, groups, lambda rows, w: rows.min(axis=0))

    def weights(groups: list[np.ndarray]) -> np.ndarray:
        return np.repeat([float(day_w[g].sum()) for g in groups], hours)

    n_t = n_groups * hours
    t = np.arange(n_t)
    prev = t - 1
    prev[::hours] = t[hours - 1::hours]  # cyclic within each day (in a full year, shifts link the days)
    return dataclasses.replace(
        d, times=list(range(n_t)), prev_t=prev, weight_h=weights(runs),
        site_weight_h={s: weights(g) for s, g in of_site.items()},
        utilisation={p: mean(u, runs) for p, u in d.utilisation.items()},
        pue={(s, k): mean(v, of_site[s]) for (s, k), v in d.pue.items()},
        pv_cf={s: mean(v, of_site[s]) for s, v in d.pv_cf.items()},
        wind_cf={s: mean(v, of_site[s]) for s, v in d.wind_cf.items()},
        price={s: low(v, of_site[s]) for s, v in d.price.items()}, ef={s: low(v, of_site[s]) for s, v in d.ef.items()},
        load_coef_override={(s, k, p): mean(d.load_coef(s, k, p), of_site[s]) for s, k in d.site_tech
                            for p in d.groups_of(s, k)},
        facility=None if d.facility is None else averaged(d.facility, lambda x, s: mean(x, of_site[s])),
        soc_day_shift=d.case.is_full_year,
        flex_utilisation={(s, p): mean(d.utilisation[p], of_site[s]) for s in d.sites
                          for p in d.site_groups.get(s, [])} if d.flex_share else None,
        peak_hours={s: peak_hours_of(d, s) for s in d.sites} if d.case.is_full_year else None)


# PV and wind MW per MW of facility load whose hardest hours a site's peak rows cover (`peak_hours_of`)
PEAK_RATIOS = (0.0, 0.5, 1.0, 2.0, 4.0)


def peak_hours_of(d: ModelData, s: str) -> PeakHours:
    """The hours of the year at which site s needs the most from its grid connection, for a spread of PV and
    wind sizes: hour t is kept if it maximises a facility load coefficient less r_pv cf^pv_t + r_w cf^w_t for
    some r_pv, r_w in PEAK_RATIOS. Any set of hours gives valid rows; these are the ones likely to bind."""
    combos = [(k, p) for site, k in d.site_tech if site == s for p in d.groups_of(s, k)]
    # the part of a flexible group's load that cannot move away from an hour (a lower bound on its load there)
    load = {kp: d.load_coef(s, *kp) * (1.0 - d.flex_share.get(kp[1], 0.0)) for kp in combos}
    pv, wind = d.pv_cf.get(s), d.wind_cf.get(s)
    (pv_ratios, pv_cf), (wind_ratios, wind_cf) = ((PEAK_RATIOS, cf) if cf is not None else ((0.0,), 0.0)
                                                  for cf in (pv, wind))
    hours = {int(np.argmax(coef - r_pv * pv_cf - r_w * wind_cf))
             for coef in load.values() for r_pv in pv_ratios for r_w in wind_ratios}
    kept = np.array(sorted(hours), dtype=np.int64)
    return PeakHours(hours=kept, load_coef={kp: v[kept] for kp, v in load.items()},
                     pv_cf=None if pv is None else pv[kept], wind_cf=None if wind is None else wind[kept])


def restricted_to_sites(d: ModelData, keep) -> ModelData:
    """The model on the sites `keep` only, as if the others were not candidates (they stay closed): every
    site-indexed set and parameter filtered, demands, hubs and time unchanged."""
    keep = set(keep)
    sites = [s for s in d.sites if s in keep]
    pairs = d.pairs[d.pairs["site_id"].isin(keep)].reset_index(drop=True)

    def only(values: dict) -> dict:
        return {key: v for key, v in values.items() if (key[0] if isinstance(key, tuple) else key) in keep}

    return dataclasses.replace(
        d, sites=sites, site_hub=only(d.site_hub), site_tech=[(s, k) for s, k in d.site_tech if s in keep],
        pairs=pairs, site_groups=only(d.site_groups), pue=only(d.pue),
        pv_sites=[s for s in d.pv_sites if s in keep], wind_sites=[s for s in d.wind_sites if s in keep],
        re_sites=[s for s in d.re_sites if s in keep], export_sites=[s for s in d.export_sites if s in keep],
        pv_cf=only(d.pv_cf), wind_cf=only(d.wind_cf), price=only(d.price), ef=only(d.ef),
        load_coef_override=None if d.load_coef_override is None else only(d.load_coef_override),
        site_weight_h=None if d.site_weight_h is None else only(d.site_weight_h),
        flex_utilisation=None if d.flex_utilisation is None else only(d.flex_utilisation),
        peak_hours=None if d.peak_hours is None else only(d.peak_hours))
