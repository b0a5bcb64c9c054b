"""A small study workbook for the scenario-study tests: two sites (one clean with PV, one cheap and dirty), one
demand, one day, and a Scenarios sheet; it solves in a fraction of a second, so sweeps of it stay fast."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model_tables import demand, profiles, site, tables
from planner.input.template import write_case_workbook

PV = np.clip(np.sin(np.pi * (np.arange(24) - 6) / 12), 0.0, None) * 0.8
SCENARIOS = [
    ("carbon-200", "carbon_price_cny_per_tco2=200", "Carbon 200 CNY/t", None),
    ("cheap-pv", "Technologies[pv].capex_cny_per_kwh=0", "", "carbon-200"),
    ("cheap-pv", "Technologies[pv].capex_cny_per_kw*=0.5", "Carbon 200 and PV at half price", None),
    ("more-demand", "Demand.it_load_mw*=1.2", "+20 % demand", None),
    ("more-demand", "Profiles.pv*=0.9", "", None),
]
BAD = ("pue-too-low", "Hubs[h1].pue_cap=0.5", "An impossible PUE cap", None)


def study_tables(scenarios=SCENARIOS, days: int = 1) -> dict:
    """The case's tables; `days` > 1 repeats the day with a varying sun (a longer solve, for the Dask tests)."""
    out = tables(sites=[site("clean", grid_price_cny_per_mwh=420.0, grid_ef_tco2_per_mwh=0.6, max_pv_mw=60.0,
                             pv_profile="pv", fixed_cost_cny=1.0e6),
                        site("cheap", grid_price_cny_per_mwh=300.0, grid_ef_tco2_per_mwh=0.9, fixed_cost_cny=1.0e6)],
                 demands=[demand("d1", it_load_mw=20.0)], settings={"mip_gap": 1e-6},
                 profile_table=profiles(days, pv=np.tile(PV, days) * np.repeat(np.linspace(0.5, 1.0, days), 24)))
    out["Scenarios"] = pd.DataFrame(list(scenarios), columns=["scenario", "override", "description", "based_on"])
    return out


def write_study_case(folder: Path, name: str = "case.xlsx", scenarios=SCENARIOS, days: int = 1) -> Path:
    return write_case_workbook(folder / name, study_tables(scenarios, days))
