"""Rich console output for `planner solve` and `planner compare`: stage progress and result tables."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from planner.report.compare import SITE_ITEM_LABELS, Comparison
from planner.report.compare_waterfall import cost_steps
from planner.report.kpi_text import console_unit, fmt_delta, fmt_pct, fmt_value, kpi_label, status_label
from planner.results.result import Result
from planner.results.schema import KPIS

# The KPIs of `planner solve`'s summary table, in order (cost components with a zero value are left out)
HEADLINE_KPIS = tuple(k.name for k in KPIS if k.headline)


@contextmanager
def direct_console(base: Console) -> Iterator[Console]:
    """A console on a duplicate of the stdout file descriptor, for use around a solve.

    Pyomo captures file descriptors 1 and 2 while HiGHS runs (to collect its log), so anything printed to
    sys.stdout meanwhile - the spinner, the progress line, the solver log - would vanish into that capture.
    A duplicate descriptor made before the solve still reaches the terminal. Falls back to ``base`` where
    stdout has no descriptor (e.g. under pytest's capture).
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield base
        return
    sys.stdout.flush()
    stream = os.fdopen(os.dup(fd), "w", buffering=1, encoding=getattr(sys.stdout, "encoding", None) or "utf-8",
                       errors="replace")
    try:
        yield Console(file=stream, highlight=False, width=None if stream.isatty() else base.width)
    finally:
        stream.flush()
        stream.close()


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def _money(v: float | None) -> str:
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v / 1e6:,.1f} M CNY/yr"


# ----------------------------------------------------------------------------------------------------------
# Progress of `planner solve`: stage ticks, and while solving the method's stage, best plan, bound, gap, time left
# ----------------------------------------------------------------------------------------------------------
# without a terminal (a pipe, a log file): a plain progress line at each new solver stage and at most this often
PLAIN_EVERY_S = 15.0


def figures_text(phase: str, figures: dict, elapsed_s: float, limit_s: float | None) -> str:
    """'design days: best plan 1,080.9, bound 1,070.2 M CNY/yr, gap 0.99 %, 288 s of 300 s left' (what is known)."""
    inc, bound, gap = (figures.get(k) for k in ("incumbent", "bound", "gap"))
    parts = []
    if _finite(inc):
        parts.append(f"best plan {inc / 1e6:,.1f}")
    if _finite(bound):
        parts.append(f"bound {bound / 1e6:,.1f}")
    if parts:
        parts[-1] += " M CNY/yr"
    if _finite(gap):
        parts.append(f"gap {gap:.2%}")
    if limit_s is not None and math.isfinite(limit_s):
        parts.append(f"{max(limit_s - elapsed_s, 0.0):,.0f} s of {limit_s:,.0f} s left")
    text = ", ".join(parts)
    return f"{phase}: {text}" if phase and text else phase or text


