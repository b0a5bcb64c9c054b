"""The CLI as a real process, as the CLI tests run it: `planner(*args, cwd=...)` runs `python -m planner ARGS`
with a wide, colourless terminal and warnings shown; stdout and stderr together in .stdout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "PYTHONWARNINGS": "default"}


def planner(*args, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m planner ARGS` in `cwd`; stdout and stderr together in .stdout."""
    result = subprocess.run([sys.executable, "-m", "planner", *map(str, args)], capture_output=True, text=True,
                            env=ENV, cwd=cwd, timeout=timeout)
    result.stdout += result.stderr
    return result


def words(text: str) -> str:
    """The text with every run of whitespace one space (rich wraps long lines)."""
    return " ".join(text.split())
