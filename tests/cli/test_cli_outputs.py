"""What `planner solve` (and the other writing commands) print and write, as a user runs them: real subprocesses on
the built-in quickstart example (issue 26).

- user text (case name, site and demand names, file names) is printed literally, even with rich markup in it;
- the output is checked before solving: a folder that is a file or not writable, an OUTPUT that is a folder, an
  existing infeasibility report without --force (exit 4, naming the path given, nothing solved);
- a Ctrl-C after the result was written says the file is complete;
- hidden temporary files left by a killed write are removed by the next write to that folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from cli_run import ENV, planner, words

MARKUP_CASE = "odd [/] case [bold]x[/bold]"
MARKUP_SITE = "[bold]x[/bold] [/] site"


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".*")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory) -> Path:
    """inputs/qs.xlsx: the quickstart, copied by `planner example` as a user would."""
    root = tmp_path_factory.mktemp("outputs-project")
    result = planner("example", "quickstart", "inputs/qs.xlsx", cwd=root)
    if result.returncode != 0:
        pytest.skip(f"the quickstart example is not available: {result.stdout}")
    return root / "inputs" / "qs.xlsx"


def markup_copy(source: Path, target: Path, *, carbon_price: float | None = None) -> Path:
    """The quickstart with rich markup in its case name and in every site and demand name."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    for row in wb["Settings"].iter_rows(min_row=3):
        if row[0].value == "case_name":
            row[1].value = MARKUP_CASE
        if carbon_price is not None and row[0].value == "carbon_price_cny_per_tco2":
            row[1].value = carbon_price
    for sheet in ("Sites", "Demand"):
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index("name") + 1
        for r in range(3, ws.max_row + 1):
            if ws.cell(r, 1).value not in (None, ""):
                ws.cell(r, col).value = f"{MARKUP_SITE} {ws.cell(r, col).value}"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


# ----------------------------------------------------------------------------------------------------------
# 1. user text printed literally
# ----------------------------------------------------------------------------------------------------------
def test_markup_in_case_site_and_file_names_is_printed_literally(quickstart, tmp_path):
    markup_copy(quickstart, tmp_path / "[red]odd.xlsx")
    markup_copy(quickstart, tmp_path / "[bold]hc.xlsx", carbon_price=900)
    first = planner("solve", "[red]odd.xlsx", "-o", "out/[red]odd-result.xlsx", cwd=tmp_path)
    assert first.returncode == 0, first.stdout
    assert f"{MARKUP_CASE}: headline results" in first.stdout
    assert "✓ wrote      out/[red]odd-result.xlsx" in first.stdout and "Traceback" not in first.stdout
    assert (tmp_path / "out" / "[red]odd-result.xlsx").is_file()
    second = planner("solve", "[bold]hc.xlsx", "-o", "out/[bold]hc-result.xlsx", cwd=tmp_path)
    assert second.returncode == 0, second.stdout
    # compare prints the file labels as column headers and the (changed) sites by name
    compared = planner("compare", "out/[red]odd-result.xlsx", "out/[bold]hc-result.xlsx", "-o", "out/c.xlsx",
                       cwd=tmp_path)
    assert compared.returncode == 0, compared.stdout
    assert "[red]odd" in compared.stdout and "[bold]hc" in compared.stdout
    assert "Site decisions that changed" in compared.stdout and MARKUP_SITE in compared.stdout
    assert (tmp_path / "out" / "c.xlsx").is_file() and "Traceback" not in compared.stdout


# ----------------------------------------------------------------------------------------------------------
# 2. output checked before the solve
# ----------------------------------------------------------------------------------------------------------
def test_output_whose_folder_is_a_file_is_refused_before_solving(quickstart, tmp_path):
    (tmp_path / "notes").write_text("a file, not a folder")
    for output in ("notes/r.xlsx", "notes/sub/r.xlsx"):
        result = planner("solve", quickstart, "-o", output, cwd=tmp_path)
        assert result.returncode == 4, result.stdout
        assert f"error: cannot write {output}: notes is a file, not a folder" in words(result.stdout)
        assert "✓ read" not in result.stdout and "Traceback" not in result.stdout
    assert (tmp_path / "notes").read_text() == "a file, not a folder"


