"""The command line as a user runs it: real subprocesses `python -m planner ...`, exit codes, no tracebacks."""

from __future__ import annotations


import pytest

from planner import __version__
from xlsx_helpers import add_excel_extensions, write_valid
from cli_run import planner


def test_version():
    result = planner("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"planner {__version__}"


@pytest.mark.parametrize("command", [[], ["template"], ["validate"]], ids=["planner", "template", "validate"])
def test_help_on_every_command(command):
    result = planner(*command, "--help")
    assert result.returncode == 0, result.stdout
    assert "Usage" in result.stdout and "Traceback" not in result.stdout
    if command == ["validate"]:
        assert "exit code 2" in result.stdout and "CNY/MWh" in result.stdout


def test_template_then_validate(tmp_path):
    result = planner("template", "inputs/my-case.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "inputs" / "my-case.xlsx").exists()
    result = planner("validate", "inputs/my-case.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == ("valid: 1 site in 1 hub, 1 demand region, 2 cooling technologies, "
                                     "1 representative day (24 h) of profiles; 2 scenarios of the Scenarios sheet valid")


def test_template_does_not_overwrite_without_force(tmp_path):
    path = tmp_path / "case.xlsx"
    path.write_bytes(b"mine")
    result = planner("template", path)
    assert result.returncode == 4 and "--force" in result.stdout and "Traceback" not in result.stdout
    assert path.read_bytes() == b"mine"
    assert planner("template", path, "--force").returncode == 0


def test_invalid_workbook_prints_problem_table_and_exits_2(tmp_path):
    path = write_valid(tmp_path, cells={"Sites": {"F4": -20, "B5": "nowhere"}, "Cooling": {"C4": 3.5}})
    result = planner("validate", path)
    assert result.returncode == 2, result.stdout
    out = result.stdout
    assert "Traceback" not in out
    for text in ("severity", "sheet", "cell", "problem", "fix", "F4", "max_it_mw is -20, must be > 0 MW", "B5",
                 "hub_id 'nowhere' is not a hub_id in Hubs", "warning", "C4"):
        assert text in out, text
    assert "2 errors, 2 warnings" in out  # + hub east has no sites left


def test_valid_workbook_with_warnings_lists_them(tmp_path):
    path = add_excel_extensions(write_valid(tmp_path, cells={"Cooling": {"C4": 3.5}}))
    result = planner("validate", path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("valid: 3 sites in 2 hubs") and "0 errors, 1 warning" in result.stdout
    assert "UserWarning" not in result.stdout and "extension is not supported" not in result.stdout


def test_missing_file_is_one_line_exit_2_naming_the_fix(tmp_path):
    """A missing workbook is the kind of input problem validate reports: exit 2, one line with the fix."""
    result = planner("validate", tmp_path / "nope.xlsx")
    assert result.returncode == 2, result.stdout
    assert result.stdout.strip().splitlines() == [
        f"invalid: {tmp_path / 'nope.xlsx'} does not exist; check the path, or write a new input workbook there "
        f"with: planner template {tmp_path / 'nope.xlsx'}"]


def test_broken_file_exit_2_and_debug_adds_traceback_same_code(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_text("not a workbook")
    result = planner("validate", path)
    assert result.returncode == 2 and result.stdout.startswith("invalid:") and "Traceback" not in result.stdout
    assert "is not an .xlsx workbook" in result.stdout and "save it as" in result.stdout
    debug = planner("--debug", "validate", path)
    assert debug.returncode == 2 and "Traceback" in debug.stdout and "is not an .xlsx workbook" in debug.stdout
