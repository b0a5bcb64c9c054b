"""Every command's exit codes: README.md and --help say what `planner.cli.EXIT_CODES` declares, and the commands
return them. Each documented non-zero code that is cheap to produce is produced here by a real subprocess
(`python -m planner ...`); no case is solved (solve's 1, 3 and 130 are in test_cli_solve.py, verify's 3 in
tests/results/test_verify.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner import cli
from planner.cli import commands, year_commands
from xlsx_helpers import write_valid
from cli_run import planner, words

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------------------------------------
# Documentation
# ----------------------------------------------------------------------------------------------------------
def test_readme_exit_code_tables_are_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- exit-codes:start -->\n(.*?)<!-- exit-codes:end -->", text, re.S)
    assert match, "README.md has no exit-codes markers"
    assert match.group(1) == cli.exit_codes_markdown(), (
        "README.md's exit codes are out of date: replace the text between the exit-codes markers with "
        "planner.cli.exit_codes_markdown()")


def test_every_command_declares_its_exit_codes():
    commands = {c.name or c.callback.__name__ for c in cli.app.registered_commands}
    assert commands == set(cli.EXIT_CODES)
    for command, codes in cli.EXIT_CODES.items():
        numbers = [code for code, _ in codes]
        assert numbers == sorted(set(numbers)) and numbers[0] == cli.EXIT_OK, command
        assert {cli.EXIT_INVALID, cli.EXIT_ERROR, cli.EXIT_INTERRUPTED} <= set(numbers), command


@pytest.mark.parametrize("command", sorted(cli.EXIT_CODES))
def test_help_lists_the_exit_codes(command, tmp_path):
    result = planner(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    text = words(result.stdout)
    for code, meaning in cli.EXIT_CODES[command]:
        assert words(f"{code} {meaning}".replace("`", "")) in text, (command, code)


# ----------------------------------------------------------------------------------------------------------
# Behaviour: (command, code, args, phrases the output must contain); {tmp} is the working folder
# ----------------------------------------------------------------------------------------------------------
USAGE = "Usage: planner"
CASES = [
    ("template", 2, ["x.csv"], [USAGE, "must end in .xlsx"]),
    ("template", 2, [], [USAGE, "Missing argument"]),
    ("template", 4, ["exists.xlsx"], ["error: exists.xlsx already exists; use --force"]),
    ("validate", 2, ["nope.xlsx"], ["invalid: nope.xlsx does not exist", "planner template nope.xlsx"]),
    ("validate", 2, ["folder"], ["invalid: folder is a folder, not a workbook"]),
    ("validate", 2, ["broken.xlsx"], ["invalid: broken.xlsx is not an .xlsx workbook", "save it as"]),
    ("validate", 2, ["bad.xlsx"], ["invalid: bad.xlsx", "max_it_mw is -20, must be > 0 MW", "1 error"]),
    ("validate", 2, ["case.xlsx", "--bogus"], [USAGE, "No such option"]),
    ("solve", 2, ["nope.xlsx"], ["invalid: nope.xlsx does not exist", "planner template nope.xlsx"]),
    ("solve", 2, ["broken.xlsx"], ["invalid: broken.xlsx is not an .xlsx workbook"]),
    ("solve", 2, ["bad.xlsx"], ["max_it_mw is -20, must be > 0 MW", "1 error"]),
    ("solve", 2, ["case.xlsx", "--gap", "2"], [USAGE, "--gap"]),
    ("solve", 2, ["case.xlsx", "--strategy", "fast"], [USAGE, "--strategy"]),
    ("solve", 2, ["case.xlsx", "-o", "out.csv"], [USAGE, "must end in .xlsx"]),
    ("solve", 2, ["case.xlsx", "-o", "r.xlsx", "--out-dir", "d"], [USAGE, "not both"]),
    ("solve", 4, ["case.xlsx", "-o", "exists.xlsx"], ["error: exists.xlsx already exists; use --force"]),
    ("solve", 4, ["case.xlsx", "-o", "case.xlsx", "--force"], ["error: case.xlsx is the input workbook"]),
    ("compare", 2, ["nope.xlsx", "case.xlsx"], ["invalid: nope.xlsx", "no such file"]),
    ("compare", 2, ["case.xlsx", "case.xlsx"], ["invalid: case.xlsx", "Summary", "planner solve case.xlsx"]),
    ("compare", 2, ["case.xlsx"], [USAGE, "give at least two result workbooks"]),
    ("compare", 2, ["case.xlsx", "case.xlsx", "-o", "out.csv"], [USAGE, "must end in .xlsx"]),
    ("compare", 2, ["case.xlsx", "case.xlsx", "--threshold", "2"], [USAGE, "--threshold"]),
    ("compare", 4, ["case.xlsx", "case.xlsx", "-o", "exists.xlsx"], ["error: exists.xlsx already exists"]),
    ("compare", 4, ["case.xlsx", "exists.xlsx", "-o", "exists.xlsx", "--force"],
     ["error: exists.xlsx is one of the result workbooks being compared"]),
    ("example", 2, ["nope"], ["invalid: unknown example 'nope'", "quickstart"]),
    ("example", 2, ["quickstart", "x.csv"], [USAGE, "must end in .xlsx"]),
    ("example", 4, ["quickstart", "exists.xlsx"], ["error: exists.xlsx already exists; use --force"]),
    ("report", 2, ["nope.xlsx"], ["invalid: nope.xlsx does not exist"]),
    ("report", 2, ["case.xlsx"], ["invalid: case.xlsx", "Summary", "planner solve case.xlsx"]),
    ("report", 2, ["case.xlsx", "-o", "out.pdf"], [USAGE, "must end in .html"]),
    ("report", 4, ["case.xlsx", "-o", "exists.html"], ["error: exists.html already exists; use --force"]),
    ("solve", 2, ["case.xlsx", "--set", "Sites[s1].max_it_mw=-20"], ["invalid: case.xlsx", "│ --set │",
                                                                    "Sites!F3 invalid", "change the override"]),
    ("sweep", 2, ["nope.xlsx"], ["invalid: nope.xlsx does not exist"]),
    ("sweep", 2, ["bad.xlsx"], ["max_it_mw is -20, must be > 0 MW", "1 error"]),
    ("sweep", 2, ["case.xlsx", "--workers", "0"], [USAGE, "--workers"]),
    ("sweep", 2, ["case.xlsx", "--set", "Hubs[zz].pue_cap=1"], ["invalid: case.xlsx", "│ --set │", "no row zz"]),
    ("pareto", 2, ["case.xlsx", "--points", "1"], [USAGE, "--points"]),
    ("pareto", 2, ["broken.xlsx"], ["invalid: broken.xlsx is not an .xlsx workbook"]),
    ("sensitivity", 2, ["case.xlsx", "--vary", "Sites.max_it_mw", "--by", "0"], [USAGE, "--by"]),
    ("sensitivity", 2, ["case.xlsx", "--vary", "Sitez.max_it_mw"], ["invalid: --vary", "is not an input sheet"]),
    ("aggregate", 2, ["nope.xlsx", "-o", "out.xlsx"], ["invalid: nope.xlsx does not exist"]),
    ("aggregate", 2, ["case.xlsx", "-o", "out.xlsx"], ["invalid:", "full year of 8760 hourly rows"]),
    ("aggregate", 2, ["case.xlsx", "--days", "0"], [USAGE, "--days"]),
    ("aggregate", 4, ["case.xlsx", "-o", "exists.xlsx"], ["error: exists.xlsx already exists; use --force"]),
    ("verify", 2, ["case.xlsx", "--year", "case.xlsx", "-o", "out.xlsx"], ["invalid: case.xlsx", "Summary"]),
    ("verify", 2, ["case.xlsx"], [USAGE, "--year"]),
    ("verify", 4, ["case.xlsx", "--year", "case.xlsx", "-o", "exists.xlsx"], ["error: exists.xlsx already exists"]),
]
IN_PROCESS = {(command, cli.EXIT_ERROR) for command in cli.EXIT_CODES}  # unexpected errors: see below
SLOW = {("solve", cli.EXIT_TIME_LIMIT), ("solve", cli.EXIT_INFEASIBLE), ("sweep", cli.EXIT_INFEASIBLE),
        ("pareto", cli.EXIT_INFEASIBLE), ("sensitivity", cli.EXIT_INFEASIBLE), ("verify", cli.EXIT_INFEASIBLE)} | {  # ... and test_cli_study.py, test_verify.py
    (command, cli.EXIT_INTERRUPTED) for command in cli.EXIT_CODES}  # test_cli_solve.py: solves, Ctrl-C


def test_every_documented_code_is_tested():
    documented = {(command, code) for command, codes in cli.EXIT_CODES.items() for code, _ in codes if code}
    produced = {(command, code) for command, code, _, _ in CASES} | IN_PROCESS
    assert documented - produced == SLOW


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A working folder: case.xlsx (valid), bad.xlsx (one error), broken.xlsx (not a workbook), exists.xlsx
    (any file), folder/ (a folder)."""
    root = tmp_path_factory.mktemp("exit-codes")
    write_valid(root, "case.xlsx")
    write_valid(root, "bad.xlsx", cells={"Sites": {"F4": -20}})
    (root / "broken.xlsx").write_text("not a workbook")
    (root / "exists.xlsx").write_bytes(b"mine")
    (root / "exists.html").write_text("mine")
    (root / "folder").mkdir()
    return root


