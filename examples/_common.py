"""Shared data and helpers for the example case generators (examples/*/build_case.py).

Facts come from /work/shared/reference/east-data-west-facts.md and grid_emission_factors_cn.csv (copied
here as constants so the generators run anywhere); every number that is not from there is marked as an
assumption in the `Sources` sheet the generators write (columns item, value, unit, source, status).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import _profiles as P

EXAMPLES_DIR = Path(__file__).resolve().parent
REPO_DIR = EXAMPLES_DIR.parent
PACKAGE_DATA_DIR = REPO_DIR / "planner" / "data"

DEFAULT_SEED = 20240601

FACTS = "east-data-west-facts.md"
SRC_EF = "MEE/NBS provincial grid emission factors, 2023 data (published 2025-12) [grid_emission_factors_cn.csv]"
SRC_650 = "NDRC/NEA 发改能源〔2025〕650号 green direct connection notice [" + FACTS + "]"
SRC_1192 = "发改价格〔2025〕1192号 capacity-based T&D pricing [" + FACTS + "]"
SRC_970 = "发改环资〔2024〕970号 data-centre action plan; Dec-2023 implementation opinions [" + FACTS + "]"
SRC_HUBS = "East Data West Computing hubs and clusters (2022-02 approvals) [" + FACTS + "]"
SRC_LAT = "reported latencies: Gui'an-GBA 10 ms, -YRD 15 ms, -Beijing 20 ms [" + FACTS + "]"

# ---------------------------------------------------------------------------------------------------------
# Grid emission factors, MEE 2023 (tCO2/MWh)
# ---------------------------------------------------------------------------------------------------------
EF_2023 = {
    "Inner Mongolia": 0.6479, "Gansu": 0.4471, "Ningxia": 0.6187, "Guizhou": 0.5683, "Sichuan": 0.1564,
    "Chongqing": 0.5581, "Hebei": 0.6516, "Beijing": 0.5554, "Shanghai": 0.5737, "Jiangsu": 0.5827,
    "Zhejiang": 0.4974, "Anhui": 0.6553, "Guangdong": 0.4419, "Qinghai": 0.1796, "Shanxi": 0.6634,
}
EF_NATIONAL_2023 = 0.5306

# ---------------------------------------------------------------------------------------------------------
# Climates of the candidate locations (one PV / wind / temperature profile each)
# temp: annual mean, seasonal half-amplitude, mean diurnal range (degC); pv/wind: target full-load hours.
# ---------------------------------------------------------------------------------------------------------
C = P.Climate
CLIMATES: dict[str, P.Climate] = {c.name: c for c in (
    # Beijing-Tianjin-Hebei hub, Zhangjiakou cluster: Huailai/Xuanhua basin and the Zhangbei plateau
    C("huailai", 40.45, 115.30, 550, 10.0, 14.0, 12.0, 1500, 1900, "north"),
    C("zhangbei", 41.15, 114.70, 1400, 3.5, 14.5, 13.0, 1650, 2200, "north", wind_weibull_k=2.2),
    # Yangtze River Delta hub: demonstration zone (Qingpu/Wujiang/Jiashan) and Wuhu
    C("yrd", 31.05, 120.90, 5, 16.5, 12.0, 6.5, 1150, 1800, "subtropical", wind_night_peak=False),
    C("wuhu", 31.30, 118.40, 15, 16.7, 13.0, 7.5, 1150, 1700, "subtropical", wind_night_peak=False),
    # Guangdong-HK-Macao hub: Shaoguan
    C("shaoguan", 24.80, 113.60, 70, 20.5, 9.0, 7.0, 1100, 1800, "subtropical", wind_night_peak=False,
      wind_spring_peak=0.05),
    # Chengdu-Chongqing hub: Tianfu and Chongqing clusters (Sichuan basin)
    C("tianfu", 30.40, 104.10, 460, 16.5, 10.0, 6.5, 950, 1600, "basin", wind_night_peak=False),
    C("chongqing", 29.70, 106.40, 250, 18.5, 10.5, 6.5, 950, 1700, "basin", wind_night_peak=False),
    # Inner Mongolia hub: Horinger and Ulanqab (Jining)
    C("horinger", 40.40, 111.80, 1050, 6.5, 15.5, 13.0, 1750, 2100, "north"),
    C("ulanqab", 41.00, 113.10, 1420, 4.5, 15.0, 13.0, 1750, 2200, "north", wind_weibull_k=2.2),
    # Guizhou hub: Gui'an (mountain wind peaks in the afternoon)
    C("guian", 26.40, 106.40, 1200, 15.0, 9.5, 6.5, 1000, 1800, "basin", wind_night_peak=False),
    # Gansu hub: Qingyang
    C("qingyang", 35.70, 107.60, 1100, 10.0, 12.5, 11.0, 1600, 2000, "north"),
    # Ningxia hub: Zhongwei
    C("zhongwei", 37.50, 105.20, 1230, 9.5, 13.0, 13.0, 1930, 2200, "north"),
    # extra western candidates (not national hub nodes): Datong (Shanxi), Xining (Qinghai)
    C("datong", 40.08, 113.30, 1050, 7.0, 15.0, 13.0, 1600, 2100, "north"),
    C("xining", 36.62, 101.78, 2260, 6.5, 11.5, 13.0, 1800, 1900, "north"),
)}

# ---------------------------------------------------------------------------------------------------------
# Cooling technologies (PUE at 15 degC reference; hourly PUE = max(floor, PUE + slope x (T - 15)))
# ---------------------------------------------------------------------------------------------------------
COOLING = pd.DataFrame([
    {"cooling_id": "air", "name": "Air cooling, mechanical chillers (limited free cooling)", "pue_annual": 1.42,
     "capex_cny_per_mw_it": 2.5e6, "lifetime_yr": 10, "pue_temp_slope_per_degc": 0.018, "pue_floor": 1.25,
     "pue_ref_temp_c": 15.0},
    {"cooling_id": "evaporative", "name": "Indirect evaporative / free-air cooling", "pue_annual": 1.15,
     "capex_cny_per_mw_it": 3.5e6, "lifetime_yr": 10, "pue_temp_slope_per_degc": 0.010, "pue_floor": 1.08,
     "pue_ref_temp_c": 15.0},
    {"cooling_id": "cold_plate", "name": "Cold-plate liquid cooling", "pue_annual": 1.17,
     "capex_cny_per_mw_it": 5.0e6, "lifetime_yr": 10, "pue_temp_slope_per_degc": 0.004, "pue_floor": 1.10,
     "pue_ref_temp_c": 15.0},
    {"cooling_id": "immersion", "name": "Single-phase immersion liquid cooling", "pue_annual": 1.07,
     "capex_cny_per_mw_it": 7.5e6, "lifetime_yr": 10, "pue_temp_slope_per_degc": 0.0015, "pue_floor": 1.04,
     "pue_ref_temp_c": 15.0},
])

# Hot-humid sites: indirect evaporative cooling not allowed (summer wet-bulb too high); hot humid-summer
# sites: evaporative allowed with a +0.05 PUE penalty (little evaporative headroom in July-August).
# Gui'an (cool summers, July mean ~24 degC) gets no penalty.
HOT_HUMID_CLIMATES = ("shaoguan", "chongqing")
HUMID_SUMMER_CLIMATES = ("yrd", "wuhu", "tianfu")
HUMID_PUE_PENALTY = 0.05

# ---------------------------------------------------------------------------------------------------------
# PV, wind, battery
# ---------------------------------------------------------------------------------------------------------
BATTERY_EPC_CNY_PER_WH = {4.0: 0.77, 2.0: 1.19}  # LFP EPC bids, Nov 2024 [facts]


def battery_cost_split() -> tuple[float, float]:
    """Power (CNY/kW) and energy (CNY/kWh) cost that reproduce both EPC points exactly.

    cost per kW of an h-hour system = a + b*h;  per kWh = a/h + b.
    """
    (h1, c1), (h2, c2) = sorted(BATTERY_EPC_CNY_PER_WH.items())
    per_kw_1, per_kw_2 = c1 * 1000 * h1, c2 * 1000 * h2
    b = (per_kw_2 - per_kw_1) / (h2 - h1)
    a = per_kw_1 - b * h1
    return round(a, 1), round(b, 1)


def technologies() -> pd.DataFrame:
    a, b = battery_cost_split()
    return pd.DataFrame([
        {"tech_id": "pv", "capex_cny_per_kw": 3300.0, "capex_cny_per_kwh": None, "fixed_om_share": 0.015,
         "lifetime_yr": 25, "round_trip_efficiency": None, "min_hours": None, "max_hours": None},
        {"tech_id": "wind", "capex_cny_per_kw": 5500.0, "capex_cny_per_kwh": None, "fixed_om_share": 0.02,
         "lifetime_yr": 20, "round_trip_efficiency": None, "min_hours": None, "max_hours": None},
        {"tech_id": "battery", "capex_cny_per_kw": a, "capex_cny_per_kwh": b, "fixed_om_share": 0.02,
         "lifetime_yr": 12, "round_trip_efficiency": 0.88, "min_hours": 1.0, "max_hours": 6.0},
    ])


# ---------------------------------------------------------------------------------------------------------
# Latency proxy calibration
# ---------------------------------------------------------------------------------------------------------
LATENCY_MS_PER_KM = 0.005  # light in fibre
GUIAN = (26.40, 106.40)
LATENCY_OBSERVATIONS = (  # (label, lat, lon, reported one-way ms) from Gui'an [facts]
    ("Gui'an -> Greater Bay Area (Guangzhou)", 23.13, 113.26, 10.0),
    ("Gui'an -> Yangtze Delta (Shanghai)", 31.23, 121.47, 15.0),
    ("Gui'an -> Beijing-Tianjin-Hebei (Beijing)", 39.90, 116.40, 20.0),
)
LATENCY_CHECKS = (  # reported figures not used in the fit, shown for comparison
    ("Ulanqab -> Beijing (reported < 5 ms)", 41.00, 113.10, 39.90, 116.40, 5.0),
    ("Datong -> Beijing (reported 3 ms)", 40.08, 113.30, 39.90, 116.40, 3.0),
    ("Gui'an -> Chongqing (reported 6 ms)", 26.40, 106.40, 29.56, 106.55, 6.0),
)


def great_circle_km(lat1, lon1, lat2, lon2):
    from planner.input.latency import great_circle_km as gc  # the model's own proxy distance

    return gc(lat1, lon1, lat2, lon2)


@dataclass(frozen=True)
class LatencyFit:
    route_factor: float
    rows: pd.DataFrame  # label, km, reported_ms, fitted_ms

    def text(self) -> str:
        lines = [f"latency proxy fit: route factor {self.route_factor:.3f} "
                 f"({self.route_factor * LATENCY_MS_PER_KM:.4f} ms per great-circle km)"]
        for r in self.rows.itertuples(index=False):
            lines.append(f"  {r.label:48s} {r.km:7.0f} km  reported {r.reported_ms:5.1f} ms  proxy "
                         f"{r.proxy_ms:5.1f} ms  ({r.use})")
        return "\n".join(lines)


def fit_latency() -> LatencyFit:
    """Least-squares route factor f in latency = km x f x 0.005 through the origin, on the Gui'an figures."""
    km = np.array([float(great_circle_km(*GUIAN, lat, lon)) for _, lat, lon, _ in LATENCY_OBSERVATIONS])
    ms = np.array([o[3] for o in LATENCY_OBSERVATIONS])
    f = float((km * ms).sum() / (LATENCY_MS_PER_KM * (km * km).sum()))
    f = round(f, 3)
    rows = [{"label": o[0], "km": k, "reported_ms": o[3], "proxy_ms": k * f * LATENCY_MS_PER_KM, "use": "fit"}
            for o, k in zip(LATENCY_OBSERVATIONS, km)]
    for label, la1, lo1, la2, lo2, rep in LATENCY_CHECKS:
        k = float(great_circle_km(la1, lo1, la2, lo2))
        rows.append({"label": label, "km": k, "reported_ms": rep, "proxy_ms": k * f * LATENCY_MS_PER_KM,
                     "use": "check"})
    return LatencyFit(route_factor=f, rows=pd.DataFrame(rows))


