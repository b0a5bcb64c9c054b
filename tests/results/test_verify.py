"""`planner verify` (`planner.results.verify`): a plan's design run over a real year, by real HiGHS solves of
hand-made cases.

- A plan made on the year itself, read back from its result workbook and verified against that year, holds with
  no deviation.
- A design made on 2 windy days (wind covers the whole load, no grid connection) against a year with a windless
  week: the hub's green share breaks and the grid connection is short by the windless hours' load; `resize`
  finds the capacities a full-year solve with the design's integers fixed finds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model_tables import cooling, demand, profiles, site, tables
from planner.input.validate import case_from_tables
from planner.report.read_result import read_result_workbook
from planner.report.result_workbook import write_result_workbook
from planner.report.verify_report import design_of, kpi_comparison, policy_comparison
from planner.results.verify import LP_OPTIONS, as_lp, resize_design, verify_design, year_data
from planner.solve import PlanningModel, solve_case

LOAD_MW, PUE, WIND_CF, CALM_CF, MIN_GREEN = 30.0, 1.4, 0.5, 0.05, 0.985
CALM_DAYS = range(100, 107)
ROOT = Path(__file__).resolve().parents[2]


def wind_tables(n_days: int, cf: np.ndarray, name: str, *, max_wind_mw: float = 1000.0,
                min_green: float = MIN_GREEN) -> dict:
    return tables(
        sites=[site("s1", max_wind_mw=max_wind_mw, wind_profile="wind", grid_connection_cost_cny_per_mw_yr=50000.0)],
        demands=[demand("d1", it_load_mw=LOAD_MW)],
        coolings=[cooling("air", PUE)],
        hubs=[{"hub_id": "h1", "name": "Hub 1", "region": "west", "pue_cap": 2.0, "min_green_share": min_green}],
        settings={"case_name": name, "green_min_selfuse_share_of_generation": 0.0,
                  "green_min_selfuse_share_of_consumption": 0.0, "green_max_export_share_of_generation": 1.0,
                  "green_export_allowed": False},
        technologies=[{"tech_id": "pv", "capex_cny_per_kw": 3000.0, "lifetime_yr": 25.0},
                      {"tech_id": "wind", "capex_cny_per_kw": 5000.0, "lifetime_yr": 20.0},
                      {"tech_id": "battery", "capex_cny_per_kw": 500.0, "capex_cny_per_kwh": 8000.0,
                       "lifetime_yr": 12.0, "round_trip_efficiency": 0.9, "min_hours": 2.0, "max_hours": 4.0}],
        profile_table=profiles(n_days, wind=cf))


def wind_case(n_days: int, cf: np.ndarray, name: str, **kw):
    return case_from_tables(wind_tables(n_days, cf, name, **kw))


def windless_week_cf() -> np.ndarray:
    cf = np.full(8760, WIND_CF)
    for day in CALM_DAYS:
        cf[24 * day:24 * day + 24] = CALM_CF
    return cf


def windless_week_year(**kw):
    return wind_case(365, windless_week_cf(), "year", **kw)


def planned(case, path: Path):
    """Solve `case` and write its result workbook; the workbook read back."""
    result = solve_case(case, strategy="direct")
    write_result_workbook(result, case, path)
    return read_result_workbook(path)


@pytest.fixture(scope="module")
def two_day_plan(tmp_path_factory):
    return planned(wind_case(2, WIND_CF, "two-days"), tmp_path_factory.mktemp("verify") / "two-days-result.xlsx")


def test_a_plan_verified_against_the_year_it_was_made_on_shows_no_deviation(tmp_path):
    year = windless_week_year(max_wind_mw=40.0, min_green=0.4)  # wind at its limit: a quick MILP of the year
    plan = planned(year, tmp_path / "year-result.xlsx")
    v = verify_design(year, design_of(plan))
    assert v.holds and v.broken.empty and v.grid_short_mw == {}
    kpis = kpi_comparison(plan, v).set_index("kpi")
    for kpi in ("total_cost_cny_per_yr", "cost_energy_cny_per_yr", "emissions_tco2_per_yr", "green_share",
                "pue_energy_weighted", "wind_capacity_mw", "grid_connection_mw"):
        assert kpis.at[kpi, "year"] == pytest.approx(kpis.at[kpi, "planned"], rel=1e-6, abs=1e-6), kpi
    policy = policy_comparison(plan, v)
    assert policy["year_met"].all() and (policy["planned_met"] == policy["year_met"]).all()


def test_the_2_day_design_breaks_the_green_share_in_a_windless_week(two_day_plan):
    design = design_of(two_day_plan)
    wind = design.sites["s1"].wind_mw
    facility = LOAD_MW * PUE
    assert wind == pytest.approx(facility / WIND_CF, rel=1e-6) and design.sites["s1"].grid_mw == pytest.approx(0)
    v = verify_design(windless_week_year(), design)
    assert not v.holds
    broken = v.broken.set_index("constraint")
    assert list(broken.index) == ["hub_green_share"]
    # green share over the year: the windless week's hours get CALM_CF x wind of the facility load from wind
    calm = len(CALM_DAYS)
    share = ((365 - calm) * facility + calm * CALM_CF * wind) / (365 * facility)
    assert broken.at["hub_green_share", "required"] == pytest.approx(MIN_GREEN)
    assert broken.at["hub_green_share", "reachable"] == pytest.approx(share, rel=1e-6)
    assert v.grid_short_mw["s1"] == pytest.approx(facility - CALM_CF * wind, rel=1e-6)
    policy = policy_comparison(two_day_plan, v).set_index("policy")
    assert policy.at["hub_green_share", "planned_met"] and not policy.at["hub_green_share", "year_met"]


def test_resize_finds_what_a_full_year_solve_with_the_designs_integers_fixed_finds(two_day_plan):
    design = design_of(two_day_plan)
    year = windless_week_year()
    resized, note = resize_design(year_data(year, design), design, None)
    assert resized is not None, note
    model = PlanningModel(year)
    m = model.model
    for s, sd in design.sites.items():
        m.open[s].fix(1)
        m.modules[s].fix(sd.modules)
        for (site_id, k), var in m.cool.items():
            var.fix(1 if k == sd.cooling_id else 0)
    as_lp(m)  # the integers fixed: an LP, by HiGHS' interior point method
    full = model.solve(strategy="direct", options=LP_OPTIONS)
    assert resized.kpi("total_cost_cny_per_yr") == pytest.approx(full.kpi("total_cost_cny_per_yr"), rel=1e-6)
    for kpi in ("wind_capacity_mw", "battery_power_mw", "battery_energy_mwh", "grid_connection_mw"):
        assert resized.kpi(kpi) == pytest.approx(full.kpi(kpi), rel=1e-4, abs=1e-3), kpi
    assert resized.kpi("grid_connection_mw") > design.sites["s1"].grid_mw + 1.0
    assert resized.kpi("wind_capacity_mw") >= design.sites["s1"].wind_mw - 1e-6
    assert resized.policy["satisfied"].all()


def test_cli_verify_exits_3_when_the_year_breaks_a_rule_and_aggregate_makes_days_of_the_year(two_day_plan, tmp_path):
    from planner.input.template import write_case_workbook

    path = write_case_workbook(tmp_path / "year.xlsx", wind_tables(365, windless_week_cf(), "year"))
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    out = tmp_path / "check.xlsx"
    run = subprocess.run([sys.executable, "-m", "planner", "verify", str(two_day_plan.path), "--year", str(path),
                          "-o", str(out)], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=300)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "hub_green_share" in run.stdout and "grid connection at s1" in run.stdout
    # each of the year's solves is announced as it starts, with the time since the design was read
    assert "1. the year's dispatch with the design fixed" in run.stdout, run.stdout
    assert "2. the design breaks the year" in run.stdout and "3. the least cost" in run.stdout
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    assert {"Verdict", "KPIs", "Policy", "Broken"} <= set(wb.sheetnames)

    # the same year made into 3 days, the windless week's day kept: a valid case with the Aggregation sheet
    days = tmp_path / "days.xlsx"
    run = subprocess.run([sys.executable, "-m", "planner", "aggregate", str(path), "--days", "3", "--keep",
                          "lowest-renewables", "-o", str(days)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "lowest-renewables" in run.stdout and "wind full-load hours" in run.stdout
    from planner.input.validate import load_case

    case = load_case(days)
    assert case.timesteps["day"].nunique() == 3
    assert case.timesteps.groupby("day")["weight_days"].first().sum() == pytest.approx(365.0)
    assert CALM_CF in set(case.profiles["wind"].round(9))  # a windless day is among the days
    assert "Aggregation" in load_workbook(days, read_only=True).sheetnames
