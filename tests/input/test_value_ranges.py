"""Issue 26: nothing gets past validation that the solve cannot handle.

Hard limits on every number (lifetimes, loads, capacities, costs, prices), checks of numbers derived from several
cells (annuity factors, the objective's cost coefficients) and ids shared by sites and demands on the Links graph.
Each fixed crash is checked end to end: the value that crashed is now rejected, a just-valid value solves.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from planner.input.checks import COST_HARD_MAX, COST_RANGE_WARN, annuity_factor
from planner.input.schema import MAX_CNY, MAX_LIFETIME_YR, MAX_MW, SHEETS
from planner.input.validate import CaseInvalid
from planner.model.data import capital_recovery_factor
from planner.solve import solve_case
from model_tables import demand, make_case, profiles, site, tables
from xlsx_helpers import assert_problem, column_letter, problems_of, write_valid
from planner.solver.outcome import SOLVED


def problems(**kw) -> list:
    with pytest.raises(CaseInvalid) as err:
        make_case(**kw)
    return err.value.problems


def site_cell(column: str, row: int = 3, **kw) -> str:
    """Cell of a column of site(...) rows as make_case lays them out (DataFrame column order, data from row 3)."""
    return f"Sites!{get_column_letter(list(site('s1', **kw)).index(column) + 1)}{row}"


def solves(case) -> None:
    result = solve_case(case)
    assert result.solve.status in SOLVED, result.messages


# ----------------------------------------------------------------------------------------------------------
# Hard limits of single cells
# ----------------------------------------------------------------------------------------------------------
def test_every_number_column_has_a_finite_hard_limit():
    for sheet in SHEETS:
        for col in sheet.columns:
            if col.dtype == "float":
                assert col.limit is not None and math.isfinite(col.limit), (sheet.name, col.name)


def test_lifetime_of_10000_years_crashed_the_solve_and_is_now_rejected():
    with pytest.raises(OverflowError):  # what `planner solve` ended with: (34, 'Numerical result out of range')
        capital_recovery_factor(0.08, 10_000.0)
    settings = {"discount_rate": 0.08, "site_lifetime_yr": 10_000}  # Settings rows 3-6: case_name, discount_rate,
    p = assert_problem(problems(settings=settings), "Settings!B6",  # mip_gap, site_lifetime_yr
                       "site_lifetime_yr is 10000, must be >= 1 and <= 100 yr")
    assert p.fix.startswith("enter a number >= 1 and <= 100 in yr")


def test_technology_and_cooling_lifetimes_are_limited():
    tech = tables()["Technologies"].to_dict("records")
    tech[1]["lifetime_yr"] = 10_000.0
    errors = problems(technologies=tech, coolings=[{"cooling_id": "air", "name": "air", "pue_annual": 1.4,
                                                     "capex_cny_per_mw_it": 1e5, "lifetime_yr": 101}])
    lifetime = get_column_letter(list(tech[0]).index("lifetime_yr") + 1)
    assert_problem(errors, f"Technologies!{lifetime}4", "lifetime_yr is 10000, must be >= 1 and <= 100 yr")
    assert_problem(errors, "Cooling!E3", "lifetime_yr is 101, must be >= 1 and <= 100 yr")


def test_longest_lifetime_at_highest_discount_rate_solves():
    case = make_case(settings={"discount_rate": 0.5, "site_lifetime_yr": MAX_LIFETIME_YR,
                               "it_lifetime_yr": MAX_LIFETIME_YR},
                     sites=[site("s1", fixed_cost_cny=1e8)])
    assert math.isfinite(annuity_factor(0.5, MAX_LIFETIME_YR))
    solves(case)


def test_demand_of_1e308_mw_is_rejected_and_the_largest_demand_solves():
    assert_problem(problems(demands=[demand("d1", it_load_mw=1e308)]), "Demand!E3",
                   "it_load_mw is 1e+308, must be <= 1e+06 MW")
    case = make_case(demands=[demand("d1", it_load_mw=MAX_MW)],
                     sites=[site("s1", max_it_mw=MAX_MW, module_mw=1e4)])
    solves(case)


def test_fixed_cost_of_1e308_is_rejected_and_1e12_solves():
    p = assert_problem(problems(sites=[site("s1", fixed_cost_cny=1e308)]), site_cell("fixed_cost_cny", fixed_cost_cny=0),
                       "fixed_cost_cny is 1e+308, must be <= 1e+12 CNY")
    assert "check its unit" in p.fix
    solves(make_case(sites=[site("s1", fixed_cost_cny=MAX_CNY)]))


def test_limit_of_a_column_that_may_be_negative_is_symmetric():
    cool = {"cooling_id": "air", "name": "air", "pue_annual": 1.4, "capex_cny_per_mw_it": 0.0,
            "pue_temp_slope_per_degc": -5.0}
    assert_problem(problems(coolings=[cool]), "Cooling!E3", "pue_temp_slope_per_degc is -5, must be between -1 and 1")


def test_limits_in_a_real_workbook(tmp_path):
    capex = column_letter("Sites", "it_capex_cny_per_mw")
    price = column_letter("Sites", "grid_price_cny_per_mwh")
    found = problems_of(write_valid(tmp_path, cells={"Sites": {f"{capex}4": 1e308, f"{price}5": 2.5e6},
                                                     "Demand": {"E3": "1e308"}}))
    assert_problem(found, f"Sites!{capex}4", "it_capex_cny_per_mw is 1e+308, must be <= 1e+12 CNY/MW")
    assert_problem(found, f"Sites!{price}5", "grid_price_cny_per_mwh is 2500000, must be <= 1e+06 CNY/MWh")
    assert_problem(found, "Demand!E3", "it_load_mw is 1e+308")


# ----------------------------------------------------------------------------------------------------------
# Numbers derived from several cells
# ----------------------------------------------------------------------------------------------------------
def test_hourly_pue_from_a_wild_temperature_profile_is_an_error_at_the_site():
    cool = {"cooling_id": "air", "name": "air", "pue_annual": 1.3, "capex_cny_per_mw_it": 0.0,
            "pue_temp_slope_per_degc": 0.01}
    p = assert_problem(problems(sites=[site("s1", temp_profile="temp")], coolings=[cool],
                                profile_table=profiles(temp=[20.0] * 23 + [1e9])),
                       site_cell("temp_profile", temp_profile="x"), "reaches an hourly PUE of 1e+07 (above 10)")
    assert "profile temp" in p.message


def test_annuity_factor_is_inf_instead_of_overflowing():
    assert annuity_factor(0.08, 10_000.0) == math.inf
    assert annuity_factor(0.08, 20.0) == pytest.approx(capital_recovery_factor(0.08, 20.0))
    assert annuity_factor(0.0, 20.0) == 0.05


def test_cost_coefficient_beyond_the_solver_is_an_error_at_the_input():
    s = site("s1", max_it_mw=MAX_MW, module_mw=MAX_MW, it_capex_cny_per_mw=MAX_CNY)  # 1e12 x 1e6 x 1/10 yr
    p = assert_problem(problems(sites=[s], demands=[demand("d1", it_load_mw=10.0)]), site_cell("it_capex_cny_per_mw"),
                       "it_capex_cny_per_mw 1e+12 x module_mw 1e+06 x annuity factor 0.1")
    assert f"above the {COST_HARD_MAX:g}" in p.message


def test_wide_cost_coefficient_range_is_a_warning_naming_both_inputs():
    s = site("s1", fixed_cost_cny=MAX_CNY, grid_price_cny_per_mwh=1e-3)  # 1e12/20 yr vs 1e-3 x 365 h
    case = make_case(sites=[s])
    (w,) = [p for p in case.warnings if "cost coefficients span" in p.message]
    assert w.location == site_cell("fixed_cost_cny", fixed_cost_cny=0)
    assert f"more than {COST_RANGE_WARN:g}" in w.message and "fixed_cost_cny 1e+12" in w.message
    assert f"grid_price_cny_per_mwh x hours per time step ({site_cell('grid_price_cny_per_mwh')})" in w.message
    solves(case)


def test_usual_costs_give_no_range_warning():
    assert make_case(sites=[site("s1", fixed_cost_cny=3e8)]).warnings == []


# ----------------------------------------------------------------------------------------------------------
# Links: ids shared by sites and demands, nodes that lead nowhere
# ----------------------------------------------------------------------------------------------------------
def links(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"node_a": a, "node_b": b, "latency_ms": ms} for a, b, ms in rows])


def test_demand_id_equal_to_a_site_id_is_an_error_with_links():
    sites = [site("s1"), site("s2", lat=40.0)]
    demands = [demand("d1"), demand("s2", latency_cap_ms=30.0)]
    p = assert_problem(problems(sites=sites, demands=demands, Links=links(("d1", "s1", 1.0), ("s2", "s1", 2.0))),
                       "Demand!A4", "demand_id 's2' is also the site_id in Sites!A4")
    assert "latency 0" in p.message and "must differ" in p.fix
    make_case(sites=sites, demands=demands)  # without Links the ids do not meet: valid


def test_link_node_that_leads_nowhere_is_a_warning_with_its_row():
    case = make_case(sites=[site("site-1")], demands=[demand("d1")],
                     Links=links(("d1", "core", 1.0), ("core", "site-1", 1.0), ("core", "site1", 1.0)))
    (w,) = case.warnings
    assert w.severity == "warning" and w.location == "Links!B5"
    assert "node_b 'site1' is neither a site_id nor a demand_id" in w.message and "'site-1'" in w.fix


def test_backbone_node_on_a_demand_site_path_is_fine():
    case = make_case(Links=links(("d1", "core", 1.0), ("core", "s1", 1.0)))
    assert case.warnings == []
