"""`planner validate` checks the Scenarios sheet too: each scenario's overrides applied and validated as a sweep
would, without solving; a bad override is reported at its Scenarios cell with the fix (a real workbook, the CLI as
a real process)."""

from __future__ import annotations

from cli_run import planner, words
from study_cases import BAD, SCENARIOS, write_study_case
from planner.input.reader import read_workbook
from planner.input.scenario_check import check_scenarios, scenarios_note

NOT_A_NUMBER = ("typo", "Demand[d1].it_load_mw=lots", "", None)
BASED_ON_BAD = ("worse", "carbon_price_cny_per_tco2=50", "", "pue-too-low")


def test_validate_reports_a_bad_override_at_its_scenarios_cell(tmp_path):
    path = write_study_case(tmp_path, scenarios=[*SCENARIOS, BAD, NOT_A_NUMBER, BASED_ON_BAD])
    result = planner("validate", path.name, cwd=tmp_path)
    text = words(result.stdout)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stdout
    assert "B8" in text and "scenario 'pue-too-low': override 'Hubs[h1].pue_cap=0.5' makes Hubs!D3 invalid" in text
    assert "enter a number >= 1" in text  # the fix
    assert "B9" in text and "Demand[d1].it_load_mw=lots" in text
    assert "scenario 'worse'" not in text  # its bad override (from based_on) is reported once, at B8
    assert "solv" not in text.lower().replace("planner sweep", "")  # nothing was solved


def test_valid_scenarios_are_counted(tmp_path):
    path = write_study_case(tmp_path)
    scenarios = check_scenarios(read_workbook(path))
    assert [s.name for s in scenarios] == ["base", "carbon-200", "cheap-pv", "more-demand"]
    assert scenarios_note(path) == "; 3 scenarios of the Scenarios sheet valid"
    assert scenarios_note(write_study_case(tmp_path, "none.xlsx", scenarios=[])) == ""
