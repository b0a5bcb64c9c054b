"""Generate the built-in East Data, West Computing (东数西算) example case.

Writes
  case.xlsx           the case: every input sheet, Profiles = 12 representative days (tsam) weighted to 365
                      days, plus Sources (where every number comes from) and Notes (calibration results);
  profiles_8760.xlsx  the same case with the full 8760-hour Profiles (for the full-year check);
and refreshes the package-data copy planner/data/east_data_west.xlsx (unless --no-package-copy).

Usage:  python examples/east_data_west/build_case.py [--seed 20240601] [--out DIR] [--no-package-copy]

Needs the examples extra (pvlib, tsam): pip install -e .[examples]. Deterministic: the same seed gives the
same workbook values.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _common as common  # noqa: E402
from _common import Site  # noqa: E402

common.ensure_importable()

HERE = Path(__file__).resolve().parent
CASE_NAME = "east-data-west"
N_REP_DAYS = 12
PACKAGE_NAME = "east_data_west.xlsx"

# ---------------------------------------------------------------------------------------------------------
# Hubs: the 8 national hub nodes + 2 extra western candidate groups (not hub nodes)
# ---------------------------------------------------------------------------------------------------------
EAST_PUE_CAP, WEST_PUE_CAP, HUB_GREEN = 1.25, 1.20, 0.80
HUBS = pd.DataFrame([
    {"hub_id": "jjj", "name": "Beijing-Tianjin-Hebei 京津冀 (Zhangjiakou)", "region": "east"},
    {"hub_id": "yrd", "name": "Yangtze River Delta 长三角 (demonstration zone, Wuhu)", "region": "east"},
    {"hub_id": "gba", "name": "Guangdong-HK-Macao 粤港澳 (Shaoguan)", "region": "east"},
    {"hub_id": "cy", "name": "Chengdu-Chongqing 成渝 (Tianfu, Chongqing)", "region": "east"},
    {"hub_id": "nmg", "name": "Inner Mongolia 内蒙古 (Horinger, Ulanqab)", "region": "west"},
    {"hub_id": "gz", "name": "Guizhou 贵州 (Gui'an)", "region": "west"},
    {"hub_id": "gs", "name": "Gansu 甘肃 (Qingyang)", "region": "west"},
    {"hub_id": "nx", "name": "Ningxia 宁夏 (Zhongwei)", "region": "west"},
    {"hub_id": "sx", "name": "Shanxi Datong 大同 (extra western candidate, not a hub node)", "region": "west"},
    {"hub_id": "qh", "name": "Qinghai Xining 西宁 (extra western candidate, not a hub node)", "region": "west"},
])
HUBS["pue_cap"] = HUBS["region"].map({"east": EAST_PUE_CAP, "west": WEST_PUE_CAP})
NOT_HUB_NODES = ("sx", "qh")
HUBS["min_green_share"] = [None if h in NOT_HUB_NODES else HUB_GREEN for h in HUBS["hub_id"]]

# ---------------------------------------------------------------------------------------------------------
# Candidate sites. Columns of Site: id, hub, climate (profile), name, province, lat, lon, max IT MW,
# module MW, fixed opening cost (M CNY), IT capex (M CNY/MW), grid price (CNY/MWh), grid green share,
# connection charge (k CNY/MW-yr), max PV MW, max wind MW, export price (CNY/MWh).
# ---------------------------------------------------------------------------------------------------------
E_GREEN = 0.80  # eastern hubs: green-power trading + GECs for 80 % of grid purchases (assumption)
W_GREEN = 0.50  # NMG, Gansu, Ningxia: provincial green-power trading (assumption)
GZ_GREEN = 0.52  # Gui'an: 52 % clean supply reported [facts]
SX_GREEN = 0.30  # Shanxi: coal-heavy grid, 56 % renewable *capacity* in Datong (assumption)
QH_GREEN = 0.80  # Qinghai: hydro + solar grid, EF 0.1796 (assumption)
E_CONN, W_CONN = 280.0, 180.0  # k CNY per MW-yr (assumption from 1192号 capacity pricing)
E_EXPORT, W_EXPORT = 300.0, 200.0  # CNY/MWh paid for exported renewables (assumption)

SITES = [
    # --- jjj: Zhangjiakou cluster (Hebei) ---
    Site("zjk-huailai", "jjj", "huailai", "Zhangjiakou Huailai", "Hebei", 40.40, 115.52, 240, 30, 450, 42.0,
         580, E_GREEN, E_CONN),
    Site("zjk-xuanhua", "jjj", "huailai", "Zhangjiakou Xuanhua", "Hebei", 40.61, 115.06, 180, 30, 300, 40.0,
         570, E_GREEN, E_CONN, 250, 150, E_EXPORT),
    Site("zjk-zhangbei", "jjj", "zhangbei", "Zhangjiakou Zhangbei", "Hebei", 41.15, 114.70, 360, 40, 500, 38.0,
         560, E_GREEN, E_CONN, 800, 1000, E_EXPORT),
    # --- yrd: demonstration zone (Shanghai/Jiangsu/Zhejiang) and Wuhu (Anhui) ---
    Site("yrd-qingpu", "yrd", "yrd", "Demonstration zone Qingpu", "Shanghai", 31.15, 121.12, 160, 20, 400, 45.0,
         720, E_GREEN, E_CONN),
    Site("yrd-wujiang", "yrd", "yrd", "Demonstration zone Wujiang", "Jiangsu", 31.16, 120.64, 240, 30, 420, 43.0,
         690, E_GREEN, E_CONN, 150, 0, E_EXPORT),
    Site("yrd-jiashan", "yrd", "yrd", "Demonstration zone Jiashan", "Zhejiang", 30.84, 120.92, 200, 20, 350,
         43.0, 700, E_GREEN, E_CONN),
    Site("wuhu-1", "yrd", "wuhu", "Wuhu cluster A", "Anhui", 31.33, 118.38, 300, 30, 400, 40.0, 640, E_GREEN,
         E_CONN, 300, 150, E_EXPORT),
    Site("wuhu-2", "yrd", "wuhu", "Wuhu cluster B", "Anhui", 31.14, 118.20, 120, 20, 200, 41.0, 640, E_GREEN,
         E_CONN),
    # --- gba: Shaoguan (Guangdong) ---
    Site("shaoguan-1", "gba", "shaoguan", "Shaoguan A", "Guangdong", 24.81, 113.60, 300, 30, 450, 41.0, 670,
         E_GREEN, E_CONN),
    Site("shaoguan-2", "gba", "shaoguan", "Shaoguan B (Qujiang)", "Guangdong", 24.68, 113.75, 200, 20, 320,
         40.0, 670, E_GREEN, E_CONN, 250, 150, E_EXPORT),
    Site("shaoguan-3", "gba", "shaoguan", "Shaoguan C", "Guangdong", 25.12, 113.35, 120, 20, 200, 40.0, 670,
         E_GREEN, E_CONN),
    # --- cy: Tianfu (Sichuan) and Chongqing clusters ---
    Site("tianfu-1", "cy", "tianfu", "Tianfu cluster A", "Sichuan", 30.42, 104.07, 240, 30, 380, 40.0, 540,
         E_GREEN, E_CONN),
    Site("tianfu-2", "cy", "tianfu", "Tianfu cluster B (Jianyang)", "Sichuan", 30.39, 104.55, 160, 20, 260, 39.0,
         540, E_GREEN, E_CONN, 150, 50, E_EXPORT),
    Site("chongqing-1", "cy", "chongqing", "Chongqing Liangjiang", "Chongqing", 29.78, 106.50, 240, 30, 380, 40.0,
         590, E_GREEN, E_CONN),
    Site("chongqing-2", "cy", "chongqing", "Chongqing B", "Chongqing", 29.59, 106.22, 120, 20, 220, 39.0, 590,
         E_GREEN, E_CONN, 120, 60, E_EXPORT),
    # --- nmg: Horinger and Ulanqab (Inner Mongolia) ---
    Site("horinger-1", "nmg", "horinger", "Horinger A", "Inner Mongolia", 40.38, 111.82, 600, 50, 600, 33.0, 300,
         W_GREEN, W_CONN, 1500, 1500, W_EXPORT),
    Site("horinger-2", "nmg", "horinger", "Horinger B", "Inner Mongolia", 40.25, 111.60, 300, 30, 380, 34.0, 300,
         W_GREEN, W_CONN, 800, 800, W_EXPORT),
    Site("ulanqab-1", "nmg", "ulanqab", "Ulanqab Jining", "Inner Mongolia", 41.03, 113.13, 400, 40, 480, 33.0,
         300, W_GREEN, W_CONN, 1000, 1200, W_EXPORT),
    # --- gz: Gui'an (Guizhou) ---
    Site("guian-1", "gz", "guian", "Gui'an A", "Guizhou", 26.40, 106.40, 500, 50, 550, 34.0, 380, GZ_GREEN,
         W_CONN, 500, 400, W_EXPORT),
    Site("guian-2", "gz", "guian", "Gui'an B", "Guizhou", 26.56, 106.24, 240, 30, 300, 35.0, 380, GZ_GREEN,
         W_CONN, 300, 250, W_EXPORT),
    # --- gs: Qingyang (Gansu) ---
    Site("qingyang-1", "gs", "qingyang", "Qingyang A", "Gansu", 35.71, 107.64, 500, 50, 550, 33.0, 398, W_GREEN,
         W_CONN, 1000, 800, W_EXPORT),
    Site("qingyang-2", "gs", "qingyang", "Qingyang B", "Gansu", 35.95, 107.90, 240, 30, 300, 34.0, 398, W_GREEN,
         W_CONN, 600, 600, W_EXPORT),
    # --- nx: Zhongwei (Ningxia) ---
    Site("zhongwei-1", "nx", "zhongwei", "Zhongwei A", "Ningxia", 37.51, 105.19, 600, 50, 600, 32.0, 360, W_GREEN,
         W_CONN, 1500, 1000, W_EXPORT),
    Site("zhongwei-2", "nx", "zhongwei", "Zhongwei B (Shapotou)", "Ningxia", 37.45, 105.00, 300, 30, 360, 33.0,
         360, W_GREEN, W_CONN, 800, 600, W_EXPORT),
    Site("zhongwei-3", "nx", "zhongwei", "Zhongwei C (Zhongning)", "Ningxia", 37.30, 105.65, 120, 20, 180, 34.0,
         360, W_GREEN, W_CONN, 300, 200, W_EXPORT),
    # --- sx: Datong (Shanxi), extra western candidate ---
    Site("datong-1", "sx", "datong", "Datong A", "Shanxi", 40.08, 113.30, 400, 40, 480, 34.0, 380, SX_GREEN,
         W_CONN, 600, 600, W_EXPORT),
    Site("datong-2", "sx", "datong", "Datong B (grid only)", "Shanxi", 39.95, 113.55, 200, 20, 260, 35.0, 380,
         SX_GREEN, W_CONN),
    # --- qh: Xining (Qinghai), extra western candidate ---
    Site("xining-1", "qh", "xining", "Xining A", "Qinghai", 36.62, 101.78, 300, 30, 400, 35.0, 330, QH_GREEN,
         W_CONN, 800, 300, W_EXPORT),
    Site("xining-2", "qh", "xining", "Xining B (Haidong)", "Qinghai", 36.50, 102.10, 160, 20, 240, 36.0, 330,
         QH_GREEN, W_CONN, 400, 200, W_EXPORT),
]

# ---------------------------------------------------------------------------------------------------------
# Demand: IT capacity (peak IT MW) by city and service class
# ---------------------------------------------------------------------------------------------------------
CITIES = {  # city centre, approx
    "beijing": (39.90, 116.40), "shanghai": (31.23, 121.47), "hangzhou": (30.27, 120.15),
    "gzsz": (22.90, 113.70),  # between Guangzhou and Shenzhen (Dongguan)
    "chengdu": (30.66, 104.07), "chongqing": (29.56, 106.55), "wuhan": (30.59, 114.31), "xian": (34.34, 108.94),
}
CITY_NAMES = {"beijing": "Beijing", "shanghai": "Shanghai", "hangzhou": "Hangzhou",
              "gzsz": "Guangzhou/Shenzhen", "chengdu": "Chengdu", "chongqing": "Chongqing", "wuhan": "Wuhan",
              "xian": "Xi'an"}
CLASSES = {  # latency cap (ms), load profile, display
    "realtime": (3.0, "load_inference", "real-time (finance, edge AI), 3 ms"),
    "inference": (10.0, "load_inference", "interactive / inference, 10 ms"),
    "training": (40.0, "load_training", "training / batch, 40 ms"),
}
DEMANDS = [  # (city, class, IT MW, max share per site)
    ("shanghai", "realtime", 80, None), ("gzsz", "realtime", 80, None),
    ("beijing", "inference", 200, 0.5), ("shanghai", "inference", 180, 0.5), ("hangzhou", "inference", 100, None),
    ("gzsz", "inference", 180, 0.5), ("chengdu", "inference", 80, None), ("chongqing", "inference", 60, None),
    ("wuhan", "inference", 80, None), ("xian", "inference", 60, None),
    ("beijing", "training", 300, None), ("shanghai", "training", 300, None), ("gzsz", "training", 200, None),
]


def demand_frame() -> pd.DataFrame:
    rows = []
    for city, cls, mw, share in DEMANDS:
        cap, prof, label = CLASSES[cls]
        lat, lon = CITIES[city]
        rows.append({"demand_id": f"{city}-{cls}", "name": f"{CITY_NAMES[city]} {label}", "lat": lat, "lon": lon,
                     "it_load_mw": float(mw), "latency_cap_ms": cap, "max_share_per_site": share,
                     "load_profile": prof})
    return pd.DataFrame(rows, columns=list(common.DEMAND_COLUMNS))


# ---------------------------------------------------------------------------------------------------------
# Compute-power coordination (算电协同): time-of-use prices, flexible training load, green certificates and
# contracts, embodied carbon
# ---------------------------------------------------------------------------------------------------------
# peak / valley hours of the day per schedule (the other 8 hours are flat). East: the common provincial
# schedule, valley at night; west: solar-rich provinces moved the valley to midday (assumption on the hours)
TOU_HOURS = {"east": ((8, 9, 10, 17, 18, 19, 20, 21), (23, 0, 1, 2, 3, 4, 5, 6)),
             "west": ((6, 7, 17, 18, 19, 20, 21, 22), (9, 10, 11, 12, 13, 14, 15, 16))}
TOU_WEST_PROVINCES = ("Gansu", "Ningxia", "Qinghai", "Inner Mongolia")
TOU_PEAK_VALLEY_RATIO = {"east": 4.0, "west": 3.0}  # 发改价格〔2021〕1093号: >= 4:1 (peak-valley gap > 40 %), else >= 3:1
TOU_PEAK = 1.5  # peak price / flat price (assumption within the notice's ratios)
FLEXIBLE_SHARE = {"training": 0.5}  # training / batch may move within the day; real-time and inference cannot
CERTIFICATE_CNY_PER_MWH = 5.0  # green certificate (GEC) price, assumption (2024 traded prices a few CNY)
CONTRACT_PREMIUM_CNY_PER_MWH = 30.0  # green-power contract premium over the grid price, assumption
EMBODIED_TECH = {"pv": (1500.0, None), "wind": (500.0, None), "battery": (0.0, 80.0)}  # tCO2 per MW, per MWh
EMBODIED_COOLING = {"air": 100.0, "evaporative": 80.0, "cold_plate": 120.0, "immersion": 150.0}  # tCO2 per MW IT
SETTINGS_EXTRA = {"it_embodied_tco2_per_mw": 1000.0}  # building and power chain per MW IT, assumption


def time_of_use(schedule: str) -> np.ndarray:
    """24 hourly price multipliers of a schedule, scaled to a mean of 1 (the site's price stays its average)."""
    peak, valley = TOU_HOURS[schedule]
    m = np.ones(24)
    m[list(peak)], m[list(valley)] = TOU_PEAK, TOU_PEAK / TOU_PEAK_VALLEY_RATIO[schedule]
    return m / m.mean()


def add_coordination(tables: dict, full_year: pd.DataFrame, units: dict) -> pd.DataFrame:
    """Time-of-use price profiles per (schedule, price), flexible shares, certificate and contract prices,
    embodied carbon; returns the full-year Profiles sheet with the price profiles."""
    sites, rep = tables["Sites"], tables["Profiles"]
    full_year = full_year.copy()
    for i, r in sites.iterrows():
        schedule = "west" if r["province"] in TOU_WEST_PROVINCES else "east"
        pid = f"price_{schedule}_{r['grid_price_cny_per_mwh']:.0f}"
        if pid not in rep:
            day = time_of_use(schedule) * float(r["grid_price_cny_per_mwh"])
            rep[pid] = day[rep["hour"].to_numpy()].round(2)
            full_year[pid] = day[full_year["hour"].to_numpy()].round(2)
            units[pid] = "CNY/MWh"
        sites.at[i, "grid_price_profile"] = pid
    demand = tables["Demand"]
    demand["flexible_share"] = [FLEXIBLE_SHARE.get(d.rsplit("-", 1)[1], 0.0) for d in demand["demand_id"]]
    tables["Hubs"]["certificate_price_cny_per_mwh"] = CERTIFICATE_CNY_PER_MWH
    tables["Hubs"]["contract_premium_cny_per_mwh"] = CONTRACT_PREMIUM_CNY_PER_MWH
    tech = tables["Technologies"]
    tech["embodied_tco2_per_mw"] = tech["tech_id"].map(lambda t: EMBODIED_TECH[t][0])
    tech["embodied_tco2_per_mwh"] = tech["tech_id"].map(lambda t: EMBODIED_TECH[t][1])
    tables["Cooling"]["embodied_tco2_per_mw_it"] = tables["Cooling"]["cooling_id"].map(EMBODIED_COOLING)
    return full_year


COORDINATION_SOURCES = [
    ("Time-of-use peak/valley ratio", "4:1 east, 3:1 west", "-", "NDRC 发改价格〔2021〕1093号 (notice on improving "
     "time-of-use pricing): peak-valley ratio >= 4:1 where the system peak-valley gap exceeds 40 %, >= 3:1 elsewhere; "
     "which provinces exceed 40 % is an assumption", "sourced"),
    ("Time-of-use periods", "east: peak 8-11, 17-22, valley 23-7; west (Gansu, Ningxia, Qinghai, Inner Mongolia): "
     "peak 6-8, 17-23, valley 9-17", "h", "typical provincial schedules; solar-rich western provinces put the "
     "valley at midday; exact provincial hours not looked up", "assumption"),
    ("Time-of-use levels", f"peak {TOU_PEAK} x flat, valley = peak / ratio, scaled to the site's average price",
     "-", "the site's grid price (sourced or assumed above) stays its daily average", "assumption"),
    ("Flexible share of training / batch demand", FLEXIBLE_SHARE["training"], "-", "training and batch jobs can "
     "move within the day (Qingyang operators run training in low-price hours); real-time and interactive "
     "inference cannot (0)", "assumption"),
    ("Green certificate price", CERTIFICATE_CNY_PER_MWH, "CNY/MWh", "GEC (绿证) traded prices in 2024 were a few "
     "CNY per certificate (1 MWh); no price series looked up", "assumption"),
    ("Green-power contract premium", CONTRACT_PREMIUM_CNY_PER_MWH, "CNY/MWh", "green-power trading (绿电交易) "
     "premium of about 0.03 CNY/kWh over the grid price, as in the eastern price assumption above", "assumption"),
    ("Embodied carbon PV / wind", "1500 / 500", "tCO2/MW", "order of magnitude of published life-cycle figures "
     "(PV ~40, wind ~12 gCO2/kWh over the lifetime); reported, not priced", "assumption"),
    ("Embodied carbon battery", 80, "tCO2/MWh", "LFP cells and pack ~60-100 kgCO2/kWh (order of magnitude)",
     "assumption"),
    ("Embodied carbon IT building and power chain / cooling", "1000 / 80-150", "tCO2/MW IT", "order of magnitude "
     "(Meta Carbon Explorer-style accounting); cooling: evaporative lowest, immersion highest", "assumption"),
]


# ---------------------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------------------
def sources_frame(fit: common.LatencyFit, demand: pd.DataFrame, rep_method: str) -> pd.DataFrame:
    a, b = common.battery_cost_split()
    total = demand["it_load_mw"].sum()
    rows = [
        ("Hubs and clusters", "8 hubs, 10 clusters", "-", common.SRC_HUBS, "sourced"),
        ("Chengdu-Chongqing region", "east", "-", "grouped with the demand-side hubs [" + common.FACTS + "]", "sourced"),
        ("Datong, Xining", "hubs sx, qh (west)", "-", "extra western candidates named in the seed material "
         "(Datong PUE < 1.2, 3 ms to the capital; Xining PUE < 1.2) [" + common.FACTS + "]; modelled as their own "
         "groups because they are not national hub nodes", "assumption"),
        ("Site coordinates", "cluster centres +- 0.1-0.5 deg", "deg", "cluster centres are approximate city "
         "centres [" + common.FACTS + "]; individual candidate sites are illustrative offsets", "assumption"),
        ("PUE cap east hubs", EAST_PUE_CAP, "-", "Yangtze Delta cluster approval <= 1.25; new large DCs <= 1.25 "
         "(" + common.SRC_970 + ")", "sourced"),
        ("PUE cap west hubs", WEST_PUE_CAP, "-", "Qingyang approval < 1.2; new DCs at hub nodes <= 1.2 "
         "(" + common.SRC_970 + ")", "sourced"),
        ("PUE cap Datong, Xining", WEST_PUE_CAP, "-", "local claims PUE < 1.2 [" + common.FACTS + "]", "sourced"),
        ("Hub minimum green share", HUB_GREEN, "-", "new DCs at hub nodes > 80 % green electricity (" + common.SRC_970
         + ")", "sourced"),
        ("Green share Datong, Xining", "none", "-", "the 80 % rule applies to hub nodes; sx and qh are not hub "
         "nodes (carbon price and green-connection rules still apply). Set min_green_share 0.8 to test.",
         "assumption"),
        ("Green connection: self-use >= share of generation", 0.60, "-", common.SRC_650, "sourced"),
        ("Green connection: self-use >= share of consumption", 0.30, "-", common.SRC_650 + "; 0.35 from 2030",
         "sourced"),
        ("Green connection: export <= share of generation", 0.20, "-", common.SRC_650 + " (provinces, generally <= 20 %)",
         "sourced"),
        ("Export allowed", "yes", "-", "assumes continuous spot markets; 'no' where none runs (" + common.SRC_650 + ")",
         "assumption"),
        ("Minimum storage ratio", "none", "-", "no numeric storage ratio in the national text (" + common.SRC_650 + ")",
         "sourced"),
        ("Grid emission factors", "by province", "tCO2/MWh", common.SRC_EF, "sourced"),
        ("Grid green share east hubs", E_GREEN, "-", "eastern sites meet the 80 % hub rule mainly through "
         "green-power trading and green certificates (GECs); on-site potential is small", "assumption"),
        ("Grid green share NMG, Gansu, Ningxia", W_GREEN, "-", "provincial green-power trading; the rest must come "
         "from green direct connection (reported hub supply: Horinger 86 % renewable, Qingyang > 85 % green "
         "[" + common.FACTS + "])", "assumption"),
        ("Grid green share Guizhou", GZ_GREEN, "-", "Gui'an 52 % clean supply [" + common.FACTS + "]", "sourced"),
        ("Grid green share Qinghai", QH_GREEN, "-", "hydro + solar dominated grid (EF 0.1796) [" + common.FACTS + "]",
         "assumption"),
        ("Grid green share Shanxi", SX_GREEN, "-", "coal-heavy grid (EF 0.6634); Datong 56 % renewable capacity "
         "[" + common.FACTS + "]", "assumption"),
        ("Grid price Ulanqab/Horinger", 300, "CNY/MWh", "Ulanqab ~0.30 CNY/kWh [" + common.FACTS + "]", "sourced"),
        ("Grid price Qingyang", 398, "CNY/MWh", "Qingyang DC 0.398 CNY/kWh with green aggregation [" + common.FACTS
         + "]", "sourced"),
        ("Grid price Zhongwei", 360, "CNY/MWh", "Zhongwei ~0.36 CNY/kWh (2020) [" + common.FACTS + "]", "sourced"),
        ("Grid price Gui'an, Datong", 380, "CNY/MWh", "western industrial power ~30 % below eastern [" + common.FACTS
         + "]", "assumption"),
        ("Grid price Xining", 330, "CNY/MWh", "low-cost hydro/solar province", "assumption"),
        ("Grid price east", "540-720", "CNY/MWh", "eastern large-industry 0.55-0.75 CNY/kWh (unverified range) "
         "[" + common.FACTS + "] incl. ~30 CNY/MWh green-power/GEC premium; Sichuan hydro lowest (540), Shanghai "
         "highest (720)", "assumption"),
        ("Grid connection charge west / east", f"{W_CONN * 1e3:.0f} / {E_CONN * 1e3:.0f}", "CNY/(MW*yr)",
         "order of magnitude of capacity-based T&D charges (" + common.SRC_1192 + "); no provincial tariff looked up",
         "assumption"),
        ("Export price west / east", f"{W_EXPORT:.0f} / {E_EXPORT:.0f}", "CNY/MWh", "below provincial coal "
         "benchmark prices (~260-450 CNY/MWh), reflecting midday market prices for renewable exports",
         "assumption"),
        ("IT capex (building + power chain, excl. cooling and servers)", "32-45 M", "CNY/MW",
         "no Chinese source; global benchmark USD 7-12 M/MW all-in (unverified for China) [" + common.FACTS + "]; "
         "west ~33 M, east ~40-45 M; servers excluded (same for every site)", "assumption"),
        ("Fixed site opening cost", "180-600 M", "CNY", "land, shell core, substation, fibre; scales with site "
         "size", "assumption"),
        ("Site sizes", "120-600 MW IT, modules 20-50 MW", "MW", "illustrative", "assumption"),
        ("Site lifetime", 20, "yr", "DC shell 20 y (placeholder) [" + common.FACTS + "]", "sourced"),
        ("IT lifetime", 15, "yr", "building shell 20 y / electrical 10 y mix (IT capex here excludes servers) "
         "[" + common.FACTS + "]", "assumption"),
        ("Discount rate", 0.08, "1/yr", "national project-appraisal parameters [" + common.FACTS + "]", "sourced"),
        ("Carbon price", 90, "CNY/tCO2", "order of the national ETS (CEA) price in 2024; not in the reference "
         "facts; set 0 to exclude", "assumption"),
        ("Service (network) cost", 5000, "CNY/(MW*ms*yr)", "long-haul bandwidth proxy per MW served per ms; a "
         "tie-breaker only (~1-2 % of energy cost at 10 ms)", "assumption"),
        ("PV capex", 3300, "CNY/kW", "2024 EPC average bid 3.30 CNY/W [" + common.FACTS + "]", "sourced"),
        ("PV lifetime", 25, "yr", "placeholder [" + common.FACTS + "]", "sourced"),
        ("PV fixed O&M", 0.015, "1/yr", "share of capex", "assumption"),
        ("Wind capex", 5500, "CNY/kW", "all-in onshore 5,000-7,000 CNY/kW (unverified range); turbines 1,350 "
         "CNY/kW [" + common.FACTS + "]", "assumption"),
        ("Wind lifetime", 20, "yr", "20-25 y placeholder [" + common.FACTS + "]", "sourced"),
        ("Wind fixed O&M", 0.02, "1/yr", "share of capex", "assumption"),
        ("Battery power capex", a, "CNY/kW", "fit a + b*h to LFP EPC bids 0.77 CNY/Wh (4 h) and 1.19 CNY/Wh (2 h), "
         "Nov 2024 [" + common.FACTS + "]", "calibrated"),
        ("Battery energy capex", b, "CNY/kWh", "same fit (system prices 0.42-0.46 CNY/Wh exclude EPC)",
         "calibrated"),
        ("Battery lifetime", 12, "yr", "10-15 y placeholder [" + common.FACTS + "]", "sourced"),
        ("Battery round-trip efficiency", 0.88, "-", "typical LFP system AC-AC", "assumption"),
        ("Battery duration", "1-6", "h", "tender range 2-4 h widened", "assumption"),
        ("Cooling PUE air / evaporative / cold plate / immersion", "1.42 / 1.15 / 1.17 / 1.07 at 15 degC", "-",
         "air 1.3-1.5 (hot south > 1.6); indirect evaporative 1.1-1.25 in the cold dry west (Zhongwei ~1.1); "
         "cold plate 1.15-1.25 (Hohhot 1.15); immersion 1.04-1.1 (Qingyang ~1.07) [" + common.FACTS + "]",
         "sourced"),
        ("Cooling PUE temperature slopes", "0.018 / 0.010 / 0.004 / 0.0015", "1/degC", "with the hourly "
         "temperatures the annual PUE becomes: air ~1.30-1.35 west, ~1.45 Yangtze Delta, ~1.52 Shaoguan; "
         "evaporative ~1.10-1.13 west (Zhongwei ~1.1 reported), ~1.22 Yangtze Delta incl. humidity penalty; "
         "cold plate 1.14-1.19; immersion 1.05-1.08", "assumption"),
        ("Cooling PUE floors", "1.25 / 1.08 / 1.10 / 1.04", "-", "fans, pumps, power-chain losses", "assumption"),
        ("Cooling capex air / evaporative / cold plate / immersion", "2.5 / 3.5 / 5.0 / 7.5 M", "CNY/MW IT",
         "no source; ordered by complexity", "assumption"),
        ("Evaporative cooling at hot-humid sites", "not allowed (Shaoguan, Chongqing); +0.05 PUE (Yangtze Delta, "
         "Wuhu, Tianfu)", "-", "high summer wet-bulb temperatures (SiteCooling sheet); Gui'an has cool summers, "
         "no penalty", "assumption"),
        ("Latency proxy ms per km", common.LATENCY_MS_PER_KM, "ms/km", "light in fibre ~0.005 ms/km [" + common.FACTS + "]",
         "sourced"),
        ("Latency route factor", fit.route_factor, "-", "least-squares fit through the origin to " + common.SRC_LAT
         + "; equals " + f"{fit.route_factor * common.LATENCY_MS_PER_KM:.4f} ms per great-circle km (reported fit "
         "0.010-0.013)", "calibrated"),
        ("Latency caps", "3 / 10 / 40", "ms", "latency circles: 1 ms within a city/region, 5 ms cluster to "
         "nearby cities, 20 ms between hubs [" + common.FACTS + "]; real-time 3 ms (Shanghai: only the demonstration "
         "zone; Guangzhou/Shenzhen: Shaoguan), inference 10 ms, training/batch 40 ms", "assumption"),
        ("Demand (peak IT load)", f"{total:.0f}", "MW IT", "illustrative: eastern and central demand of roughly "
         "the size of the new hub capacity under construction; inference utilisation 0.5-0.9 diurnal (trough "
         "04:00, peak 21:00), training/batch flat 0.9", "assumption"),
        ("PV profiles", "clear sky x cloudiness", "cf per MWp", "pvlib Ineichen clear sky (Linke turbidity "
         "climatology), Erbs decomposition, Hay-Davies transposition, fixed tilt latitude - 5 deg facing south, "
         "-0.4 %/degC, 14 % losses, DC/AC 1.2; seeded daily AR(1) cloudiness whose level is bisected to the "
         "target full-load hours", "calibrated"),
        ("PV full-load hours Zhongwei", 1930, "h/yr", "Ningxia PV design yields ~1,930-1,940 h [" + common.FACTS + "]",
         "sourced"),
        ("PV full-load hours other west", "1600-1800 (Gui'an 1000)", "h/yr", "~1,500-1,950 h west; Guizhou is "
         "cloudy", "assumption"),
        ("PV full-load hours east", "950-1650", "h/yr", "lower in the cloudy east and Sichuan basin; Zhangbei "
         "plateau high", "assumption"),
        ("Wind profiles", "AR(1) -> Weibull -> power curve", "cf", "seeded hourly AR(1) Gaussian (synoptic + "
         "mesoscale), Weibull k 2-2.2, spring maximum, night (plains) or afternoon (mountains) maximum; generic "
         "power curve cut-in 3 / rated 12 / cut-out 25 m/s; speed scale bisected to the target full-load hours",
         "calibrated"),
        ("Wind full-load hours Zhongwei", 2200, "h/yr", "Ningxia wind ~2,200 h [" + common.FACTS + "]", "sourced"),
        ("Wind full-load hours other", "1600-2200", "h/yr", "west ~2,000-2,200 h, weaker in the south and the "
         "Sichuan basin", "assumption"),
        ("Temperature profiles", "annual means 3.5-20.5", "degC", "seasonal + diurnal cosines, synoptic AR(1) "
         "noise, smaller diurnal range on cloudy days; annual mean met exactly (Zhongwei 9.5, Horinger 6.5, "
         "Gui'an 15, Shaoguan 20.5)", "assumption"),
        ("Representative days", N_REP_DAYS, "days", rep_method, "calibrated"),
        ("Random seed", "see Notes", "-", "numpy default_rng per (seed, location, variable)", "calibrated"),
        *COORDINATION_SOURCES,
    ]
    return pd.DataFrame(rows, columns=common.SOURCES_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------------------
@dataclass
class Built:
    tables: dict[str, pd.DataFrame]  # case sheets, Profiles = representative days
    full_year_profiles: pd.DataFrame  # Profiles sheet with 8760 rows
    units: dict[str, str]
    extra: dict[str, pd.DataFrame]  # Sources, Notes
    profiles: common.ProfileSet
    fit: common.LatencyFit


def notes_frame(seed: int, ps: common.ProfileSet, fit: common.LatencyFit) -> pd.DataFrame:
    rows = [("seed", seed, ""), ("generator", "examples/east_data_west/build_case.py", ""),
            ("latency route factor", fit.route_factor, "least squares on the Gui'an figures")]
    for r in fit.rows.itertuples(index=False):
        rows.append((f"latency {r.use}: {r.label}", round(r.proxy_ms, 2), f"reported {r.reported_ms:g} ms, "
                     f"{r.km:.0f} km great circle"))
    for i, (date, w) in enumerate(zip(ps.rep.medoid_dates, ps.rep.profiles.groupby("day")["weight_days"].first()),
                                  start=1):
        rows.append((f"representative day {i}", date, f"weight {w:g} days"))
    cal = ps.calibration_table()
    for r in cal.to_dict("records"):
        n = r["location"]
        rows.append((f"pv_{n} full-load hours", r["pv_full_year_flh_h"],
                     f"target {r['pv_target_flh_h']}, representative days {r['pv_rep_days_flh_h']}, clear sky "
                     f"{r['pv_clear_sky_flh_h']}"))
        rows.append((f"wind_{n} full-load hours", r["wind_full_year_flh_h"],
                     f"target {r['wind_target_flh_h']}, representative days {r['wind_rep_days_flh_h']}, mean "
                     f"speed {r['wind_mean_speed_m_s']} m/s"))
        rows.append((f"temp_{n} annual mean", r["temp_full_year_mean_c"],
                     f"target {r['temp_target_mean_c']}, representative days {r['temp_rep_days_mean_c']}, range "
                     f"{r['temp_min_c']} to {r['temp_max_c']} degC"))
    return pd.DataFrame(rows, columns=["item", "value", "note"])


def scenarios_frame(demand: pd.DataFrame) -> pd.DataFrame:
    """The study's scenarios (planner sweep): one override per row; rows with the same name form one scenario."""
    east = [h for h, region in zip(HUBS["hub_id"], HUBS["region"]) if region == "east"]
    inference = [d for d in demand["demand_id"] if d.endswith("-inference")]
    rows = [
        ("carbon-300", "carbon_price_cny_per_tco2=300", "Carbon price 300 CNY/tCO2 (upper end of the ETS outlook)", None),
        ("rules-2030", "green_min_selfuse_share_of_consumption=0.35", "2030 green-connection rules: self-use >= 35 % "
         "of consumption", None),
        ("rules-2030-carbon-300", "", "2030 rules and carbon 300 CNY/tCO2", "rules-2030"),
        ("rules-2030-carbon-300", "carbon_price_cny_per_tco2=300", "", None),
        ("no-export", "green_export_allowed=no", "Direct-connected renewables may not export (no spot market)", None),
        *[("east-pue-1.2", f"Hubs[{h}].pue_cap=1.2", "Eastern hubs' PUE cap tightened to 1.2", None) for h in east],
        *[("inference+50%", f"Demand[{d}].it_load_mw*=1.5", "+50 % inference demand in every city", None)
          for d in inference],
        ("cheap-batteries", "Technologies[battery].capex_cny_per_kwh*=0.6", "Batteries 40 % cheaper (energy and "
         "power)", None),
        ("cheap-batteries", "Technologies[battery].capex_cny_per_kw*=0.6", "", None),
    ]
    return pd.DataFrame(rows, columns=["scenario", "override", "description", "based_on"])


# ---------------------------------------------------------------------------------------------------------
# Water, waste heat and rack density (issue 24). Numbers without a source in the reference facts are marked
# "assumption" in the Sources sheet.
# ---------------------------------------------------------------------------------------------------------
# per cooling: WUE L/kWh at 15 degC, slope L/kWh/degC, floor; max kW/rack; recoverable heat share, heat-pump
# MWh per MWh of heat, recovery plant capex CNY/MW-heat
FACILITY_COOLING = {
    # air heat would need heat pumps (0.3 MWh/MWh at 300-400 CNY/MWh) dearer than the 100 CNY/MWh it sells for:
    # no recovery from air or evaporative cooling in the example
    "air": (1.0, 0.03, 0.3, 15.0, 0.0, 0.30, 1.2e6),  # chillers with wet cooling towers; 8-15 kW/rack [facts]
    "evaporative": (1.2, 0.06, 0.1, 20.0, 0.0, 0.30, 1.2e6),  # evaporates in summer, nearly dry in winter
    "cold_plate": (0.4, 0.02, 0.05, 80.0, 0.75, 0.12, 0.8e6),  # dry coolers with adiabatic trim; 45-55 degC water
    "immersion": (0.2, 0.01, 0.0, 150.0, 0.85, 0.10, 0.8e6),
}
RACK_KW = {"realtime": 12.0, "inference": 18.0, "training": 60.0}  # Qingyang halls 12 / 18 kW; AI training 40-130
WATER_PRICE = {"east": 5.5, "west": 4.5}  # CNY/m3, industrial water incl. sewage charge
WATER_M3_PER_MW = 2500.0  # water permit per MW of site IT capacity in the water-scarce north-west (m3/yr)
WATER_SCARCE_HUBS = ("nx", "gs", "qh", "nmg")
HEAT_PEAK_MW = {"horinger-1": 80.0, "ulanqab-1": 60.0, "zjk-zhangbei": 40.0, "datong-1": 60.0, "qingyang-1": 60.0,
                "zhongwei-1": 40.0, "xining-1": 60.0}  # district heating networks next to the northern sites
HEAT_PRICE = 100.0  # CNY/MWh paid for recovered heat (below the ~30-50 CNY/GJ district-heat tariffs)
HEAT_BASE_C, HEAT_DESIGN_C = 15.0, -15.0  # heat demand rises linearly from 0 at 15 degC to its peak at -15 degC


def heat_profile(temp: pd.Series, peak_mw: float) -> pd.Series:
    """District heat demand (MW) from the outdoor temperature: degree-hours below HEAT_BASE_C."""
    return (peak_mw * ((HEAT_BASE_C - temp) / (HEAT_BASE_C - HEAT_DESIGN_C)).clip(0.0, 1.0)).round(3)


def add_facility(tables: dict[str, pd.DataFrame], year: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """Water, waste-heat and rack-density inputs added to the case tables (and the full-year Profiles); returns
    their Sources rows."""
    cool = tables["Cooling"]
    for i, name in enumerate(("wue_l_per_kwh", "wue_temp_slope_per_degc", "wue_floor", "max_rack_kw",
                              "heat_recoverable_share", "heat_pump_mwh_per_mwh", "heat_recovery_capex_cny_per_mw")):
        cool[name] = cool["cooling_id"].map(lambda k, i=i: FACILITY_COOLING[k][i])
    sites = tables["Sites"]
    region = sites["hub_id"].map(HUBS.set_index("hub_id")["region"])
    sites["water_price_cny_per_m3"] = region.map(WATER_PRICE)
    sites["max_water_m3_per_yr"] = [WATER_M3_PER_MW * mw if h in WATER_SCARCE_HUBS else None
                                    for h, mw in zip(sites["hub_id"], sites["max_it_mw"])]
    climate = {s.site_id: s.climate for s in SITES}
    sites["heat_demand_profile"] = [f"heat_{s}" if s in HEAT_PEAK_MW else None for s in sites["site_id"]]
    sites["heat_price_cny_per_mwh"] = [HEAT_PRICE if s in HEAT_PEAK_MW else 0.0 for s in sites["site_id"]]
    rep = tables["Profiles"]
    for s, peak in HEAT_PEAK_MW.items():
        year[f"heat_{s}"] = heat_profile(year[f"temp_{climate[s]}"], peak).to_numpy()
        short = heat_profile(rep[f"temp_{climate[s]}"], peak)
        # the representative days' heat scaled to the year's heat energy (the degree-hours are not linear in T)
        rep[f"heat_{s}"] = (short * year[f"heat_{s}"].sum() / (short * rep["weight_days"]).sum()).round(3).to_numpy()
        units[f"heat_{s}"] = "MW"
    demand = tables["Demand"]
    demand["rack_kw"] = demand["demand_id"].map(lambda d: RACK_KW[d.split("-", 1)[1]])
    wue = " / ".join(f"{v[0]:g}" for v in FACILITY_COOLING.values())
    rows = [
        ("WUE air / evaporative / cold plate / immersion", wue, "L/kWh", "at 15 degC; water-cooled chillers and "
         "evaporative cooling 1-2 L/kWh, liquid cooling with dry coolers a few tenths; rises with temperature "
         "(slopes 0.03 / 0.06 / 0.02 / 0.01 per degC, floors 0.3 / 0.1 / 0.05 / 0)", "assumption"),
        ("Rack density limit air / evaporative / cold plate / immersion", "15 / 20 / 80 / 150", "kW/rack",
         "air practical to ~8-15 kW/rack [" + common.FACTS + "]; the others by technology", "assumption"),
        ("Rack density real-time / inference / training", "12 / 18 / 60", "kW/rack", "the Qingyang halls run 12 "
         "and 18 kW racks; AI training halls 40-130 kW per rack (issue 24)", "assumption"),
        ("Water price east / west", "5.5 / 4.5", "CNY/m3", "industrial water tariffs incl. sewage charge",
         "assumption"),
        ("Water limits north-west", f"{WATER_M3_PER_MW:g} per MW of site capacity", "m3/yr", "Ningxia, Gansu, "
         "Qinghai, Inner Mongolia: Yellow River water quotas are tight; illustrative water permits",
         "assumption"),
        ("District heat demand", "40-80 MW peak, 0 above 15 degC", "MW", "heat networks next to the northern sites "
         "(Horinger, Ulanqab, Zhangbei, Datong, Qingyang, Zhongwei, Xining), linear in degree-hours below 15 degC "
         "down to -15 degC; Hohhot-style waste-heat district heating", "assumption"),
        ("Heat price", HEAT_PRICE, "CNY/MWh", "paid for recovered heat, below district-heat tariffs "
         "(~30-50 CNY/GJ = 108-180 CNY/MWh)", "assumption"),
        ("Heat recovery cold plate / immersion", "0.75 / 0.85 share; heat pump 0.12 / 0.10 MWh/MWh; plant 0.8 M "
         "CNY/MW-heat", "-", "liquid cooling's 45-55 degC water needs only a booster; air and evaporative cooling "
         "recover none here: low-grade air heat needs a heat pump (COP ~3.3, 0.3 MWh/MWh) whose electricity costs "
         "more than the heat sells for", "assumption"),
    ]
    return pd.DataFrame(rows, columns=common.SOURCES_COLUMNS)


def build(seed: int = common.DEFAULT_SEED, *, n_days: int = N_REP_DAYS) -> Built:
    sites = common.sites_frame(SITES)
    demand = demand_frame()
    fit = common.fit_latency()
    problems = common.check_reachability(demand, sites, fit.route_factor)
    if problems:
        raise RuntimeError("demand not reachable: " + "; ".join(problems))
    climates = list(dict.fromkeys(s.climate for s in SITES))
    ps = common.build_profiles(climates, seed, n_days)
    tables = {
        "Settings": common.settings_frame(CASE_NAME, fit.route_factor, **SETTINGS_EXTRA),
        "Hubs": HUBS.copy(),
        "Sites": sites,
        "Cooling": common.COOLING.copy(),
        "SiteCooling": common.site_cooling_frame(SITES),
        "Demand": demand,
        "Technologies": common.technologies(),
        "Profiles": ps.rep.profiles,
        "Scenarios": scenarios_frame(demand),
    }
    units = common.profile_units(ps.full_year.columns)
    year = ps.full_year.copy()
    facility_sources = add_facility(tables, year, units)  # water, waste heat, rack density
    full_year = add_coordination(tables, common.P.full_year_profiles_sheet(year), units)
    extra = {"Sources": pd.concat([sources_frame(fit, demand, ps.rep.method), facility_sources], ignore_index=True),
             "Notes": notes_frame(seed, ps, fit)}
    return Built(tables, full_year, units, extra, ps, fit)


def write(built: Built, out_dir: Path, *, full_year: bool = True) -> list[Path]:
    out_dir = Path(out_dir)
    paths = [common.write_workbook(out_dir / "case.xlsx", built.tables, built.units, built.extra)]
    if full_year:
        tables = dict(built.tables)
        tables["Profiles"] = built.full_year_profiles
        tables["Settings"] = common.settings_frame(CASE_NAME + "-8760", built.fit.route_factor, **SETTINGS_EXTRA)
        paths.append(common.write_workbook(out_dir / "profiles_8760.xlsx", tables, built.units, built.extra))
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=common.DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: next to this script)")
    ap.add_argument("--days", type=int, default=N_REP_DAYS, help="representative days (default %(default)s)")
    ap.add_argument("--no-full-year", action="store_true", help="skip profiles_8760.xlsx")
    ap.add_argument("--no-package-copy", action="store_true",
                    help="do not refresh planner/data/" + PACKAGE_NAME)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    built = build(args.seed, n_days=args.days)
    print(built.fit.text())
    cal = built.profiles.calibration_table()
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(cal.to_string(index=False))
    print(f"demand: {built.tables['Demand']['it_load_mw'].sum():.0f} MW IT in {len(built.tables['Demand'])} rows; "
          f"{len(built.tables['Sites'])} sites in {len(built.tables['Hubs'])} hubs")
    paths = write(built, args.out, full_year=not args.no_full_year)
    if not args.no_package_copy and args.out.resolve() == HERE:
        paths.append(common.copy_to_package(paths[0], PACKAGE_NAME))
    for p in paths:
        print(f"wrote {p}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
