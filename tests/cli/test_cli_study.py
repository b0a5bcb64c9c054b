"""The study commands as real subprocesses on the small study case: solve --set (recorded in the Run sheet), sweep (a failed scenario exits 3 and the others are written; a rerun keeps what is
solved), pareto and sensitivity (their sheets), and the exit codes they declare that need a solve."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from study_cases import BAD, SCENARIOS, write_study_case
from planner.cli import EXIT_INFEASIBLE, EXIT_OK
from cli_run import planner, words


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("study-cli")
    write_study_case(root, "case.xlsx", scenarios=[SCENARIOS[0], BAD])
    return root


def _sheet(path: Path, name: str) -> list[tuple]:
    return list(load_workbook(path, read_only=True)[name].iter_rows(values_only=True))


def test_solve_set_is_recorded_in_the_run_sheet(folder):
    done = planner("solve", "case.xlsx", "-o", "r.xlsx", "--set", "carbon_price_cny_per_tco2=200", "--set",
                   "Demand.it_load_mw*=1.1", cwd=folder)
    assert done.returncode == EXIT_OK, done.stdout
    run = _sheet(folder / "r.xlsx", "Run")
    assert [r[1] for r in run if r[0] == "override"] == ["carbon_price_cny_per_tco2=200", "Demand.it_load_mw*=1.1"]
    assert [r[1] for r in run if r[0] == "carbon_price_cny_per_tco2"] == [200]
    # a bad --set: tests/cli/test_cli_exit_codes.py


def test_sweep_reports_a_failed_scenario_and_a_rerun_keeps_the_solved(folder):
    first = planner("sweep", "case.xlsx", cwd=folder)
    assert first.returncode == EXIT_INFEASIBLE, first.stdout
    text = words(first.stdout)
    assert "✓ base: optimal" in text and "✓ carbon-200: optimal" in text
    assert "✗ pue-too-low: invalid: Scenarios!B4: override 'Hubs[h1].pue_cap=0.5'" in text
    study = folder / "outputs" / "case-study"
    assert {p.name for p in study.glob("*.xlsx")} == {"base-result.xlsx", "carbon-200-result.xlsx", "case-study.xlsx"}
    rows = _sheet(study / "case-study.xlsx", "Scenarios")
    assert [(r[0], r[3]) for r in rows[4:]] == [("base", "optimal"), ("carbon-200", "optimal"),
                                                 ("pue-too-low", "invalid")]
    again = planner("sweep", "case.xlsx", cwd=folder)
    assert again.returncode == EXIT_INFEASIBLE
    text = words(again.stdout)
    assert "= base: already solved" in text and "= carbon-200: already solved" in text
    assert "✗ pue-too-low" in text and "✓ base" not in text and "✓ carbon-200" not in text


def test_pareto_and_sensitivity_write_their_sheets_or_exit_3(folder):
    pareto = planner("pareto", "case.xlsx", "--points", "3", cwd=folder)
    assert pareto.returncode == EXIT_OK, pareto.stdout
    book = folder / "outputs" / "case-pareto" / "case-pareto.xlsx"
    rows = _sheet(book, "Pareto")
    assert [r[0] for r in rows[4:]] == ["point-00-least-cost", "point-01", "point-02-least-emissions"]
    assert len(list(book.parent.glob("point-*-result.xlsx"))) == 3
    infeasible = planner("pareto", "case.xlsx", "--points", "2", "--set", "Demand.it_load_mw*=100", cwd=folder)
    assert infeasible.returncode == EXIT_INFEASIBLE and "infeasible: the least-cost plan" in words(infeasible.stdout)
    sens = planner("sensitivity", "case.xlsx", "--vary", "Sites.grid_price_cny_per_mwh", "--vary", "Hubs.pue_cap",
                   "--by", "0.5", cwd=folder)
    assert sens.returncode == EXIT_INFEASIBLE, sens.stdout  # pue_cap 1 is below the only cooling's PUE
    rows = _sheet(folder / "outputs" / "case-sensitivity" / "case-sensitivity.xlsx", "Sensitivity")
    price, pue = rows[4:]  # largest swing first
    assert price[0] == "Sites.grid_price_cny_per_mwh" and price[2] < 0 < price[3]  # cheaper power, lower cost
    assert pue[0] == "Hubs.pue_cap" and pue[2] is None and pue[3] == 0 and pue[-1] == "infeasible, optimal"
