"""The result workbook reference, generated from `planner.results.schema`.

One section per sheet: its description, a table of its columns (column, unit, description), the KPI rows of
the Summary and the items of the Run sheet. It is the "Result workbook reference" of README.md, between the
markers below; `tests/results/test_result_reference.py` fails when README.md is out of date.

    python -m planner.report.result_reference            # rewrite README.md's section between the markers
    python -m planner.report.result_reference --check    # exit 1 if README.md is out of date
"""

from __future__ import annotations

import sys

from planner.generated_section import GeneratedSection
from planner.results.schema import (INFEASIBILITY_SHEETS, PERCENT, RESULT_SHEETS, SEE_UNIT, Column, Kpi, Sheet,
                                    Table)

START_MARKER = "<!-- result-reference:start -->"
END_MARKER = "<!-- result-reference:end -->"
HEADING = "## Result workbook reference"  # put before the markers when README.md has none yet

COLUMN_HEADERS = ("column", "unit (as shown)", "description")
KPI_HEADERS = ("kpi", "section", "unit", "description")
ITEM_HEADERS = ("item", "unit", "description")

LAYOUT = (
    "Every table is an Excel Table (banded rows, an autofilter on every column): a hidden row of column ids "
    "(the `column` names below, what `planner compare` reads), then the header row of readable labels with their "
    "units, e.g. 'IT capacity (MW)', then the data; each label carries its column's description as a comment. "
    "Sheets print landscape, fit to the page width, with the header row repeated. Summary has a title and the "
    "solver status first; each of its rows has its unit in the unit column. Money (CNY, CNY/yr) is stored as "
    "CNY in the model and shown in million CNY: its unit reads 'M CNY' / 'M CNY/yr' on the sheets and in the "
    f"console. Shares are stored as fractions (0-1) and shown as percentages: their unit reads '{PERCENT}'. "
    f"'{SEE_UNIT}': the row's own unit column gives the unit. Labels, sheet names, KPI names and policy texts "
    "come from one translation table, `planner/results/labels.csv`; `planner solve --lang zh` writes them in "
    "Chinese (ids stay). Overnight capex is the model's `site_capex` (capex coefficients x built capacities, "
    "before annualisation); `npv_cost_cny` is defined in the Summary rows below. `planner compare` reads the "
    "Summary, Sites, Assignments and Run sheets back."
)


def md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A markdown table; the first cell of each row as code."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join([f"`{row[0]}`"] + [md_cell(c) for c in row[1:]]) + " |")
    return lines


def column_reference(col: Column) -> tuple[str, str, str]:
    """One row of a table's reference, in the order of COLUMN_HEADERS."""
    return col.name, col.sheet_unit, col.description


def kpi_reference(kpi: Kpi) -> tuple[str, str, str, str]:
    """One KPI row of the Summary reference, as the sheet shows it (KPI_HEADERS)."""
    return kpi.name, kpi.section, kpi.sheet_unit, kpi.sheet_description


def table_markdown(table: Table, *, block: bool) -> list[str]:
    """A table's columns, the values of columns that have a fixed set, and its declared rows."""
    lines = [f"Data block *{table.name}*: {table.description}", ""] if block else []
    lines += md_table(COLUMN_HEADERS, [column_reference(c) for c in table.columns])
    for col in table.columns:
        if col.values:
            lines += ["", f"Values of `{col.name}`:", ""]
            lines += md_table((col.name, "meaning"), list(col.values))
    if table.rows and all(isinstance(r, Kpi) for r in table.rows):
        lines += ["", "Rows, in order:", ""]
        lines += md_table(KPI_HEADERS, [kpi_reference(r) for r in table.rows if isinstance(r, Kpi)])
    elif table.rows:
        lines += ["", "Items, in order:", ""]
        lines += md_table(ITEM_HEADERS, [column_reference(r) for r in table.rows])
    return lines


def sheet_markdown(sheet: Sheet) -> str:
    """The markdown reference of one sheet: heading, description, its tables."""
    lines = [f"#### `{sheet.name}` sheet", "", sheet.description]
    for table in sheet.tables:
        lines += [""] + table_markdown(table, block=len(sheet.tables) > 1 or table.name != sheet.name)
    return "\n".join(lines)


def result_reference_markdown() -> str:
    """The whole generated section (without the markers)."""
    parts = ["_Generated from `planner/results/schema.py` by `python -m planner.report.result_reference`; do not "
             "edit by hand._", "", LAYOUT, "", f"Sheets: {', '.join(s.name for s in RESULT_SHEETS)}.", ""]
    parts += [sheet_markdown(sheet) + "\n" for sheet in RESULT_SHEETS]
    own = [s for s in INFEASIBILITY_SHEETS if s.name not in {r.name for r in RESULT_SHEETS}]
    parts += [f"An infeasible case gets `outputs/<input-stem>-infeasibility.xlsx` instead, with the sheets "
              f"{', '.join(s.name for s in INFEASIBILITY_SHEETS)} (Inputs and Run as above).", ""]
    parts += [sheet_markdown(sheet) + "\n" for sheet in own]
    return "\n".join(parts).rstrip() + "\n"


SECTION = GeneratedSection("result workbook reference", START_MARKER, END_MARKER, HEADING, result_reference_markdown)
readme_section, update_readme, main = SECTION.readme_section, SECTION.update_readme, SECTION.main


if __name__ == "__main__":
    sys.exit(main())
