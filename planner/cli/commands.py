"""The `planner` command line (typer).

Adding a command is one decorated function:

    @app.command()
    def solve(path: Path = WORKBOOK_ARG) -> None:
        '''Help text.'''
        case = read_case(path)          # prints every problem and exits 2 if the workbook is invalid
        ...

Shared behaviour lives in `main()` (`report_failure`): `CaseInvalid` -> problem table, exit 2; an unreadable input
workbook -> one line, exit 2; `CliError` -> one line, its own code (4 unless given); anything else -> one line,
exit 4 (`--debug` adds the traceback, same code). The codes of every command are declared once, in `exit_codes.EXIT_CODES`,
from which its --help and README.md's tables are generated (tests/cli/test_cli_exit_codes.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from planner import __version__
from planner.pyomo_fast.gc_quiet import skip_collection_at_exit
from planner.cli.exit_codes import (
    CliError,
    EXIT_ERROR,
    EXIT_INFEASIBLE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_TIME_LIMIT,
    exit_codes_help,
)
from planner.cli.paths import (
    comparison_target,
    existing_file,
    one_of,
    output_folder,
    infeasibility_target,
    input_fix,
    same_file,
    writable_target,
    xlsx_target,
)
from planner.cli.help_format import PlannerGroup
from planner.cli.options import COMPARE_OUT_DIR, FIRST_STEPS, LANG, SOLVE_OUT_DIR, THRESHOLD, Lang
from planner.cli.pipes import pipe_safe
from planner.input.schema import WORKFLOW, Problem

if TYPE_CHECKING:  # heavy imports (pandas, openpyxl) only when a command needs them
    from planner.input.case import Case


console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
_state = {"debug": False}


class Strategy(str, Enum):
    auto = "auto"
    direct = "direct"
    sites = "sites"


WORKFLOW_HELP = "\n\n".join(WORKFLOW)

app = typer.Typer(
    name="planner",
    help=(
        "Plan green data-centre sites and capacity (East Data, West Computing) with a MILP.\n\n"
        "Inputs are one Excel workbook: row 1 column names, row 2 units, data from row 3 (see its README "
        "sheet). Costs in CNY, power in MW, energy in MWh, latency in ms, emissions in tCO2.\n\n"
        f"{FIRST_STEPS}\n\nWorkflow:\n\n{WORKFLOW_HELP}"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlannerGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)

WORKBOOK_ARG = typer.Argument(..., metavar="PATH", help="Input workbook (.xlsx).", show_default=False)
DEFAULT_EXAMPLE = "east-data-west"


# ----------------------------------------------------------------------------------------------------------
# Exit codes: declared once per command; --help and README.md are generated from here
# ----------------------------------------------------------------------------------------------------------


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


def read_case(path: Path) -> "Case":
    """Load and validate a workbook; invalid input propagates as CaseInvalid (table + exit 2 in main)."""
    existing_file(path, input_fix(path))
    from planner.input.validate import load_case

    return load_case(path)


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
    "Next: fill it in Excel, then run: planner validate PATH\n\n"
    + exit_codes_help("template")
)

VALIDATE_HELP = (
    "Check an input workbook and list every problem.\n\n"
    "Valid: prints a one-line summary (exit code 0). Invalid: prints a table of every problem with its sheet, "
    "cell, what is wrong and how to fix it (exit code 2). Each scenario of the Scenarios sheet is checked too: its "
    "overrides applied and validated as planner sweep does, without solving (a bad one reported at its cell).\n\n"
    "Warnings (a price that looks like CNY/kWh where CNY/MWh is expected, a PUE above 3, an unknown column) do "
    "not make the workbook invalid. The file is only read, never changed.\n\n"
    + exit_codes_help("validate")
)


@app.command(help=TEMPLATE_HELP)
def template(
    path: Path = typer.Argument(..., metavar="PATH", help="Where to write the template, e.g. "
                                "inputs/my-case.xlsx (folders are created).", show_default=False),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite PATH if it exists."),
) -> None:
    """Write the template."""
    writable_target(path, force, "PATH")
    from planner.input.template import write_template

    written = write_template(path)
    say(f"wrote {written}")
    say(f"next: fill the sheets in Excel (replace the grey example rows), then run: planner validate {written}")


@app.command(help=VALIDATE_HELP)
def validate(path: Path = WORKBOOK_ARG) -> None:
    """Validate a workbook."""
    case = read_case(path)
    from planner.input.scenario_check import scenarios_note  # each scenario's overrides, validated as sweep does
    say(f"valid: {case.summary()}{scenarios_note(path)}")
    print_problems(case.warnings, str(path))


# ----------------------------------------------------------------------------------------------------------
# solve / compare / example (results: planner.report)
# ----------------------------------------------------------------------------------------------------------
SOLVE_HELP = (
    "Solve a case and write its result workbook.\n\n"
    "Shows each stage: read, validate, build (model size), solve (the solver's stage - for the site decomposition "
    "the bound, the plan, on a full year the design days, year dispatch and sizing, cuts - with the best plan's "
    "cost, the bound, the gap and the time left; plain lines when the output is not a terminal), write; then a "
    "table of the headline KPIs. With no INPUT it solves the built-in "
    f"{DEFAULT_EXAMPLE} example.\n\n"
    "The result workbook <input-stem>-result.xlsx goes to an outputs/ folder next to INPUT (./outputs/ for the "
    "built-in example; --out-dir DIR or -o OUTPUT to change it). It has the sheets Summary (KPIs with units), "
    "Sites, Assignments, Policy (every policy constraint: required, achieved, slack, binding), Dispatch, Charts, "
    "Inputs and Run (provenance). It is written atomically (an interrupted run leaves no broken file), never over "
    "the input, and an existing OUTPUT is only replaced with --force; so is the infeasibility report "
    "<stem>-infeasibility.xlsx next to it, written instead when the case is infeasible. Both are checked before "
    "solving.\n\n"
    "Next: change a scenario, solve again, then: planner compare outputs/A-result.xlsx outputs/B-result.xlsx\n\n"
    + exit_codes_help("solve")
)

COMPARE_HELP = (
    "Compare result workbooks: KPIs side by side, with absolute and % deltas against the first.\n\n"
    "Prints the KPI table (shares: deltas in percentage points), what each cost component adds to the cost "
    "difference, the site decisions (opened/closed, IT, cooling, PV, wind, battery, grid) and assignments that "
    "changed by more than the materiality threshold (--threshold), and, apart, how each result was solved (status, "
    "method, MIP gap, solve time: not compared). Writes a comparison workbook (KPIs, Site changes, Assignment "
    "changes, Cost waterfall, a chart of KPI changes, Files) into the folder of A unless --out-dir or -o says "
    "otherwise. A result from an older planner version is compared on the KPIs both have; the missing ones are "
    "listed.\n\n"
    + exit_codes_help("compare")
)

EXAMPLE_HELP = (
    "Copy a built-in example input workbook to PATH (default inputs/<NAME>.xlsx).\n\n"
    "planner example --list (or no NAME) lists the examples. Then: planner validate PATH, planner solve PATH.\n\n"
    + exit_codes_help("example")
)


def _example_names() -> list[tuple[str, str]]:
    """(name, description) of the built-in examples."""
    from planner.examples import EXAMPLES

    return [(name, example.description) for name, example in EXAMPLES.items()]


def example_workbook(name: str) -> Path:
    """Path of a built-in example workbook; CliError exit 2 for an unknown name, 4 if it is not installed."""
    from planner.examples import example_path

    try:
        return Path(example_path(name))
    except ValueError as exc:  # an unknown name: a bad argument
        raise CliError(str(exc), EXIT_INVALID) from None
    except FileNotFoundError as exc:  # the package data is missing: a broken installation
        raise CliError(str(exc)) from None


def _quoted_command() -> str:
    import shlex

    return "planner " + " ".join(shlex.quote(a) for a in sys.argv[1:])


@app.command(help=SOLVE_HELP)
def solve(
    path: Path | None = typer.Argument(None, metavar="INPUT", show_default=False,
                                       help=f"Input workbook (.xlsx). Omit it to solve the built-in "
                                       f"{DEFAULT_EXAMPLE} example."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="OUTPUT", show_default=False,
                                       help="Result workbook to write. Default: <input-stem>-result.xlsx in "
                                       "--out-dir."),
    time_limit: float | None = typer.Option(None, "--time-limit", metavar="SECONDS", show_default=False,
                                            help="Solver time limit in seconds. Default: Settings time_limit_s."),
    gap: float | None = typer.Option(None, "--gap", metavar="GAP", show_default=False,
                                     help="Relative MIP gap at which HiGHS may stop, e.g. 0.01 = 1 %. Default: "
                                     "Settings mip_gap."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite OUTPUT if it exists."),
    out_dir: Path | None = SOLVE_OUT_DIR,
    solver_log: bool = typer.Option(False, "--solver-log", help="Print HiGHS' own log lines while solving."),
    strategy: Strategy = typer.Option(
        Strategy.auto, "--strategy", case_sensitive=False,
        help="How to solve. 'direct': the whole MILP to HiGHS. 'sites': site decomposition (a lower bound from "
        "candidate sites and a Lagrangian bound on the others, a rounded plan; HiGHS' branch and bound only if "
        "that plan is not yet within the gap). 'auto': 'sites' from 16 candidate sites on."),
    lang: Lang = LANG,
    overrides: list[str] | None = typer.Option(
        None, "--set", metavar="OVERRIDE", show_default=False,
        help="Change an input before validation (repeatable): a setting NAME=value, one cell "
        "Sheet[id].column=value, a whole column Sheet.column=value; *=factor and +=delta change numbers. "
        "Recorded in the Run sheet."),
) -> None:
    """Solve a case."""
    if overrides:
        from planner.input.overrides import parse_overrides

        parse_overrides(overrides)  # a bad --set is invalid input before anything is read
    if time_limit is not None and not time_limit > 0:
        raise typer.BadParameter("must be a number of seconds > 0", param_hint="--time-limit")
    if gap is not None and not 0 <= gap <= 1:
        raise typer.BadParameter("must be between 0 and 1 (0.01 = 1 %)", param_hint="--gap")
    one_of(output, out_dir)
    if output is not None:
        xlsx_target(output, "--output")
    stem, beside = (path.stem, path) if path is not None else (DEFAULT_EXAMPLE, None)
    if path is None:  # its result is named as the copied example's: east-data-west-result.xlsx
        path = example_workbook(DEFAULT_EXAMPLE)
        say(f"no INPUT given: solving the built-in {DEFAULT_EXAMPLE} example ({path})")
    existing_file(path, input_fix(path))
    out = output if output is not None else output_folder(out_dir, beside) / f"{stem}-result.xlsx"
    if same_file(out, path):
        raise CliError(f"{out} is the input workbook: choose another OUTPUT with -o")
    writable_target(out, force, "--output")
    report = infeasibility_target(out)
    if not same_file(report, path):  # an infeasible solve writes this instead: it obeys --force too
        if report.is_dir():
            raise CliError(f"{report} (where an infeasible solve writes its report) is a folder: remove it or "
                           f"choose another OUTPUT with -o")
        if report.exists() and not force:
            raise CliError(f"{report} already exists (an infeasible solve writes its report there); use --force "
                           f"to overwrite it, or choose another OUTPUT with -o")
    code = run_solve(path, out, time_limit=time_limit, gap=gap, force=force, solver_log=solver_log,
                      strategy=strategy.value, lang=lang.value,
                      overrides=overrides or [])
    if code:
        raise typer.Exit(code)


def run_solve(path: Path, out: Path, *, time_limit: float | None, gap: float | None, force: bool,
               solver_log: bool, strategy: str = "auto", lang: str = "en",
               overrides: Sequence[str] = ()) -> int:
    from planner.report import console as rc

    # Pyomo captures stdout's file descriptor while HiGHS runs: print through a duplicate of it (also after a
    # second Ctrl-C, when the abandoned solve may still hold the capture).
    writes: dict = {}  # what solve_stages writes: see write_stage
    with rc.direct_console(console) as con:
        if con is not console:  # a duplicate of stdout: a closed pipe must not stop the solve
            con.file = pipe_safe(con.file)
        try:
            return solve_stages(con, path, out, time_limit=time_limit, gap=gap, force=force, solver_log=solver_log,
                                 strategy=strategy, writes=writes, lang=lang,
                                 overrides=overrides)
        except KeyboardInterrupt:
            written = written_file(writes)
            if written is None:
                con.print(f"[red]interrupted:[/] stopped, no result written to {escape(str(out))}", soft_wrap=True)
            else:
                what = "the result" if written == out else "the infeasibility report"
                con.print(f"[red]interrupted:[/] stopped after {what} was written: {escape(str(written))} is "
                          f"complete", soft_wrap=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


def file_identity(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size


def write_stage(writes: dict, target: Path, write) -> None:
    """Run `write()` (an atomic write of `target`), recording in `writes` what it wrote; an OSError becomes a
    one-line CliError naming `target` (not the hidden temporary file)."""
    writes.update(writing=target, before=file_identity(target))
    try:
        write()
    except OSError as exc:
        raise CliError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
    writes["done"] = target


def written_file(writes: dict) -> Path | None:
    """The file a solve wrote completely, if any: recorded as done, or (for a Ctrl-C between the atomic rename and
    the record) replaced since its write began."""
    if "done" in writes:
        return writes["done"]
    target = writes.get("writing")
    if target is None:
        return None
    now = file_identity(target)
    return target if now is not None and now != writes.get("before") else None


def solve_stages(con: Console, path: Path, out: Path, *, time_limit: float | None, gap: float | None,
                  force: bool, solver_log: bool, strategy: str = "auto", writes: dict | None = None,
                  lang: str = "en", overrides: Sequence[str] = ()) -> int:
    from planner.input.reader import read_workbook
    from planner.report import console as rc
    from planner.report.result_workbook import write_infeasibility_workbook, write_result_workbook
    from planner.solve import solve_case
    from planner.input.validate import validate as validate_raw

    command = _quoted_command()
    writes = {} if writes is None else writes
    log = (lambda line: con.print(Text(line, style="dim"), soft_wrap=True)) if solver_log else None
    with rc.SolveProgress(con, quiet_spinner=solver_log or not con.is_terminal,
                          plain_lines=not solver_log and not con.is_terminal) as progress:
        progress.start(f"reading {path}")
        raw = read_workbook(path)
        progress.done("read", f"{path} ({len(raw.tables)} sheets)", progress.elapsed())
        progress.start("validating")
        from planner.input.overrides import case_with_overrides, parse_overrides

        case = case_with_overrides(raw, parse_overrides(overrides)) if overrides else validate_raw(raw)
        warned = f"; {len(case.warnings)} warning(s) below" if case.warnings else ""
        progress.done("validated", f"{case.summary()}{warned}", progress.elapsed())
        if case.warnings:
            con.print(problem_table(case.warnings))
        progress.start("building the model")
        result = solve_case(case, mip_gap=gap, time_limit_s=time_limit, log=log, progress=progress.progress,
                            strategy=strategy)
        info = result.solve
        progress.done("solved", rc.solved_text(result), info.solve_s)

        if info.status == "infeasible":
            report = infeasibility_target(out)
            if not same_file(report, path):
                if report.exists() and not force:
                    raise CliError(f"{report} appeared while solving; use --force to overwrite it")
                progress.start(f"writing {report}")
                write_stage(writes, report, lambda: write_infeasibility_workbook(
                    result, case, report, input_path=path, command_line=command, lang=lang))
                progress.done("wrote", f"{report} (infeasibility report; no result workbook)", progress.elapsed())
        else:
            if out.exists() and not force:
                raise CliError(f"{out} appeared while solving; use --force to overwrite it")
            progress.start(f"writing {out}")
            write_stage(writes, out, lambda: write_result_workbook(result, case, out, input_path=path,
                                                                    command_line=command, lang=lang))
            progress.done("wrote", str(out), progress.elapsed())
            from planner.report.map_png import map_data, write_map_files  # the map as PNG and SVG beside it

            progress.start("drawing the map")
            try:
                maps = write_map_files(map_data(result, case), out)
                progress.done("wrote", " and ".join(str(p) for p in maps), progress.elapsed())
            except OSError as exc:
                progress.done("map", f"not written: {exc}", progress.elapsed())
    if info.status == "infeasible":
        con.print("[red bold]infeasible:[/] no plan meets every requirement of the case. Why:")
        con.print(rc.infeasibility_table(result))
        return EXIT_INFEASIBLE
    con.print(rc.kpi_table(result, title=f"{result.case_name}: headline results"))
    if info.status == "feasible":
        from planner.decomposition import DESIGN_DAYS

        bound = (f"a lower bound from average days of the year and each site's year dispatch puts it within "
                 f"{info.gap_text} of the optimum, more than the gap setting,"
                 if info.gap is not None else "there is no bound for the year,")
        con.print("[yellow]note:[/] " + escape(
            "a full-year plan: its design (sites, cooling, modules, assignments, PV, wind, battery) comes from "
            f"{DESIGN_DAYS} representative days and the year's dispatch runs with it fixed. It is feasible for "
            f"every hour, but {bound} so it is not proven optimal (marked so in the workbook); --strategy direct "
            "with a long --time-limit gives a tighter bound"), soft_wrap=True)
        return EXIT_TIME_LIMIT
    if info.status == "time_limit":
        con.print("[yellow]note:[/] " + escape(
            "stopped at the time limit: the plan is feasible but not proven optimal (marked so in the workbook); "
            "raise --time-limit or the Settings time_limit_s for a proven optimum"), soft_wrap=True)
        return EXIT_TIME_LIMIT
    return EXIT_OK


@app.command(help=COMPARE_HELP)
def compare(
    results: list[Path] = typer.Argument(..., metavar="A.xlsx B.xlsx [C.xlsx ...]", show_default=False,
                                         help="Result workbooks written by planner solve; the first is the base."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="OUTPUT", show_default=False,
                                       help="Comparison workbook to write. Default: compare-<A>-vs-<B>.xlsx in "
                                       "--out-dir."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite OUTPUT if it exists."),
    out_dir: Path | None = COMPARE_OUT_DIR,
    threshold: float | None = THRESHOLD,
    lang: Lang = LANG,
) -> None:
    """Compare result workbooks."""
    from planner.report import console as rc
    from planner.report.compare import compare_results, write_comparison_workbook
    from planner.report.read_result import ResultWorkbookError

    if len(results) < 2:
        raise typer.BadParameter("give at least two result workbooks", param_hint="A.xlsx B.xlsx")
    one_of(output, out_dir)
    if threshold is not None and not 0 <= threshold < 1:
        raise typer.BadParameter("must be between 0 and 1 (0.01 = 1 %)", param_hint="--threshold")
    if output is not None:  # refuse a bad OUTPUT before reading the workbooks
        comparison_target(output, results, force)
    try:
        comparison = compare_results(results, threshold=threshold)
    except ResultWorkbookError as exc:
        say(str(exc), markup="[red]invalid:[/] ")
        raise typer.Exit(EXIT_INVALID) from None
    labels = comparison.labels
    if output is None:
        more = f"-and-{len(labels) - 2}-more" if len(labels) > 2 else ""
        safe = [l.replace(" ", "").replace("(", "").replace(")", "") for l in labels[:2]]
        folder = out_dir if out_dir is not None else results[0].parent
        output = comparison_target(folder / f"compare-{safe[0]}-vs-{safe[1]}{more}.xlsx", results, force)
    rc.print_comparison(console, comparison)
    write_comparison_workbook(comparison, output, lang=lang.value)
    say(f"wrote {output}", markup="[green]✓[/] ")


@app.command(help=EXAMPLE_HELP)
def example(
    name: str | None = typer.Argument(None, metavar="NAME", show_default=False, help="Example name."),
    path: Path | None = typer.Argument(None, metavar="PATH", show_default=False,
                                       help="Where to copy it. Default: inputs/<NAME>.xlsx."),
    list_examples: bool = typer.Option(False, "--list", "-l", help="List the built-in examples."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite PATH if it exists."),
) -> None:
    """Copy a built-in example workbook."""
    if list_examples or name is None:
        table = Table(title="Built-in examples", header_style="bold", title_justify="left")
        table.add_column("name", no_wrap=True)
        table.add_column("description")
        for n, description in _example_names():
            table.add_row(Text(n), Text(description))
        console.print(table)
        say("copy one with: planner example NAME [PATH]")
        return
    if path is not None:
        xlsx_target(path, "PATH")
    source = example_workbook(name)
    target = path if path is not None else Path("inputs") / f"{name}.xlsx"
    if same_file(source, target):
        raise CliError(f"{target} is the built-in example itself: choose another PATH")
    writable_target(target, force, "PATH")
    import shutil

    from planner.atomic import atomic_path

    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    say(f"wrote {target}")
    say(f"next: planner validate {target}, then planner solve {target}")


# ----------------------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    """Console script: run the app; turn invalid input and errors into tables/one-liners and exit codes."""
    stdout = sys.stdout
    sys.stdout = pipe_safe(stdout)  # a closed pipe on stdout never changes the exit code
    try:
        app(args=list(argv) if argv is not None else None, prog_name="planner")
    except KeyboardInterrupt:
        err_console.print("[red]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a table or one line unless --debug
        sys.exit(report_failure(exc))
    finally:  # the solved models are garbage now: the exit need not walk them (18 s after a full year)
        sys.stdout.flush()
        sys.stdout = stdout
        skip_collection_at_exit()


def _loaded(module: str, name: str) -> type | None:
    """An exception class of a module if the module was imported (else `exc` cannot be one of them)."""
    return getattr(sys.modules.get(module), name, None)


def report_failure(exc: Exception) -> int:
    """Print an exception for a user and return its exit code (see EXIT_CODES).

    Invalid input (`CaseInvalid`): the problem table, 2. An input workbook that cannot be read (`WorkbookError`):
    one line, 2. `CliError`: one line, its own code. Anything else: one line, 4. With --debug the traceback is
    printed first; the exit code is the same.
    """
    case_invalid = _loaded("planner.input.validate", "CaseInvalid")
    if case_invalid is not None and isinstance(exc, case_invalid):
        say(exc.source, markup="[red]invalid:[/] ")
        print_problems(exc.problems, exc.source)
        return EXIT_INVALID
    workbook_error = _loaded("planner.input.reader", "WorkbookError")
    if isinstance(exc, CliError):
        code = exc.code
    elif workbook_error is not None and isinstance(exc, workbook_error):
        code = EXIT_INVALID
    else:
        code = EXIT_ERROR
    if _state["debug"]:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    message = escape(str(exc) or type(exc).__name__)
    if code == EXIT_INVALID:  # like the problem table: what is wrong with the input, on stdout
        console.print(f"[red]invalid:[/] {message}", soft_wrap=True)
    else:
        err_console.print(f"[red]error:[/] {message}", soft_wrap=True)
    return code
