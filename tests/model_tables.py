"""Small input tables for model tests, built as plain DataFrames and validated by `case_from_tables`."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from planner.input.case import Case
from planner.input.validate import case_from_tables

ROOT = Path(__file__).resolve().parents[1]


def synthetic_case(n_sites: int, n_demands: int, n_days: int, seed: int = 0, **settings) -> Case:
    """The benchmark's synthetic generator (benchmarks/synthetic.py), loaded from its file."""
    spec = importlib.util.spec_from_file_location("planner_synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    case = module.synthetic_case(n_sites, n_demands, n_days, seed=seed)
    if settings:
        case = dataclasses.replace(case, settings=dataclasses.replace(case.settings, **settings))
    return case


def profiles(n_days: int = 1, **columns) -> pd.DataFrame:
    """A Profiles table of n_days representative days with equal weights summing to 365."""
    n = 24 * n_days
    table = pd.DataFrame({"day": np.repeat(np.arange(1, n_days + 1), 24), "hour": np.tile(np.arange(24), n_days),
                          "weight_days": 365.0 / n_days})
    for name, values in columns.items():
        table[name] = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    return table


def site(site_id: str, **kw) -> dict:
    row = {"site_id": site_id, "hub_id": "h1", "name": site_id, "lat": 30.0, "lon": 110.0, "max_it_mw": 100.0,
           "module_mw": 10.0, "it_capex_cny_per_mw": 1.0e6, "grid_price_cny_per_mwh": 400.0,
           "grid_ef_tco2_per_mwh": 0.5}
    row.update(kw)
    return row


def demand(demand_id: str, **kw) -> dict:
    row = {"demand_id": demand_id, "name": demand_id, "lat": 30.0, "lon": 110.0, "it_load_mw": 25.0,
           "latency_cap_ms": 10.0}
    row.update(kw)
    return row


def cooling(cooling_id: str, pue: float, capex: float = 0.0, **kw) -> dict:
    return {"cooling_id": cooling_id, "name": cooling_id, "pue_annual": pue, "capex_cny_per_mw_it": capex, **kw}


def lossless_technologies(pv_capex_cny_per_kw: float = 3000.0, battery_max_hours: float = 100.0) -> list[dict]:
    """PV, wind and a lossless battery of any duration up to `battery_max_hours`: hand calculations are energy sums."""
    return [{"tech_id": "pv", "capex_cny_per_kw": pv_capex_cny_per_kw, "lifetime_yr": 25.0},
            {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
            {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 800.0, "lifetime_yr": 10.0,
             "round_trip_efficiency": 1.0, "min_hours": 0.0, "max_hours": battery_max_hours}]


def tables(*, sites=None, demands=None, coolings=None, hubs=None, settings=None, technologies=None,
           profile_table=None, **extra) -> dict:
    tech = technologies or [
        {"tech_id": "pv", "capex_cny_per_kw": 3000.0, "lifetime_yr": 25.0},
        {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
        {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 800.0, "lifetime_yr": 12.0,
         "round_trip_efficiency": 0.9, "min_hours": 0.0, "max_hours": 8.0},
    ]
    out = {
        "Settings": {"case_name": "test", "discount_rate": 0.0, "mip_gap": 1e-7, **(settings or {})},
        "Hubs": pd.DataFrame(hubs or [{"hub_id": "h1", "name": "Hub 1", "region": "west", "pue_cap": 2.0}]),
        "Sites": pd.DataFrame(sites or [site("s1")]),
        "Cooling": pd.DataFrame(coolings or [cooling("air", 1.4)]),
        "Demand": pd.DataFrame(demands or [demand("d1")]),
        "Technologies": pd.DataFrame(tech),
        "Profiles": profile_table if profile_table is not None else profiles(),
    }
    out.update({k: (v if isinstance(v, (dict, pd.DataFrame)) else pd.DataFrame(v)) for k, v in extra.items()})
    return out


def make_case(**kw) -> Case:
    return case_from_tables(tables(**kw), source="test tables")


def violations(m: pyo.ConcreteModel, tol: float = 1e-6) -> list[str]:
    """Every active row the values loaded into `m` break (relative to 1 + |body|), and every integer variable
    that is not whole."""
    bad = []
    for c in m.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(c.body)
        scale = 1.0 + abs(body)
        if (c.lower is not None and body < pyo.value(c.lower) - tol * scale) or (
                c.upper is not None and body > pyo.value(c.upper) + tol * scale):
            bad.append(f"{c.name}: {body} not in [{pyo.value(c.lower)}, {pyo.value(c.upper)}]")
    for v in m.component_data_objects(pyo.Var):
        if v.is_integer() and v.value is not None and abs(v.value - round(v.value)) > tol:
            bad.append(f"{v.name} = {v.value} is not whole")
    return bad


def year_case(varying: bool):
    """Site s1 with PV, a battery, hourly PUE from temperature, hourly price and emission factor, a load profile
    and export; site s2 (existing IT, grid only) with a climate and a price of its own; `varying`: sunshine,
    temperatures, prices and load change from day to day (else every day is alike). PV at its limit and a
    battery that also carries energy from day to day."""
    rng = np.random.default_rng(7)
    hour = np.tile(np.arange(24), 365)
    day = np.repeat(np.arange(365), 24)

    def per_day(low: float, high: float) -> np.ndarray:
        return np.repeat(rng.uniform(low, high, 365), 24) if varying else np.full(8760, (low + high) / 2)

    sun = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    table = profiles(
        365,
        pv=sun * per_day(0.2, 1.0),
        temp=15 + 10 * np.sin(2 * np.pi * (day - 100) / 365) * varying + 5 * np.sin(np.pi * (hour - 9) / 12),
        price=300 + 150 * (hour >= 8) * (hour < 22) + per_day(-50, 50),
        ef=0.6 + per_day(-0.1, 0.1) - 0.1 * sun,
        load=0.8 + 0.15 * np.sin(np.pi * hour / 24) + per_day(-0.05, 0.05),
        temp2=25 + 8 * np.sin(2 * np.pi * (day - 30) / 365) * varying + per_day(-6, 6),
        price2=350 + 100 * (hour >= 10) * (hour < 20) + per_day(-80, 80))
    return make_case(
        sites=[site("s1", max_pv_mw=150.0, pv_profile="pv", temp_profile="temp", grid_price_profile="price",
                    grid_ef_profile="ef", export_price_cny_per_mwh=150.0),
               site("s2", existing_it_mw=20.0, max_it_mw=20.0, temp_profile="temp2", grid_price_profile="price2")],
        demands=[demand("d1", it_load_mw=30.0, load_profile="load", max_share_per_site=0.7)],
        coolings=[cooling("evaporative", 1.25, capex=1e5, pue_temp_slope_per_degc=0.01, pue_floor=1.1,
                          pue_ref_temp_c=15.0)],
        settings={"carbon_price_cny_per_tco2": 100.0, "green_export_allowed": True},
        profile_table=table)
