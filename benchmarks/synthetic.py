"""Seeded synthetic planning cases of any size, as input tables for `planner.input.validate.case_from_tables`.

    tables = synthetic_tables(n_sites=40, n_demands=20, n_days=12, seed=0)
    case = synthetic_case(40, 20, 12)          # = case_from_tables(tables, source=...)

The cases are "realistic-ish" China-like data-centre siting problems, built to be feasible by construction:

* 8 hubs modelled on the national computing hub nodes: 4 east (pue_cap 1.25) and 4 west (pue_cap 1.20).
  A minimum green share of 0.8 applies to 3 western hubs (Gansu, Ningxia, Inner Mongolia) and to the eastern
  Jing-Jin-Ji hub. Eastern sites buy green certificates (grid_green_share 0.85 in Jing-Jin-Ji, 0.15-0.35
  elsewhere), western sites have large PV and wind potential (4-8x their IT capacity) plus a grid green
  share of 0.3-0.5, so the 0.8 rule can be met with direct-connected renewables and batteries. A hub rule
  only binds when the hub's sites are used; every demand also reaches sites without a green-share rule.
* Sites are spread round-robin over the hubs, jittered around the hub centre (+-1.2 deg).
* Demands sit around eastern cities (jittered). Latency uses the default proxy of Settings
  (0.005 ms/km x route factor 2.2 = 0.011 ms/km, i.e. 10 ms ~ 909 km, 20 ms ~ 1818 km, 40 ms ~ 3636 km).
  Each demand draws a cap from 10/20/40 ms and is moved up to the next cap until at least 3 sites
  (2 if there are fewer than 10 sites) are within reach, so no demand is unreachable.
* Cooling: air 1.35 / evaporative 1.18 / cold plate 1.15 / immersion 1.07 annual PUE with capex rising
  2.0 / 3.0 / 4.5 / 6.5 MCNY per MW IT, hourly PUE from each hub's temperature profile (slope, floor).
* Profiles per hub (PV and wind capacity factors, temperature) and per load type (inference, training,
  enterprise utilisation) from seeded sine shapes + noise. `n_days` < 365: representative days spread over
  the year with whole-day weights summing to 365; `n_days` = 365: the full chronological year (8760 h,
  weight 1 each).

Everything is drawn from `numpy.random.default_rng(seed)` streams, so the same arguments give the same
tables on every machine.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365
HOURS_PER_DAY = 24

# hub_id, name, region, lat, lon, pue_cap, min_green_share (nan = none), PV / wind quality (0-1)
HUBS = (
    ("jingjinji", "Jing-Jin-Ji (Zhangjiakou)", "east", 40.8, 114.9, 1.25, 0.8, 0.55, 0.55),
    ("yangtze", "Yangtze River Delta (Wuhu/Qingpu)", "east", 31.2, 119.0, 1.25, math.nan, 0.35, 0.25),
    ("guangdong", "Guangdong-HK-Macao (Shaoguan)", "east", 24.8, 113.6, 1.25, math.nan, 0.40, 0.25),
    ("chengyu", "Cheng-Yu (Tianfu/Chongqing)", "east", 30.2, 105.3, 1.25, math.nan, 0.30, 0.20),
    ("neimenggu", "Inner Mongolia (Helinger)", "west", 40.4, 111.8, 1.20, 0.8, 0.80, 0.95),
    ("guizhou", "Guizhou (Gui'an)", "west", 26.4, 106.4, 1.20, math.nan, 0.40, 0.40),
    ("gansu", "Gansu (Qingyang)", "west", 35.7, 107.6, 1.20, 0.8, 0.85, 0.75),
    ("ningxia", "Ningxia (Zhongwei)", "west", 37.5, 105.2, 1.20, 0.8, 0.90, 0.85),
)
# annual mean temperature, seasonal half-amplitude, diurnal range (degC) per hub
CLIMATE = {
    "jingjinji": (8.0, 14.0, 11.0), "yangtze": (16.5, 11.0, 7.0), "guangdong": (20.5, 7.5, 7.0),
    "chengyu": (17.5, 9.0, 6.0), "neimenggu": (6.5, 15.0, 13.0), "guizhou": (15.0, 8.5, 7.0),
    "gansu": (9.5, 12.0, 13.0), "ningxia": (9.0, 13.0, 13.0),
}

# demand centres: name, lat, lon
CITIES = (
    ("beijing", 39.9, 116.4), ("shanghai", 31.2, 121.5), ("guangzhou", 23.1, 113.3), ("shenzhen", 22.5, 114.1),
    ("hangzhou", 30.3, 120.2), ("nanjing", 32.1, 118.8), ("wuhan", 30.6, 114.3), ("chengdu", 30.6, 104.1),
    ("chongqing", 29.6, 106.5), ("tianjin", 39.1, 117.2), ("xian", 34.3, 108.9), ("zhengzhou", 34.7, 113.6),
    ("jinan", 36.7, 117.0), ("suzhou", 31.3, 120.6), ("changsha", 28.2, 112.9), ("xiamen", 24.5, 118.1),
    ("qingdao", 36.1, 120.4), ("hefei", 31.8, 117.2), ("fuzhou", 26.1, 119.3), ("shenyang", 41.8, 123.4),
)

# cooling_id, name, pue_annual, capex CNY/MW IT, slope 1/degC, floor
COOLING = (
    ("air", "Air cooling with free cooling", 1.35, 2.0e6, 0.008, 1.15),
    ("evaporative", "Evaporative / indirect evaporative", 1.18, 3.0e6, 0.005, 1.08),
    ("cold_plate", "Cold-plate liquid cooling", 1.15, 4.5e6, 0.003, 1.07),
    ("immersion", "Immersion liquid cooling", 1.07, 6.5e6, 0.001, 1.03),
)

LOAD_TYPES = ("inference", "training", "enterprise")
LATENCY_CAPS_MS = (10.0, 20.0, 40.0)
MS_PER_KM = 0.005 * 2.2  # Settings defaults latency_ms_per_km x latency_route_factor
EARTH_RADIUS_KM = 6371.0088


def _km(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin((np.radians(lon2) - np.radians(lon1)) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def representative_days(n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(day of year 0-364 of each period, whole-day weights summing to 365)."""
    if n_days < 1 or n_days > DAYS_PER_YEAR:
        raise ValueError(f"n_days must be 1..365, not {n_days}")
    if n_days == DAYS_PER_YEAR:
        return np.arange(DAYS_PER_YEAR), np.ones(DAYS_PER_YEAR)
    edges = np.linspace(0, DAYS_PER_YEAR, n_days + 1).round().astype(int)
    weights = np.diff(edges).astype(float)
    return (edges[:-1] + edges[1:]) // 2, weights