def proxy_latency(demand: pd.DataFrame, sites: pd.DataFrame, route_factor: float) -> pd.DataFrame:
    """demand x site latency matrix (ms) of the great-circle proxy."""
    km = great_circle_km(demand["lat"].to_numpy()[:, None], demand["lon"].to_numpy()[:, None],
                         sites["lat"].to_numpy()[None, :], sites["lon"].to_numpy()[None, :])
    return pd.DataFrame(km * route_factor * LATENCY_MS_PER_KM, index=demand["demand_id"],
                        columns=sites["site_id"])


def check_reachability(demand: pd.DataFrame, sites: pd.DataFrame, route_factor: float) -> list[str]:
    """Problems: a demand without enough sites (capacity, split rule) within its latency cap."""
    lat = proxy_latency(demand, sites, route_factor)
    cap_by_site = sites.set_index("site_id")["max_it_mw"]
    problems = []
    for d in demand.itertuples(index=False):
        ok = lat.loc[d.demand_id] <= d.latency_cap_ms
        need_sites = 1 if pd.isna(d.max_share_per_site) else int(np.ceil(1.0 / d.max_share_per_site - 1e-9))
        if ok.sum() < need_sites:
            problems.append(f"{d.demand_id}: {int(ok.sum())} site(s) within {d.latency_cap_ms} ms, needs "
                            f"{need_sites}")
        elif cap_by_site[ok[ok].index].sum() < d.it_load_mw:
            problems.append(f"{d.demand_id}: reachable capacity below the demand")
    return problems


