"""The CLI as a newcomer meets it (real subprocesses): clean help, commands in the order they are used, one result
name per example, --out-dir (default: outputs/ next to the input), and honest progress when output is not a
terminal."""

from __future__ import annotations

import re


from report_cases import write_tiny_workbook
from cli_run import planner, words

COMMANDS = ("example", "template", "validate", "solve", "compare")


def test_help_has_clean_placeholders_and_commands_in_a_newcomers_order(tmp_path):
    top = planner("--help", cwd=tmp_path)
    assert top.returncode == 0
    listed = [m.group(1) for line in top.stdout.splitlines() if (m := re.match(r"\W*(\w+)\s{2,}\S", line))
              and m.group(1) in COMMANDS]
    assert listed == list(COMMANDS), top.stdout  # `example`, the first command a newcomer needs, first
    assert "planner example east-data-west" in words(top.stdout)
    for command in ("", "solve", "compare", "example"):  # between them every kind of parameter
        text = planner(*([command] if command else []), "--help", cwd=tmp_path).stdout
        for bad in ("<bool>", "<path>", "<str>", "<float>", "list[Path]", "{"):
            assert bad not in text, (command, bad, text)
    usage = planner("template", cwd=tmp_path)  # a missing argument: the usage line names it plainly
    assert usage.returncode == 2 and "planner template [OPTIONS] PATH" in usage.stdout, usage.stdout
    solve = words(planner("solve", "--help", cwd=tmp_path).stdout)
    assert "--out-dir DIR" in solve and "outputs/ folder next to INPUT" in solve and "--time-limit SECONDS" in solve


def test_the_builtin_example_and_its_copy_write_the_same_result_name(tmp_path):
    """Checked before solving: an existing result of that name is refused (exit 4) and named."""
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "east-data-west-result.xlsx").write_text("an earlier result")
    builtin = planner("solve", cwd=tmp_path)
    assert builtin.returncode == 4, builtin.stdout
    assert "outputs/east-data-west-result.xlsx already exists" in words(builtin.stdout)
    copied = planner("example", "east-data-west", cwd=tmp_path)
    assert copied.returncode == 0 and (tmp_path / "inputs" / "east-data-west.xlsx").is_file()
    (tmp_path / "inputs" / "outputs").mkdir()
    (tmp_path / "inputs" / "outputs" / "east-data-west-result.xlsx").write_text("an earlier result")
    again = planner("solve", "inputs/east-data-west.xlsx", cwd=tmp_path)
    assert again.returncode == 4, again.stdout
    assert "inputs/outputs/east-data-west-result.xlsx already exists" in words(again.stdout)


def test_out_dir_and_progress_without_a_terminal(tmp_path):
    """--out-dir puts the result there; -o and --out-dir together are a usage error. The site decomposition's
    stages come as plain lines (no spinner, no flood) with the time left, and the workbook names the method."""
    from planner.report.read_result import read_result_workbook

    case = write_tiny_workbook(tmp_path / "work" / "tiny.xlsx")
    both = planner("solve", case, "-o", "x.xlsx", "--out-dir", "elsewhere", cwd=tmp_path)
    assert both.returncode == 2 and "not both" in both.stdout and not (tmp_path / "x.xlsx").exists()
    result = planner("solve", case, "--out-dir", "results", "--strategy", "sites", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "results" / "tiny-result.xlsx").is_file()
    assert not (tmp_path / "work" / "outputs").exists()
    progress = [line for line in result.stdout.splitlines() if line.startswith("  solving")]
    assert progress and all(re.search(r"\d s of [\d,]+ s left", line) for line in progress), result.stdout
    assert any("bound: column generation" in line for line in progress), result.stdout
    assert len(progress) <= 12, result.stdout  # one line per stage, and at most one every 15 s
    assert "\r" not in result.stdout and "⠋" not in result.stdout  # no spinner frames in a pipe
    back = read_result_workbook(tmp_path / "results" / "tiny-result.xlsx")
    assert back.status["termination"].startswith("site decomposition")
    assert back.status["proven_optimal"] == (back.status["solver_status"] == "optimal")
    compared = planner("compare", "results/tiny-result.xlsx", "results/tiny-result.xlsx", "--out-dir", "cmp",
                       cwd=tmp_path)
    assert compared.returncode == 0, compared.stdout
    assert (tmp_path / "cmp" / "compare-tiny-vs-tiny2.xlsx").is_file()
    assert "no site decision or assignment changed" in compared.stdout and "nan" not in compared.stdout.lower()
