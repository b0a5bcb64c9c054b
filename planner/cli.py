"""The `planner` command line (typer).

Adding a command is one decorated function:

    @app.command()
    def solve(path: Path = WORKBOOK_ARG) -> None:
        '''Help text.'''
        case = read_case(path)          # prints every problem and exits 2 if the workbook is invalid
        ...

Shared behaviour lives in `main()`: `CaseInvalid` anywhere -> problem table, exit 2; `CliError` or any other
exception -> one red line, exit 4 (`planner --debug ...` shows the traceback instead).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from planner import __version__
from planner.case import Case
from planner.schema import WORKFLOW, Problem

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_ERROR = 4

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
_state = {"debug": False}


class CliError(Exception):
    """An expected failure: printed as one line (no traceback), exit code 4."""


WORKFLOW_HELP = "\n\n".join(WORKFLOW)

app = typer.Typer(
    name="planner",
    help=(
        "Plan green data-centre sites and capacity (East Data, West Computing) with a MILP.\n\n"
        "Inputs are one Excel workbook: row 1 column names, row 2 units, data from row 3 (see its README "
        "sheet). Costs in CNY, power in MW, energy in MWh, latency in ms, emissions in tCO2.\n\n"
        f"Workflow:\n\n{WORKFLOW_HELP}"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

WORKBOOK_ARG = typer.Argument(..., metavar="PATH", help="Input workbook (.xlsx).", show_default=False)


# ----------------------------------------------------------------------------------------------------------
# Shared helpers (for every command)
# ----------------------------------------------------------------------------------------------------------
def problem_table(problems: Iterable[Problem], title: str | None = None) -> Table:
    """Problems as a rich table: severity, sheet, cell, problem, fix (errors first, order found)."""
    table = Table(title=title, show_lines=False, header_style="bold", expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("sheet", no_wrap=True)
    table.add_column("cell", no_wrap=True)
    table.add_column("problem", ratio=3)
    table.add_column("fix", ratio=2)
    for p in sorted(problems, key=lambda p: p.severity != "error"):
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(Text(p.severity, style=style), Text(p.sheet), Text(p.cell), Text(p.message), Text(p.fix))
    return table


def count_line(problems: Sequence[Problem], source: str = "") -> str:
    """'3 errors, 1 warning in x.xlsx'."""
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    where = f" in {source}" if source else ""
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}{where}"


def print_problems(problems: Sequence[Problem], source: str = "") -> None:
    """Print a problem table and its count line (nothing if there are no problems)."""
    if problems:
        console.print(problem_table(problems))
        say(count_line(problems, source))


def say(text: str, markup: str = "") -> None:
    """Print one plain line (never wrapped, no markup interpretation); `markup` is a rich prefix."""
    console.print(f"{markup}{escape(text)}", soft_wrap=True)


def existing_file(path: Path) -> Path:
    """`path` if it is a file, else CliError."""
    if not path.exists():
        raise CliError(f"{path} does not exist")
    if not path.is_file():
        raise CliError(f"{path} is not a file")
    return path


def read_case(path: Path) -> Case:
    """Load and validate a workbook; invalid input propagates as CaseInvalid (table + exit 2 in main)."""
    from planner.validate import load_case

    return load_case(existing_file(path))


def writable_target(path: Path, force: bool) -> Path:
    """`path` if it may be written (absent, or --force given)."""
    if path.exists() and not force:
        raise CliError(f"{path} already exists; use --force to overwrite it")
    if path.suffix.lower() != ".xlsx":
        raise CliError(f"{path} must end in .xlsx")
    return path


# ----------------------------------------------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------------------------------------------
def _version(value: bool) -> None:
    if value:
        console.print(f"planner {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the planner version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show full Python tracebacks on errors."),
) -> None:
    """Global options."""
    _state["debug"] = debug


TEMPLATE_HELP = (
    "Write an input workbook template to fill in Excel.\n\n"
    "Every sheet has its column names (row 1), units (row 2: MW, MWh, CNY, CNY/MWh, tCO2/MWh, ms, ...), one grey "
    "example row to overwrite, dropdowns for yes/no, east/west and the ids of other sheets, and a README sheet "
    "explaining every column. The template validates as written.\n\n"
    "Next: fill it in Excel, then run: planner validate PATH"
)

VALIDATE_HELP = (
    "Check an input workbook and list every problem.\n\n"
    "Valid: prints a one-line summary (exit code 0). Invalid: prints a table of every problem with its sheet, "
    "cell, what is wrong and how to fix it (exit code 2).\n\n"
    "Warnings (a price that looks like CNY/kWh where CNY/MWh is expected, a PUE above 3, an unknown column) do "
    "not make the workbook invalid. The file is only read, never changed."
)


@app.command(help=TEMPLATE_HELP)
def template(
    path: Path = typer.Argument(..., metavar="PATH", help="Where to write the template, e.g. "
                                "inputs/my-case.xlsx (folders are created).", show_default=False),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite PATH if it exists."),
) -> None:
    """Write the template."""
    from planner.workbook import write_template

    written = write_template(writable_target(path, force))
    say(f"wrote {written}")
    say(f"next: fill the sheets in Excel (replace the grey example rows), then run: planner validate {written}")


@app.command(help=VALIDATE_HELP)
def validate(path: Path = WORKBOOK_ARG) -> None:
    """Validate a workbook."""
    case = read_case(path)
    say(f"valid: {case.summary()}")
    print_problems(case.warnings, str(path))


# ----------------------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    """Console script: run the app; turn invalid input and errors into tables/one-liners and exit codes."""
    from planner.validate import CaseInvalid

    try:
        app(args=list(argv) if argv is not None else None, prog_name="planner")
    except CaseInvalid as exc:
        say(exc.source, markup="[red]invalid:[/] ")
        print_problems(exc.problems, exc.source)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line unless --debug
        if _state["debug"]:
            raise
        err_console.print(f"[red]error:[/] {escape(str(exc) or type(exc).__name__)}", soft_wrap=True)
        sys.exit(EXIT_ERROR)