# ---------------------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------------------
def settings_frame(case_name: str, route_factor: float, **overrides) -> pd.DataFrame:
    values = {
        "case_name": case_name,
        "currency": "CNY",
        "discount_rate": 0.08,
        "carbon_price_cny_per_tco2": 90.0,
        "carbon_cap_tco2_per_yr": None,
        "objective": "cost",
        "mip_gap": 0.01,
        "time_limit_s": 600.0,
        "latency_ms_per_km": LATENCY_MS_PER_KM,
        "latency_route_factor": route_factor,
        "service_cost_cny_per_mw_ms_yr": 5000.0,
        "site_lifetime_yr": 20.0,
        "it_lifetime_yr": 15.0,
        "green_min_selfuse_share_of_generation": 0.60,
        "green_min_selfuse_share_of_consumption": 0.30,
        "green_max_export_share_of_generation": 0.20,
        "green_export_allowed": "yes",
        "green_min_storage_power_share": None,
    }
    values.update(overrides)
    return pd.DataFrame({"name": list(values), "value": list(values.values())})


# ---------------------------------------------------------------------------------------------------------
# Sites: compact rows -> Sites table
# ---------------------------------------------------------------------------------------------------------
SITE_COLUMNS = (
    "site_id", "hub_id", "name", "province", "lat", "lon", "max_it_mw", "module_mw", "existing_it_mw",
    "must_open", "fixed_cost_cny", "it_capex_cny_per_mw", "grid_price_cny_per_mwh", "grid_price_profile",
    "grid_ef_tco2_per_mwh", "grid_ef_profile", "grid_green_share", "grid_connection_cost_cny_per_mw_yr",
    "max_grid_mw", "max_pv_mw", "max_wind_mw", "pv_profile", "wind_profile", "temp_profile",
    "export_price_cny_per_mwh",
)


