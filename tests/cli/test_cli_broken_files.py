"""Broken input files and a closed stdout pipe through the real CLI (subprocesses): exit code 2 with one line that
names the file (and sheet) and the fix; the documented exit codes also when the reader of stdout goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import EXIT_INVALID, EXIT_OK
from xlsx_helpers import break_sheet_xml, delete_rows, encrypted_xlsx, valid_tables, write_plain, write_valid

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
PLANNER = [sys.executable, "-m", "planner"]


def planner(*args, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([*PLANNER, *map(str, args)], capture_output=True, text=True, env=ENV, cwd=cwd,
                            timeout=120)
    result.stdout += result.stderr
    return result




def words(text: str) -> str:
    return " ".join(text.split())


def test_damaged_sheet_exit_2_naming_file_sheet_and_fix(tmp_path):
    break_sheet_xml(write_valid(tmp_path, "case.xlsx"), "Sites")
    result = planner("validate", "case.xlsx", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    text = words(result.stdout)
    assert text.startswith("invalid: case.xlsx: sheet 'Sites' is damaged"), text
    assert "open it in Excel" in text and "Traceback" not in text


def test_damaged_sheet_solve_exit_2(tmp_path):
    break_sheet_xml(write_valid(tmp_path, "case.xlsx"), "Demand")
    result = planner("solve", "case.xlsx", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    assert "sheet 'Demand' is damaged" in words(result.stdout)
    assert not (tmp_path / "outputs" / "case-result.xlsx").exists()


def test_encrypted_workbook_exit_2_save_without_password(tmp_path):
    encrypted_xlsx(tmp_path / "locked.xlsx")
    result = planner("validate", "locked.xlsx", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    text = words(result.stdout)
    assert "locked.xlsx is encrypted" in text and "save it without a password" in text
    assert "zip" not in text


def test_twin_sheets_exit_2(tmp_path):
    tables = valid_tables()
    tables["Sites "] = tables["Sites"]
    write_plain(tmp_path / "twins.xlsx", tables)
    result = planner("validate", "twins.xlsx", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    assert "'Sites' and 'Sites ' are both read as Sites" in words(result.stdout)


def test_missing_units_row_exit_2(tmp_path):
    delete_rows(write_valid(tmp_path, "case.xlsx"), "Sites", 2)
    result = planner("validate", "case.xlsx", cwd=tmp_path)
    assert result.returncode == EXIT_INVALID, result.stdout
    assert "row 2 holds data" in words(result.stdout)


# ----------------------------------------------------------------------------------------------------------
# A closed pipe (`planner validate x.xlsx | head -1`)
# ----------------------------------------------------------------------------------------------------------
def first_line_then_close(args, cwd: Path) -> tuple[int, str, str]:
    """Run planner with stdout a pipe, read one line, close the pipe; (exit code, the line, stderr)."""
    process = subprocess.Popen([*PLANNER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                               cwd=cwd)
    line = process.stdout.readline().decode()
    process.stdout.close()
    err = process.stderr.read().decode()
    return process.wait(timeout=120), line, err


def many_sites(tables: dict, **columns) -> dict:
    """valid_tables() with 1200 sites (columns set as given): enough problems to overflow a pipe's buffer."""
    sites = tables["Sites"]
    tables["Sites"] = sites.loc[sites.index.repeat(400)].assign(site_id=[f"s{i}" for i in range(1200)], **columns)
    return tables


@pytest.fixture
def big_invalid(tmp_path):
    """An invalid workbook whose problem table is far larger than a pipe buffer (64 KiB)."""
    return write_plain(tmp_path / "bad.xlsx", many_sites(valid_tables(), module_mw=-1.0))


def test_closed_pipe_keeps_exit_2(big_invalid, tmp_path):
    code, line, err = first_line_then_close(["validate", big_invalid.name], tmp_path)
    assert line.startswith("invalid: bad.xlsx"), line
    assert code == EXIT_INVALID, err
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err


def test_closed_pipe_keeps_exit_0(tmp_path):
    # valid, with a warning per site (a price that looks like CNY/kWh) so that the output outlasts the pipe
    write_plain(tmp_path / "good.xlsx", many_sites(valid_tables(), grid_price_cny_per_mwh=0.4,
                                                   grid_price_profile=None))
    code, line, err = first_line_then_close(["validate", "good.xlsx"], tmp_path)
    assert line.startswith("valid:"), line
    assert code == EXIT_OK, err
    assert "Exception ignored" not in err


def test_shell_pipeline_head_keeps_exit_2(big_invalid, tmp_path):
    command = (f"set -o pipefail; {' '.join(PLANNER)} validate bad.xlsx | head -1; "
               'echo "planner exit ${PIPESTATUS[0]}"')
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=ENV, cwd=tmp_path,
                            timeout=120)
    assert result.stdout.splitlines()[0].startswith("invalid: bad.xlsx"), result.stdout
    assert result.stdout.splitlines()[-1] == f"planner exit {EXIT_INVALID}", result.stdout + result.stderr


def test_closed_pipe_solve_runs_on_and_writes_its_result(tmp_path):
    """The solve prints through a duplicate of stdout: a closed pipe must not stop it either."""
    from planner.examples import example_path

    code, line, err = first_line_then_close(["solve", str(example_path("quickstart")), "-o", "q.xlsx"], tmp_path)
    assert line, err
    assert code == EXIT_OK, err
    assert (tmp_path / "q.xlsx").is_file() and "Exception ignored" not in err
