"""The workbook reference: a table per input sheet with each column's unit, requirement and rule (README.md holds
it: tests/test_generated_sections.py)."""

from __future__ import annotations


from planner.input import reference as docs
from planner.input.schema import SHEETS



def test_reference_has_a_table_per_sheet_with_every_column():
    text = docs.workbook_reference_markdown()
    for sheet in SHEETS:
        assert f"### {sheet.name}" in text
        for col in sheet.columns:
            assert f"| `{col.name}` | " in text


def test_reference_rows_show_unit_requirement_and_reference():
    row = dict(zip(docs.REFERENCE_HEADERS, docs.column_reference(
        next(s for s in SHEETS if s.name == "Sites").column("hub_id"))))
    assert row["allowed values / reference"] == "an id in Hubs.hub_id" and row["required / default"] == "required"
    sites = next(s for s in SHEETS if s.name == "Sites")
    # the column's own range, then the limit beyond which the model could not represent the number
    assert docs.column_reference(sites.column("max_it_mw"))[2:5] == ("MW", "required", "> 0 and <= 1e+06")
    assert docs.requirement(sites.column("must_open")) == "optional, default no"