def _ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    """Stationary AR(1) noise with marginal standard deviation sigma."""
    eps = rng.normal(0.0, sigma * math.sqrt(1 - phi ** 2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sigma)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + eps[i]
    return out


def hub_profiles(hub: tuple, doy: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """PV and wind capacity factors and temperature of one hub for the given days (24 h each)."""
    hub_id, lat, pv_q, wind_q = hub[0], hub[3], hub[7], hub[8]
    n = len(doy)
    day = np.repeat(doy, HOURS_PER_DAY).astype(float)
    hour = np.tile(np.arange(HOURS_PER_DAY), n).astype(float)
    season = -np.cos(2 * np.pi * (day - 15.0) / DAYS_PER_YEAR)  # -1 mid-January, +1 mid-July

    mean, amp, diurnal = CLIMATE[hub_id]
    temp = (mean + amp * season + diurnal / 2 * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
            + np.repeat(_ar1(rng, n, 0.7, 2.5), HOURS_PER_DAY) + rng.normal(0.0, 0.6, n * HOURS_PER_DAY))

    # PV: a half-sine over daylight whose length follows the season and latitude, times daily clearness
    daylen = 12.0 + season * (2.0 + 3.0 * (lat - 20.0) / 25.0)
    sunrise = 12.5 - daylen / 2  # solar noon ~12:30 Beijing time in western China
    x = (hour + 0.5 - sunrise) / daylen
    shape = np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)), 0.0)
    clear = np.clip(0.55 + 0.35 * pv_q + np.repeat(_ar1(rng, n, 0.5, 0.22), HOURS_PER_DAY), 0.05, 1.0)
    peak = 0.55 + 0.25 * pv_q
    pv = np.clip(peak * shape * clear * (1 + rng.normal(0.0, 0.05, n * HOURS_PER_DAY)), 0.0, 1.0)

    # wind: logistic of a seasonal (spring max) + diurnal (night max) + daily AR(1) + hourly noise signal
    spring = np.cos(2 * np.pi * (day - 100.0) / DAYS_PER_YEAR)
    signal = (-1.6 + 1.5 * wind_q + 0.35 * spring + 0.35 * np.cos(2 * np.pi * (hour - 2.0) / 24.0)
              + np.repeat(_ar1(rng, n, 0.6, 0.9), HOURS_PER_DAY) + _ar1(rng, n * HOURS_PER_DAY, 0.8, 0.5))
    wind = np.clip(0.95 / (1 + np.exp(-signal)) - 0.03, 0.0, 1.0)
    return {f"pv_{hub_id}": pv.round(4), f"wind_{hub_id}": wind.round(4), f"temp_{hub_id}": temp.round(2)}


