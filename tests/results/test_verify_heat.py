"""`planner verify` with a hub's minimum waste-heat reuse rate (issue 24): a design made on a day of flat heat demand
reaches the rate there, but the year (days of their own) sells heat only half the time; the year's Policy row says the rate is
broken, with the hand-computed rate reached."""

from __future__ import annotations

import numpy as np
import pytest

from model_tables import cooling, make_case, profiles, site
from planner.report.read_result import read_result_workbook
from planner.report.result_workbook import write_result_workbook
from planner.report.verify_report import design_of, policy_comparison
from planner.results.verify import verify_design
from planner.solve import solve_case

LOAD_MW, HEAT_MW, MIN_REUSE = 25.0, 5.0, 0.15  # 5 / 25 = 0.2 reachable on the day, 0.1 over the year


def _case(n_days: int, heat: np.ndarray | float, name: str):
    return make_case(
        hubs=[{"hub_id": "h1", "name": "H", "region": "west", "pue_cap": 2.0, "min_heat_reuse_share": MIN_REUSE}],
        sites=[site("s1", heat_demand_profile="heat", heat_price_cny_per_mwh=200.0)],
        coolings=[cooling("liquid", 1.1, heat_recoverable_share=0.8, heat_pump_mwh_per_mwh=0.1,
                          heat_recovery_capex_cny_per_mw=1.0e6, lifetime_yr=10)],
        settings={"case_name": name}, profile_table=profiles(n_days, heat=heat))


def test_a_minimum_heat_reuse_rate_broken_over_the_real_year_is_a_policy_row_not_met(tmp_path):
    day = _case(1, HEAT_MW, "day")
    result = solve_case(day, strategy="direct")
    path = tmp_path / "day-result.xlsx"
    write_result_workbook(result, day, path)
    plan = read_result_workbook(path)
    heating = np.repeat(np.arange(10) < 5, 24)  # the "year": 10 days of 36.5 days each, heat demand on 5 of them
    v = verify_design(_case(10, np.where(heating, HEAT_MW, 0.0), "year"), design_of(plan))
    assert not v.holds
    reached = 5 * HEAT_MW / (10 * LOAD_MW)
    broken = v.broken.set_index("constraint")
    assert broken.at["hub_min_heat_reuse", "required"] == pytest.approx(MIN_REUSE)
    assert broken.at["hub_min_heat_reuse", "reachable"] == pytest.approx(reached, rel=1e-6)
    policy = policy_comparison(plan, v).set_index("policy")
    row = policy.loc["hub_min_heat_reuse"]
    assert row["planned_met"] and not row["year_met"]
    assert row["year"] == pytest.approx(reached, rel=1e-6)
