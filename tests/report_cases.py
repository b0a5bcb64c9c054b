"""Cases for the result-workbook, compare and CLI tests: the shipped quickstart and a tiny synthetic case.

The tiny case (3 sites, 2 demands, 3 representative days) solves in well under a second, so tests that need
two different real solves (compare) stay fast. `quickstart_workbook()` is the shipped quickstart example.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def quickstart_workbook(tmp_dir: Path | None = None) -> Path:
    """The quickstart input workbook shipped with the package (`tmp_dir` is accepted and unused)."""
    from planner.examples import example_path

    return Path(example_path("quickstart"))


def tiny_tables(*, carbon_price: float = 0.0, case_name: str = "tiny", pue_cap: float = 1.25) -> dict:
    """Input tables of a tiny case: one west site with PV and wind, two grid-only sites."""
    days = 3
    prof = pd.DataFrame([{"day": d, "hour": h, "weight_days": 365 / days} for d in range(1, days + 1)
                         for h in range(24)])
    hrs = prof["hour"].to_numpy()
    prof["pv_a"] = np.clip(np.sin((hrs - 6) / 12 * np.pi), 0, None) * (0.7 + 0.1 * prof["day"])
    prof["wind_a"] = 0.3 + 0.2 * np.cos(hrs / 24 * 2 * np.pi + prof["day"])
    return {
        "Settings": {"case_name": case_name, "discount_rate": 0.08, "carbon_price_cny_per_tco2": carbon_price},
        "Hubs": pd.DataFrame([
            dict(hub_id="west", name="West hub", region="west", pue_cap=pue_cap, min_green_share=None),
            dict(hub_id="east", name="East hub", region="east", pue_cap=max(pue_cap, 1.0) + 0.05,
                 min_green_share=None)]),
        "Sites": pd.DataFrame([
            dict(site_id="qy", hub_id="west", name="Qingyang", lat=35.7, lon=107.6, max_it_mw=100, module_mw=20,
                 fixed_cost_cny=3e8, it_capex_cny_per_mw=4e7, grid_price_cny_per_mwh=300,
                 grid_ef_tco2_per_mwh=0.6, max_pv_mw=300, max_wind_mw=300, pv_profile="pv_a",
                 wind_profile="wind_a", grid_connection_cost_cny_per_mw_yr=2e5),
            dict(site_id="wh", hub_id="east", name="Wuhu", lat=31.3, lon=118.4, max_it_mw=100, module_mw=20,
                 fixed_cost_cny=2e8, it_capex_cny_per_mw=4.5e7, grid_price_cny_per_mwh=600,
                 grid_ef_tco2_per_mwh=0.55),
            dict(site_id="zw", hub_id="west", name="Zhongwei", lat=37.5, lon=105.2, max_it_mw=60, module_mw=20,
                 fixed_cost_cny=2.5e8, it_capex_cny_per_mw=4e7, grid_price_cny_per_mwh=280,
                 grid_ef_tco2_per_mwh=0.65),
        ]),
        "Cooling": pd.DataFrame([dict(cooling_id="air", name="Air", pue_annual=1.3, capex_cny_per_mw_it=2e6),
                                 dict(cooling_id="imm", name="Immersion", pue_annual=1.1,
                                      capex_cny_per_mw_it=6e6)]),
        "Demand": pd.DataFrame([
            dict(demand_id="sh", name="Shanghai", lat=31.2, lon=121.5, it_load_mw=60, latency_cap_ms=40),
            dict(demand_id="bj", name="Beijing", lat=39.9, lon=116.4, it_load_mw=40, latency_cap_ms=40)]),
        "Technologies": pd.DataFrame([
            dict(tech_id="pv", capex_cny_per_kw=3300, lifetime_yr=25, fixed_om_share=0.015),
            dict(tech_id="wind", capex_cny_per_kw=4500, lifetime_yr=25, fixed_om_share=0.02),
            dict(tech_id="battery", capex_cny_per_kw=800, capex_cny_per_kwh=1000, lifetime_yr=12,
                 round_trip_efficiency=0.88, max_hours=4)]),
        "Profiles": prof,
    }


def tiny_case(**kw):
    from planner.input.validate import case_from_tables

    return case_from_tables(tiny_tables(**kw), f"tiny-{kw.get('case_name', 'tiny')}")


def write_tiny_workbook(path: Path, **kw) -> Path:
    from planner.input.template import write_case_workbook

    return write_case_workbook(path, tiny_tables(**kw))


def set_column(path: Path, sheet: str, column: str, value, out: Path) -> Path:
    """A copy of an input workbook with every data row of one column set to ``value``."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    col = headers.index(column) + 1
    for row in range(3, ws.max_row + 1):
        if ws.cell(row, 1).value not in (None, ""):
            ws.cell(row, col).value = value
    wb.save(out)
    return out
