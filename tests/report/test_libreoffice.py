"""Result and comparison workbooks open in another spreadsheet program: LibreOffice converts them to PDF.

Skipped, with the reason shown, where LibreOffice is not installed (apt: libreoffice-calc-nogui).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from report_cases import tiny_case

SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install "
                                "libreoffice-calc-nogui): PDF conversion of result workbooks not checked")


def to_pdf(xlsx: Path, out_dir: Path) -> Path:
    profile = out_dir / "lo-profile"  # a private profile: no clash with a running LibreOffice or another test
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(out_dir), str(xlsx)],
        capture_output=True, text=True, timeout=240)
    pdf = out_dir / f"{xlsx.stem}.pdf"
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stderr.replace("javaldx", ""), result.stderr
    assert pdf.is_file() and pdf.stat().st_size > 10_000, result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    from planner.report.compare import compare_results, write_comparison_workbook
    from planner.report.result_workbook import write_result_workbook
    from planner.solve import solve_case

    tmp = tmp_path_factory.mktemp("lo")
    paths = []
    for label, price in (("base", 0.0), ("carbon", 300.0)):
        case = tiny_case(carbon_price=price, case_name=label)
        paths.append(write_result_workbook(solve_case(case), case, tmp / f"{label}-result.xlsx"))
    comparison = write_comparison_workbook(compare_results(paths), tmp / "comparison.xlsx")
    return tmp, paths[0], comparison


def test_result_workbook_converts_to_pdf(workbooks):
    tmp, result, _ = workbooks
    pdf = to_pdf(result, tmp)
    # every sheet prints: Summary .. Run, several pages
    assert pdf.read_bytes().count(b"/Type /Page") >= 8 or pdf.read_bytes().count(b"/Type/Page") >= 8


def test_comparison_workbook_converts_to_pdf(workbooks):
    tmp, _, comparison = workbooks
    to_pdf(comparison, tmp)