def _case_id(case) -> str:
    command, code, args, _ = case
    return f"{command}-{code}-{'_'.join(args) or 'no-args'}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_exit_code(case, folder):
    command, code, args, phrases = case
    if command == "example" and code == cli.EXIT_ERROR:
        from planner.examples import example_path

        try:
            example_path("quickstart")
        except FileNotFoundError:
            pytest.skip("the packaged example workbooks are not built yet")
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    result = planner(command, *args, cwd=folder)
    assert result.returncode == code, result.stdout
    assert "Traceback" not in result.stdout
    text = words(result.stdout)
    for phrase in phrases:
        assert phrase in text, (phrase, result.stdout)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # nothing written or changed


# ----------------------------------------------------------------------------------------------------------
# Unexpected errors (a bug cannot be provoked from outside): exit 4 with one line; --debug adds the traceback
# ----------------------------------------------------------------------------------------------------------
COMMAND_ARGS = {"template": ["t.xlsx"], "validate": ["case.xlsx"], "solve": ["case.xlsx", "-o", "r.xlsx"],
                "compare": ["case.xlsx", "case.xlsx", "-o", "c.xlsx"], "example": ["quickstart", "e.xlsx"],
                "report": ["case.xlsx"], "sweep": ["case.xlsx"], "pareto": ["case.xlsx"],
                "sensitivity": ["case.xlsx", "--vary", "Sites.max_it_mw"],
                "aggregate": ["case.xlsx", "-o", "a.xlsx"], "verify": ["r.xlsx", "--year", "case.xlsx", "-o", "v.xlsx"]}
FAILING = {"template": "writable_target", "validate": "read_case", "solve": "existing_file",
           "compare": "comparison_target", "example": "example_workbook", "report": "existing_file",
           "sweep": "existing_file", "pareto": "existing_file", "sensitivity": "existing_file",
           "aggregate": "existing_file", "verify": "existing_file"}
MODULE = {"aggregate": year_commands, "verify": year_commands}  # where the command looks the name up


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("command", sorted(cli.EXIT_CODES))
def test_unexpected_error_exits_4_in_one_line(command, debug, monkeypatch, capsys, tmp_path):
    def fail(*args, **kwargs):
        raise RuntimeError("something broke")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(MODULE.get(command, commands), FAILING[command], fail)
    monkeypatch.setattr(commands, "skip_collection_at_exit", lambda: None)  # would freeze this test process' objects
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--debug"] * debug + [command, *COMMAND_ARGS[command]])
    out, err = capsys.readouterr()
    assert exit_.value.code == cli.EXIT_ERROR, out + err
    assert err.strip().splitlines()[-1] == "error: something broke"
    assert ("Traceback" in err) is debug
