"""The `planner` command line: the commands (`commands`) and their exit codes (`exit_codes`)."""

from planner.cli.commands import app, main
from planner.cli import report_command  # noqa: F401  (registers `planner report` on the app)
from planner.cli import study_commands  # noqa: F401 - registers sweep, pareto and sensitivity on the app
from planner.cli import year_commands  # noqa: F401  registers `planner aggregate` and `planner verify`
from planner.cli.exit_codes import (
    EXIT_CODES,
    EXIT_ERROR,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_TIME_LIMIT,
    exit_codes_markdown,
)

__all__ = ["EXIT_CODES", "EXIT_ERROR", "EXIT_INFEASIBLE", "EXIT_INTERRUPTED", "EXIT_INVALID", "EXIT_OK",
           "EXIT_TIME_LIMIT", "app", "exit_codes_markdown", "main"]
