"""The result workbook reference covers every sheet, column, KPI and Run item of the result schema (README.md
holds it: tests/test_generated_sections.py)."""

from __future__ import annotations


from planner.report import result_reference as docs
from planner.results.schema import INFEASIBILITY_SHEETS, RESULT_SHEETS, RUN, SUMMARY_ROWS



def test_reference_has_every_sheet_column_kpi_and_run_item():
    text = docs.result_reference_markdown()
    for sheet in RESULT_SHEETS + INFEASIBILITY_SHEETS:
        assert f"#### `{sheet.name}` sheet" in text
        for table in sheet.tables:
            for col in table.columns:
                assert f"| `{col.name}` | {col.sheet_unit} | " in text, f"{sheet.name}.{col.name}"
    for kpi in SUMMARY_ROWS:
        assert f"| `{kpi.name}` | {kpi.section} | {kpi.sheet_unit} | {kpi.sheet_description} |" in text
    for item in RUN.rows:
        assert f"| `{item.name}` | {item.unit} | " in text
    assert "| `green_share` | Emissions and green power | % | " in text  # shares read '%', as on the sheet
    assert "| `cost_cny` | M CNY/yr | " in text  # money as the sheets show it
    assert "| `npv_cost_cny` | Investment | M CNY | Net present value of the plan's cost over the study lifetime" in text
