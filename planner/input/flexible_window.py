"""The rolling window of flexible load (Demand.flexible_window_h) against the case's time steps.

A rolling window needs chronological hours: on representative days each day stands alone (and repeats), so a
moved MWh cannot cross into another day and the window there is the day (`planner.model.flexible_load`). A
window given on representative days is therefore clipped to the day, with a warning naming the cell; a window
on a demand without a flexible share does nothing, also a warning.
"""

from __future__ import annotations

from planner.input.case import Case
from planner.input.schema import Problem
from planner.input.tables import Table

COLUMN = "flexible_window_h"


def window_problems(case: Case, demand: Table | None) -> list[Problem]:
    """Warnings for rolling windows that cannot act as given (see the module's text)."""
    if demand is None or COLUMN not in case.demand:
        return []
    problems = []
    shares = case.demand["flexible_share"].astype(float)
    for i, (d, w) in enumerate(case.demand[COLUMN].astype(float).items()):
        if not w > 0 or i >= len(demand.rows):
            continue
        cell = demand.cell(i, COLUMN)
        if not shares[d] > 0:
            problems.append(Problem("warning", demand.tab, cell, f"demand {d}: {COLUMN} {w:g} h is set but its "
                                    f"flexible_share is 0, so no load moves", "set flexible_share, or leave "
                                    f"{COLUMN} blank"))
        elif not case.is_full_year:
            problems.append(Problem(
                "warning", demand.tab, cell, f"demand {d}: {COLUMN} {w:g} h is a rolling window, which needs the "
                f"8760 chronological hours of a full year; on representative days each day stands alone, so the "
                f"window used is the day", f"leave {COLUMN} blank on representative days, or give full-year "
                f"Profiles (8760 rows of weight_days 1) for the rolling window"))
    return problems
