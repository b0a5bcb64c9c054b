"""Every command's exit codes, declared once: `planner COMMAND --help` and README.md's tables are generated from
`EXIT_CODES` (tests/cli/test_cli_exit_codes.py checks both, and that the commands behave so)."""

from __future__ import annotations

EXIT_OK = 0  # done; for solve: proven optimal, or proven within the gap setting (status within_gap)
EXIT_TIME_LIMIT = 1  # a feasible plan not proven within the gap setting (time_limit, feasible)
EXIT_INVALID = 2  # unusable input: invalid workbook, missing/unreadable input file, usage error
EXIT_INFEASIBLE = 3
EXIT_ERROR = 4  # anything else: refused to overwrite, no plan found, unexpected error
EXIT_INTERRUPTED = 130


def usage_error(bad_values: str = "") -> str:
    """The usage-error case of every command (typer prints the usage line and the reason)."""
    such = f" such as {bad_values}" if bad_values else ""
    return f"a usage error, printed with the usage line: an unknown option, a missing argument or a bad value{such}"


UNEXPECTED = "an unexpected error (one line; `--debug` adds the traceback)"
INTERRUPTED = "interrupted with Ctrl-C"

# command -> ((code, meaning), ...). `backticks` mark code in README.md and are dropped in --help.
EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "template": (
        (EXIT_OK, "wrote the template to PATH"),
        (EXIT_INVALID, usage_error("a PATH not ending in .xlsx")),
        (EXIT_ERROR, f"PATH exists and `--force` was not given, PATH cannot be written, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "validate": (
        (EXIT_OK, "valid: a one-line summary, then any warnings (warnings never change the exit code)"),
        (EXIT_INVALID, "invalid input: a table of every problem with its sheet, cell and fix; or PATH does not "
                       "exist, is a folder or is not a readable .xlsx workbook (damaged, encrypted or another "
                       f"format: one line naming the file, the damaged sheet if any, and the fix); or {usage_error()}"),
        (EXIT_ERROR, UNEXPECTED),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "solve": (
        (EXIT_OK, "solved: proven optimal (status `optimal`), or proven within the MIP gap setting (status "
                  "`within_gap`, shown as \"within gap (x %)\", not called optimal); the result workbook is written"),
        (EXIT_TIME_LIMIT, "a feasible plan not proven optimal: stopped at the time limit (written, marked \"not "
                          "proven optimal\" with its gap), or a full-year plan from the site decomposition whose "
                          "bound (from average days) does not prove it within the gap (marked \"not proven "
                          "optimal\" with that gap)"),
        (EXIT_INVALID, "invalid input: every problem listed with its sheet and cell, nothing written; or INPUT does "
                       "not exist, is a folder or is not a readable .xlsx workbook (damaged, encrypted or "
                       "another format: one line naming the file, the damaged sheet if any, and the fix); or "
                       + usage_error("`--gap 2`, `--time-limit 0`, `--strategy fast`, an OUTPUT not ending in "
                                     ".xlsx, or both `-o` and `--out-dir`")),
        (EXIT_INFEASIBLE, "infeasible: explained in input terms (which policy could not be met, reachable vs "
                          "required); no result workbook, an `<input-stem>-infeasibility.xlsx` report "
                          "where it would have gone instead"),
        (EXIT_ERROR, "other error, in one line (`--debug` adds the traceback): OUTPUT, or the infeasibility report "
                     "`<stem>-infeasibility.xlsx` next to it, exists without `--force`; OUTPUT is the input, is a "
                     "folder, or its folder is a file, cannot be created or is not writable (all checked before "
                     "solving); no plan found within the time limit, the built-in example is missing from the "
                     "installation, or an unexpected error"),
        (EXIT_INTERRUPTED, "interrupted with Ctrl-C: HiGHS stops at its next check (during a large model's root LP "
                           "that can take a while; a second Ctrl-C quits at once), no file written (a Ctrl-C just "
                           "after the result workbook was written says that it is complete)"),
    ),
    "compare": (
        (EXIT_OK, "compared: the tables printed and the comparison workbook written"),
        (EXIT_INVALID, "a file does not exist or is not a planner result workbook (one line naming the file and "
                       "what is missing); or " + usage_error("a single file, an OUTPUT not ending in .xlsx, "
                                                             "`--threshold 2` or both `-o` and `--out-dir`")),
        (EXIT_ERROR, f"OUTPUT exists and `--force` was not given, OUTPUT is one of the compared workbooks, OUTPUT "
                     f"cannot be written (a folder, or its folder is a file or not writable), or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "example": (
        (EXIT_OK, "listed the examples (`--list` or no NAME), or copied one to PATH"),
        (EXIT_INVALID, "NAME is not a built-in example (one line listing them), or "
                       + usage_error("a PATH not ending in .xlsx")),
        (EXIT_ERROR, "PATH exists and `--force` was not given, PATH is the built-in workbook itself, PATH cannot be "
                     "written (a folder, or its folder is a file or not writable), the example workbook is missing "
                     f"from the installation, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "report": (
        (EXIT_OK, "wrote the report page (one self-contained HTML file)"),
        (EXIT_INVALID, "RESULT does not exist or is not a planner result workbook (one line naming the file and what "
                       "is missing); or " + usage_error("an OUTPUT not ending in .html")),
        (EXIT_ERROR, f"OUTPUT exists and `--force` was not given, OUTPUT cannot be written (a folder, or its folder is "
                     f"a file or not writable), or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "sweep": (
        (EXIT_OK, "every scenario solved: its result workbook and the study workbook written (scenarios already "
                  "solved with the same input and overrides are kept, not solved again)"),
        (EXIT_INVALID, "invalid input: the workbook, its Scenarios sheet or an override (every problem listed with "
                       "its sheet and cell, nothing solved); or PATH does not exist or is not a readable .xlsx "
                       "workbook; or " + usage_error("`--workers 0` or both `--workers` and `--scheduler`")),
        (EXIT_INFEASIBLE, "at least one scenario has no plan (an invalid override, infeasible, or no plan in time): "
                          "each listed with its reason in the table and the study workbook; the others are written"),
        (EXIT_ERROR, f"the Dask scheduler cannot be reached, a file cannot be written, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED + ": the scenarios finished so far are written; a rerun solves the others"),
    ),
    "pareto": (
        (EXIT_OK, "the frontier solved: each point's result workbook and the Pareto workbook written"),
        (EXIT_INVALID, "invalid input (every problem listed with its sheet and cell), PATH does not exist or is not "
                       "a readable .xlsx workbook, or " + usage_error("`--points 1`")),
        (EXIT_INFEASIBLE, "an end of the frontier has no plan: the case is infeasible or no plan was found in time"),
        (EXIT_ERROR, f"the Dask scheduler cannot be reached, a file cannot be written, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED + ": the points finished so far are written"),
    ),
    "sensitivity": (
        (EXIT_OK, "every variation solved: the tornado and the study workbook written"),
        (EXIT_INVALID, "invalid input: the workbook, or a `--vary` input that names no setting, sheet, column or "
                       "row (listed with the fix); PATH does not exist or is not a readable .xlsx workbook; or "
                       + usage_error("`--by 0` or `--by 1.5`")),
        (EXIT_INFEASIBLE, "at least one variation has no plan (listed with its reason); the others are written"),
        (EXIT_ERROR, f"the Dask scheduler cannot be reached, a file cannot be written, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED + ": the variations finished so far are written; a rerun solves the others"),
    ),
    "aggregate": (
        (EXIT_OK, "wrote CASE.xlsx with the representative days and the Aggregation sheet; the days and how well "
                  "they represent the year printed"),
        (EXIT_INVALID, "YEAR.xlsx does not exist, is not a readable workbook, is invalid (every problem listed) or "
                       "has no full year of 8760 hourly rows, or more extreme days are kept than --days holds; or "
                       + usage_error("`--days 0` or a CASE.xlsx not ending in .xlsx")),
        (EXIT_ERROR, f"CASE.xlsx exists and `--force` was not given, is YEAR.xlsx itself or cannot be written, or "
                     f"{UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
    "verify": (
        (EXIT_OK, "the design holds for the year: every hour served and every rule met; the verification workbook "
                  "is written"),
        (EXIT_INVALID, "RESULT.xlsx is not a planner result workbook with its Sites and Assignments, YEAR.xlsx does "
                       "not exist or is invalid, or the plan names a site, cooling or demand the year's case does "
                       "not have; or " + usage_error("a missing `--year` or an OUTPUT not ending in .xlsx")),
        (EXIT_INFEASIBLE, "the year breaks a rule or cannot be served with the design: which rule and by how much "
                          "(and with `--resize` what must be added) printed and written to the verification "
                          "workbook"),
        (EXIT_ERROR, f"OUTPUT exists and `--force` was not given, is one of the workbooks read or cannot be "
                     f"written, or {UNEXPECTED}"),
        (EXIT_INTERRUPTED, INTERRUPTED),
    ),
}

EXIT_CODES_NOTE = (
    "The rule for every command: 0 done; 2 what you gave cannot be used (the input workbook, a file name, an "
    "option), with what is wrong and how to fix it; 4 anything else (a refusal to overwrite, no plan found, an "
    "unexpected error), in one line; `planner solve` adds 1 (a plan not proven optimal) and 3 (infeasible). "
    "`planner --help`, `planner COMMAND --help` and `planner --version` exit 0; `planner` alone prints the help "
    "and exits 2. `--debug` (before the command) adds a traceback to an error's one line; it never changes the "
    "exit code."
)


def exit_codes_help(command: str) -> str:
    """The 'Exit codes' paragraphs of a command's --help."""
    lines = [f"{code} {meaning}".replace("`", "") for code, meaning in EXIT_CODES[command]]
    return "Exit codes:\n\n" + "\n\n".join(lines)


def exit_codes_markdown() -> str:
    """README.md's exit-code section (between its exit-codes markers): one table per command."""
    parts = ["_Generated from `EXIT_CODES` in `planner/cli/exit_codes.py`; tests/cli/test_cli_exit_codes.py checks that "
             "this copy is current and that the commands behave so._", "", EXIT_CODES_NOTE, ""]
    for command, codes in EXIT_CODES.items():
        parts += [f"#### `planner {command}`", "", "| code | meaning |", "|---|---|"]
        parts += [f"| {code} | {meaning} |" for code, meaning in codes]
        parts.append("")
    return "\n".join(parts)


# ----------------------------------------------------------------------------------------------------------
# Shared helpers (for every command)


class CliError(Exception):
    """An expected failure: printed as one line (no traceback), exit code `code` (4 unless given)."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code
