"""The result workbook reference, generated from `planner.results.schema`.

One section per sheet: its description, a table of its columns (column, unit, description), the KPI rows of
the Summary and the items of the Run sheet. It is the "Result workbook reference" of README.md, between the
markers below; `tests/results/test_result_reference.py` fails when README.md is out of date.

    python -m planner.report.result_reference            # rewrite README.md's section between the markers
    python -m planner.report.result_reference --check    # exit 1 if README.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from planner.results.schema import (INFEASIBILITY_SHEETS, PERCENT, RESULT_SHEETS, SEE_UNIT, Column, Kpi, Sheet,
                                    Table)

START_MARKER = "<!-- result-reference:start -->"
END_MARKER = "<!-- result-reference:end -->"
README_PATH = Path("README.md")  # the repository's README, relative to where the command runs
HEADING = "## Result workbook reference"  # put before the markers when README.md has none yet

COLUMN_HEADERS = ("column", "unit", "description")
KPI_HEADERS = ("kpi", "section", "unit", "description")
ITEM_HEADERS = ("item", "unit", "description")

LAYOUT = (
    "Every table sheet holds the column names in row 1, the units in row 2 and the data from row 3; each column "
    "header carries its description as a comment. Summary has a title and the solver status first and no units "
    f"row (each row has its unit). Shares are stored as fractions (0-1) and shown as percentages: their unit "
    f"reads '{PERCENT}'. '{SEE_UNIT}': the row's own unit column gives the unit. `planner compare` reads the "
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
    return col.name, col.unit, col.description


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


def replace_section(text: str, section: str) -> str:
    """`text` with the part between the markers replaced by `section`; adds heading and markers if missing."""
    block = f"{START_MARKER}\n{section}{END_MARKER}"
    if START_MARKER in text and END_MARKER in text:
        head, rest = text.split(START_MARKER, 1)
        _, tail = rest.split(END_MARKER, 1)
        return head + block + tail
    sep = "" if text.endswith("\n") or not text else "\n"
    return f"{text}{sep}\n{HEADING}\n\n{block}\n"


def readme_section(text: str) -> str | None:
    """The current section between the markers of a README text, or None if the markers are missing."""
    if START_MARKER not in text or END_MARKER not in text:
        return None
    return text.split(START_MARKER, 1)[1].split(END_MARKER, 1)[0].lstrip("\n")


def update_readme(path: Path = README_PATH) -> bool:
    """Rewrite README.md's result workbook reference; returns True if the file changed."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    new = replace_section(old, result_reference_markdown())
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


def main(argv: list[str] | None = None) -> int:
    """`python -m planner.report.result_reference [--check] [README.md]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else README_PATH
    if check:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        ok = readme_section(text) == result_reference_markdown()
        print(f"{path}: result workbook reference is {'up to date' if ok else 'out of date'}")
        return 0 if ok else 1
    changed = update_readme(path)
    print(f"{path}: result workbook reference {'updated' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
