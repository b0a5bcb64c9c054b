"""A serial sweep of the small study case: every scenario written, a failed one reported while the others go on,
a rerun after an interrupted sweep solves only what is missing, and the study workbook lists it all."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from rich.console import Console

from study_cases import BAD, SCENARIOS, write_study_case
from planner.input.overrides import read_scenarios
from planner.input.reader import read_workbook
from planner.solve import solve_case
from planner.input.overrides import case_with_overrides
from planner.study.sweep import run_study, write_study

QUIET = Console(quiet=True)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """The sweep, interrupted after its first two scenarios (run on those only), then run again on all."""
    folder = tmp_path_factory.mktemp("sweep")
    path = write_study_case(folder, scenarios=[*SCENARIOS, BAD])
    scenarios = read_scenarios(read_workbook(path))
    first = run_study(path, scenarios[:2], folder / "study", console=QUIET)
    again = run_study(path, scenarios, folder / "study", console=QUIET)
    write_study(again)
    return path, scenarios, first, again


def test_rerun_solves_only_what_is_missing(swept):
    _, scenarios, first, again = swept
    assert first.solved_now == ["base", "carbon-200"]
    assert sorted(again.solved_now) == ["cheap-pv", "more-demand", "pue-too-low"]
    assert [r.scenario for r in again.ordered] == [s.name for s in scenarios]
    assert [r.resumed for r in again.ordered] == [True, True, False, False, False]
    assert again.records["carbon-200"].kpis == first.records["carbon-200"].kpis


def test_failed_scenario_is_reported_and_the_others_go_on(swept):
    _, _, _, again = swept
    assert [r.scenario for r in again.failed] == ["pue-too-low"]
    bad = again.records["pue-too-low"]
    assert bad.status == "invalid" and "Scenarios!B8" in bad.reason and "must be >= 1" in bad.reason
    assert all((again.folder / r.workbook).is_file() for r in again.ordered if r.solved)


def test_scenario_results_equal_solving_the_overridden_case(swept):
    path, scenarios, _, again = swept
    s = next(s for s in scenarios if s.name == "cheap-pv")
    direct = solve_case(case_with_overrides(read_workbook(path), s.overrides), options={"threads": 1})
    assert again.records["cheap-pv"].kpis["total_cost_cny_per_yr"] == direct.kpi("total_cost_cny_per_yr")
    carbon = again.records["carbon-200"].kpis
    assert carbon["emissions_tco2_per_yr"] < again.records["base"].kpis["emissions_tco2_per_yr"]


def test_study_workbook_and_run_sheet(swept):
    _, _, _, again = swept
    wb = load_workbook(again.workbook, read_only=True)
    assert wb.sheetnames == ["Scenarios", "KPIs", "Design changes", "Charts"]
    scen = [row for row in wb["Scenarios"].iter_rows(min_row=5, values_only=True)]
    assert [r[0] for r in scen] == ["base", "carbon-200", "cheap-pv", "more-demand", "pue-too-low"]
    assert scen[2][2].splitlines()[-1] == "Technologies[pv].capex_cny_per_kw*=0.5"
    header = next(wb["KPIs"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert header[:6] == ("kpi", "unit", "base", "carbon-200", "cheap-pv", "more-demand")
    changes = list(wb["Design changes"].iter_rows(min_row=4, values_only=True))
    assert {"carbon-200", "more-demand"} <= {r[0] for r in changes} and ("carbon-200", "it_mw") in {(r[0], r[2]) for r in changes}
    run = load_workbook(again.folder / again.records["cheap-pv"].workbook, read_only=True)["Run"]
    overrides = [r[1] for r in run.iter_rows(values_only=True) if r[0] == "override"]
    assert overrides == again.records["cheap-pv"].overrides


def test_compare_lists_the_inputs_that_differ(swept):
    """planner compare's Input differences sheet, on the sweep's result workbooks (planner.report.input_diff)."""
    from planner.report.input_diff import input_differences

    _, _, _, again = swept
    paths = [again.folder / again.records[n].workbook for n in ("base", "cheap-pv", "more-demand")]
    diff = input_differences(paths, ["base", "cheap-pv", "more-demand"])
    rows = {(r.sheet, r.id, r.column): (r.base, r["cheap-pv"], r["more-demand"]) for _, r in diff.iterrows()}
    assert rows.pop(("Settings", "carbon_price_cny_per_tco2", "value")) == (0, 200, 0)
    assert rows.pop(("Technologies", "pv", "capex_cny_per_kw")) == (3000, 1500, 3000)
    assert rows.pop(("Demand", "d1", "it_load_mw")) == (20, 20, 24)
    base, same, changed = rows.pop(("Profiles", "(all time steps)", "pv"))
    assert (base, same) == ("(base)", "same") and changed.startswith("12 steps differ")
    assert rows == {}  # capex_cny_per_kwh=0 on pv is its default: no difference


def test_a_study_solve_prices_site_lps_on_one_thread(monkeypatch):
    """A study's solves (serial, or one per Dask worker process) use one thread each, the site decomposition's
    pricing included: two workers on two cores must not run four threads."""
    from planner.decomposition.tuning import THREADS_VARIABLE, pricing_threads
    from planner.study.task import THREAD_VARIABLES, one_thread

    for name in THREAD_VARIABLES:
        monkeypatch.setenv(name, "")  # restored after the test
    cores = pricing_threads()
    one_thread()
    assert pricing_threads() == 1
    monkeypatch.setenv(THREADS_VARIABLE, "64")
    assert pricing_threads() == cores  # the variable caps, never raises, the threads