def test_output_that_is_a_folder_is_refused_even_with_force(quickstart, tmp_path):
    (tmp_path / "r.xlsx").mkdir()
    result = planner("solve", quickstart, "-o", "r.xlsx", "--force", cwd=tmp_path)
    assert result.returncode == 4, result.stdout
    assert "error: r.xlsx is a folder" in result.stdout and "✓ read" not in result.stdout


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write in (a read-only one; as root, where modes do not bind, /sys)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            fd, probe = tempfile.mkstemp(dir=candidate)
        except OSError:
            return candidate
        os.close(fd)
        os.unlink(probe)
    pytest.skip("no folder here that this process cannot write in")


@pytest.mark.parametrize("sub", ["", "new/"])
def test_unwritable_output_folder_is_refused_before_solving(quickstart, tmp_path, sub):
    folder = _unwritable_folder(tmp_path)
    output = f"{folder}/{sub}r.xlsx"
    try:
        for command in (["solve", quickstart, "-o", output], ["compare", quickstart, quickstart, "-o", output],
                        ["example", "quickstart", output], ["template", output]):
            result = planner(*command, cwd=tmp_path)
            assert result.returncode == 4, (command, result.stdout)
            text = words(result.stdout)
            assert f"error: cannot write {output}: the folder {folder}/{sub}".rstrip("/") in text, text
            assert "✓ read" not in text and "Traceback" not in text and ".r-" not in text
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_infeasibility_report_obeys_force(quickstart, tmp_path):
    """An existing outputs/<stem>-infeasibility.xlsx is refused before solving, like the result workbook; with
    --force an infeasible solve replaces it."""
    from report_cases import set_column

    set_column(quickstart, "Hubs", "pue_cap", 1.0, tmp_path / "strict.xlsx")
    report = tmp_path / "outputs" / "strict-infeasibility.xlsx"
    report.parent.mkdir()
    report.write_text("an earlier report")
    refused = planner("solve", "strict.xlsx", cwd=tmp_path)
    assert refused.returncode == 4, refused.stdout
    text = words(refused.stdout)
    assert "error: outputs/strict-infeasibility.xlsx already exists" in text and "--force" in text
    assert "✓ read" not in text and report.read_text() == "an earlier report"
    forced = planner("solve", "strict.xlsx", "--force", cwd=tmp_path)
    assert forced.returncode == 3, forced.stdout
    assert "✓ wrote      outputs/strict-infeasibility.xlsx" in forced.stdout
    assert report.read_bytes()[:2] == b"PK" and hidden(report.parent) == []
    assert not (tmp_path / "outputs" / "strict-result.xlsx").exists()


# ----------------------------------------------------------------------------------------------------------
# 3. the Ctrl-C message says whether the result was written
# ----------------------------------------------------------------------------------------------------------
def _interrupt_after(monkeypatch, tmp_path, write) -> tuple[int, str]:
    """Run the CLI's solve wrapper with stages that call `write(writes, out)` and then get a Ctrl-C."""
    import typer
    from rich.console import Console

    from planner.cli import commands

    out = tmp_path / "r.xlsx"

    def stages(con, path, out, *, writes, **kw):
        write(writes, out)
        raise KeyboardInterrupt

    from contextlib import contextmanager

    from planner.report import console as rc

    monkeypatch.setattr(commands, "solve_stages", stages)
    con = Console(file=open(tmp_path / "console.txt", "w"), width=200, highlight=False)
    @contextmanager
    def direct_console(base):
        yield con

    monkeypatch.setattr(rc, "direct_console", direct_console)
    monkeypatch.setattr(commands, "console", con)
    with pytest.raises(typer.Exit) as exit_info:
        commands.run_solve(tmp_path / "in.xlsx", out, time_limit=None, gap=None, force=False, solver_log=False)
    con.file.close()
    lines = (tmp_path / "console.txt").read_text()
    return exit_info.value.exit_code, words(lines)


def test_ctrl_c_before_writing_says_no_result(monkeypatch, tmp_path):
    code, text = _interrupt_after(monkeypatch, tmp_path, lambda writes, out: None)
    assert code == 130 and "interrupted: stopped, no result written to" in text


def test_ctrl_c_after_writing_says_the_file_is_complete(monkeypatch, tmp_path):
    from planner.cli import commands

    def write(writes, out):
        commands.write_stage(writes, out, lambda: out.write_text("complete"))

    code, text = _interrupt_after(monkeypatch, tmp_path, write)
    assert code == 130 and f"interrupted: stopped after the result was written: {tmp_path / 'r.xlsx'} is complete" \
        in text and "no result" not in text