@dataclass(frozen=True)
class Site:
    site_id: str
    hub_id: str
    climate: str  # key of CLIMATES: which pv_/wind_/temp_ profile the site uses
    name: str
    province: str
    lat: float
    lon: float
    max_it_mw: float
    module_mw: float
    fixed_cost_m: float  # fixed opening cost, million CNY
    it_capex_m: float  # million CNY per MW IT
    grid_price: float  # CNY/MWh
    green_share: float
    connection_k: float  # thousand CNY per MW-yr
    max_pv_mw: float = 0.0
    max_wind_mw: float = 0.0
    export_price: float = 0.0


def sites_frame(sites: Sequence[Site]) -> pd.DataFrame:
    rows = []
    for s in sites:
        rows.append({
            "site_id": s.site_id, "hub_id": s.hub_id, "name": s.name, "province": s.province, "lat": s.lat,
            "lon": s.lon, "max_it_mw": float(s.max_it_mw), "module_mw": float(s.module_mw),
            "existing_it_mw": 0.0, "must_open": "no", "fixed_cost_cny": s.fixed_cost_m * 1e6,
            "it_capex_cny_per_mw": s.it_capex_m * 1e6, "grid_price_cny_per_mwh": float(s.grid_price),
            "grid_price_profile": None, "grid_ef_tco2_per_mwh": EF_2023[s.province], "grid_ef_profile": None,
            "grid_green_share": s.green_share, "grid_connection_cost_cny_per_mw_yr": s.connection_k * 1e3,
            "max_grid_mw": None, "max_pv_mw": float(s.max_pv_mw), "max_wind_mw": float(s.max_wind_mw),
            "pv_profile": f"pv_{s.climate}" if s.max_pv_mw > 0 else None,
            "wind_profile": f"wind_{s.climate}" if s.max_wind_mw > 0 else None,
            "temp_profile": f"temp_{s.climate}",
            "export_price_cny_per_mwh": float(s.export_price),
        })
    return pd.DataFrame(rows, columns=list(SITE_COLUMNS))


