"""The result workbook and the infeasibility report print as a client would print them: LibreOffice converts them
to PDF, and each sheet fits the pages it should (fit to width, landscape, rows tall enough for wrapped text).

Skipped, with the reason shown, where LibreOffice is not installed (apt: libreoffice-calc-nogui).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

from report_cases import tiny_case

SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install "
                                "libreoffice-calc-nogui): printed pages of result workbooks not checked")


def keep_sheets(path, names, out):
    """A copy of the workbook with only the sheets `names` (each converts to its own pages)."""
    wb = openpyxl.load_workbook(path)
    for ws in list(wb.worksheets):
        if ws.title not in names:
            del wb[ws.title]
    wb.save(out)
    return out


def page_counts(paths, out_dir) -> dict[str, int]:
    profile = out_dir / "lo-profile"
    run = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                          "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, paths)],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout + run.stderr
    return {p.stem: len(re.findall(rb"/Type\s*/Page[^s]", (out_dir / f"{p.stem}.pdf").read_bytes()))
            for p in paths}


def test_summary_tables_and_infeasibility_report_each_print_on_one_page(tmp_path):
    from planner.report.result_workbook import write_infeasibility_workbook, write_result_workbook
    from planner.solve import solve_case

    case = tiny_case()
    result = write_result_workbook(solve_case(case), case, tmp_path / "tiny-result.xlsx")
    bad = tiny_case(pue_cap=1.0)
    report = write_infeasibility_workbook(solve_case(bad), bad, tmp_path / "tiny-infeasibility.xlsx")
    sheets = ("Summary", "Hubs", "Investment", "Assignments", "Policy")
    paths = [keep_sheets(result, {name}, tmp_path / f"{name}.xlsx") for name in sheets]
    paths.append(keep_sheets(report, {"Infeasibility"}, tmp_path / "Infeasibility.xlsx"))
    assert page_counts(paths, tmp_path) == {name: 1 for name in (*sheets, "Infeasibility")}


def test_comparison_workbook_sheets_print_on_their_pages_in_both_languages(tmp_path):
    """The comparison workbook of two solves of the tiny case, each sheet converted on its own: the KPIs on at most
    two landscape pages (about 65 rows, the header repeated), every other sheet on one; in Chinese, the whole
    workbook on as many pages as in English."""
    from planner.report.compare import build_comparison_workbook, compare_results
    from planner.report.result_workbook import write_result_workbook
    from planner.solve import solve_case

    paths = []
    for label, price in (("base", 0.0), ("carbon", 300.0)):
        case = tiny_case(carbon_price=price, case_name=label)
        paths.append(write_result_workbook(solve_case(case), case, tmp_path / f"{label}-result.xlsx"))
    c = compare_results(paths, threshold=0.0)
    zh = build_comparison_workbook(c, "zh")
    files, sheets = [tmp_path / "zh.xlsx"], {}
    zh.save(files[0])
    wb = build_comparison_workbook(c, "en")  # in memory: its charts are kept (openpyxl drops them on loading)
    for i, ws in enumerate(wb.worksheets):  # one file per sheet, the others hidden (not printed)
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, ws.title
        for other in wb.worksheets:
            other.sheet_state = "visible" if other is ws else "hidden"
        wb.active = i
        files.append(tmp_path / f"en-{i}.xlsx")
        wb.save(files[-1])
        sheets[files[-1].stem] = ws.title
    pages = page_counts(files, tmp_path)
    en = {sheets[k]: v for k, v in pages.items() if k != "zh"}
    assert en == {**dict.fromkeys(en, 1), "KPIs": en["KPIs"]} and en["KPIs"] <= 2, en
    assert pages["zh"] == sum(en.values()) and len(en) == len(zh.sheetnames) == 7
    assert wb["KPIs"].print_title_rows and all(ws.sheet_properties.pageSetUpPr.fitToPage for ws in zh.worksheets)
