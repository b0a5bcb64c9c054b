"""The scenario-study commands `planner sweep`, `planner pareto` and `planner sensitivity` (planner.study), registered
on the one typer app of `planner.cli.commands`; their exit codes are declared in `exit_codes.EXIT_CODES`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from planner.cli import commands as cli
from planner.cli.exit_codes import EXIT_INFEASIBLE, EXIT_OK, CliError, exit_codes_help
from planner.cli.paths import input_fix, output_folder

WORKERS_HELP = ("Solve on a local Dask cluster of N worker processes (one HiGHS thread each). Default: one after "
                "another in this process.")
SCHEDULER_HELP = "Solve on an existing Dask cluster: its scheduler address, e.g. tcp://scheduler-host:8786."
FOLDER_HELP = "Folder of the study's workbooks. Default: <input-stem>-{what}/ in an outputs/ folder next to the input."

SWEEP_HELP = (
    "Solve every scenario of the workbook's Scenarios sheet (and the workbook as it is, 'base').\n\n"
    "Each scenario's overrides change the input tables and are validated like a workbook. Writes one result "
    "workbook per scenario and the study workbook <stem>-study.xlsx (scenarios and overrides, KPIs side by side, "
    "design changes against the first scenario, charts) into <stem>-study/ in an outputs/ folder next to the input, each as its scenario finishes. "
    "A rerun skips the scenarios already solved with the same input and overrides. A failed scenario is listed "
    "with its reason; the others go on.\n\n" + exit_codes_help("sweep"))
PARETO_HELP = (
    "The cost-carbon frontier: --points plans from the least-cost to the least-emissions plan, the ones between of "
    "least cost under evenly spaced emission caps (epsilon constraint; one model, only the cap changes, each point "
    "starting from the plan of the one before; with --workers or --scheduler the points between the two ends are "
    "spread over the Dask workers, each starting from the least-emissions plan). Writes "
    "each point's result workbook and <stem>-pareto.xlsx (Pareto sheet and chart, marginal abatement cost in "
    "CNY/tCO2) into <stem>-pareto/ in an outputs/ folder next to the input.\n\n" + exit_codes_help("pareto"))
SENSITIVITY_HELP = (
    "One-at-a-time sensitivity: each --vary input times (1 - by) and (1 + by), solved next to the base; writes the "
    "tornado of total cost and emissions into <stem>-sensitivity/<stem>-sensitivity.xlsx in an outputs/ folder next to the input.\n\n"
    + exit_codes_help("sensitivity"))


def _options():
    return dict(
        time_limit=typer.Option(None, "--time-limit", metavar="S", show_default=False,
                                help="Solver time limit per solve (s). Default: Settings time_limit_s."),
        gap=typer.Option(None, "--gap", metavar="G", show_default=False,
                         help="Relative MIP gap, e.g. 0.01. Default: Settings mip_gap."),
    )


OPT = _options()
SET = typer.Option(None, "--set", metavar="OVERRIDE", show_default=False,
                   help="Change an input of every solve before validation (repeatable; as in planner solve --set).")
STRATEGY = typer.Option(cli.Strategy.auto, "--strategy", case_sensitive=False, help="How to solve (see solve --help).")


def _check(path: Path, time_limit: float | None, gap: float | None, workers: int | None = None,
           scheduler: str | None = None) -> None:
    if time_limit is not None and not time_limit > 0:
        raise typer.BadParameter("must be a number of seconds > 0", param_hint="--time-limit")
    if gap is not None and not 0 <= gap <= 1:
        raise typer.BadParameter("must be between 0 and 1 (0.01 = 1 %)", param_hint="--gap")
    if workers is not None and workers < 1:
        raise typer.BadParameter("must be 1 or more", param_hint="--workers")
    if workers is not None and scheduler:
        raise typer.BadParameter("give --workers or --scheduler, not both", param_hint="--workers")
    cli.existing_file(path, input_fix(path))


def _base_case(path: Path, overrides: list[str] | None = None):
    """The workbook's raw tables, after checking that it (with the --set overrides) is valid: an invalid workbook is
    reported once, before any scenario."""
    from planner.input.overrides import case_with_overrides, parse_overrides
    from planner.input.reader import read_workbook

    raw = read_workbook(path)
    case_with_overrides(raw, parse_overrides(overrides or []))
    return raw


def _with_sets(scenarios, overrides: list[str] | None):
    """The scenarios with the --set overrides applied first."""
    from planner.input.overrides import parse_overrides

    sets = parse_overrides(overrides or [])
    for scenario in scenarios:
        scenario.overrides = [*sets, *scenario.overrides]
    return scenarios


def _summary(study) -> Table:
    table = Table(title=f"{study.input_path.name}: {len(study.ordered)} scenarios", header_style="bold")
    for name in ("scenario", "status", "total cost (M CNY/yr)", "emissions (tCO2/yr)", "note"):
        table.add_column(name, justify="right" if "(" in name else "left")
    for r in study.ordered:
        cost, em = r.kpis.get("total_cost_cny_per_yr"), r.kpis.get("emissions_tco2_per_yr")
        table.add_row(Text(r.scenario), Text(r.status, style="green" if r.solved else "red"),
                      "-" if cost is None else f"{cost / 1e6:,.1f}", "-" if em is None else f"{em:,.0f}",
                      Text("kept (already solved)" if r.resumed else (r.reason[:120] if not r.solved else "")))
    return table


def _command_line() -> str:
    import shlex
    import sys

    return "planner " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _run(path: Path, scenarios, folder: Path, *, workers, scheduler, time_limit, gap, strategy, what: str):
    from planner.study.sweep import run_study

    try:
        study = run_study(path, scenarios, folder, console=cli.console, workers=workers, scheduler=scheduler,
                          time_limit_s=time_limit, mip_gap=gap, strategy=strategy,
                          command_line=_command_line(), what=what)
    except OSError as exc:  # the scheduler cannot be reached (a timeout is an OSError too)
        raise CliError(f"cannot use the Dask cluster {scheduler or ''}: {exc}".replace("  ", " ")) from None
    return study


@cli.app.command(help=SWEEP_HELP)
def sweep(
    path: Path = cli.WORKBOOK_ARG,
    workers: int | None = typer.Option(None, "--workers", metavar="N", show_default=False, help=WORKERS_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                         help=SCHEDULER_HELP),
    folder: Path | None = typer.Option(None, "--output", "-o", metavar="FOLDER", show_default=False,
                                       help=FOLDER_HELP.format(what="study")),
    time_limit: float | None = OPT["time_limit"], gap: float | None = OPT["gap"],
    strategy: cli.Strategy = STRATEGY, overrides: list[str] | None = SET,
) -> None:
    """Solve every scenario."""
    _check(path, time_limit, gap, workers, scheduler)
    from planner.input.overrides import read_scenarios
    from planner.study.sweep import write_study

    scenarios = _with_sets(read_scenarios(_base_case(path, overrides)), overrides)
    folder = folder or output_folder(None, path) / f"{path.stem}-study"
    study = _run(path, scenarios, folder, workers=workers, scheduler=scheduler, time_limit=time_limit, gap=gap,
                    strategy=strategy.value, what="scenarios")
    written = write_study(study)
    cli.console.print(_summary(study))
    cli.say(f"wrote {written} and {len(study.ordered)} scenario workbooks in {study.folder}", markup="[green]✓[/] ")
    raise typer.Exit(EXIT_INFEASIBLE if study.failed else EXIT_OK)


@cli.app.command(help=PARETO_HELP)
def pareto(
    path: Path = cli.WORKBOOK_ARG,
    points: int = typer.Option(9, "--points", metavar="N", help="Points on the frontier (2 or more), both ends "
                               "included."),
    workers: int | None = typer.Option(None, "--workers", metavar="N", show_default=False, help=WORKERS_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                         help=SCHEDULER_HELP),
    folder: Path | None = typer.Option(None, "--output", "-o", metavar="FOLDER", show_default=False,
                                       help=FOLDER_HELP.format(what="pareto")),
    time_limit: float | None = OPT["time_limit"], gap: float | None = OPT["gap"],
    strategy: cli.Strategy = STRATEGY, overrides: list[str] | None = SET,
) -> None:
    """The cost-carbon frontier."""
    if points < 2:
        raise typer.BadParameter("must be 2 or more", param_hint="--points")
    _check(path, time_limit, gap, workers, scheduler)
    from planner.study.pareto import FrontierError, frontier, frontier_table
    from planner.study.progress import StudyProgress
    from planner.study.store import StudyFolder
    from planner.study.sweep import Study, write_study

    from planner.input.overrides import case_with_overrides, parse_overrides

    case = case_with_overrides(_base_case(path), parse_overrides(overrides or []))
    folder = folder or output_folder(None, path) / f"{path.stem}-pareto"
    store = StudyFolder(folder)
    study = Study(path, folder, [])
    with StudyProgress(cli.console, points, what="points") as progress:
        def done(point) -> None:
            record = store.save(point.outcome, "", input_path=path, overrides=point.outcome.case.overrides,
                                command_line=_command_line())
            study.records[point.label] = record
            progress.finished(point.label, point.outcome.status, f"total cost {point.cost / 1e6:,.2f} M CNY/yr, "
                              f"emissions {point.emissions:,.0f} tCO2/yr, {point.outcome.seconds:,.1f} s "
                              f"({point.outcome.worker})", True)

        try:
            found = frontier(case, points, mip_gap=gap, time_limit_s=time_limit, strategy=strategy.value,
                             on_point=done, on_start=lambda _: progress.started(), workers=workers,
                             scheduler=scheduler)
        except FrontierError as exc:
            cli.say(str(exc), markup="[red]infeasible:[/] ")
            raise typer.Exit(EXIT_INFEASIBLE) from None
        except OSError as exc:  # the scheduler cannot be reached (a timeout is an OSError too)
            raise CliError(f"cannot use the Dask cluster {scheduler or ''}: {exc}".replace("  ", " ")) from None
    from planner.input.overrides import Scenario

    study.scenarios = [Scenario(p.label, overrides=[]) for p in found]
    table = frontier_table(found)
    table["workbook"] = [study.records[p.label].workbook for p in found]
    written = write_study(study, folder / f"{path.stem}-pareto.xlsx", pareto=table)
    cli.console.print(_frontier_table(table))
    cli.say(f"wrote {written} and {points} point workbooks in {folder}", markup="[green]✓[/] ")


def _frontier_table(frame) -> Table:
    table = Table(title="Cost-carbon frontier", header_style="bold")
    for name in ("point", "total cost (M CNY/yr)", "emissions (tCO2/yr)", "abatement cost (CNY/tCO2)"):
        table.add_column(name, justify="left" if name == "point" else "right")
    for _, row in frame.iterrows():
        mac = row["marginal_abatement_cost_cny_per_tco2"]
        table.add_row(row["point"], f"{row['total_cost_cny_per_yr'] / 1e6:,.2f}",
                      f"{row['emissions_tco2_per_yr']:,.0f}", "-" if mac is None or mac != mac else f"{mac:,.0f}")
    return table


@cli.app.command(help=SENSITIVITY_HELP)
def sensitivity(
    path: Path = cli.WORKBOOK_ARG,
    vary: list[str] = typer.Option(..., "--vary", metavar="INPUT", show_default=False,
                                   help="An input to vary (repeatable): a setting, Sheet[id].column or Sheet.column."),
    by: float = typer.Option(0.2, "--by", metavar="SHARE", help="Relative variation, e.g. 0.2 = -20 % and +20 %."),
    workers: int | None = typer.Option(None, "--workers", metavar="N", show_default=False, help=WORKERS_HELP),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                         help=SCHEDULER_HELP),
    folder: Path | None = typer.Option(None, "--output", "-o", metavar="FOLDER", show_default=False,
                                       help=FOLDER_HELP.format(what="sensitivity")),
    time_limit: float | None = OPT["time_limit"], gap: float | None = OPT["gap"],
    strategy: cli.Strategy = STRATEGY, overrides: list[str] | None = SET,
) -> None:
    """One-at-a-time sensitivity."""
    if not 0 < by < 1:
        raise typer.BadParameter("must be between 0 and 1 (0.2 = -20 % and +20 %)", param_hint="--by")
    bad = [v for v in vary if any(op in v for op in ("=",))]
    if bad:
        raise typer.BadParameter(f"{bad[0]!r}: name the input only (no =, *= or +=)", param_hint="--vary")
    from planner.study import sensitivity as sens
    from planner.study.sweep import write_study

    scenarios = sens.scenarios(vary, by)  # a bad target is invalid input (CaseInvalid: exit 2)
    _check(path, time_limit, gap, workers, scheduler)
    scenarios = _with_sets(scenarios, overrides)
    _base_case(path, overrides)
    folder = folder or output_folder(None, path) / f"{path.stem}-sensitivity"
    study = _run(path, scenarios, folder, workers=workers, scheduler=scheduler, time_limit=time_limit, gap=gap,
                    strategy=strategy.value, what="variations")
    table = sens.tornado(study, vary, by)
    written = write_study(study, folder / f"{path.stem}-sensitivity.xlsx", sensitivity=table)
    cli.console.print(_summary(study))
    cli.say(f"wrote {written}", markup="[green]✓[/] ")
    raise typer.Exit(EXIT_INFEASIBLE if study.failed else EXIT_OK)


__all__ = ["pareto", "sensitivity", "sweep"]