def site_cooling_frame(sites: Sequence[Site]) -> pd.DataFrame:
    base = COOLING.set_index("cooling_id")["pue_annual"]
    rows = []
    for s in sites:
        if s.climate in HOT_HUMID_CLIMATES:
            rows.append({"site_id": s.site_id, "cooling_id": "evaporative", "allowed": "no", "pue_annual": None,
                         "capex_cny_per_mw_it": None})
        elif s.climate in HUMID_SUMMER_CLIMATES:
            rows.append({"site_id": s.site_id, "cooling_id": "evaporative", "allowed": "yes",
                         "pue_annual": round(float(base["evaporative"]) + HUMID_PUE_PENALTY, 3),
                         "capex_cny_per_mw_it": None})
    return pd.DataFrame(rows, columns=["site_id", "cooling_id", "allowed", "pue_annual", "capex_cny_per_mw_it"])


DEMAND_COLUMNS = ("demand_id", "name", "lat", "lon", "it_load_mw", "latency_cap_ms", "max_share_per_site",
                  "load_profile")

LOAD_PROFILES = {"load_inference": lambda: P.inference_utilisation(0.5, 0.9),
                 "load_training": lambda: P.training_utilisation(0.9)}


# ---------------------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileSet:
    years: list[P.LocationYear]
    full_year: pd.DataFrame  # 8760 x columns (DatetimeIndex)
    rep: P.RepresentativeDays

    def calibration_table(self) -> pd.DataFrame:
        rows = []
        for y in self.years:
            n, c = y.climate.name, y.climate
            rows.append({
                "location": n, "pv_target_flh_h": c.pv_flh, "pv_full_year_flh_h": round(y.pv.flh, 1),
                "pv_rep_days_flh_h": round(P.weighted_flh(self.rep.profiles, f"pv_{n}"), 1),
                "pv_clear_sky_flh_h": round(y.pv.clear_sky_flh, 1), "pv_cloud_level_mu": round(y.pv.mu, 4),
                "wind_target_flh_h": c.wind_flh, "wind_full_year_flh_h": round(y.wind.flh, 1),
                "wind_rep_days_flh_h": round(P.weighted_flh(self.rep.profiles, f"wind_{n}"), 1),
                "wind_mean_speed_m_s": round(y.wind.mean_speed, 2),
                "temp_target_mean_c": c.temp_mean_c, "temp_full_year_mean_c": round(float(y.temp.mean()), 2),
                "temp_rep_days_mean_c": round(float(
                    (self.rep.profiles[f"temp_{n}"] * self.rep.profiles["weight_days"]).sum() / 8760.0), 2),
                "temp_min_c": round(float(y.temp.min()), 1), "temp_max_c": round(float(y.temp.max()), 1),
            })
        return pd.DataFrame(rows)


def build_profiles(climate_names: Sequence[str], seed: int, n_days: int) -> ProfileSet:
    years = [P.location_year(CLIMATES[n], seed) for n in climate_names]
    extra = {k: f() for k, f in LOAD_PROFILES.items()}
    full = P.full_year_frame(years, extra)
    rep = P.representative_days(full, n_days)
    return ProfileSet(years=years, full_year=full, rep=rep)


def profile_units(columns: Sequence[str]) -> dict[str, str]:
    return {c: P.profile_unit(c) for c in columns}


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------
SOURCES_COLUMNS = ["item", "value", "unit", "source", "status"]


def write_workbook(path: Path, tables: Mapping[str, pd.DataFrame], units: Mapping[str, str],
                   extra_sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write through the planner's own case writer (same layout as the template)."""
    from planner.input.template import write_case_workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_case_workbook(path, tables, profile_units=dict(units), extra_sheets=dict(extra_sheets))
    path.chmod(0o644)  # the atomic writer's temporary file is private (0600)
    return path


def copy_to_package(src: Path, name: str) -> Path:
    PACKAGE_DATA_DIR.mkdir(parents=True, exist_ok=True)
    dst = PACKAGE_DATA_DIR / name
    shutil.copyfile(src, dst)
    dst.chmod(0o644)
    return dst


def ensure_importable() -> None:
    """Let `import planner` work when the scripts run from a source checkout without installation."""
    if str(REPO_DIR) not in sys.path:
        try:
            import planner  # noqa: F401
        except ImportError:
            sys.path.insert(0, str(REPO_DIR))