def test_ctrl_c_between_the_rename_and_its_record_says_the_file_is_complete(monkeypatch, tmp_path):
    """The Ctrl-C lands inside the write, just after the atomic rename: the file is complete, and said so."""
    from planner.atomic import atomic_path
    from planner.cli import commands

    (tmp_path / "r.xlsx").write_text("an older result")

    def write_then_interrupt():
        with atomic_path(tmp_path / "r.xlsx") as tmp:
            tmp.write_text("the new result, longer")
        raise KeyboardInterrupt

    code, text = _interrupt_after(monkeypatch, tmp_path,
                                  lambda writes, out: commands.write_stage(writes, out, write_then_interrupt))
    assert code == 130 and "stopped after the result was written" in text


def test_ctrl_c_during_the_write_keeps_an_existing_file_and_says_no_result(monkeypatch, tmp_path):
    from planner.atomic import atomic_path
    from planner.cli import commands

    (tmp_path / "r.xlsx").write_text("an older result")

    def interrupted_write():
        with atomic_path(tmp_path / "r.xlsx") as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt

    code, text = _interrupt_after(monkeypatch, tmp_path,
                                  lambda writes, out: commands.write_stage(writes, out, interrupted_write))
    assert code == 130 and "no result written" in text
    assert (tmp_path / "r.xlsx").read_text() == "an older result" and hidden(tmp_path) == []


def test_ctrl_c_after_the_write_of_a_real_solve(quickstart, tmp_path):
    """A real solve, interrupted as soon as it reports the write: either it finished first (exit 0), or it exits
    130 saying the result is complete - never 'no result written' with the file there."""
    proc = subprocess.Popen([sys.executable, "-m", "planner", "solve", str(quickstart), "-o", "r.xlsx"],
                            cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "✓ wrote" in line:
            proc.send_signal(signal.SIGINT)
            break
    rest, _ = proc.communicate(timeout=120)
    out = "".join(lines) + rest
    assert proc.returncode in (0, 130), out
    assert (tmp_path / "r.xlsx").is_file() and "Traceback" not in out
    assert "no result written" not in out
    if proc.returncode == 130:
        assert "stopped after the result was written: r.xlsx is complete" in out


# ----------------------------------------------------------------------------------------------------------
# 4. debris of killed writes
# ----------------------------------------------------------------------------------------------------------
def _killed_writer(target: Path) -> Path:
    """Start a process that opens an atomic write of `target`, kill it with SIGKILL mid-write; its temporary file."""
    code = textwrap.dedent(f"""
        import sys, time
        from planner.atomic import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            tmp.write_bytes(b"PK half a workbook")
            print(tmp, flush=True)
            time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=ENV)
    tmp = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL and tmp.is_file() and tmp.parent == target.parent
    assert tmp.name.startswith(f".{target.stem}-")
    return tmp


def test_next_write_removes_the_debris_of_a_killed_write(quickstart, tmp_path):
    outputs = tmp_path / "outputs"
    other = _killed_writer(outputs / "other.xlsx")
    same = _killed_writer(outputs / "qs-result.xlsx")  # this write already removed the first one's debris
    assert not other.exists()
    users = outputs / ".qs-result-notes.xlsx"  # a user's own hidden file: not planner's pattern
    users.write_text("mine")
    assert hidden(outputs) == sorted([same.name, users.name])
    solved = planner("solve", quickstart, "--out-dir", outputs, cwd=tmp_path)
    assert solved.returncode == 0, solved.stdout
    assert (outputs / "qs-result.xlsx").read_bytes()[:2] == b"PK"
    assert hidden(outputs) == [users.name] and users.read_text() == "mine"


def test_a_cheap_write_to_the_folder_removes_debris_too(tmp_path):
    debris = _killed_writer(tmp_path / "inputs" / "case.xlsx")
    copied = planner("example", "quickstart", "inputs/other.xlsx", cwd=tmp_path)
    if copied.returncode != 0:
        pytest.skip(copied.stdout)
    assert not debris.exists() and (tmp_path / "inputs" / "other.xlsx").is_file()
    assert hidden(tmp_path / "inputs") == []


def test_a_live_write_is_left_alone(tmp_path):
    """Another process still writing: its temporary file is not debris."""
    target = tmp_path / "r.xlsx"
    code = textwrap.dedent(f"""
        import time
        from planner.atomic import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            print(tmp, flush=True)
            time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        tmp = Path(proc.stdout.readline().strip())
        from planner.atomic import atomic_path

        with atomic_path(tmp_path / "other.xlsx") as mine:
            mine.write_text("x")
        assert tmp.is_file()
    finally:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