class SolveProgress:
    """Stage-by-stage progress: a spinner with a live line while a stage runs, a tick line when it ends.

    While solving, the live line shows the solver's stage (the site decomposition's design days, year dispatch,
    cuts...; HiGHS' branch and bound), the best plan's cost, the bound and the gap as they move, and the time left
    against the limit. `plain_lines` (output that is not a terminal): no spinner, but a plain line at each new
    solver stage and its first plan, and at most every PLAIN_EVERY_S seconds. Use as a context manager; `progress` is the callback for
    `solve_case(progress=...)`.
    """

    def __init__(self, console: Console, *, quiet_spinner: bool = False, plain_lines: bool = False):
        self.console = console
        self._stage = ""
        self._stage_start = time.perf_counter()
        self._solve: dict = {}
        self._phase = ""
        self._limit: float | None = None
        self._status = None
        self._quiet = quiet_spinner
        self._plain = plain_lines
        self._printed = (None, -math.inf)  # (phase, time) of the last plain line
        self.model_size: dict = {}

    # -- live status ---------------------------------------------------------------------------------
    def __rich__(self) -> Text:
        elapsed = time.perf_counter() - self._stage_start
        text = Text()
        text.append(f"{self._stage} ", style="bold")
        text.append(f"{elapsed:,.0f} s", style="cyan")
        if self._stage.startswith("solving"):
            figures = figures_text(self._phase, self._solve, elapsed, self._limit)
            if figures:
                text.append("  " + figures)
        return text

    def __enter__(self) -> "SolveProgress":
        if not self._quiet:
            self._status = self.console.status(self, spinner="dots")
            self._status.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._status is not None:
            self._status.__exit__(*exc)
            self._status = None

    def start(self, stage: str) -> None:
        """A new running stage (shown next to the spinner)."""
        self._stage = stage
        self._stage_start = time.perf_counter()
        self._solve = {}
        self._phase = ""

    def done(self, label: str, detail: str, seconds: float | None = None) -> None:
        """One tick line: '✓ label   detail   (1.2 s)'."""
        took = f" [dim]({seconds:,.1f} s)[/]" if seconds is not None else ""
        self.console.print(f"[green]✓[/] [bold]{label:<10}[/] {escape(detail)}{took}", soft_wrap=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self._stage_start

    def _solving(self, info: dict) -> None:
        if not self._stage.startswith("solving"):
            self.start("solving")
        if "time_limit_s" in info:
            self._limit = info["time_limit_s"]
        phase = info.get("phase")
        if phase is not None and phase != self._phase:  # a new stage: its figures are of its own problem
            self._phase, self._solve = phase, {}
        first_plan = "incumbent" not in self._solve and info.get("incumbent") is not None
        self._solve.update({k: info[k] for k in ("incumbent", "bound", "gap") if info.get(k) is not None})
        if self._plain:
            self._plain_line(first_plan)

    def _plain_line(self, first_plan: bool = False) -> None:
        """A line at a new stage, at a stage's first plan, and at most every PLAIN_EVERY_S seconds otherwise."""
        now, (phase, at) = time.perf_counter(), self._printed
        if self._phase and (self._phase != phase or first_plan or now - at >= PLAIN_EVERY_S):
            self._printed = (self._phase, now)
            elapsed = now - self._stage_start
            self.console.print(f"  solving {elapsed:,.0f} s  " + figures_text(self._phase, self._solve, elapsed,
                                                                             self._limit), soft_wrap=True,
                               markup=False, highlight=False)

    # -- solve_case progress callback ----------------------------------------------------------------
    def progress(self, info: dict) -> None:
        stage = info.get("stage")
        if stage == "build":
            self.model_size = {k: info[k] for k in ("n_variables", "n_constraints", "n_binaries", "n_integers")
                               if k in info}
            size = model_size_text(self.model_size)
            self.done("built", size or "model built", info.get("build_s", self.elapsed()))
            self.start("solving")
        elif stage == "solve":
            self._solving(info)
        elif stage == "postprocess":
            self.solve_seconds = self.elapsed()
            self.start("reading the solution")
        elif stage == "diagnose":
            self.solve_seconds = self.elapsed()
            self.start("infeasible: finding which requirements conflict")
        elif stage == "stopping":
            self.start("Ctrl-C: stopping HiGHS at its next check (Ctrl-C again quits at once)")


def model_size_text(size: dict) -> str:
    if not size:
        return ""
    ints = size.get("n_binaries", 0) + size.get("n_integers", 0)
    return (f"{size.get('n_variables', 0):,} variables ({ints:,} integer), "
            f"{size.get('n_constraints', 0):,} constraints")


def solved_text(result: Result) -> str:
    info = result.solve
    return f"{info.status_text()}, objective {_money(info.objective_cny)}" if info.objective_cny is not None \
        else info.status_text()


def kpi_table(result: Result, title: str | None = None) -> Table:
    """The headline KPIs of a solved result."""
    table = Table(title=_plain(title), header_style="bold", title_justify="left", show_edge=True)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("unit")
    kpis = result.kpis.set_index("kpi")
    for k in HEADLINE_KPIS:
        if k not in kpis.index:
            continue
        v, unit, desc = kpis.at[k, "value"], str(kpis.at[k, "unit"]), str(kpis.at[k, "description"])
        if k.startswith(("cost_", "capex_")) and k != "capex_total_cny" and (v is None or abs(float(v)) < 0.5):
            continue
        style = "bold" if k == "total_cost_cny_per_yr" else None
        table.add_row(Text(kpi_label(k, desc), style=style or ""), Text(fmt_value(v, unit, k), style=style or ""),
                      Text(console_unit(unit, k)))
    info = result.solve
    table.add_section()
    table.add_row("Solver status", Text(status_label(info.status, info.gap)), "")
    if info.gap is not None and math.isfinite(info.gap):
        table.add_row("MIP gap", f"{info.gap * 100:.2f}", "%")
    table.add_row("Build + solve time", f"{info.build_s + info.solve_s:,.1f}", "s")
    return table


def infeasibility_table(result: Result) -> Group:
    """Why a case is infeasible: the messages and the explanation table."""
    parts: list = []
    for m in result.messages:
        parts.append(Text(f"- {m}"))
    frame = result.infeasibility
    if frame is not None and not frame.empty:
        table = Table(title="Requirements that cannot all be met", header_style="bold", title_justify="left")
        wanted = ["constraint", "scope", "required", "reachable", "violation", "unit"]
        if not result.messages:  # otherwise the messages above already say it
            wanted.append("explanation")
        cols = [c for c in wanted if c in frame.columns]
        for c in cols:
            table.add_column(c, justify="right" if c in ("required", "reachable", "violation") else "left",
                             ratio=3 if c == "explanation" else None)
        for _, r in frame.iterrows():
            table.add_row(*[_cell(r[c]) for c in cols])
        parts.append(table)
    return Group(*parts)


def _cell(v) -> Text:
    """A table cell printed literally (user text such as a site name may contain rich markup like `[/]`)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return Text("")
    if isinstance(v, float):
        return Text(f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}")
    return Text(str(v))


def _plain(text: str | Text | None) -> Text | None:
    """`text` as a literal Text (never parsed as rich markup); None stays None."""
    return None if text is None or isinstance(text, Text) else Text(str(text))


def comparison_table(c: Comparison) -> Table:
    """The business KPIs side by side with absolute and % deltas against the first result (shares: deltas in
    percentage points, no % delta); the solver's own rows are in `solver_table`."""
    table = Table(title=Text(f"KPIs: deltas against {c.base}"), header_style="bold", title_justify="left")
    table.add_column("KPI")
    table.add_column("unit")
    for i, label in enumerate(c.labels):
        table.add_column(Text(str(label)), justify="right")
        if i:
            table.add_column("Δ", justify="right")
            table.add_column("Δ %", justify="right")
    section = None
    for k in c.business_kpis:
        sec = c.info.at[k, "section"]
        if section is not None and sec != section:
            table.add_section()
        section = sec
        unit = str(c.info.at[k, "unit"])
        row = [Text(kpi_label(k, str(c.info.at[k, "description"]))), Text(console_unit(unit, k))]
        for i, label in enumerate(c.labels):
            row.append(Text(fmt_value(c.values.at[k, label], unit, k)))
            if i:
                d, p = c.deltas.at[k, label], c.pcts.at[k, label]
                style = "" if (isinstance(d, float) and (math.isnan(d) or d == 0)) else "yellow"
                row.append(Text(fmt_delta(d, unit, k), style=style))
                row.append(Text("" if c.is_share(k) else fmt_pct(p), style=style))
        table.add_row(*row)
    return table


def solver_table(c: Comparison) -> Table:
    """How each result was solved, side by side: status, method, MIP gap, solve time (no deltas: these are not
    business results)."""
    table = Table(title="How each was solved (not compared)", header_style="bold", title_justify="left")
    table.add_column("")
    for label in c.labels:
        table.add_column(Text(str(label)), justify="right")
    gaps = [c.values.at["mip_gap", label] if "mip_gap" in c.values.index else None for label in c.labels]
    table.add_row("Solver status", *[Text(status_label(str(r.status.get("solver_status", "?")), g))
                                     for r, g in zip(c.results, gaps)])
    table.add_row("Method", *[Text(str(r.status.get("termination", "")).split(":")[0]) for r in c.results])
    for k in c.solver_kpis:
        unit = str(c.info.at[k, "unit"])
        label = kpi_label(k, str(c.info.at[k, "description"]))
        shown = console_unit(unit, k)
        table.add_row(Text(f"{label} ({shown})" if shown else label),
                      *[Text(fmt_value(c.values.at[k, lab], unit, k)) for lab in c.labels])
    return table


def waterfall_table(c: Comparison, label: str) -> Table | None:
    """What the cost difference against the base is made of: each changed component, then the total."""
    steps = cost_steps(c, label)
    changes = steps[steps["kind"] == "change"]
    if changes.empty:
        return None
    table = Table(title="Cost difference by component", header_style="bold", title_justify="left")
    table.add_column("cost component")
    table.add_column(Text(f"{label} - {c.base} (M CNY/yr)"), justify="right")
    for _, r in changes.iterrows():
        d = r["delta_cny_per_yr"] / 1e6
        table.add_row(Text(str(r["step"])), Text(f"{d:+,.1f}" if abs(d) >= 0.05 else f"{d:+,.3f}",
                                                 style="red" if d > 0 else "green"))
    table.add_section()
    table.add_row(Text("total difference", style="bold"),
                  Text(f"{changes['delta_cny_per_yr'].sum() / 1e6:+,.1f}", style="bold"))
    return table


def site_changes_table(c: Comparison) -> Table | None:
    """One line per site and scenario whose decisions changed (by more than the materiality threshold)."""
    if c.site_changes.empty:
        return None
    table = Table(title=f"Site decisions that changed (capacity changes under {c.threshold:.1%} not listed)",
                  header_style="bold", title_justify="left")
    for col in ("site", "scenario", "change", "what changed"):
        table.add_column(col)
    for (sid, scen), g in c.site_changes.groupby(["site_id", "scenario"], sort=False):
        parts = []
        for _, r in g.iterrows():
            if r["item"] in ("opened", "candidate"):
                continue
            unit = "" if r["unit"] in ("-", "yes/no") else f" {r['unit']}"
            item = r["what"] or SITE_ITEM_LABELS.get(r["item"], r["item"])
            if isinstance(r["base"], str) or isinstance(r["value"], str):
                parts.append(f"{item} {r['base'] or 'none'} -> {r['value'] or 'none'}")
            elif r["item"] == "modules":
                parts.append(f"{item} {_num(r['base'], 0)} -> {_num(r['value'], 0)}")
            else:
                parts.append(f"{item} {_num(r['base'])} -> {_num(r['value'])}{unit}")
        name = g["name"].iloc[0] or sid
        table.add_row(Text(str(name)), Text(str(scen)), Text(str(g["change"].iloc[0])), Text("; ".join(parts)))
    return table


def _num(v, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "0"
    return f"{float(v):,.{digits}f}"


def assignment_changes_table(c: Comparison, limit: int = 30) -> Table | None:
    frame = c.assignment_changes
    if frame.empty:
        return None
    table = Table(title="Assignments that changed (IT MW)", header_style="bold", title_justify="left")
    for col in ("demand", "site", "scenario", "change", "before", "after", "Δ"):
        table.add_column(col, justify="right" if col in ("before", "after", "Δ") else "left")
    for _, r in frame.head(limit).iterrows():
        table.add_row(Text(str(r["demand_name"])), Text(str(r["site_name"])), Text(str(r["scenario"])),
                      Text(str(r["change"])), _num(r["base_it_mw"]), _num(r["it_mw"]), f"{r['delta_mw']:+,.1f}")
    if len(frame) > limit:
        table.caption = f"{len(frame) - limit} more in the comparison workbook"
    return table


def print_comparison(con: Console, c: Comparison) -> None:
    """`planner compare`'s console output: the KPIs, the cost difference by component, what changed (above the
    materiality threshold), how each result was solved, and the notes."""
    con.print(comparison_table(c))
    for table in (*[waterfall_table(c, label) for label in c.others], site_changes_table(c),
                  assignment_changes_table(c), solver_table(c)):
        if table is not None:
            con.print(table)
    if c.site_changes.empty and c.assignment_changes.empty:
        con.print(f"no site decision or assignment changed by more than {c.threshold:.1%} (--threshold)",
                  soft_wrap=True, markup=False)
    for note in c.notes:
        con.print("[yellow]note:[/] " + escape(note), soft_wrap=True)


LogPrinter = Callable[[str], None]


__all__ = ["SolveProgress", "kpi_table", "infeasibility_table", "comparison_table", "site_changes_table",
           "assignment_changes_table", "model_size_text", "solved_text", "HEADLINE_KPIS", "figures_text",
           "print_comparison", "solver_table", "status_label", "waterfall_table"]
