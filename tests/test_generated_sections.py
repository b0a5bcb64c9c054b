"""README.md's generated references (`planner.generated_section`): each is exactly what its schema generates,
and updating one adds its heading and markers, keeps the rest of the file and is checked by `--check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.input import reference as input_reference
from planner.report import result_reference

README = Path(__file__).resolve().parents[1] / "README.md"
# each generated section, with a heading inside it to damage
SECTIONS = [pytest.param(input_reference, "### Hubs", id="workbook"),
            pytest.param(result_reference, "#### `Sites` sheet", id="result-workbook")]


@pytest.mark.parametrize("docs, heading", SECTIONS)
def test_readme_section_is_in_sync(docs, heading):
    text = README.read_text(encoding="utf-8")
    assert docs.readme_section(text) == docs.SECTION.markdown(), (
        f"README.md's {docs.SECTION.name} is out of date: run `python -m {docs.__name__}`")


@pytest.mark.parametrize("docs, heading", SECTIONS)
def test_update_adds_markers_and_keeps_the_rest(tmp_path, docs, heading):
    readme = tmp_path / "README.md"
    readme.write_text("# title\n\nintro\n")
    assert docs.update_readme(readme)
    text = readme.read_text()
    assert text.startswith("# title\n\nintro\n") and docs.START_MARKER in text and docs.END_MARKER in text
    assert docs.SECTION.heading in text
    assert not docs.update_readme(readme)  # second run: nothing to change
    assert docs.main(["--check", str(readme)]) == 0
    readme.write_text(text.replace(heading, heading + "z") + "\n## After\n")
    assert docs.main(["--check", str(readme)]) == 1
    assert docs.update_readme(readme)
    assert heading + "z" not in readme.read_text() and readme.read_text().endswith("\n## After\n")
    assert docs.main(["--check", str(readme)]) == 0


def test_the_two_references_keep_to_their_own_markers():
    text = README.read_text(encoding="utf-8")
    result_part = result_reference.readme_section(text)
    assert input_reference.START_MARKER not in result_part
    assert result_reference.START_MARKER not in input_reference.readme_section(text)
    # the result reference stands after "### The result workbook", before the workbook reference
    assert text.index(result_reference.END_MARKER) < text.index(input_reference.START_MARKER)
