"""README.md's two commands stay true: CI runs exactly README's test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _command(marker: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n```", text)
    assert match, f"README.md has no {marker} block"
    return match.group(1).strip()


def test_ci_runs_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _command("test-command") in ci.splitlines()


def test_main_command_solves_builtin_example_without_input():
    command = _command("main-command")
    assert command.endswith("planner solve")
    assert "pip install ." in command
