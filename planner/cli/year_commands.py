"""`planner aggregate` (representative days from a year) and `planner verify` (a plan's design over a real
year), registered on the one `planner` app."""

from __future__ import annotations

import math
import time
from enum import Enum
from pathlib import Path

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from planner.cli.commands import app, console, read_case, say
from planner.cli.exit_codes import EXIT_INFEASIBLE, EXIT_INVALID, CliError, exit_codes_help
from planner.cli.paths import existing_file, input_fix, same_file, writable_target, xlsx_target


class Extreme(str, Enum):
    peak_load = "peak-load"
    lowest_renewables = "lowest-renewables"
    hottest = "hottest"
    none = "none"


AGGREGATE_HELP = (
    "Make representative days from a full year of hourly profiles (8760 rows).\n\n"
    "All profiles (PV, wind, temperature, load, price, emission factor) are clustered together with tsam "
    "(hierarchical, medoid days, weights in days summing to 365, annual means preserved); the extreme days "
    "chosen with --keep are kept as days of their own (weight 1). Deterministic: the same year and options give "
    "the same days. Writes CASE.xlsx: the year's workbook with its Profiles replaced by the days, and an "
    "Aggregation sheet (informational, ignored when the case is read) with each day's real date and how well "
    "the days represent the year: per profile the mean and duration-curve error, and the annual totals (IT "
    "energy, PV and wind full-load hours, degree hours above the PUE reference temperature).\n\n"
    + exit_codes_help("aggregate"))

VERIFY_HELP = (
    "Run a plan's design over a real year and say whether it holds.\n\n"
    "The design (open sites, cooling, modules, assignments, PV, wind, battery, grid connection) is read from "
    "RESULT.xlsx; the year's dispatch is solved with it fixed on the hourly profiles of YEAR.xlsx (the same case "
    "with 8760 hours, or any other profiles). Prints and writes the planned and the real year side by side: "
    "annual cost and each component, emissions, green share, PUE, and every Policy row with its status. If the "
    "year breaks a rule or cannot be served, says which and by how much; --resize also finds how much PV, wind, "
    "battery and grid connection must be added, at what cost, for the design to hold.\n\n"
    + exit_codes_help("verify"))