def load_profiles(doy: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Utilisation (0-1) of the three demand types."""
    n = len(doy)
    hour = np.tile(np.arange(HOURS_PER_DAY), n).astype(float)
    weekday = np.repeat((doy % 7) < 5, HOURS_PER_DAY)
    noise = lambda s: rng.normal(0.0, s, n * HOURS_PER_DAY)  # noqa: E731
    inference = 0.6 + 0.3 * np.sin(2 * np.pi * (hour - 14.0) / 24.0 + np.pi / 2) + noise(0.03)
    training = 0.88 + np.repeat(rng.normal(0.0, 0.05, n), HOURS_PER_DAY) + noise(0.02)
    business = ((hour >= 8) & (hour < 19) & weekday).astype(float)
    enterprise = 0.35 + 0.5 * business + noise(0.03)
    return {f"load_{name}": np.clip(v, 0.05, 1.0).round(4)
            for name, v in zip(LOAD_TYPES, (inference, training, enterprise))}


def synthetic_tables(n_sites: int, n_demands: int, n_days: int, seed: int = 0) -> dict:
    """Input tables (sheet name -> DataFrame; Settings as a dict) of a feasible synthetic planning case."""
    if n_sites < 2 or n_demands < 1:
        raise ValueError("need at least 2 sites and 1 demand")
    rng = np.random.default_rng(seed)
    name = f"synthetic-{n_sites}s-{n_demands}d-{n_days}days-seed{seed}"

    hubs = pd.DataFrame([{"hub_id": h[0], "name": h[1], "region": h[2], "pue_cap": h[5],
                          "min_green_share": None if math.isnan(h[6]) else h[6]} for h in HUBS])
    hub_of = {h[0]: h for h in HUBS}

    # ---- sites: round-robin over hubs, jittered around the hub centre
    rows = []
    for i in range(n_sites):
        hub = HUBS[i % len(HUBS)]
        hub_id, region = hub[0], hub[2]
        east = region == "east"
        max_it = float(rng.choice([60.0, 80.0, 120.0, 160.0, 200.0, 240.0]))
        module = float(rng.choice([10.0, 20.0])) if max_it >= 80 else 10.0
        row = {
            "site_id": f"s{i + 1:03d}-{hub_id}", "hub_id": hub_id, "name": f"{hub[1].split(' (')[0]} site {i + 1}",
            "province": hub_id, "lat": round(hub[3] + rng.uniform(-1.2, 1.2), 3),
            "lon": round(hub[4] + rng.uniform(-1.2, 1.2), 3), "max_it_mw": max_it, "module_mw": module,
            "fixed_cost_cny": round(rng.uniform(3.0e8, 6.0e8) if east else rng.uniform(1.5e8, 3.5e8), -5),
            "it_capex_cny_per_mw": round(rng.uniform(4.0e7, 4.6e7) if east else rng.uniform(3.5e7, 4.1e7), -4),
            "grid_price_cny_per_mwh": round(rng.uniform(560.0, 700.0) if east else rng.uniform(280.0, 380.0), 1),
            "grid_ef_tco2_per_mwh": round(rng.uniform(0.50, 0.60) if east else rng.uniform(0.55, 0.70), 4),
            "grid_connection_cost_cny_per_mw_yr": round(rng.uniform(1.5e5, 2.5e5), -3),
            "temp_profile": f"temp_{hub_id}",
            "export_price_cny_per_mwh": 0.0 if east else round(rng.uniform(150.0, 250.0), 1),
        }
        if east:
            row["grid_green_share"] = 0.85 if hub_id == "jingjinji" else round(rng.uniform(0.15, 0.35), 2)
            if rng.random() < 0.25:  # rooftop / nearby PV on some eastern sites
                row["max_pv_mw"], row["pv_profile"] = float(rng.choice([20.0, 40.0])), f"pv_{hub_id}"
        else:
            row["grid_green_share"] = round(rng.uniform(0.3, 0.5), 2)
            row["max_pv_mw"], row["pv_profile"] = round(max_it * rng.uniform(4.0, 8.0), -1), f"pv_{hub_id}"
            row["max_wind_mw"], row["wind_profile"] = round(max_it * rng.uniform(4.0, 8.0), -1), f"wind_{hub_id}"
        rows.append(row)
    sites = pd.DataFrame(rows)
    green_free = sites["hub_id"].map(lambda h: math.isnan(hub_of[h][6])).to_numpy()

    # ---- demands around eastern cities, latency cap raised until enough sites are in reach
    need = 3 if n_sites >= 10 else 2
    rows = []
    for j in range(n_demands):
        city = CITIES[j % len(CITIES)]
        lat, lon = city[1] + rng.uniform(-0.5, 0.5), city[2] + rng.uniform(-0.5, 0.5)
        km = _km(lat, lon, sites["lat"].to_numpy(), sites["lon"].to_numpy())
        ms = km * MS_PER_KM
        caps = [c for c in LATENCY_CAPS_MS if c >= rng.choice(LATENCY_CAPS_MS, p=[0.3, 0.4, 0.3])]
        cap = next((c for c in caps if (ms <= c).sum() >= need and (ms[green_free] <= c).any()), None)
        if cap is None:  # beyond 40 ms: the smallest whole 10 ms that reaches enough sites
            cap = float(math.ceil(max(np.sort(ms)[need - 1], ms[green_free].min()) / 10.0) * 10.0)
        kind = LOAD_TYPES[j % len(LOAD_TYPES)]
        suffix = f"-{j // len(CITIES) + 1}" if j >= len(CITIES) else ""
        rows.append({
            "demand_id": f"d{j + 1:03d}-{city[0]}{suffix}", "name": f"{city[0].title()} {kind}{suffix}",
            "lat": round(lat, 3), "lon": round(lon, 3),
            "it_load_mw": float(rng.choice([20.0, 30.0, 40.0, 60.0, 80.0, 100.0, 120.0])),
            "latency_cap_ms": cap,
            "max_share_per_site": 0.5 if rng.random() < 0.2 else None,
            "load_profile": f"load_{kind}",
        })
    demand = pd.DataFrame(rows)
    _scale_demand(demand, sites)
    _ensure_capacity_in_reach(demand, sites)

    # ---- profiles
    doy, weights = representative_days(n_days)
    steps = pd.DataFrame({"day": np.repeat(np.arange(1, n_days + 1), HOURS_PER_DAY),
                          "hour": np.tile(np.arange(HOURS_PER_DAY), n_days),
                          "weight_days": np.repeat(weights, HOURS_PER_DAY)})
    series: dict[str, np.ndarray] = {}
    for k, hub in enumerate(HUBS):
        series.update(hub_profiles(hub, doy, np.random.default_rng([seed, 1000 + k])))
    series.update(load_profiles(doy, np.random.default_rng([seed, 2000])))
    used = set(sites["pv_profile"].dropna()) | set(sites["wind_profile"].dropna()) | set(sites["temp_profile"]) \
        | set(demand["load_profile"])
    profiles = pd.concat([steps, pd.DataFrame({k: v for k, v in series.items() if k in used})], axis=1)

    cooling = pd.DataFrame([{"cooling_id": c[0], "name": c[1], "pue_annual": c[2], "capex_cny_per_mw_it": c[3],
                             "lifetime_yr": 10.0, "pue_temp_slope_per_degc": c[4], "pue_floor": c[5],
                             "pue_ref_temp_c": 15.0} for c in COOLING])
    technologies = pd.DataFrame([
        {"tech_id": "pv", "capex_cny_per_kw": 3300.0, "fixed_om_share": 0.015, "lifetime_yr": 25.0},
        {"tech_id": "wind", "capex_cny_per_kw": 4800.0, "fixed_om_share": 0.02, "lifetime_yr": 25.0},
        {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 700.0, "fixed_om_share": 0.02,
         "lifetime_yr": 15.0, "round_trip_efficiency": 0.88, "min_hours": 1.0, "max_hours": 4.0},
    ])
    settings = {"case_name": name, "discount_rate": 0.08, "service_cost_cny_per_mw_ms_yr": 2000.0,
                "mip_gap": 0.005, "time_limit_s": 600.0}
    return {"Settings": settings, "Hubs": hubs, "Sites": sites, "Cooling": cooling, "Demand": demand,
            "Technologies": technologies, "Profiles": profiles}


def _scale_demand(demand: pd.DataFrame, sites: pd.DataFrame, target: float = 0.45) -> None:
    """Scale demand so that total IT load is at most `target` of total site capacity (rounded to 5 MW)."""
    total, capacity = demand["it_load_mw"].sum(), sites["max_it_mw"].sum()
    if total > target * capacity:
        demand["it_load_mw"] = np.maximum(5.0, (demand["it_load_mw"] * target * capacity / total / 5).round() * 5)


def _latency_ms(demand: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    return _km(demand["lat"].to_numpy()[:, None], demand["lon"].to_numpy()[:, None],
               sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :]) * MS_PER_KM


def _unserved(demand: pd.DataFrame, sites: pd.DataFrame) -> dict[int, float]:
    """Max-flow check (networkx): demand index -> MW that cannot be placed within caps and site capacities."""
    import networkx as nx

    ms = _latency_ms(demand, sites)
    g = nx.DiGraph()
    for j, r in enumerate(demand.itertuples()):
        g.add_edge("src", ("d", j), capacity=float(r.it_load_mw))
        share = r.max_share_per_site if isinstance(r.max_share_per_site, float) and r.max_share_per_site > 0 else 1.0
        for i in np.flatnonzero(ms[j] <= r.latency_cap_ms - 1e-6):
            g.add_edge(("d", j), ("s", int(i)), capacity=float(r.it_load_mw) * share)
    for i, cap in enumerate(sites["max_it_mw"]):
        g.add_edge(("s", i), "snk", capacity=float(cap))
    _, flow = nx.maximum_flow(g, "src", "snk")
    return {j: float(load) - sum(flow[("d", j)].values())
            for j, load in enumerate(demand["it_load_mw"]) if float(load) - sum(flow[("d", j)].values()) > 1e-6}


def _ensure_capacity_in_reach(demand: pd.DataFrame, sites: pd.DataFrame) -> None:
    """Raise the latency cap of demands that cannot all be placed (10 -> 20 -> 40 -> +10 ms) until they can."""
    for _ in range(50):
        short = _unserved(demand, sites)
        if not short:
            return
        for j in short:
            cap = float(demand.at[j, "latency_cap_ms"])
            demand.at[j, "latency_cap_ms"] = next((c for c in LATENCY_CAPS_MS if c > cap), cap + 10.0)
    raise RuntimeError("synthetic case: demand cannot be placed within reach; add sites")


def synthetic_case(n_sites: int, n_demands: int, n_days: int, seed: int = 0):
    """The validated `Case` of `synthetic_tables(...)`."""
    from planner.input.validate import case_from_tables

    tables = synthetic_tables(n_sites, n_demands, n_days, seed)
    return case_from_tables(tables, source=f"benchmarks.synthetic({n_sites}, {n_demands}, {n_days}, seed={seed})")


# The benchmark cases of benchmarks/run_benchmarks.py: name -> (sites, demands, days)
CASES = {"S": (10, 5, 4), "M": (40, 20, 12), "L": (150, 50, 12), "Y": (40, 20, 365),
         "XL": (500, 120, 12), "XY": (150, 50, 365)}
