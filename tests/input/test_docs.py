"""The workbook reference in README.md is exactly what planner.input.reference generates from the schema."""

from __future__ import annotations

from pathlib import Path

from planner.input import reference as docs
from planner.input.schema import SHEETS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_workbook_reference_is_in_sync():
    text = README.read_text(encoding="utf-8")
    assert docs.readme_section(text) == docs.workbook_reference_markdown(), (
        "README.md's workbook reference is out of date: run `python -m planner.input.reference`")


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


def test_update_adds_markers_and_keeps_the_rest(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# title\n\nintro\n")
    assert docs.update_readme(readme)
    text = readme.read_text()
    assert text.startswith("# title\n\nintro\n") and docs.START_MARKER in text and docs.END_MARKER in text
    assert not docs.update_readme(readme)  # second run: nothing to change
    readme.write_text(text.replace("### Hubs", "### Hubz") + "\n## After\n")
    assert docs.update_readme(readme)
    assert "### Hubs" in readme.read_text() and readme.read_text().endswith("\n## After\n")
    assert docs.main(["--check", str(readme)]) == 0