@app.command(help=AGGREGATE_HELP)
def aggregate(
    year: Path = typer.Argument(..., metavar="YEAR.xlsx", show_default=False,
                                help="Input workbook with a full year of hourly profiles."),
    days: int = typer.Option(12, "--days", "-n", min=1, max=365, help="Number of representative days, the kept "
                             "extreme days included."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="CASE.xlsx", show_default=False,
                                       help="Case workbook to write. Default: inputs/<YEAR-stem>-<N>days.xlsx."),
    keep: list[Extreme] | None = typer.Option(None, "--keep", case_sensitive=False, show_default=False,
                                              help="Extreme day to keep as a day of its own: peak-load, "
                                              "lowest-renewables, hottest (repeat the option for several), or "
                                              "none. Default: all three."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite CASE.xlsx if it exists."),
) -> None:
    """Make representative days."""
    from planner.input.aggregate import EXTREMES, aggregate_case
    from planner.input.aggregate_workbook import write_aggregated_workbook

    out = output if output is not None else Path("inputs") / f"{year.stem}-{days}days.xlsx"
    xlsx_target(out, "--output")
    existing_file(year, input_fix(year))
    if same_file(out, year):
        raise CliError(f"{out} is the year's workbook: choose another CASE.xlsx with -o")
    writable_target(out, force, "--output")
    chosen = list(EXTREMES) if not keep else [k.value for k in keep if k is not Extreme.none]
    case = read_case(year)
    try:
        agg = aggregate_case(case, days, chosen)
    except ValueError as exc:
        raise CliError(f"{year}: {exc}", EXIT_INVALID) from None
    console.print(_days_table(agg.days))
    console.print(_profile_table(agg.quality))
    console.print(_totals_table(agg.totals))
    for note in agg.notes:
        say(note, markup="[yellow]note:[/] ")
    write_aggregated_workbook(year, out, agg)
    say(f"wrote {out} ({len(agg.days)} representative days)", markup="[green]✓[/] ")
    say(f"next: planner solve {out}, then planner verify <result> --year {year}")


def _fmt(v, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{v:,}"
    if isinstance(v, (float, np.floating)):
        return f"{v:,.{digits}f}"
    return str(v)


def _table(title: str, frame, digits: dict[str, int] | None = None) -> Table:
    table = Table(title=title, header_style="bold", title_justify="left")
    for c in frame.columns:
        table.add_column(str(c), justify="left" if frame[c].dtype == object else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(Text(_fmt(v, (digits or {}).get(c, 2))) for c, v in zip(frame.columns, row)))
    return table


def _days_table(days) -> Table:
    return _table("Representative days", days, {"weight_days": 0})


def _profile_table(quality) -> Table:
    return _table("Each profile: days against the year (mean, duration curve, peak)", quality,
                  {c: 4 for c in ("year_mean", "days_mean", "year_max", "days_max")})


def _totals_table(totals) -> Table:
    return _table("Annual totals: days against the year", totals)


@app.command(help=VERIFY_HELP)
def verify(
    result: Path = typer.Argument(..., metavar="RESULT.xlsx", show_default=False,
                                  help="Result workbook written by planner solve (its design is verified)."),
    year: Path = typer.Option(..., "--year", metavar="YEAR.xlsx", show_default=False,
                              help="Input workbook of the same case with the year's hourly profiles."),
    resize: bool = typer.Option(False, "--resize", help="Also find how much PV, wind, battery and grid "
                                "connection the design needs for the year, at what cost."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="OUTPUT", show_default=False,
                                       help="Verification workbook to write. Default: "
                                       "outputs/<RESULT-stem>-verify.xlsx."),
    time_limit: float | None = typer.Option(None, "--time-limit", metavar="S", show_default=False,
                                            help="Time limit of each of the year's solves, in seconds."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite OUTPUT if it exists."),
) -> None:
    """Verify a plan over a year."""
    from planner.report.read_result import ResultWorkbookError, read_result_workbook
    from planner.report.verify_report import (design_of, kpi_comparison, policy_comparison, resize_lines,
                                              resize_table, verdict, write_verification_workbook)
    from planner.results.verify import DesignMismatch, verify_design

    if time_limit is not None and not time_limit > 0:
        raise typer.BadParameter("must be a number of seconds > 0", param_hint="--time-limit")
    stem = result.stem[: -len("-result")] if result.stem.endswith("-result") else result.stem
    out = output if output is not None else Path("outputs") / f"{stem}-verify.xlsx"
    xlsx_target(out, "--output")
    existing_file(year, input_fix(year))
    if same_file(out, result) or same_file(out, year):
        raise CliError(f"{out} is one of the workbooks read: choose another OUTPUT with -o")
    writable_target(out, force, "--output")
    try:
        planned = read_result_workbook(result)
        design = design_of(planned)
    except ResultWorkbookError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    case = read_case(year)
    say(f"design of {result.name}: {len(design.sites)} open site(s); the year: {case.summary()}")
    began = time.perf_counter()
    with console.status("building the year's model", spinner="dots") as status:
        def stage(text: str) -> None:
            say(f"[{time.perf_counter() - began:6.0f} s] {text}")
            status.update(f"solving: {text.split(' (')[0]}")

        try:
            v = verify_design(case, design, resize=resize, time_limit_s=time_limit, stage=stage)
        except DesignMismatch as exc:
            raise CliError(f"{result.name} against {year.name}: {exc}", EXIT_INVALID) from None
    kpis = kpi_comparison(planned, v)
    console.print(_table("Planned (its days) and the real year", kpis,
                         {"change_pct": 2}))
    policy = policy_comparison(planned, v)
    console.print(_table("Policy rows: planned and over the year", policy))
    for line in verdict(v):
        say(line, markup=("[green]holds:[/] " if v.holds else "[red]breaks:[/] "))
    if resize:
        table = resize_table(design, v)
        if table is not None:
            console.print(_table("Resize: capacities for the year", table))
        for line in resize_lines(design, v):
            say(line, markup="[cyan]resize:[/] ")
    write_verification_workbook(out, planned, design, v, year)
    say(f"wrote {escape(str(out))} (the year's solves took {v.solve_s:.1f} s)", markup="[green]✓[/] ")
    if not v.holds:
        raise typer.Exit(EXIT_INFEASIBLE)
