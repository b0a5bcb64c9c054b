"""`planner validate`'s check of the Scenarios sheet: each scenario's overrides applied to the workbook and the result
validated exactly as `planner sweep` does before solving it (`case_with_overrides`), without solving. A problem is
reported at the Scenarios cell of the override that causes it (or, caused elsewhere, named with its scenario)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from planner.input.overrides import Scenario, case_with_overrides, read_scenarios
from planner.input.reader import RawWorkbook, read_workbook
from planner.input.schema import Problem
from planner.input.validate import CaseInvalid, sort_problems


def check_scenarios(raw: RawWorkbook) -> list[Scenario]:
    """The workbook's scenarios (`read_scenarios`), each checked; CaseInvalid with every error of every scenario
    (an override shared through based_on is reported once)."""
    scenarios = read_scenarios(raw)
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for scenario in scenarios:
        if not scenario.overrides:
            continue
        try:
            case_with_overrides(raw, scenario.overrides)
        except CaseInvalid as exc:
            for p in exc.errors:
                if (p.sheet, p.cell, p.message) not in seen:
                    seen.add((p.sheet, p.cell, p.message))
                    problems.append(replace(p, message=f"scenario {scenario.name!r}: {p.message}"))
    if problems:
        raise CaseInvalid(sort_problems(problems), raw.source)
    return scenarios


def scenarios_note(path: str | Path) -> str:
    """'' or '; N scenarios valid' for `planner validate` (CaseInvalid naming the bad overrides' cells)."""
    named = [s for s in check_scenarios(read_workbook(path)) if s.overrides]
    return f"; {len(named)} scenario{'s' if len(named) != 1 else ''} of the Scenarios sheet valid" if named else ""
