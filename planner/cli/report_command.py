"""`planner report RESULT.xlsx [-o report.html]`: the report page of a result workbook (registered on the same
typer app as the other commands; `planner.cli` imports this module)."""

from __future__ import annotations

from pathlib import Path

import typer

from planner.cli import commands
from planner.cli.commands import app, say
from planner.cli.exit_codes import EXIT_INVALID, CliError, exit_codes_help
from planner.cli.options import LANG, Lang
from planner.cli.paths import same_file, writable_target

REPORT_HELP = (
    "Write the report page of a result workbook: one self-contained HTML file.\n\n"
    "It shows the map (provinces, sites, demands, assignments), the headline KPIs, the charts (cost waterfall, "
    "capacity by site, a representative day's dispatch per open site), the Policy table and the Sites table. "
    "Images and fonts are embedded: the file works offline and prints to PDF from a browser (A4 landscape). "
    "Default OUTPUT: <result-stem>-report.html beside RESULT. --lang zh writes the page in Chinese (from a result "
    "workbook in either language).\n\n"
    + exit_codes_help("report")
)


def html_target(path: Path, force: bool, result: Path) -> Path:
    """`path` if the report page may be written there (checked before any work)."""
    if same_file(path, result):
        raise CliError(f"{path} is the result workbook: choose another OUTPUT with -o")
    return writable_target(path, force, "--output", (".html", ".htm"))


@app.command(help=REPORT_HELP)
def report(
    result: Path = typer.Argument(..., metavar="RESULT.xlsx", show_default=False,
                                  help="Result workbook written by planner solve."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="OUTPUT", show_default=False,
                                       help="Report page to write (.html). Default: <result-stem>-report.html "
                                       "beside RESULT."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite OUTPUT if it exists."),
    latency_circles: bool = typer.Option(False, "--latency-circles",
                                         help="Draw each demand's latency cap as a circle on the map (the "
                                         "distance the latency proxy allows)."),
    by_cooling: bool = typer.Option(False, "--by-cooling", help="Colour the open sites by cooling, not by hub."),
    lang: Lang = LANG,
) -> None:
    """Write the report page of a result workbook."""
    from planner.report.html_report import report_target, write_report_html
    from planner.report.read_result import ResultWorkbookError

    if output is not None and output.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter(f"{output} must end in .html", param_hint="--output")
    commands.existing_file(result, "give the path of a result workbook written by planner solve")
    out = html_target(output if output is not None else report_target(result), force, result)
    try:
        write_report_html(result, out, latency_circles=latency_circles,
                          colour_by="cooling" if by_cooling else "hub", lang=lang.value)
    except ResultWorkbookError as exc:
        say(str(exc), markup="[red]invalid:[/] ")
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as exc:
        raise CliError(f"cannot write {out}: {(exc.strerror or str(exc)).lower()}") from None
    say(f"wrote {out}", markup="[green]✓[/] ")


__all__ = ["REPORT_HELP", "html_target", "report"]
