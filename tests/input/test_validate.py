"""Reader + validation: real .xlsx files written with openpyxl, one test per class of bad input."""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import CaseInvalid, case_from_tables, load_case
from planner.input.validate import to_bool, to_float
from xlsx_helpers import (
    add_excel_extensions, assert_problem, at, bad, delete_rows, poke, problems_of, profiles_frame, valid_tables, write_plain, write_valid,
)

# Column letters of valid_tables() as written by write_plain (DataFrame column order).
SITE = {name: chr(ord("A") + i) for i, name in enumerate(valid_tables()["Sites"].columns)}


@pytest.fixture
def book(tmp_path):
    return write_valid(tmp_path)


# ----------------------------------------------------------------------------------------------------------
# Valid input
# ----------------------------------------------------------------------------------------------------------
def test_valid_workbook_gives_typed_case(book):
    case = load_case(book)
    assert case.summary().startswith("3 sites in 2 hubs, 2 demand regions, 2 cooling technologies")
    assert list(case.sites.index) == ["s1", "s2", "s3"] and case.sites.index.name == "site_id"
    assert case.sites.at["s3", "must_open"] is True or case.sites.at["s3", "must_open"] == True  # noqa: E712
    assert case.sites["must_open"].dtype == bool
    assert case.sites.at["s1", "fixed_cost_cny"] == 0.0  # default filled
    assert np.isnan(case.sites.at["s1", "max_grid_mw"])  # optional without default stays NaN
    assert case.settings.discount_rate == 0.08 and case.settings.mip_gap == 0.01
    assert case.settings.green_export_allowed is True and case.settings.carbon_cap_tco2_per_yr is None
    assert set(case.technologies.index) == {"pv", "wind", "battery"}
    assert list(case.timesteps.columns) == ["day", "hour", "weight_days"]
    assert case.timesteps.index.equals(pd.RangeIndex(48)) and case.hour_weights.sum() == pytest.approx(8760)
    assert list(case.profiles.columns) == ["pv_a", "load_a", "temp_a", "price_a"]
    assert case.network.empty and case.links.empty


def test_site_cooling_is_full_cross_product_with_overrides(book):
    sc = load_case(book).site_cooling
    assert len(sc) == 3 * 2 and sc.index.names == ["site_id", "cooling_id"]
    assert not sc.at[("s3", "air"), "allowed"] and sc.at[("s1", "air"), "allowed"]
    assert sc.at[("s1", "liquid"), "pue_annual"] == pytest.approx(1.1)


