"""The result workbook reference in README.md is exactly what planner.report.result_reference generates from
the result schema."""

from __future__ import annotations

from pathlib import Path

from planner.input import reference as input_docs
from planner.report import result_reference as docs
from planner.results.schema import INFEASIBILITY_SHEETS, RESULT_SHEETS, RUN, SUMMARY_ROWS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_result_reference_is_in_sync():
    text = README.read_text(encoding="utf-8")
    assert docs.readme_section(text) == docs.result_reference_markdown(), (
        "README.md's result workbook reference is out of date: run `python -m planner.report.result_reference`")


def test_reference_has_every_sheet_column_kpi_and_run_item():
    text = docs.result_reference_markdown()
    for sheet in RESULT_SHEETS + INFEASIBILITY_SHEETS:
        assert f"#### `{sheet.name}` sheet" in text
        for table in sheet.tables:
            for col in table.columns:
                assert f"| `{col.name}` | {col.unit} | " in text, f"{sheet.name}.{col.name}"
    for kpi in SUMMARY_ROWS:
        assert f"| `{kpi.name}` | {kpi.section} | {kpi.sheet_unit} | {kpi.sheet_description} |" in text
    for item in RUN.rows:
        assert f"| `{item.name}` | {item.unit} | " in text
    assert "| `green_share` | Emissions and green power | % | " in text  # shares read '%', as on the sheet


def test_the_two_references_keep_to_their_own_markers():
    text = README.read_text(encoding="utf-8")
    result_part = docs.readme_section(text)
    assert input_docs.START_MARKER not in result_part and docs.START_MARKER not in input_docs.readme_section(text)
    assert text.index(docs.END_MARKER) < text.index(input_docs.START_MARKER)  # after "### The result workbook"


def test_update_adds_markers_and_keeps_the_rest(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# title\n\nintro\n")
    assert docs.update_readme(readme)
    text = readme.read_text()
    assert text.startswith("# title\n\nintro\n") and docs.START_MARKER in text and docs.END_MARKER in text
    assert docs.HEADING in text
    assert not docs.update_readme(readme)  # second run: nothing to change
    assert docs.main(["--check", str(readme)]) == 0
    readme.write_text(text.replace("#### `Sites` sheet", "#### `Sitez` sheet") + "\n## After\n")
    assert docs.main(["--check", str(readme)]) == 1
    assert docs.update_readme(readme)
    assert "#### `Sites` sheet" in readme.read_text() and readme.read_text().endswith("\n## After\n")
    assert docs.main(["--check", str(readme)]) == 0
