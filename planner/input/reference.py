"""The workbook reference, generated from `planner.input.schema`.

One table per sheet (column, type, unit, required/default, allowed values/reference, description). The same
rows feed the README sheet of every written workbook and the "Workbook reference" section of README.md.

    python -m planner.input.reference            # rewrite README.md's section between the markers
    python -m planner.input.reference --check    # exit 1 if README.md is out of date
"""

from __future__ import annotations

import sys
from typing import Any

from planner.generated_section import GeneratedSection
from planner.input.schema import (
    FIRST_DATA_ROW, HEADER_ROW, PROFILE_UNITS, SHEETS, UNIT_ROW, WORKFLOW, Column, Sheet,
)

START_MARKER = "<!-- workbook-reference:start -->"
END_MARKER = "<!-- workbook-reference:end -->"

REFERENCE_HEADERS = ("column", "type", "unit", "required / default", "allowed values / reference", "description")

TYPE_NAMES = {"id": "id (text)", "str": "text", "float": "number", "int": "whole number", "bool": "yes/no"}

WORKFLOW_STEPS = ("0. planner template <workbook>  - writes an input workbook with example rows and a README sheet.",
                  *WORKFLOW)

LAYOUT = (
    f"Row {HEADER_ROW} holds the column names, row {UNIT_ROW} the units, data starts on row {FIRST_DATA_ROW}. "
    "Ids are matched after trimming spaces; numbers may be typed as text; blank rows are ignored. "
    "Settings has one row per setting (name, value, unit). Profiles has the columns day, hour, weight_days and "
    "then one column per profile id, with the profile's unit in row 2."
)


def format_value(value: Any) -> str:
    """A schema value (default, bound) as short text: 0.08, 3e+08, yes/no for bools."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def requirement(col: Column) -> str:
    """'required', 'optional' or 'optional, default X'."""
    if col.required:
        return "required"
    return "optional" if col.default is None else f"optional, default {format_value(col.default)}"


def bounds(col: Column) -> str:
    """The column's hard range as text, e.g. '> 0', '>= 0 and <= 1', '' if unbounded."""
    parts = []
    if col.min is not None:
        parts.append(f"{'>' if col.min_exclusive else '>='} {format_value(col.min)}")
    if col.max is not None:
        parts.append(f"<= {format_value(col.max)}")
    return " and ".join(parts)


def allowed(col: Column) -> str:
    """Allowed values or reference of a column, as text."""
    if col.choices:
        return ", ".join(col.choices)
    if col.ref == "Profiles":
        unit = f" with unit {col.profile_unit}" if col.profile_unit else ""
        return f"a profile id (Profiles row {HEADER_ROW}){unit}"
    if col.ref:
        return f"an id in {col.ref}"
    return " and ".join(part for part in (bounds(col), hard_limit(col)) if part)


def hard_limit(col: Column) -> str:
    """The limit beyond which a number is an error because the model could not represent it, as text; '' where
    the column's own range is tighter."""
    limit = col.limit
    if limit is None or (col.max is not None and col.max <= limit):
        return ""
    if col.min is None:
        return f">= {format_value(-limit)} and <= {format_value(limit)}"
    return f"<= {format_value(limit)}"


def column_reference(col: Column) -> tuple[str, ...]:
    """One row of a sheet's reference table, in the order of REFERENCE_HEADERS."""
    return (col.name, TYPE_NAMES[col.dtype], col.unit, requirement(col), allowed(col), col.description)


def sheet_notes(sheet: Sheet) -> list[str]:
    """Sentences about a sheet beyond its description: optional, unique key, minimum rows, profile units."""
    notes = [sheet.description]
    if not sheet.required:
        notes.append("Optional sheet: leave it empty (or delete it) if not needed.")
    if sheet.key:
        notes.append(f"Each {' + '.join(sheet.key)} must be unique.")
    if sheet.kind == "settings":
        notes.append("Each row below is a setting (the 'column' is the setting's name).")
    if sheet.kind == "profiles":
        units = "; ".join(f"'{u.unit}' = {u.meaning}" for u in PROFILE_UNITS.values())
        notes.append(f"Profile units (row {UNIT_ROW}): {units}.")
    return notes


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def sheet_markdown(sheet: Sheet) -> str:
    """The markdown reference of one sheet: heading, notes, column table."""
    lines = [f"### {sheet.name}", "", " ".join(sheet_notes(sheet)), ""]
    lines.append("| " + " | ".join(REFERENCE_HEADERS) + " |")
    lines.append("|" + "---|" * len(REFERENCE_HEADERS))
    for col in sheet.columns:
        row = column_reference(col)
        lines.append("| " + " | ".join([f"`{row[0]}`"] + [_md_cell(c) for c in row[1:]]) + " |")
    return "\n".join(lines)


def workbook_reference_markdown() -> str:
    """The whole generated section (without the markers)."""
    parts = ["_Generated from `planner/input/schema.py` by `python -m planner.input.reference`; do not edit by hand._", "",
             LAYOUT, "", "Workflow:", ""]
    parts += [f"    {step}" for step in WORKFLOW_STEPS]
    parts.append("")
    parts += [sheet_markdown(sheet) + "\n" for sheet in SHEETS]
    return "\n".join(parts).rstrip() + "\n"


SECTION = GeneratedSection("workbook reference", START_MARKER, END_MARKER, "## Workbook reference",
                           workbook_reference_markdown)
readme_section, update_readme, main = SECTION.readme_section, SECTION.update_readme, SECTION.main


if __name__ == "__main__":
    sys.exit(main())