def test_reading_never_modifies_the_file(tmp_path):
    path = write_valid(tmp_path)
    poke(path, "Cooling", {"D3": "=1+1"})  # formula without saved value: forces the second (formula) read
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    with pytest.raises(CaseInvalid):
        load_case(path)
    load_case(write_valid(tmp_path, "ok.xlsx"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before and path.stat().st_mtime_ns == mtime


def test_no_python_warnings_while_reading(book):
    add_excel_extensions(book)  # openpyxl warns "Data Validation extension is not supported" on these
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_case(book)


# ----------------------------------------------------------------------------------------------------------
# Tolerant reading: trimming, numbers as text, blank rows
# ----------------------------------------------------------------------------------------------------------
def test_ids_are_trimmed(book):
    poke(book, "Sites", {f"{SITE['hub_id']}3": "  west ", f"{SITE['pv_profile']}3": " pv_a", "A4": " s2 "})
    poke(book, "Hubs", {"A4": "east  "})
    case = load_case(book)
    assert case.sites.at["s1", "hub_id"] == "west" and "s2" in case.sites.index
    assert case.sites.at["s1", "pv_profile"] == "pv_a"


def test_numbers_stored_as_text_are_accepted(book):
    poke(book, "Sites", {f"{SITE['max_it_mw']}3": "1500", f"{SITE['lat']}3": " 35.5 ",
                         f"{SITE['it_capex_cny_per_mw']}3": "40,000,000", f"{SITE['must_open']}3": "FALSE",
                         f"{SITE['must_open']}4": "Y"})
    sites = load_case(book).sites
    assert sites.at["s1", "max_it_mw"] == 1500.0 and sites.at["s1", "lat"] == 35.5
    assert sites.at["s1", "it_capex_cny_per_mw"] == 4e7
    assert sites.at["s1", "must_open"] == False and sites.at["s2", "must_open"] == True  # noqa: E712


@pytest.mark.parametrize("text, value", [("yes", True), ("No", False), ("TRUE", True), ("false", False),
                                         ("1", True), (0, False), ("y", True), (" N ", False), (True, True)])
def test_yes_no_variants(text, value):
    assert to_bool(text) is value


@pytest.mark.parametrize("text, value", [("1500", 1500.0), (" 12.5 ", 12.5), ("1,500", 1500.0), ("60%", 0.6),
                                         ("-3", -3.0), ("１２", 12.0)])
def test_number_text_variants(text, value):
    assert to_float(text) == pytest.approx(value)


def test_blank_rows_anywhere_are_ignored_and_cells_stay_right(book):
    wb = load_workbook(book)
    wb["Sites"].insert_rows(4)  # blank row between s1 and s2
    wb["Hubs"].insert_rows(3, 2)  # blank rows before the data
    wb["Profiles"].insert_rows(10)  # blank row inside day 1
    wb["Sites"]["A12"] = "   "  # whitespace-only trailing row
    wb.save(book)
    assert len(load_case(book).sites) == 3
    poke(book, "Sites", {f"{SITE['max_it_mw']}6": -5})  # s3 is now on row 6
    assert_problem(problems_of(book), f"Sites!{SITE['max_it_mw']}6", "max_it_mw is -5, must be > 0 MW")


# ----------------------------------------------------------------------------------------------------------
# One test per class of bad input.
# Cell-level classes share one workbook with many independent mistakes (which also shows that every problem is
# collected, not just the first); structural classes get a workbook each.
# ----------------------------------------------------------------------------------------------------------
MISTAKES = {
    "Hubs": {"C4": "north", "D3": None, "A5": "west", "B5": "West again", "C5": "west", "D5": 1.2},
    "Sites": {
        f"{SITE['max_it_mw']}4": "lots",  # s2: wrong type
        f"{SITE['max_it_mw']}5": -20,  # s3: negative
        f"{SITE['lat']}3": 95,  # s1: out of range
        f"{SITE['must_open']}3": "maybe",  # s1: not yes/no
        f"{SITE['hub_id']}4": "north",  # s2: unknown hub
        f"{SITE['temp_profile']}3": "temp_b",  # s1: unknown profile
        f"{SITE['grid_price_cny_per_mwh']}5": 0.38,  # s3: CNY/kWh typed as CNY/MWh (warning)
        f"{SITE['existing_it_mw']}3": 250,  # s1: existing above max 200
        f"{SITE['max_pv_mw']}4": 50,  # s2: PV without profile
        f"{SITE['grid_ef_tco2_per_mwh']}5": None,  # s3: no emission factor at all
    },
    "Cooling": {"C3": 0.9, "C4": 3.5, "D3": "=1+1"},
    "SiteCooling": {"B3": "immersion"},
    "Demand": {"E3": "#DIV/0!", "G4": "load_b"},
    "Technologies": {"E5": 6},
    "Profiles": {"D15": 80, "E5": -0.1, "C10": 150},
}


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory) -> list:
    network = pd.DataFrame({"demand_id": ["d1", "d3"], "site_id": ["s1", "s1"], "latency_ms": [10.0, 12.0]})
    return problems_of(write_valid(tmp_path_factory.mktemp("bad"), cells=MISTAKES, Network=network))


def test_wrong_type(mistakes):
    p = assert_problem(mistakes, f"Sites!{SITE['max_it_mw']}4", "max_it_mw is 'lots', not a number")
    assert "MW" in p.fix


def test_negative_value(mistakes):
    p = assert_problem(mistakes, f"Sites!{SITE['max_it_mw']}5", "max_it_mw is -20, must be > 0 MW")
    assert "Maximum IT capacity" in p.fix
    assert str(p).startswith(f"Sites!{SITE['max_it_mw']}5: max_it_mw is -20, must be > 0 MW - enter a number")


def test_out_of_range_value(mistakes):
    assert_problem(mistakes, f"Sites!{SITE['lat']}3", "lat is 95, must be >= -90 and <= 90 deg")


def test_value_not_in_choices(mistakes):
    assert_problem(mistakes, "Hubs!C4", "region is 'north', not one of east, west")


def test_bad_yes_no(mistakes):
    assert_problem(mistakes, f"Sites!{SITE['must_open']}3", "must_open is 'maybe', not yes or no")


@pytest.mark.parametrize("location, phrase", [
    (f"Sites!{SITE['hub_id']}4", "hub_id 'north' is not a hub_id in Hubs"),
    (f"Sites!{SITE['temp_profile']}3", "temp_profile 'temp_b' is not a profile in Profiles"),
    ("SiteCooling!B3", "cooling_id 'immersion' is not a cooling_id in Cooling"),
    ("Demand!G4", "load_profile 'load_b' is not a profile in Profiles"),
    ("Network!A4", "demand_id 'd3' is not a demand_id in Demand"),
])
def test_unknown_reference(mistakes, location, phrase):
    assert_problem(mistakes, location, phrase)


def test_unknown_reference_suggests_close_match(mistakes):
    p = assert_problem(mistakes, f"Sites!{SITE['temp_profile']}3", "not a profile")
    assert "did you mean 'temp_a'" in p.fix


def test_duplicate_id(mistakes):
    assert_problem(mistakes, "Hubs!A5", "duplicate hub_id 'west' (also in row 3)")


def test_duplicate_pair(tmp_path):
    overrides = pd.DataFrame({"site_id": ["s1", "s1"], "cooling_id": ["air", "air"], "allowed": ["no", "yes"]})
    problems = problems_of(write_valid(tmp_path, SiteCooling=overrides))
    assert_problem(problems, "SiteCooling!B4", "duplicate site_id 's1', cooling_id 'air' (also in row 3)")


def test_empty_required_cell(mistakes):
    p = assert_problem(mistakes, "Hubs!D3", "pue_cap is empty (required)")
    assert "enter a number >= 1" in p.fix


def test_formula_without_saved_value(mistakes):
    assert_problem(mistakes, "Cooling!D3", "formula with no saved value - open and save the file in Excel")


def test_excel_error_value(mistakes):
    assert_problem(mistakes, "Demand!E3", "it_load_mw is the Excel error #DIV/0!")


def test_pue_below_one_is_an_error(mistakes):
    assert_problem(mistakes, "Cooling!C3", "pue_annual is 0.9, must be >= 1")


def test_pue_above_three_is_a_warning(mistakes):
    assert_problem(mistakes, "Cooling!C4", "pue_annual is 3.5, outside the usual range 1-3", "warning")


def test_price_in_cny_per_kwh_is_a_warning(mistakes):
    p = assert_problem(mistakes, f"Sites!{SITE['grid_price_cny_per_mwh']}5",
                       "grid_price_cny_per_mwh is 0.38 CNY/MWh, outside the usual range 20-3000 CNY/MWh", "warning")
    assert "looks like CNY/kWh: multiply by 1000" in p.fix


def test_price_profile_in_cny_per_kwh_is_a_warning(tmp_path):
    tables = valid_tables()
    tables["Profiles"]["price_a"] = tables["Profiles"]["price_a"] / 1000
    case = load_case(write_plain(tmp_path / "p.xlsx", tables))
    assert any("price_a averages" in w.message and "looks like CNY/kWh" in w.fix for w in case.warnings)


def test_capacity_factor_profile_outside_0_1(mistakes):
    p = assert_problem(mistakes, "Profiles!D15", "profile pv_a is 80 here")
    assert "Sites!O3 uses it as pv_profile" in p.message


def test_utilisation_profile_outside_0_1(mistakes):
    assert_problem(mistakes, "Profiles!E5", "profile load_a is -0.1 here")


def test_weight_constant_within_a_day(mistakes):
    assert_problem(mistakes, "Profiles!C10", "weight_days of day 1 is 150 here but 200 in row 3")


def test_site_needs_a_price_and_an_emission_factor(mistakes):
    assert_problem(mistakes, f"Sites!{SITE['grid_ef_tco2_per_mwh']}5",
                   "site 's3' has no grid_ef_tco2_per_mwh and no grid_ef_profile")


def test_pv_needs_a_profile(mistakes):
    assert_problem(mistakes, f"Sites!{SITE['pv_profile']}4", "site 's2' has max_pv_mw 50 but no pv_profile")


def test_existing_capacity_above_maximum(mistakes):
    assert_problem(mistakes, f"Sites!{SITE['existing_it_mw']}3", "existing_it_mw 250 is larger than max_it_mw 200")


def test_battery_min_hours_above_max_hours(mistakes):
    # Technologies columns: tech_id, capex_cny_per_kw, capex_cny_per_kwh, lifetime_yr, min_hours, max_hours
    assert_problem(mistakes, "Technologies!E5", "battery min_hours 6 is larger than max_hours 4")


def test_every_problem_is_collected(mistakes):
    errors = {p.location for p in mistakes if p.severity == "error"}
    sites = [f"Sites!{SITE[c]}{r}" for c, r in (("max_it_mw", 4), ("max_it_mw", 5), ("lat", 3), ("must_open", 3),
                                                  ("hub_id", 4), ("temp_profile", 3), ("existing_it_mw", 3),
                                                  ("pv_profile", 4), ("grid_ef_tco2_per_mwh", 5))]
    others = ["Hubs!C4", "Hubs!D3", "Hubs!A5", "Cooling!C3", "Cooling!D3", "SiteCooling!B3", "Demand!E3",
              "Demand!G4", "Network!A4", "Technologies!E5", "Profiles!D15", "Profiles!E5", "Profiles!C10"]
    assert set(sites + others) <= errors


def test_missing_sheet(tmp_path):
    assert_problem(problems_of(write_valid(tmp_path, Cooling=None)), "Cooling", "sheet Cooling is missing")


def test_missing_column(tmp_path):
    path = write_valid(tmp_path, Sites=valid_tables()["Sites"].drop(columns="module_mw"))
    # 15 columns are left (A..O): the fix points at the first free header cell
    assert_problem(problems_of(path), "Sites!P1", "column module_mw is missing")


def test_profile_of_wrong_length(tmp_path):
    problems = bad(tmp_path, "Profiles", {"D49": None, "D50": None})  # pv_a misses the last two hours
    assert_problem(problems, "Profiles!D49", "profile pv_a has 46 values but the sheet has 48 time steps")


def test_day_with_missing_hour(tmp_path):
    path = delete_rows(write_valid(tmp_path), "Profiles", 20)  # day 1 loses hour 17
    assert_problem(problems_of(path), "Profiles!B3", "day 1 has 23 row(s)")


def test_weights_must_sum_to_365(tmp_path):
    problems = bad(tmp_path, "Profiles", {f"C{r}": 100 for r in range(27, 51)})
    assert_problem(problems, "Profiles!C3", "weight_days sum to 300 days, not 365")


def test_full_year_with_blank_weights():
    tables = valid_tables()
    year = profiles_frame(days=365, weights=[1.0] * 365)
    year["weight_days"] = None
    tables["Profiles"] = year
    case = case_from_tables(tables)
    assert case.is_full_year and case.n_hours == 8760 and "8760 h of profiles" in case.summary()


def test_technologies_need_pv_wind_battery(tmp_path):
    tech = valid_tables()["Technologies"].iloc[:2]
    assert_problem(problems_of(write_valid(tmp_path, Technologies=tech)), "Technologies!A5", "no row for battery")


def test_site_without_allowed_cooling(tmp_path):
    overrides = pd.DataFrame({"site_id": ["s1", "s1"], "cooling_id": ["air", "liquid"], "allowed": ["no", "no"]})
    assert_problem(problems_of(write_valid(tmp_path, SiteCooling=overrides)), "Sites!A3",
                   "site 's1' has no allowed cooling technology")


def test_unreachable_demand(tmp_path):
    problems = bad(tmp_path, "Demand", {"F4": 0.5})  # d2 (Beijing): no site within 0.5 ms
    assert_problem(problems, "Demand!F4", "demand 'd2' has no candidate site within its latency cap")


def test_links_may_name_backbone_nodes(tmp_path):
    links = pd.DataFrame({"node_a": ["d1", "hub-x"], "node_b": ["hub-x", "s3"], "latency_ms": [1.0, 1.0]})
    case = load_case(write_valid(tmp_path, Links=links))
    assert len(case.links) == 2


def test_unknown_sheet_column_and_unit_are_warnings(tmp_path):
    tables = valid_tables()
    tables["Hubs"]["colour"] = ["red", "blue"]
    tables["Scratch"] = pd.DataFrame({"x": [1]})
    path = write_plain(tmp_path / "w.xlsx", tables, cells={"Sites": {f"{SITE['max_it_mw']}2": "kW"}})
    case = load_case(path)
    assert at(case.warnings, "Hubs!F1", "warning") and at(case.warnings, "Scratch", "warning")
    assert_problem(case.warnings, f"Sites!{SITE['max_it_mw']}2", "unit of max_it_mw is 'kW'", "warning")


# ----------------------------------------------------------------------------------------------------------
# Tables built in Python
# ----------------------------------------------------------------------------------------------------------
def test_case_from_tables_matches_workbook(book):
    assert case_from_tables(valid_tables()).summary() == load_case(book).summary()


def test_case_from_tables_cells_follow_template_layout():
    tables = valid_tables()
    tables["Sites"].loc[1, "max_it_mw"] = -20
    del tables["Settings"]["discount_rate"]
    with pytest.raises(CaseInvalid) as err:
        case_from_tables(tables, source="python")
    assert err.value.source == "python"
    assert_problem(err.value.problems, f"Sites!{SITE['max_it_mw']}4", "max_it_mw is -20")
    assert_problem(err.value.problems, "Settings!A5", "setting discount_rate is missing")


def test_case_from_tables_accepts_settings_frame_and_indexed_tables():
    tables = valid_tables()
    tables["Settings"] = pd.DataFrame({"name": ["case_name", "discount_rate"], "value": ["x", "0.05"]})
    tables["Hubs"] = tables["Hubs"].set_index("hub_id")
    case = case_from_tables(tables)
    assert case.settings.discount_rate == 0.05 and list(case.hubs.index) == ["west", "east"]


def test_case_invalid_separates_errors_and_warnings():
    tables = valid_tables()
    tables["Cooling"].loc[0, "pue_annual"] = 4.0  # warning
    tables["Demand"].loc[0, "it_load_mw"] = 0.0  # error: must be > 0
    with pytest.raises(CaseInvalid) as err:
        case_from_tables(tables)
    assert [p.location for p in err.value.errors] == ["Demand!E3"]
    assert [p.location for p in err.value.warnings] == ["Cooling!C3"]


def test_settings_without_units_row(tmp_path):
    path = delete_rows(write_valid(tmp_path), "Settings", 2)  # settings start right below the header
    assert load_case(path).settings.case_name == "small"


def test_profiles_without_rows(tmp_path):
    empty = valid_tables()["Profiles"].iloc[:0]
    assert_problem(problems_of(write_valid(tmp_path, Profiles=empty)), "Profiles!A3",
                   "Profiles has 0 data row(s), at least 24 needed")


def test_unused_profile_is_checked_against_its_unit_row(tmp_path):
    tables = valid_tables()
    tables["Profiles"]["wind_b"] = 40.0  # MW typed into a capacity-factor profile nobody uses yet
    path = write_plain(tmp_path / "w.xlsx", tables, profile_units={"wind_b": "cf"})
    p = assert_problem(problems_of(path), "Profiles!H3", "profile wind_b is 40 here (48 value(s) outside 0-1)")
    assert "its unit in row 2 is cf" in p.message


def test_profile_used_against_its_unit_row_is_a_warning(book):
    case = load_case(write_plain(book, valid_tables(), profile_units={"pv_a": "degC"}))
    assert_problem(case.warnings, "Profiles!D2", "profile pv_a has unit 'degC' but Sites!O3 uses it as pv_profile",
                   "warning")


def test_unreachable_demand_points_at_the_real_cell(tmp_path):
    demand = valid_tables()["Demand"]
    demand.loc[1, "latency_cap_ms"] = 0.5
    blank = pd.DataFrame([[None] * demand.shape[1]], columns=demand.columns)
    demand = pd.concat([demand.iloc[:1], blank, demand.iloc[1:]], ignore_index=True)
    demand = demand[["latency_cap_ms"] + [c for c in demand.columns if c != "latency_cap_ms"]]  # moved to A
    assert_problem(problems_of(write_valid(tmp_path, Demand=demand)), "Demand!A5", "demand 'd2' has no candidate")
