"""`planner solve`, `planner compare` and `planner example` as a user runs them: real subprocesses.

Exit codes: 0 solved, 1 time limit with a plan, 2 invalid input (also a missing or unreadable input file, a usage
error), 3 infeasible, 4 other error, 130 Ctrl-C (all declared in planner.cli.EXIT_CODES; the cheap non-zero ones of
every command are in test_cli_exit_codes.py).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from report_cases import quickstart_workbook, set_column
from cli_run import ENV, planner


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write could leave behind."""
    return [p.name for p in folder.glob(".*")] if folder.is_dir() else []


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A working folder with inputs/case.xlsx (the quickstart), solved once: inputs/outputs/case-result.xlsx
    (the default: an outputs/ folder next to the input)."""
    root = tmp_path_factory.mktemp("project")
    (root / "inputs").mkdir()
    shutil.copy(quickstart_workbook(tmp_path_factory.mktemp("qs")), root / "inputs" / "case.xlsx")
    result = planner("solve", "inputs/case.xlsx", cwd=root)
    root.joinpath("solve.log").write_text(result.stdout)
    assert result.returncode == 0, result.stdout
    return root


def test_solve_shows_stages_and_kpis_and_writes_the_default_output(project):
    out = (project / "solve.log").read_text()
    for stage in ("read", "validated", "built", "solved", "wrote"):
        assert f"✓ {stage}" in out, out
    assert "variables" in out and "constraints" in out
    assert "inputs/outputs/case-result.xlsx" in out
    assert "Total annualised cost" in out and "Green-power share" in out and "Solver status" in out
    assert "Traceback" not in out
    assert (project / "inputs" / "outputs" / "case-result.xlsx").is_file()
    assert leftovers(project / "inputs" / "outputs") == []
    from planner.report.read_result import read_result_workbook

    back = read_result_workbook(project / "inputs" / "outputs" / "case-result.xlsx")
    assert back.status["termination"].startswith("HiGHS branch and bound")  # the method that proved the plan
    status, gap = back.status["solver_status"], back.kpi("mip_gap")
    assert status == ("optimal" if gap <= 1e-6 else "within_gap"), (status, gap)
    if status == "within_gap":  # never called optimal: "within gap (x %)"
        assert "within gap (" in out and "optimal (" not in out
    for map_file in ("case-result-map.png", "case-result-map.svg"):  # the map beside the result workbook
        assert (project / "inputs" / "outputs" / map_file).stat().st_size > 10_000 and f"outputs/{map_file}" in out


def test_solve_refuses_to_overwrite_without_force(project):
    target = project / "inputs" / "outputs" / "case-result.xlsx"
    before = target.stat().st_mtime_ns
    result = planner("solve", "inputs/case.xlsx", cwd=project)
    assert result.returncode == 4 and "--force" in result.stdout and "Traceback" not in result.stdout
    assert target.stat().st_mtime_ns == before


def test_solve_never_writes_over_its_input(project):
    src = project / "inputs" / "case.xlsx"
    before = src.read_bytes()
    result = planner("solve", "inputs/case.xlsx", "-o", "inputs/case.xlsx", "--force", cwd=project)
    assert result.returncode == 4 and "input" in result.stdout and "Traceback" not in result.stdout
    assert src.read_bytes() == before


def test_compare_with_itself_is_all_zero_deltas(project):
    result = planner("compare", "inputs/outputs/case-result.xlsx", "inputs/outputs/case-result.xlsx", "-o",
                     "inputs/outputs/self.xlsx", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "Total annualised cost" in result.stdout and "case (2)" in result.stdout
    assert "no site decision or assignment changed" in result.stdout
    assert (project / "inputs" / "outputs" / "self.xlsx").is_file()


def test_compare_two_different_solves(project):
    # a scenario: a higher carbon price, solved with its own output name
    import openpyxl

    wb = openpyxl.load_workbook(project / "inputs" / "case.xlsx")
    ws = wb["Settings"]
    for row in ws.iter_rows(min_row=3):
        if row[0].value == "carbon_price_cny_per_tco2":
            row[1].value = 600
    wb.save(project / "inputs" / "high-carbon.xlsx")
    solved = planner("solve", "inputs/high-carbon.xlsx", cwd=project)
    assert solved.returncode == 0, solved.stdout
    result = planner("compare", "inputs/outputs/case-result.xlsx", "inputs/outputs/high-carbon-result.xlsx",
                     cwd=project)
    assert result.returncode == 0, result.stdout
    assert "high-carbon" in result.stdout and "Δ" in result.stdout
    assert (project / "inputs" / "outputs" / "compare-case-vs-high-carbon.xlsx").is_file()
    from planner.report.compare import compare_results

    outputs = project / "inputs" / "outputs"
    c = compare_results([outputs / "case-result.xlsx", outputs / "high-carbon-result.xlsx"])
    assert c.delta("cost_carbon_cny_per_yr", "high-carbon") > 0


def test_compare_refuses_a_non_result_workbook(project):
    result = planner("compare", "inputs/outputs/case-result.xlsx", "inputs/case.xlsx", cwd=project)
    assert result.returncode == 2, result.stdout
    assert "inputs/case.xlsx" in result.stdout and "Summary" in result.stdout
    assert "Traceback" not in result.stdout


def test_compare_needs_two_files(project):
    result = planner("compare", "inputs/outputs/case-result.xlsx", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stdout


def test_infeasible_case_exits_3_explained_without_result(project, tmp_path):
    (tmp_path / "inputs").mkdir()
    set_column(project / "inputs" / "case.xlsx", "Hubs", "pue_cap", 1.0, tmp_path / "inputs" / "strict.xlsx")
    result = planner("solve", "inputs/strict.xlsx", cwd=tmp_path)
    assert result.returncode == 3, result.stdout
    assert "infeasible" in result.stdout and "hub_pue_cap" in result.stdout
    assert "Traceback" not in result.stdout
    assert not (tmp_path / "inputs" / "outputs" / "strict-result.xlsx").exists()
    assert leftovers(tmp_path / "inputs" / "outputs") == []


def test_invalid_input_exits_2_with_problem_table_and_no_file(project, tmp_path):
    set_column(project / "inputs" / "case.xlsx", "Sites", "max_it_mw", "lots", tmp_path / "bad.xlsx")
    result = planner("solve", "bad.xlsx", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "max_it_mw" in result.stdout and "Sites" in result.stdout and "Traceback" not in result.stdout
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").iterdir())


def test_missing_and_broken_inputs_are_one_line_invalid_input(tmp_path):
    missing = planner("solve", "nope.xlsx", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.xlsx" in missing.stdout and "Traceback" not in missing.stdout
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    broken = planner("solve", "broken.xlsx", cwd=tmp_path)
    assert broken.returncode == 2 and "Traceback" not in broken.stdout
    assert not (tmp_path / "outputs" / "broken-result.xlsx").exists()


def test_bad_options_are_usage_errors(project):
    for args in (["--time-limit", "0"], ["--gap", "2"]):
        result = planner("solve", "inputs/case.xlsx", *args, cwd=project)
        assert result.returncode == 2 and "Traceback" not in result.stdout, result.stdout


def test_time_limit_with_a_plan_exits_1_and_is_marked(project, tmp_path):
    result = planner("solve", project / "inputs" / "case.xlsx", "--time-limit", "3", "--gap", "0", "-o", "tl.xlsx",
                     cwd=tmp_path)
    if result.returncode == 4 and "no feasible plan" in result.stdout:
        pytest.skip("HiGHS found no plan within 3 s on this machine")
    if result.returncode == 0:
        pytest.skip("HiGHS proved optimality within 3 s on this machine")
    assert result.returncode == 1, result.stdout
    assert "not proven optimal" in result.stdout.lower()
    from planner.report.read_result import read_result_workbook

    back = read_result_workbook(tmp_path / "tl.xlsx")
    assert back.status["solver_status"] == "time_limit" and back.status["proven_optimal"] is False


@pytest.mark.parametrize("strategy", ["direct", "sites"])
def test_ctrl_c_stops_cleanly_without_a_file(project, tmp_path, strategy):
    """Ctrl-C during the solve (to a 0 gap, which takes the quickstart well over 5 s): exit 130, one line,
    no file. A lost interrupt lets the solve finish and exit 0."""
    # a shell that starts the tests in the background ignores SIGINT for them; the child must not inherit that
    proc = subprocess.Popen([sys.executable, "-m", "planner", "solve", str(project / "inputs" / "case.xlsx"),
                             "--gap", "0", "--strategy", strategy, "-o", "int.xlsx"], cwd=tmp_path, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        lines.append(line)
        if "✓ built" in line or time.monotonic() > deadline:
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=120)
    out = "".join(lines) + rest
    assert proc.returncode == 130, out
    assert "interrupted" in out and "Traceback" not in out and "WARNING" not in out
    # one line says so (besides the progress lines a pipe gets while solving)
    assert len([line for line in rest.splitlines() if line.strip() and not line.startswith("  solving")]) == 1, rest
    assert not (tmp_path / "int.xlsx").exists() and leftovers(tmp_path) == []


def test_solve_help_documents_exit_codes(tmp_path):
    result = planner("solve", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for code in ("0 solved", "1 a feasible plan not proven optimal", "2 invalid input", "3 infeasible", "4 other error"):
        assert code in text, code
    assert "east-data-west" in text


def test_example_list_and_copy(tmp_path):
    listed = planner("example", "--list", cwd=tmp_path)
    assert listed.returncode == 0 and "quickstart" in listed.stdout and "east-data-west" in listed.stdout
    assert planner("example", cwd=tmp_path).stdout == listed.stdout
    try:
        from planner.examples import example_path

        if not Path(example_path("quickstart")).is_file():
            raise FileNotFoundError
    except Exception:  # noqa: BLE001
        pytest.skip("the packaged example workbooks are not built yet")
    copied = planner("example", "quickstart", "inputs/qs.xlsx", cwd=tmp_path)
    assert copied.returncode == 0, copied.stdout
    assert (tmp_path / "inputs" / "qs.xlsx").is_file()
    again = planner("example", "quickstart", "inputs/qs.xlsx", cwd=tmp_path)
    assert again.returncode == 4 and "--force" in again.stdout
    assert planner("example", "quickstart", "inputs/qs.xlsx", "--force", cwd=tmp_path).returncode == 0
    unknown = planner("example", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "quickstart" in unknown.stdout and "Traceback" not in unknown.stdout
    assert planner("validate", "inputs/qs.xlsx", cwd=tmp_path).returncode == 0


def test_strategy_option_solves_by_site_decomposition(project, tmp_path):
    """--strategy sites: the decomposition reports in the solver log and the plan is written; a wrong value is
    a usage error that lists the choices."""
    out = tmp_path / "sites.xlsx"
    result = planner("solve", project / "inputs" / "case.xlsx", "-o", out, "--strategy", "sites", "--solver-log",
                     cwd=project)
    assert result.returncode == 0, result.stdout
    assert "planner decomposition" in result.stdout and "lower bound" in result.stdout
    assert out.is_file() and "Traceback" not in result.stdout
    wrong = planner("solve", project / "inputs" / "case.xlsx", "-o", tmp_path / "x.xlsx", "--strategy", "fast",
                    cwd=project)
    assert wrong.returncode == 2
    assert "auto" in wrong.stdout and "sites" in wrong.stdout and "Traceback" not in wrong.stdout
    assert not (tmp_path / "x.xlsx").exists()

def test_full_year_plan_by_sites_exits_1_and_is_marked_feasible(tmp_path):
    """8760 h with --strategy sites: a plan designed on 12 days, feasible for the year, with a bound from
    average days that does not prove it within the gap. The CLI says so with the gap, exits 1 and the workbook
    marks it 'feasible', not proven optimal, with that bound and gap."""
    from xlsx_helpers import profiles_frame, valid_tables, write_plain

    from planner.report.read_result import read_result_workbook

    tables = valid_tables()
    tables["Profiles"] = profiles_frame(365, [1.0] * 365)
    write_plain(tmp_path / "year.xlsx", tables)
    result = planner("solve", "year.xlsx", "-o", "year-result.xlsx", "--strategy", "sites", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    text = " ".join(result.stdout.split())
    assert "12 representative days" in text and "Traceback" not in text
    stages = [line for line in result.stdout.splitlines() if line.startswith("  solving")]  # no terminal: plain
    for stage in ("design days", "year dispatch and sizing", "cuts: bound from average days"):
        assert any(stage in line and " s left" in line for line in stages), (stage, result.stdout)
    assert any("best plan" in line and "bound" in line and "gap" in line for line in stages), result.stdout
    back = read_result_workbook(tmp_path / "year-result.xlsx")
    assert back.status["solver_status"] == "feasible" and back.status["proven_optimal"] is False
    assert back.status["termination"].startswith("site decomposition: full-year plan")
    gap = float(back.kpis.set_index("kpi").at["mip_gap", "value"])
    assert gap > 0.005
    assert f"a lower bound from average days of the year and each site's year dispatch puts it within {gap:.2%}" in text
    assert not back.kpis.empty


def test_compare_and_report_lang_zh_write_chinese_titles_and_headers(project):
    """`--lang zh` on compare and report (the quickstart's result, compared with itself): Chinese sheet names,
    headers, KPI names and titles from planner/results/labels.csv; the ids stay."""
    import re

    import openpyxl

    from planner.results.labels import label

    cjk = re.compile(r"[\u4e00-\u9fff]")
    outputs = project / "inputs" / "outputs"
    run = planner("compare", "case-result.xlsx", "case-result.xlsx", "--lang", "zh", "-o", "zh.xlsx", cwd=outputs)
    assert run.returncode == 0, run.stdout
    wb = openpyxl.load_workbook(outputs / "zh.xlsx")
    assert wb.sheetnames[0] == "指标" and all(cjk.search(name) for name in wb.sheetnames)
    rows = list(wb["指标"].iter_rows(values_only=True))
    ids = next(i for i, r in enumerate(rows) if r and "kpi" in r)
    head = rows[ids + 1]
    assert head[:3] == ("分组", "说明", "单位") and "case (2) Δ" in head
    assert all(cjk.search(h) for h in head if h and not h.startswith("case"))
    total = next(r for r in rows if r[-1] == "total_cost_cny_per_yr")  # the KPI id stays, its name is Chinese
    assert total[1] == label("kpi:total_cost_cny_per_yr", "zh")
    page = outputs / "case-result-zh.html"
    run = planner("report", "case-result.xlsx", "--lang", "zh", "-o", page.name, cwd=outputs)
    assert run.returncode == 0, run.stdout
    html = page.read_text(encoding="utf-8")
    for title in ("主要结果", "地图", label("sheet:Charts", "zh"), label("sheet:Policy", "zh"),
                  label("sheet:Sites", "zh"), label("kpi:total_cost_cny_per_yr", "zh"),
                  label("policy:demand_served", "zh"), label("col:it_mw", "zh")):
        assert title in html, title
    assert '<html lang="zh-CN">' in html and 'data-kpi="total_cost_cny_per_yr"' in html
    assert html.count('src="data:image/png;base64,') >= 3  # the map and the charts
    helps = [" ".join(planner(command, "--help").stdout.split()) for command in ("compare", "report")]
    assert all("--lang" in h and "zh (Chinese)" in h for h in helps)
