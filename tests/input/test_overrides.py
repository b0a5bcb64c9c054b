"""Overrides (planner.input.overrides): each form on each sheet kind changes exactly its cells, and a bad override
is an input error at the --set argument or the Scenarios cell, with the fix."""

from __future__ import annotations

import pytest

from study_cases import BAD, SCENARIOS, write_study_case
from planner.input.overrides import case_with_overrides, parse_override, parse_overrides, read_scenarios
from planner.input.reader import read_workbook
from planner.input.validate import CaseInvalid, validate


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    return read_workbook(write_study_case(tmp_path_factory.mktemp("overrides"), scenarios=[*SCENARIOS, BAD]))


def case(raw, *texts):
    return case_with_overrides(raw, parse_overrides(texts))


def test_each_form_on_each_sheet_kind(raw):
    base = validate(raw)
    c = case(raw, "carbon_price_cny_per_tco2=300", "carbon_cap_tco2_per_yr=5000", "mip_gap*=10",
             "Hubs[h1].pue_cap=1.5", "Sites[clean].max_pv_mw+=15", "Sites.grid_price_cny_per_mwh*=1.1",
             "Demand.it_load_mw*=2", "Profiles.pv*=0.5", "Technologies[battery].capex_cny_per_kwh=400",
             "Cooling[air].pue_annual=1.3")
    assert c.settings.carbon_price_cny_per_tco2 == 300 and c.settings.carbon_cap_tco2_per_yr == 5000
    assert c.settings.mip_gap == pytest.approx(base.settings.mip_gap * 10)
    assert c.hubs.loc["h1", "pue_cap"] == 1.5
    assert c.sites.loc["clean", "max_pv_mw"] == base.sites.loc["clean", "max_pv_mw"] + 15
    assert c.sites["grid_price_cny_per_mwh"].tolist() == pytest.approx([420 * 1.1, 300 * 1.1])
    assert c.demand.loc["d1", "it_load_mw"] == 40
    assert c.profiles["pv"].tolist() == pytest.approx((base.profiles["pv"] * 0.5).tolist())
    assert c.technologies.loc["battery", "capex_cny_per_kwh"] == 400
    assert c.technologies.loc["pv", "capex_cny_per_kw"] == base.technologies.loc["pv", "capex_cny_per_kw"]
    assert c.cooling.loc["air", "pue_annual"] == 1.3
    assert len(c.overrides) == 10
    assert validate(raw).settings.carbon_price_cny_per_tco2 == 0  # the raw tables themselves are untouched


def test_overrides_apply_in_order_and_blank_clears(raw):
    c = case(raw, "Hubs.pue_cap=1.3", "Hubs[h1].pue_cap+=0.2", "carbon_cap_tco2_per_yr=10", "carbon_cap_tco2_per_yr=")
    assert c.hubs.loc["h1", "pue_cap"] == pytest.approx(1.5)
    assert c.settings.carbon_cap_tco2_per_yr is None


@pytest.mark.parametrize("text, phrases", [
    ("carbon_price=3", ["not a setting", "NAME=value"]),
    ("Hubz.pue_cap=1", ["'Hubz' is not an input sheet", "did you mean 'Hubs'"]),
    ("Hubs.pue_capp=1", ["no column 'pue_capp'", "did you mean 'pue_cap'"]),
    ("Hubs[h1,x].pue_cap=1", ["rows are named by hub_id"]),
    ("pue_cap 1.2", ["has no =, *= or +="]),
])
def test_unreadable_override_names_the_argument(text, phrases):
    with pytest.raises(CaseInvalid) as bad:
        parse_overrides([text])
    (problem,) = bad.value.problems
    assert problem.sheet == "--set" and text in problem.message and problem.fix
    for phrase in phrases:
        assert phrase in str(problem)


@pytest.mark.parametrize("text, phrases", [
    ("Hubs[nope].pue_cap=1.2", ["Hubs has no row nope", "use one of: h1"]),
    ("Hubs[h1].pue_cap*=abc", ["'abc' is not a number"]),
    ("Sites[cheap].max_grid_mw*=2", ["blank: there is nothing to change"]),
    ("Profiles.nope*=2", ["Profiles has no profile 'nope'"]),
])
def test_override_that_cannot_be_applied(raw, text, phrases):
    with pytest.raises(CaseInvalid) as bad:
        case(raw, text)
    (problem,) = bad.value.problems
    assert problem.sheet == "--set" and problem.fix
    for phrase in phrases:
        assert phrase in str(problem), str(problem)


def test_invalid_value_is_reported_at_the_override_with_the_fix(raw):
    with pytest.raises(CaseInvalid) as bad:
        case(raw, "Hubs[h1].pue_cap=0.5")
    (problem,) = bad.value.errors
    assert problem.sheet == "--set"
    assert "override 'Hubs[h1].pue_cap=0.5' makes Hubs!D3 invalid: pue_cap is 0.5, must be >= 1" in problem.message
    assert problem.fix.startswith("change the override: enter a number >= 1")


def test_scenarios_sheet_groups_rows_and_follows_based_on(raw):
    found = {s.name: s for s in read_scenarios(raw)}
    assert list(found) == ["base", "carbon-200", "cheap-pv", "more-demand", "pue-too-low"]
    assert found["base"].overrides == []
    assert found["cheap-pv"].texts == ["carbon_price_cny_per_tco2=200", "Technologies[pv].capex_cny_per_kwh=0",
                                       "Technologies[pv].capex_cny_per_kw*=0.5"]
    assert found["cheap-pv"].description == "Carbon 200 and PV at half price"
    bad = found["pue-too-low"].overrides[0]
    assert (bad.origin, bad.cell) == ("Scenarios", "B8")
    with pytest.raises(CaseInvalid) as invalid:
        case_with_overrides(raw, found["pue-too-low"].overrides)
    (problem,) = invalid.value.errors
    assert (problem.sheet, problem.cell) == ("Scenarios", "B8") and "must be >= 1" in problem.message


@pytest.mark.parametrize("rows, cell, phrase", [
    ([("a", "carbon_price=1", "", None)], "B3", "not a setting"),
    ([("a", "", "", "zz")], "D3", "based on 'zz', which is not a scenario"),
    ([("a", "", "", "b"), ("b", "", "", "a")], "D3", "based on itself"),
])
def test_bad_scenarios_name_their_cell(tmp_path, rows, cell, phrase):
    raw = read_workbook(write_study_case(tmp_path, scenarios=rows))
    with pytest.raises(CaseInvalid) as bad:
        read_scenarios(raw)
    problem = bad.value.problems[0]
    assert (problem.sheet, problem.cell) == ("Scenarios", cell) and phrase in problem.message and problem.fix


def test_parse_keeps_the_text_and_target():
    o = parse_override(" SiteCooling[cheap, air].pue_annual *= 1.1 ")
    assert (o.sheet, o.column, o.ids, o.op, o.value) == ("SiteCooling", "pue_annual", ("cheap", "air"), "*=", "1.1")
